//! Text that is in a document but is not evidence: contents lists, and sentences that only
//! point to another document ("For support, see the Wellbeing Policy"). A topic named there is
//! not a topic covered.

use crate::document::{BlockKind, Document};
use regex::Regex;
use std::sync::LazyLock;

/// A contents entry: a title, then dot leaders (or a wide gap) and a page number.
static CONTENTS_ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\.{3,}|…+|·{3,}|_{3,}|\s{3,}|\t)\s*\d{1,4}\s*$").expect("valid regex")
});

/// A label that opens a contents list.
static CONTENTS_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:(?:table\s+of\s+)?contents?|in\s+this\s+(?:policy|document|section|page)|on\s+this\s+page|what'?s\s+inside|related\s+(?:documents|policies|procedures|guidance)|see\s+also|linked\s+(?:documents|policies)|associated\s+(?:documents|policies))\s*:?\s*$")
        .expect("valid regex")
});

/// A label with its entries on the same line: "On this page: Our Welfare Officer · Reporting".
static CONTENTS_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:on\s+this\s+page|in\s+this\s+(?:policy|document|section|page)|contents|related\s+(?:documents|policies|procedures)|see\s+also)\s*:\s*\S")
        .expect("valid regex")
});

/// A sentence that sends the reader elsewhere instead of saying anything itself.
static POINTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^\W*(?:",
        // "For support, see the Wellbeing Policy." / "On reporting, please refer to …"
        r"(?:for|on|about|regarding|in\s+relation\s+to|with\s+regard\s+to)\b[^.;:]{0,120}?,\s*(?:please\s+)?(?:see|refer\s+to|read|consult|go\s+to)\b",
        r"|",
        // "See the Anti-Bullying Policy." / "Please refer to section 7."
        r"(?:please\s+)?(?:see|refer\s+to|consult)\s+(?:also\s+)?(?:the|our|section|appendix|annex|paragraph)\b",
        r"|",
        // "This is covered in the Grievance Procedure."
        r"(?:this|these|that|those|it|they|such\s+\w+)\s+(?:is|are)\s+(?:covered|addressed|dealt\s+with|set\s+out|described|explained)\s+(?:in|by|under)\s+(?:the|our|a\s+separate|separate)\b",
        r"|",
        // "Expectations about your conduct outside work are set out in the Code of Conduct."
        r"[^.;]{0,100}\b(?:is|are)\s+(?:set\s+out|covered|explained|described|addressed|dealt\s+with|detailed)\s+in\s+(?:the|our)\s+[^.;]{0,60}\b(?:policy|procedure|code|guidance|handbook|standard|regulations|guide)(?:\s+of\s+\w+)?\W*$",
        r"|",
        // "Our Staff Wellbeing Policy explains the support available to staff."
        r"(?:our|the)\s+[^.;]{0,60}\b(?:policy|procedure|guidance|handbook|standard)\s+(?:explains|sets\s+out|describes|covers|details)\b",
        r")",
    ))
    .expect("valid regex")
});

/// Longest pointer sentence, in words: a longer one says something of its own as well.
const POINTER_MAX_WORDS: usize = 30;

/// Which blocks of a document are contents-list entries (or the label opening one).
pub fn contents_blocks(doc: &Document) -> Vec<bool> {
    let mut flags = vec![false; doc.blocks.len()];
    let mut in_list = false;
    for (i, block) in doc.blocks.iter().enumerate() {
        let text = block.text.trim();
        if CONTENTS_LABEL.is_match(text) {
            flags[i] = true;
            in_list = true;
            continue;
        }
        if CONTENTS_INLINE.is_match(text) || is_title_list(text) {
            flags[i] = true;
            continue;
        }
        if CONTENTS_ENTRY.is_match(text) && text.split_whitespace().count() <= 20 {
            flags[i] = true;
            continue;
        }
        // After a "Contents" label, short lines without a full stop are its entries, until
        // the first heading or real sentence.
        let short_entry = matches!(
            block.kind,
            BlockKind::ListItem | BlockKind::Paragraph | BlockKind::TableRow
        ) && text.split_whitespace().count() <= 14
            && !text.ends_with(['.', '!', '?', ':']);
        if in_list && short_entry {
            flags[i] = true;
        } else {
            in_list = false;
        }
    }
    flags
}

/// A line of titles run together ("Disciplinary Procedure · Grievance Procedure · Social Media
/// Guide"), as navigation and related-document lists are.
fn is_title_list(text: &str) -> bool {
    let parts: Vec<&str> = text.split(['·', '•', '|']).map(str::trim).collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            let words = p.split_whitespace().count();
            // "Owner: Head of HR · Last reviewed: March 2025" is document control, not a list
            // of titles.
            (1..=6).contains(&words)
                && !p.ends_with(['.', '!', '?'])
                && !p.contains(':')
                && !p.chars().any(|c| c.is_ascii_digit())
        })
}

/// Does this sentence only point to another document or section?
pub fn is_pointer(sentence: &str) -> bool {
    sentence.split_whitespace().count() <= POINTER_MAX_WORDS && POINTER.is_match(sentence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;
    use crate::ingest;
    use std::path::Path;

    #[test]
    fn pointers_are_sentences_that_only_send_the_reader_elsewhere() {
        for s in [
            "For cyberbullying and online harassment, see the Anti-Bullying Policy.",
            "See the Whistleblowing Policy.",
            "Please refer to section 7 for support.",
            "On reporting concerns, please refer to the Grievance Procedure.",
            "This is covered in the Dignity at Work Policy.",
            "Our Staff Wellbeing Policy explains the support available to staff.",
            "Expectations about your conduct outside work are set out in the Employee Code of Conduct.",
        ] {
            assert!(is_pointer(s), "{s}");
        }
        for s in [
            "Staff should report online abuse to their line manager, who will see the evidence.",
            "If you see the post, take a screenshot before it is deleted.",
            "For your own safety, do not reply to the sender.",
            "Staff must follow the Whistleblowing Policy and report concerns to the DSL.",
        ] {
            assert!(!is_pointer(s), "{s}");
        }
    }

    #[test]
    fn contents_lists_are_found_by_label_or_by_dot_leaders() {
        assert!(is_title_list(
            "Disciplinary Procedure · Grievance Procedure · Social Media Guide"
        ));
        assert!(!is_title_list(
            "Staff | must | report abuse to their manager as soon as they can."
        ));
        let text = "# Handbook\n\nContents\n\n1. Reporting cyberbullying\n2. Keeping evidence\n\n## Reporting\n\nStaff must report cyberbullying to their manager.\n\nBlocking the sender ........ 12\n";
        let doc = ingest::parse(Path::new("h.md"), Format::Markdown, text.as_bytes()).unwrap();
        let flagged: Vec<&str> = doc
            .blocks
            .iter()
            .zip(contents_blocks(&doc))
            .filter(|(_, f)| *f)
            .map(|(b, _)| b.text.as_str())
            .collect();
        assert_eq!(
            flagged,
            vec![
                "Contents",
                "Reporting cyberbullying",
                "Keeping evidence",
                "Blocking the sender ........ 12"
            ]
        );
    }
}
