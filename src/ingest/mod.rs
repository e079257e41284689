//! Source file → `Document`. One module per format; `read` dispatches on the format.

mod frontmatter;
mod markdown;
mod text;

use crate::document::{Document, Format};
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
    let source = decode(bytes)?;
    let doc = match format {
        Format::Markdown => markdown::parse(path, &source),
        Format::Text => text::parse(path, &source),
    };
    if doc.blocks.iter().all(|b| b.text.trim().is_empty()) {
        return Err(ReadError::NoText);
    }
    Ok(doc)
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
