//! Reading rule files: YAML → raw rules, every error kept with file:line:column.

use super::compile::compile;
use super::schema::{RawFile, RawPack, RawRule};
use super::{RuleError, RuleErrors, RulePack};
use std::path::{Path, PathBuf};

/// The built-in pack, compiled into the binary.
pub const BUILTIN_FILES: [(&str, &str); 9] = [
    ("rules/pack.yaml", include_str!("../../rules/pack.yaml")),
    (
        "rules/a-scope.yaml",
        include_str!("../../rules/a-scope.yaml"),
    ),
    (
        "rules/b-reporting.yaml",
        include_str!("../../rules/b-reporting.yaml"),
    ),
    (
        "rules/c-response.yaml",
        include_str!("../../rules/c-response.yaml"),
    ),
    (
        "rules/d-support.yaml",
        include_str!("../../rules/d-support.yaml"),
    ),
    (
        "rules/e-conduct-online.yaml",
        include_str!("../../rules/e-conduct-online.yaml"),
    ),
    (
        "rules/f-security.yaml",
        include_str!("../../rules/f-security.yaml"),
    ),
    (
        "rules/g-cyberstalking.yaml",
        include_str!("../../rules/g-cyberstalking.yaml"),
    ),
    (
        "rules/h-document-control.yaml",
        include_str!("../../rules/h-document-control.yaml"),
    ),
];

pub fn load_builtin() -> Result<RulePack, RuleErrors> {
    let sources: Vec<(String, String)> = BUILTIN_FILES
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    load_sources(&sources)
}

/// Load rule files and folders of rule files (`*.yaml`, `*.yml`, sorted by name).
pub fn load_paths(paths: &[PathBuf]) -> Result<RulePack, RuleErrors> {
    load(paths, &[])
}

/// The pack in `paths` (the built-in one when empty), with the rules in `extra` added to it.
pub fn load(paths: &[PathBuf], extra: &[PathBuf]) -> Result<RulePack, RuleErrors> {
    let mut sources = Vec::new();
    if paths.is_empty() {
        sources.extend(
            BUILTIN_FILES
                .iter()
                .map(|(name, text)| (name.to_string(), text.to_string())),
        );
    }
    let mut errors = Vec::new();
    for path in paths.iter().chain(extra) {
        for file in rule_files(path, &mut errors) {
            match std::fs::read_to_string(&file) {
                Ok(text) => sources.push((file.display().to_string(), text)),
                Err(e) => errors.push(file_error(&file.display().to_string(), e.to_string())),
            }
        }
    }
    if !errors.is_empty() {
        return Err(RuleErrors(errors));
    }
    load_sources(&sources)
}

fn rule_files(path: &Path, errors: &mut Vec<RuleError>) -> Vec<PathBuf> {
    if !path.is_dir() {
        if !path.exists() {
            errors.push(file_error(
                &path.display().to_string(),
                "no such file or folder".into(),
            ));
            return Vec::new();
        }
        return vec![path.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.extension().is_some_and(|e| {
                        e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml")
                    })
            })
            .collect(),
        Err(e) => {
            errors.push(file_error(&path.display().to_string(), e.to_string()));
            Vec::new()
        }
    };
    files.sort();
    if files.is_empty() {
        errors.push(file_error(
            &path.display().to_string(),
            "no .yaml rule files in this folder".into(),
        ));
    }
    files
}

fn file_error(file: &str, message: String) -> RuleError {
    RuleError::new(file, 1, 1, message)
}

/// A raw rule with where it came from: its file and the file line its YAML starts on.
pub struct Located<T> {
    pub file: String,
    /// Add to a line inside the rule's own YAML to get the file's line.
    pub line_offset: u64,
    pub value: T,
}

/// Parse and compile (name, YAML text) sources into one pack, collecting every error.
pub fn load_sources(sources: &[(String, String)]) -> Result<RulePack, RuleErrors> {
    let mut errors = Vec::new();
    let mut packs: Vec<Located<RawPack>> = Vec::new();
    let mut rules: Vec<Located<RawRule>> = Vec::new();
    for (file, text) in sources {
        let raw: RawFile = match serde_saphyr::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                errors.push(crate::yaml::parse_error(file, 0, &e));
                continue;
            }
        };
        if let Some(pack) = raw.pack {
            packs.push(Located {
                file: file.clone(),
                line_offset: 0,
                value: pack,
            });
        }
        // Each rule is parsed on its own, so an unknown key in one rule does not hide the
        // mistakes in the next.
        for item in &raw.rules {
            let line = item.referenced.line();
            let column = item.referenced.column();
            let chunk = crate::yaml::item_chunk(text, line, column);
            let line_offset = line.saturating_sub(1);
            match serde_saphyr::from_str::<RawRule>(&chunk) {
                Ok(rule) => rules.push(Located {
                    file: file.clone(),
                    line_offset,
                    value: rule,
                }),
                Err(e) => errors.push(crate::yaml::parse_error(file, line_offset, &e)),
            }
        }
    }
    let compiled = compile(packs, rules, &mut errors);
    if errors.is_empty() {
        if let Some(pack) = compiled {
            return Ok(pack);
        }
    }
    errors.sort();
    errors.dedup();
    // Show each error's source line: the offending text, not just its position.
    let errors = errors
        .into_iter()
        .map(|e| match sources.iter().find(|(file, _)| *file == e.file) {
            Some((_, text)) => e.with_source(text),
            None => e,
        })
        .collect();
    Err(RuleErrors(errors))
}
