//! The CI formats, `report.sarif` and `junit.xml`, read back as code scanning and test
//! viewers read them: SARIF checked against the official 2.1.0 schema (vendored in
//! tests/schemas) and against report.json from the same run; JUnit walked as XML.

use assert_cmd::Command;
use quick_xml::events::Event;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const AS_OF: &str = "2026-11-21";
const EXAMPLES: [&str; 3] = [
    "examples/northgate-council-leisure",
    "examples/riverside-youth-trust",
    "examples/oakfield-primary",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files of one run.
struct Run {
    code: i32,
    sarif: Value,
    sarif_bytes: Vec<u8>,
    junit: String,
    report: Value,
    _out: tempfile::TempDir,
}

/// Audit `paths` (as given: relative ones are relative to `cwd`) from `cwd`.
fn audit(cwd: &Path, paths: &[&str], extra: &[&str]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("policy-audit")
        .unwrap()
        .current_dir(cwd)
        .arg("audit")
        .args(paths)
        .args(["--as-of", AS_OF, "--format", "sarif,junit,json", "--quiet"])
        .arg("--out")
        .arg(out.path())
        .args(extra)
        .output()
        .unwrap();
    let read = |name: &str| {
        std::fs::read(out.path().join(name)).unwrap_or_else(|e| {
            panic!(
                "{name}: {e}\nstderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
    };
    let sarif_bytes = read("report.sarif");
    Run {
        code: output.status.code().unwrap_or(-1),
        sarif: serde_json::from_slice(&sarif_bytes).expect("report.sarif is JSON"),
        sarif_bytes,
        junit: String::from_utf8(read("junit.xml")).expect("junit.xml is UTF-8"),
        report: serde_json::from_slice(&read("report.json")).expect("report.json is JSON"),
        _out: out,
    }
}

fn validate_sarif(sarif: &Value) {
    let errors = sarif_errors(sarif);
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

fn sarif_errors(sarif: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles as draft 4");
    validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn requirement_ids() -> BTreeSet<String> {
    std::fs::read_to_string(root().join("tests/requirement-ids.txt"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

fn results(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["results"].as_array().expect("results")
}

fn percent_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// A result's location: (uri, startLine); asserts it is a relative reference to a file that
/// exists under `cwd`.
fn relative_location(result: &Value, cwd: &Path) -> (String, u64) {
    let place = &result["locations"][0]["physicalLocation"];
    let uri = place["artifactLocation"]["uri"]
        .as_str()
        .expect("artifactLocation.uri")
        .to_string();
    assert!(
        !uri.starts_with('/') && !uri.contains(':'),
        "not a relative reference: {uri}"
    );
    assert!(
        uri.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
        "unencoded character in {uri}"
    );
    assert_eq!(place["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert!(
        cwd.join(percent_decode(&uri)).is_file(),
        "{uri} is not a file under {}",
        cwd.display()
    );
    let line = place["region"]["startLine"].as_u64().expect("startLine");
    assert!(line >= 1, "{uri}: startLine {line}");
    (uri, line)
}

fn level_of(severity: &str) -> &'static str {
    match severity {
        "must" => "error",
        "should" => "warning",
        _ => "note",
    }
}

#[test]
fn sarif_is_valid_and_matches_the_json_report() {
    let run = audit(&root(), &EXAMPLES, &[]);
    assert_eq!(run.code, 1, "the examples have must gaps");
    validate_sarif(&run.sarif);
    // The check itself bites: each of these breaks the schema. (Draft 4 knows no
    // `uri-reference` format, so URIs are checked by `relative_location` instead.)
    for (pointer, bad) in [
        ("/runs/0/results/0/level", Value::from("fatal")),
        (
            "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
            Value::from(0),
        ),
        (
            "/runs/0/tool/driver/rules/0/shortDescription",
            Value::from("text"),
        ),
    ] {
        let mut broken = run.sarif.clone();
        *broken.pointer_mut(pointer).unwrap() = bad;
        assert!(!sarif_errors(&broken).is_empty(), "{pointer} not checked");
    }
    assert_eq!(run.sarif["version"], "2.1.0");
    assert_eq!(run.sarif["runs"].as_array().unwrap().len(), 1);

    let driver = &run.sarif["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "policy-audit");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let rule_ids: BTreeSet<String> = rules
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rule_ids, requirement_ids(), "every pack rule is described");
    assert_eq!(rules.len(), 34);
    for r in rules {
        for field in ["shortDescription", "fullDescription"] {
            assert!(!r[field]["text"].as_str().unwrap().is_empty());
        }
        assert!(r["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("**Guidance:**"));
        let severity = r["properties"]["severity"].as_str().unwrap();
        assert_eq!(r["defaultConfiguration"]["level"], level_of(severity));
    }

    // One result per partial, missing or waived finding, in the report's order.
    let mut expected = Vec::new();
    for org in run.report["organisations"].as_array().unwrap() {
        for f in org["findings"].as_array().unwrap() {
            if ["partial", "missing", "waived"].contains(&f["status"].as_str().unwrap()) {
                expected.push((org, f));
            }
        }
    }
    let results = results(&run.sarif);
    assert!(!results.is_empty());
    assert_eq!(results.len(), expected.len());
    for (result, (org, finding)) in results.iter().zip(&expected) {
        assert_eq!(result["ruleId"], finding["rule"]);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], finding["rule"]);
        assert_eq!(
            result["level"],
            level_of(finding["severity"].as_str().unwrap())
        );
        let message = result["message"]["text"].as_str().unwrap();
        assert!(
            message.contains(org["name"].as_str().unwrap()),
            "several organisations: the message names its own: {message}"
        );
        let (uri, line) = relative_location(result, &root());
        if finding["status"] == "partial" {
            let first = &finding["evidence"][0];
            assert_eq!(uri, first["document"].as_str().unwrap());
            assert_eq!(line, first["line"].as_u64().unwrap());
            assert!(message.contains("Evidence: "), "{message}");
        } else {
            let place = &finding["suggested_location"];
            assert_eq!(uri, place["document"].as_str().unwrap());
            assert_eq!(line, place["line"].as_u64().unwrap());
            assert!(message.contains("would best go in"), "{message}");
        }
        for e in finding["elements"].as_array().unwrap() {
            let id = e["id"].as_str().unwrap();
            let said = if e["found"] == true {
                message
                    .lines()
                    .any(|l| l.starts_with("Found:") && l.contains(id))
            } else {
                message
                    .lines()
                    .any(|l| l.starts_with("Not found") && l.contains(&format!(": {id} —")))
            };
            assert!(said, "element {id} not reported in: {message}");
        }
    }
}

#[test]
fn fingerprints_are_stable_unique_and_independent_of_lines() {
    let first = audit(&root(), &EXAMPLES, &[]);
    let second = audit(&root(), &EXAMPLES, &[]);
    assert_eq!(
        first.sarif_bytes, second.sarif_bytes,
        "same inputs give the same file"
    );
    let prints = |run: &Run| -> Vec<String> {
        results(&run.sarif)
            .iter()
            .map(|r| {
                r["partialFingerprints"]["policyAudit/v1"]
                    .as_str()
                    .expect("fingerprint")
                    .to_string()
            })
            .collect()
    };
    let all = prints(&first);
    assert_eq!(all.len(), all.iter().collect::<BTreeSet<_>>().len());

    // Move every passage down: locations change, fingerprints do not.
    let tmp = tempfile::tempdir().unwrap();
    let src = root().join(EXAMPLES[0]);
    let org = tmp.path().join("northgate");
    std::fs::create_dir(&org).unwrap();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // After the front matter, so the organisation's name is still read.
        let end = text[3..].find("---\n").unwrap() + 7;
        let shifted = format!("{}\n\n\n\n\n{}", &text[..end], &text[end..]);
        std::fs::write(org.join(path.file_name().unwrap()), shifted).unwrap();
    }
    let moved = audit(tmp.path(), &["northgate"], &[]);
    let alone = audit(&root(), &[EXAMPLES[0]], &[]);
    let located = |run: &Run| -> BTreeMap<String, (String, u64)> {
        results(&run.sarif)
            .iter()
            .map(|r| {
                let place = &r["locations"][0]["physicalLocation"];
                (
                    r["partialFingerprints"]["policyAudit/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    (
                        r["ruleId"].as_str().unwrap().to_string(),
                        place["region"]["startLine"].as_u64().unwrap(),
                    ),
                )
            })
            .collect()
    };
    let (before, after) = (located(&alone), located(&moved));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let mut moved_down = 0;
    for (print, (rule, line)) in &before {
        assert_eq!(after[print].0, *rule);
        // Passages in the front matter (a review date) stay where they were.
        let now = after[print].1;
        assert!(
            now == *line || now == line + 5,
            "{rule}: line {line} → {now}"
        );
        moved_down += usize::from(now == line + 5);
    }
    assert!(moved_down > before.len() / 2, "most results moved down");
    // The same organisation and rule keep their fingerprint whoever else is audited with them.
    assert!(before.keys().all(|p| all.contains(p)));
}

#[test]
fn paths_with_spaces_are_percent_encoded_and_absolute_ones_made_relative() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("Staff Policies");
    std::fs::create_dir(&org).unwrap();
    std::fs::write(
        org.join("staff code #1.md"),
        "# Staff code of conduct\n\n## Reporting\n\nStaff who are targeted online must report it.\n",
    )
    .unwrap();
    let absolute = org.to_str().unwrap().to_string();
    for path in ["Staff Policies", absolute.as_str()] {
        let run = audit(tmp.path(), &[path], &[]);
        validate_sarif(&run.sarif);
        let results = results(&run.sarif);
        assert!(!results.is_empty());
        for r in results {
            let (uri, _) = relative_location(r, tmp.path());
            assert_eq!(uri, "Staff%20Policies/staff%20code%20%231.md");
        }
    }
    // Outside the working folder: an absolute file URI, still encoded.
    let elsewhere = tempfile::tempdir().unwrap();
    let run = audit(elsewhere.path(), &[absolute.as_str()], &[]);
    validate_sarif(&run.sarif);
    let place = &results(&run.sarif)[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    let uri = place["uri"].as_str().unwrap();
    assert!(uri.starts_with("file:///"), "{uri}");
    assert!(
        uri.ends_with("/Staff%20Policies/staff%20code%20%231.md"),
        "{uri}"
    );
    assert!(place.get("uriBaseId").is_none());
}

#[test]
fn unreadable_documents_are_reported_in_both_formats() {
    let tmp = tempfile::tempdir().unwrap();
    // One organisation with nothing readable, one with a readable and a broken document.
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    std::fs::write(tmp.path().join("empty/broken.docx"), "not a zip").unwrap();
    std::fs::create_dir(tmp.path().join("mixed")).unwrap();
    std::fs::write(
        tmp.path().join("mixed/conduct.md"),
        "# Conduct\n\nStaff must report online abuse to their line manager.\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("mixed/old.docx"), "not a zip either").unwrap();
    let run = audit(tmp.path(), &["empty", "mixed"], &["--fail-on", "never"]);
    assert_eq!(run.code, 2);
    validate_sarif(&run.sarif);

    let invocation = &run.sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    let mut named: Vec<&str> = notes
        .iter()
        .map(|n| {
            assert_eq!(n["level"], "error");
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    named.sort();
    assert_eq!(named, ["empty/broken.docx", "mixed/old.docx"]);
    assert!(notes.iter().all(|n| {
        let text = n["message"]["text"].as_str().unwrap();
        text.contains(".docx could not be read: ")
    }));

    // With no readable document, gaps point at the first file listed.
    for r in results(&run.sarif) {
        let (uri, line) = relative_location(r, tmp.path());
        if r["properties"]["organisation"] == run.report["organisations"][0]["name"] {
            assert_eq!((uri.as_str(), line), ("empty/broken.docx", 1));
        }
    }

    let suites = junit_suites(&run.junit);
    assert_eq!(suites.len(), 2);
    for suite in &suites {
        assert_eq!(suite.attrs["errors"], "1");
        assert_eq!(suite.attrs["failures"], "0", "--fail-on never");
        assert_eq!(suite.system_err.len(), 1);
        assert!(suite.system_err[0].contains(".docx: "));
    }
}

#[test]
fn paragraph_and_page_numbers_are_named_as_such() {
    for (file, unit) in [("source.docx", "paragraph"), ("source.pdf", "page")] {
        let path = format!("tests/fixtures/formats/{file}");
        let run = audit(&root(), &[&path], &["--fail-on", "never"]);
        validate_sarif(&run.sarif);
        let results = results(&run.sarif);
        assert!(!results.is_empty());
        for r in results {
            let (uri, line) = relative_location(r, &root());
            assert_eq!(uri, path);
            let text = r["message"]["text"].as_str().unwrap();
            assert!(
                text.contains(&format!("Line {line} here means {unit} {line}")),
                "{text}"
            );
        }
    }
}

/// A `<testsuite>` as read back.
#[derive(Default)]
struct Suite {
    attrs: BTreeMap<String, String>,
    /// (name, classname, what it holds: "failure:<type>", "skipped", "system-out").
    cases: Vec<(String, String, Vec<String>)>,
    system_err: Vec<String>,
}

/// Walk junit.xml with a strict reader; panics on anything that is not well-formed.
fn junit_suites(xml: &str) -> Vec<Suite> {
    assert!(
        xml.chars()
            .all(|c| matches!(c, '\t' | '\n' | '\r') || c >= ' '),
        "a character XML 1.0 forbids"
    );
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let attrs = |e: &quick_xml::events::BytesStart| -> BTreeMap<String, String> {
        e.attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                (
                    String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                    a.normalized_value(quick_xml::XmlVersion::default())
                        .expect("escaped value")
                        .into_owned(),
                )
            })
            .collect()
    };
    let mut suites = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut roots = 0;
    loop {
        let event = reader.read_event().expect("junit.xml is well-formed XML");
        let (start, name) = match &event {
            Event::Start(e) => (Some(attrs(e)), e.name().as_ref().to_vec()),
            Event::Empty(e) => (Some(attrs(e)), e.name().as_ref().to_vec()),
            Event::End(e) => (None, e.name().as_ref().to_vec()),
            Event::Text(t) => {
                text.push_str(&t.xml10_content().unwrap());
                continue;
            }
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap();
                text.push_str(match &*name {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("undeclared entity &{other};"),
                });
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = String::from_utf8(name).unwrap();
        if let Some(attrs) = start {
            if stack.is_empty() {
                roots += 1;
                assert_eq!(name, "testsuites");
            }
            match name.as_str() {
                "testsuite" => suites.push(Suite {
                    attrs,
                    ..Suite::default()
                }),
                "testcase" => {
                    let suite = suites.last_mut().expect("testcase inside a testsuite");
                    suite.cases.push((
                        attrs["name"].clone(),
                        attrs["classname"].clone(),
                        Vec::new(),
                    ));
                }
                "failure" => {
                    let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
                    assert!(!attrs["message"].is_empty());
                    case.2.push(format!("failure:{}", attrs["type"]));
                }
                "skipped" => {
                    let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
                    case.2.push(format!("skipped:{}", attrs["message"]));
                }
                "system-out" => {
                    let case = suites.last_mut().unwrap().cases.last_mut().unwrap();
                    case.2.push("system-out".to_string());
                }
                _ => {}
            }
            text.clear();
            if matches!(event, Event::Start(_)) {
                stack.push(name);
            }
        } else {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()));
            if name == "system-err" {
                let suite = suites.last_mut().expect("system-err inside a testsuite");
                suite.system_err.push(std::mem::take(&mut text));
            }
        }
    }
    assert_eq!(roots, 1);
    assert!(stack.is_empty());
    suites
}

#[test]
fn junit_has_a_testcase_per_rule_and_fails_what_the_audit_fails() {
    let ids = requirement_ids();
    for (threshold, failing) in [
        (None, &["must"][..]),
        (Some("should"), &["must", "should"][..]),
        (Some("never"), &[][..]),
    ] {
        let extra: Vec<&str> = threshold.map(|t| vec!["--fail-on", t]).unwrap_or_default();
        let run = audit(&root(), &EXAMPLES, &extra);
        let suites = junit_suites(&run.junit);
        let orgs = run.report["organisations"].as_array().unwrap();
        assert_eq!(suites.len(), orgs.len());
        for (suite, org) in suites.iter().zip(orgs) {
            assert_eq!(suite.attrs["name"], org["name"].as_str().unwrap());
            assert_eq!(suite.cases.len(), 34);
            assert_eq!(suite.attrs["tests"], "34");
            let names: BTreeSet<String> = suite
                .cases
                .iter()
                .map(|(name, _, _)| name.split(':').next().unwrap().to_string())
                .collect();
            assert_eq!(names, ids, "one testcase per rule");
            let mut failures = 0;
            let mut skipped = 0;
            for (f, (name, _, held)) in org["findings"].as_array().unwrap().iter().zip(&suite.cases)
            {
                assert_eq!(
                    name,
                    &format!(
                        "{}: {}",
                        f["rule"].as_str().unwrap(),
                        f["title"].as_str().unwrap()
                    )
                );
                let status = f["status"].as_str().unwrap();
                let severity = f["severity"].as_str().unwrap();
                let gap = status == "partial" || status == "missing";
                let want: Vec<String> = if gap && failing.contains(&severity) {
                    failures += 1;
                    vec![format!("failure:{severity}")]
                } else if gap {
                    vec!["system-out".to_string()]
                } else if status == "not_applicable" {
                    skipped += 1;
                    vec!["skipped:not applicable".to_string()]
                } else {
                    assert_eq!(status, "met");
                    Vec::new()
                };
                assert_eq!(held, &want, "{name} ({status}, {severity})");
            }
            assert_eq!(suite.attrs["failures"], failures.to_string());
            assert_eq!(suite.attrs["skipped"], skipped.to_string());
            assert_eq!(suite.attrs["errors"], "0");
            assert_eq!(org["summary"]["passed"], failures == 0);
        }
    }
}

#[test]
fn hostile_text_cannot_break_the_xml_or_the_sarif() {
    let tmp = tempfile::tempdir().unwrap();
    let org = tmp.path().join("org");
    std::fs::create_dir(&org).unwrap();
    std::fs::write(
        org.join("policy.md"),
        "---\norganisation: \"Smith & <Jones> \\\"Trust\\\" \\x07 ]]> --\"\n---\n\n\
         # Staff conduct online\n\n## 1. Reporting \u{1} \\<abuse\\> & \"threats\"\n\n\
         Staff who are targeted online must report it to their line manager or the \
         \\<designated\\> \"lead\" & keep evidence \u{1} of it.\n",
    )
    .unwrap();
    let run = audit(tmp.path(), &["org"], &[]);
    // The tricky characters did reach the report, so this test tests something.
    let name = run.report["organisations"][0]["name"].as_str().unwrap();
    assert_eq!(name, "Smith & <Jones> \"Trust\" \u{7} ]]> --");
    assert!(run.report.to_string().contains("\\u0001"));

    let suites = junit_suites(&run.junit);
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0].attrs["name"], "Smith & <Jones> \"Trust\" ]]> --");
    assert_eq!(suites[0].cases.len(), 34);
    assert!(run.junit.contains("&lt;abuse&gt; &amp;"));

    validate_sarif(&run.sarif);
    assert!(results(&run.sarif).iter().any(|r| r["message"]["text"]
        .as_str()
        .unwrap()
        .contains("<abuse> & \"threats\"")));
}
