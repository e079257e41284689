//! HTML → blocks. Reads `main` (or a lone `article`) when the page has one, else `body`, and
//! leaves out what is not policy text: scripts, styles, navigation, site headers and footers,
//! sidebars, forms, cookie banners, menus, breadcrumbs and skip links. The parser keeps no
//! source positions, so a block's location is its paragraph number: headings, paragraphs,
//! list items and table rows counted from 1 in reading order.

use super::markdown::BlockBuilder;
use super::wordproc::normalise;
use crate::document::{BlockKind, Document, Format, Metadata};
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node, Selector};
use std::path::Path;

/// Elements that never hold policy text.
const SKIPPED_TAGS: [&str; 17] = [
    "head", "script", "style", "noscript", "template", "nav", "aside", "form", "button", "select",
    "textarea", "iframe", "svg", "canvas", "object", "menu", "dialog",
];

/// Roles of page furniture (ARIA landmarks and widgets).
const SKIPPED_ROLES: [&str; 7] = [
    "navigation",
    "banner",
    "contentinfo",
    "search",
    "menu",
    "menubar",
    "complementary",
];

/// Whole words in an id or class that mark furniture: menus, navigation, breadcrumbs, skip
/// links ("site-nav", "breadcrumb", "skip-link").
const SKIPPED_WORDS: [&str; 10] = [
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "skip",
    "skiplink",
    "skipnav",
    "sidebar",
];

/// Parts of an id or class that mark a cookie or consent banner wherever they appear in it
/// ("CybotCookiebotDialog", "onetrust-consent-sdk").
const SKIPPED_PARTS: [&str; 4] = ["cookie", "consent", "gdpr", "onetrust"];

/// Elements that end one block and start another. Anything else is inline.
const BLOCK_TAGS: [&str; 39] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Deeper nesting than this is read as plain text, so a hostile page cannot exhaust the stack.
const MAX_DEPTH: usize = 200;

pub fn parse(path: &Path, source: &str) -> Document {
    let html = Html::parse_document(source);
    let (root, in_content) = content_root(&html);
    let mut reader = Reader {
        builder: BlockBuilder::new(Vec::new()),
        number: 0,
        inline: String::new(),
        keep_page_headers: in_content,
    };
    if let Some(root) = root {
        reader.container(root, BlockKind::Paragraph, 0);
        reader.flush(BlockKind::Paragraph);
    }
    let first_h1 = reader
        .builder
        .blocks
        .iter()
        .find(|b| b.kind == BlockKind::Heading(1))
        .map(|b| b.text.clone());
    let page_title = select_first(&html, "title")
        .map(|t| normalise(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    let title = page_title.clone().or(first_h1);
    let metadata = Metadata {
        title: page_title,
        ..Metadata::default()
    };
    super::finish_document(path, Format::Html, title, metadata, reader.builder.blocks)
}

fn select_first<'a>(html: &'a Html, selector: &str) -> Option<ElementRef<'a>> {
    let selector = Selector::parse(selector).ok()?;
    html.select(&selector).next()
}

/// The element holding the page's content, and whether it is a content element (`main`,
/// `article`) rather than the whole body.
fn content_root(html: &Html) -> (Option<ElementRef<'_>>, bool) {
    if let Some(main) = select_first(html, "main").or_else(|| select_first(html, "[role=main]")) {
        return (Some(main), true);
    }
    if let Ok(selector) = Selector::parse("article") {
        let articles: Vec<_> = html.select(&selector).collect();
        if let [article] = articles.as_slice() {
            return (Some(*article), true);
        }
    }
    (
        select_first(html, "body").or(Some(html.root_element())),
        false,
    )
}

struct Reader {
    builder: BlockBuilder,
    number: usize,
    /// Inline text waiting for the end of its block.
    inline: String,
    /// Inside `main`/`article`, `header` and `footer` belong to the content (an article's
    /// title); outside, they are the site's.
    keep_page_headers: bool,
}

impl Reader {
    fn skipped(&self, el: &scraper::node::Element) -> bool {
        let name = el.name();
        if SKIPPED_TAGS.contains(&name) {
            return true;
        }
        if !self.keep_page_headers && (name == "header" || name == "footer") {
            return true;
        }
        if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
            return true;
        }
        if el
            .attr("role")
            .is_some_and(|r| SKIPPED_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
        {
            return true;
        }
        let marks = |value: &str| {
            let lower = value.to_ascii_lowercase();
            SKIPPED_PARTS.iter().any(|p| lower.contains(p))
                || lower
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| SKIPPED_WORDS.contains(&w))
        };
        el.attr("id").is_some_and(marks) || el.attr("class").is_some_and(marks)
    }

    fn emit(&mut self, kind: BlockKind, text: &str) {
        let text = normalise(text);
        if text.is_empty() {
            return;
        }
        self.number += 1;
        self.builder.start(kind);
        self.builder.push_text(&text, self.number);
        self.builder.finish();
    }

    fn flush(&mut self, kind: BlockKind) {
        let text = std::mem::take(&mut self.inline);
        self.emit(kind, &text);
    }

    /// Read an element's children: inline content gathers into one block of `kind`, block
    /// children become blocks of their own.
    fn container(&mut self, el: ElementRef<'_>, kind: BlockKind, depth: usize) {
        for child in el.children() {
            match child.value() {
                Node::Text(text) => self.inline.push_str(text),
                Node::Element(e) => {
                    if self.skipped(e) {
                        continue;
                    }
                    let Some(child) = ElementRef::wrap(child) else {
                        continue;
                    };
                    let name = e.name();
                    if name == "br" {
                        self.inline.push(' ');
                    } else if depth >= MAX_DEPTH {
                        let text = self.text_of(child);
                        self.inline.push(' ');
                        self.inline.push_str(&text);
                    } else if kind == BlockKind::ListItem
                        && matches!(name, "p" | "div" | "span" | "section")
                    {
                        // A list item's own paragraphs are its text.
                        self.inline.push(' ');
                        self.container(child, kind, depth + 1);
                    } else if BLOCK_TAGS.contains(&name) {
                        self.flush(kind);
                        self.block(child, depth + 1);
                    } else {
                        self.container(child, kind, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    fn block(&mut self, el: ElementRef<'_>, depth: usize) {
        let name = el.value().name();
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name.as_bytes()[1] - b'0';
                let text = self.text_of(el);
                self.emit(BlockKind::Heading(level), &text);
            }
            "li" => {
                self.container(el, BlockKind::ListItem, depth);
                self.flush(BlockKind::ListItem);
            }
            "tr" => {
                let cells: Vec<String> = el
                    .child_elements()
                    .filter(|c| matches!(c.value().name(), "td" | "th") && !self.skipped(c.value()))
                    .map(|c| normalise(&self.text_of(c)))
                    .filter(|t| !t.is_empty())
                    .collect();
                self.emit(BlockKind::TableRow, &cells.join(" | "));
            }
            // Rows sit in sections of the table; a cell met alone is read as a paragraph.
            _ => {
                self.container(el, BlockKind::Paragraph, depth);
                self.flush(BlockKind::Paragraph);
            }
        }
    }

    /// All the text under an element, block boundaries as spaces, skipped parts left out.
    /// Iterative, so any depth is safe.
    fn text_of(&self, el: ElementRef<'_>) -> String {
        let mut out = String::new();
        let mut skipping = None;
        for edge in el.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Text(t) => out.push_str(t),
                        Node::Element(e) if node.id() != el.id() && self.skipped(e) => {
                            skipping = Some(node.id());
                        }
                        Node::Element(e) if e.name() == "br" || BLOCK_TAGS.contains(&e.name()) => {
                            out.push(' ');
                        }
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if skipping == Some(node.id()) {
                        skipping = None;
                    } else if skipping.is_none()
                        && node
                            .value()
                            .as_element()
                            .is_some_and(|e| BLOCK_TAGS.contains(&e.name()))
                    {
                        out.push(' ');
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(source: &str) -> Vec<(BlockKind, String, usize)> {
        parse(Path::new("policy.html"), source)
            .blocks
            .into_iter()
            .map(|b| (b.kind, b.text.clone(), b.first_line()))
            .collect()
    }

    #[test]
    fn headings_paragraphs_lists_and_rows_in_order() {
        let got = blocks(
            "<html><head><title>Staff Social Media Policy</title></head><body><main>\
             <h1>Policy</h1><p>Staff <b>must</b> report<br>abuse.</p>\
             <p>Staff must not:</p><ul><li>reply to <p>abuse</p><ul><li>or retaliate</li></ul></li></ul>\
             <table><tr><th>Role</th><th>Contact</th></tr><tr><td>DSL</td><td></td><td>Ms Shah</td></tr></table>\
             <blockquote>Quoted guidance.</blockquote></main></body></html>",
        );
        let want = vec![
            (BlockKind::Heading(1), "Policy", 1),
            (BlockKind::Paragraph, "Staff must report abuse.", 2),
            (BlockKind::Paragraph, "Staff must not:", 3),
            (BlockKind::ListItem, "reply to abuse", 4),
            (BlockKind::ListItem, "or retaliate", 5),
            (BlockKind::TableRow, "Role | Contact", 6),
            (BlockKind::TableRow, "DSL | Ms Shah", 7),
            (BlockKind::Paragraph, "Quoted guidance.", 8),
        ];
        let want: Vec<(BlockKind, String, usize)> = want
            .into_iter()
            .map(|(k, t, n)| (k, t.to_string(), n))
            .collect();
        assert_eq!(got, want);
        let doc = parse(
            Path::new("p.html"),
            "<title>Staff Social Media Policy</title><p>x</p>",
        );
        assert_eq!(doc.title, "Staff Social Media Policy");
        assert_eq!(doc.kind, crate::document::DocKind::SocialMedia);
    }

    #[test]
    fn page_furniture_is_left_out() {
        let got = blocks(
            r##"<body><a class="skip-link" href="#c">Skip to content</a>
            <div id="CybotCookiebotDialog"><p>We use cookies.</p></div>
            <header><p>Site name</p></header><nav><a>Home</a></nav>
            <ol class="breadcrumb"><li>Home</li></ol><div class="main-menu"><p>Menu</p></div>
            <div role="navigation">Links</div><div hidden>Hidden</div>
            <div class="content"><h2>Reporting</h2>Report abuse to the DSL.<script>var x = "report";</script></div>
            <aside>Related</aside><footer>Call 999</footer><form><p>Search</p></form></body>"##,
        );
        let texts: Vec<&str> = got.iter().map(|(_, t, _)| t.as_str()).collect();
        assert_eq!(texts, vec!["Reporting", "Report abuse to the DSL."]);
    }

    #[test]
    fn main_is_preferred_and_its_own_header_kept() {
        let got = blocks(
            "<body><p>Outside.</p><main><header><h1>Policy</h1></header><p>Inside.</p></main></body>",
        );
        let texts: Vec<&str> = got.iter().map(|(_, t, _)| t.as_str()).collect();
        assert_eq!(texts, vec!["Policy", "Inside."]);
        let doc = parse(Path::new("anti-bullying.html"), "<p>No title here.</p>");
        assert_eq!(doc.title, "Anti Bullying");
    }

    #[test]
    fn very_deep_nesting_is_read_without_exhausting_the_stack() {
        let source = format!("{}deep text{}", "<div>".repeat(5000), "</div>".repeat(5000));
        let got = blocks(&source);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, "deep text");
    }
}
