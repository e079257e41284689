//! Findings → one audit per organisation: the report model every emitter reads.

use crate::engine::{Hit, Prepared, RuleOutcome, Status};
use crate::rules::Severity;
use serde::Serialize;

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
    pub waiver: Option<serde_json::Value>,
    pub description: String,
    pub source: String,
    pub remediation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ElementReport {
    pub id: String,
    pub found: bool,
    /// Not found, but weak evidence was (the element is partly there).
    pub weak: bool,
    pub description: String,
}

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
pub fn findings(outcomes: &[RuleOutcome], docs: &[Prepared]) -> Vec<Finding> {
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
                    .map(|(e, r)| ElementReport {
                        id: e.id.clone(),
                        found: r.found,
                        weak: r.weak,
                        description: e.description.clone(),
                    })
                    .collect(),
                evidence,
                waiver: None,
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
