//! Format-free documents: what every reader produces and the engine consumes.

use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// The file formats the tool can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Markdown,
    Text,
    Html,
    Docx,
    Odt,
    Pdf,
}

impl Format {
    /// The format for a file extension, or `None` when the tool does not read it.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "md" | "markdown" | "mdown" | "mkd" => Some(Format::Markdown),
            "txt" | "text" => Some(Format::Text),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "docx" => Some(Format::Docx),
            "odt" => Some(Format::Odt),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Pdf => "pdf",
        }
    }

    /// What a block's location number counts in this format: a person finds evidence again
    /// by line in text files, by paragraph in word-processor files and web pages (whose parser
    /// keeps no source positions), by page in PDFs.
    pub fn location_unit(self) -> &'static str {
        match self {
            Format::Markdown | Format::Text => "line",
            Format::Docx | Format::Odt | Format::Html => "paragraph",
            Format::Pdf => "page",
        }
    }
}

/// What a policy document is about, as far as rules' `applies_to` is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocKind {
    AcceptableUse,
    SocialMedia,
    AntiBullying,
    OnlineSafety,
    CodeOfConduct,
    Safeguarding,
    Harassment,
    Other,
}

impl DocKind {
    pub const ALL: [DocKind; 8] = [
        DocKind::AcceptableUse,
        DocKind::SocialMedia,
        DocKind::AntiBullying,
        DocKind::OnlineSafety,
        DocKind::CodeOfConduct,
        DocKind::Safeguarding,
        DocKind::Harassment,
        DocKind::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DocKind::AcceptableUse => "acceptable-use",
            DocKind::SocialMedia => "social-media",
            DocKind::AntiBullying => "anti-bullying",
            DocKind::OnlineSafety => "online-safety",
            DocKind::CodeOfConduct => "code-of-conduct",
            DocKind::Safeguarding => "safeguarding",
            DocKind::Harassment => "harassment",
            DocKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.name() == s.trim())
    }

    /// Guess the kind from a title or file name: the first matching cue wins, most specific first.
    pub fn guess(text: &str) -> DocKind {
        let t = text.to_lowercase().replace(['-', '_'], " ");
        let cues: [(&[&str], DocKind); 7] = [
            (&["social media", "social networking"], DocKind::SocialMedia),
            (
                &["acceptable use", "internet", "email", "e mail", "ict"],
                DocKind::AcceptableUse,
            ),
            (
                &["online safety", "e safety", "esafety"],
                DocKind::OnlineSafety,
            ),
            (&["bullying"], DocKind::AntiBullying),
            (&["harassment", "dignity at work"], DocKind::Harassment),
            (&["conduct", "behaviour"], DocKind::CodeOfConduct),
            (&["safeguarding", "child protection"], DocKind::Safeguarding),
        ];
        cues.iter()
            .find(|(words, _)| words.iter().any(|w| t.contains(w)))
            .map(|(_, kind)| *kind)
            .unwrap_or(DocKind::Other)
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The structural role of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "level")]
pub enum BlockKind {
    Heading(u8),
    Paragraph,
    ListItem,
    /// One table row, cells joined by " | ".
    TableRow,
    /// A front-matter field rendered as "Key: value".
    Metadata,
}

impl BlockKind {
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Heading(_) => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::ListItem => "list-item",
            BlockKind::TableRow => "table-row",
            BlockKind::Metadata => "metadata",
        }
    }
}

/// A run of block text that starts on a given source line. A block spanning several source
/// lines keeps one entry per line so any offset in its text maps back to its line. `line` is
/// the location in the format's unit (`Format::location_unit`): a line, a paragraph number or a
/// page number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineStart {
    pub offset: usize,
    pub line: usize,
}

/// One paragraph-like unit of text.
#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
    /// Heading texts from the outermost down; excludes the block itself.
    pub heading_path: Vec<String>,
    /// Indices (into `Document::blocks`) of the headings in `heading_path`.
    #[serde(skip)]
    pub heading_blocks: Vec<usize>,
    /// For a list item: the block that introduces its list ("Staff must not:"), read together
    /// with the item when matching, so "not" and "bully colleagues online" meet in one sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_in: Option<usize>,
    /// Line starts, sorted by offset; the first has offset 0.
    pub lines: Vec<LineStart>,
}

impl Block {
    /// The 1-based source line of a byte offset in `text`.
    pub fn line_at(&self, offset: usize) -> usize {
        let i = self.lines.partition_point(|l| l.offset <= offset);
        self.lines.get(i.saturating_sub(1)).map_or(1, |l| l.line)
    }

    pub fn first_line(&self) -> usize {
        self.lines.first().map_or(1, |l| l.line)
    }

    /// The innermost heading, as shown beside evidence.
    pub fn section(&self) -> Option<&str> {
        self.heading_path.last().map(String::as_str)
    }
}

/// Fields read from YAML front matter (or the first lines of a text file).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metadata {
    pub title: Option<String>,
    pub kind: Option<String>,
    pub owner: Option<String>,
    pub organisation: Option<String>,
}

/// A parsed policy document.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub path: PathBuf,
    pub format: Format,
    pub title: String,
    pub kind: DocKind,
    pub metadata: Metadata,
    pub blocks: Vec<Block>,
}

impl Document {
    /// Each block as (kind, text, location): what the readers' tests compare.
    pub fn outline(&self) -> Vec<(BlockKind, &str, usize)> {
        self.blocks
            .iter()
            .map(|b| (b.kind, b.text.as_str(), b.first_line()))
            .collect()
    }

    pub fn words(&self) -> usize {
        self.blocks
            .iter()
            .map(|b| b.text.split_whitespace().count())
            .sum()
    }
}
