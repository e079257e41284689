//! What .docx and .odt readers share: an XML event stream with namespace prefixes made
//! canonical, a collector that turns paragraphs, tables and notes into paragraphs with roles,
//! and the step from those to a `Document` with paragraph numbers as locations.

use super::markdown::BlockBuilder;
use super::ReadError;
use crate::document::{BlockKind, Document, Format, Metadata};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::path::Path;

/// One XML event, with element and attribute names as `prefix:local` using the conventional
/// prefix for each namespace, whatever prefix the file itself declared.
#[derive(Debug)]
pub enum Xml {
    Open(String, Vec<(String, String)>),
    Close(String),
    Text(String),
}

impl Xml {
    /// The value of an attribute of an opening element.
    pub fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
        attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

const NAMESPACES: [(&str, &str); 12] = [
    (
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "w",
    ),
    ("http://purl.oclc.org/ooxml/wordprocessingml/main", "w"),
    (
        "http://schemas.openxmlformats.org/markup-compatibility/2006",
        "mc",
    ),
    ("http://purl.org/dc/elements/1.1/", "dc"),
    ("urn:oasis:names:tc:opendocument:xmlns:office:1.0", "office"),
    ("urn:oasis:names:tc:opendocument:xmlns:text:1.0", "text"),
    ("urn:oasis:names:tc:opendocument:xmlns:table:1.0", "table"),
    ("urn:oasis:names:tc:opendocument:xmlns:style:1.0", "style"),
    ("urn:oasis:names:tc:opendocument:xmlns:drawing:1.0", "draw"),
    (
        "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
        "svg",
    ),
    ("urn:oasis:names:tc:opendocument:xmlns:meta:1.0", "meta"),
    (
        "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "cp",
    ),
];

fn canonical(ns: &ResolveResult<'_>, local: &[u8]) -> String {
    let local = String::from_utf8_lossy(local);
    match ns {
        ResolveResult::Bound(uri) => {
            let prefix = NAMESPACES
                .iter()
                .find(|(u, _)| u.as_bytes() == uri.as_ref())
                .map_or("?", |(_, p)| p);
            format!("{prefix}:{local}")
        }
        _ => local.into_owned(),
    }
}

/// Reads XML as a stream of `Xml` events; a malformed file is a `Damaged` error.
pub struct XmlStream<'a> {
    reader: NsReader<&'a [u8]>,
    format: &'static str,
    part: &'static str,
}

impl<'a> XmlStream<'a> {
    pub fn new(xml: &'a str, format: &'static str, part: &'static str) -> Self {
        let mut reader = NsReader::from_str(xml);
        reader.config_mut().expand_empty_elements = true;
        XmlStream {
            reader,
            format,
            part,
        }
    }

    fn damaged(&self, e: impl std::fmt::Display) -> ReadError {
        ReadError::Damaged {
            format: self.format,
            detail: format!("{}: {e}", self.part),
        }
    }

    pub fn next(&mut self) -> Result<Option<Xml>, ReadError> {
        loop {
            let (ns, event) =
                self.reader
                    .read_resolved_event()
                    .map_err(|e| ReadError::Damaged {
                        format: self.format,
                        detail: format!("{}: {e}", self.part),
                    })?;
            let xml = match event {
                Event::Start(e) => {
                    let name = canonical(&ns, e.local_name().as_ref());
                    let mut attrs = Vec::new();
                    for a in e.attributes().with_checks(false).flatten() {
                        let (ans, local) = self.reader.resolver().resolve_attribute(a.key);
                        let key = canonical(&ans, local.as_ref());
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::default())
                            .map(|v| v.into_owned())
                            .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
                        attrs.push((key, value));
                    }
                    Xml::Open(name, attrs)
                }
                Event::End(e) => Xml::Close(canonical(&ns, e.local_name().as_ref())),
                Event::Text(t) => {
                    Xml::Text(t.xml10_content().map_err(|e| self.damaged(e))?.into_owned())
                }
                Event::CData(t) => Xml::Text(t.decode().map_err(|e| self.damaged(e))?.into_owned()),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        _ => match r.decode().map_err(|e| self.damaged(e))?.as_ref() {
                            "lt" => Some("<".into()),
                            "gt" => Some(">".into()),
                            "amp" => Some("&".into()),
                            "apos" => Some("'".into()),
                            "quot" => Some("\"".into()),
                            _ => None,
                        },
                    };
                    match resolved {
                        Some(text) => Xml::Text(text),
                        None => continue,
                    }
                }
                Event::Eof => return Ok(None),
                _ => continue,
            };
            return Ok(Some(xml));
        }
    }
}

/// What a paragraph is, as its style and context say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Title,
    Heading(u8),
    ListItem,
    Body,
    TableRow,
    /// Not policy text (a table-of-contents entry).
    Skip,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub role: Role,
    pub text: String,
    /// Texts of the footnotes and endnotes referenced from this paragraph.
    pub notes: Vec<String>,
}

/// Gathers paragraphs in document order. Paragraphs inside table cells become the cells of one
/// `TableRow` per row; paragraphs inside a note are captured as the note's text.
#[derive(Default)]
pub struct Collector {
    pub paras: Vec<Para>,
    /// Open paragraphs (text boxes nest them), innermost last.
    open: Vec<(String, Vec<String>)>,
    /// Open tables: the current row's cells and the notes referenced from it.
    tables: Vec<(Vec<String>, Vec<String>)>,
    /// Open notes being captured.
    captures: Vec<String>,
}

impl Collector {
    pub fn open_para(&mut self) {
        self.open.push((String::new(), Vec::new()));
    }

    pub fn in_para(&self) -> bool {
        !self.open.is_empty()
    }

    pub fn text(&mut self, text: &str) {
        if let Some((buf, _)) = self.open.last_mut() {
            buf.push_str(text);
        }
    }

    /// A note referenced from the current paragraph.
    pub fn note(&mut self, text: String) {
        if let Some((_, notes)) = self.open.last_mut() {
            notes.push(text);
        } else if let Some(last) = self.paras.last_mut() {
            last.notes.push(text);
        }
    }

    pub fn close_para(&mut self, role: Role) {
        let Some((text, notes)) = self.open.pop() else {
            return;
        };
        let text = normalise(&text);
        if let Some(capture) = self.captures.last_mut() {
            join(capture, &text);
        } else if let Some((cells, row_notes)) = self.tables.last_mut() {
            match cells.last_mut() {
                Some(cell) => join(cell, &text),
                None => cells.push(text),
            }
            row_notes.extend(notes);
        } else if let Some((outer, outer_notes)) = self.open.last_mut() {
            // A text box inside a paragraph: its words stay with the paragraph.
            join(outer, &text);
            outer.push(' ');
            outer_notes.extend(notes);
        } else {
            self.paras.push(Para { role, text, notes });
        }
    }

    pub fn open_table(&mut self) {
        self.tables.push((Vec::new(), Vec::new()));
    }

    pub fn close_table(&mut self) {
        self.tables.pop();
    }

    pub fn open_cell(&mut self) {
        if let Some((cells, _)) = self.tables.last_mut() {
            cells.push(String::new());
        }
    }

    pub fn close_row(&mut self) {
        let Some((cells, notes)) = self.tables.last_mut() else {
            return;
        };
        let row = cells
            .drain(..)
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" | ");
        let notes = std::mem::take(notes);
        if let Some(capture) = self.captures.last_mut() {
            join(capture, &row);
        } else if self.tables.len() > 1 {
            // A table inside a cell: its rows are part of the outer cell's text.
            let depth = self.tables.len() - 2;
            let (cells, outer_notes) = &mut self.tables[depth];
            match cells.last_mut() {
                Some(cell) => join(cell, &row),
                None => cells.push(row),
            }
            outer_notes.extend(notes);
        } else {
            self.paras.push(Para {
                role: Role::TableRow,
                text: row,
                notes,
            });
        }
    }

    pub fn begin_note(&mut self) {
        self.captures.push(String::new());
    }

    pub fn end_note(&mut self) -> String {
        self.captures.pop().unwrap_or_default()
    }
}

fn join(buf: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    if !buf.is_empty() {
        buf.push(' ');
    }
    buf.push_str(text);
}

/// Whitespace runs (tabs, breaks, no-break spaces) become one space; soft hyphens go.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|&c| c != '\u{ad}'));
    }
    out
}

/// Paragraphs → a document. Each non-empty paragraph (a table row counts as one) is numbered
/// from 1 in body order, and that number is its location. Notes follow the body under a
/// "Footnotes" heading, each located at the paragraph that refers to it.
pub fn assemble(
    path: &Path,
    format: Format,
    meta_title: Option<String>,
    paras: &[Para],
) -> Document {
    // A Title paragraph is the document's one top heading, as `# Title` is in Markdown, so
    // "Heading 1" sections sit under it.
    let first_title = paras.iter().position(|p| p.role == Role::Title);
    let first_heading = paras
        .iter()
        .position(|p| matches!(p.role, Role::Heading(_)));
    let shift = match (first_title, first_heading) {
        (Some(t), Some(h)) => t < h,
        (Some(_), None) => true,
        _ => false,
    };
    let mut builder = BlockBuilder::new(Vec::new());
    let mut number = 0;
    let mut notes: Vec<(usize, &str)> = Vec::new();
    for para in paras {
        let kind = match para.role {
            Role::Title => BlockKind::Heading(1),
            Role::Heading(level) if shift => BlockKind::Heading(level.saturating_add(1).min(9)),
            Role::Heading(level) => BlockKind::Heading(level.clamp(1, 9)),
            Role::ListItem => BlockKind::ListItem,
            Role::Body => BlockKind::Paragraph,
            Role::TableRow => BlockKind::TableRow,
            Role::Skip => continue,
        };
        if !para.text.is_empty() {
            number += 1;
            builder.start(kind);
            builder.push_text(&para.text, number);
            builder.finish();
        }
        let at = number.max(1);
        notes.extend(
            para.notes
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| (at, n.as_str())),
        );
    }
    if let Some(&(first, _)) = notes.first() {
        builder.start(BlockKind::Heading(1));
        builder.push_text("Footnotes", first);
        builder.finish();
        for (at, text) in notes {
            builder.start(BlockKind::Paragraph);
            builder.push_text(text, at);
            builder.finish();
        }
    }
    let meta_title = meta_title.map(|t| normalise(&t)).filter(|t| !t.is_empty());
    let title = meta_title.clone().or_else(|| {
        paras
            .iter()
            .find(|p| p.role == Role::Title && !p.text.is_empty())
            .or_else(|| {
                paras
                    .iter()
                    .find(|p| p.role == Role::Heading(1) && !p.text.is_empty())
            })
            .map(|p| p.text.clone())
    });
    let metadata = Metadata {
        title: meta_title,
        ..Metadata::default()
    };
    super::finish_document(path, format, title, metadata, builder.blocks)
}

/// The text of the first `dc:title` in a metadata part (docProps/core.xml, meta.xml).
pub fn dc_title(
    xml: &str,
    format: &'static str,
    part: &'static str,
) -> Result<Option<String>, ReadError> {
    let mut stream = XmlStream::new(xml, format, part);
    let mut inside = false;
    let mut title = String::new();
    while let Some(event) = stream.next()? {
        match event {
            Xml::Open(name, _) if name == "dc:title" => inside = true,
            Xml::Close(name) if name == "dc:title" => break,
            Xml::Text(t) if inside => title.push_str(&t),
            _ => {}
        }
    }
    Ok(Some(normalise(&title)).filter(|t| !t.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(role: Role, text: &str) -> Para {
        Para {
            role,
            text: text.into(),
            notes: Vec::new(),
        }
    }

    #[test]
    fn paragraphs_are_numbered_and_notes_follow_under_footnotes() {
        let mut with_note = para(Role::Body, "Report abuse.");
        with_note.notes.push("See the Act.".into());
        let paras = [
            para(Role::Title, "Policy"),
            para(Role::Heading(1), "1. Reporting"),
            para(Role::Body, ""),
            with_note,
            para(Role::TableRow, "Role | Contact"),
        ];
        let doc = assemble(Path::new("p.docx"), Format::Docx, None, &paras);
        let got = doc.outline();
        assert_eq!(
            got,
            vec![
                (BlockKind::Heading(1), "Policy", 1),
                (BlockKind::Heading(2), "1. Reporting", 2),
                (BlockKind::Paragraph, "Report abuse.", 3),
                (BlockKind::TableRow, "Role | Contact", 4),
                (BlockKind::Heading(1), "Footnotes", 3),
                (BlockKind::Paragraph, "See the Act.", 3),
            ]
        );
        assert_eq!(doc.blocks[5].heading_path, vec!["Footnotes".to_string()]);
        assert_eq!(doc.title, "Policy");
    }

    #[test]
    fn collector_makes_rows_of_cells_and_keeps_nested_tables_in_their_cell() {
        let mut c = Collector::default();
        c.open_table();
        c.open_cell();
        c.open_para();
        c.text("Role");
        c.close_para(Role::Body);
        c.open_cell();
        c.open_table();
        c.open_cell();
        c.open_para();
        c.text("inner");
        c.close_para(Role::Body);
        c.close_row();
        c.close_table();
        c.close_row();
        c.close_table();
        assert_eq!(c.paras, vec![para(Role::TableRow, "Role | inner")]);
    }

    #[test]
    fn whitespace_is_collapsed_and_soft_hyphens_removed() {
        assert_eq!(normalise(" a\t b\u{a0}c\u{ad}d \n"), "a b cd");
    }
}
