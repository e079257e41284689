//! Matching and judging: (rule pack, an organisation's documents) → one finding per rule.

pub mod dates;

use crate::analysis::{Analysed, Analyzer};
use crate::boilerplate;
use crate::document::{BlockKind, Document};
use crate::rules::{Element, Pattern, Rule, RulePack, Scope, SetHits, SetId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// How far a requirement is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    Partial,
    Missing,
    Waived,
    NotApplicable,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Partial => "partial",
            Status::Missing => "missing",
            Status::Waived => "waived",
            Status::NotApplicable => "not_applicable",
        }
    }

    /// A gap counts against the audit unless waived.
    pub fn is_gap(self) -> bool {
        matches!(self, Status::Partial | Status::Missing)
    }
}

/// A document made ready for matching: each block analysed once and its phrase hits found.
pub struct Prepared<'d> {
    pub doc: &'d Document,
    pub blocks: Vec<PreparedBlock>,
}

pub struct PreparedBlock {
    /// The text matched: the block's own, or for a list item its lead-in, a space, then its own.
    pub text: String,
    /// (lead-in block, length of the lead-in prefix in `text`), when there is one.
    pub lead: Option<(usize, usize)>,
    pub analysed: Analysed,
    pub hits: SetHits,
    pub dates: Vec<NaiveDate>,
    /// A contents-list entry: it names topics without covering them.
    pub contents: bool,
    /// Per sentence: does it only point to another document ("see the X Policy")?
    pub pointers: Vec<bool>,
}

pub fn prepare<'d>(doc: &'d Document, pack: &RulePack, analyzer: &Analyzer) -> Prepared<'d> {
    let contents = boilerplate::contents_blocks(doc);
    let blocks = doc
        .blocks
        .iter()
        .zip(contents)
        .map(|(b, contents)| {
            let (text, lead) = match b.lead_in.and_then(|i| doc.blocks.get(i).map(|l| (i, l))) {
                Some((i, lead)) => (
                    format!("{} {}", lead.text, b.text),
                    Some((i, lead.text.len() + 1)),
                ),
                None => (b.text.clone(), None),
            };
            let analysed = analyzer.analyse(&text);
            let hits = pack.phrases.find(&analysed);
            let pointers = analysed
                .sentences
                .iter()
                .map(|s| boilerplate::is_pointer(&text[s.bytes.clone()]))
                .collect();
            PreparedBlock {
                contents,
                pointers,
                dates: dates::find_dates(&text),
                text,
                lead,
                analysed,
                hits,
            }
        })
        .collect();
    Prepared { doc, blocks }
}

impl Prepared<'_> {
    /// The source line of byte `offset` in block `b`'s matched text.
    pub fn line_at(&self, b: usize, offset: usize) -> usize {
        match self.blocks[b].lead {
            Some((lead, len)) if offset < len => self.doc.blocks[lead].line_at(offset),
            Some((_, len)) => self.doc.blocks[b].line_at(offset - len),
            None => self.doc.blocks[b].line_at(offset),
        }
    }
}

/// Where an element matched: a sentence of a block of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub doc: usize,
    pub block: usize,
    pub sentence: usize,
    /// Which alternative of the element matched.
    pub alternative: usize,
    /// The sentence's byte range in the block text.
    pub start: usize,
    pub end: usize,
}

pub struct ElementOutcome {
    /// Found on strong evidence.
    pub found: bool,
    /// Not found, but weak evidence was: the element counts as partly there.
    pub weak: bool,
    pub hits: Vec<Hit>,
}

pub struct RuleOutcome<'p> {
    pub rule: &'p Rule,
    pub status: Status,
    pub elements: Vec<ElementOutcome>,
}

/// Judge every rule of the pack against one organisation's documents.
pub fn evaluate<'p>(
    pack: &'p RulePack,
    docs: &[Prepared],
    as_of: NaiveDate,
) -> Vec<RuleOutcome<'p>> {
    pack.rules
        .iter()
        .map(|rule| evaluate_one(pack, rule, docs, as_of))
        .collect()
}

/// Judge one rule.
pub fn evaluate_one<'p>(
    pack: &'p RulePack,
    rule: &'p Rule,
    docs: &[Prepared],
    as_of: NaiveDate,
) -> RuleOutcome<'p> {
    let selected: Vec<usize> = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            rule.applies_to
                .as_ref()
                .is_none_or(|kinds| kinds.contains(&d.doc.kind))
        })
        .map(|(i, _)| i)
        .collect();
    // No document of the kinds a rule is about: it does not apply. No documents at all is
    // different — every requirement is then missing.
    if selected.is_empty() && !docs.is_empty() {
        return RuleOutcome {
            rule,
            status: Status::NotApplicable,
            elements: rule
                .elements
                .iter()
                .map(|_| ElementOutcome {
                    found: false,
                    weak: false,
                    hits: Vec::new(),
                })
                .collect(),
        };
    }
    let elements: Vec<ElementOutcome> = rule
        .elements
        .iter()
        .map(|element| {
            let hits = element_hits(pack, element, docs, &selected, as_of);
            let is_weak = |h: &&Hit| element.alternatives[h.alternative].weak;
            let mut strong: Vec<usize> = hits
                .iter()
                .filter(|h| !is_weak(h))
                .map(|h| h.alternative)
                .collect();
            strong.sort_unstable();
            strong.dedup();
            let found = strong.len() >= element.at_least;
            ElementOutcome {
                found,
                weak: !found && hits.iter().any(|h| is_weak(&h)),
                hits,
            }
        })
        .collect();
    let found = elements.iter().filter(|e| e.found).count();
    let weak = elements.iter().any(|e| e.weak);
    let status = match found {
        0 if !weak => Status::Missing,
        n if n == elements.len() => Status::Met,
        _ => Status::Partial,
    };
    RuleOutcome {
        rule,
        status,
        elements,
    }
}

fn element_hits(
    pack: &RulePack,
    element: &Element,
    docs: &[Prepared],
    selected: &[usize],
    as_of: NaiveDate,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    for &d in selected {
        let prepared = &docs[d];
        for (b, block) in prepared.doc.blocks.iter().enumerate() {
            // Headings give context and contents entries only name topics: neither is evidence.
            let pb = &prepared.blocks[b];
            if matches!(block.kind, BlockKind::Heading(_)) || pb.contents {
                continue;
            }
            let under_heading = |set: SetId| {
                block
                    .heading_blocks
                    .iter()
                    .any(|&h| prepared.blocks[h].hits.contains_key(&set))
            };
            // The topic is named in the paragraph itself or in a heading above it.
            let in_context = |set: SetId| pb.hits.contains_key(&set) || under_heading(set);
            if element.under.is_some_and(|set| !under_heading(set))
                || element.context.is_some_and(|set| !in_context(set))
            {
                continue;
            }
            if let Some(check) = element.date {
                if !date_ok(&pb.dates, check.max_age_months, as_of) {
                    continue;
                }
            }
            for (a, alt) in element.alternatives.iter().enumerate() {
                if alt.under.is_some_and(|set| !under_heading(set))
                    || alt.context.is_some_and(|set| !in_context(set))
                {
                    continue;
                }
                for sentence in alternative_sentences(&alt.pattern, pb) {
                    if pb.pointers[sentence] {
                        continue;
                    }
                    let excluded = [element.unless, alt.unless, pack.exclude]
                        .into_iter()
                        .flatten()
                        .any(|set| in_sentence(pb, set, sentence));
                    if !excluded {
                        let bytes = &pb.analysed.sentences[sentence].bytes;
                        hits.push(Hit {
                            doc: d,
                            block: b,
                            sentence,
                            alternative: a,
                            start: bytes.start,
                            end: bytes.end,
                        });
                    }
                }
            }
        }
    }
    hits.sort();
    hits.dedup();
    hits
}

fn date_ok(dates: &[NaiveDate], max_age_months: Option<u32>, as_of: NaiveDate) -> bool {
    let Some(latest) = dates.iter().max() else {
        return false;
    };
    match max_age_months {
        None => true,
        Some(months) => as_of
            .checked_sub_months(chrono::Months::new(months))
            .is_none_or(|limit| *latest >= limit),
    }
}

/// Does a phrase set occur in sentence `s` of the block?
fn in_sentence(pb: &PreparedBlock, set: SetId, s: usize) -> bool {
    let range = &pb.analysed.sentences[s].tokens;
    pb.hits
        .get(&set)
        .is_some_and(|hits| hits.iter().any(|h| range.contains(&h.start)))
}

/// The sentences of a block where one alternative matches.
fn alternative_sentences(alt: &Pattern, pb: &PreparedBlock) -> Vec<usize> {
    let a = &pb.analysed;
    if a.sentences.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<usize> = match alt {
        Pattern::Phrases(set) => pb
            .hits
            .get(set)
            .map(|hits| hits.iter().map(|h| a.sentence_of_token(h.start)).collect())
            .unwrap_or_default(),
        Pattern::Regex(re) => re
            .find_iter(&pb.text)
            .map(|m| a.sentence_of_byte(m.start()))
            .collect(),
        Pattern::Near {
            sets,
            within,
            scope,
        } => {
            let Some(lists) = sets
                .iter()
                .map(|s| pb.hits.get(s))
                .collect::<Option<Vec<_>>>()
            else {
                return Vec::new();
            };
            let windows: Vec<Range<usize>> = match scope {
                Scope::Sentence => a.sentences.iter().map(|s| s.tokens.clone()).collect(),
                Scope::Block => std::iter::once(0..a.tokens.len()).collect(),
            };
            let mut found = Vec::new();
            for window in windows {
                if let Some(anchor) = near_anchor(&lists, &window, *within) {
                    found.push(a.sentence_of_token(anchor));
                }
            }
            found
        }
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// A token where a term of the first set has a term of every other set within `within` words,
/// each term on words of its own (one word never counts for two sets).
fn near_anchor(
    lists: &[&Vec<Range<usize>>],
    window: &Range<usize>,
    within: usize,
) -> Option<usize> {
    let (first, rest) = lists.split_first()?;
    let inside = |h: &&Range<usize>| window.contains(&h.start) && h.end <= window.end;
    first.iter().filter(inside).find_map(|anchor| {
        let candidates: Vec<Vec<&Range<usize>>> = rest
            .iter()
            .map(|list| {
                list.iter()
                    .filter(inside)
                    .filter(|h| distance(anchor, h) <= within)
                    .collect()
            })
            .collect();
        assign(&candidates, &mut vec![anchor]).then_some(anchor.start)
    })
}

/// Can each set take one of its candidate terms, no two on the same words? (Backtracking:
/// sets are few and candidates per sentence fewer.)
fn assign<'a>(candidates: &[Vec<&'a Range<usize>>], taken: &mut Vec<&'a Range<usize>>) -> bool {
    let Some((options, rest)) = candidates.split_first() else {
        return true;
    };
    for &h in options {
        if taken.iter().all(|t| !overlaps(t, h)) {
            taken.push(h);
            if assign(rest, taken) {
                return true;
            }
            taken.pop();
        }
    }
    false
}

/// Words from the end of one term to the start of the other: 1 for neighbours.
fn distance(a: &Range<usize>, b: &Range<usize>) -> usize {
    if b.start >= a.end {
        b.start - a.end + 1
    } else if a.start >= b.end {
        a.start - b.end + 1
    } else {
        0
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;
    use crate::rules::load_sources;
    use std::path::Path;

    /// The status of a one-rule pack's rule against one Markdown document.
    fn status(elements_yaml: &str, markdown: &str) -> Status {
        let rule = format!(
            "pack: {{name: t, version: '1', exclude: [does not cover]}}\nrules:\n  - id: R\n    title: t\n    severity: must\n    description: d\n    source: {{document: d, section: s}}\n    remediation: r\n    elements:\n{elements_yaml}"
        );
        let pack = load_sources(&[("t.yaml".into(), rule)]).unwrap_or_else(|e| panic!("{e}"));
        let doc =
            crate::ingest::parse(Path::new("p.md"), Format::Markdown, markdown.as_bytes()).unwrap();
        let analyzer = Analyzer::default();
        let prepared = [prepare(&doc, &pack, &analyzer)];
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        evaluate_one(&pack, &pack.rules[0], &prepared, as_of).status
    }

    const KEEP_EVIDENCE: &str = "      - id: keep\n        near: {within: 3, sets: [[keep, save], [screenshot, evidence]]}\n      - id: when\n        phrases: [date and time, web address]\n";

    #[test]
    fn all_elements_met_some_partial_none_missing() {
        assert_eq!(
            status(KEEP_EVIDENCE, "Save screenshots with the date and time."),
            Status::Met
        );
        assert_eq!(
            status(KEEP_EVIDENCE, "Keep the evidence safe."),
            Status::Partial
        );
        assert_eq!(status(KEEP_EVIDENCE, "Be kind online."), Status::Missing);
    }

    #[test]
    fn near_counts_words_between_terms_and_stays_in_the_sentence() {
        assert_eq!(
            status(KEEP_EVIDENCE, "Keep all the evidence."),
            Status::Partial,
            "3 words apart"
        );
        assert_eq!(
            status(KEEP_EVIDENCE, "Keep a copy of the evidence."),
            Status::Missing,
            "5 words apart"
        );
        assert_eq!(
            status(
                KEEP_EVIDENCE,
                "Keep calm and carry on reading the evidence."
            ),
            Status::Missing
        );
        assert_eq!(
            status(KEEP_EVIDENCE, "Keep calm. Evidence matters."),
            Status::Missing
        );
    }

    #[test]
    fn one_word_cannot_serve_two_sets() {
        let rule =
            "      - id: a\n        near: {within: 5, sets: [[message], [messaging, message]]}\n";
        assert_eq!(status(rule, "Do not message them."), Status::Missing);
        assert_eq!(
            status(rule, "Do not message them by messaging apps."),
            Status::Met
        );
    }

    #[test]
    fn exclusions_and_unless_drop_the_sentence() {
        assert_eq!(
            status(
                KEEP_EVIDENCE,
                "This policy does not cover how to keep evidence."
            ),
            Status::Missing
        );
        let rule = "      - id: a\n        phrases: [report]\n        unless: [pupils should]\n";
        assert_eq!(
            status(rule, "Pupils should report bullying."),
            Status::Missing
        );
        assert_eq!(status(rule, "Staff should report bullying."), Status::Met);
    }

    #[test]
    fn under_needs_a_matching_heading_above() {
        let rule =
            "      - id: a\n        phrases: [report]\n        under: [reporting concerns]\n";
        assert_eq!(
            status(rule, "## Reporting concerns\n\n### Online\n\nReport it."),
            Status::Met
        );
        assert_eq!(status(rule, "## Pupils\n\nReport it."), Status::Missing);
        assert_eq!(
            status(rule, "## Reporting concerns\n"),
            Status::Missing,
            "a heading alone is not evidence"
        );
    }

    #[test]
    fn an_alternative_can_carry_its_own_constraints() {
        let rule = "      - id: a\n        any:\n          - phrases: [report]\n            under: [reporting]\n          - phrases: [tell]\n            unless: [pupils]\n";
        assert_eq!(status(rule, "## Reporting\n\nReport it."), Status::Met);
        assert_eq!(status(rule, "## Other\n\nReport it."), Status::Missing);
        assert_eq!(status(rule, "## Other\n\nTell your manager."), Status::Met);
        assert_eq!(
            status(rule, "## Other\n\nPupils tell a teacher."),
            Status::Missing
        );
    }

    #[test]
    fn weak_evidence_alone_makes_a_rule_partial() {
        let rule = "      - id: a\n        any:\n          - phrases: [strong passwords]\n          - phrases: [password]\n            weak: true\n";
        assert_eq!(status(rule, "Use strong passwords."), Status::Met);
        assert_eq!(status(rule, "Never share your password."), Status::Partial);
        assert_eq!(status(rule, "Lock your screen."), Status::Missing);
    }

    #[test]
    fn a_phrase_with_an_apostrophe_needs_all_its_words() {
        let rule = "      - id: a\n        phrases: [police]\n        unless: [child's welfare]\n";
        assert_eq!(
            status(rule, "If a child threatens you, call the police."),
            Status::Met
        );
        assert_eq!(
            status(rule, "For a child\u{2019}s welfare, call the police."),
            Status::Missing
        );
    }

    #[test]
    fn at_least_counts_different_alternatives() {
        let rule = "      - id: a\n        at_least: 2\n        any:\n          - phrases: [threats]\n          - phrases: [impersonation]\n          - phrases: [exclusion]\n";
        assert_eq!(status(rule, "Threats and more threats."), Status::Missing);
        assert_eq!(status(rule, "Threats, or impersonation."), Status::Met);
    }

    #[test]
    fn dates_must_be_recent_enough() {
        let rule = "      - id: stated\n        phrases: [reviewed]\n        date: {}\n      - id: current\n        phrases: [reviewed]\n        date: {max_age_months: 24}\n";
        assert_eq!(status(rule, "Last reviewed: 3 March 2026."), Status::Met);
        assert_eq!(status(rule, "Last reviewed: March 2022."), Status::Partial);
        assert_eq!(status(rule, "Reviewed annually."), Status::Missing);
    }

    #[test]
    fn list_items_are_read_with_their_lead_in() {
        let rule = "      - id: a\n        near: {within: 4, sets: [[must not], [bully]]}\n";
        assert_eq!(
            status(rule, "Staff must not:\n\n- bully colleagues online\n"),
            Status::Met
        );
        assert_eq!(
            status(
                rule,
                "Staff must not share passwords.\n\n- bully colleagues online\n"
            ),
            Status::Missing
        );
    }
}
