//! Findings → one audit per organisation: the report model every emitter reads.

use crate::closest::Index;
use crate::document::BlockKind;
use crate::engine::{Hit, Prepared, RuleOutcome, Status};
use crate::rules::{Element, Pattern, Rule, RulePack, SetId, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// Evidence excerpts kept per element: enough to check, few enough to read.
const EVIDENCE_PER_ELEMENT: usize = 3;
/// Longest excerpt, in characters.
const EXCERPT_CHARS: usize = 400;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub as_of: String,
    pub rule_packs: Vec<PackInfo>,
    pub organisations: Vec<OrgAudit>,
    /// The `--fail-on` threshold the summaries were judged at (`None` = never fail); emitters
    /// that mark individual findings as failing need it.
    #[serde(skip)]
    pub fail_on: Option<Severity>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackInfo {
    pub name: String,
    pub version: String,
    /// Rules switched off in policy-audit.yaml.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disabled_rules: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrgAudit {
    pub name: String,
    pub path: String,
    pub documents: Vec<DocEntry>,
    /// Files found but not read because the tool does not know their format.
    pub skipped: Vec<String>,
    pub summary: Summary,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocEntry {
    pub path: String,
    pub format: Option<&'static str>,
    pub kind: Option<&'static str>,
    pub title: Option<String>,
    pub words: usize,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub met: usize,
    pub partial: usize,
    pub missing: usize,
    pub waived: usize,
    pub not_applicable: usize,
    /// (met + half of partial) / requirements judged.
    pub score: f64,
    pub passed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    pub elements: Vec<ElementReport>,
    pub evidence: Vec<Evidence>,
    pub waiver: Option<WaiverReport>,
    pub description: String,
    pub source: String,
    pub remediation: String,
    /// For a gap: where the missing wording would best go — the section of the organisation's
    /// documents that comes closest to the requirement, else its most relevant document.
    pub suggested_location: Option<Place>,
}

/// A place in a document a person can go to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Place {
    pub document: String,
    pub line: usize,
    /// "line 42", "paragraph 7" or "page 3".
    pub location: String,
    pub section: Option<String>,
}

/// A waiver that names a finding, and what became of it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WaiverReport {
    pub state: WaiverState,
    pub justification: String,
    pub approved_by: Option<String>,
    /// YYYY-MM-DD: the last day the waiver applies.
    pub expires: String,
    /// Where the waiver is written: "waivers.yaml:12".
    pub defined_at: String,
    /// The finding's status had there been no waiver.
    pub status_without_waiver: Status,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WaiverState {
    /// The finding is a gap and the waiver is in date: the finding is `waived`.
    Applied,
    /// The waiver's expiry date has passed: the finding keeps its own status.
    Expired,
    /// The requirement is met (or not applicable): the waiver is no longer needed.
    Unneeded,
}

impl WaiverState {
    pub fn name(self) -> &'static str {
        match self {
            WaiverState::Applied => "applied",
            WaiverState::Expired => "expired",
            WaiverState::Unneeded => "unneeded",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ElementReport {
    pub id: String,
    pub found: bool,
    /// Not found, but weak evidence was (the element is partly there).
    pub weak: bool,
    pub description: String,
    /// For an element not found: the words and patterns it looked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub searched_terms: Option<Vec<String>>,
    /// For an element not found: the passages nearest to it, best first (BM25 against its
    /// description and phrases), to confirm the gap or spot a paraphrase the rule missed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closest: Option<Vec<Passage>>,
}

/// A passage near a missing element.
#[derive(Debug, Clone, Serialize)]
pub struct Passage {
    pub document: String,
    pub line: usize,
    pub location: String,
    pub section: Option<String>,
    pub excerpt: String,
    /// BM25 score, one decimal: higher is closer; comparable within one organisation.
    pub score: f64,
}

/// Passages listed per missing element.
const CLOSEST_PER_ELEMENT: usize = 3;

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub document: String,
    pub line: usize,
    /// "line 42", "paragraph 7" or "page 3": how a person finds it again.
    pub location: String,
    pub section: Option<String>,
    pub excerpt: String,
    /// The elements this passage is evidence for.
    pub elements: Vec<String>,
}

/// Does a finding fail the audit at this threshold?
pub fn fails(severity: Severity, status: Status, fail_on: Option<Severity>) -> bool {
    status.is_gap() && fail_on.is_some_and(|threshold| severity <= threshold)
}

/// Build one organisation's findings from the engine's outcomes.
pub fn findings(
    pack: &RulePack,
    outcomes: &[RuleOutcome],
    docs: &[Prepared],
    index: &Index,
) -> Vec<Finding> {
    outcomes
        .iter()
        .map(|o| {
            let mut evidence: Vec<Evidence> = Vec::new();
            for (element, outcome) in o.rule.elements.iter().zip(&o.elements) {
                let mut kept = 0;
                for hit in &outcome.hits {
                    if kept == EVIDENCE_PER_ELEMENT {
                        break;
                    }
                    let item = evidence_at(&docs[hit.doc], hit);
                    // One passage serving several elements is quoted once.
                    match evidence.iter_mut().find(|e| {
                        e.document == item.document
                            && e.line == item.line
                            && e.excerpt == item.excerpt
                    }) {
                        Some(existing) if existing.elements.contains(&element.id) => continue,
                        Some(existing) => existing.elements.push(element.id.clone()),
                        None => evidence.push(Evidence {
                            elements: vec![element.id.clone()],
                            ..item
                        }),
                    }
                    kept += 1;
                }
            }
            evidence.sort_by(|a, b| (&a.document, a.line).cmp(&(&b.document, b.line)));
            Finding {
                rule: o.rule.id.clone(),
                title: o.rule.title.clone(),
                severity: o.rule.severity,
                status: o.status,
                elements: o
                    .rule
                    .elements
                    .iter()
                    .zip(&o.elements)
                    .map(|(e, r)| {
                        let not_found = !r.found && o.status != Status::NotApplicable;
                        ElementReport {
                            id: e.id.clone(),
                            found: r.found,
                            weak: r.weak,
                            description: e.description.clone(),
                            searched_terms: not_found.then(|| e.searched_terms(&pack.phrases)),
                            closest: not_found.then(|| closest(o.rule, e, docs, index)),
                        }
                    })
                    .collect(),
                evidence,
                waiver: None,
                suggested_location: o
                    .status
                    .is_gap()
                    .then(|| suggested_place(o.rule, docs))
                    .flatten(),
                description: o.rule.description.clone(),
                source: format!("{} — {}", o.rule.source_document, o.rule.source_section),
                remediation: o.rule.remediation.clone(),
            }
        })
        .collect()
}

/// The quoted sentence of a hit, with where a person finds it.
fn evidence_at(prepared: &Prepared, hit: &Hit) -> Evidence {
    let block = &prepared.doc.blocks[hit.block];
    let raw = &prepared.blocks[hit.block].text[hit.start..hit.end];
    let lead = raw.len() - raw.trim_start().len();
    let line = prepared.line_at(hit.block, hit.start + lead);
    Evidence {
        document: prepared.doc.path.display().to_string(),
        line,
        location: format!("{} {line}", prepared.doc.format.location_unit()),
        section: block.section().map(str::to_string),
        excerpt: excerpt(raw.trim()),
        elements: Vec::new(),
    }
}

/// The passages nearest to an element, in the documents its rule applies to.
fn closest(rule: &Rule, element: &Element, docs: &[Prepared], index: &Index) -> Vec<Passage> {
    let relevant = |d: usize| {
        rule.applies_to
            .as_ref()
            .is_none_or(|kinds| kinds.contains(&docs[d].doc.kind))
    };
    index
        .nearest(&element.query, CLOSEST_PER_ELEMENT, relevant)
        .into_iter()
        .map(|near| {
            let prepared = &docs[near.doc];
            let pb = &prepared.blocks[near.block];
            let bytes = pb.analysed.sentences[near.sentence].bytes.clone();
            let raw = &pb.text[bytes.clone()];
            let lead = raw.len() - raw.trim_start().len();
            let line = prepared.line_at(near.block, bytes.start + lead);
            Passage {
                document: prepared.doc.path.display().to_string(),
                line,
                location: format!("{} {line}", prepared.doc.format.location_unit()),
                section: prepared.doc.blocks[near.block]
                    .section()
                    .map(str::to_string),
                excerpt: excerpt(raw.trim()),
                score: (near.score * 10.0).round() / 10.0,
            }
        })
        .collect()
}

/// Where a gap's wording would best go: the section that shares most of the rule's vocabulary
/// (each phrase set weighted by how rare it is in the organisation's documents, so "staff"
/// counts for little); with no shared vocabulary, the start of the largest relevant document.
fn suggested_place(rule: &Rule, docs: &[Prepared]) -> Option<Place> {
    let mut sets: Vec<SetId> = rule
        .elements
        .iter()
        .flat_map(|e| &e.alternatives)
        .flat_map(|a| match &a.pattern {
            Pattern::Phrases(set) => vec![*set],
            Pattern::Near { sets, .. } => sets.clone(),
            Pattern::Regex(_) => Vec::new(),
        })
        .collect();
    sets.sort_unstable();
    sets.dedup();
    let relevant: Vec<usize> = (0..docs.len())
        .filter(|&d| {
            rule.applies_to
                .as_ref()
                .is_none_or(|kinds| kinds.contains(&docs[d].doc.kind))
        })
        .collect();
    let blocks = || {
        relevant
            .iter()
            .flat_map(|&d| docs[d].blocks.iter().enumerate().map(move |(b, _)| (d, b)))
    };
    let total = blocks().count() as f64;
    let weight: BTreeMap<SetId, f64> = sets
        .iter()
        .map(|&set| {
            let df = blocks()
                .filter(|&(d, b)| docs[d].blocks[b].hits.contains_key(&set))
                .count() as f64;
            (set, (1.0 + total / (1.0 + df)).ln())
        })
        .collect();
    // Sections: (document, heading block; None for text before the first heading).
    let mut sections: BTreeMap<(usize, Option<usize>), (Vec<SetId>, usize)> = BTreeMap::new();
    for (d, b) in blocks() {
        let block = &docs[d].doc.blocks[b];
        let heading = match block.kind {
            BlockKind::Heading(_) => Some(b),
            _ => block.heading_blocks.last().copied(),
        };
        let entry = sections.entry((d, heading)).or_default();
        entry.1 += 1;
        for &set in &sets {
            if docs[d].blocks[b].hits.contains_key(&set) && !entry.0.contains(&set) {
                entry.0.push(set);
            }
        }
    }
    let mut best: Option<((usize, Option<usize>), f64, usize)> = None;
    for (key, (found, size)) in &sections {
        let score: f64 = found.iter().map(|s| weight[s]).sum();
        // Higher score wins; on a tie, the shorter section (the more focused one).
        let better =
            best.is_none_or(|(_, s, n)| score > s + 1e-9 || (score > s - 1e-9 && *size < n));
        if score > 0.0 && better {
            best = Some((*key, score, *size));
        }
    }
    let (d, heading) = match best {
        Some((key, _, _)) => key,
        None => {
            let d = *relevant
                .iter()
                .max_by_key(|&&d| (docs[d].doc.words(), std::cmp::Reverse(d)))?;
            (d, None)
        }
    };
    let doc = docs[d].doc;
    let (line, section) = match heading {
        Some(h) => (doc.blocks[h].first_line(), Some(doc.blocks[h].text.clone())),
        None => (doc.blocks.first().map_or(1, |b| b.first_line()), None),
    };
    Some(Place {
        document: doc.path.display().to_string(),
        line,
        location: format!("{} {line}", doc.format.location_unit()),
        section,
    })
}

/// An excerpt no longer than `EXCERPT_CHARS`, cut at a word and marked with "…".
fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(EXCERPT_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

pub fn summarise(findings: &[Finding], fail_on: Option<Severity>) -> Summary {
    let mut s = Summary::default();
    for f in findings {
        match f.status {
            Status::Met => s.met += 1,
            Status::Partial => s.partial += 1,
            Status::Missing => s.missing += 1,
            Status::Waived => s.waived += 1,
            Status::NotApplicable => s.not_applicable += 1,
        }
    }
    let judged = s.met + s.partial + s.missing;
    s.score = if judged == 0 {
        1.0
    } else {
        let raw = (s.met as f64 + 0.5 * s.partial as f64) / judged as f64;
        (raw * 100.0).round() / 100.0
    };
    s.passed = !findings
        .iter()
        .any(|f| fails(f.severity, f.status, fail_on));
    s
}
