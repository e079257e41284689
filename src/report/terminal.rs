//! The one-screen summary printed to stderr after an audit.

use crate::audit::{Report, WaiverState};
use crate::engine::Status;
use crate::rules::Severity;
use std::io::{self, Write};
use std::path::PathBuf;

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

pub fn summary(
    report: &Report,
    written: &[PathBuf],
    style: &Style,
    w: &mut dyn Write,
) -> io::Result<()> {
    for org in &report.organisations {
        let s = &org.summary;
        let verdict = if s.passed {
            style.paint("1;32", "PASS")
        } else {
            style.paint("1;31", "FAIL")
        };
        writeln!(
            w,
            "{verdict}  {}  score {:.0}%  met {} · partial {} · missing {}{}{}",
            style.paint("1", &org.name),
            s.score * 100.0,
            s.met,
            s.partial,
            s.missing,
            if s.waived > 0 {
                format!(" · waived {}", s.waived)
            } else {
                String::new()
            },
            if s.not_applicable > 0 {
                format!(" · n/a {}", s.not_applicable)
            } else {
                String::new()
            },
        )?;
        let gaps: Vec<_> = org
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Must && f.status.is_gap())
            .collect();
        for f in &gaps {
            let status = match f.status {
                Status::Missing => style.paint("31", "missing"),
                _ => style.paint("33", "partial"),
            };
            writeln!(w, "      must  {:<24} {status:<7}  {}", f.rule, f.title)?;
        }
        for d in org.documents.iter().filter(|d| d.error.is_some()) {
            writeln!(
                w,
                "      {}  {}: {}",
                style.paint("31", "error"),
                d.path,
                d.error.as_deref().unwrap_or_default()
            )?;
        }
        for f in &org.findings {
            let Some(waiver) = &f.waiver else { continue };
            let note = match waiver.state {
                WaiverState::Applied => continue,
                WaiverState::Expired => format!(
                    "waiver for {} expired on {}: the gap counts again",
                    f.rule, waiver.expires
                ),
                WaiverState::Unneeded => format!(
                    "waiver for {} is not needed: the requirement is {}",
                    f.rule,
                    f.status.name().replace('_', " ")
                ),
            };
            writeln!(
                w,
                "      {}  {note} ({})",
                style.paint("33", "warning"),
                waiver.defined_at
            )?;
        }
        if org.documents.is_empty() {
            writeln!(
                w,
                "      {}  no policy documents found in {} (read: .md .txt .html .docx .odt .pdf)",
                style.paint("33", "warning"),
                org.path
            )?;
        }
        if !org.skipped.is_empty() {
            writeln!(
                w,
                "      skipped (format not supported): {}",
                org.skipped.join(", ")
            )?;
        }
    }
    if !written.is_empty() {
        let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
        writeln!(w, "Report: {}", files.join(", "))?;
    }
    Ok(())
}
