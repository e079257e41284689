//! Positioned glyphs → lines → blocks. A PDF keeps no paragraphs or headings, only where
//! each character is drawn, so structure is recovered from the page:
//!
//! - a line break is a drop of more than half a character; a wide gap inside a line with no
//!   space character in it separates table cells;
//! - a paragraph ends at a larger gap than the usual line spacing, at a short line ending a
//!   sentence, or before a heading, bullet, numbered clause or table row; it runs on across a
//!   page break when the sentence does;
//! - a heading is a short line in a larger size than the body (levels by size), or a short
//!   unpunctuated line at body size that is a numbered clause ("4. Reporting", "4.2 Evidence"),
//!   in capitals, or in title case standing alone;
//! - running headers and footers (lines repeated on most pages) and page numbers are dropped;
//! - a word hyphenated at a line end is joined again.
//!
//! Each block's location is its page; a block that crosses a page break keeps both.

use super::{Extracted, Glyph};
use crate::document::{BlockKind, Document, Format, Metadata};
use crate::ingest::markdown::BlockBuilder;
use crate::ingest::wordproc::normalise;
use regex::Regex;
use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

/// A gap this many ems wide between characters on one line separates table cells; wider
/// when a space character was drawn in the gap.
const CELL_GAP: f64 = 0.8;
const CELL_GAP_AFTER_SPACE: f64 = 2.0;
/// A line at least this much larger than the body text is a heading.
const HEADING_SIZE: f64 = 1.12;
/// Headings are short.
const HEADING_MAX_WORDS: usize = 14;

static NUMBERED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3}(?:\.\d{1,3})*)\.?\s+\S").expect("valid regex"));
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(page\s+)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$")
        .expect("valid regex")
});
static LIST_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,3}[.)]|[a-z][.)]|\([a-z0-9]{1,4}\))$").expect("valid regex")
});

#[derive(Debug, Clone)]
struct Line {
    text: String,
    page: usize,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    cells: bool,
}

pub fn document(path: &Path, extracted: Extracted) -> Document {
    let mut lines: Vec<Line> = Vec::new();
    for (i, glyphs) in extracted.pages.iter().enumerate() {
        lines.extend(lines_of(glyphs, i + 1));
    }
    let lines = drop_running_lines(lines, extracted.pages.len());
    let page = Page::measure(&lines);
    let builder = blocks(&lines, &page);
    let meta_title = extracted.title;
    let title = meta_title.clone().or_else(|| {
        let top = builder
            .blocks
            .iter()
            .filter_map(|b| match b.kind {
                BlockKind::Heading(level) => Some(level),
                _ => None,
            })
            .min()?;
        builder
            .blocks
            .iter()
            .find(|b| b.kind == BlockKind::Heading(top))
            .map(|b| b.text.clone())
    });
    let metadata = Metadata {
        title: meta_title,
        ..Metadata::default()
    };
    crate::ingest::finish_document(path, Format::Pdf, title, metadata, builder.blocks)
}

/// Typical measures of the body text.
struct Page {
    body_size: f64,
    /// The usual distance between lines of one paragraph.
    leading: f64,
    /// The usual left and right edges of body lines.
    left: f64,
    right: f64,
    /// Heading sizes, largest first.
    heading_sizes: Vec<f64>,
}

impl Page {
    fn measure(lines: &[Line]) -> Page {
        let mode = |values: &mut dyn Iterator<Item = (f64, usize)>| {
            let mut counts: HashMap<i64, usize> = HashMap::new();
            for (v, weight) in values {
                *counts.entry((v * 2.0).round() as i64).or_default() += weight;
            }
            counts
                .into_iter()
                .max_by_key(|&(v, n)| (n, -v))
                .map(|(v, _)| v as f64 / 2.0)
        };
        let body_size = mode(&mut lines.iter().map(|l| (l.size, l.text.len())))
            .unwrap_or(12.0)
            .max(1.0);
        let body = |l: &&Line| (l.size - body_size).abs() < 0.6 && !l.cells;
        let leading = mode(&mut lines.windows(2).filter_map(|w| {
            let dy = w[1].y - w[0].y;
            (w[0].page == w[1].page && body(&&w[0]) && body(&&w[1]) && dy > 0.0).then_some((dy, 1))
        }))
        .unwrap_or(body_size * 1.2);
        let left = mode(&mut lines.iter().filter(body).map(|l| (l.x0, 1))).unwrap_or(0.0);
        let mut rights: Vec<f64> = lines.iter().filter(body).map(|l| l.x1).collect();
        rights.sort_by(f64::total_cmp);
        let right = rights
            .get(rights.len() * 9 / 10)
            .copied()
            .unwrap_or(left + 400.0);
        let mut heading_sizes: Vec<f64> = Vec::new();
        let mut sizes: Vec<f64> = lines
            .iter()
            .map(|l| l.size)
            .filter(|&s| s >= body_size * HEADING_SIZE)
            .collect();
        sizes.sort_by(|a, b| b.total_cmp(a));
        for s in sizes {
            if heading_sizes.last().is_none_or(|&last| last - s > 0.6) {
                heading_sizes.push(s);
            }
        }
        Page {
            body_size,
            leading,
            left,
            right,
            heading_sizes,
        }
    }

    /// The heading level of a line that is large or shaped like a heading, if it is one.
    /// `alone`: the line stands by itself, with paragraph gaps above and below.
    fn heading_level(&self, line: &Line, alone: bool) -> Option<u8> {
        let text = line.text.trim();
        let words = text.split_whitespace().count();
        if line.cells || words == 0 || words > HEADING_MAX_WORDS {
            return None;
        }
        if !text.chars().any(char::is_alphabetic) {
            return None;
        }
        let tiers = self.heading_sizes.len();
        if line.size >= self.body_size * HEADING_SIZE {
            let tier = self
                .heading_sizes
                .iter()
                .position(|&s| (s - line.size).abs() <= 0.6)
                .unwrap_or(tiers.saturating_sub(1));
            return Some((tier + 1).min(6) as u8);
        }
        // At body size only a line standing alone, short and unpunctuated, can be a heading:
        // the first line of a numbered paragraph is not.
        if !alone || text.ends_with(['.', ',', ';', ':', '!', '?']) || words > 10 {
            return None;
        }
        let below = |depth: usize| Some((tiers + depth).clamp(1, 6) as u8);
        if let Some(m) = NUMBERED.captures(text) {
            let rest = &text[m.get(1).map_or(0, |g| g.end())..];
            let starts_upper = rest
                .trim_start_matches(['.', ' '])
                .chars()
                .next()
                .is_some_and(char::is_uppercase);
            let depth = m.get(1).map_or(1, |g| g.as_str().split('.').count());
            return if starts_upper { below(depth) } else { None };
        }
        let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()) {
            return below(1);
        }
        if words <= 8 && is_title_case(text) {
            return below(1);
        }
        None
    }

    /// A line that ends well short of the right edge: the last line of a paragraph.
    fn is_short(&self, line: &Line) -> bool {
        line.x1 < self.right - (self.right - self.left) * 0.15
    }
}

/// Every word of four letters or more starts with a capital, and the first word does.
fn is_title_case(text: &str) -> bool {
    let mut words = text.split_whitespace();
    let first_upper = words
        .next()
        .and_then(|w| w.chars().find(|c| c.is_alphabetic()))
        .is_some_and(char::is_uppercase);
    first_upper
        && text
            .split_whitespace()
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// Glyphs in drawing order → lines.
fn lines_of(glyphs: &[Glyph], page: usize) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut current: Option<Line> = None;
    let mut last_end = 0.0;
    let mut space = false;
    for g in glyphs {
        let text = expand_ligatures(&g.text);
        if text.trim().is_empty() {
            space = true;
            continue;
        }
        let size = g.size.max(1.0);
        if let Some(line) = current.as_mut() {
            let dy = (g.y - line.y).abs();
            let new_line = dy > size * 1.5 || (dy > size * 0.5 && g.x < last_end);
            if new_line {
                lines.extend(current.take());
            } else {
                let gap = g.x - last_end;
                // Cells are drawn apart with no space character between them; words are
                // separated by a space, however widely justified.
                let cell_gap = if space {
                    CELL_GAP_AFTER_SPACE
                } else {
                    CELL_GAP
                };
                if gap > size * cell_gap {
                    // A wide gap after a bullet or list number is its indent, not a cell.
                    if is_list_mark(&line.text) {
                        line.text.push(' ');
                    } else {
                        line.text.push_str(" | ");
                        line.cells = true;
                    }
                } else if space || gap > size * 0.15 {
                    line.text.push(' ');
                }
                line.text.push_str(&text);
                line.x1 = g.x + g.width;
                line.size = line.size.max(size);
            }
        }
        if current.is_none() {
            current = Some(Line {
                text: text.into_owned(),
                page,
                x0: g.x,
                x1: g.x + g.width,
                y: g.y,
                size,
                cells: false,
            });
        }
        last_end = g.x + g.width;
        space = false;
    }
    lines.extend(current);
    for line in &mut lines {
        line.text = normalise(&line.text);
    }
    lines.retain(|l| !l.text.is_empty());
    lines
}

fn expand_ligatures(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| ('\u{fb00}'..='\u{fb06}').contains(&c)) {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            '\u{fb00}' => "ff".to_string(),
            '\u{fb01}' => "fi".to_string(),
            '\u{fb02}' => "fl".to_string(),
            '\u{fb03}' => "ffi".to_string(),
            '\u{fb04}' => "ffl".to_string(),
            '\u{fb05}' | '\u{fb06}' => "st".to_string(),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

fn is_bullet(c: char) -> bool {
    matches!(c, '•' | '◦' | '▪' | '▫' | '‣' | '⁃' | '●' | '○' | '■' | '□' | '–' | '-' | '*' | '·' | '➢' | '✓')
        // Symbol and Wingdings bullets arrive as private-use characters.
        || ('\u{f000}'..='\u{f0ff}').contains(&c)
}

fn is_list_mark(text: &str) -> bool {
    let mut chars = text.chars();
    (chars.next().is_some_and(is_bullet) && chars.next().is_none()) || LIST_MARK.is_match(text)
}

/// The text after a leading bullet, if the line starts with one.
fn after_bullet(text: &str) -> Option<&str> {
    let first = text.chars().next()?;
    let rest = &text[first.len_utf8()..];
    (is_bullet(first) && rest.starts_with(' ')).then(|| rest.trim_start())
}

/// Drop page numbers, and lines repeated at the same place on most pages (running headers
/// and footers), which are not policy text.
fn drop_running_lines(lines: Vec<Line>, pages: usize) -> Vec<Line> {
    let key = |l: &Line| {
        let text: String = l.text.chars().filter(|c| !c.is_ascii_digit()).collect();
        (text, (l.y / 4.0).round() as i64)
    };
    let mut seen: HashMap<(String, i64), std::collections::BTreeSet<usize>> = HashMap::new();
    for l in &lines {
        seen.entry(key(l)).or_default().insert(l.page);
    }
    let repeated = |l: &Line| pages >= 3 && seen.get(&key(l)).is_some_and(|p| p.len() * 2 > pages);
    lines
        .into_iter()
        .filter(|l| !PAGE_NUMBER.is_match(&l.text) && !repeated(l))
        .collect()
}

/// Lines → blocks.
fn blocks(lines: &[Line], page: &Page) -> BlockBuilder {
    let mut builder = BlockBuilder::new(Vec::new());
    // Where a paragraph may end between line i - 1 and line i, before any heading check.
    let gap_before: Vec<bool> = (0..lines.len())
        .map(|i| i == 0 || gap_between(&lines[i - 1], &lines[i], page))
        .collect();
    let mut open: Option<BlockKind> = None;
    for (i, line) in lines.iter().enumerate() {
        let alone = gap_before[i] && gap_before.get(i + 1).copied().unwrap_or(true);
        let heading = page.heading_level(line, alone);
        let bullet = after_bullet(&line.text);
        let starts_clause = NUMBERED.is_match(&line.text);
        let (kind, text) = match (heading, bullet) {
            (Some(level), _) => (BlockKind::Heading(level), line.text.as_str()),
            (None, Some(rest)) => (BlockKind::ListItem, rest),
            (None, None) if line.cells => (BlockKind::TableRow, line.text.as_str()),
            (None, None) => (BlockKind::Paragraph, line.text.as_str()),
        };
        let continues = match open {
            Some(BlockKind::Heading(level)) => {
                // A heading wrapped over two lines of the same size.
                heading == Some(level) && !gap_before[i] && !starts_clause
            }
            Some(BlockKind::Paragraph | BlockKind::ListItem) => {
                kind == BlockKind::Paragraph && !gap_before[i] && !starts_clause
            }
            _ => false,
        };
        if continues {
            append_line(&mut builder, text, line.page);
        } else {
            if open.is_some() {
                builder.finish();
            }
            builder.start(kind);
            builder.push_text(text, line.page);
            open = Some(kind);
            if kind == BlockKind::TableRow {
                builder.finish();
                open = None;
            }
        }
    }
    if open.is_some() {
        builder.finish();
    }
    builder
}

/// Whether the paragraph before `next` ends at `prev`.
fn gap_between(prev: &Line, next: &Line, page: &Page) -> bool {
    let ends_sentence = prev.text.ends_with(['.', ':', ';', '!', '?']);
    if prev.page != next.page {
        // A sentence carried over a page break continues its paragraph.
        return ends_sentence || next.text.starts_with(char::is_uppercase) && page.is_short(prev);
    }
    let dy = next.y - prev.y;
    if dy < 0.0 || dy > page.leading * 1.4 || (prev.size - next.size).abs() > 0.6 {
        return true;
    }
    prev.cells || next.cells || (ends_sentence && page.is_short(prev))
}

/// Add a line to the open block: a word hyphenated across the line break is joined again.
fn append_line(builder: &mut BlockBuilder, text: &str, page: usize) {
    let joins_word = builder.ends_with_hyphenated_word() && text.starts_with(char::is_lowercase);
    if joins_word {
        builder.drop_last_char();
    } else {
        builder.separate(" ");
    }
    builder.push_text(text, page);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs for lines of text: (text, x, y, size), one glyph per character, 0.5 em wide.
    fn glyphs(lines: &[(&str, f64, f64, f64)]) -> Vec<Glyph> {
        let mut out = Vec::new();
        for &(text, x, y, size) in lines {
            let mut at = x;
            for c in text.chars() {
                out.push(Glyph {
                    text: c.to_string(),
                    x: at,
                    y,
                    width: size * 0.5,
                    size,
                });
                at += size * 0.5;
            }
        }
        out
    }

    fn read(pages: Vec<Vec<Glyph>>) -> Document {
        document(Path::new("policy.pdf"), Extracted { title: None, pages })
    }

    #[test]
    fn headings_paragraphs_bullets_and_rows_are_recovered() {
        let page1 = glyphs(&[
            ("Social Media Policy", 50.0, 50.0, 18.0),
            ("4. Reporting", 50.0, 90.0, 10.0),
            (
                "Staff must report online abuse to the designated safe-",
                50.0,
                110.0,
                10.0,
            ),
            (
                "guarding lead as soon as they can, and keep a record.",
                50.0,
                122.0,
                10.0,
            ),
            ("Staff must not:", 50.0, 140.0, 10.0),
            ("• reply to abusive messages", 60.0, 152.0, 10.0),
            ("• share passwords", 60.0, 164.0, 10.0),
            ("Role", 50.0, 190.0, 10.0),
            ("Contact", 200.0, 190.0, 10.0),
            (
                "This sentence runs on to the next page and has no",
                50.0,
                220.0,
                10.0,
            ),
            ("3", 300.0, 800.0, 10.0),
        ]);
        let page2 = glyphs(&[("full stop until here.", 50.0, 50.0, 10.0)]);
        let doc = read(vec![page1, page2]);
        assert_eq!(
            doc.outline(),
            vec![
                (BlockKind::Heading(1), "Social Media Policy", 1),
                (BlockKind::Heading(2), "4. Reporting", 1),
                (
                    BlockKind::Paragraph,
                    "Staff must report online abuse to the designated safeguarding lead as soon as they can, and keep a record.",
                    1
                ),
                (BlockKind::Paragraph, "Staff must not:", 1),
                (BlockKind::ListItem, "reply to abusive messages", 1),
                (BlockKind::ListItem, "share passwords", 1),
                (BlockKind::TableRow, "Role | Contact", 1),
                (
                    BlockKind::Paragraph,
                    "This sentence runs on to the next page and has no full stop until here.",
                    1
                ),
            ]
        );
        let last = &doc.blocks[7];
        assert_eq!(last.line_at(last.text.find("full stop").unwrap()), 2);
        assert_eq!(doc.blocks[4].lead_in, Some(3));
        assert_eq!(doc.title, "Social Media Policy");
        assert_eq!(
            doc.blocks[2].heading_path,
            vec!["Social Media Policy", "4. Reporting"]
        );
    }

    #[test]
    fn capitals_and_numbered_clauses_at_body_size_are_headings_but_sentences_are_not() {
        let page = glyphs(&[
            ("REPORTING ABUSE", 50.0, 50.0, 10.0),
            (
                "Text of the first section, which is long enough to fill a line",
                50.0,
                70.0,
                10.0,
            ),
            (
                "and a second line, and a third, so that the usual spacing of",
                50.0,
                82.0,
                10.0,
            ),
            (
                "lines in a paragraph can be measured from the page itself, as",
                50.0,
                94.0,
                10.0,
            ),
            ("it is in a real policy.", 50.0, 106.0, 10.0),
            ("4.2 Keeping Evidence", 50.0, 126.0, 10.0),
            ("4.3 Keep screenshots.", 50.0, 146.0, 10.0),
        ]);
        let doc = read(vec![page]);
        let kinds: Vec<BlockKind> = doc.blocks.iter().map(|b| b.kind).collect();
        assert_eq!(
            kinds,
            vec![
                BlockKind::Heading(1),
                BlockKind::Paragraph,
                BlockKind::Heading(2),
                BlockKind::Paragraph
            ]
        );
    }

    #[test]
    fn running_headers_and_page_numbers_are_dropped() {
        let pages: Vec<Vec<Glyph>> = (1..=4)
            .map(|n| {
                let number = format!("Page {n} of 4");
                glyphs(&[
                    ("Ashdown Vale Trust confidential", 50.0, 20.0, 8.0),
                    (
                        "Body text that differs on every page number.",
                        50.0,
                        60.0 + 40.0 * n as f64,
                        10.0,
                    ),
                    (number.as_str(), 50.0, 800.0, 8.0),
                ])
            })
            .collect();
        let doc = read(pages);
        assert!(doc.blocks.iter().all(|b| !b.text.contains("confidential")));
        assert!(doc.blocks.iter().all(|b| !b.text.contains("of 4")));
        assert_eq!(doc.blocks.len(), 4);
    }
}
