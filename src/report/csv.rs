//! `findings.csv`: one row per organisation × rule, for spreadsheets.

use crate::audit::Report;
use crate::rules::RulePack;
use anyhow::Result;
use std::io::Write;

/// A cell a spreadsheet will not run as a formula: text from policies and front matter is
/// untrusted, and `=`, `+`, `-` or `@` at the start makes Excel and others evaluate it.
fn safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

pub fn emit(report: &Report, _pack: &RulePack, w: &mut dyn Write) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "organisation",
        "rule",
        "title",
        "severity",
        "status",
        "elements_found",
        "elements_missing",
        "evidence",
        "suggested_location",
        "waiver",
        "waiver_justification",
        "waiver_approved_by",
        "waiver_expires",
    ])?;
    for org in &report.organisations {
        for f in &org.findings {
            let (found, missing): (Vec<_>, Vec<_>) = f.elements.iter().partition(|e| e.found);
            let ids = |list: Vec<&crate::audit::ElementReport>| {
                list.iter()
                    .map(|e| e.id.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let evidence: Vec<String> = f
                .evidence
                .iter()
                .map(|e| format!("{} {}", e.document, e.location))
                .collect();
            let row = [
                org.name.as_str(),
                &f.rule,
                &f.title,
                f.severity.name(),
                f.status.name(),
                &ids(found),
                &ids(missing),
                &evidence.join("; "),
                &f.suggested_location
                    .as_ref()
                    .map(|p| format!("{} {}", p.document, p.location))
                    .unwrap_or_default(),
                f.waiver.as_ref().map_or("", |w| w.state.name()),
                f.waiver.as_ref().map_or("", |w| w.justification.as_str()),
                f.waiver
                    .as_ref()
                    .and_then(|w| w.approved_by.as_deref())
                    .unwrap_or_default(),
                f.waiver.as_ref().map_or("", |w| w.expires.as_str()),
            ];
            out.write_record(row.iter().map(|cell| safe(cell)))?;
        }
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_that_would_be_formulas_are_kept_as_text() {
        assert_eq!(super::safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::safe("Oakfield Primary"), "Oakfield Primary");
    }
}
