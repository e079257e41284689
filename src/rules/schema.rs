//! The rule language as written: a serde mirror of the YAML. Unknown keys are rejected, and
//! values keep their source positions for error messages.

use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// A rule file's top level. `rules` is read item by item (see `load.rs`), so one broken rule
/// does not hide the errors in the others.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub pack: Option<RawPack>,
    #[serde(default)]
    pub rules: Vec<Spanned<serde::de::IgnoredAny>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPack {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    #[serde(default)]
    pub terms: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
}

#[derive(
    Debug, Deserialize, serde::Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Must,
    Should,
    May,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Must => "must",
            Severity::Should => "should",
            Severity::May => "may",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: Spanned<String>,
    pub title: String,
    pub severity: Severity,
    pub description: String,
    pub source: RawSource,
    #[serde(default)]
    pub applies_to: Vec<Spanned<String>>,
    pub elements: Vec<RawElement>,
    pub remediation: String,
    #[serde(default)]
    pub examples: RawExamples,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub document: String,
    pub section: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawElement {
    pub id: Spanned<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub any: Vec<Spanned<RawPattern>>,
    pub phrases: Option<Vec<Spanned<String>>>,
    pub regex: Option<Spanned<String>>,
    pub near: Option<Spanned<RawNear>>,
    pub under: Option<Vec<Spanned<String>>>,
    pub context: Option<Vec<Spanned<String>>>,
    pub unless: Option<Vec<Spanned<String>>>,
    pub at_least: Option<Spanned<usize>>,
    pub date: Option<RawDate>,
}

/// One alternative: exactly one of `phrases`, `regex`, `near`, with optional constraints of
/// its own (on top of the element's).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPattern {
    pub phrases: Option<Vec<Spanned<String>>>,
    pub regex: Option<Spanned<String>>,
    pub near: Option<Spanned<RawNear>>,
    pub under: Option<Vec<Spanned<String>>>,
    pub context: Option<Vec<Spanned<String>>>,
    pub unless: Option<Vec<Spanned<String>>>,
    /// A match is weak evidence: alone, it makes the element only partly found.
    #[serde(default)]
    pub weak: bool,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Sentence,
    Block,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNear {
    pub sets: Vec<Vec<Spanned<String>>>,
    pub within: Option<usize>,
    #[serde(default)]
    pub scope: Scope,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDate {
    pub max_age_months: Option<u32>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawExamples {
    #[serde(default)]
    pub met: Vec<String>,
    #[serde(default)]
    pub partial: Vec<String>,
    #[serde(default)]
    pub missing: Vec<String>,
    pub as_of: Option<Spanned<String>>,
}
