//! The passages nearest to what a missing element looks for, ranked by BM25 over an
//! organisation's paragraphs, so an auditor can confirm a gap in seconds or spot a paraphrase
//! the rules missed.

use crate::document::BlockKind;
use crate::engine::Prepared;
use std::collections::HashMap;

/// BM25's usual constants: term-frequency saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A passage sharing fewer distinct words with the query is not "close".
const MIN_SHARED_TERMS: usize = 2;

/// Words too common to say anything about closeness (as stems).
const STOPWORDS: [&str; 48] = [
    "a", "about", "all", "an", "and", "ani", "are", "as", "at", "be", "by", "can", "do", "doe",
    "for", "from", "has", "have", "how", "if", "in", "into", "is", "it", "its", "may", "must",
    "not", "of", "on", "or", "other", "should", "so", "such", "than", "that", "the", "their",
    "them", "they", "this", "to", "what", "when", "which", "who", "with",
];

pub fn is_stopword(stem: &str) -> bool {
    STOPWORDS.binary_search(&stem).is_ok()
}

/// A passage near a query: a sentence of a block of a document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Near {
    pub doc: usize,
    pub block: usize,
    pub sentence: usize,
    pub score: f64,
}

/// An inverted index over one organisation's paragraphs (headings are context, front matter
/// and contents lists are bookkeeping: none is a passage).
pub struct Index<'a> {
    docs: &'a [Prepared<'a>],
    /// (document, block) of each passage.
    passages: Vec<(usize, usize)>,
    lengths: Vec<f64>,
    average_length: f64,
    /// stem → (passage, occurrences).
    postings: HashMap<&'a str, Vec<(usize, u32)>>,
}

impl<'a> Index<'a> {
    pub fn new(docs: &'a [Prepared<'a>]) -> Index<'a> {
        let mut index = Index {
            docs,
            passages: Vec::new(),
            lengths: Vec::new(),
            average_length: 1.0,
            postings: HashMap::new(),
        };
        for (d, prepared) in docs.iter().enumerate() {
            for (b, block) in prepared.doc.blocks.iter().enumerate() {
                if matches!(block.kind, BlockKind::Heading(_) | BlockKind::Metadata)
                    || prepared.blocks[b].contents
                {
                    continue;
                }
                let passage = index.passages.len();
                let tokens = &prepared.blocks[b].analysed.tokens;
                let mut counts: HashMap<&str, u32> = HashMap::new();
                for t in tokens {
                    *counts.entry(t.stem.as_str()).or_default() += 1;
                }
                for (stem, n) in counts {
                    index.postings.entry(stem).or_default().push((passage, n));
                }
                index.passages.push((d, b));
                index.lengths.push(tokens.len() as f64);
            }
        }
        if !index.lengths.is_empty() {
            index.average_length =
                (index.lengths.iter().sum::<f64>() / index.lengths.len() as f64).max(1.0);
        }
        index
    }

    /// The `n` passages in documents `keep` accepts that score highest against `query` (stems),
    /// best first, each pointed at its sentence sharing most of the query.
    pub fn nearest(&self, query: &[String], n: usize, keep: impl Fn(usize) -> bool) -> Vec<Near> {
        let total = self.passages.len() as f64;
        let mut scores = vec![0.0f64; self.passages.len()];
        let mut shared = vec![0usize; self.passages.len()];
        let mut idf: HashMap<&str, f64> = HashMap::new();
        for term in query {
            let Some(list) = self.postings.get(term.as_str()) else {
                continue;
            };
            let df = list.len() as f64;
            let weight = (1.0 + (total - df + 0.5) / (df + 0.5)).ln();
            idf.insert(term.as_str(), weight);
            for &(p, tf) in list {
                let tf = f64::from(tf);
                let norm = 1.0 - B + B * self.lengths[p] / self.average_length;
                scores[p] += weight * tf * (K1 + 1.0) / (tf + K1 * norm);
                shared[p] += 1;
            }
        }
        let mut ranked: Vec<usize> = (0..self.passages.len())
            .filter(|&p| shared[p] >= MIN_SHARED_TERMS && keep(self.passages[p].0))
            .collect();
        // Best first; ties in document order, so the ranking is the same on every run.
        ranked.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        // The same paragraph in two documents is one passage.
        let mut seen: Vec<&str> = Vec::new();
        ranked.retain(|&p| {
            let (d, b) = self.passages[p];
            let text = self.docs[d].blocks[b].text.as_str();
            let fresh = !seen.contains(&text);
            if fresh && seen.len() < n {
                seen.push(text);
            }
            fresh
        });
        ranked
            .into_iter()
            .take(n)
            .map(|p| {
                let (doc, block) = self.passages[p];
                Near {
                    doc,
                    block,
                    sentence: self.best_sentence(doc, block, &idf),
                    score: scores[p],
                }
            })
            .collect()
    }

    /// The sentence of a block whose distinct query words weigh most.
    fn best_sentence(&self, doc: usize, block: usize, idf: &HashMap<&str, f64>) -> usize {
        let analysed = &self.docs[doc].blocks[block].analysed;
        let mut best = (0, 0.0);
        for (i, sentence) in analysed.sentences.iter().enumerate() {
            let mut seen: Vec<&str> = Vec::new();
            let mut weight = 0.0;
            for t in &analysed.tokens[sentence.tokens.clone()] {
                if let Some(w) = idf.get(t.stem.as_str()) {
                    if !seen.contains(&t.stem.as_str()) {
                        seen.push(&t.stem);
                        weight += w;
                    }
                }
            }
            if weight > best.1 {
                best = (i, weight);
            }
        }
        best.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Analyzer;
    use crate::document::Format;
    use crate::{engine, ingest};
    use std::path::Path;

    const POLICY: &str = "# Staff wellbeing\n\nOur staff deserve a safe place to work.\n\nThe car park closes at 8pm and staff must display a permit.\n\nIf you are sent hurtful messages, hold on to copies of them and note the day they arrived.\n\nStaff should take their full lunch break.\n";

    #[test]
    fn a_paraphrase_the_rules_missed_ranks_first_and_the_query_words_must_be_shared() {
        let pack = crate::rules::load_builtin().expect("pack");
        let doc = ingest::parse(Path::new("p.md"), Format::Markdown, POLICY.as_bytes()).unwrap();
        let prepared = [engine::prepare(&doc, &pack, &Analyzer::default())];
        let index = Index::new(&prepared);
        let analyzer = Analyzer::default();
        let query: Vec<String> =
            analyzer.phrase_stems("keep copies of the messages as evidence, with the date");
        let near = index.nearest(&query, 3, |_| true);
        assert!(!near.is_empty());
        let first = &doc.blocks[near[0].block].text;
        assert!(
            first.starts_with("If you are sent hurtful messages"),
            "{first}"
        );
        assert!(near.windows(2).all(|w| w[0].score >= w[1].score));
        // One shared word ("staff") is not enough to be listed.
        let near = index.nearest(&analyzer.phrase_stems("staff rota"), 3, |_| true);
        assert!(near.is_empty(), "{near:?}");
    }

    #[test]
    fn the_stopword_list_is_sorted_for_binary_search() {
        let mut sorted = STOPWORDS;
        sorted.sort_unstable();
        assert_eq!(sorted, STOPWORDS);
        assert!(is_stopword("the") && !is_stopword("report"));
    }
}
