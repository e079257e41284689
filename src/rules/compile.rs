//! Raw rules → validated, compiled rules. Every error is collected, none stops the others.

use super::load::Located;
use super::phrases::PhraseBuilder;
use super::schema::{RawElement, RawNear, RawPack, RawPattern, RawRule};
use super::{Alternative, DateCheck, Element, Examples, Pattern, Rule, RuleError, RulePack, SetId};
use crate::analysis::Analyzer;
use crate::document::DocKind;
use serde_saphyr::{Location, Spanned};
use std::collections::{BTreeMap, HashMap};

/// Words apart, for `near` without `within`.
const DEFAULT_WITHIN: usize = 10;

struct Compiler<'a> {
    analyzer: Analyzer,
    phrases: PhraseBuilder,
    terms: BTreeMap<String, Vec<String>>,
    errors: &'a mut Vec<RuleError>,
    file: String,
    line_offset: u64,
}

impl Compiler<'_> {
    fn error(&mut self, at: &Location, message: impl Into<String>) {
        self.errors.push(RuleError::new(
            &self.file,
            at.line().max(1) + self.line_offset,
            at.column(),
            message,
        ));
    }

    /// A phrase list, with `@name` term sets expanded, as one phrase set.
    fn phrase_set(&mut self, list: &[Spanned<String>], at: &Location) -> Option<SetId> {
        let mut phrases = Vec::new();
        let mut ok = true;
        for item in list {
            let p = item.value.trim();
            if let Some(name) = p.strip_prefix('@') {
                match self.terms.get(name) {
                    Some(terms) => phrases.extend(terms.iter().cloned()),
                    None => {
                        let known: Vec<&str> = self.terms.keys().map(String::as_str).collect();
                        self.error(
                            &item.referenced,
                            format!(
                                "unknown term set `@{name}` (the pack defines: {})",
                                known.join(", ")
                            ),
                        );
                        ok = false;
                    }
                }
            } else {
                phrases.push(p.to_string());
            }
        }
        if phrases.is_empty() {
            if ok {
                self.error(at, "empty phrase list");
            }
            return None;
        }
        let written = list.iter().map(|i| i.value.trim().to_string()).collect();
        match self.phrases.add(&self.analyzer, &phrases, written) {
            Ok(id) if ok => Some(id),
            Ok(_) => None,
            Err(empty) => {
                self.error(at, format!("phrases with no words in them: {empty:?}"));
                None
            }
        }
    }

    fn alternative(&mut self, raw: &Spanned<RawPattern>) -> Option<Alternative> {
        // Each part is compiled even if another failed, so all their errors are reported.
        let pattern = self.pattern(raw);
        let mut constraint = |list: &Option<Vec<Spanned<String>>>| match list {
            Some(l) => self.phrase_set(l, &raw.referenced).map(Some).ok_or(()),
            None => Ok(None),
        };
        let under = constraint(&raw.value.under);
        let context = constraint(&raw.value.context);
        let unless = constraint(&raw.value.unless);
        Some(Alternative {
            weak: raw.value.weak,
            pattern: pattern?,
            under: under.ok()?,
            context: context.ok()?,
            unless: unless.ok()?,
        })
    }

    fn pattern(&mut self, raw: &Spanned<RawPattern>) -> Option<Pattern> {
        let RawPattern {
            phrases,
            regex,
            near,
            ..
        } = &raw.value;
        let set = [phrases.is_some(), regex.is_some(), near.is_some()];
        if set.iter().filter(|&&b| b).count() != 1 {
            self.error(
                &raw.referenced,
                "an alternative needs exactly one of `phrases`, `regex` or `near`",
            );
            return None;
        }
        if let Some(list) = phrases {
            return self.phrase_set(list, &raw.referenced).map(Pattern::Phrases);
        }
        if let Some(re) = regex {
            return self.regex(re);
        }
        near.as_ref().and_then(|n| self.near(n))
    }

    fn regex(&mut self, re: &Spanned<String>) -> Option<Pattern> {
        match regex::RegexBuilder::new(&re.value)
            .case_insensitive(true)
            // Large enough for Unicode classes like \w; still bounds memory per rule.
            .size_limit(1 << 23)
            .build()
        {
            Ok(compiled) => Some(Pattern::Regex(compiled)),
            Err(e) => {
                let reason = e.to_string();
                let reason = reason.lines().last().unwrap_or("").trim().to_string();
                self.error(
                    &re.referenced,
                    format!("invalid regex `{}`: {reason}", re.value),
                );
                None
            }
        }
    }

    fn near(&mut self, near: &Spanned<RawNear>) -> Option<Pattern> {
        let RawNear {
            sets,
            within,
            scope,
        } = &near.value;
        if sets.len() < 2 {
            self.error(&near.referenced, "`near` needs two or more `sets`");
            return None;
        }
        let within = within.unwrap_or(DEFAULT_WITHIN);
        if within == 0 {
            self.error(&near.referenced, "`within` must be at least 1");
        }
        let ids: Vec<Option<SetId>> = sets
            .iter()
            .map(|s| self.phrase_set(s, &near.referenced))
            .collect();
        let ids: Option<Vec<SetId>> = ids.into_iter().collect();
        Some(Pattern::Near {
            sets: ids?,
            within,
            scope: *scope,
        })
    }

    fn element(&mut self, raw: &RawElement) -> Option<Element> {
        let mut alternatives = Vec::new();
        let mut ok = true;
        let mut shorthand = Vec::new();
        if let Some(list) = &raw.phrases {
            shorthand.push(
                self.phrase_set(list, &raw.id.referenced)
                    .map(Pattern::Phrases),
            );
        }
        if let Some(re) = &raw.regex {
            shorthand.push(self.regex(re));
        }
        if let Some(near) = &raw.near {
            shorthand.push(self.near(near));
        }
        for pattern in shorthand {
            match pattern {
                Some(pattern) => alternatives.push(Alternative {
                    weak: false,
                    pattern,
                    under: None,
                    context: None,
                    unless: None,
                }),
                None => ok = false,
            }
        }
        for alt in &raw.any {
            match self.alternative(alt) {
                Some(a) => alternatives.push(a),
                None => ok = false,
            }
        }
        if alternatives.is_empty() && ok {
            self.error(
                &raw.id.referenced,
                format!(
                    "element `{}` has nothing to match: add `phrases`, `regex`, `near` or `any`",
                    raw.id.value
                ),
            );
            ok = false;
        }
        let under = raw
            .under
            .as_ref()
            .and_then(|l| self.phrase_set(l, &raw.id.referenced));
        let context = raw
            .context
            .as_ref()
            .and_then(|l| self.phrase_set(l, &raw.id.referenced));
        let unless = raw
            .unless
            .as_ref()
            .and_then(|l| self.phrase_set(l, &raw.id.referenced));
        let at_least = raw.at_least.as_ref().map_or(1, |n| n.value);
        if let Some(n) = &raw.at_least {
            if n.value == 0 || n.value > alternatives.len() {
                self.error(
                    &n.referenced,
                    format!(
                        "`at_least: {}` but the element has {} alternatives",
                        n.value,
                        alternatives.len()
                    ),
                );
                ok = false;
            }
        }
        let query = self.query(&raw.description, &alternatives);
        ok.then(|| Element {
            id: raw.id.value.clone(),
            description: raw.description.trim().to_string(),
            query,
            alternatives,
            under,
            context,
            unless,
            at_least,
            date: raw.date.as_ref().map(|d| DateCheck {
                max_age_months: d.max_age_months,
            }),
        })
    }

    /// What the nearest passages to a missing element are ranked against: the stems of its
    /// description and of every phrase it looks for.
    fn query(&self, description: &str, alternatives: &[Alternative]) -> Vec<String> {
        let mut stems = self.analyzer.phrase_stems(description);
        for alt in alternatives {
            let sets = match &alt.pattern {
                Pattern::Phrases(set) => vec![*set],
                Pattern::Near { sets, .. } => sets.clone(),
                Pattern::Regex(_) => Vec::new(),
            };
            for set in sets {
                stems.extend(self.phrases.vocabulary(set).iter().cloned());
            }
        }
        stems.retain(|s| !crate::closest::is_stopword(s));
        stems.sort();
        stems.dedup();
        stems
    }

    fn rule(&mut self, raw: RawRule) -> Option<Rule> {
        let at = raw.id.referenced;
        let id = raw.id.value.trim().to_string();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            self.error(
                &at,
                format!("rule id `{id}` must be upper-case letters, digits and hyphens"),
            );
        }
        let mut applies_to = Vec::new();
        for kind in &raw.applies_to {
            match DocKind::parse(&kind.value) {
                Some(k) => applies_to.push(k),
                None => {
                    let known: Vec<&str> = DocKind::ALL.iter().map(|k| k.name()).collect();
                    self.error(
                        &kind.referenced,
                        format!(
                            "unknown document kind `{}` (known: {})",
                            kind.value,
                            known.join(", ")
                        ),
                    );
                }
            }
        }
        if raw.elements.is_empty() {
            self.error(&at, format!("rule `{id}` has no elements"));
        }
        let mut seen = HashMap::new();
        let mut elements = Vec::new();
        let before = self.errors.len();
        for raw_element in &raw.elements {
            if seen.insert(raw_element.id.value.clone(), ()).is_some() {
                self.error(
                    &raw_element.id.referenced,
                    format!(
                        "duplicate element id `{}` in rule `{id}`",
                        raw_element.id.value
                    ),
                );
            }
            if let Some(e) = self.element(raw_element) {
                elements.push(e);
            }
        }
        let as_of =
            raw.examples.as_of.as_ref().and_then(|d| {
                match chrono::NaiveDate::parse_from_str(d.value.trim(), "%Y-%m-%d") {
                    Ok(date) => Some(date),
                    Err(_) => {
                        self.error(
                            &d.referenced,
                            format!("`as_of` must be YYYY-MM-DD, not `{}`", d.value),
                        );
                        None
                    }
                }
            });
        if self.errors.len() > before {
            return None;
        }
        Some(Rule {
            origin: format!("{}:{}", self.file, at.line() + self.line_offset),
            id,
            title: raw.title.trim().to_string(),
            severity: raw.severity,
            description: raw.description.trim().to_string(),
            source_document: raw.source.document.trim().to_string(),
            source_section: raw.source.section.trim().to_string(),
            applies_to: (!raw.applies_to.is_empty()).then_some(applies_to),
            elements,
            remediation: raw.remediation.trim().to_string(),
            examples: Examples {
                met: raw.examples.met,
                partial: raw.examples.partial,
                missing: raw.examples.missing,
                as_of,
            },
        })
    }
}

pub fn compile(
    packs: Vec<Located<RawPack>>,
    rules: Vec<Located<RawRule>>,
    errors: &mut Vec<RuleError>,
) -> Option<RulePack> {
    let start_errors = errors.len();
    let mut c = Compiler {
        analyzer: Analyzer::default(),
        phrases: PhraseBuilder::default(),
        terms: BTreeMap::new(),
        errors,
        file: String::new(),
        line_offset: 0,
    };
    let mut name = "custom".to_string();
    let mut version = "0.0.0".to_string();
    let mut exclude = None;
    for (i, pack) in packs.iter().enumerate() {
        c.file = pack.file.clone();
        c.line_offset = 0;
        if i > 0 {
            c.error(
                &pack.value.name.referenced,
                format!(
                    "a second `pack:` header (the first is in {})",
                    packs[0].file
                ),
            );
            continue;
        }
        name = pack.value.name.value.clone();
        version = pack.value.version.value.clone();
        for (term, list) in &pack.value.terms {
            let mut phrases = Vec::new();
            for item in list {
                if item.value.trim().starts_with('@') {
                    c.error(&item.referenced, "term sets cannot include other term sets");
                } else {
                    phrases.push(item.value.trim().to_string());
                }
            }
            c.terms.insert(term.clone(), phrases);
        }
        if !pack.value.exclude.is_empty() {
            exclude = c.phrase_set(&pack.value.exclude, &pack.value.name.referenced);
        }
    }
    let mut compiled: Vec<Rule> = Vec::new();
    let mut origins: HashMap<String, String> = HashMap::new();
    for rule in rules {
        c.file = rule.file;
        c.line_offset = rule.line_offset;
        let id = rule.value.id.value.trim().to_string();
        let at = rule.value.id.referenced;
        let origin = format!("{}:{}", c.file, at.line() + c.line_offset);
        if let Some(first) = origins.get(&id) {
            let message = format!("duplicate rule id `{id}` (first defined at {first})");
            c.error(&at, message);
        } else {
            origins.insert(id, origin);
        }
        if let Some(r) = c.rule(rule.value) {
            compiled.push(r);
        }
    }
    let phrases = match c.phrases.build() {
        Ok(p) => p,
        Err(e) => {
            c.errors.push(RuleError::new(
                "<pack>",
                1,
                1,
                format!("phrase index too large: {e}"),
            ));
            return None;
        }
    };
    if c.errors.len() > start_errors {
        return None;
    }
    Some(RulePack {
        name,
        version,
        rules: compiled,
        phrases,
        exclude,
        disabled: Vec::new(),
    })
}
