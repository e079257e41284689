//! A policy repository's life: waivers, policy-audit.yaml and `init`, run as CI runs them.

use serde_json::Value;
use std::path::Path;
mod common;
use common::{bin, example};

const AS_OF: &str = "2026-11-21";

struct Run {
    code: i32,
    stderr: String,
    report: Value,
}

/// Run `audit` in `dir` with `args`; the report is read from `dir/<out>/report.json`.
fn audit_in(dir: &Path, out: &str, args: &[&str]) -> Run {
    let output = bin()
        .current_dir(dir)
        .arg("audit")
        .args(args)
        .args(["--as-of", AS_OF])
        .output()
        .unwrap();
    let report = std::fs::read_to_string(dir.join(out).join("report.json"))
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or(Value::Null);
    Run {
        code: output.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        report,
    }
}

fn findings(report: &Value) -> &Vec<Value> {
    report["organisations"][0]["findings"].as_array().unwrap()
}

fn must_gaps(report: &Value) -> Vec<String> {
    findings(report)
        .iter()
        .filter(|f| {
            f["severity"] == "must" && (f["status"] == "missing" || f["status"] == "partial")
        })
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// Write `waivers` to `dir/waivers.yaml` and audit `org` with it into `dir/r`, no config read.
fn audit_with_waivers(dir: &Path, org: &str, waivers: &str, extra: &[&str]) -> Run {
    std::fs::write(dir.join("waivers.yaml"), waivers).unwrap();
    let mut args = vec![
        org,
        "--out",
        "r",
        "--no-config",
        "--waivers",
        "waivers.yaml",
    ];
    args.extend_from_slice(extra);
    audit_in(dir, "r", &args)
}

fn waivers_for(rules: &[String], organisation: Option<&str>, expires: &str) -> String {
    let mut text = String::from("waivers:\n");
    for rule in rules {
        text.push_str(&format!("  - rule: {rule}\n"));
        if let Some(org) = organisation {
            text.push_str(&format!("    organisation: \"{org}\"\n"));
        }
        text.push_str(&format!(
            "    justification: Agreed with the board while the new policy is drafted.\n    approved_by: Chair of governors\n    expires: {expires}\n"
        ));
    }
    text
}

#[test]
fn waivers_in_date_turn_gaps_into_waived_and_the_exit_code_follows() {
    let dir = tempfile::tempdir().unwrap();
    let org = example("northgate-council-leisure");
    let org = org.to_str().unwrap();
    let base = audit_in(dir.path(), "r", &[org, "--out", "r", "--no-config"]);
    assert_eq!(base.code, 1, "{}", base.stderr);
    let gaps = must_gaps(&base.report);
    assert!(gaps.len() >= 3, "{gaps:?}");

    let name = base.report["organisations"][0]["name"].as_str().unwrap();
    let run = audit_with_waivers(
        dir.path(),
        org,
        &waivers_for(&gaps, Some(name), "2027-03-31"),
        &["--format", "json,markdown,csv,html,sarif,junit"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary = &run.report["organisations"][0]["summary"];
    assert_eq!(summary["waived"].as_u64().unwrap() as usize, gaps.len());
    assert_eq!(summary["passed"], true);
    for f in findings(&run.report) {
        let rule = f["rule"].as_str().unwrap().to_string();
        if gaps.contains(&rule) {
            assert_eq!(f["status"], "waived", "{rule}");
            assert_eq!(f["waiver"]["state"], "applied");
            assert_eq!(f["waiver"]["approved_by"], "Chair of governors");
            assert_eq!(f["waiver"]["expires"], "2027-03-31");
            let was = f["waiver"]["status_without_waiver"].as_str().unwrap();
            assert!(was == "missing" || was == "partial");
            assert!(f["waiver"]["defined_at"]
                .as_str()
                .unwrap()
                .starts_with("waivers.yaml:"));
        } else {
            assert_ne!(f["status"], "waived", "{rule}");
        }
    }
    // Shown as waived, with the justification, in the other formats too.
    let md = std::fs::read_to_string(dir.path().join("r/report.md")).unwrap();
    assert!(md.contains("waived until 2027-03-31"), "{md}");
    let csv = std::fs::read_to_string(dir.path().join("r/findings.csv")).unwrap();
    let waived_rows = csv.lines().filter(|l| l.contains(",waived,")).count();
    assert_eq!(waived_rows, gaps.len(), "{csv}");
    let html = std::fs::read_to_string(dir.path().join("r/index.html")).unwrap();
    assert!(html.contains("Waived until 2027-03-31"));
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r/report.sarif")).unwrap())
            .unwrap();
    let suppressed: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), gaps.len());
    assert!(suppressed
        .iter()
        .all(|r| r["suppressions"][0]["justification"]
            .as_str()
            .unwrap()
            .contains("Agreed with the board")));
    let junit = std::fs::read_to_string(dir.path().join("r/junit.xml")).unwrap();
    assert_eq!(
        junit.matches("<skipped message=\"waived: ").count(),
        gaps.len(),
        "{junit}"
    );
    assert!(!junit.contains("<failure"), "{junit}");
    assert!(html.contains("Agreed with the board while the new policy is drafted."));
}

#[test]
fn an_expired_waiver_stops_applying_and_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let org = example("northgate-council-leisure");
    let org = org.to_str().unwrap();
    let base = audit_in(dir.path(), "r", &[org, "--out", "r", "--no-config"]);
    let gaps = must_gaps(&base.report);
    let run = audit_with_waivers(
        dir.path(),
        org,
        &waivers_for(&gaps, None, "2026-11-20"),
        &[],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.report["organisations"][0]["summary"]["waived"], 0);
    for f in findings(&run.report) {
        if gaps.contains(&f["rule"].as_str().unwrap().to_string()) {
            assert_ne!(f["status"], "waived");
            assert_eq!(f["waiver"]["state"], "expired");
        }
    }
    assert!(
        run.stderr
            .contains(&format!("waiver for {} expired on 2026-11-20", gaps[0])),
        "{}",
        run.stderr
    );
    // The last day is still in date.
    let run = audit_with_waivers(dir.path(), org, &waivers_for(&gaps, None, AS_OF), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn a_waiver_for_an_unknown_rule_or_organisation_is_an_error_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let org = example("oakfield-primary");
    let org = org.to_str().unwrap();
    let run = audit_with_waivers(dir.path(), org, "waivers:\n  - rule: CB-POLICE\n    justification: ok\n    expires: 2027-01-01\n  - rule: CB-NOT-A-RULE\n    justification: ok\n    expires: 2027-01-01\n  - rule: CB-TAKEDOWN\n    justification: ok\n    expires: 2027-13-01\n", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("waivers.yaml:5:11: unknown rule `CB-NOT-A-RULE`"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("waivers.yaml:10:14: `2027-13-01` is not a date"));
    assert!(!dir.path().join("r/report.json").exists());

    let run = audit_with_waivers(dir.path(), org, "waivers:\n  - rule: CB-POLICE\n    organisation: Nowhere Academy\n    justification: ok\n    expires: 2027-01-01\n", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("waivers.yaml:3:19: unknown organisation `Nowhere Academy`"),
        "{}",
        run.stderr
    );
}

/// A repository with two policies and a draft, and a config in its root.
fn repository(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir_all(policies.join("drafts")).unwrap();
    for name in ["code-of-conduct.md", "acceptable-use-policy.md"] {
        std::fs::copy(
            example("northgate-council-leisure").join(name),
            policies.join(name),
        )
        .unwrap();
    }
    std::fs::write(
        policies.join("drafts/online-safety.md"),
        "# Online safety (draft)\n\nStaff who are harassed online should tell their line manager, who will help them keep screenshots as evidence.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("policy-audit.yaml"), config).unwrap();
    std::fs::create_dir_all(dir.path().join("sub/folder")).unwrap();
    dir
}

fn document_paths(report: &Value) -> Vec<String> {
    report["organisations"][0]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_config_is_found_in_a_parent_folder_and_the_command_line_wins() {
    let repo = repository(
        "paths: [policies]\nout: audit-out\nformat: [json, markdown]\nfail_on: never\nexclude: ['**/drafts/**']\n",
    );
    let run = audit_in(&repo.path().join("sub/folder"), "../../audit-out", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs = document_paths(&run.report);
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert!(docs.iter().all(|d| !d.contains("drafts")), "{docs:?}");
    assert!(repo.path().join("audit-out/report.md").exists());
    assert!(!repo.path().join("audit-out/index.html").exists());

    let run = audit_in(repo.path(), "audit-out", &["--fail-on", "must"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let run = audit_in(
        repo.path(),
        "audit-out",
        &[
            "--no-config",
            "--fail-on",
            "never",
            "--out",
            "audit-out",
            "policies",
        ],
    );
    assert_eq!(
        document_paths(&run.report).len(),
        3,
        "--no-config ignores the excludes"
    );
}

#[test]
fn severity_overrides_and_disabled_rules_come_from_the_config() {
    let base = repository("paths: [policies]\nout: out\n");
    let run = audit_in(base.path(), "out", &[]);
    let gaps = must_gaps(&run.report);
    assert!(gaps.len() >= 2);
    let mut config = String::from("paths: [policies]\nout: out\nseverity:\n");
    for rule in &gaps[1..] {
        config.push_str(&format!("  {rule}: should\n"));
    }
    config.push_str(&format!("disable: [{}]\n", gaps[0]));
    std::fs::write(base.path().join("policy-audit.yaml"), config).unwrap();
    let run = audit_in(base.path(), "out", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(findings(&run.report).len(), 33);
    assert!(findings(&run.report)
        .iter()
        .all(|f| f["rule"] != gaps[0].as_str()));
    assert_eq!(
        run.report["rule_packs"][0]["disabled_rules"][0],
        gaps[0].as_str()
    );
}

#[test]
fn every_config_mistake_is_reported_at_once_with_its_position() {
    let repo = repository(
        "paths: [policies]\nfail_on: sometimes\nformats: [json]\nseverity:\n  CB-NOPE: must\nwaivers: missing-file.yaml\n",
    );
    let run = audit_in(repo.path(), "policy-audit-report", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    for expected in [
        "policy-audit.yaml:2:10: fail_on: `sometimes` is not one of must, should, may, never",
        "policy-audit.yaml:3:1: unknown field `formats`",
        "policy-audit.yaml:5:12: unknown rule `CB-NOPE`",
        "missing-file.yaml:1:1: cannot read the waivers file",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    // The offending line is shown under each error.
    assert!(
        run.stderr.contains(" 2 | fail_on: sometimes"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_then_audit_works_and_init_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let init = bin().current_dir(dir.path()).arg("init").output().unwrap();
    assert!(init.status.success());
    let files = [
        "policy-audit.yaml",
        "policy-audit-waivers.yaml",
        ".github/workflows/policy-audit.yml",
    ];
    let before: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap())
        .collect();

    // An empty repository: every requirement is missing, and the run says why.
    let run = audit_in(dir.path(), "policy-audit-report", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("no policy documents found"),
        "{}",
        run.stderr
    );
    for report in ["index.html", "report.json", "report.sarif", "report.md"] {
        assert!(
            dir.path().join("policy-audit-report").join(report).exists(),
            "{report}"
        );
    }

    // With policies (and a README that is not one), twice: the reports are never audited.
    for name in ["code-of-conduct.md", "acceptable-use-policy.md"] {
        std::fs::copy(
            example("northgate-council-leisure").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("README.md"), "# Our policies\n").unwrap();
    audit_in(dir.path(), "policy-audit-report", &[]);
    let run = audit_in(dir.path(), "policy-audit-report", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut docs = document_paths(&run.report);
    docs.sort();
    assert_eq!(
        docs,
        vec!["./acceptable-use-policy.md", "./code-of-conduct.md"]
    );
    assert!(run.report["organisations"][0]["skipped"]
        .as_array()
        .unwrap()
        .is_empty());

    let again = bin().current_dir(dir.path()).arg("init").output().unwrap();
    assert!(again.status.success());
    assert!(!String::from_utf8_lossy(&again.stdout).contains("created"));
    for (file, text) in files.iter().zip(&before) {
        assert_eq!(
            &std::fs::read_to_string(dir.path().join(file)).unwrap(),
            text
        );
    }
}

#[test]
fn the_readme_shows_the_workflow_init_writes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let workflow = std::fs::read_to_string(root.join("templates/init/workflow.yml")).unwrap();
    let steps: Vec<&str> = workflow
        .lines()
        .map(|l| l.trim().trim_start_matches("- "))
        .filter(|l| l.starts_with("uses:") || l.starts_with("run:") || l.starts_with("sarif_file:"))
        .collect();
    assert!(steps.len() >= 5);
    for step in steps {
        let step = step.split(" #").next().unwrap().trim();
        assert!(readme.contains(step), "README lacks `{step}`");
    }
}

const EXTRA_RULE: &str = "rules:\n  - id: LOCAL-LONE-WORKING\n    title: Lone workers have a check-in routine\n    severity: should\n    description: Lone workers agree when they will check in.\n    source: {document: Our lone working standard, section: Check-ins}\n    elements:\n      - id: check-in\n        description: A check-in routine is set.\n        near:\n          sets:\n            - [\"@staff\", lone worker, lone workers]\n            - [check in, check-in, buddy]\n    remediation: Agree a check-in time with a named colleague.\n";

#[test]
fn extra_rules_extend_the_built_in_pack_and_rules_check_checks_them_that_way() {
    let repo = repository("paths: [policies]\nout: out\nextra_rules: [local.yaml]\n");
    std::fs::write(repo.path().join("local.yaml"), EXTRA_RULE).unwrap();
    let run = audit_in(repo.path(), "out", &["--fail-on", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(findings(&run.report).len(), 35);
    assert!(findings(&run.report)
        .iter()
        .any(|f| f["rule"] == "LOCAL-LONE-WORKING"));

    let check = bin()
        .current_dir(repo.path())
        .args(["rules", "check", "local.yaml"])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    // A mistake is shown with its position and the offending line.
    std::fs::write(
        repo.path().join("local.yaml"),
        EXTRA_RULE.replace("\"@staff\"", "\"@staf\""),
    )
    .unwrap();
    let check = bin()
        .current_dir(repo.path())
        .args(["rules", "check", "local.yaml"])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(
        stderr.contains("local.yaml:12:16: unknown term set `@staf`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("12 |             - [\"@staf\", lone worker"),
        "{stderr}"
    );
}
