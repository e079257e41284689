//! Any text, loaded as a rule file: a pack or a list of located errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = policy_audit::rules::load_sources(&[("fuzz.yaml".to_string(), text.to_string())]);
    }
});
