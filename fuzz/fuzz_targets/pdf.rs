//! Any bytes, read as Pdf: a document or a read error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy_audit::document::Format;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = policy_audit::ingest::parse(Path::new("fuzz.pdf"), Format::Pdf, data) {
        for block in &doc.blocks {
            let _ = block.line_at(block.text.len());
        }
    }
});
