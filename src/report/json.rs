//! `report.json`: the report model as it stands (schema_version 1, see CONTRACTS.md).

use crate::audit::Report;
use crate::rules::RulePack;
use anyhow::Result;
use std::io::Write;

pub fn emit(report: &Report, _pack: &RulePack, w: &mut dyn Write) -> Result<()> {
    serde_json::to_writer_pretty(&mut *w, report)?;
    writeln!(w)?;
    Ok(())
}
