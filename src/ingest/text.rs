//! Bytes → text (BOM sniffing, UTF-8, UTF-16, Windows-1252), and plain-text documents → blocks.

use super::markdown::{kind_of, BlockBuilder};
use super::{title_from_path, ReadError};
use crate::document::{BlockKind, Document, Format, Metadata};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::path::Path;

/// Decode a text file: a BOM wins; else valid UTF-8; else UTF-16 recognised by its zero bytes;
/// else Windows-1252, the usual encoding of text exported on Windows.
pub fn decode(bytes: &[u8]) -> Result<String, ReadError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return check_text(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return check_text(text.to_string());
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return check_text(text.into_owned());
    }
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
    check_text(text.into_owned())
}

/// UTF-16 text without a BOM: mostly-ASCII content leaves every other byte zero.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    let pairs = bytes.len() / 2;
    let even_zero = bytes.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = bytes.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_zero * 10 >= pairs * 7 && even_zero * 10 < pairs {
        Some(UTF_16LE)
    } else if even_zero * 10 >= pairs * 7 && odd_zero * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Text with NULs or many control characters is a binary file under a text name.
fn check_text(text: String) -> Result<String, ReadError> {
    let controls = text
        .chars()
        .take(65_536)
        .filter(|&c| c == '\0' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c')))
        .count();
    let sample = text.chars().take(65_536).count().max(1);
    if text.contains('\0') || controls * 100 > sample {
        return Err(ReadError::Binary);
    }
    // One line-ending convention from here on: "\r\n" and lone "\r" become "\n".
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Plain text: blank lines separate paragraphs; bullets and numbered lines are list items;
/// short unpunctuated lines standing alone are headings.
pub fn parse(path: &Path, source: &str) -> Document {
    let mut builder = BlockBuilder::new(Vec::new());
    let mut title: Option<String> = None;
    let lines: Vec<&str> = source.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            builder.finish();
            i += 1;
            continue;
        }
        let prev_blank = i == 0 || lines[i - 1].trim().is_empty();
        let next_blank = lines.get(i + 1).is_none_or(|l| l.trim().is_empty());
        if prev_blank && next_blank && looks_like_heading(line) {
            builder.finish();
            let level = if title.is_none() {
                1
            } else {
                heading_level(line)
            };
            if title.is_none() {
                title = Some(line.to_string());
            }
            builder.start(BlockKind::Heading(level));
            builder.push_text(line, i + 1);
            builder.finish();
        } else if let Some(item) = list_item_text(line) {
            builder.finish();
            builder.start(BlockKind::ListItem);
            builder.push_text(item, i + 1);
        } else {
            if !builder_has_block(&builder) {
                builder.start(BlockKind::Paragraph);
            } else {
                builder.separate(" ");
            }
            builder.push_text(line, i + 1);
        }
        i += 1;
    }
    builder.finish();
    let metadata = Metadata::default();
    let title = title.unwrap_or_else(|| title_from_path(path));
    let kind = kind_of(&metadata, &title, path);
    Document {
        path: path.to_path_buf(),
        format: Format::Text,
        title,
        kind,
        metadata,
        blocks: builder.blocks,
    }
}

fn builder_has_block(builder: &BlockBuilder) -> bool {
    builder.is_open()
}

fn looks_like_heading(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let last = line.chars().last().unwrap_or('.');
    words <= 12 && !matches!(last, '.' | ',' | ';' | ':' | '?' | '!') || words <= 12 && last == ':'
}

/// "3. Scope" is level 2, "3.1 Staff" level 3; anything else level 2.
fn heading_level(line: &str) -> u8 {
    let number = line.split_whitespace().next().unwrap_or("");
    let dots = number.trim_end_matches('.').matches('.').count();
    if number.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        (2 + dots).min(6) as u8
    } else {
        2
    }
}

/// The text of a bulleted line ("- ", "* ", "• ", "a) "), or `None`.
fn list_item_text(line: &str) -> Option<&str> {
    for bullet in ["- ", "* ", "• ", "· ", "– "] {
        if let Some(rest) = line.strip_prefix(bullet) {
            return Some(rest.trim_start());
        }
    }
    let mut chars = line.char_indices();
    if let (Some((_, c)), Some((i, close))) = (chars.next(), chars.next()) {
        if c.is_ascii_lowercase() && close == ')' {
            return Some(line[i + 1..].trim_start());
        }
    }
    None
}
