//! Every format the tool reads: the same policy as .md, .docx, .odt, .html and .pdf (made from
//! tests/fixtures/formats/source.md by scripts/make-format-fixtures.sh) reads to the same
//! structure and the same findings; hand-made files check tracked changes, notes and page
//! furniture; bad files are reported without stopping the run.

use policy_audit::document::{BlockKind, Document, Format};
use policy_audit::ingest;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
mod common;
use common::bin;

const AS_OF: &str = "2026-11-21";
const FORMATS: [&str; 5] = ["md", "docx", "odt", "html", "pdf"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name)
}

fn read(name: &str) -> Document {
    let path = fixture(name);
    let format = Format::from_extension(&path.extension().unwrap().to_string_lossy()).unwrap();
    ingest::read(&path, format, ingest::DEFAULT_MAX_BYTES).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Audit one folder; returns (exit code, stderr, report.json).
fn audit(dir: &Path) -> (i32, String, Value) {
    let out = tempfile::tempdir().unwrap();
    let output = bin()
        .arg("audit")
        .arg(dir)
        .args(["--out", out.path().to_str().unwrap()])
        .args(["--as-of", AS_OF, "--fail-on", "never", "--format", "json"])
        .output()
        .unwrap();
    let report = std::fs::read_to_string(out.path().join("report.json")).unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        serde_json::from_str(&report).unwrap(),
    )
}

/// A folder holding copies of the given fixtures.
fn folder_of(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        let file = Path::new(name).file_name().unwrap();
        std::fs::copy(fixture(name), dir.path().join(file)).unwrap();
    }
    dir
}

fn headings(doc: &Document) -> Vec<(u8, String)> {
    doc.blocks
        .iter()
        .filter_map(|b| match b.kind {
            BlockKind::Heading(level) => Some((level, b.text.clone())),
            _ => None,
        })
        .collect()
}

fn texts_of(doc: &Document, kind: BlockKind) -> Vec<String> {
    doc.blocks
        .iter()
        .filter(|b| b.kind == kind)
        .map(|b| b.text.replace('’', "'"))
        .collect()
}

#[test]
fn every_format_reads_the_same_headings_lists_and_table_rows() {
    let md = read("source.md");
    assert_eq!(md.title, "Staff Social Media and Cyberbullying Policy");
    assert_eq!(headings(&md).len(), 10);
    for ext in &FORMATS[1..] {
        let doc = read(&format!("source.{ext}"));
        assert_eq!(doc.title, md.title, "{ext}: title");
        assert_eq!(doc.kind, md.kind, "{ext}: kind");
        assert_eq!(headings(&doc), headings(&md), "{ext}: headings");
        let items = texts_of(&doc, BlockKind::ListItem);
        assert_eq!(
            items,
            texts_of(&md, BlockKind::ListItem),
            "{ext}: list items"
        );
        let rows = texts_of(&doc, BlockKind::TableRow);
        assert_eq!(
            rows,
            vec![
                "Organisation | How it can help",
                "Professionals Online Safety Helpline | advice on removing harmful content",
                "Your trade union | representation and advice",
                "Victim Support | emotional support after a crime",
            ],
            "{ext}: table rows"
        );
        // The bullet list keeps its lead-in, so "Examples include:" is read with each item.
        let first_item = doc
            .blocks
            .iter()
            .find(|b| b.kind == BlockKind::ListItem)
            .unwrap();
        let lead = &doc.blocks[first_item.lead_in.expect("lead-in")];
        assert!(
            lead.text.ends_with("Examples include:"),
            "{ext}: {}",
            lead.text
        );
        assert_eq!(
            first_item.heading_path,
            vec![md.title.clone(), "2. What we mean by cyberbullying".into()],
            "{ext}: heading path"
        );
        assert_eq!(
            doc.words().abs_diff(md.words()),
            0,
            "{ext}: every word read once"
        );
    }
}

#[test]
fn locations_are_paragraph_numbers_or_pages() {
    for ext in ["docx", "odt", "html"] {
        let doc = read(&format!("source.{ext}"));
        assert_eq!(doc.format.location_unit(), "paragraph");
        let numbers: Vec<usize> = doc.blocks.iter().map(|b| b.first_line()).collect();
        let expected: Vec<usize> = (1..=numbers.len()).collect();
        assert_eq!(
            numbers, expected,
            "{ext}: one number per paragraph, in order"
        );
    }
    let pdf = read("source.pdf");
    assert_eq!(pdf.format.location_unit(), "page");
    let pages: Vec<usize> = pdf.blocks.iter().map(|b| b.first_line()).collect();
    assert!(pages.windows(2).all(|w| w[0] <= w[1]), "{pages:?}");
    assert_eq!(pages.first(), Some(&1));
    assert!(*pages.last().unwrap() > 1, "a multi-page fixture");
    let stalking = pdf
        .blocks
        .iter()
        .find(|b| b.text.starts_with("7.1 Cyberstalking"))
        .unwrap();
    assert_eq!(stalking.section(), Some("7. Cyberstalking"));
}

#[test]
fn the_same_policy_gets_the_same_findings_in_every_format() {
    let mut statuses: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::new();
    for ext in FORMATS {
        let dir = folder_of(&[&format!("source.{ext}")]);
        let (code, stderr, report) = audit(dir.path());
        assert_eq!(code, 0, "{ext}: {stderr}");
        let org = &report["organisations"][0];
        assert_eq!(org["documents"][0]["error"], Value::Null, "{ext}");
        let unit = match ext {
            "md" => "line ",
            "pdf" => "page ",
            _ => "paragraph ",
        };
        let mut found = BTreeMap::new();
        for f in org["findings"].as_array().unwrap() {
            for e in f["evidence"].as_array().into_iter().flatten() {
                let location = e["location"].as_str().unwrap();
                assert!(location.starts_with(unit), "{ext}: {location}");
            }
            found.insert(
                f["rule"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            );
        }
        assert_eq!(found.len(), 34, "{ext}: every requirement judged");
        statuses.insert(ext, found);
    }
    let md = &statuses["md"];
    for (ext, found) in &statuses {
        let differing: Vec<_> = md
            .iter()
            .filter(|(rule, status)| found.get(*rule) != Some(status))
            .map(|(rule, status)| format!("{rule}: md {status}, {ext} {}", found[rule]))
            .collect();
        assert!(
            differing.len() <= 1,
            "{ext} differs from Markdown on {} requirements:\n{}",
            differing.len(),
            differing.join("\n")
        );
    }
}

#[test]
fn word_and_opendocument_read_accepted_changes_and_notes_but_no_headers() {
    for name in ["features.docx", "features.odt"] {
        let doc = read(name);
        let all: Vec<&str> = doc.blocks.iter().map(|b| b.text.as_str()).collect();
        let text = all.join("\n");
        assert_eq!(
            doc.title, "Online Safety at Work",
            "{name}: title from the metadata"
        );
        assert!(
            text.contains("Staff must report abuse within one working day to the manager."),
            "{name}: inserted text read, tab as a space:\n{text}"
        );
        for absent in ["within a week", "HEADER TEXT", "FOOTER TEXT", "was deleted"] {
            assert!(!text.contains(absent), "{name}: {absent:?} read:\n{text}");
        }
        let heading = doc
            .blocks
            .iter()
            .find(|b| b.text == "1.1 Keeping evidence")
            .unwrap();
        assert_eq!(heading.kind, BlockKind::Heading(3), "{name}: custom style");
        assert_eq!(
            heading.heading_path,
            vec!["Online Safety at Work (draft)", "1. Reporting"]
        );
        let row = doc
            .blocks
            .iter()
            .find(|b| b.kind == BlockKind::TableRow && b.text.starts_with("Designated"))
            .unwrap();
        assert_eq!(row.text, "Designated Safeguarding Lead | Ms Patel ext. 214");
        assert!(
            text.contains("Line one line two."),
            "{name}: break as a space"
        );
        let note = doc
            .blocks
            .iter()
            .find(|b| b.text == "See the Protection from Harassment Act 1997.")
            .unwrap();
        assert_eq!(note.heading_path, vec!["Footnotes"], "{name}");
        assert_eq!(note.first_line(), 3, "{name}: at the paragraph citing it");
        assert_eq!(
            doc.blocks.last().unwrap().heading_path,
            vec!["Footnotes"],
            "{name}: notes come last"
        );
    }
    let docx = read("features.docx");
    let text: Vec<&str> = docx.blocks.iter().map(|b| b.text.as_str()).collect();
    assert!(text.contains(&"Call the helpline."), "field code not read");
    assert!(text.contains(&"Moved here text."), "moved text read once");
    assert!(text.contains(&"Text box words. After the box."), "{text:?}");
    assert!(
        !text.iter().any(|t| t.contains("Contents")),
        "TOC entries skipped"
    );
    assert!(text.contains(&"An endnote about support."));
}

#[test]
fn web_page_furniture_is_not_read() {
    let doc = read("source.html");
    let text: String = doc
        .blocks
        .iter()
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for absent in [
        "cookies",
        "Skip to main content",
        "Report a concern",
        "Related policies",
        "999",
        "JavaScript",
        "reportAbuse",
        "Search policies",
        "Template text",
        "Social media\n",
    ] {
        assert!(!text.contains(absent), "{absent:?} was read");
    }
    assert_eq!(
        doc.blocks[0].text,
        "Staff Social Media and Cyberbullying Policy"
    );
}

#[test]
fn bad_files_are_reported_and_the_rest_still_audited() {
    let cases = [
        ("bad/not-a-zip.docx", "not a Word document"),
        ("bad/zip-bomb.docx", "zip bomb"),
        ("bad/truncated.pdf", "damaged or incomplete PDF"),
        ("bad/encrypted.pdf", "encrypted PDF: cannot read its text"),
        ("bad/image-only.pdf", "no text layer: scanned document?"),
    ];
    for (name, reason) in cases {
        let dir = folder_of(&["source.md", name]);
        let file = Path::new(name)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let (code, stderr, report) = audit(dir.path());
        assert_eq!(code, 2, "{name}: {stderr}");
        let line = stderr
            .lines()
            .find(|l| l.contains(&file))
            .unwrap_or_else(|| panic!("{name}: not named on stderr:\n{stderr}"));
        assert!(line.contains(reason), "{name}: {line}");
        let org = &report["organisations"][0];
        let docs = org["documents"].as_array().unwrap();
        let bad = docs
            .iter()
            .find(|d| d["path"].as_str().unwrap().ends_with(&file))
            .unwrap();
        assert!(
            bad["error"].as_str().unwrap().contains(reason),
            "{name}: {}",
            bad["error"]
        );
        let good = docs
            .iter()
            .find(|d| d["path"].as_str().unwrap().ends_with("source.md"))
            .unwrap();
        assert_eq!(good["error"], Value::Null);
        let met = org["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] == "met")
            .count();
        assert!(
            met >= 30,
            "{name}: the good document was still audited ({met} met)"
        );
    }
}

#[test]
fn a_binary_file_named_md_is_refused() {
    let dir = folder_of(&["source.md"]);
    std::fs::copy(fixture("source.pdf"), dir.path().join("policy.md")).unwrap();
    let (code, stderr, _) = audit(dir.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("policy.md") && stderr.contains("binary"),
        "{stderr}"
    );
}

#[test]
fn extract_shows_every_format_with_its_location_unit() {
    for (ext, unit) in [
        ("md", "line"),
        ("docx", "paragraph"),
        ("odt", "paragraph"),
        ("html", "paragraph"),
        ("pdf", "page"),
    ] {
        let output = bin()
            .arg("extract")
            .arg(fixture(&format!("source.{ext}")))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{ext}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("Staff Social Media and Cyberbullying Policy (social-media"),
            "{ext}: {stdout}"
        );
        assert!(
            stdout.contains(&format!("{unit}    1  heading 1")),
            "{ext}: {stdout}"
        );
        assert!(stdout.contains("table-row"), "{ext}");
        let json = bin()
            .args(["extract", "--json"])
            .arg(fixture(&format!("source.{ext}")))
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(doc["format"], ext_format(ext));
    }
    let output = bin()
        .arg("extract")
        .arg(fixture("bad/encrypted.pdf"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("encrypted.pdf: encrypted PDF"), "{stderr}");
}

fn ext_format(ext: &str) -> &'static str {
    match ext {
        "md" => "markdown",
        "docx" => "docx",
        "odt" => "odt",
        "html" => "html",
        _ => "pdf",
    }
}
