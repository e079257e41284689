//! `rules test`: each rule's examples, audited alone, must get the status they are filed under.

use crate::analysis::Analyzer;
use crate::document::Format;
use crate::engine::{self, Status};
use crate::ingest;
use crate::rules::RulePack;
use chrono::NaiveDate;
use std::path::Path;

/// One example that did not behave.
#[derive(Debug)]
pub struct ExampleFailure {
    pub rule: String,
    pub expected: Status,
    pub got: Status,
    pub index: usize,
    pub text: String,
}

pub struct ExampleRun {
    pub checked: usize,
    pub failures: Vec<ExampleFailure>,
    /// Rules with fewer than two `met` or two `missing` examples.
    pub thin: Vec<String>,
}

/// Run every example of every rule. `as_of` applies where a rule gives none.
pub fn run(pack: &RulePack, as_of: NaiveDate) -> ExampleRun {
    let analyzer = Analyzer::default();
    let mut run = ExampleRun {
        checked: 0,
        failures: Vec::new(),
        thin: Vec::new(),
    };
    for rule in &pack.rules {
        let ex = &rule.examples;
        if ex.met.len() < 2 || ex.missing.len() < 2 {
            run.thin.push(rule.id.clone());
        }
        let date = ex.as_of.unwrap_or(as_of);
        let cases = [
            (Status::Met, &ex.met),
            (Status::Partial, &ex.partial),
            (Status::Missing, &ex.missing),
        ];
        for (expected, texts) in cases {
            for (index, text) in texts.iter().enumerate() {
                run.checked += 1;
                let name = format!("{}-example-{}-{}.md", rule.id, expected.name(), index + 1);
                let got = match ingest::parse(Path::new(&name), Format::Markdown, text.as_bytes()) {
                    Ok(doc) => {
                        let prepared = [engine::prepare(&doc, pack, &analyzer)];
                        engine::evaluate_one(pack, rule, &prepared, date).status
                    }
                    Err(_) => Status::Missing,
                };
                if got != expected {
                    run.failures.push(ExampleFailure {
                        rule: rule.id.clone(),
                        expected,
                        got,
                        index: index + 1,
                        text: text.clone(),
                    });
                }
            }
        }
    }
    run
}
