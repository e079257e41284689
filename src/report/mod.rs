//! Report files. Each emitter writes to a `&mut dyn Write` and never prints; `write_all` puts
//! each file in place atomically (a temporary file in the same folder, then a rename).

mod csv;
mod html;
mod json;
mod junit;
mod markdown;
mod sarif;
pub mod terminal;

use crate::audit::Report;
use crate::cli::ReportFormat;
use crate::rules::RulePack;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// An emitter: the report (and the pack it was judged against) → bytes.
type Emitter = fn(&Report, &RulePack, &mut dyn Write) -> Result<()>;

/// The file name and emitter of a format. Every format is available; the `Result` stays so
/// that a format added to the command line before its emitter is refused, not half-written.
pub fn emitter(format: ReportFormat) -> Result<(&'static str, Emitter)> {
    Ok(match format {
        ReportFormat::Html => ("index.html", html::emit),
        ReportFormat::Json => ("report.json", json::emit),
        ReportFormat::Sarif => ("report.sarif", sarif::emit),
        ReportFormat::Junit => ("junit.xml", junit::emit),
        ReportFormat::Markdown => ("report.md", markdown::emit),
        ReportFormat::Csv => ("findings.csv", csv::emit),
    })
}

/// Write every requested format into `out`; returns the files written.
pub fn write_all(
    report: &Report,
    pack: &RulePack,
    formats: &[ReportFormat],
    out: &Path,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut formats = formats.to_vec();
    formats.sort();
    formats.dedup();
    let mut written = Vec::new();
    for format in formats {
        let (name, emit) = emitter(format)?;
        let path = out.join(name);
        write_atomically(&path, |w| emit(report, pack, w))?;
        written.push(path);
    }
    Ok(written)
}

/// Write a file so that readers see either the old file or the whole new one.
pub fn write_atomically(
    path: &Path,
    emit: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    // Reports are for sharing: readable by others as any new file would be, not 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    {
        let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
        emit(&mut buffered)?;
        buffered.flush()?;
    }
    tmp.as_file().sync_all().ok();
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
