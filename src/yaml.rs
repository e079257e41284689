//! What the YAML inputs (rule files, the config, waivers) share: errors with file:line:column
//! and the offending source line, and parsing a file piece by piece so one mistake does not
//! hide the next.

use std::fmt;

/// One mistake in a YAML input, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceError {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
    /// The offending source line, when the file's text is at hand.
    pub snippet: Option<String>,
}

impl SourceError {
    pub fn new(file: &str, line: u64, column: u64, message: impl Into<String>) -> SourceError {
        SourceError {
            file: file.to_string(),
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
            snippet: None,
        }
    }

    /// Attach the source line this error points at.
    pub fn with_source(mut self, text: &str) -> SourceError {
        self.snippet = text
            .lines()
            .nth(self.line.saturating_sub(1) as usize)
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.trim_end().to_string());
        self
    }
}

impl fmt::Display for SourceError {
    /// `file:line:column: message`, then the source line with a caret under the column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(snippet) = &self.snippet {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            // Tabs keep their width so the caret lines up.
            let before: String = snippet
                .chars()
                .take(self.column.saturating_sub(1) as usize)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n {number} | {snippet}\n {pad} | {before}^")?;
        }
        Ok(())
    }
}

/// Every mistake found in one or more YAML inputs.
#[derive(Debug)]
pub struct SourceErrors(pub Vec<SourceError>);

impl fmt::Display for SourceErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SourceErrors {}

/// A parse error from serde-saphyr, moved by `line_offset` lines (the piece's first line in
/// its file, less one).
pub fn parse_error(file: &str, line_offset: u64, e: &serde_saphyr::Error) -> SourceError {
    let (line, column) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    let message = e.without_snippet().to_string();
    // The library's message may repeat the position; keep the reason only.
    let message = message
        .split_once(" at line ")
        .map(|(m, _)| m.to_string())
        .unwrap_or(message);
    SourceError::new(file, line + line_offset, column, message)
}

/// The YAML of one sequence item that starts at (line, column), re-indented so it parses on
/// its own: the "- " before it becomes spaces, and it runs until a line indented less.
pub fn item_chunk(text: &str, line: u64, column: u64) -> String {
    let indent = column.saturating_sub(1) as usize;
    let mut out = String::new();
    for (i, l) in text
        .lines()
        .enumerate()
        .skip(line.saturating_sub(1) as usize)
    {
        if i + 1 == line as usize {
            let rest: String = l.chars().skip(indent).collect();
            out.push_str(&" ".repeat(indent));
            out.push_str(&rest);
        } else {
            let trimmed = l.trim_start();
            let this_indent = l.chars().count() - trimmed.chars().count();
            if !trimmed.is_empty() && !trimmed.starts_with('#') && this_indent < indent {
                break;
            }
            out.push_str(l);
        }
        out.push('\n');
    }
    out
}

/// A block-style YAML mapping split at its top-level keys: (line offset, text) per key, so
/// each key's value is checked on its own. A file that is not a plain block mapping (flow
/// style, a document marker) comes back whole.
pub fn top_level_chunks(text: &str) -> Vec<(u64, String)> {
    let is_key = |l: &str| {
        let first = l.chars().next();
        first.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"' || c == '\'')
            && l.contains(':')
    };
    let lines: Vec<&str> = text.lines().collect();
    let plain = lines.iter().all(|l| {
        let t = l.trim_start();
        t.is_empty() || t.starts_with('#') || l.starts_with([' ', '\t', '-']) || is_key(l)
    }) && !lines
        .iter()
        .any(|l| l.starts_with("---") || l.starts_with("..."));
    if !plain {
        return vec![(0, text.to_string())];
    }
    let mut chunks: Vec<(u64, String)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if is_key(l) {
            chunks.push((i as u64, String::new()));
        }
        match chunks.last_mut() {
            Some((_, chunk)) => {
                chunk.push_str(l);
                chunk.push('\n');
            }
            // Comments and blank lines before the first key.
            None => continue,
        }
    }
    if chunks.is_empty() {
        return vec![(0, text.to_string())];
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_show_the_line_and_a_caret_under_the_column() {
        let text = "a: 1\nrule: \"([a-z\"\n";
        let e = SourceError::new("x.yaml", 2, 7, "invalid regex").with_source(text);
        assert_eq!(
            e.to_string(),
            "x.yaml:2:7: invalid regex\n 2 | rule: \"([a-z\"\n   |       ^"
        );
    }

    #[test]
    fn a_block_mapping_splits_at_its_top_level_keys() {
        let text = "# config\nfail_on: must\nseverity:\n  A: should\n\n  B: may\nout: x\n";
        let chunks = top_level_chunks(text);
        let starts: Vec<u64> = chunks.iter().map(|c| c.0).collect();
        assert_eq!(starts, vec![1, 2, 6]);
        assert_eq!(chunks[1].1, "severity:\n  A: should\n\n  B: may\n");
    }

    #[test]
    fn flow_style_is_kept_whole() {
        let text = "{fail_on: must, out: x}\n";
        assert_eq!(top_level_chunks(text), vec![(0, text.to_string())]);
    }
}
