//! Text a keyword matcher would count and an auditor would not: a heading with nothing under
//! it, a contents list, a scope-out or negation, a bare pointer to another policy. None of
//! them is coverage.

use assert_cmd::Command;
use serde_json::Value;

/// Audit one Markdown policy; the requirements it was judged to cover (met or partial).
fn covered(policy: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.md"), policy).unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("policy-audit")
        .unwrap()
        .arg("audit")
        .arg(dir.path().join("policy.md"))
        .args([
            "--no-config",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--as-of",
            "2026-11-21",
        ])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    report["organisations"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "met" || f["status"] == "partial")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn headings_with_nothing_under_them_cover_nothing() {
    let policy = "# Staff handbook\n\n## Reporting cyberbullying\n\n## Keeping evidence of online abuse\n\n## Support for staff who are harassed online\n\n## Annual leave\n\nStaff have 25 days of annual leave.\n";
    assert_eq!(covered(policy), vec![]);
}

#[test]
fn a_contents_list_covers_nothing() {
    let policy = "# Staff handbook\n\nContents\n\n1. Reporting cyberbullying and online abuse to your line manager .......... 4\n2. Keeping screenshots as evidence .......... 5\n3. Blocking and reporting to the platform .......... 6\n4. Counselling and the Employee Assistance Programme .......... 7\n\n## Annual leave\n\nStaff have 25 days of annual leave.\n";
    assert_eq!(covered(policy), vec![]);
    // The same topics as a list under a "Contents" label, without page numbers.
    let policy = "# Staff handbook\n\n## Contents\n\n- Reporting cyberbullying to your line manager\n- Keeping screenshots as evidence\n- Blocking the sender\n\n## Annual leave\n\nStaff have 25 days of annual leave.\n";
    assert_eq!(covered(policy), vec![]);
}

#[test]
fn scope_outs_and_negations_cover_nothing() {
    let policy = "# ICT policy\n\n## Scope\n\nThis policy does not cover cyberbullying or online harassment of staff, which is not addressed here. Staff are not required to report online abuse under this policy.\n";
    assert_eq!(covered(policy), vec![]);
}

#[test]
fn a_bare_pointer_to_another_policy_covers_nothing_but_real_wording_beside_it_does() {
    let pointer = "# Code of conduct\n\n## Bullying and harassment\n\nFor cyberbullying and online harassment, see the Anti-Bullying Policy. For reporting concerns, see the Whistleblowing Policy. For support, see the Wellbeing Policy.\n";
    assert_eq!(covered(pointer), vec![]);
    let real = format!(
        "{pointer}\nIf you are harassed online because of your job, tell your line manager or the designated safeguarding lead straight away.\n"
    );
    let got = covered(&real);
    assert!(
        got.iter().any(|(rule, _)| rule == "CB-REPORTING-ROUTE"),
        "{got:?}"
    );
}
