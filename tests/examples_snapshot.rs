//! The shipped examples' findings, pinned: any change to a verdict or its evidence shows up
//! as a snapshot diff to review.

use assert_cmd::Command;
use std::fmt::Write;
use std::path::Path;

fn findings_digest(example: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    Command::cargo_bin("policy-audit")
        .unwrap()
        .current_dir(root)
        .args([
            "audit",
            &format!("examples/{example}"),
            "--format",
            "json",
            "--fail-on",
            "never",
            "--quiet",
        ])
        .args(["--as-of", "2026-11-21", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("report.json")).unwrap())
            .unwrap();
    let org = &report["organisations"][0];
    let mut digest = String::new();
    writeln!(digest, "{} {}", org["name"], org["summary"]).unwrap();
    for f in org["findings"].as_array().unwrap() {
        let missing: Vec<&str> = f["elements"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["found"] == false)
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        writeln!(
            digest,
            "{:<24} {:<8} not found: [{}]",
            f["rule"].as_str().unwrap(),
            f["status"].as_str().unwrap(),
            missing.join(", ")
        )
        .unwrap();
        for e in f["evidence"].as_array().unwrap() {
            let doc = e["document"].as_str().unwrap();
            let file = doc.rsplit('/').next().unwrap();
            let elements: Vec<&str> = e["elements"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap())
                .collect();
            writeln!(digest, "    {file}:{} [{}]", e["line"], elements.join(", ")).unwrap();
        }
    }
    digest
}

#[test]
fn oakfield_primary_findings() {
    insta::assert_snapshot!(findings_digest("oakfield-primary"));
}

#[test]
fn riverside_youth_trust_findings() {
    insta::assert_snapshot!(findings_digest("riverside-youth-trust"));
}

#[test]
fn northgate_council_leisure_findings() {
    insta::assert_snapshot!(findings_digest("northgate-council-leisure"));
}
