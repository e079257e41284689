//! OpenDocument text (.odt) → blocks. Reads content.xml with the paragraph styles of both
//! content.xml and styles.xml. Headers and footers live in styles.xml's master pages and are
//! never read as text. Tracked changes read as accepted: the deleted text kept in
//! `text:tracked-changes` is dropped; inserted text sits in the body and is read.

use super::package::Package;
use super::wordproc::{assemble, dc_title, Collector, Role, Xml, XmlStream};
use super::ReadError;
use crate::document::{Document, Format};
use std::collections::HashMap;
use std::path::Path;

const FORMAT: &str = "OpenDocument";

pub fn parse(path: &Path, bytes: &[u8]) -> Result<Document, ReadError> {
    let mut pkg = Package::open(bytes, FORMAT)?;
    let content = pkg.required("content.xml")?;
    let mut styles = Styles::default();
    if let Some(xml) = pkg.part("styles.xml")? {
        styles.read(&xml, "styles.xml")?;
    }
    styles.read(&content, "content.xml")?;
    let title = match pkg.part("meta.xml")? {
        Some(xml) => dc_title(&xml, FORMAT, "meta.xml")?,
        None => None,
    };
    let paras = read_body(&content, &styles)?;
    Ok(assemble(path, Format::Odt, title, &paras))
}

#[derive(Debug, Default)]
struct Style {
    display: String,
    parent: Option<String>,
    outline: Option<u8>,
}

#[derive(Debug, Default)]
struct Styles {
    by_name: HashMap<String, Style>,
}

impl Styles {
    fn read(&mut self, xml: &str, part: &'static str) -> Result<(), ReadError> {
        let mut stream = XmlStream::new(xml, FORMAT, part);
        while let Some(event) = stream.next()? {
            let Xml::Open(name, attrs) = event else {
                continue;
            };
            if name != "style:style" {
                continue;
            }
            if Xml::attr(&attrs, "style:family").is_some_and(|f| f != "paragraph") {
                continue;
            }
            let Some(style_name) = Xml::attr(&attrs, "style:name") else {
                continue;
            };
            let display = Xml::attr(&attrs, "style:display-name")
                .map(str::to_string)
                .unwrap_or_else(|| style_name.replace("_20_", " "));
            self.by_name.insert(
                style_name.to_string(),
                Style {
                    display,
                    parent: Xml::attr(&attrs, "style:parent-style-name").map(str::to_string),
                    outline: Xml::attr(&attrs, "style:default-outline-level")
                        .and_then(|v| v.parse().ok()),
                },
            );
        }
        Ok(())
    }

    /// A paragraph's role from its style chain (bounded, so a parent loop ends).
    fn role(&self, style: Option<&str>) -> Option<Role> {
        let mut next = style;
        for _ in 0..16 {
            let style = self.by_name.get(next?)?;
            let display = style.display.trim().to_ascii_lowercase();
            if display == "title" {
                return Some(Role::Title);
            }
            if let Some(level) = display
                .strip_prefix("heading ")
                .and_then(|n| n.parse::<u8>().ok())
                .filter(|n| (1..=10).contains(n))
            {
                return Some(Role::Heading(level));
            }
            if display.starts_with("contents ") {
                return Some(Role::Skip);
            }
            if let Some(level) = style.outline.filter(|l| (1..=10).contains(l)) {
                return Some(Role::Heading(level));
            }
            next = style.parent.as_deref();
        }
        None
    }
}

/// Elements whose content is not policy text: deleted text kept for change tracking, note
/// marks, comments, generated indexes (their entries repeat headings) and drawing captions.
const SKIPPED: [&str; 11] = [
    "text:tracked-changes",
    "text:note-citation",
    "office:annotation",
    "text:table-of-content",
    "text:alphabetical-index",
    "text:illustration-index",
    "text:table-index",
    "text:bibliography",
    "text:sequence-decls",
    "svg:desc",
    "svg:title",
];

fn read_body(xml: &str, styles: &Styles) -> Result<Vec<super::wordproc::Para>, ReadError> {
    let mut stream = XmlStream::new(xml, FORMAT, "content.xml");
    let mut c = Collector::default();
    // For each open paragraph: its role from element and style.
    let mut roles: Vec<Role> = Vec::new();
    let mut skip = 0usize;
    let mut in_body = false;
    let mut list_depth = 0usize;
    while let Some(event) = stream.next()? {
        match event {
            Xml::Open(..) if skip > 0 => skip += 1,
            Xml::Close(_) if skip > 0 => skip -= 1,
            Xml::Text(_) if skip > 0 => {}
            Xml::Open(name, _) if name == "office:text" => in_body = true,
            Xml::Close(name) if name == "office:text" => in_body = false,
            _ if !in_body => {}
            Xml::Open(name, attrs) => match name.as_str() {
                n if SKIPPED.contains(&n) => skip = 1,
                "text:h" => {
                    let level = Xml::attr(&attrs, "text:outline-level")
                        .and_then(|v| v.parse::<u8>().ok())
                        .unwrap_or(1);
                    c.open_para();
                    roles.push(Role::Heading(level.clamp(1, 10)));
                }
                "text:p" => {
                    let styled = styles.role(Xml::attr(&attrs, "text:style-name"));
                    let role = match styled {
                        Some(role) => role,
                        None if list_depth > 0 => Role::ListItem,
                        None => Role::Body,
                    };
                    c.open_para();
                    roles.push(role);
                }
                "text:list" => list_depth += 1,
                "text:s" => c.text(" "),
                "text:tab" | "text:line-break" => c.text(" "),
                "table:table" => c.open_table(),
                "table:table-cell" => c.open_cell(),
                "text:note-body" => c.begin_note(),
                _ => {}
            },
            Xml::Close(name) => match name.as_str() {
                "text:h" | "text:p" => {
                    let role = roles.pop().unwrap_or(Role::Body);
                    c.close_para(role);
                }
                "text:list" => list_depth = list_depth.saturating_sub(1),
                "table:table-row" => c.close_row(),
                "table:table" => c.close_table(),
                "text:note-body" => {
                    let text = c.end_note();
                    c.note(text);
                }
                _ => {}
            },
            Xml::Text(text) => {
                if c.in_para() {
                    c.text(&text);
                }
            }
        }
    }
    Ok(c.paras)
}

#[cfg(test)]
mod tests {
    use super::super::package::tests::zip_of;
    use super::*;
    use crate::document::BlockKind;

    const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0""#;

    fn odt(body: &str, auto_styles: &str) -> Document {
        let content = format!(
            r#"<office:document-content {NS}><office:automatic-styles>{auto_styles}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
        );
        let bytes = zip_of(&[
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", &content),
        ]);
        parse(Path::new("online-safety.odt"), &bytes).unwrap()
    }

    #[test]
    fn headings_lists_and_styles_with_an_outline_level() {
        let styles = r#"<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Clause"/>
            <style:style style:name="Clause" style:family="paragraph" style:default-outline-level="2"/>"#;
        let body = r#"<text:h text:outline-level="1">Policy</text:h>
            <text:p text:style-name="P1">2.1 Evidence</text:p>
            <text:p>Keep:</text:p>
            <text:list><text:list-item><text:p>screenshots</text:p>
              <text:list><text:list-item><text:p>with dates</text:p></text:list-item></text:list>
            </text:list-item></text:list>
            <text:p>After<text:s text:c="4"/>the<text:tab/>list.</text:p>"#;
        let doc = odt(body, styles);
        let got = doc.outline();
        assert_eq!(
            got,
            vec![
                (BlockKind::Heading(1), "Policy", 1),
                (BlockKind::Heading(2), "2.1 Evidence", 2),
                (BlockKind::Paragraph, "Keep:", 3),
                (BlockKind::ListItem, "screenshots", 4),
                (BlockKind::ListItem, "with dates", 5),
                (BlockKind::Paragraph, "After the list.", 6),
            ]
        );
        assert_eq!(doc.blocks[3].lead_in, Some(2));
        assert_eq!(doc.title, "Policy");
        assert_eq!(doc.kind, crate::document::DocKind::OnlineSafety);
    }

    #[test]
    fn comments_and_indexes_are_not_read() {
        let body = r#"<text:table-of-content><text:index-body><text:p>1. Policy 3</text:p></text:index-body></text:table-of-content>
            <text:p>Text<office:annotation><text:p>A reviewer's comment.</text:p></office:annotation> here.</text:p>"#;
        let doc = odt(body, "");
        let texts: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, vec!["Text here."]);
    }
}
