//! `diff OLD.json NEW.json`: what changed between two runs, so a pipeline can fail only on
//! regressions rather than on every gap an organisation already had.
//!
//! Organisations are paired by `name` when the name is unique in both files; those left over
//! are paired by `path` when the path is unique among the left-overs on both sides (a renamed
//! organisation, or two organisations sharing a name). Anything still unpaired is reported as
//! present in one file only — except that two single-organisation runs always compare their one
//! organisation. Within a pair, findings are matched by `rule` (the first finding
//! wins if a rule appears twice).

use crate::cli::DiffFormat;
use crate::engine::Status;
use crate::rules::Severity;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::Path;

/// The only report.json schema this version understands (CONTRACTS.md).
const SCHEMA_VERSION: u64 = 1;

/// A report.json, reduced to what a comparison needs; other fields are ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename = "Report")]
pub struct RunReport {
    /// Where the report came from, as the user named it (set by `read_report`).
    #[serde(skip)]
    pub file: String,
    #[serde(default)]
    pub as_of: Option<String>,
    pub organisations: Vec<RunOrg>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RunOrg {
    pub name: String,
    pub path: String,
    pub findings: Vec<RunFinding>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RunFinding {
    pub rule: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    #[serde(default)]
    pub waiver: Option<RunWaiver>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RunWaiver {
    #[serde(default)]
    pub status_without_waiver: Option<Status>,
}

impl RunFinding {
    /// For a waived finding, the status the waiver hides.
    fn hidden_status(&self) -> Option<Status> {
        match self.status {
            Status::Waived => self.waiver.as_ref()?.status_without_waiver,
            _ => None,
        }
    }
}

/// Why a report could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{file}: cannot read: {reason}")]
    Io { file: String, reason: io::Error },
    #[error("{file}:{line}:{column}: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: report.json schema_version {found} is not supported (this version reads {SCHEMA_VERSION})")]
    Version { file: String, found: String },
}

/// Read and check one report.json; `file` names it in errors and output.
pub fn read_report(path: &Path) -> Result<RunReport, ReadError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|reason| ReadError::Io {
        file: file.clone(),
        reason,
    })?;
    parse_report(&text, &file)
}

/// Parse report.json text. The version is checked before the shape, so a newer report says
/// "unsupported version" rather than "missing field".
pub fn parse_report(text: &str, file: &str) -> Result<RunReport, ReadError> {
    #[derive(Deserialize)]
    struct Header {
        schema_version: Option<serde_json::Value>,
    }
    let json_error = |e: serde_json::Error| {
        let what = match e.classify() {
            serde_json::error::Category::Data => "not a policy-audit report.json",
            _ => "not valid JSON",
        };
        // serde_json appends " at line L column C"; it is shown as file:L:C instead.
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let detail = full.strip_suffix(&suffix).unwrap_or(&full);
        ReadError::Json {
            file: file.to_string(),
            line: e.line(),
            column: e.column(),
            message: format!("{what}: {detail}"),
        }
    };
    // The header accepts any object, so its only data error is a top level that is not one.
    let header: Header = serde_json::from_str(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ReadError::Json {
            file: file.to_string(),
            line: e.line(),
            column: e.column(),
            message: "not a policy-audit report.json: the top level is not a JSON object"
                .to_string(),
        },
        _ => json_error(e),
    })?;
    match header.schema_version {
        Some(v) if v.as_u64() == Some(SCHEMA_VERSION) => {}
        found => {
            return Err(ReadError::Version {
                file: file.to_string(),
                found: found.map_or_else(|| "(none)".to_string(), |v| v.to_string()),
            })
        }
    }
    let mut report: RunReport = serde_json::from_str(text).map_err(json_error)?;
    report.file = file.to_string();
    Ok(report)
}

/// How bad a status is: met, not applicable and waived are all "no gap to act on".
pub fn rank(status: Status) -> u8 {
    match status {
        Status::Met | Status::NotApplicable | Status::Waived => 0,
        Status::Partial => 1,
        Status::Missing => 2,
    }
}

/// Which way a requirement moved on the `rank` scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Worse,
    Better,
    /// A different status of the same rank, e.g. met → waived.
    Same,
}

/// What happened to the gap, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Not a gap (or not in the baseline) → partial or missing.
    NewGap,
    /// Partial or missing → met, waived or not applicable.
    ClosedGap,
    /// Gap to gap (missing ↔ partial), or between two statuses that are not gaps.
    Changed,
}

/// A requirement in both runs whose status differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub rule: String,
    pub title: String,
    pub severity: Severity,
    pub old_status: Status,
    pub new_status: Status,
    /// For a waived status: what it would be without the waiver.
    pub old_status_without_waiver: Option<Status>,
    pub new_status_without_waiver: Option<Status>,
    pub direction: Direction,
    pub kind: Kind,
}

/// A requirement in one run only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOnly {
    pub rule: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgDiff {
    /// Name and path as in the new run.
    pub name: String,
    pub path: String,
    pub old_name: String,
    pub old_path: String,
    /// Sorted by severity, then rule.
    pub changes: Vec<Change>,
    pub unchanged: usize,
    pub only_in_old: Vec<RuleOnly>,
    pub only_in_new: Vec<RuleOnly>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgRef {
    pub name: String,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    pub file: String,
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub worse: usize,
    pub better: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// Including gaps in rules the baseline did not have.
    pub new_gaps: usize,
    pub closed_gaps: usize,
    /// At least one requirement in both runs got worse: the exit code is 1.
    pub regressed: bool,
}

/// The comparison, in output order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub old: Side,
    pub new: Side,
    pub totals: Totals,
    /// Sorted by name, then path.
    pub organisations: Vec<OrgDiff>,
    pub organisations_only_in_old: Vec<OrgRef>,
    pub organisations_only_in_new: Vec<OrgRef>,
}

impl Diff {
    pub fn regressed(&self) -> bool {
        self.totals.regressed
    }
}

/// Compare a baseline with a new run.
pub fn compare(old: &RunReport, new: &RunReport) -> Diff {
    let (pairs, old_left, new_left) = pair_organisations(&old.organisations, &new.organisations);
    let mut organisations: Vec<OrgDiff> = pairs
        .into_iter()
        .map(|(o, n)| compare_org(&old.organisations[o], &new.organisations[n]))
        .collect();
    organisations.sort_by(|a, b| {
        (&a.name, &a.path, &a.old_name, &a.old_path).cmp(&(
            &b.name,
            &b.path,
            &b.old_name,
            &b.old_path,
        ))
    });
    let refs = |orgs: &[RunOrg], left: Vec<usize>| {
        let mut refs: Vec<OrgRef> = left
            .into_iter()
            .filter_map(|i| orgs.get(i))
            .map(|o| OrgRef {
                name: o.name.clone(),
                path: o.path.clone(),
            })
            .collect();
        refs.sort_by(|a, b| (&a.name, &a.path).cmp(&(&b.name, &b.path)));
        refs
    };
    let mut totals = Totals::default();
    for org in &organisations {
        for c in &org.changes {
            match c.direction {
                Direction::Worse => totals.worse += 1,
                Direction::Better => totals.better += 1,
                Direction::Same => totals.changed += 1,
            }
            match c.kind {
                Kind::NewGap => totals.new_gaps += 1,
                Kind::ClosedGap => totals.closed_gaps += 1,
                Kind::Changed => {}
            }
        }
        totals.unchanged += org.unchanged;
        totals.new_gaps += org.only_in_new.iter().filter(|r| r.status.is_gap()).count();
    }
    totals.regressed = totals.worse > 0;
    Diff {
        old: Side {
            file: old.file.clone(),
            as_of: old.as_of.clone(),
        },
        new: Side {
            file: new.file.clone(),
            as_of: new.as_of.clone(),
        },
        totals,
        organisations,
        organisations_only_in_old: refs(&old.organisations, old_left),
        organisations_only_in_new: refs(&new.organisations, new_left),
    }
}

type Pairing = (Vec<(usize, usize)>, Vec<usize>, Vec<usize>);

/// Pair organisations (indices into `old`, `new`): by unique name, then by unique path.
fn pair_organisations(old: &[RunOrg], new: &[RunOrg]) -> Pairing {
    let mut pairs = Vec::new();
    let mut old_left: Vec<usize> = (0..old.len()).collect();
    let mut new_left: Vec<usize> = (0..new.len()).collect();
    let keys: [fn(&RunOrg) -> String; 2] = [|o| o.name.clone(), |o| o.path.clone()];
    for key in keys {
        let unique = |orgs: &[RunOrg], left: &[usize]| {
            let mut seen: BTreeMap<String, Option<usize>> = BTreeMap::new();
            for &i in left {
                seen.entry(key(&orgs[i]))
                    .and_modify(|slot| *slot = None)
                    .or_insert(Some(i));
            }
            seen.into_iter()
                .filter_map(|(k, i)| Some((k, i?)))
                .collect::<BTreeMap<String, usize>>()
        };
        let olds = unique(old, &old_left);
        let news = unique(new, &new_left);
        for (k, &o) in &olds {
            if let Some(&n) = news.get(k) {
                pairs.push((o, n));
            }
        }
        let paired_old: BTreeSet<usize> = pairs.iter().map(|p| p.0).collect();
        let paired_new: BTreeSet<usize> = pairs.iter().map(|p| p.1).collect();
        old_left.retain(|i| !paired_old.contains(i));
        new_left.retain(|i| !paired_new.contains(i));
    }
    // Two single-organisation runs compare that organisation, even if it was renamed and moved.
    if let ([o], [n]) = (old_left.as_slice(), new_left.as_slice()) {
        if old.len() == 1 && new.len() == 1 {
            pairs.push((*o, *n));
            old_left.clear();
            new_left.clear();
        }
    }
    (pairs, old_left, new_left)
}

fn compare_org(old: &RunOrg, new: &RunOrg) -> OrgDiff {
    fn by_rule(org: &RunOrg) -> BTreeMap<&str, &RunFinding> {
        let mut map = BTreeMap::new();
        for f in &org.findings {
            map.entry(f.rule.as_str()).or_insert(f);
        }
        map
    }
    let olds = by_rule(old);
    let news = by_rule(new);
    let only = |f: &RunFinding| RuleOnly {
        rule: f.rule.clone(),
        title: f.title.clone(),
        severity: f.severity,
        status: f.status,
    };
    let mut changes = Vec::new();
    let mut unchanged = 0;
    let mut only_in_new = Vec::new();
    for (rule, n) in &news {
        let Some(o) = olds.get(rule) else {
            only_in_new.push(only(n));
            continue;
        };
        if o.status == n.status {
            unchanged += 1;
            continue;
        }
        let (was, now) = (rank(o.status), rank(n.status));
        changes.push(Change {
            rule: rule.to_string(),
            title: n.title.clone(),
            severity: n.severity,
            old_status: o.status,
            new_status: n.status,
            old_status_without_waiver: o.hidden_status(),
            new_status_without_waiver: n.hidden_status(),
            direction: match now.cmp(&was) {
                std::cmp::Ordering::Greater => Direction::Worse,
                std::cmp::Ordering::Less => Direction::Better,
                std::cmp::Ordering::Equal => Direction::Same,
            },
            kind: match (o.status.is_gap(), n.status.is_gap()) {
                (false, true) => Kind::NewGap,
                (true, false) => Kind::ClosedGap,
                _ => Kind::Changed,
            },
        });
    }
    let mut only_in_old: Vec<RuleOnly> = olds
        .iter()
        .filter(|(rule, _)| !news.contains_key(*rule))
        .map(|(_, o)| only(o))
        .collect();
    changes.sort_by(|a, b| (a.severity, &a.rule).cmp(&(b.severity, &b.rule)));
    only_in_new.sort_by(|a, b| (a.severity, &a.rule).cmp(&(b.severity, &b.rule)));
    only_in_old.sort_by(|a, b| (a.severity, &a.rule).cmp(&(b.severity, &b.rule)));
    OrgDiff {
        name: new.name.clone(),
        path: new.path.clone(),
        old_name: old.name.clone(),
        old_path: old.path.clone(),
        changes,
        unchanged,
        only_in_old,
        only_in_new,
    }
}

/// Write the diff in the chosen format.
pub fn write(diff: &Diff, format: DiffFormat, w: &mut dyn Write) -> io::Result<()> {
    match format {
        DiffFormat::Text => write_text(diff, w),
        DiffFormat::Markdown => write_markdown(diff, w),
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, diff)?;
            writeln!(w)
        }
    }
}

const GROUPS: [(Direction, &str); 3] = [
    (Direction::Worse, "worse"),
    (Direction::Better, "better"),
    (Direction::Same, "changed"),
];

/// "met", or for a waived status "waived (missing without the waiver)".
fn status_label(status: Status, hidden: Option<Status>) -> String {
    match hidden {
        Some(h) => format!("{} ({} without the waiver)", status.name(), h.name()),
        None => status.name().to_string(),
    }
}

fn side_label(side: &Side) -> String {
    match &side.as_of {
        Some(date) => format!("{} (as of {})", plain(&side.file), plain(date)),
        None => plain(&side.file),
    }
}

fn org_heading(org: &OrgDiff) -> String {
    let mut heading = format!("{} ({})", org.name, org.path);
    if org.old_name != org.name || org.old_path != org.path {
        heading.push_str(&format!(", was {} ({})", org.old_name, org.old_path));
    }
    heading
}

fn has_news(org: &OrgDiff) -> bool {
    !(org.changes.is_empty() && org.only_in_old.is_empty() && org.only_in_new.is_empty())
}

fn count_line(t: &Totals) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} worse, {} better, {} changed; {}, {}",
        t.worse,
        t.better,
        t.changed,
        plural(t.new_gaps, "new gap", "new gaps"),
        plural(t.closed_gaps, "closed gap", "closed gaps"),
    )
}

/// Report text is shown as it is, less control characters (no terminal escapes from a file).
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn write_text(diff: &Diff, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "Comparing {} with {}",
        side_label(&diff.old),
        side_label(&diff.new)
    )?;
    for org in diff.organisations.iter().filter(|o| has_news(o)) {
        writeln!(w, "\n{}", plain(&org_heading(org)))?;
        for (direction, label) in GROUPS {
            let group: Vec<&Change> = org
                .changes
                .iter()
                .filter(|c| c.direction == direction)
                .collect();
            if group.is_empty() {
                continue;
            }
            writeln!(w, "  {label}:")?;
            for c in group {
                writeln!(
                    w,
                    "    {} [{}] {} → {}: {}",
                    plain(&c.rule),
                    c.severity.name(),
                    status_label(c.old_status, c.old_status_without_waiver),
                    status_label(c.new_status, c.new_status_without_waiver),
                    plain(&c.title)
                )?;
            }
        }
        for (rules, label) in [
            (&org.only_in_new, "not in the baseline"),
            (&org.only_in_old, "not in the new run"),
        ] {
            if rules.is_empty() {
                continue;
            }
            writeln!(w, "  {label}:")?;
            for r in rules {
                writeln!(
                    w,
                    "    {} [{}] {}: {}",
                    plain(&r.rule),
                    r.severity.name(),
                    r.status.name(),
                    plain(&r.title)
                )?;
            }
        }
    }
    for (orgs, label) in [
        (&diff.organisations_only_in_old, "Only in the baseline"),
        (&diff.organisations_only_in_new, "Only in the new run"),
    ] {
        if orgs.is_empty() {
            continue;
        }
        writeln!(w, "\n{label}:")?;
        for o in orgs {
            writeln!(w, "  {} ({})", plain(&o.name), plain(&o.path))?;
        }
    }
    if !diff.organisations.iter().any(has_news) {
        writeln!(w, "\nNo requirement changed status.")?;
    }
    writeln!(w, "\n{}", count_line(&diff.totals))
}

/// Text safe in a Markdown table cell or heading: one line, Markdown punctuation escaped so a
/// title cannot close the cell, open a link or inject HTML.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '&' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn write_markdown(diff: &Diff, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "## Policy audit: changes since the baseline\n")?;
    let side = |s: &Side| match &s.as_of {
        Some(date) => format!("{} (as of {})", md(&s.file), md(date)),
        None => md(&s.file),
    };
    writeln!(
        w,
        "Baseline {}, new run {}.\n",
        side(&diff.old),
        side(&diff.new)
    )?;
    let t = &diff.totals;
    if t.regressed {
        writeln!(w, "**{}**", count_line(t))?;
    } else {
        writeln!(w, "{}", count_line(t))?;
    }
    for org in diff.organisations.iter().filter(|o| has_news(o)) {
        writeln!(w, "\n### {}\n", md(&org_heading(org)))?;
        writeln!(w, "| Change | Rule | Requirement | Severity | Was | Now |")?;
        writeln!(w, "|---|---|---|---|---|---|")?;
        for (direction, label) in GROUPS {
            for c in org.changes.iter().filter(|c| c.direction == direction) {
                writeln!(
                    w,
                    "| {label} | {} | {} | {} | {} | {} |",
                    md(&c.rule),
                    md(&c.title),
                    c.severity.name(),
                    md(&status_label(c.old_status, c.old_status_without_waiver)),
                    md(&status_label(c.new_status, c.new_status_without_waiver)),
                )?;
            }
        }
        for r in &org.only_in_new {
            writeln!(
                w,
                "| not in the baseline | {} | {} | {} | — | {} |",
                md(&r.rule),
                md(&r.title),
                r.severity.name(),
                md(r.status.name())
            )?;
        }
        for r in &org.only_in_old {
            writeln!(
                w,
                "| not in the new run | {} | {} | {} | {} | — |",
                md(&r.rule),
                md(&r.title),
                r.severity.name(),
                md(r.status.name())
            )?;
        }
    }
    for (orgs, label) in [
        (&diff.organisations_only_in_old, "Only in the baseline"),
        (&diff.organisations_only_in_new, "Only in the new run"),
    ] {
        if orgs.is_empty() {
            continue;
        }
        writeln!(w, "\n{label}:\n")?;
        for o in orgs {
            writeln!(w, "- {} ({})", md(&o.name), md(&o.path))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Status; 5] = [
        Status::Met,
        Status::Partial,
        Status::Missing,
        Status::Waived,
        Status::NotApplicable,
    ];

    /// (name, path, [(rule, status)]) per organisation.
    type Orgs<'a> = [(&'a str, &'a str, &'a [(&'a str, Status)])];

    fn report(orgs: &Orgs) -> RunReport {
        RunReport {
            file: String::new(),
            as_of: None,
            organisations: orgs
                .iter()
                .map(|(name, path, findings)| RunOrg {
                    name: name.to_string(),
                    path: path.to_string(),
                    findings: findings
                        .iter()
                        .map(|(rule, status)| RunFinding {
                            rule: rule.to_string(),
                            title: format!("Title of {rule}"),
                            severity: Severity::Must,
                            status: *status,
                            waiver: None,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn one_organisation_on_each_side_is_compared_even_when_renamed_and_moved() {
        let old = report(&[("Old Name", "a/old", &[("R1", Status::Met)])]);
        let new = report(&[("New Name", "b/new", &[("R1", Status::Missing)])]);
        let (pairs, old_left, new_left) =
            pair_organisations(&old.organisations, &new.organisations);
        assert_eq!((pairs, old_left, new_left), (vec![(0, 0)], vec![], vec![]));
        let two = report(&[("Old Name", "a/old", &[]), ("Other", "a/other", &[])]);
        let (pairs, _, _) = pair_organisations(&two.organisations, &new.organisations);
        assert!(pairs.is_empty());
    }

    #[test]
    fn ranking_puts_no_gap_below_partial_below_missing() {
        for s in [Status::Met, Status::NotApplicable, Status::Waived] {
            assert_eq!(rank(s), 0, "{s:?}");
            assert!(rank(s) < rank(Status::Partial));
        }
        assert!(rank(Status::Partial) < rank(Status::Missing));
    }

    #[test]
    fn every_status_pair_is_classified_by_rank() {
        for old in ALL {
            for new in ALL {
                let d = compare(
                    &report(&[("Org", "o", &[("R", old)])]),
                    &report(&[("Org", "o", &[("R", new)])]),
                );
                let worse = matches!(
                    (old, new),
                    (
                        Status::Met | Status::Waived | Status::NotApplicable,
                        Status::Partial | Status::Missing
                    ) | (Status::Partial, Status::Missing)
                );
                assert_eq!(d.regressed(), worse, "{old:?} → {new:?}");
                assert_eq!(d.totals.worse, usize::from(worse), "{old:?} → {new:?}");
                if old == new {
                    assert!(d.organisations[0].changes.is_empty());
                    assert_eq!(d.totals.unchanged, 1);
                } else {
                    let c = &d.organisations[0].changes[0];
                    let expected_kind = match (old.is_gap(), new.is_gap()) {
                        (false, true) => Kind::NewGap,
                        (true, false) => Kind::ClosedGap,
                        _ => Kind::Changed,
                    };
                    assert_eq!(c.kind, expected_kind, "{old:?} → {new:?}");
                }
            }
        }
    }

    #[test]
    fn met_to_waived_is_a_change_not_a_regression() {
        let d = compare(
            &report(&[("Org", "o", &[("R", Status::Met)])]),
            &report(&[("Org", "o", &[("R", Status::Waived)])]),
        );
        assert_eq!(d.organisations[0].changes[0].direction, Direction::Same);
        assert_eq!(d.totals.changed, 1);
        assert!(!d.regressed());
    }

    #[test]
    fn rules_and_organisations_in_one_run_only_are_listed_not_failed() {
        let d = compare(
            &report(&[
                ("Org", "o", &[("A", Status::Met), ("B", Status::Met)]),
                ("Gone", "g", &[]),
            ]),
            &report(&[
                ("Org", "o", &[("A", Status::Met), ("C", Status::Missing)]),
                ("Fresh", "f", &[]),
            ]),
        );
        assert!(!d.regressed());
        let org = &d.organisations[0];
        assert_eq!(org.only_in_old[0].rule, "B");
        assert_eq!(org.only_in_new[0].rule, "C");
        assert_eq!(d.totals.new_gaps, 1);
        assert_eq!(d.organisations_only_in_old[0].name, "Gone");
        assert_eq!(d.organisations_only_in_new[0].name, "Fresh");
    }

    #[test]
    fn a_renamed_organisation_is_paired_by_path_and_shared_names_by_path() {
        let d = compare(
            &report(&[
                ("Old Name", "x", &[("R", Status::Met)]),
                ("Policies", "a", &[("R", Status::Met)]),
                ("Policies", "b", &[("R", Status::Missing)]),
            ]),
            &report(&[
                ("New Name", "x", &[("R", Status::Missing)]),
                ("Policies", "b", &[("R", Status::Met)]),
                ("Policies", "a", &[("R", Status::Met)]),
            ]),
        );
        assert!(d.organisations_only_in_old.is_empty());
        assert!(d.organisations_only_in_new.is_empty());
        let names: Vec<(&str, &str)> = d
            .organisations
            .iter()
            .map(|o| (o.name.as_str(), o.path.as_str()))
            .collect();
        assert_eq!(
            names,
            [("New Name", "x"), ("Policies", "a"), ("Policies", "b")]
        );
        assert_eq!(d.organisations[0].old_name, "Old Name");
        assert_eq!(d.totals.worse, 1);
        assert_eq!(d.totals.better, 1);
    }

    #[test]
    fn schema_version_and_json_errors_are_reported_with_their_place() {
        let err = parse_report(r#"{"schema_version": 2, "organisations": 7}"#, "new.json")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("new.json") && err.contains("schema_version 2"),
            "{err}"
        );
        let err = parse_report("{\n  \"schema_version\": 1,\n  oops\n}", "old.json")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("old.json:3:3: not valid JSON"), "{err}");
        let err = parse_report(r#"{"schema_version": 1}"#, "r.json")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a policy-audit report.json"), "{err}");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(md("a|b<c>\nd"), "a\\|b\\<c\\> d");
    }
}
