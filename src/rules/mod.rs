//! Rule packs: YAML files → validated, compiled rules. All regexes and phrase automata are built
//! here, once; matching (in `engine`) only matches.

mod compile;
mod load;
mod phrases;
pub mod schema;

use crate::document::DocKind;
use regex::Regex;

pub use load::{load, load_builtin, load_paths, load_sources, BUILTIN_FILES};
pub use phrases::{PhraseIndex, SetHits, SetId};
pub use schema::{Scope, Severity};

/// A validated, compiled rule pack.
pub struct RulePack {
    pub name: String,
    pub version: String,
    pub rules: Vec<Rule>,
    pub phrases: PhraseIndex,
    /// Pack-wide exclusions (scope-outs, negations).
    pub exclude: Option<SetId>,
    /// Rules switched off by the configuration, by ID: not judged, listed in reports.
    pub disabled: Vec<String>,
}

pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub description: String,
    pub source_document: String,
    pub source_section: String,
    /// `None` = every document kind.
    pub applies_to: Option<Vec<DocKind>>,
    pub elements: Vec<Element>,
    pub remediation: String,
    pub examples: Examples,
    /// "file:line" of the rule's definition.
    pub origin: String,
}

pub struct Element {
    pub id: String,
    pub description: String,
    /// Stems the closest passages to a missing element are ranked against.
    pub query: Vec<String>,
    pub alternatives: Vec<Alternative>,
    pub under: Option<SetId>,
    /// The paragraph or a heading above it must mention one of these (the topic).
    pub context: Option<SetId>,
    pub unless: Option<SetId>,
    pub at_least: usize,
    pub date: Option<DateCheck>,
}

/// One way an element can be found, with constraints of its own.
pub struct Alternative {
    pub pattern: Pattern,
    /// Weak evidence: alone, it makes the element only partly found (the rule at most partial).
    pub weak: bool,
    pub under: Option<SetId>,
    pub context: Option<SetId>,
    pub unless: Option<SetId>,
}

pub enum Pattern {
    Phrases(SetId),
    Regex(Regex),
    Near {
        sets: Vec<SetId>,
        within: usize,
        scope: Scope,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct DateCheck {
    pub max_age_months: Option<u32>,
}

#[derive(Default)]
pub struct Examples {
    pub met: Vec<String>,
    pub partial: Vec<String>,
    pub missing: Vec<String>,
    pub as_of: Option<chrono::NaiveDate>,
}

impl Element {
    /// The words and patterns this element looks for, for reports and `rules show`.
    pub fn searched_terms(&self, phrases: &PhraseIndex) -> Vec<String> {
        let mut terms = Vec::new();
        for alt in &self.alternatives {
            match &alt.pattern {
                Pattern::Phrases(set) => terms.extend(phrases.phrases(*set).iter().cloned()),
                Pattern::Regex(re) => terms.push(format!("/{}/", re.as_str())),
                Pattern::Near { sets, within, .. } => {
                    let groups: Vec<String> = sets
                        .iter()
                        .map(|s| format!("({})", phrases.phrases(*s).join(" | ")))
                        .collect();
                    terms.push(format!("{} within {within} words", groups.join(" + ")));
                }
            }
        }
        terms
    }
}

/// Rule-file mistakes are YAML-input mistakes: file:line:column, message, source line.
pub use crate::yaml::{SourceError as RuleError, SourceErrors as RuleErrors};
