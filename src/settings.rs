//! The command line and `policy-audit.yaml` → what one audit run does. The command line wins
//! over the configuration, which wins over the defaults. Every mistake in the configuration,
//! the rule files and the waivers comes back at once.

use crate::cli::{AuditArgs, FailOn, ReportFormat};
use crate::config::{self, Config};
use crate::rules::{self, RulePack, Severity};
use crate::yaml::SourceError;
use crate::{waivers, AuditRequest};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

pub const DEFAULT_OUT: &str = "policy-audit-report";
pub const DEFAULT_MAX_FILE_MB: u64 = 50;
pub const DEFAULT_FORMATS: [ReportFormat; 2] = [ReportFormat::Html, ReportFormat::Json];

pub struct Settings {
    pub pack: RulePack,
    pub request: AuditRequest,
    pub formats: Vec<ReportFormat>,
    pub out: PathBuf,
    /// The configuration file read, if any.
    pub config_file: Option<PathBuf>,
}

/// Resolve an `audit` command run from `cwd`, on `today` unless `--as-of` says otherwise.
pub fn resolve(
    args: &AuditArgs,
    cwd: &Path,
    today: NaiveDate,
) -> Result<Settings, Vec<SourceError>> {
    let mut errors = Vec::new();
    let config_file = if args.no_config {
        None
    } else {
        args.config.clone().or_else(|| config::discover(cwd))
    };
    let shown = |p: &Path| relative_to(p, cwd);
    let config_file = config_file.map(|f| shown(&f));
    let config = match &config_file {
        Some(file) => {
            let (config, mistakes) = config::load(file);
            errors.extend(mistakes);
            config
        }
        None => Config::default(),
    };
    let rule_paths = if args.rules.is_empty() {
        config.rules.iter().map(|p| shown(p)).collect()
    } else {
        args.rules.clone()
    };
    let extra: Vec<PathBuf> = config.extra_rules.iter().map(|p| shown(p)).collect();
    let mut pack = match rules::load(&rule_paths, &extra) {
        Ok(pack) => Some(pack),
        Err(e) => {
            errors.extend(e.0);
            None
        }
    };
    if let Some(pack) = pack.as_mut() {
        errors.extend(config.apply_to_pack(pack));
    }
    let waivers_file = args
        .waivers
        .clone()
        .or_else(|| config.waivers.as_deref().map(shown));
    let mut waivers = Vec::new();
    if let (Some(file), Some(pack)) = (&waivers_file, &pack) {
        match waivers::load(file, pack) {
            Ok(w) => waivers = w,
            Err(e) => errors.extend(e),
        }
    }
    let Some(pack) = pack.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };

    let out = args
        .out
        .clone()
        .or_else(|| config.out.as_deref().map(shown))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_OUT));
    let paths = if !args.paths.is_empty() {
        args.paths.clone()
    } else if !config.paths.is_empty() {
        config.paths.iter().map(|p| shown(p)).collect()
    } else {
        vec![PathBuf::from(".")]
    };
    // The tool never audits its own output or files.
    let mut files = config.files.clone();
    files.never = [Some(&out), config_file.as_ref(), waivers_file.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|p| std::path::absolute(p).ok())
        .collect();
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::Must);
    let request = AuditRequest {
        paths,
        portfolio: args.portfolio || config.portfolio.unwrap_or(false),
        as_of: args.as_of.unwrap_or(today),
        fail_on: match fail_on {
            FailOn::Must => Some(Severity::Must),
            FailOn::Should => Some(Severity::Should),
            FailOn::May => Some(Severity::May),
            FailOn::Never => None,
        },
        max_bytes: args
            .max_file_mb
            .or(config.max_file_mb)
            .unwrap_or(DEFAULT_MAX_FILE_MB)
            .saturating_mul(1024 * 1024),
        files,
        waivers,
    };
    Ok(Settings {
        pack,
        request,
        formats: args
            .format
            .clone()
            .or(config.format)
            .unwrap_or_else(|| DEFAULT_FORMATS.to_vec()),
        out,
        config_file,
    })
}

/// `path` relative to `cwd` when it is inside it (as a person would type it), else as is.
fn relative_to(path: &Path, cwd: &Path) -> PathBuf {
    let absolute_cwd = std::path::absolute(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    match path.strip_prefix(&absolute_cwd) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}
