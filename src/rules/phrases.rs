//! Every phrase of a rule pack in one Aho-Corasick automaton over folded words, built once when
//! the pack loads; one pass over a block finds every phrase set that occurs in it.

use crate::analysis::{Analysed, Analyzer};
use aho_corasick::AhoCorasick;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Index of a phrase set in a `PhraseIndex`.
pub type SetId = usize;

/// Where each phrase set occurs in one block: token ranges, in order.
pub type SetHits = HashMap<SetId, Vec<Range<usize>>>;

#[derive(Default)]
pub struct PhraseBuilder {
    /// The phrases of each set as the author wrote them, `@name` unexpanded (for reports).
    sets: Vec<Vec<String>>,
    /// The distinct stems of each set's phrases, `@name` expanded: its vocabulary.
    vocabulary: Vec<Vec<String>>,
    /// " stem stem " → (sets it belongs to, number of words).
    patterns: BTreeMap<String, (Vec<SetId>, usize)>,
}

impl PhraseBuilder {
    /// Add a set of phrases (`written` is how the author wrote them, for display); returns its
    /// id, or the phrases that have no words.
    pub fn add(
        &mut self,
        analyzer: &Analyzer,
        phrases: &[String],
        written: Vec<String>,
    ) -> Result<SetId, Vec<String>> {
        let id = self.sets.len();
        let mut empty = Vec::new();
        let mut vocabulary: Vec<String> = Vec::new();
        for phrase in phrases {
            let stems = analyzer.phrase_stems(phrase);
            if stems.is_empty() {
                empty.push(phrase.clone());
                continue;
            }
            vocabulary.extend(stems.iter().cloned());
            let mut variants = vec![stems.clone()];
            let words: Vec<&str> = phrase
                .split(|c: char| c.is_whitespace() || c == '-')
                .filter(|w| !w.is_empty())
                .collect();
            // Closed compound: "screen grab" also matches "screengrab". Only for plain words:
            // "child's welfare" closed up would fold to "child" alone.
            if stems.len() > 1 && words.iter().all(|w| w.chars().all(char::is_alphabetic)) {
                let closed: String = words.concat();
                let folded = analyzer.phrase_stems(&closed);
                if folded.len() == 1 {
                    variants.push(folded);
                }
            }
            for variant in variants {
                let key = format!(" {} ", variant.join(" "));
                let entry = self
                    .patterns
                    .entry(key)
                    .or_insert_with(|| (Vec::new(), variant.len()));
                if !entry.0.contains(&id) {
                    entry.0.push(id);
                }
            }
        }
        self.sets.push(written);
        vocabulary.sort();
        vocabulary.dedup();
        self.vocabulary.push(vocabulary);
        if empty.is_empty() {
            Ok(id)
        } else {
            Err(empty)
        }
    }

    /// The distinct stems of a set's phrases.
    pub fn vocabulary(&self, set: SetId) -> &[String] {
        &self.vocabulary[set]
    }

    pub fn build(self) -> Result<PhraseIndex, String> {
        let (keys, targets): (Vec<String>, Vec<(Vec<SetId>, usize)>) =
            self.patterns.into_iter().unzip();
        let automaton = AhoCorasick::new(&keys).map_err(|e| e.to_string())?;
        Ok(PhraseIndex {
            sets: self.sets,
            automaton,
            targets,
        })
    }
}

pub struct PhraseIndex {
    sets: Vec<Vec<String>>,
    automaton: AhoCorasick,
    targets: Vec<(Vec<SetId>, usize)>,
}

impl PhraseIndex {
    /// The phrases of a set, as the rule author wrote them.
    pub fn phrases(&self, set: SetId) -> &[String] {
        &self.sets[set]
    }

    /// Every occurrence of every set in a block.
    pub fn find(&self, analysed: &Analysed) -> SetHits {
        let mut hits = SetHits::new();
        for m in self.automaton.find_overlapping_iter(&analysed.joined) {
            let (sets, words) = &self.targets[m.pattern().as_usize()];
            let first = analysed.token_at_joined(m.start() + 1);
            for &set in sets {
                hits.entry(set).or_default().push(first..first + words);
            }
        }
        for ranges in hits.values_mut() {
            ranges.sort_by_key(|r| (r.start, r.end));
            ranges.dedup();
        }
        hits
    }
}
