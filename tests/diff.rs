//! `policy-audit diff`: real reports from two runs over one organisation, and hand-edited ones.

use serde_json::Value;
use std::path::{Path, PathBuf};
mod common;
use common::bin;

const AS_OF: &str = "2026-11-21";
const RULE: &str = "CB-REPORTING-ROUTE";

/// A small policy; `reporting` is the paragraph under "When it happens to you".
fn policy(reporting: &str) -> String {
    format!(
        "# Volunteer Conduct Online\n\n\
         ## When it happens to you\n\n{reporting}\n\n\
         ## Looking after your accounts\n\n\
         Choose a long password for each account you use for the club and never share it.\n"
    )
}

const MET: &str =
    "If someone harasses or threatens you online because of your role, tell your line manager on the day it happens.";
const PARTIAL: &str = "Please report abusive messages that you get.";
const MISSING: &str = "We value every volunteer.";

/// One organisation folder audited as its policy changes between runs.
struct Org {
    dir: tempfile::TempDir,
}

impl Org {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("org")).unwrap();
        Org { dir }
    }

    /// Audit the organisation with `reporting` as its reporting paragraph; the report's path.
    fn run(&self, label: &str, reporting: &str) -> PathBuf {
        std::fs::write(self.dir.path().join("org/conduct.md"), policy(reporting)).unwrap();
        let out = self.dir.path().join(label);
        let output = bin()
            .current_dir(self.dir.path())
            .args([
                "audit", "org", "--format", "json", "--as-of", AS_OF, "--quiet",
            ])
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "audit failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        out.join("report.json")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn status_of(report: &Path, rule: &str) -> String {
    let json: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    json["organisations"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .map(|f| f["status"].as_str().unwrap().to_string())
        .unwrap()
}

/// `diff OLD NEW [extra]`: (exit code, stdout, stderr).
fn diff(old: &Path, new: &Path, extra: &[&str]) -> (i32, String, String) {
    let output = bin()
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The text output's line for `rule`, and the group heading it sits under.
fn line_for(text: &str, rule: &str) -> (String, String) {
    let mut group = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.ends_with(':') && line.starts_with("  ") && !line.starts_with("    ") {
            group = trimmed.trim_end_matches(':').to_string();
        }
        if trimmed.starts_with(&format!("{rule} ")) {
            return (group, line.to_string());
        }
    }
    panic!("{rule} not in:\n{text}");
}

fn edit(report: &Path, to: &Path, change: impl FnOnce(&mut Value)) {
    let mut json: Value = serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    change(&mut json);
    std::fs::write(to, serde_json::to_string_pretty(&json).unwrap()).unwrap();
}

fn finding<'a>(json: &'a mut Value, rule: &str) -> &'a mut Value {
    json["organisations"][0]["findings"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["rule"] == rule)
        .unwrap()
}

#[test]
fn weakened_reporting_clause_fails_and_names_the_rule() {
    let org = Org::new();
    let old = org.run("before", MET);
    let new = org.run("after", PARTIAL);
    assert_eq!(status_of(&old, RULE), "met");
    assert_eq!(status_of(&new, RULE), "partial");
    let (code, out, err) = diff(&old, &new, &[]);
    assert_eq!(code, 1, "{out}{err}");
    let (group, line) = line_for(&out, RULE);
    assert_eq!(group, "worse");
    assert!(line.contains("[must] met → partial"), "{line}");
    assert!(line.contains("report online abuse"), "{line}");
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("1 worse, 0 better, 0 changed"), "{out}");
}

#[test]
fn removed_reporting_clause_fails() {
    let org = Org::new();
    let old = org.run("before", MET);
    let new = org.run("after", MISSING);
    assert_eq!(status_of(&new, RULE), "missing");
    let (code, out, _) = diff(&old, &new, &[]);
    assert_eq!(code, 1, "{out}");
    let (group, line) = line_for(&out, RULE);
    assert_eq!(group, "worse");
    assert!(line.contains("met → missing"), "{line}");
}

#[test]
fn an_added_clause_only_improves_and_passes() {
    let org = Org::new();
    let old = org.run("before", MISSING);
    let new = org.run("after", MET);
    let (code, out, _) = diff(&old, &new, &[]);
    assert_eq!(code, 0, "{out}");
    let (group, line) = line_for(&out, RULE);
    assert_eq!(group, "better");
    assert!(line.contains("missing → met"), "{line}");
    // The new sentence also names harassment and threats, so other rules may improve too.
    let last = out.lines().last().unwrap();
    assert!(last.starts_with("0 worse, "), "{out}");
    assert!(last.contains("0 new gaps"), "{out}");
}

#[test]
fn identical_reports_pass_with_nothing_to_say() {
    let org = Org::new();
    let report = org.run("only", PARTIAL);
    let (code, out, _) = diff(&report, &report, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("No requirement changed status."), "{out}");
    assert!(
        out.ends_with("0 worse, 0 better, 0 changed; 0 new gaps, 0 closed gaps\n"),
        "{out}"
    );
}

#[test]
fn hand_edited_reports_waivers_and_one_sided_rules() {
    let org = Org::new();
    let base = org.run("base", PARTIAL);
    let old = org.path("old.json");
    let new = org.path("new.json");
    edit(&base, &old, |json| {
        finding(json, "SEC-PASSWORDS")["status"] = "met".into();
        // A rule the new pack dropped.
        let mut gone = finding(json, RULE).clone();
        gone["rule"] = "ZZ-RETIRED".into();
        json["organisations"][0]["findings"]
            .as_array_mut()
            .unwrap()
            .push(gone);
    });
    edit(&base, &new, |json| {
        // met → waived: a change, not a regression.
        let f = finding(json, "SEC-PASSWORDS");
        f["status"] = "waived".into();
        f["waiver"] = serde_json::json!({"state": "applied", "status_without_waiver": "missing"});
        // A rule the baseline did not have, already a gap: reported, not failed.
        let mut fresh = finding(json, "DOC-OWNER").clone();
        fresh["rule"] = "AA-NEW-RULE".into();
        fresh["status"] = "missing".into();
        fresh["title"] = "A | piped <b>title</b>".into();
        json["organisations"][0]["findings"]
            .as_array_mut()
            .unwrap()
            .push(fresh);
        // Extra fields are ignored.
        json["something_new"] = serde_json::json!({"nested": [1, 2]});
    });
    let (code, out, err) = diff(&old, &new, &[]);
    assert_eq!(code, 0, "{out}{err}");
    let (group, line) = line_for(&out, "SEC-PASSWORDS");
    assert_eq!(group, "changed");
    assert!(
        line.contains("met → waived (missing without the waiver)"),
        "{line}"
    );
    assert_eq!(line_for(&out, "AA-NEW-RULE").0, "not in the baseline");
    assert_eq!(line_for(&out, "ZZ-RETIRED").0, "not in the new run");
    assert!(
        out.contains("0 worse, 0 better, 1 changed; 1 new gap, 0 closed gaps"),
        "{out}"
    );

    let (code, md, _) = diff(&old, &new, &["--format", "markdown"]);
    assert_eq!(code, 0);
    let row = md.lines().find(|l| l.contains("AA-NEW-RULE")).unwrap();
    assert!(row.contains(r"A \| piped \<b\>title\</b\>"), "{row}");
    assert_eq!(row.matches(" | ").count(), 5, "{row}");

    // The waiver's expiry brings the gap back: waived → missing is worse.
    let expired = org.path("expired.json");
    edit(&new, &expired, |json| {
        let f = finding(json, "SEC-PASSWORDS");
        f["status"] = "missing".into();
        f["waiver"] = Value::Null;
    });
    let (code, out, _) = diff(&new, &expired, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(line_for(&out, "SEC-PASSWORDS")
        .1
        .contains("waived (missing without the waiver) → missing"));
}

#[test]
fn json_output_is_stable_and_sorted() {
    let org = Org::new();
    let old = org.run("before", MET);
    let new = org.run("after", MISSING);
    let (code, first, _) = diff(&old, &new, &["--format", "json"]);
    assert_eq!(code, 1);
    let (_, second, _) = diff(&old, &new, &["--format", "json"]);
    assert_eq!(first, second);
    let json: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(json["totals"]["regressed"], true);
    let changes = json["organisations"][0]["changes"].as_array().unwrap();
    assert_eq!(
        json["totals"]["worse"],
        changes.len(),
        "only worse here: {first}"
    );
    // Sorted by severity (must, should, may), then rule.
    let order = |c: &Value| {
        let severity = ["must", "should", "may"]
            .iter()
            .position(|s| c["severity"] == *s)
            .unwrap();
        (severity, c["rule"].as_str().unwrap().to_string())
    };
    let keys: Vec<_> = changes.iter().map(order).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let change = changes.iter().find(|c| c["rule"] == RULE).unwrap();
    assert_eq!(change["severity"], "must");
}

#[test]
fn organisations_are_sorted_and_paired_by_name() {
    let org = Org::new();
    let base = org.run("base", MET);
    let old = org.path("old.json");
    let new = org.path("new.json");
    let named = |json: &mut Value, names: &[&str], worse: &str| {
        let template = json["organisations"][0].clone();
        let orgs: Vec<Value> = names
            .iter()
            .map(|name| {
                let mut o = template.clone();
                o["name"] = (*name).into();
                o["path"] = format!("orgs/{name}").into();
                if *name == worse {
                    for f in o["findings"].as_array_mut().unwrap() {
                        if f["rule"] == RULE {
                            f["status"] = "partial".into();
                        }
                    }
                }
                o
            })
            .collect();
        json["organisations"] = orgs.into();
    };
    edit(&base, &old, |json| {
        named(json, &["Zeta", "Alpha", "Gone"], "")
    });
    edit(&base, &new, |json| {
        named(json, &["Alpha", "Fresh", "Zeta"], "Zeta")
    });
    let (code, out, _) = diff(&old, &new, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("\nZeta (orgs/Zeta)\n  worse:\n    CB-REPORTING-ROUTE [must] met → partial"),
        "{out}"
    );
    assert!(
        !out.contains("\nAlpha"),
        "an unchanged organisation is not listed:\n{out}"
    );
    let gone = out
        .find("Only in the baseline:\n  Gone (orgs/Gone)")
        .expect(&out);
    let fresh = out
        .find("Only in the new run:\n  Fresh (orgs/Fresh)")
        .expect(&out);
    assert!(gone < fresh);
}

#[test]
fn unreadable_invalid_or_newer_reports_are_errors() {
    let org = Org::new();
    let good = org.run("good", MET);

    let (code, _, err) = diff(&org.path("absent.json"), &good, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("absent.json: cannot read"), "{err}");

    let bad = org.path("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"schema_version\": 1,\n  \"organisations\": [,]\n}\n",
    )
    .unwrap();
    let (code, out, err) = diff(&good, &bad, &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("bad.json:3:"), "{err}");
    assert!(err.contains("not valid JSON"), "{err}");

    let v2 = org.path("v2.json");
    edit(&good, &v2, |json| json["schema_version"] = 2.into());
    let (code, _, err) = diff(&good, &v2, &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("v2.json") && err.contains("schema_version 2"),
        "{err}"
    );

    let (code, _, _) = diff(&good, &good, &["--format", "yaml"]);
    assert_eq!(code, 2);
    let output = bin().args(["diff"]).arg(&good).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}
