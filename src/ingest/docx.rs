//! Word (.docx) → blocks. Reads word/document.xml with its styles and notes; headers, footers
//! and comments are not policy text and are never opened. Tracked changes read as accepted:
//! deleted and moved-away text is dropped, inserted text kept.

use super::package::Package;
use super::wordproc::{assemble, dc_title, Collector, Para, Role, Xml, XmlStream};
use super::ReadError;
use crate::document::{Document, Format};
use std::collections::HashMap;
use std::path::Path;

const FORMAT: &str = "Word";

pub fn parse(path: &Path, bytes: &[u8]) -> Result<Document, ReadError> {
    let mut pkg = Package::open(bytes, FORMAT)?;
    let document = pkg.required("word/document.xml")?;
    let styles = match pkg.part("word/styles.xml")? {
        Some(xml) => Styles::parse(&xml)?,
        None => Styles::default(),
    };
    let mut notes = HashMap::new();
    for (part, tag) in [
        ("word/footnotes.xml", "footnote"),
        ("word/endnotes.xml", "endnote"),
    ] {
        if let Some(xml) = pkg.part(part)? {
            let mut stream = XmlStream::new(&xml, FORMAT, "notes");
            let body = read_paragraphs(&mut stream, &styles, &HashMap::new())?;
            for (id, text) in body.notes {
                notes.insert((tag, id), text);
            }
        }
    }
    let title = match pkg.part("docProps/core.xml")? {
        Some(xml) => dc_title(&xml, FORMAT, "docProps/core.xml")?,
        None => None,
    };
    let mut stream = XmlStream::new(&document, FORMAT, "word/document.xml");
    let body = read_paragraphs(&mut stream, &styles, &notes)?;
    Ok(assemble(path, Format::Docx, title, &body.paras))
}

/// A paragraph style, as far as roles are concerned.
#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    based_on: Option<String>,
    /// 0-based outline level; 9 means body text.
    outline: Option<u8>,
    /// Numbering set in the style (`None` when the style says nothing).
    numbered: Option<bool>,
}

#[derive(Debug, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    default_id: Option<String>,
}

impl Styles {
    fn parse(xml: &str) -> Result<Styles, ReadError> {
        let mut styles = Styles::default();
        let mut stream = XmlStream::new(xml, FORMAT, "word/styles.xml");
        // The paragraph style being read: (id, style).
        let mut current: Option<(String, Style)> = None;
        while let Some(event) = stream.next()? {
            match event {
                Xml::Open(name, attrs) if name == "w:style" => {
                    let is_para = Xml::attr(&attrs, "w:type").is_none_or(|t| t == "paragraph");
                    let id = Xml::attr(&attrs, "w:styleId").unwrap_or_default();
                    if is_para && !id.is_empty() {
                        if Xml::attr(&attrs, "w:default").is_some_and(|d| d == "1" || d == "true") {
                            styles.default_id = Some(id.to_string());
                        }
                        current = Some((id.to_string(), Style::default()));
                    }
                }
                Xml::Close(name) if name == "w:style" => {
                    if let Some((id, style)) = current.take() {
                        styles.by_id.insert(id, style);
                    }
                }
                Xml::Open(name, attrs) => {
                    let Some((_, style)) = current.as_mut() else {
                        continue;
                    };
                    let val = Xml::attr(&attrs, "w:val");
                    match name.as_str() {
                        "w:name" => style.name = val.unwrap_or_default().to_string(),
                        "w:basedOn" => style.based_on = val.map(str::to_string),
                        "w:outlineLvl" => style.outline = val.and_then(|v| v.parse().ok()),
                        "w:numId" => style.numbered = Some(val.is_some_and(|v| v != "0")),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        Ok(styles)
    }

    /// The styles a paragraph style inherits from, itself first; bounded so a `basedOn` loop
    /// ends.
    fn chain<'a>(&'a self, id: Option<&'a str>) -> impl Iterator<Item = &'a Style> + 'a {
        let mut next = id.or(self.default_id.as_deref());
        std::iter::from_fn(move || {
            let style = self.by_id.get(next?)?;
            next = style.based_on.as_deref();
            Some(style)
        })
        .take(16)
    }

    /// A paragraph's role from its own properties and its style chain: a named heading or
    /// title style, else an outline level, else numbering makes a list item.
    fn role(&self, props: &ParaProps) -> Role {
        if let Some(level) = props.outline.filter(|&l| l < 9) {
            return Role::Heading(level + 1);
        }
        for style in self.chain(props.style.as_deref()) {
            if let Some(role) = role_from_name(&style.name) {
                return role;
            }
            match style.outline {
                Some(level) if level < 9 => return Role::Heading(level + 1),
                Some(_) => break,
                None => {}
            }
        }
        let numbered = props
            .numbered
            .or_else(|| self.chain(props.style.as_deref()).find_map(|s| s.numbered));
        if numbered == Some(true) {
            Role::ListItem
        } else {
            Role::Body
        }
    }
}

/// Roles that Word's built-in style names carry ("heading 2", "Title", "toc 1").
fn role_from_name(name: &str) -> Option<Role> {
    let name = name.trim().to_ascii_lowercase();
    if name == "title" {
        return Some(Role::Title);
    }
    if let Some(n) = name.strip_prefix("heading ") {
        return n
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=9).contains(n))
            .map(Role::Heading);
    }
    if name.starts_with("toc ") || name == "toc heading" {
        return Some(Role::Skip);
    }
    None
}

#[derive(Debug, Default)]
struct ParaProps {
    style: Option<String>,
    outline: Option<u8>,
    numbered: Option<bool>,
}

struct Body {
    paras: Vec<Para>,
    /// Note id → text, when reading footnotes.xml or endnotes.xml.
    notes: Vec<(String, String)>,
}

/// Elements whose content is never read: deleted and moved-away text, field instructions
/// (`HYPERLINK "…"`), the fallback copy of a drawing (its text is also in the preferred copy),
/// and section properties.
const SKIPPED: [&str; 7] = [
    "w:del",
    "w:moveFrom",
    "w:instrText",
    "w:delInstrText",
    "w:delText",
    "mc:Fallback",
    "w:sectPr",
];

fn read_paragraphs(
    stream: &mut XmlStream<'_>,
    styles: &Styles,
    notes: &HashMap<(&str, String), String>,
) -> Result<Body, ReadError> {
    let mut c = Collector::default();
    let mut props: Vec<ParaProps> = Vec::new();
    let mut skip = 0usize;
    let mut in_ppr = false;
    let mut in_t = false;
    let mut note_texts = Vec::new();
    let mut note_id: Option<String> = None;
    while let Some(event) = stream.next()? {
        match event {
            Xml::Open(..) if skip > 0 => skip += 1,
            Xml::Close(_) if skip > 0 => skip -= 1,
            Xml::Text(_) if skip > 0 => {}
            Xml::Open(name, attrs) => {
                let val = Xml::attr(&attrs, "w:val");
                match name.as_str() {
                    n if SKIPPED.contains(&n) => skip = 1,
                    "w:p" => {
                        c.open_para();
                        props.push(ParaProps::default());
                    }
                    "w:pPr" => in_ppr = true,
                    "w:pStyle" if in_ppr => {
                        if let Some(p) = props.last_mut() {
                            p.style = val.map(str::to_string);
                        }
                    }
                    "w:outlineLvl" if in_ppr => {
                        if let Some(p) = props.last_mut() {
                            p.outline = val.and_then(|v| v.parse().ok());
                        }
                    }
                    "w:numId" if in_ppr => {
                        if let Some(p) = props.last_mut() {
                            p.numbered = Some(val.is_some_and(|v| v != "0"));
                        }
                    }
                    _ if in_ppr => {}
                    "w:t" => in_t = true,
                    "w:tab" | "w:br" | "w:cr" | "w:ptab" => c.text(" "),
                    "w:noBreakHyphen" => c.text("-"),
                    "w:tbl" => c.open_table(),
                    "w:tc" => c.open_cell(),
                    "w:footnoteReference" | "w:endnoteReference" => {
                        let tag = if name == "w:footnoteReference" {
                            "footnote"
                        } else {
                            "endnote"
                        };
                        let id = Xml::attr(&attrs, "w:id").unwrap_or_default().to_string();
                        if let Some(text) = notes.get(&(tag, id)) {
                            c.note(text.clone());
                        }
                    }
                    "w:footnote" | "w:endnote" => {
                        // Separators are layout, not notes.
                        let separator = Xml::attr(&attrs, "w:type").is_some_and(|t| t != "normal");
                        if separator {
                            skip = 1;
                        } else {
                            note_id = Xml::attr(&attrs, "w:id").map(str::to_string);
                            c.begin_note();
                        }
                    }
                    _ => {}
                }
            }
            Xml::Close(name) => match name.as_str() {
                "w:pPr" => in_ppr = false,
                "w:t" => in_t = false,
                "w:p" => {
                    let p = props.pop().unwrap_or_default();
                    c.close_para(styles.role(&p));
                }
                "w:tr" => c.close_row(),
                "w:tbl" => c.close_table(),
                "w:footnote" | "w:endnote" => {
                    let text = c.end_note();
                    if let Some(id) = note_id.take() {
                        note_texts.push((id, text));
                    }
                }
                _ => {}
            },
            Xml::Text(text) if in_t && !in_ppr => c.text(&text),
            Xml::Text(_) => {}
        }
    }
    Ok(Body {
        paras: c.paras,
        notes: note_texts,
    })
}

#[cfg(test)]
mod tests {
    use super::super::package::tests::zip_of;
    use super::*;
    use crate::document::BlockKind;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn docx(body: &str, styles: &str) -> Document {
        let document = format!(r#"<w:document {W}><w:body>{body}</w:body></w:document>"#);
        let styles = format!(r#"<w:styles {W}>{styles}</w:styles>"#);
        let bytes = zip_of(&[
            ("word/document.xml", &document),
            ("word/styles.xml", &styles),
        ]);
        parse(Path::new("staff-policy.docx"), &bytes).unwrap()
    }

    #[test]
    fn custom_styles_with_an_outline_level_are_headings_through_based_on() {
        let styles = r#"
            <w:style w:type="paragraph" w:styleId="A"><w:name w:val="Clause Base"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
            <w:style w:type="paragraph" w:styleId="B"><w:name w:val="Clause"/><w:basedOn w:val="A"/></w:style>
            <w:style w:type="paragraph" w:styleId="H"><w:name w:val="Heading 1"/></w:style>
            <w:style w:type="paragraph" w:styleId="L1"><w:name w:val="Loop"/><w:basedOn w:val="L2"/></w:style>
            <w:style w:type="paragraph" w:styleId="L2"><w:name w:val="Loop 2"/><w:basedOn w:val="L1"/></w:style>"#;
        let body = r#"
            <w:p><w:pPr><w:pStyle w:val="H"/></w:pPr><w:r><w:t>Policy</w:t></w:r></w:p>
            <w:p><w:pPr><w:pStyle w:val="B"/></w:pPr><w:r><w:t>4.1 Evidence</w:t></w:r></w:p>
            <w:p><w:pPr><w:pStyle w:val="L1"/></w:pPr><w:r><w:t>Looping style.</w:t></w:r></w:p>"#;
        let doc = docx(body, styles);
        assert_eq!(
            doc.outline(),
            vec![
                (BlockKind::Heading(1), "Policy", 1),
                (BlockKind::Heading(3), "4.1 Evidence", 2),
                (BlockKind::Paragraph, "Looping style.", 3),
            ]
        );
        assert_eq!(doc.blocks[2].heading_path, vec!["Policy", "4.1 Evidence"]);
        assert_eq!(doc.title, "Policy");
    }

    #[test]
    fn deleted_text_field_codes_and_tab_stops_are_not_read() {
        let body = r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>
            <w:r><w:t>Report</w:t></w:r><w:del><w:r><w:delText> late</w:delText></w:r></w:del>
            <w:ins><w:r><w:t> promptly</w:t></w:r></w:ins><w:r><w:tab/><w:t>to</w:t><w:br/></w:r>
            <w:r><w:instrText> HYPERLINK "x" </w:instrText></w:r><w:r><w:t>HR&amp;Co.</w:t></w:r></w:p>"#;
        let doc = docx(body, "");
        assert_eq!(doc.blocks[0].text, "Report promptly to HR&Co.");
    }

    #[test]
    fn numbered_paragraphs_are_list_items_with_their_lead_in() {
        let body = r#"<w:p><w:r><w:t>Staff must not:</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>reply</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>Not a list.</w:t></w:r></w:p>"#;
        let doc = docx(body, "");
        assert_eq!(doc.blocks[1].kind, BlockKind::ListItem);
        assert_eq!(doc.blocks[1].lead_in, Some(0));
        assert_eq!(doc.blocks[2].kind, BlockKind::Paragraph);
    }

    #[test]
    fn a_word_file_without_its_document_part_is_damaged() {
        let bytes = zip_of(&[("word/styles.xml", "<x/>")]);
        let err = parse(Path::new("x.docx"), &bytes).unwrap_err();
        assert!(err.to_string().contains("no word/document.xml"), "{err}");
        let bytes = zip_of(&[("word/document.xml", "<w:document><w:body><w:p></w:body>")]);
        assert!(matches!(
            parse(Path::new("x.docx"), &bytes),
            Err(ReadError::Damaged { .. })
        ));
    }
}
