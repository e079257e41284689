//! `index.html`: a self-contained report (CSS inline, no external requests), rendered with
//! Handlebars. Policy and rule text is escaped by the template engine; rule remediation is
//! Markdown rendered by comrak with raw HTML escaped, so neither can inject script.

use crate::audit::{
    ElementReport, Evidence, Finding, OrgAudit, Passage, Report, WaiverReport, WaiverState,
};
use crate::engine::Status;
use crate::rules::{RulePack, Severity};
use anyhow::{Context, Result};
use handlebars::Handlebars;
use serde::Serialize;
use std::io::Write;

const TEMPLATE: &str = include_str!("../../templates/report.hbs");
const CSS: &str = include_str!("../../templates/report.css");

#[derive(Serialize)]
struct Page<'a> {
    title: String,
    as_of: &'a str,
    tool_version: &'a str,
    pack: String,
    css: &'a str,
    organisations: Vec<OrgView<'a>>,
    several: bool,
}

#[derive(Serialize)]
struct OrgView<'a> {
    org: &'a OrgAudit,
    anchor: String,
    verdict: &'static str,
    score_percent: u32,
    severity_rows: Vec<SeverityRow>,
    must_gaps: Vec<&'a Finding>,
    findings: Vec<FindingView<'a>>,
}

#[derive(Serialize)]
struct SeverityRow {
    severity: &'static str,
    met: usize,
    partial: usize,
    missing: usize,
    other: usize,
}

#[derive(Serialize)]
struct FindingView<'a> {
    f: &'a Finding,
    elements: Vec<ElementView<'a>>,
    anchor: String,
    status: &'static str,
    status_label: &'static str,
    is_gap: bool,
    remediation_html: String,
    /// "Waived until …", "Waiver expired on …": the waiver's standing in a sentence.
    waiver_note: Option<String>,
}

pub fn emit(report: &Report, pack: &RulePack, w: &mut dyn Write) -> Result<()> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_template_string("report", TEMPLATE)
        .context("the report template is invalid")?;
    let organisations: Vec<OrgView> = report
        .organisations
        .iter()
        .enumerate()
        .map(|(i, org)| org_view(org, i))
        .collect();
    let title = match organisations.as_slice() {
        [one] => format!("{} — policy audit", one.org.name),
        _ => "Policy audit".to_string(),
    };
    let page = Page {
        title,
        as_of: &report.as_of,
        tool_version: report.tool.version,
        pack: if pack.disabled.is_empty() {
            format!("{} {}", pack.name, pack.version)
        } else {
            format!(
                "{} {} (switched off: {})",
                pack.name,
                pack.version,
                pack.disabled.join(", ")
            )
        },
        css: CSS,
        several: organisations.len() > 1,
        organisations,
    };
    hb.render_to_write("report", &page, w)
        .context("cannot render the HTML report")?;
    Ok(())
}

fn org_view(org: &OrgAudit, index: usize) -> OrgView<'_> {
    let severity_rows = [Severity::Must, Severity::Should, Severity::May]
        .into_iter()
        .map(|sev| {
            let of = |status: Status| {
                org.findings
                    .iter()
                    .filter(|f| f.severity == sev && f.status == status)
                    .count()
            };
            SeverityRow {
                severity: sev.name(),
                met: of(Status::Met),
                partial: of(Status::Partial),
                missing: of(Status::Missing),
                other: of(Status::Waived) + of(Status::NotApplicable),
            }
        })
        .collect();
    OrgView {
        org,
        anchor: format!("org-{}", index + 1),
        verdict: if org.summary.passed { "pass" } else { "fail" },
        score_percent: (org.summary.score * 100.0).round() as u32,
        severity_rows,
        must_gaps: org
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Must && f.status.is_gap())
            .collect(),
        findings: org
            .findings
            .iter()
            .map(|f| FindingView {
                f,
                elements: f
                    .elements
                    .iter()
                    .map(|e| ElementView {
                        e,
                        evidence: f
                            .evidence
                            .iter()
                            .filter(|ev| ev.elements.contains(&e.id))
                            .collect(),
                        not_found: e.searched_terms.is_some(),
                        searched_terms: e.searched_terms.as_deref().unwrap_or_default(),
                        searched_count: match e.searched_terms.as_ref().map_or(0, Vec::len) {
                            1 => "1 term".to_string(),
                            n => format!("{n} terms"),
                        },
                        closest: e.closest.as_deref().unwrap_or_default(),
                    })
                    .collect(),
                anchor: format!("org-{}-{}", index + 1, f.rule),
                status: f.status.name(),
                status_label: status_label(f.status),
                // A waived gap is still a gap: its wording is still worth showing.
                is_gap: f.status.is_gap() || f.status == Status::Waived,
                remediation_html: markdown_to_safe_html(&f.remediation),
                waiver_note: f.waiver.as_ref().map(waiver_note),
            })
            .collect(),
    }
}

/// An element with the passages quoted for it and, when not found, what was looked for and
/// the nearest passages.
#[derive(Serialize)]
struct ElementView<'a> {
    e: &'a ElementReport,
    evidence: Vec<&'a Evidence>,
    not_found: bool,
    searched_terms: &'a [String],
    /// "1 term", "35 terms".
    searched_count: String,
    closest: &'a [Passage],
}

fn waiver_note(w: &WaiverReport) -> String {
    match w.state {
        WaiverState::Applied => format!("Waived until {}", w.expires),
        WaiverState::Expired => format!("A waiver expired on {}: the gap counts again", w.expires),
        WaiverState::Unneeded => {
            "A waiver names this requirement, but it is not needed: remove it".to_string()
        }
    }
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Met => "Met",
        Status::Partial => "Partly met",
        Status::Missing => "Missing",
        Status::Waived => "Waived",
        Status::NotApplicable => "Not applicable",
    }
}

/// Markdown → HTML with any raw HTML escaped and unsafe link schemes dropped.
pub fn markdown_to_safe_html(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.render.escape = true;
    options.render.r#unsafe = false;
    comrak::markdown_to_html(markdown, &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remediation_markdown_cannot_carry_script() {
        let html = markdown_to_safe_html("Hi <script>alert(1)</script> [x](javascript:alert(1))");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }
}
