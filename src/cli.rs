//! The command line, as fixed in CONTRACTS.md.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "policy-audit",
    version,
    about = "Audit staff policies against UK guidance on protecting staff and volunteers from cyberbullying and cyberstalking"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit organisations' policies and write a gap report.
    Audit(AuditArgs),
    /// List, show, check and test rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Set up a policy repository: policy-audit.yaml, a waivers file and a CI workflow.
    /// Files that already exist are left alone.
    Init {
        /// The repository's folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Show how a document was read: blocks, kinds, headings and lines.
    Extract {
        /// The document to read.
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Compare two report.json files: fails (exit 1) only if a requirement got worse.
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The baseline report.json.
    pub old: PathBuf,
    /// The new report.json.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: DiffFormat,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Folders or files; each is one organisation (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Treat each immediate subfolder of each PATH as one organisation.
    #[arg(long)]
    pub portfolio: bool,
    /// Rule file or folder (repeatable); replaces the built-in pack.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Report formats, comma-separated: html, json, sarif, junit, markdown, csv [default: html,json]
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    pub format: Option<Vec<ReportFormat>>,
    /// Where report files go [default: policy-audit-report]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The lowest severity whose gaps fail the audit: must, should, may, never [default: must]
    #[arg(long, value_enum, value_name = "LEVEL", hide_possible_values = true)]
    pub fail_on: Option<FailOn>,
    /// The audit date, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Waivers file (YAML).
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// Configuration file (default: policy-audit.yaml in this folder or a parent).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Do not look for policy-audit.yaml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Largest document read, in megabytes [default: 50]
    #[arg(long, value_name = "MB")]
    pub max_file_mb: Option<u64>,
    /// Print nothing to the terminal.
    #[arg(long, short)]
    pub quiet: bool,
    /// Colour in the terminal summary.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules of a pack.
    List(PackArg),
    /// Show one rule in full.
    Show {
        id: String,
        #[command(flatten)]
        pack: PackArg,
    },
    /// Validate rule files and report every error.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run every rule's built-in examples.
    Test(PackArg),
}

#[derive(Debug, Args)]
pub struct PackArg {
    /// Rule file or folder (repeatable); default: the built-in pack.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum ReportFormat {
    Html,
    Json,
    Sarif,
    Junit,
    Markdown,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Must,
    Should,
    May,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}
