//! Waivers: a justified, dated decision to accept a gap. A waiver in date turns a gap into
//! `waived`; an expired one stops applying and is reported as expired; one for a requirement
//! that is met is reported as no longer needed.

use crate::audit::{Finding, WaiverReport, WaiverState};
use crate::engine::Status;
use crate::rules::RulePack;
use crate::yaml::{self, SourceError};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::path::Path;

/// One waiver as written in the file.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: String,
    /// `None` = every organisation.
    pub organisation: Option<String>,
    pub justification: String,
    pub approved_by: Option<String>,
    pub expires: NaiveDate,
    pub file: String,
    pub line: u64,
    /// Where `organisation:` is written, for an error naming an unknown one.
    organisation_at: (u64, u64),
}

impl Waiver {
    /// "waivers.yaml:12".
    pub fn defined_at(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// Does the waiver name this organisation (by its name or its folder)?
    fn names(&self, org_name: &str, org_path: &str) -> bool {
        let Some(wanted) = &self.organisation else {
            return true;
        };
        let wanted = wanted.trim();
        let folder = Path::new(org_path)
            .file_name()
            .map(|n| n.to_string_lossy().to_string());
        wanted.eq_ignore_ascii_case(org_name.trim())
            || wanted.trim_end_matches('/') == org_path.trim_end_matches('/')
            || folder.is_some_and(|f| wanted.eq_ignore_ascii_case(&f))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    waivers: Vec<Spanned<serde::de::IgnoredAny>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Spanned<String>,
    organisation: Option<Spanned<String>>,
    justification: Spanned<String>,
    approved_by: Option<String>,
    expires: Spanned<String>,
}

/// Read a waivers file, checking every waiver against the pack. All errors come back at once,
/// each with file:line:column and its source line.
pub fn load(path: &Path, pack: &RulePack) -> Result<Vec<Waiver>, Vec<SourceError>> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![SourceError::new(
            &file,
            1,
            1,
            format!("cannot read the waivers file: {e}"),
        )]
    })?;
    parse(&file, &text, pack)
}

pub fn parse(file: &str, text: &str, pack: &RulePack) -> Result<Vec<Waiver>, Vec<SourceError>> {
    let mut errors = Vec::new();
    let raw: RawFile = if text.trim().is_empty() {
        RawFile {
            waivers: Vec::new(),
        }
    } else {
        serde_saphyr::from_str(text).map_err(|e| vec![yaml::parse_error(file, 0, &e)])?
    };
    let mut waivers: Vec<Waiver> = Vec::new();
    for item in &raw.waivers {
        let (line, column) = (item.referenced.line(), item.referenced.column());
        let offset = line.saturating_sub(1);
        let chunk = yaml::item_chunk(text, line, column);
        let w: RawWaiver = match serde_saphyr::from_str(&chunk) {
            Ok(w) => w,
            Err(e) => {
                let mut error = yaml::parse_error(file, offset, &e);
                // The parser notices a missing field at the item's end; point at its start.
                if error.message.starts_with("missing field") {
                    (error.line, error.column) = (line, column);
                }
                errors.push(error);
                continue;
            }
        };
        let at = |s: &serde_saphyr::Location| (s.line() + offset, s.column());
        let mut error = |(l, c): (u64, u64), message: String| {
            errors.push(SourceError::new(file, l, c, message));
        };
        let rule = w.rule.value.trim();
        let known = pack.rules.iter().find(|r| r.id.eq_ignore_ascii_case(rule));
        if known.is_none() {
            error(
                at(&w.rule.referenced),
                format!(
                    "unknown rule `{rule}` (not in the {} pack; see `policy-audit rules list`)",
                    pack.name
                ),
            );
        }
        if w.justification.value.trim().is_empty() {
            error(
                at(&w.justification.referenced),
                "the justification is empty: say why the gap is accepted".into(),
            );
        }
        let expires = NaiveDate::parse_from_str(w.expires.value.trim(), "%Y-%m-%d");
        if expires.is_err() {
            error(
                at(&w.expires.referenced),
                format!(
                    "`{}` is not a date in the form YYYY-MM-DD",
                    w.expires.value.trim()
                ),
            );
        }
        let organisation = w
            .organisation
            .as_ref()
            .map(|o| o.value.trim().to_string())
            .filter(|o| !o.is_empty());
        let duplicate = waivers.iter().find(|other| {
            other.rule.eq_ignore_ascii_case(rule)
                && other.organisation.as_deref().map(str::to_lowercase)
                    == organisation.as_deref().map(str::to_lowercase)
        });
        if let Some(first) = duplicate {
            error(
                (line, column),
                format!(
                    "a second waiver for {rule}{}: the first is at line {}",
                    organisation
                        .as_deref()
                        .map(|o| format!(" and {o}"))
                        .unwrap_or_default(),
                    first.line
                ),
            );
        }
        if let (Some(known), Ok(expires)) = (known, expires) {
            waivers.push(Waiver {
                rule: known.id.clone(),
                organisation_at: w
                    .organisation
                    .as_ref()
                    .map_or((line, column), |o| at(&o.referenced)),
                organisation,
                justification: w.justification.value.trim().to_string(),
                approved_by: w
                    .approved_by
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty()),
                expires,
                file: file.to_string(),
                line,
            });
        }
    }
    if errors.is_empty() {
        Ok(waivers)
    } else {
        Err(errors.into_iter().map(|e| e.with_source(text)).collect())
    }
}

/// Waivers naming an organisation that is not in this audit: (name, path) of each audited one.
pub fn unknown_organisations(waivers: &[Waiver], orgs: &[(&str, &str)]) -> Vec<SourceError> {
    let mut errors = Vec::new();
    for w in waivers {
        let Some(name) = &w.organisation else {
            continue;
        };
        if !orgs.iter().any(|(n, p)| w.names(n, p)) {
            let known: Vec<&str> = orgs.iter().map(|(n, _)| *n).collect();
            let (line, column) = w.organisation_at;
            let text = std::fs::read_to_string(&w.file).unwrap_or_default();
            errors.push(
                SourceError::new(
                    &w.file,
                    line,
                    column,
                    format!(
                        "unknown organisation `{name}` (audited: {})",
                        known.join(", ")
                    ),
                )
                .with_source(&text),
            );
        }
    }
    errors
}

/// Apply the waivers to one organisation's findings. A waiver naming the organisation wins
/// over one for every organisation.
pub fn apply(
    findings: &mut [Finding],
    org_name: &str,
    org_path: &str,
    waivers: &[Waiver],
    as_of: NaiveDate,
) {
    for finding in findings {
        let mut matching: Vec<&Waiver> = waivers
            .iter()
            .filter(|w| w.rule == finding.rule && w.names(org_name, org_path))
            .collect();
        matching.sort_by_key(|w| w.organisation.is_none());
        let Some(w) = matching.first() else {
            continue;
        };
        let state = if w.expires < as_of {
            WaiverState::Expired
        } else if finding.status.is_gap() {
            WaiverState::Applied
        } else {
            WaiverState::Unneeded
        };
        finding.waiver = Some(WaiverReport {
            state,
            justification: w.justification.clone(),
            approved_by: w.approved_by.clone(),
            expires: w.expires.format("%Y-%m-%d").to_string(),
            defined_at: w.defined_at(),
            status_without_waiver: finding.status,
        });
        if state == WaiverState::Applied {
            finding.status = Status::Waived;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack() -> RulePack {
        crate::rules::load_builtin().expect("built-in pack")
    }

    #[test]
    fn every_mistake_is_reported_with_its_line() {
        let text = "waivers:\n  - rule: NOT-A-RULE\n    justification: x\n    expires: 2027-01-01\n  - rule: SEC-SAFE-NETWORKS\n    justification: \"  \"\n    expires: 31/12/2027\n  - rule: CB-POLICE\n    expires: 2027-01-01\n";
        let errors = parse("w.yaml", text, &pack()).unwrap_err();
        let at: Vec<(u64, &str)> = errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(at.len(), 4, "{at:?}");
        assert!(at[0].0 == 2 && at[0].1.contains("unknown rule `NOT-A-RULE`"));
        assert!(at[1].0 == 6 && at[1].1.contains("justification is empty"));
        assert!(at[2].0 == 7 && at[2].1.contains("31/12/2027"));
        assert!(at[3].0 == 8 && at[3].1.contains("justification"), "{at:?}");
    }

    #[test]
    fn an_empty_file_has_no_waivers() {
        assert!(parse("w.yaml", "", &pack()).unwrap().is_empty());
        assert!(parse("w.yaml", "waivers: []\n", &pack())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_named_organisation_matches_by_name_or_folder() {
        let text = "waivers:\n  - rule: CB-POLICE\n    organisation: Riverside Youth Trust\n    justification: x\n    expires: 2027-01-01\n";
        let w = parse("w.yaml", text, &pack()).unwrap();
        assert!(w[0].names("Riverside Youth Trust", "examples/riverside-youth-trust"));
        assert!(w[0].names("riverside youth trust", "x"));
        assert!(!w[0].names("Oakfield Primary", "examples/oakfield-primary"));
        let by_folder = "waivers:\n  - rule: CB-POLICE\n    organisation: riverside-youth-trust\n    justification: x\n    expires: 2027-01-01\n";
        let w = parse("w.yaml", by_folder, &pack()).unwrap();
        assert!(w[0].names("Riverside Youth Trust", "examples/riverside-youth-trust/"));
    }
}
