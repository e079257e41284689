//! What the integration tests share: the binary under test and the shipped examples.
// Each test crate uses its own subset of these.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The `policy-audit` binary built for this test run.
pub fn bin() -> Command {
    Command::cargo_bin("policy-audit").expect("binary built")
}

/// One of the example organisations in `examples/`.
pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}
