//! Source file → `Document`. One module per format; `read` dispatches on the format.

mod docx;
mod frontmatter;
mod html;
mod markdown;
mod odt;
mod package;
mod pdf;
mod text;
mod wordproc;

use crate::document::{Block, Document, Format, Metadata};
use std::path::Path;
use thiserror::Error;

pub use text::decode;

/// Files larger than this are refused rather than read into memory.
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// Why a document could not be read. The message names the reason only; callers add the path.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ReadError {
    #[error("cannot read file: {0}")]
    Io(String),
    #[error("file is empty")]
    Empty,
    #[error("file is {size} bytes, over the {limit}-byte limit")]
    TooLarge { size: u64, limit: u64 },
    #[error("not a text document: it contains binary data")]
    Binary,
    #[error("no text found in the document")]
    NoText,
    #[error("not a {format} document: {hint}")]
    NotZip {
        format: &'static str,
        hint: &'static str,
    },
    #[error("damaged or incomplete {format} file: {detail}")]
    Damaged {
        format: &'static str,
        detail: String,
    },
    #[error("refused: it unpacks to more than {} MB (a zip bomb?)", .limit / (1024 * 1024))]
    TooLargeUnpacked { limit: u64 },
    #[error("encrypted PDF: cannot read its text")]
    EncryptedPdf,
    #[error("no text layer: scanned document? (the PDF has pages but no text to read)")]
    NoTextLayer,
    #[error("the PDF reader failed on this file: {0}")]
    ReaderFailed(String),
    #[error("gave up after {seconds} s reading this PDF")]
    TimedOut { seconds: u64 },
    #[error("more than {limit} characters of text: too large to audit")]
    TooMuchText { limit: usize },
}

/// Read and parse one file.
pub fn read(path: &Path, format: Format, max_bytes: u64) -> Result<Document, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io(e.to_string()))?;
    if meta.len() > max_bytes {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: max_bytes,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io(e.to_string()))?;
    parse(path, format, &bytes)
}

/// Parse bytes already in memory (used by `read`, and by rule examples).
pub fn parse(path: &Path, format: Format, bytes: &[u8]) -> Result<Document, ReadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty);
    }
    let doc = match format {
        Format::Markdown => markdown::parse(path, &decode(bytes)?),
        Format::Text => text::parse(path, &decode(bytes)?),
        Format::Html => html::parse(path, &decode(bytes)?),
        Format::Docx => docx::parse(path, bytes)?,
        Format::Odt => odt::parse(path, bytes)?,
        Format::Pdf => pdf::parse(path, bytes)?,
    };
    if doc.blocks.iter().all(|b| b.text.trim().is_empty()) {
        return Err(ReadError::NoText);
    }
    Ok(doc)
}

/// A reader's blocks as a document: the title it found (else one made from the file name) and
/// the kind (from front matter, else the title, else the file name).
pub(crate) fn finish_document(
    path: &Path,
    format: Format,
    title: Option<String>,
    metadata: Metadata,
    blocks: Vec<Block>,
) -> Document {
    let title = title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| title_from_path(path));
    let kind = markdown::kind_of(&metadata, &title, path);
    Document {
        path: path.to_path_buf(),
        format,
        title,
        kind,
        metadata,
        blocks,
    }
}

/// The title-case name of a file stem: "staff-social_media" → "Staff Social Media".
pub fn title_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    stem.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_inputs_are_read_or_refused_without_panicking() {
        let cases: [&[u8]; 12] = [
            b"---\ntitle: [unclosed\n---\nBody text here.",
            b"---\nowner: x\n",
            b"---\n---\n",
            b"| | |\n|-|-|\n| | |\n\n> > > - - - deep\n",
            b"line one\rline two\r\rnew para\r",
            b"\xef\xbb\xbf",
            b"  \n\t\n",
            b"# \n\n## \n\n- \n",
            b"text \xe2\x80 broken utf8 \x96 dash",
            b"\xff\xfe",
            b"a\x00b",
            b"1. a\n   1. b\n      1. c\n         - d\n\n           e\n",
        ];
        for bytes in cases {
            for format in [Format::Markdown, Format::Text] {
                if let Ok(doc) = parse(Path::new("x.md"), format, bytes) {
                    for b in &doc.blocks {
                        assert!(!b.text.is_empty());
                        let _ = b.line_at(b.text.len());
                    }
                }
            }
        }
    }

    #[test]
    fn empty_and_binary_files_are_refused_with_a_reason() {
        let err = |bytes: &[u8]| parse(Path::new("x.md"), Format::Markdown, bytes).err();
        assert_eq!(err(b""), Some(ReadError::Empty));
        assert_eq!(err(b"a\x00b\x00c"), Some(ReadError::Binary));
    }
}
