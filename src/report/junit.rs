//! `junit.xml`: one testsuite per organisation and one testcase per rule, for CI systems that
//! show test results. A gap fails its testcase only when it fails the audit at the run's
//! `--fail-on` threshold, so the test view and the exit code agree; gaps below it pass with a
//! note. Unreadable documents are the suite's errors.

use crate::audit::{fails, Finding, OrgAudit, Report, WaiverState};
use crate::engine::Status;
use crate::rules::RulePack;
use anyhow::Result;
use std::io::Write;

/// What a testcase says beyond passing.
enum Outcome {
    Pass,
    /// A gap below the threshold: passes, with the details as `<system-out>`.
    Note(String),
    Failure {
        message: String,
        kind: &'static str,
        body: String,
    },
    Skipped(String),
}

struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

pub fn emit(report: &Report, _pack: &RulePack, w: &mut dyn Write) -> Result<()> {
    let suites: Vec<(&OrgAudit, Vec<Outcome>)> = report
        .organisations
        .iter()
        .map(|org| {
            let outcomes = org.findings.iter().map(|f| outcome(report, f)).collect();
            (org, outcomes)
        })
        .collect();
    let total = suites.iter().fold(
        Counts {
            tests: 0,
            failures: 0,
            errors: 0,
            skipped: 0,
        },
        |acc, (org, outcomes)| {
            let c = counts(org, outcomes);
            Counts {
                tests: acc.tests + c.tests,
                failures: acc.failures + c.failures,
                errors: acc.errors + c.errors,
                skipped: acc.skipped + c.skipped,
            }
        },
    );
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="policy-audit" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
        total.tests, total.failures, total.errors, total.skipped
    )?;
    let fail_on = report.fail_on.map_or("never", |s| s.name());
    for (org, outcomes) in &suites {
        let c = counts(org, outcomes);
        writeln!(
            w,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}">"#,
            attr(&org.name),
            c.tests,
            c.failures,
            c.errors,
            c.skipped
        )?;
        writeln!(w, "    <properties>")?;
        for (name, value) in [
            ("path", org.path.as_str()),
            ("as_of", report.as_of.as_str()),
            ("fail_on", fail_on),
        ] {
            writeln!(
                w,
                r#"      <property name="{name}" value="{}"/>"#,
                attr(value)
            )?;
        }
        writeln!(w, "    </properties>")?;
        let classname = attr(&slug(&org.name));
        for (f, outcome) in org.findings.iter().zip(outcomes) {
            let open = format!(
                r#"    <testcase classname="{classname}" name="{}""#,
                attr(&format!("{}: {}", f.rule, f.title))
            );
            match outcome {
                Outcome::Pass => writeln!(w, "{open}/>")?,
                Outcome::Note(note) => {
                    writeln!(w, "{open}>")?;
                    writeln!(w, "      <system-out>{}</system-out>", text(note))?;
                    writeln!(w, "    </testcase>")?;
                }
                Outcome::Failure {
                    message,
                    kind,
                    body,
                } => {
                    writeln!(w, "{open}>")?;
                    writeln!(
                        w,
                        r#"      <failure message="{}" type="{kind}">{}</failure>"#,
                        attr(message),
                        text(body)
                    )?;
                    writeln!(w, "    </testcase>")?;
                }
                Outcome::Skipped(message) => {
                    writeln!(w, "{open}>")?;
                    writeln!(w, r#"      <skipped message="{}"/>"#, attr(message))?;
                    writeln!(w, "    </testcase>")?;
                }
            }
        }
        let unreadable: Vec<String> = org
            .documents
            .iter()
            .filter_map(|d| {
                let reason = d.error.as_ref()?;
                Some(format!("could not read {}: {reason}", d.path))
            })
            .collect();
        if !unreadable.is_empty() {
            writeln!(
                w,
                "    <system-err>{}</system-err>",
                text(&unreadable.join("\n"))
            )?;
        }
        writeln!(w, "  </testsuite>")?;
    }
    writeln!(w, "</testsuites>")?;
    Ok(())
}

fn counts(org: &OrgAudit, outcomes: &[Outcome]) -> Counts {
    Counts {
        tests: outcomes.len(),
        failures: outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Failure { .. }))
            .count(),
        errors: org.documents.iter().filter(|d| d.error.is_some()).count(),
        skipped: outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Skipped(_)))
            .count(),
    }
}

fn outcome(report: &Report, f: &Finding) -> Outcome {
    match f.status {
        Status::Met => Outcome::Pass,
        Status::NotApplicable => Outcome::Skipped("not applicable".to_string()),
        Status::Waived => Outcome::Skipped(match &f.waiver {
            Some(w) => {
                let approved = w
                    .approved_by
                    .as_deref()
                    .map(|a| format!("approved by {a}, "))
                    .unwrap_or_default();
                format!(
                    "waived: {} ({approved}expires {})",
                    w.justification.trim(),
                    w.expires
                )
            }
            None => "waived".to_string(),
        }),
        Status::Partial | Status::Missing => {
            let not_found: Vec<&str> = f
                .elements
                .iter()
                .filter(|e| !e.found)
                .map(|e| e.id.as_str())
                .collect();
            let summary = format!(
                "{}: not found: {}",
                f.status.name(),
                if not_found.is_empty() {
                    "-".to_string()
                } else {
                    not_found.join(", ")
                }
            );
            if fails(f.severity, f.status, report.fail_on) {
                Outcome::Failure {
                    message: summary,
                    kind: f.severity.name(),
                    body: details(f),
                }
            } else {
                let threshold = report.fail_on.map_or("never", |s| s.name());
                Outcome::Note(format!(
                    "{summary} (does not fail the audit at --fail-on {threshold})\n\n{}",
                    details(f)
                ))
            }
        }
    }
}

/// A gap, readable in a CI log: what was and was not found, where, and what to add.
fn details(f: &Finding) -> String {
    let mut out = format!(
        "{} ({}) is {}: {}\n",
        f.rule,
        f.severity.name(),
        if f.status == Status::Partial {
            "partly met"
        } else {
            "missing"
        },
        f.title
    );
    for e in &f.elements {
        let mark = match (e.found, e.weak) {
            (true, _) => "found",
            (false, true) => "not found (only weakly)",
            (false, false) => "not found",
        };
        out.push_str(&format!("  - {} {mark}: {}\n", e.id, flat(&e.description)));
    }
    for e in f.evidence.iter().take(3) {
        let section = e
            .section
            .as_deref()
            .map(|s| format!(", section \"{}\"", flat(s)))
            .unwrap_or_default();
        out.push_str(&format!(
            "Evidence: {} {}{section}: \"{}\"\n",
            e.document,
            e.location,
            flat(&e.excerpt)
        ));
    }
    if let Some(p) = &f.suggested_location {
        let section = p
            .section
            .as_deref()
            .map(|s| format!(", section \"{}\"", flat(s)))
            .unwrap_or_default();
        out.push_str(&format!(
            "Add the wording in: {} {}{section}\n",
            p.document, p.location
        ));
    }
    if let Some(w) = f
        .waiver
        .as_ref()
        .filter(|w| w.state == WaiverState::Expired)
    {
        out.push_str(&format!(
            "A waiver for this requirement expired on {} ({}).\n",
            w.expires, w.defined_at
        ));
    }
    out.push_str(&format!(
        "\nRemediation:\n{}\n\nGuidance: {}",
        f.remediation.trim(),
        f.source
    ));
    out
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "Northgate Council Leisure" → "northgate-council-leisure".
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "organisation".to_string()
    } else {
        trimmed.to_string()
    }
}

/// Element content: `<`, `>` and `&` escaped (quotes need not be), and without the
/// characters XML 1.0 cannot hold at all.
fn text(raw: &str) -> String {
    quick_xml::escape::partial_escape(xml_chars(raw)).into_owned()
}

/// An attribute value on one line: parsers turn raw line breaks in attributes into spaces
/// anyway, so say so up front.
fn attr(raw: &str) -> String {
    quick_xml::escape::escape(flat(&xml_chars(raw))).into_owned()
}

/// Drop characters outside XML 1.0's `Char` production: control characters other than tab,
/// line feed and carriage return, and U+FFFE/U+FFFF. (Rust strings hold no surrogates.)
fn xml_chars(raw: &str) -> String {
    raw.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waived_findings_are_skipped_with_their_waiver() {
        let (report, pack) = super::super::sarif::tests::waived_report();
        let mut bytes = Vec::new();
        emit(&report, &pack, &mut bytes).expect("emit");
        let xml = String::from_utf8(bytes).expect("UTF-8");
        assert!(xml.contains(
            r#"<skipped message="waived: Covered by the &lt;Trust&apos;s&gt; IT policy &amp; &quot;handbook&quot; (approved by Head of HR, expires 2027-03-31)"/>"#
        ), "{xml}");
        assert!(
            xml.contains("A waiver for this requirement expired on 2026-01-31 (waivers.yaml:9).")
        );
        let org = &report.organisations[0];
        let failing = org
            .findings
            .iter()
            .filter(|f| fails(f.severity, f.status, report.fail_on))
            .count();
        assert!(xml.contains(&format!(
            r#"tests="34" failures="{failing}" errors="0" skipped="1""#
        )));
    }

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(
            text("a < b & \"c\"\u{1}\u{7}\td\n"),
            "a &lt; b &amp; \"c\"\td\n"
        );
        assert_eq!(attr("x\ny\u{FFFF}'"), "x y&apos;");
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Northgate Council Leisure"),
            "northgate-council-leisure"
        );
        assert_eq!(slug("  St. Mary's (C of E) "), "st-mary-s-c-of-e");
        assert_eq!(slug("—"), "organisation");
    }
}
