//! `findings.csv`: one row per organisation × rule, for spreadsheets.

use crate::audit::Report;
use crate::rules::RulePack;
use anyhow::Result;
use std::io::Write;

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
            out.write_record([
                org.name.as_str(),
                &f.rule,
                &f.title,
                f.severity.name(),
                f.status.name(),
                &ids(found),
                &ids(missing),
                &evidence.join("; "),
            ])?;
        }
    }
    out.flush()?;
    Ok(())
}
