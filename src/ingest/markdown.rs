//! Markdown → blocks, with every piece of text mapped back to its source line.

use super::frontmatter;
use crate::document::{Block, BlockKind, DocKind, Document, Format, LineStart, Metadata};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::path::Path;

pub fn parse(path: &Path, source: &str) -> Document {
    let (metadata, meta_blocks, body_start) = match frontmatter::split(source) {
        Some(fm) => (fm.metadata, fm.blocks, fm.body_start),
        None => (Metadata::default(), Vec::new(), 0),
    };
    let lines = LineIndex::new(source);
    let mut builder = BlockBuilder::new(meta_blocks);
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let parser = Parser::new_ext(&source[body_start..], options).into_offset_iter();
    let mut first_h1: Option<String> = None;
    for (event, range) in parser {
        let line = lines.line_of(body_start + range.start);
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                builder.start(BlockKind::Heading(level as u8))
            }
            Event::End(TagEnd::Heading(level)) => {
                if level as u8 == 1 && first_h1.is_none() {
                    first_h1 = Some(builder.current_text().trim().to_string());
                }
                builder.finish();
            }
            Event::Start(Tag::Item) => builder.start(BlockKind::ListItem),
            Event::End(TagEnd::Item) => builder.finish(),
            Event::Start(Tag::Paragraph) => {
                if builder.kind.is_none() {
                    builder.start(BlockKind::Paragraph);
                } else {
                    builder.separate(" ");
                }
            }
            Event::End(TagEnd::Paragraph) if builder.kind == Some(BlockKind::Paragraph) => {
                builder.finish()
            }
            Event::Start(Tag::CodeBlock(_)) => builder.start(BlockKind::Paragraph),
            Event::End(TagEnd::CodeBlock) => builder.finish(),
            Event::Start(Tag::TableHead | Tag::TableRow) => builder.start(BlockKind::TableRow),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => builder.finish(),
            Event::Start(Tag::TableCell) => builder.separate(" | "),
            Event::Text(text) | Event::Code(text) => builder.push_text(&text, line),
            Event::SoftBreak | Event::HardBreak => builder.separate(" "),
            Event::InlineHtml(html) if html.to_ascii_lowercase().starts_with("<br") => {
                builder.separate(" ")
            }
            _ => {}
        }
    }
    builder.finish();
    let title = metadata
        .title
        .clone()
        .filter(|t| !t.is_empty())
        .or(first_h1);
    super::finish_document(path, Format::Markdown, title, metadata, builder.blocks)
}

/// Kind from front matter, else the title, else the file name.
pub fn kind_of(metadata: &Metadata, title: &str, path: &Path) -> DocKind {
    if let Some(kind) = metadata.kind.as_deref().and_then(DocKind::parse) {
        return kind;
    }
    match DocKind::guess(title) {
        DocKind::Other => DocKind::guess(&path.file_name().unwrap_or_default().to_string_lossy()),
        kind => kind,
    }
}

/// Does this text introduce what follows? "Staff must not:", and colon-less lead-ins that stop
/// mid-sentence: "3. You must not", "Examples include".
fn introduces_a_list(text: &str) -> bool {
    if text.ends_with(':') {
        return true;
    }
    const OPEN_ENDINGS: [&str; 13] = [
        "not",
        "must",
        "should",
        "shall",
        "will",
        "never",
        "to",
        "include",
        "includes",
        "including",
        "following",
        "may",
        "can",
    ];
    let words: Vec<&str> = text.split_whitespace().collect();
    words.len() <= 10
        && words
            .last()
            .is_some_and(|w| OPEN_ENDINGS.contains(&w.to_lowercase().as_str()))
}

/// The leading clause number of a paragraph: "3.1.2" in "3.1.2 Post nothing...".
fn clause_number(text: &str) -> Option<&str> {
    let first = text.split_whitespace().next()?.trim_end_matches(['.', ')']);
    let numbered = first.contains('.')
        && first
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    numbered.then_some(first)
}

/// Is `text` a sub-clause of `lead` ("3.1.1" under "3.1")?
fn is_sub_clause(lead: &str, text: &str) -> bool {
    let (Some(parent), Some(child)) = (clause_number(lead), clause_number(text)) else {
        return false;
    };
    child.len() > parent.len() + 1
        && child.starts_with(parent)
        && child[parent.len()..].starts_with('.')
}

/// Byte offset → 1-based line number.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// Accumulates text into blocks and tracks the heading path.
pub struct BlockBuilder {
    pub blocks: Vec<Block>,
    kind: Option<BlockKind>,
    text: String,
    lines: Vec<LineStart>,
    /// Open headings: (level, block index).
    headings: Vec<(u8, usize)>,
    /// Enclosing list items whose text was flushed when a nested list began.
    depth: usize,
    /// The latest block ending in ':' that list items may continue, with its level
    /// (0 for a paragraph, n + 1 for a list item at depth n).
    lead: Option<(usize, usize)>,
}

impl BlockBuilder {
    pub fn new(blocks: Vec<Block>) -> Self {
        BlockBuilder {
            blocks,
            kind: None,
            text: String::new(),
            lines: Vec::new(),
            headings: Vec::new(),
            depth: 0,
            lead: None,
        }
    }

    fn current_text(&self) -> &str {
        &self.text
    }

    pub fn is_open(&self) -> bool {
        self.kind.is_some()
    }

    /// Begin a block; text gathered so far (a list item's lead-in before a nested list) is kept
    /// as its own block.
    pub fn start(&mut self, kind: BlockKind) {
        let nested = self.kind.is_some();
        self.flush();
        if nested {
            self.depth += 1;
        }
        self.kind = Some(kind);
    }

    pub fn separate(&mut self, sep: &str) {
        if !self.text.is_empty() && !self.text.ends_with(' ') {
            self.text.push_str(sep);
        } else if sep.trim().is_empty() {
            // nothing: avoid double spaces
        } else if !self.text.is_empty() {
            self.text.push_str(sep.trim_start());
        }
    }

    /// Whether the open block ends in a word broken by a hyphen ("safe-"), as a line of a
    /// justified PDF may.
    pub fn ends_with_hyphenated_word(&self) -> bool {
        let mut rev = self.text.chars().rev();
        rev.next() == Some('-') && rev.next().is_some_and(char::is_alphabetic)
    }

    /// Remove the open block's last character (a line-end hyphen).
    pub fn drop_last_char(&mut self) {
        self.text.pop();
    }

    /// Append text that starts at `line`. Text containing newlines (code blocks) maps each
    /// line separately.
    pub fn push_text(&mut self, text: &str, line: usize) {
        for (i, piece) in text.split('\n').enumerate() {
            if i > 0 {
                self.separate(" ");
            }
            if piece.is_empty() {
                continue;
            }
            let this_line = line + i;
            if self.lines.last().map(|l| l.line) != Some(this_line) {
                self.lines.push(LineStart {
                    offset: self.text.len(),
                    line: this_line,
                });
            }
            self.text.push_str(piece);
        }
    }

    /// Close the current block.
    pub fn finish(&mut self) {
        self.flush();
        if self.depth > 0 {
            self.depth -= 1;
            // Back in the enclosing item: further text continues it as a new block.
            self.kind = Some(BlockKind::ListItem);
        } else {
            self.kind = None;
        }
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.text);
        let lines = std::mem::take(&mut self.lines);
        let Some(kind) = self.kind else { return };
        let trimmed = text.trim_end();
        if trimmed.trim_start().is_empty() {
            return;
        }
        let lead = trimmed.len() - trimmed.trim_start().len();
        let lines = lines
            .into_iter()
            .map(|l| LineStart {
                offset: l.offset.saturating_sub(lead),
                line: l.line,
            })
            .collect();
        if let BlockKind::Heading(level) = kind {
            while self.headings.last().is_some_and(|&(l, _)| l >= level) {
                self.headings.pop();
            }
        }
        let index = self.blocks.len();
        let text = trimmed.trim_start().to_string();
        // A numbered sub-clause ("3.1.1 post ...") continues the clause that introduces it
        // ("3.1 Staff shall not:") just as a list item continues its lead-in.
        let sub_clause_of_lead = kind == BlockKind::Paragraph
            && self
                .lead
                .is_some_and(|(i, _)| is_sub_clause(&self.blocks[i].text, &text));
        let lead_in = match kind {
            BlockKind::ListItem => self
                .lead
                .filter(|&(_, level)| level <= self.depth)
                .map(|(i, _)| i),
            BlockKind::Paragraph if sub_clause_of_lead => self.lead.map(|(i, _)| i),
            _ => None,
        };
        let introduces = introduces_a_list(&text);
        match kind {
            BlockKind::ListItem if introduces => self.lead = Some((index, self.depth + 1)),
            BlockKind::Paragraph if introduces => self.lead = Some((index, 0)),
            BlockKind::Paragraph if sub_clause_of_lead => {}
            BlockKind::ListItem | BlockKind::TableRow | BlockKind::Metadata => {}
            BlockKind::Paragraph | BlockKind::Heading(_) => self.lead = None,
        }
        let heading_blocks: Vec<usize> = self.headings.iter().map(|&(_, i)| i).collect();
        let heading_path = heading_blocks
            .iter()
            .map(|&i| self.blocks[i].text.clone())
            .collect();
        self.blocks.push(Block {
            kind,
            text,
            heading_path,
            heading_blocks,
            lead_in,
            lines,
        });
        if let BlockKind::Heading(level) = kind {
            self.headings.push((level, self.blocks.len() - 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(source: &str) -> Document {
        parse(Path::new("policy.md"), source)
    }

    #[test]
    fn blocks_keep_their_lines_and_heading_path() {
        let d = doc("# Policy\n\n## 5. Reporting\n\nStaff must report\nabuse **promptly**.\n\n- to the DSL\n- or the Head\n");
        let texts: Vec<(&str, usize, Vec<String>)> = d
            .blocks
            .iter()
            .map(|b| (b.text.as_str(), b.first_line(), b.heading_path.clone()))
            .collect();
        assert_eq!(texts[0], ("Policy", 1, vec![]));
        assert_eq!(texts[1], ("5. Reporting", 3, vec!["Policy".to_string()]));
        assert_eq!(texts[2].0, "Staff must report abuse promptly.");
        assert_eq!(
            texts[2].2,
            vec!["Policy".to_string(), "5. Reporting".to_string()]
        );
        let para = &d.blocks[2];
        assert_eq!(para.line_at(0), 5);
        assert_eq!(para.line_at(para.text.find("abuse").unwrap()), 6);
        assert_eq!(d.blocks[3].text, "to the DSL");
        assert_eq!(d.blocks[4].first_line(), 9);
    }

    #[test]
    fn front_matter_gives_title_kind_and_located_fields() {
        let d = doc("---\ntitle: Staff Social Media Policy\nkind: social-media\nowner: Head of HR\n---\n# Ignored title\n\nText.\n");
        assert_eq!(d.title, "Staff Social Media Policy");
        assert_eq!(d.kind, DocKind::SocialMedia);
        assert_eq!(d.metadata.owner.as_deref(), Some("Head of HR"));
        let owner = d
            .blocks
            .iter()
            .find(|b| b.kind == BlockKind::Metadata)
            .unwrap();
        assert_eq!(owner.text, "owner: Head of HR");
        assert_eq!(owner.first_line(), 4);
        let text = d.blocks.iter().find(|b| b.text == "Text.").unwrap();
        assert_eq!(text.first_line(), 8);
    }

    #[test]
    fn tables_become_rows_and_nested_lists_keep_their_lead_in() {
        let d = doc("| Role | Contact |\n|---|---|\n| DSL | Ms Shah |\n\n1. Staff must:\n   - keep evidence\n   - report it\n");
        let texts: Vec<&str> = d.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Role | Contact",
                "DSL | Ms Shah",
                "Staff must:",
                "keep evidence",
                "report it"
            ]
        );
        assert_eq!(d.blocks[1].first_line(), 3);
    }

    #[test]
    fn colon_less_lead_ins_and_numbered_sub_clauses_are_continued() {
        let d = doc("Under this policy you must not\n\n- befriend pupils online\n\n3.1 Staff shall not:\n\n3.1.1 post about pupils.\n\n3.2 Other text.\n");
        let lead_of = |t: &str| {
            let b = d.blocks.iter().find(|b| b.text == t).unwrap();
            b.lead_in.map(|i| d.blocks[i].text.as_str())
        };
        assert_eq!(
            lead_of("befriend pupils online"),
            Some("Under this policy you must not")
        );
        assert_eq!(
            lead_of("3.1.1 post about pupils."),
            Some("3.1 Staff shall not:")
        );
        assert_eq!(lead_of("3.2 Other text."), None);
    }

    #[test]
    fn kind_falls_back_to_title_then_file_name() {
        assert_eq!(
            doc("# Anti-Bullying Policy\n\nText.").kind,
            DocKind::AntiBullying
        );
        let d = parse(Path::new("acceptable-use.md"), "# Our Rules\n\nText.");
        assert_eq!(d.kind, DocKind::AcceptableUse);
    }
}
