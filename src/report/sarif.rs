//! `report.sarif`: SARIF 2.1.0 for code-scanning tools such as GitHub code scanning.
//!
//! One result per gap (`partial` or `missing`), and one per waived gap carrying an accepted
//! suppression, so a waiver closes its alert instead of making it vanish unexplained. Each
//! result's fingerprint depends on the organisation and the rule only: edits that move a
//! passage, or a gap that turns from missing to partial, keep the same alert. Nothing in the
//! file depends on the clock, so the same report always gives the same bytes.

use crate::audit::{Finding, OrgAudit, Report, WaiverState};
use crate::engine::Status;
use crate::rules::{Rule, RulePack, Severity};
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Versioned, so that a future change of what is hashed can use a new key.
const FINGERPRINT_KEY: &str = "policyAudit/v1";
/// Relative URIs are relative to the folder the audit ran in: the repository root in CI.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    descriptor: Descriptor,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
struct Descriptor {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties,
}

#[derive(Serialize)]
struct ResultProperties {
    organisation: String,
    status: &'static str,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

pub fn emit(report: &Report, pack: &RulePack, w: &mut dyn Write) -> Result<()> {
    let cwd = Cwd::current();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "policy-audit",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: pack.rules.iter().map(descriptor).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications(report, &cwd),
            }],
            results: results(report, pack, &cwd),
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *w, &log)?;
    writeln!(w)?;
    Ok(())
}

fn descriptor(rule: &Rule) -> RuleDescriptor {
    let source = format!("{} — {}", rule.source_document, rule.source_section);
    let remediation = rule.remediation.trim();
    let mut tags = vec!["policy".to_string(), rule.severity.name().to_string()];
    if let Some(kinds) = &rule.applies_to {
        tags.extend(kinds.iter().map(|k| k.name().to_string()));
    }
    RuleDescriptor {
        id: rule.id.clone(),
        name: pascal_case(&rule.id),
        short_description: Text {
            text: rule.title.clone(),
        },
        full_description: Text {
            text: rule.description.trim().to_string(),
        },
        help: Help {
            text: format!("{remediation}\n\nGuidance: {source}"),
            // Remediation is written in Markdown (the HTML report renders it so too).
            markdown: format!("{remediation}\n\n**Guidance:** {source}"),
        },
        default_configuration: Configuration {
            level: level(rule.severity),
        },
        properties: RuleProperties {
            tags,
            severity: rule.severity.name(),
        },
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Must => "error",
        Severity::Should => "warning",
        Severity::May => "note",
    }
}

/// "CB-REPORTING-ROUTE" → "CbReportingRoute": SARIF wants rule names to read as identifiers.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .chain(chars.flat_map(char::to_lowercase))
        })
        .collect()
}

fn results(report: &Report, pack: &RulePack, cwd: &Cwd) -> Vec<SarifResult> {
    let index: BTreeMap<&str, usize> = pack
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let several = report.organisations.len() > 1;
    let mut out = Vec::new();
    for org in &report.organisations {
        // Two organisations of the same name (two folders both called "policies") would share
        // fingerprints; their paths tell them apart.
        let same_name = report
            .organisations
            .iter()
            .filter(|o| o.name == org.name)
            .count();
        let org_key = if same_name > 1 {
            format!("{}\u{1f}{}", org.name, org.path)
        } else {
            org.name.clone()
        };
        for f in &org.findings {
            let waived = f.status == Status::Waived;
            if !f.status.is_gap() && !waived {
                continue;
            }
            let spot = spot(org, f);
            let suppressions = match (&f.waiver, waived) {
                (Some(waiver), true) => vec![Suppression {
                    kind: "external",
                    status: "accepted",
                    justification: waiver.justification.clone(),
                }],
                _ => Vec::new(),
            };
            out.push(SarifResult {
                rule_id: f.rule.clone(),
                rule_index: index.get(f.rule.as_str()).copied(),
                level: level(f.severity),
                message: Text {
                    text: message(org, f, &spot, several),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact(spot.document, cwd),
                        region: Some(Region {
                            start_line: spot.line.max(1),
                        }),
                    },
                }],
                partial_fingerprints: BTreeMap::from([(
                    FINGERPRINT_KEY,
                    format!("{:016x}", fnv1a64(&format!("{org_key}\u{1f}{}", f.rule))),
                )]),
                suppressions,
                properties: ResultProperties {
                    organisation: org.name.clone(),
                    status: f.status.name(),
                },
            });
        }
    }
    out
}

/// Where a result points, and how that place was chosen.
struct Spot<'a> {
    document: &'a str,
    line: usize,
    /// "line 42", "paragraph 7", "page 3"; `None` for the fallbacks with no line.
    location: Option<&'a str>,
    section: Option<&'a str>,
    kind: SpotKind,
}

enum SpotKind {
    /// The first passage quoted as evidence.
    Evidence,
    /// Where the missing wording would best go.
    Suggested,
    /// No readable document: the first file listed, or the organisation's own path.
    Fallback,
}

/// A partial finding points at its evidence; a missing one at where its wording should go.
fn spot<'a>(org: &'a OrgAudit, f: &'a Finding) -> Spot<'a> {
    if underlying_status(f) == Status::Partial {
        if let Some(e) = f.evidence.first() {
            return Spot {
                document: &e.document,
                line: e.line,
                location: Some(&e.location),
                section: e.section.as_deref(),
                kind: SpotKind::Evidence,
            };
        }
    }
    if let Some(p) = &f.suggested_location {
        return Spot {
            document: &p.document,
            line: p.line,
            location: Some(&p.location),
            section: p.section.as_deref(),
            kind: SpotKind::Suggested,
        };
    }
    Spot {
        document: org.documents.first().map_or(&org.path, |d| &d.path),
        line: 1,
        location: None,
        section: None,
        kind: SpotKind::Fallback,
    }
}

/// The status a waived finding would have without its waiver.
fn underlying_status(f: &Finding) -> Status {
    match (&f.waiver, f.status) {
        (Some(w), Status::Waived) => w.status_without_waiver,
        _ => f.status,
    }
}

fn message(org: &OrgAudit, f: &Finding, spot: &Spot, several: bool) -> String {
    let mut lines = Vec::new();
    let who = if several {
        format!("{}: ", org.name)
    } else {
        String::new()
    };
    let state = match underlying_status(f) {
        Status::Partial => "partly met",
        _ => "missing",
    };
    if f.status == Status::Waived {
        lines.push(format!(
            "{who}{} ({}) is waived: {}.",
            f.rule,
            f.severity.name(),
            f.title
        ));
        if let Some(w) = &f.waiver {
            let approved = w
                .approved_by
                .as_deref()
                .map(|a| format!("approved by {a}, "))
                .unwrap_or_default();
            lines.push(format!(
                "Waiver: {} ({approved}expires {}; {}). Without it the requirement is {state}.",
                w.justification.trim(),
                w.expires,
                w.defined_at
            ));
        }
    } else {
        lines.push(format!(
            "{who}{} ({}) is {state}: {}.",
            f.rule,
            f.severity.name(),
            f.title
        ));
    }
    let found: Vec<&str> = f
        .elements
        .iter()
        .filter(|e| e.found)
        .map(|e| e.id.as_str())
        .collect();
    if !found.is_empty() {
        lines.push(format!("Found: {}.", found.join(", ")));
    }
    for e in f.elements.iter().filter(|e| !e.found) {
        let weak = if e.weak { " (weak evidence only)" } else { "" };
        lines.push(format!(
            "Not found{weak}: {} — {}",
            e.id,
            flat(&e.description)
        ));
    }
    let at = |spot: &Spot| {
        let section = spot
            .section
            .map(|s| format!(", section \"{}\"", flat(s)))
            .unwrap_or_default();
        let location = spot.location.map(|l| format!(" {l}")).unwrap_or_default();
        format!("{}{location}{section}", spot.document)
    };
    match spot.kind {
        SpotKind::Evidence => {
            let more = f.evidence.len().saturating_sub(1);
            let more = match more {
                0 => String::new(),
                1 => " (and 1 more passage)".to_string(),
                n => format!(" (and {n} more passages)"),
            };
            lines.push(format!("Evidence: {}{more}.", at(spot)));
        }
        SpotKind::Suggested => {
            lines.push(format!("The wording would best go in {}.", at(spot)));
        }
        SpotKind::Fallback => {
            lines.push(format!(
                "No document of {} could be read, so no place for the wording is suggested.",
                org.name
            ));
        }
    }
    // SARIF only knows lines; say what the number means for .docx, .odt, .html and .pdf.
    if let Some(location) = spot.location.filter(|l| !l.starts_with("line ")) {
        lines.push(format!(
            "Line {} here means {location}: this document has no lines of its own.",
            spot.line.max(1)
        ));
    }
    if let Some(w) = f
        .waiver
        .as_ref()
        .filter(|w| w.state == WaiverState::Expired)
    {
        lines.push(format!(
            "A waiver for this requirement expired on {} ({}).",
            w.expires, w.defined_at
        ));
    }
    lines.join("\n")
}

/// Whitespace (line breaks of folded YAML included) as single spaces.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Unreadable documents (errors) and waivers that expired (warnings) or are no longer
/// needed (notes): things about the run a reader of the alerts should know.
fn notifications(report: &Report, cwd: &Cwd) -> Vec<Notification> {
    let mut out = Vec::new();
    for org in &report.organisations {
        for doc in &org.documents {
            let Some(reason) = &doc.error else { continue };
            out.push(Notification {
                descriptor: Descriptor {
                    id: "unreadable-document",
                },
                level: "error",
                message: Text {
                    text: format!("{} could not be read: {reason}", doc.path),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact(&doc.path, cwd),
                        region: None,
                    },
                }],
            });
        }
        for f in &org.findings {
            let Some(w) = &f.waiver else { continue };
            let (id, level, text) = match w.state {
                WaiverState::Applied => continue,
                WaiverState::Expired => (
                    "expired-waiver",
                    "warning",
                    format!(
                        "The waiver for {} ({}) expired on {}: the finding counts as {} again.",
                        f.rule,
                        org.name,
                        w.expires,
                        f.status.name()
                    ),
                ),
                WaiverState::Unneeded => (
                    "unneeded-waiver",
                    "note",
                    format!(
                        "The waiver for {} ({}) is no longer needed: the finding is {}.",
                        f.rule,
                        org.name,
                        f.status.name()
                    ),
                ),
            };
            out.push(Notification {
                descriptor: Descriptor { id },
                level,
                message: Text { text },
                locations: waiver_location(&w.defined_at, cwd).into_iter().collect(),
            });
        }
    }
    out
}

/// "waivers.yaml:12" → that file at that line.
fn waiver_location(defined_at: &str, cwd: &Cwd) -> Option<Location> {
    let (file, line) = defined_at.rsplit_once(':')?;
    let line: usize = line.parse().ok()?;
    Some(Location {
        physical_location: PhysicalLocation {
            artifact_location: artifact(file, cwd),
            region: Some(Region {
                start_line: line.max(1),
            }),
        },
    })
}

/// The folder the audit runs in, as given and as resolved (the user may have named files
/// through either spelling of a symlinked folder).
struct Cwd(Vec<PathBuf>);

impl Cwd {
    fn current() -> Cwd {
        let mut dirs = Vec::new();
        if let Ok(dir) = std::env::current_dir() {
            if let Ok(real) = dir.canonicalize() {
                if real != dir {
                    dirs.push(real);
                }
            }
            dirs.insert(0, dir);
        }
        Cwd(dirs)
    }
}

/// A report path as a SARIF artifact location: relative to the working folder where it can
/// be (code scanning resolves those against the repository), else a `file://` URI.
fn artifact(path: &str, cwd: &Cwd) -> ArtifactLocation {
    let path = Path::new(path);
    let relative = if path.is_absolute() {
        cwd.0.iter().find_map(|dir| path.strip_prefix(dir).ok())
    } else {
        Some(path)
    };
    match relative {
        Some(rel) => {
            let segments: Vec<String> = rel
                .components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(percent_encode(&s.to_string_lossy())),
                    Component::ParentDir => Some("..".to_string()),
                    _ => None,
                })
                .collect();
            ArtifactLocation {
                uri: if segments.is_empty() {
                    ".".to_string()
                } else {
                    segments.join("/")
                },
                uri_base_id: Some(SRCROOT),
            }
        }
        None => {
            let segments: Vec<String> = path
                .components()
                .filter_map(|c| match c {
                    // A Windows drive ("C:") stays as it is: file:///C:/...
                    Component::Prefix(p) => {
                        Some(p.as_os_str().to_string_lossy().replace('\\', "/"))
                    }
                    Component::Normal(s) => Some(percent_encode(&s.to_string_lossy())),
                    Component::ParentDir => Some("..".to_string()),
                    _ => None,
                })
                .collect();
            ArtifactLocation {
                uri: format!("file:///{}", segments.join("/")),
                uri_base_id: None,
            }
        }
    }
}

/// Percent-encode one path segment: everything but RFC 3986's unreserved characters, so the
/// result is valid in any part of a URI reference (a ':' in a first segment included).
fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// FNV-1a, 64 bits: small, stable across versions and platforms, good enough to tell
/// (organisation, rule) pairs apart.
fn fnv1a64(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::audit::WaiverReport;
    use serde_json::Value;

    /// The Northgate example audited as the CLI would, with its first gap waived and its
    /// second carrying an expired waiver, each set by hand so the justification can hold
    /// text that must be escaped.
    pub(in crate::report) fn waived_report() -> (Report, RulePack) {
        let pack = crate::rules::load_builtin().expect("built-in pack");
        let request = crate::AuditRequest {
            paths: vec![PathBuf::from("examples/northgate-council-leisure")],
            portfolio: false,
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"),
            fail_on: Some(Severity::Must),
            max_bytes: crate::ingest::DEFAULT_MAX_BYTES,
            files: Default::default(),
            waivers: Vec::new(),
        };
        let mut report = crate::audit(&pack, &request).expect("audit").report;
        let mut gaps = report.organisations[0]
            .findings
            .iter_mut()
            .filter(|f| f.status.is_gap() && f.severity == Severity::Must);
        let waived = gaps.next().expect("a must gap");
        waived.waiver = Some(WaiverReport {
            state: WaiverState::Applied,
            justification: "Covered by the <Trust's> IT policy & \"handbook\"\u{1}".into(),
            approved_by: Some("Head of HR".into()),
            expires: "2027-03-31".into(),
            defined_at: "waivers.yaml:4".into(),
            status_without_waiver: waived.status,
        });
        waived.status = Status::Waived;
        let expired = gaps.next().expect("a second must gap");
        expired.waiver = Some(WaiverReport {
            state: WaiverState::Expired,
            justification: "Old exemption".into(),
            approved_by: None,
            expires: "2026-01-31".into(),
            defined_at: "waivers.yaml:9".into(),
            status_without_waiver: expired.status,
        });
        (report, pack)
    }

    #[test]
    fn waived_gaps_are_suppressed_results_and_expired_waivers_warnings() {
        let (report, pack) = waived_report();
        let mut bytes = Vec::new();
        emit(&report, &pack, &mut bytes).expect("emit");
        let log: Value = serde_json::from_slice(&bytes).expect("JSON");
        let run = &log["runs"][0];
        let results = run["results"].as_array().expect("results");
        let org = &report.organisations[0];
        let waived = org
            .findings
            .iter()
            .find(|f| f.status == Status::Waived)
            .expect("waived finding");
        let suppressed: Vec<&Value> = results
            .iter()
            .filter(|r| r.get("suppressions").is_some())
            .collect();
        assert_eq!(suppressed.len(), 1);
        assert_eq!(suppressed[0]["ruleId"], waived.rule.as_str());
        assert_eq!(suppressed[0]["properties"]["status"], "waived");
        let suppression = &suppressed[0]["suppressions"][0];
        assert_eq!(suppression["kind"], "external");
        assert_eq!(suppression["status"], "accepted");
        assert!(suppression["justification"]
            .as_str()
            .is_some_and(|j| j.starts_with("Covered by the <Trust's> IT policy")));
        let gaps = org.findings.iter().filter(|f| f.status.is_gap()).count();
        assert_eq!(results.len(), gaps + 1);

        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .expect("notifications");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0]["level"], "warning");
        assert_eq!(notes[0]["descriptor"]["id"], "expired-waiver");
        let place = &notes[0]["locations"][0]["physicalLocation"];
        assert_eq!(place["artifactLocation"]["uri"], "waivers.yaml");
        assert_eq!(place["region"]["startLine"], 9);
    }

    fn cwd(dir: &str) -> Cwd {
        Cwd(vec![PathBuf::from(dir)])
    }

    #[test]
    fn encodes_everything_outside_unreserved() {
        assert_eq!(percent_encode("staff code.md"), "staff%20code.md");
        assert_eq!(percent_encode("a#b?c%d:e"), "a%23b%3Fc%25d%3Ae");
        assert_eq!(percent_encode("café"), "caf%C3%A9");
        assert_eq!(percent_encode("A-z_0.9~"), "A-z_0.9~");
    }

    #[cfg(unix)]
    #[test]
    fn paths_become_relative_uris_where_they_can() {
        let here = cwd("/work/repo");
        assert_eq!(
            artifact("policies/staff code.md", &here),
            ArtifactLocation {
                uri: "policies/staff%20code.md".into(),
                uri_base_id: Some(SRCROOT)
            }
        );
        assert_eq!(artifact("./a/b.md", &here).uri, "a/b.md");
        assert_eq!(artifact("/work/repo/a/b.md", &here).uri, "a/b.md");
        assert_eq!(artifact("/work/repo", &here).uri, ".");
        let outside = artifact("/srv/other dir/b.md", &here);
        assert_eq!(outside.uri, "file:///srv/other%20dir/b.md");
        assert_eq!(outside.uri_base_id, None);
    }

    #[test]
    fn fingerprint_hash_is_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal_case("CB-REPORTING-ROUTE"), "CbReportingRoute");
        assert_eq!(pascal_case("SEC-DEVICE-LOCK"), "SecDeviceLock");
    }
}
