//! YAML front matter: `---` … `---` at the top of a Markdown file.

use crate::document::{Block, BlockKind, LineStart, Metadata};
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

/// Front matter split off a source: its fields and where the body starts.
pub struct FrontMatter {
    pub metadata: Metadata,
    /// Fields other than title/kind, as "key: value" blocks quoting their source lines.
    pub blocks: Vec<Block>,
    /// Byte offset of the body in the source.
    pub body_start: usize,
}

/// Split front matter off `source`. Returns `None` when there is none.
pub fn split(source: &str) -> Option<FrontMatter> {
    let rest = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))?;
    let header_len = source.len() - rest.len();
    let mut offset = 0;
    let mut end = None;
    for line in rest.split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let (yaml_end, body) = end?;
    let yaml = &rest[..yaml_end];
    let mut fm = FrontMatter {
        metadata: Metadata::default(),
        blocks: Vec::new(),
        body_start: header_len + body,
    };
    // Malformed front matter is not fatal: the body is still the policy.
    let Ok(fields) = serde_saphyr::from_str::<BTreeMap<String, Spanned<serde_json::Value>>>(yaml)
    else {
        return Some(fm);
    };
    let mut by_line: Vec<(usize, String)> = Vec::new();
    for (key, value) in fields {
        let text = match &value.value {
            serde_json::Value::String(s) => s.trim().to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            _ => continue,
        };
        match key.as_str() {
            "title" => fm.metadata.title = Some(text),
            "kind" => fm.metadata.kind = Some(text),
            _ => {
                match key.as_str() {
                    "owner" => fm.metadata.owner = Some(text.clone()),
                    "organisation" | "organization" => {
                        fm.metadata.organisation = Some(text.clone())
                    }
                    _ => {}
                }
                // Keep the source line as written, so evidence quotes the file exactly.
                let yaml_line = value.referenced.line() as usize;
                let raw = yaml.lines().nth(yaml_line.saturating_sub(1)).unwrap_or("");
                // The file's line: front matter content starts on line 2.
                by_line.push((yaml_line + 1, raw.trim().to_string()));
            }
        }
    }
    by_line.sort();
    fm.blocks = by_line
        .into_iter()
        .map(|(line, text)| Block {
            kind: BlockKind::Metadata,
            text,
            heading_path: Vec::new(),
            heading_blocks: Vec::new(),
            lead_in: None,
            lines: vec![LineStart { offset: 0, line }],
        })
        .collect();
    Some(fm)
}
