//! Bytes → text (BOM sniffing, UTF-8, UTF-16, Windows-1252), and plain-text documents → blocks.

use super::markdown::BlockBuilder;
use super::ReadError;
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

/// Plain text: blank lines separate paragraphs; bullets, numbered lines and "Label: value"
/// lines are blocks of their own; short unpunctuated lines standing alone are headings. The
/// first group of short lines is the title block (its last line is the title).
pub fn parse(path: &Path, source: &str) -> Document {
    let mut builder = BlockBuilder::new(Vec::new());
    let mut title: Option<String> = None;
    for (index, group) in groups(source).into_iter().enumerate() {
        let all_short = group.iter().all(|(_, l)| looks_like_heading(l));
        if index == 0 && all_short && group.len() <= 4 {
            let (last_line, last) = group[group.len() - 1];
            for &(n, line) in &group[..group.len() - 1] {
                builder.start(BlockKind::Paragraph);
                builder.push_text(line, n);
                builder.finish();
            }
            builder.start(BlockKind::Heading(1));
            builder.push_text(last, last_line);
            builder.finish();
            title = Some(last.to_string());
            continue;
        }
        if group.len() == 1 && all_short {
            let (n, line) = group[0];
            builder.start(BlockKind::Heading(heading_level(line)));
            builder.push_text(line, n);
            builder.finish();
            continue;
        }
        for (n, line) in group {
            if let Some(item) = list_item_text(line) {
                builder.finish();
                builder.start(BlockKind::ListItem);
                builder.push_text(item, n);
            } else if is_label_line(line) {
                builder.finish();
                builder.start(BlockKind::Paragraph);
                builder.push_text(line, n);
                builder.finish();
            } else {
                if builder.is_open() {
                    builder.separate(" ");
                } else {
                    builder.start(BlockKind::Paragraph);
                }
                builder.push_text(line, n);
            }
        }
        builder.finish();
    }
    super::finish_document(
        path,
        Format::Text,
        title,
        Metadata::default(),
        builder.blocks,
    )
}

/// Runs of non-blank lines, each line with its 1-based number, trimmed.
fn groups(source: &str) -> Vec<Vec<(usize, &str)>> {
    let mut groups: Vec<Vec<(usize, &str)>> = vec![Vec::new()];
    for (i, line) in source.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            if !groups.last().is_some_and(Vec::is_empty) {
                groups.push(Vec::new());
            }
        } else if let Some(group) = groups.last_mut() {
            group.push((i + 1, line));
        }
    }
    groups.retain(|g| !g.is_empty());
    groups
}

/// "Policy owner: Head of HR", "Last reviewed: 6 October 2025".
fn is_label_line(line: &str) -> bool {
    line.split_once(':').is_some_and(|(label, value)| {
        let words = label.split_whitespace().count();
        (1..=4).contains(&words)
            && label.chars().next().is_some_and(char::is_uppercase)
            && !value.trim().is_empty()
    })
}

fn looks_like_heading(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let last = line.chars().last().unwrap_or('.');
    words <= 12 && !matches!(last, '.' | ',' | ';' | '?' | '!')
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
