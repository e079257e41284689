//! policy-audit: audits staff policies against a YAML rule pack and writes a gap report.
//!
//! The pipeline, top to bottom:
//! PATHs → organisations and their files (`corpus`) → documents (`ingest`) → each block
//! analysed once and its phrases found (`engine::prepare`) → every rule judged met / partial /
//! missing with its evidence (`engine::evaluate`) → findings and a summary per organisation
//! (`audit`) → report files (`report`).

pub mod analysis;
pub mod audit;
pub mod boilerplate;
pub mod cli;
pub mod closest;
pub mod config;
pub mod corpus;
pub mod diff;
pub mod document;
pub mod engine;
pub mod examples;
pub mod ingest;
pub mod init;
pub mod report;
pub mod rules;
pub mod settings;
pub mod waivers;
pub mod yaml;

use audit::{DocEntry, OrgAudit, PackInfo, Report, Tool};
use chrono::NaiveDate;
use corpus::Source;
use document::Document;
use rayon::prelude::*;
use rules::{RulePack, Severity};
use std::path::PathBuf;

/// What to audit and how.
pub struct AuditRequest {
    pub paths: Vec<PathBuf>,
    pub portfolio: bool,
    pub as_of: NaiveDate,
    /// `None` = never fail.
    pub fail_on: Option<Severity>,
    pub max_bytes: u64,
    /// Which files are audited (include/exclude globs, the report folder left out).
    pub files: config::FileFilter,
    pub waivers: Vec<waivers::Waiver>,
}

/// Why an audit could not run.
#[derive(Debug)]
pub enum AuditError {
    /// A PATH that does not exist or cannot be listed.
    Paths(String),
    /// Mistakes in the waivers file that only the audit reveals (an unknown organisation).
    Config(Vec<yaml::SourceError>),
}

/// The report, and what the exit code needs to know.
pub struct AuditRun {
    pub report: Report,
    /// Documents that could not be read (path, reason).
    pub read_errors: Vec<(String, String)>,
}

impl AuditRun {
    pub fn failed(&self) -> bool {
        self.report.organisations.iter().any(|o| !o.summary.passed)
    }
}

/// Run the whole audit. Unreadable documents are listed in the report, never fatal.
pub fn audit(pack: &RulePack, request: &AuditRequest) -> Result<AuditRun, AuditError> {
    let orgs = corpus::organisations(&request.paths, request.portfolio, &request.files)
        .map_err(AuditError::Paths)?;
    let analyzer = analysis::Analyzer::default();
    let mut read_errors = Vec::new();
    let mut organisations = Vec::new();
    for org in &orgs {
        let (docs, entries) = read_documents(org, request.max_bytes);
        read_errors.extend(
            entries
                .iter()
                .filter_map(|e| Some((e.path.clone(), e.error.clone()?))),
        );
        let prepared: Vec<engine::Prepared> = docs
            .par_iter()
            .map(|d| engine::prepare(d, pack, &analyzer))
            .collect();
        let outcomes = engine::evaluate(pack, &prepared, request.as_of);
        let index = closest::Index::new(&prepared);
        let mut findings = audit::findings(pack, &outcomes, &prepared, &index);
        let name = organisation_name(&org.path, &docs);
        let path = org.path.display().to_string();
        waivers::apply(&mut findings, &name, &path, &request.waivers, request.as_of);
        organisations.push(OrgAudit {
            name,
            path,
            documents: entries,
            skipped: org
                .skipped
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            summary: audit::summarise(&findings, request.fail_on),
            findings,
        });
    }
    let audited: Vec<(&str, &str)> = organisations
        .iter()
        .map(|o| (o.name.as_str(), o.path.as_str()))
        .collect();
    let unknown = waivers::unknown_organisations(&request.waivers, &audited);
    if !unknown.is_empty() {
        return Err(AuditError::Config(unknown));
    }
    Ok(AuditRun {
        report: Report {
            schema_version: 1,
            tool: Tool {
                name: "policy-audit",
                version: env!("CARGO_PKG_VERSION"),
            },
            as_of: request.as_of.format("%Y-%m-%d").to_string(),
            rule_packs: vec![PackInfo {
                name: pack.name.clone(),
                version: pack.version.clone(),
                disabled_rules: pack.disabled.clone(),
            }],
            organisations,
            fail_on: request.fail_on,
        },
        read_errors,
    })
}

/// Read an organisation's files in parallel (keeping their sorted order): the documents that
/// could be read, and an entry for every file, with the reason where one could not.
fn read_documents(org: &corpus::Organisation, max_bytes: u64) -> (Vec<Document>, Vec<DocEntry>) {
    let results: Vec<Result<Document, String>> = org
        .sources
        .par_iter()
        .map(|source| match source {
            Source::File { path, format } => {
                ingest::read(path, *format, max_bytes).map_err(|e| e.to_string())
            }
            Source::Unlistable { reason, .. } => Err(reason.clone()),
        })
        .collect();
    let mut docs = Vec::new();
    let mut entries = Vec::new();
    for (source, result) in org.sources.iter().zip(results) {
        let path = source.path().display().to_string();
        entries.push(match &result {
            Ok(doc) => DocEntry {
                path,
                format: Some(doc.format.name()),
                kind: Some(doc.kind.name()),
                title: Some(doc.title.clone()),
                words: doc.words(),
                error: None,
            },
            Err(reason) => DocEntry {
                path,
                format: match source {
                    Source::File { format, .. } => Some(format.name()),
                    Source::Unlistable { .. } => None,
                },
                kind: None,
                title: None,
                words: 0,
                error: Some(reason.clone()),
            },
        });
        docs.extend(result.ok());
    }
    (docs, entries)
}

/// The organisation's name: an `organisation:` front-matter field, else the folder's name.
fn organisation_name(path: &std::path::Path, docs: &[Document]) -> String {
    if let Some(name) = docs.iter().find_map(|d| d.metadata.organisation.clone()) {
        return name;
    }
    let named = if path.is_dir() {
        path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let title = ingest::title_from_path(&named);
    if title.is_empty() {
        "Organisation".to_string()
    } else {
        title
    }
}
