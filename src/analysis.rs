//! Text → comparable words. The same folding applies to policy text and to rule phrases, so a
//! phrase matches whatever inflection, spelling variant or hyphenation a policy uses.

use rust_stemmers::{Algorithm, Stemmer};
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

/// One word of a block: its folded stem and where it sits in the block's text.
#[derive(Debug, Clone)]
pub struct Token {
    pub stem: String,
    /// Byte range in the block text (for expansions of contractions, the whole original word).
    pub span: Range<usize>,
}

/// A sentence: byte range in the block text and token range in `Analysed::tokens`.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub bytes: Range<usize>,
    pub tokens: Range<usize>,
}

/// A block's text, tokenised, with its sentences.
#[derive(Debug, Clone, Default)]
pub struct Analysed {
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// " stem stem | stem ": the tokens joined for phrase search, "|" between sentences.
    pub joined: String,
    /// Byte offset in `joined` of each token.
    pub token_offsets: Vec<usize>,
}

impl Analysed {
    /// The token whose text starts at `joined` byte `pos`.
    pub fn token_at_joined(&self, pos: usize) -> usize {
        self.token_offsets.partition_point(|&o| o < pos)
    }

    /// The sentence holding token `t`.
    pub fn sentence_of_token(&self, t: usize) -> usize {
        self.sentences
            .partition_point(|s| s.tokens.end <= t)
            .min(self.sentences.len().saturating_sub(1))
    }

    /// The sentence holding byte `b` of the block text.
    pub fn sentence_of_byte(&self, b: usize) -> usize {
        self.sentences
            .partition_point(|s| s.bytes.end <= b)
            .min(self.sentences.len().saturating_sub(1))
    }
}

/// Folds words: case, contractions, British/American spelling, then Porter2 stemming.
pub struct Analyzer {
    stemmer: Stemmer,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

impl Analyzer {
    /// Analyse a block of text.
    pub fn analyse(&self, text: &str) -> Analysed {
        let mut out = Analysed {
            joined: String::from(" "),
            ..Analysed::default()
        };
        for (s_start, sentence) in sentences(text) {
            let first_token = out.tokens.len();
            for (start, end, word) in joined_words(sentence) {
                let span = s_start + start..s_start + end;
                for stem in self.fold(&word) {
                    out.token_offsets.push(out.joined.len());
                    out.joined.push_str(&stem);
                    out.joined.push(' ');
                    out.tokens.push(Token {
                        stem,
                        span: span.clone(),
                    });
                }
            }
            if out.tokens.len() > first_token || out.sentences.is_empty() {
                out.sentences.push(Sentence {
                    bytes: s_start..s_start + sentence.len(),
                    tokens: first_token..out.tokens.len(),
                });
                out.joined.push_str("| ");
            } else if let Some(last) = out.sentences.last_mut() {
                // Punctuation-only pieces join the sentence before them.
                last.bytes.end = s_start + sentence.len();
            }
        }
        out
    }

    /// A phrase as its sequence of folded stems (its variants are made by the caller).
    pub fn phrase_stems(&self, phrase: &str) -> Vec<String> {
        joined_words(phrase)
            .into_iter()
            .flat_map(|(_, _, w)| self.fold(&w))
            .collect()
    }

    /// One word → one or more stems ("don't" → "do", "not").
    pub fn fold(&self, word: &str) -> Vec<String> {
        let mut w: String = word
            .chars()
            .filter(|c| !matches!(c, '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}'))
            .map(|c| {
                if matches!(c, '\u{2018}' | '\u{2019}' | '\u{02bc}') {
                    '\''
                } else {
                    c
                }
            })
            .collect::<String>()
            .to_lowercase();
        let mut extra = None;
        if let Some(base) = w.strip_suffix("n't") {
            let base = match base {
                "wo" | "won" => "will",
                "can" | "ca" => "can",
                "shan" => "shall",
                b => b,
            };
            w = base.to_string();
            extra = Some("not".to_string());
        } else if let Some(pos) = w.find('\'') {
            w.truncate(pos);
        }
        let mut out = Vec::with_capacity(2);
        for part in w.split('_').filter(|p| !p.is_empty()) {
            let word = canonical_spelling(part);
            match kept_apart(&word) {
                Some(stem) => out.push(stem.to_string()),
                None => out.push(self.stemmer.stem(&word).into_owned()),
            }
        }
        out.extend(extra);
        out
    }
}

/// Sentences by Unicode's rules, re-joined where those split too eagerly: after an
/// abbreviation ("e.g.", "etc.") and after a bare clause number ("4.", "b)").
fn sentences(text: &str) -> Vec<(usize, &str)> {
    const ABBREVIATIONS: [&str; 16] = [
        "e.g.", "eg.", "i.e.", "ie.", "etc.", "incl.", "approx.", "cf.", "viz.", "vs.", "no.",
        "mr.", "mrs.", "ms.", "dr.", "st.",
    ];
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (start, piece) in text.split_sentence_bound_indices() {
        let end = start + piece.len();
        if let Some(last) = out.last_mut() {
            let prev = text[last.0..last.1].trim_end().to_lowercase();
            let last_word = prev.rsplit(char::is_whitespace).next().unwrap_or("");
            let bare_number = !prev.is_empty()
                && prev
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ')' | '('))
                && prev.chars().count() <= 6;
            if ABBREVIATIONS.contains(&last_word) || bare_number {
                last.1 = end;
                continue;
            }
        }
        out.push((start, end));
    }
    out.into_iter().map(|(a, b)| (a, &text[a..b])).collect()
}

/// Words with their byte ranges. Hyphenated words keep their parts ("anti-bullying" → anti,
/// bullying) unless a part is a one- or two-letter prefix ("e-mail", "Wi-Fi", "co-worker"),
/// which joins into one word as it is usually written closed.
fn joined_words(text: &str) -> Vec<(usize, usize, String)> {
    let mut words: Vec<(usize, usize, String)> = Vec::new();
    for (start, word) in text.unicode_word_indices() {
        let end = start + word.len();
        if let Some(prev) = words.last_mut() {
            let between = &text[prev.1..start];
            let is_hyphen = matches!(between, "-" | "\u{2010}" | "\u{2011}");
            let prev_short = prev.2.chars().count() <= 2 && prev.2.chars().all(char::is_alphabetic);
            let this_short = word.chars().count() <= 2 && word.chars().all(char::is_alphabetic);
            if is_hyphen
                && (prev_short || (this_short && !word.chars().all(|c| c.is_ascii_digit())))
            {
                prev.1 = end;
                prev.2.push_str(word);
                continue;
            }
        }
        words.push((start, end, word.to_string()));
    }
    words
}

/// Words the stemmer would merge with a word of another meaning ("manager" with "manage",
/// "personal" with "person", "responsible" with "response"), given stems of their own.
fn kept_apart(word: &str) -> Option<&'static str> {
    Some(match word {
        "manager" | "managers" => "manager",
        "officer" | "officers" => "officer",
        "provider" | "providers" => "provider",
        "participant" | "participants" => "participant",
        "responsible" | "responsibility" | "responsibilities" => "responsibl",
        "irresponsible" | "irresponsibly" => "irresponsibl",
        "information" => "information",
        "timely" => "timely",
        "relative" | "relatives" => "relative",
        "offensive" => "offensive",
        "national" | "nationally" => "national",
        "nationality" | "nationalities" => "nationality",
        "personal" | "personally" => "personal",
        "policy" | "policies" => "policy",
        "organization" | "organizations" | "organizational" => "organization",
        "organize" | "organized" | "organizes" | "organizing" | "organizer" | "organizers" => {
            "organize"
        }
        "police" | "policing" | "policed" => "police",
        _ => return None,
    })
}

/// British and American spellings folded to one form. Applied to both sides of every
/// comparison, so over-folding a word that has no variant is harmless.
fn canonical_spelling(word: &str) -> String {
    let whole = match word {
        "licence" => "license",
        "licences" => "licenses",
        "defence" => "defense",
        "offence" | "offense" => "offense",
        "offences" | "offenses" => "offenses",
        "programme" => "program",
        "programmes" => "programs",
        "judgement" => "judgment",
        "judgements" => "judgments",
        "practise" => "practice",
        "practised" => "practiced",
        "whilst" => "while",
        "amongst" => "among",
        "towards" => "toward",
        "enrol" => "enroll",
        "fulfil" => "fulfill",
        "catalogue" => "catalog",
        "dialogue" => "dialog",
        _ => "",
    };
    if !whole.is_empty() {
        return whole.to_string();
    }
    // Each suffix folds only after a stem of three or more letters, so every inflection of a
    // word folds the same way ("raise"/"raised" stay alike; "advise"/"advised" both fold).
    const SUFFIXES: [(&str, &str); 23] = [
        ("our", "or"),
        ("ours", "ors"),
        ("oured", "ored"),
        ("ouring", "oring"),
        ("ourable", "orable"),
        ("ourite", "orite"),
        ("isation", "ization"),
        ("isations", "izations"),
        ("ise", "ize"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ising", "izing"),
        ("iser", "izer"),
        ("isers", "izers"),
        ("yse", "yze"),
        ("ysed", "yzed"),
        ("ysing", "yzing"),
        ("elling", "eling"),
        ("elled", "eled"),
        ("ellor", "elor"),
        ("ellors", "elors"),
        ("tre", "ter"),
        ("tres", "ters"),
    ];
    for (uk, us) in SUFFIXES {
        if let Some(stem) = word.strip_suffix(uk) {
            if stem.chars().count() >= 3 {
                return format!("{stem}{us}");
            }
        }
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        Analyzer::default()
            .analyse(text)
            .tokens
            .into_iter()
            .map(|t| t.stem)
            .collect()
    }

    #[test]
    fn inflections_fold_together() {
        assert_eq!(
            stems("report reported reporting reports"),
            vec!["report"; 4]
        );
    }

    #[test]
    fn british_and_american_spellings_fold_together() {
        assert_eq!(
            stems("behaviour organisation counselling"),
            stems("behavior organization counseling")
        );
        assert_eq!(stems("recognise licence"), stems("recognize license"));
    }

    #[test]
    fn words_of_different_meaning_keep_apart() {
        assert_ne!(stems("manager"), stems("manage"));
        assert_ne!(stems("personal"), stems("person"));
        assert_ne!(stems("responsible"), stems("response"));
        assert_ne!(stems("organisation"), stems("organ"));
        assert_eq!(stems("organisation's"), stems("organization"));
        assert_eq!(stems("managers"), stems("manager"));
    }

    #[test]
    fn soft_hyphens_non_breaking_spaces_and_curly_quotes_do_not_change_words() {
        assert_eq!(stems("cyber\u{ad}bullying"), stems("cyberbullying"));
        assert_eq!(stems("line\u{a0}manager"), stems("line manager"));
        assert_eq!(stems("don\u{2019}t"), stems("don't"));
    }

    #[test]
    fn contractions_expand_to_not() {
        assert_eq!(stems("don't"), vec!["do", "not"]);
        assert_eq!(stems("won\u{2019}t"), vec!["will", "not"]);
    }

    #[test]
    fn short_hyphenated_prefixes_join_and_others_split() {
        assert_eq!(stems("e-mail"), stems("email"));
        assert_eq!(stems("Wi-Fi"), stems("wifi"));
        assert_eq!(stems("anti-bullying"), stems("anti bullying"));
    }

    #[test]
    fn abbreviations_and_clause_numbers_do_not_end_sentences() {
        let a =
            Analyzer::default().analyse("4. Report abuse, e.g. Threats, to the DSL. Then rest.");
        assert_eq!(a.sentences.len(), 2);
    }

    #[test]
    fn sentences_are_separated_in_the_joined_form() {
        let a = Analyzer::default().analyse("Report it. Keep evidence.");
        assert_eq!(a.sentences.len(), 2);
        assert_eq!(a.joined, " report it | keep evid | ");
    }
}
