//! Matching and judging: (rule pack, an organisation's documents) → one finding per rule.

pub mod dates;

use crate::analysis::{Analysed, Analyzer};
use crate::document::{BlockKind, Document};
use crate::rules::{Element, Pattern, Rule, RulePack, Scope, SetHits, SetId};
use chrono::NaiveDate;
use serde::Serialize;
use std::ops::Range;

/// How far a requirement is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
}

pub fn prepare<'d>(doc: &'d Document, pack: &RulePack, analyzer: &Analyzer) -> Prepared<'d> {
    let blocks = doc
        .blocks
        .iter()
        .map(|b| {
            let (text, lead) = match b.lead_in.and_then(|i| doc.blocks.get(i).map(|l| (i, l))) {
                Some((i, lead)) => (
                    format!("{} {}", lead.text, b.text),
                    Some((i, lead.text.len() + 1)),
                ),
                None => (b.text.clone(), None),
            };
            let analysed = analyzer.analyse(&text);
            let hits = pack.phrases.find(&analysed);
            PreparedBlock {
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
    pub found: bool,
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
    if selected.is_empty() {
        return RuleOutcome {
            rule,
            status: Status::NotApplicable,
            elements: rule
                .elements
                .iter()
                .map(|_| ElementOutcome {
                    found: false,
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
            let mut distinct: Vec<usize> = hits.iter().map(|h| h.alternative).collect();
            distinct.sort_unstable();
            distinct.dedup();
            ElementOutcome {
                found: distinct.len() >= element.at_least,
                hits,
            }
        })
        .collect();
    let found = elements.iter().filter(|e| e.found).count();
    let status = match found {
        0 => Status::Missing,
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
            // Headings give context; they are not evidence on their own.
            if matches!(block.kind, BlockKind::Heading(_)) {
                continue;
            }
            let pb = &prepared.blocks[b];
            if let Some(under) = element.under {
                let under_ok = block
                    .heading_blocks
                    .iter()
                    .any(|&h| prepared.blocks[h].hits.contains_key(&under));
                if !under_ok {
                    continue;
                }
            }
            if let Some(check) = element.date {
                if !date_ok(&pb.dates, check.max_age_months, as_of) {
                    continue;
                }
            }
            for (a, alt) in element.alternatives.iter().enumerate() {
                for sentence in alternative_sentences(alt, pb) {
                    let excluded = [element.unless, pack.exclude]
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

/// A token where a term of the first set has a term of every other set within `within` words
/// (at a different position) inside `window`.
fn near_anchor(
    lists: &[&Vec<Range<usize>>],
    window: &Range<usize>,
    within: usize,
) -> Option<usize> {
    let (first, rest) = lists.split_first()?;
    first
        .iter()
        .filter(|h| window.contains(&h.start))
        .find(|anchor| {
            rest.iter().all(|list| {
                list.iter().any(|h| {
                    window.contains(&h.start)
                        && h.start != anchor.start
                        && h.start.abs_diff(anchor.start) <= within
                })
            })
        })
        .map(|h| h.start)
}
