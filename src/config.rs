//! `policy-audit.yaml`: a policy repository's settings, found in the working folder or a parent
//! (or given with `--config`). Paths in it are relative to the file's folder. Command-line
//! options override it. Every mistake is reported at once, with file:line:column.

use crate::cli::{FailOn, ReportFormat};
use crate::rules::{RulePack, Severity};
use crate::yaml::{self, SourceError};
use clap::ValueEnum;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for in the working folder and its parents.
pub const FILE_NAME: &str = "policy-audit.yaml";

/// A validated configuration. Every field is optional: absent means "the default, unless the
/// command line says otherwise".
#[derive(Debug, Default)]
pub struct Config {
    pub file: PathBuf,
    /// What `audit` with no PATH audits.
    pub paths: Vec<PathBuf>,
    pub portfolio: Option<bool>,
    /// Rule files or folders that replace the built-in pack.
    pub rules: Vec<PathBuf>,
    /// Rule files or folders added to the pack.
    pub extra_rules: Vec<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub format: Option<Vec<ReportFormat>>,
    pub out: Option<PathBuf>,
    pub waivers: Option<PathBuf>,
    pub max_file_mb: Option<u64>,
    pub files: FileFilter,
    /// Replaces the maximum age of every review-date check in the pack.
    pub review_max_age_months: Option<u32>,
    /// Per-rule severity overrides, with where each is written.
    pub severity: Vec<(RuleRef, Severity)>,
    pub disable: Vec<RuleRef>,
}

/// Which files of an organisation are audited.
#[derive(Debug, Default, Clone)]
pub struct FileFilter {
    /// Folder the globs are relative to (the config file's), as an absolute path.
    pub base: Option<PathBuf>,
    pub include: Option<GlobSet>,
    pub exclude: Option<GlobSet>,
    /// Never audited: the report folder and the tool's own files (absolute paths).
    pub never: Vec<PathBuf>,
}

impl FileFilter {
    /// Is this file (or folder, for `never`) audited? Globs are tried against its path
    /// relative to the config file's folder and relative to the organisation's folder.
    pub fn keeps(&self, path: &Path, org_root: &Path) -> bool {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        if self.never.iter().any(|n| absolute.starts_with(n)) {
            return false;
        }
        let mut relative: Vec<&Path> = Vec::new();
        if let Some(rel) = self
            .base
            .as_ref()
            .and_then(|b| absolute.strip_prefix(b).ok())
        {
            relative.push(rel);
        }
        if let Ok(rel) = path.strip_prefix(org_root) {
            if !rel.as_os_str().is_empty() {
                relative.push(rel);
            }
        }
        if relative.is_empty() {
            relative.push(path);
        }
        let matches = |set: &GlobSet| relative.iter().any(|p| set.is_match(p));
        self.include.as_ref().is_none_or(matches) && !self.exclude.as_ref().is_some_and(matches)
    }

    /// Whether a folder is walked: only `never` prunes folders, so `include` globs that name
    /// files deep inside still find them.
    pub fn walks(&self, dir: &Path) -> bool {
        let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        !self.never.iter().any(|n| absolute.starts_with(n))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    paths: Option<Vec<Spanned<String>>>,
    portfolio: Option<bool>,
    rules: Option<Vec<Spanned<String>>>,
    extra_rules: Option<Vec<Spanned<String>>>,
    fail_on: Option<Spanned<String>>,
    format: Option<Vec<Spanned<String>>>,
    out: Option<Spanned<String>>,
    include: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    waivers: Option<Spanned<String>>,
    max_file_mb: Option<u64>,
    review_max_age_months: Option<u32>,
    severity: Option<BTreeMap<String, Spanned<String>>>,
    disable: Option<Vec<Spanned<String>>>,
}

/// `policy-audit.yaml` in `dir` or the nearest parent that has one.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(dir).ok()?;
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|f| f.is_file())
}

/// Read and check a configuration file: what could be read of it, and every mistake in it
/// (so the rule pack and waivers can still be checked against the rest).
pub fn load(path: &Path) -> (Config, Vec<SourceError>) {
    let file = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            let error =
                SourceError::new(&file, 1, 1, format!("cannot read the configuration: {e}"));
            return (Config::default(), vec![error]);
        }
    };
    let dir = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let (config, errors) = parse_partly(&file, &text, &dir);
    let errors = errors.into_iter().map(|e| e.with_source(&text)).collect();
    (config, errors)
}

/// Parse a configuration whose relative paths are relative to `dir`.
pub fn parse(file: &str, text: &str, dir: &Path) -> Result<Config, Vec<SourceError>> {
    let (config, errors) = parse_partly(file, text, dir);
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// The settings that are right, and the mistakes in the others.
fn parse_partly(file: &str, text: &str, dir: &Path) -> (Config, Vec<SourceError>) {
    let mut errors = Vec::new();
    let mut config = Config {
        file: PathBuf::from(file),
        files: FileFilter {
            base: Some(dir.to_path_buf()),
            ..FileFilter::default()
        },
        ..Config::default()
    };
    // Each top-level key on its own, so one mistake does not hide the others.
    for (offset, chunk) in yaml::top_level_chunks(text) {
        if chunk.lines().all(|l| {
            let t = l.trim();
            t.is_empty() || t.starts_with('#')
        }) {
            continue;
        }
        match serde_saphyr::from_str::<RawConfig>(&chunk) {
            Ok(part) => absorb(
                &mut config,
                part,
                &mut Place {
                    file,
                    offset,
                    dir,
                    errors: &mut errors,
                },
            ),
            Err(e) => errors.push(yaml::parse_error(file, offset, &e)),
        }
    }
    errors.sort();
    (config, errors)
}

/// Where a chunk of the file sits, for its errors and relative paths.
struct Place<'a> {
    file: &'a str,
    /// The chunk's first line in the file, less one.
    offset: u64,
    dir: &'a Path,
    errors: &'a mut Vec<SourceError>,
}

impl Place<'_> {
    fn at<T>(&self, value: &Spanned<T>) -> Position {
        Position {
            line: value.referenced.line() + self.offset,
            column: value.referenced.column(),
        }
    }

    fn error<T>(&mut self, value: &Spanned<T>, message: String) {
        let at = self.at(value);
        self.errors
            .push(SourceError::new(self.file, at.line, at.column, message));
    }

    fn path(&self, value: &Spanned<String>) -> PathBuf {
        self.dir.join(value.value.trim())
    }

    fn paths(&mut self, field: &str, list: &[Spanned<String>], must_exist: bool) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for p in list {
            let path = self.path(p);
            if must_exist && !path.exists() {
                self.error(p, format!("{field}: `{}` does not exist", p.value.trim()));
            }
            out.push(path);
        }
        out
    }

    fn globs(&mut self, list: &[Spanned<String>]) -> Option<GlobSet> {
        let mut set = GlobSetBuilder::new();
        for g in list {
            match Glob::new(g.value.trim()) {
                Ok(glob) => {
                    set.add(glob);
                }
                Err(e) => self.error(g, format!("not a valid glob: {}", e.kind())),
            }
        }
        set.build().ok()
    }
}

/// A rule ID written in the config, with where, for an error if the pack lacks it.
#[derive(Debug, Clone)]
pub struct RuleRef {
    pub id: String,
    pub at: Position,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

/// Check one chunk's settings and move them into the configuration.
fn absorb(config: &mut Config, raw: RawConfig, place: &mut Place) {
    if let Some(list) = &raw.paths {
        config.paths = place.paths("paths", list, false);
    }
    if let Some(list) = &raw.rules {
        config.rules = place.paths("rules", list, true);
    }
    if let Some(list) = &raw.extra_rules {
        config.extra_rules = place.paths("extra_rules", list, true);
    }
    config.portfolio = raw.portfolio.or(config.portfolio);
    config.max_file_mb = raw.max_file_mb.or(config.max_file_mb);
    config.review_max_age_months = raw.review_max_age_months.or(config.review_max_age_months);
    if let Some(out) = &raw.out {
        config.out = Some(place.path(out));
    }
    if let Some(waivers) = &raw.waivers {
        config.waivers = Some(place.path(waivers));
    }
    if let Some(f) = &raw.fail_on {
        match FailOn::from_str(f.value.trim(), true) {
            Ok(level) => config.fail_on = Some(level),
            Err(_) => place.error(
                f,
                format!(
                    "fail_on: `{}` is not one of must, should, may, never",
                    f.value
                ),
            ),
        }
    }
    if let Some(list) = &raw.format {
        let mut formats = Vec::new();
        for f in list {
            match ReportFormat::from_str(f.value.trim(), true) {
                Ok(format) => formats.push(format),
                Err(_) => place.error(
                    f,
                    format!(
                        "format: `{}` is not one of html, json, sarif, junit, markdown, csv",
                        f.value
                    ),
                ),
            }
        }
        config.format = Some(formats);
    }
    for (id, value) in raw.severity.iter().flatten() {
        let severity = match value.value.trim() {
            "must" => Severity::Must,
            "should" => Severity::Should,
            "may" => Severity::May,
            other => {
                place.error(
                    value,
                    format!("severity: `{other}` is not one of must, should, may"),
                );
                continue;
            }
        };
        // A map key has no position of its own here; its value's stands in for it.
        let at = place.at(value);
        config
            .severity
            .push((RuleRef { id: id.clone(), at }, severity));
    }
    for id in raw.disable.iter().flatten() {
        let at = place.at(id);
        config.disable.push(RuleRef {
            id: id.value.trim().to_string(),
            at,
        });
    }
    if let Some(list) = &raw.include {
        config.files.include = place.globs(list);
    }
    if let Some(list) = &raw.exclude {
        config.files.exclude = place.globs(list);
    }
}

impl Config {
    /// Apply the per-rule settings to a loaded pack: severity overrides, disabled rules, and
    /// the review-date age. A rule ID that is not in the pack is an error.
    pub fn apply_to_pack(&self, pack: &mut RulePack) -> Vec<SourceError> {
        let file = self.file.display().to_string();
        let mut errors = Vec::new();
        let mut find = |rule: &RuleRef, pack: &RulePack| {
            let found = pack
                .rules
                .iter()
                .position(|r| r.id.eq_ignore_ascii_case(rule.id.trim()));
            if found.is_none() {
                errors.push(SourceError::new(
                    &file,
                    rule.at.line,
                    rule.at.column,
                    format!(
                        "unknown rule `{}` (not in the {} pack; see `policy-audit rules list`)",
                        rule.id.trim(),
                        pack.name
                    ),
                ));
            }
            found
        };
        for (id, severity) in &self.severity {
            if let Some(i) = find(id, pack) {
                pack.rules[i].severity = *severity;
            }
        }
        let mut disabled = Vec::new();
        for id in &self.disable {
            if let Some(i) = find(id, pack) {
                disabled.push(pack.rules[i].id.clone());
            }
        }
        pack.rules.retain(|r| !disabled.contains(&r.id));
        disabled.sort();
        pack.disabled = disabled;
        if let Some(months) = self.review_max_age_months {
            for element in pack.rules.iter_mut().flat_map(|r| r.elements.iter_mut()) {
                if let Some(check) = element.date.as_mut() {
                    if check.max_age_months.is_some() {
                        check.max_age_months = Some(months);
                    }
                }
            }
        }
        let text = std::fs::read_to_string(&self.file).unwrap_or_default();
        errors.into_iter().map(|e| e.with_source(&text)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mistake_is_reported_at_once_with_its_position() {
        let text = "fail_on: sometimes\nformat: [html, pdf]\ncolour: red\ninclude: ['a[']\n";
        let errors = parse("c.yaml", text, Path::new("/x")).unwrap_err();
        let at: Vec<(u64, u64)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(at, vec![(1, 10), (2, 16), (3, 1), (4, 11)], "{errors:?}");
        assert!(errors[2].message.contains("unknown field `colour`"));
    }

    #[test]
    fn paths_are_relative_to_the_config_folder() {
        let text = "paths: [policies]\nout: reports\nwaivers: waivers.yaml\nfail_on: should\n";
        let c = parse("c.yaml", text, Path::new("/repo")).unwrap();
        assert_eq!(c.paths, vec![PathBuf::from("/repo/policies")]);
        assert_eq!(c.out, Some(PathBuf::from("/repo/reports")));
        assert_eq!(c.waivers, Some(PathBuf::from("/repo/waivers.yaml")));
        assert_eq!(c.fail_on, Some(FailOn::Should));
    }

    #[test]
    fn globs_match_relative_to_the_config_or_the_organisation() {
        let text = "include: ['policies/**']\nexclude: ['**/drafts/**', 'old-*.md']\n";
        let c = parse("c.yaml", text, Path::new("/repo")).unwrap();
        let root = Path::new("/repo/policies");
        assert!(c.files.keeps(Path::new("/repo/policies/aup.md"), root));
        assert!(!c
            .files
            .keeps(Path::new("/repo/policies/drafts/aup.md"), root));
        assert!(!c.files.keeps(Path::new("/repo/policies/old-aup.md"), root));
        assert!(!c
            .files
            .keeps(Path::new("/repo/notes/aup.md"), Path::new("/repo")));
    }

    #[test]
    fn severity_and_disable_change_the_pack_and_unknown_ids_are_errors() {
        let text =
            "severity:\n  SEC-SAFE-NETWORKS: may\ndisable: [CS-FOOTPRINT, NOPE]\nreview_max_age_months: 12\n";
        let c = parse("c.yaml", text, Path::new("/x")).unwrap();
        let mut pack = crate::rules::load_builtin().unwrap();
        let errors = c.apply_to_pack(&mut pack);
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (3, 25));
        assert!(errors[0].message.contains("unknown rule `NOPE`"));
        let rule = |id: &str| pack.rules.iter().find(|r| r.id == id);
        assert_eq!(rule("SEC-SAFE-NETWORKS").unwrap().severity, Severity::May);
        assert!(rule("CS-FOOTPRINT").is_none());
        assert_eq!(pack.disabled, vec!["CS-FOOTPRINT".to_string()]);
        let ages: Vec<Option<u32>> = pack
            .rules
            .iter()
            .flat_map(|r| &r.elements)
            .filter_map(|e| e.date.map(|d| d.max_age_months))
            .filter(Option::is_some)
            .collect();
        assert!(!ages.is_empty() && ages.iter().all(|a| *a == Some(12)));
    }
}
