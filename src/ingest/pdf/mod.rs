//! PDF → blocks. pdf-extract finds the characters and their positions; `layout` rebuilds
//! lines, paragraphs and headings from them, with page numbers as locations.
//!
//! pdf-extract can panic or run for a very long time on unusual files, so each PDF is read on
//! its own thread behind `catch_unwind` and a time limit: one odd file costs at most
//! `TIME_LIMIT` and an error entry, never the run.

mod layout;
mod streams;

use super::ReadError;
use crate::document::Document;
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// How long one PDF may take to read before the run gives up on it.
pub const TIME_LIMIT: Duration = Duration::from_secs(20);

const FORMAT: &str = "PDF";

/// Most characters kept from one PDF (about 1,500 dense pages), so memory stays bounded.
pub const MAX_GLYPHS: usize = 3_000_000;

/// Reader threads carry this name, so the panic hook can keep their panics off the terminal
/// (they are reported as read errors instead).
const THREAD_NAME: &str = "policy-audit-pdf";

pub fn parse(path: &Path, bytes: &[u8]) -> Result<Document, ReadError> {
    let bytes = bytes.to_vec();
    let extracted = guarded(TIME_LIMIT, move || extract(&bytes))?;
    Ok(layout::document(path, extracted))
}

/// What was read from a PDF: its Info title and each page's characters.
pub struct Extracted {
    pub title: Option<String>,
    pub pages: Vec<Vec<Glyph>>,
}

/// One character (or ligature) with where it was drawn: top-down `y`, size in points.
#[derive(Debug, Clone)]
pub struct Glyph {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub size: f64,
}

/// Run `work` on a reader thread; a panic or overrunning `limit` becomes an error.
fn guarded<T, F>(limit: Duration, work: F) -> Result<T, ReadError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ReadError> + Send + 'static,
{
    quiet_reader_panics();
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(THREAD_NAME.into())
        // pdf-extract recurses through nested forms; a roomy stack keeps deep files from
        // overflowing it, which no `catch_unwind` could stop.
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let result = std::panic::catch_unwind(AssertUnwindSafe(work));
            let _ = tx.send(result);
        })
        .map_err(|e| ReadError::ReaderFailed(format!("cannot start a reader thread: {e}")))?;
    match rx.recv_timeout(limit) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unexpected internal error".into());
            Err(ReadError::ReaderFailed(message))
        }
        // The thread cannot be stopped; it is left to finish or to end with the process.
        Err(RecvTimeoutError::Timeout) => Err(ReadError::TimedOut {
            seconds: limit.as_secs(),
        }),
        Err(RecvTimeoutError::Disconnected) => Err(ReadError::ReaderFailed(
            "the reader stopped unexpectedly".into(),
        )),
    }
}

/// Keep panics on PDF reader threads off stderr; every other panic is printed as before.
fn quiet_reader_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(THREAD_NAME) {
                previous(info);
            }
        }));
    });
}

fn extract(bytes: &[u8]) -> Result<Extracted, ReadError> {
    let damaged = |e: &dyn std::fmt::Display| ReadError::Damaged {
        format: FORMAT,
        detail: e.to_string(),
    };
    if !bytes.starts_with(b"%PDF") && !bytes.get(..1024).is_some_and(|h| contains(h, b"%PDF-")) {
        return Err(ReadError::Damaged {
            format: FORMAT,
            detail: "the file does not start like a PDF".into(),
        });
    }
    if !streams::within_budget(bytes, streams::UNPACKED_LIMIT) {
        return Err(ReadError::TooLargeUnpacked {
            limit: streams::UNPACKED_LIMIT,
        });
    }
    let mut doc = match pdf_extract::Document::load_mem(bytes) {
        Ok(doc) => doc,
        Err(pdf_extract::Error::Decryption(_)) => return Err(ReadError::EncryptedPdf),
        Err(e) => return Err(damaged(&e)),
    };
    // A PDF encrypted only against editing opens with the empty password and reads normally.
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(ReadError::EncryptedPdf);
    }
    let title = info_title(&doc);
    let mut collector = Collector::default();
    pdf_extract::output_doc(&doc, &mut collector).map_err(|e| match e {
        _ if collector.full => ReadError::TooMuchText { limit: MAX_GLYPHS },
        OutputError::PdfError(pdf_extract::Error::Decryption(_)) => ReadError::EncryptedPdf,
        e => damaged(&e),
    })?;
    if collector.pages.is_empty() {
        return Err(damaged(&"it has no pages"));
    }
    let has_text = collector
        .pages
        .iter()
        .flatten()
        .any(|g| g.text.chars().any(char::is_alphanumeric));
    if !has_text {
        return Err(ReadError::NoTextLayer);
    }
    Ok(Extracted {
        title,
        pages: collector.pages,
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The document's Info `/Title`, decoded from UTF-16 (with BOM) or PDFDocEncoding.
fn info_title(doc: &pdf_extract::Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let info = match info {
        pdf_extract::Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        pdf_extract::Object::Dictionary(d) => d,
        _ => return None,
    };
    let pdf_extract::Object::String(bytes, _) = info.get(b"Title").ok()? else {
        return None;
    };
    let text = if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        // PDFDocEncoding matches Latin-1 for the characters titles use.
        bytes.iter().map(|&b| b as char).collect()
    };
    let text = super::wordproc::normalise(&text);
    (!text.is_empty()).then_some(text)
}

/// Collects glyphs page by page.
#[derive(Default)]
struct Collector {
    pages: Vec<Vec<Glyph>>,
    height: f64,
    glyphs: usize,
    /// Set when `MAX_GLYPHS` was reached; the error returned then stops pdf-extract.
    full: bool,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.height = media_box.ury - media_box.lly;
        self.pages.push(Vec::new());
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // The text rendering matrix scales the font size; its determinant is the area scale.
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = (font_size * scale).abs();
        self.glyphs += 1;
        if self.glyphs > MAX_GLYPHS {
            self.full = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        if let Some(page) = self.pages.last_mut() {
            if size.is_finite() && trm.m31.is_finite() && trm.m32.is_finite() {
                page.push(Glyph {
                    text: text.to_string(),
                    x: trm.m31,
                    y: self.height - trm.m32,
                    width: width * size,
                    size,
                });
            }
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_or_panicking_reader_becomes_an_error() {
        let slow = guarded(Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(2));
            Ok(())
        });
        assert_eq!(slow, Err(ReadError::TimedOut { seconds: 0 }));
        let panicked: Result<(), _> = guarded(Duration::from_secs(5), || panic!("bad font"));
        assert_eq!(panicked, Err(ReadError::ReaderFailed("bad font".into())));
        assert_eq!(guarded(Duration::from_secs(5), || Ok(7)), Ok(7));
    }

    #[test]
    fn damaged_pdfs_are_errors_not_panics() {
        let cases: [&[u8]; 4] = [
            b"%PDF-1.4\n",
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n9\n%%EOF",
            b"%PDF-1.4\n1 0 obj\n<< /Type /Pages /Kids [1 0 R] /Count 1 >>\nendobj\ntrailer\n<< /Root << /Pages 1 0 R >> >>\n%%EOF",
        ];
        for bytes in cases {
            assert!(parse(Path::new("x.pdf"), bytes).is_err());
        }
    }
}
