//! `report.md`: a compact summary for a CI job summary or a pull-request comment.

use crate::audit::{Report, WaiverState};
use crate::engine::Status;
use crate::rules::{RulePack, Severity};
use anyhow::Result;
use std::io::Write;

pub fn emit(report: &Report, pack: &RulePack, w: &mut dyn Write) -> Result<()> {
    writeln!(w, "# Policy audit")?;
    writeln!(w)?;
    writeln!(
        w,
        "Audit date {} · rule pack {} {}",
        report.as_of, pack.name, pack.version
    )?;
    for org in &report.organisations {
        let s = &org.summary;
        writeln!(w)?;
        writeln!(
            w,
            "## {} {}: {}",
            if s.passed { "✅" } else { "❌" },
            cell(&org.name),
            if s.passed { "pass" } else { "fail" }
        )?;
        writeln!(w)?;
        writeln!(
            w,
            "Score {:.0}% · met {} · partial {} · missing {} · waived {} · not applicable {}",
            s.score * 100.0,
            s.met,
            s.partial,
            s.missing,
            s.waived,
            s.not_applicable
        )?;
        for d in org.documents.iter().filter(|d| d.error.is_some()) {
            writeln!(
                w,
                "\n> **Could not read** `{}`: {}",
                d.path,
                d.error.as_deref().unwrap_or_default()
            )?;
        }
        for f in &org.findings {
            if let Some(waiver) = f
                .waiver
                .as_ref()
                .filter(|w| w.state == WaiverState::Expired)
            {
                writeln!(
                    w,
                    "\n> **Waiver expired** for `{}` on {} (`{}`): the gap counts again.",
                    f.rule,
                    waiver.expires,
                    cell(&waiver.defined_at)
                )?;
            }
        }
        let gaps: Vec<_> = org
            .findings
            .iter()
            .filter(|f| f.status.is_gap() || f.status == Status::Waived)
            .collect();
        if gaps.is_empty() {
            continue;
        }
        writeln!(w)?;
        writeln!(w, "| Requirement | Severity | Status | Not found |")?;
        writeln!(w, "|---|---|---|---|")?;
        for sev in [Severity::Must, Severity::Should, Severity::May] {
            for f in gaps.iter().filter(|f| f.severity == sev) {
                let missing: Vec<&str> = f
                    .elements
                    .iter()
                    .filter(|e| !e.found)
                    .map(|e| e.id.as_str())
                    .collect();
                writeln!(
                    w,
                    "| `{}` {} | {} | {} | {} |",
                    f.rule,
                    cell(&f.title),
                    sev.name(),
                    match f.status {
                        Status::Missing => "missing".to_string(),
                        Status::Waived => format!(
                            "waived until {}",
                            f.waiver.as_ref().map_or("", |w| w.expires.as_str())
                        ),
                        _ => "partial".to_string(),
                    },
                    match (&f.waiver, f.status) {
                        (Some(w), Status::Waived) => cell(&w.justification),
                        _ => missing.join(", "),
                    }
                )?;
            }
        }
    }
    Ok(())
}

/// Text safe inside a Markdown table cell: no pipes or line breaks, no raw HTML.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
