//! The binary: parse arguments, run the library, map the outcome to an exit code.

use anyhow::Result;
use clap::Parser;
use policy_audit::cli::{AuditArgs, Cli, ColorChoice, Command, PackArg, RulesCommand};
use policy_audit::init::Outcome;
use policy_audit::rules::{self, RulePack};
use policy_audit::{audit, examples, ingest, report, settings, AuditError};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Exit codes, as fixed in CONTRACTS.md.
const OK: u8 = 0;
const GAPS: u8 = 1;
const ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        // `policy-audit extract FILE | head` closing the pipe early is not an error.
        Err(e) if is_broken_pipe(&e) => OK,
        Err(e) => {
            eprintln!("error: {e:#}");
            ERROR
        }
    };
    ExitCode::from(code)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Audit(args) => audit_command(&args),
        Command::Rules(cmd) => rules_command(cmd),
        Command::Init { dir } => {
            let today = chrono::Local::now().date_naive();
            for outcome in policy_audit::init::scaffold(&dir, today)? {
                match outcome {
                    Outcome::Created(p) => println!("created {}", p.display()),
                    Outcome::Kept(p) => println!("kept    {} (already there)", p.display()),
                }
            }
            println!(
                "next: put the policies in this folder, then run `policy-audit audit`; see the workflow for CI"
            );
            Ok(OK)
        }
        Command::Extract { file, json } => extract(&file, json),
        Command::Diff(args) => {
            let old = policy_audit::diff::read_report(&args.old)?;
            let new = policy_audit::diff::read_report(&args.new)?;
            let diff = policy_audit::diff::compare(&old, &new);
            policy_audit::diff::write(&diff, args.format, &mut std::io::stdout().lock())?;
            Ok(if diff.regressed() { GAPS } else { OK })
        }
    }
}

fn audit_command(args: &AuditArgs) -> Result<u8> {
    let cwd = std::env::current_dir()?;
    let today = chrono::Local::now().date_naive();
    let settings = match settings::resolve(args, &cwd, today) {
        Ok(s) => s,
        Err(errors) => return Ok(print_errors(&errors, "configuration")),
    };
    // Refuse an unavailable format before doing any work.
    for format in &settings.formats {
        report::emitter(*format)?;
    }
    if let Some(jobs) = args.jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .ok();
    }
    let run = match audit(&settings.pack, &settings.request) {
        Ok(run) => run,
        Err(AuditError::Paths(message)) => anyhow::bail!(message),
        Err(AuditError::Config(errors)) => return Ok(print_errors(&errors, "waivers")),
    };
    let written = report::write_all(
        &run.report,
        &settings.pack,
        &settings.formats,
        &settings.out,
    )?;
    if !args.quiet {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        let mut err = std::io::stderr().lock();
        report::terminal::summary(
            &run.report,
            &written,
            &report::terminal::Style { color },
            &mut err,
        )?;
    }
    Ok(if !run.read_errors.is_empty() {
        ERROR
    } else if run.failed() {
        GAPS
    } else {
        OK
    })
}

/// Print every error of a YAML input (each with file:line:column and its line), then a count.
fn print_errors(errors: &[policy_audit::yaml::SourceError], what: &str) -> u8 {
    for e in errors {
        eprintln!("error: {e}");
    }
    eprintln!("{} error(s) in the {what}", errors.len());
    ERROR
}

/// The built-in pack, or the given rule files; on errors, print them all.
fn load_pack(paths: &[std::path::PathBuf]) -> std::result::Result<RulePack, u8> {
    let loaded = if paths.is_empty() {
        rules::load_builtin()
    } else {
        rules::load_paths(paths)
    };
    loaded.map_err(|errors| print_errors(&errors.0, "rule pack"))
}

fn rules_command(cmd: RulesCommand) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match cmd {
        RulesCommand::List(PackArg { rules }) => {
            let Ok(pack) = load_pack(&rules) else {
                return Ok(ERROR);
            };
            writeln!(
                out,
                "{} {} — {} rules",
                pack.name,
                pack.version,
                pack.rules.len()
            )?;
            for r in &pack.rules {
                writeln!(out, "{:<24} {:<6} {}", r.id, r.severity.name(), r.title)?;
            }
            Ok(OK)
        }
        RulesCommand::Show { id, pack } => {
            let Ok(pack) = load_pack(&pack.rules) else {
                return Ok(ERROR);
            };
            let Some(r) = pack.rules.iter().find(|r| r.id.eq_ignore_ascii_case(&id)) else {
                eprintln!(
                    "error: no rule `{id}` in {} (see `policy-audit rules list`)",
                    pack.name
                );
                return Ok(ERROR);
            };
            writeln!(out, "{} ({}) — {}", r.id, r.severity.name(), r.title)?;
            writeln!(out, "defined at {}", r.origin)?;
            writeln!(
                out,
                "source: {} — {}\n",
                r.source_document, r.source_section
            )?;
            writeln!(out, "{}\n", r.description)?;
            writeln!(out, "Elements (met = all found, partial = some):")?;
            for e in &r.elements {
                writeln!(out, "  {} — {}", e.id, e.description)?;
                for t in e.searched_terms(&pack.phrases) {
                    writeln!(out, "      looks for: {t}")?;
                }
            }
            writeln!(out, "\nRemediation:\n{}", r.remediation)?;
            let groups = [
                ("met", &r.examples.met),
                ("partial", &r.examples.partial),
                ("missing", &r.examples.missing),
            ];
            for (status, texts) in groups {
                for text in texts.iter() {
                    writeln!(
                        out,
                        "\nExample ({status}):\n    {}",
                        text.trim().replace('\n', "\n    ")
                    )?;
                }
            }
            Ok(OK)
        }
        RulesCommand::Check { files } => {
            // Files without a `pack:` header are extra rules: check them as `extra_rules` uses
            // them, on top of the built-in pack and its term sets.
            let has_header = files.iter().any(|f| {
                std::fs::read_to_string(f).is_ok_and(|t| t.lines().any(|l| l.starts_with("pack:")))
            });
            let standalone = has_header || files.iter().any(|f| f.is_dir());
            let loaded = if standalone {
                rules::load(&files, &[])
            } else {
                rules::load(&[], &files)
            };
            match loaded {
                Ok(p) if standalone => {
                    writeln!(out, "ok: {} rules, no errors", p.rules.len())?;
                    Ok(OK)
                }
                Ok(p) => {
                    writeln!(
                        out,
                        "ok: no errors ({} rules with the built-in pack they extend)",
                        p.rules.len()
                    )?;
                    Ok(OK)
                }
                Err(errors) => Ok(print_errors(&errors.0, "rule files")),
            }
        }
        RulesCommand::Test(PackArg { rules }) => {
            let Ok(pack) = load_pack(&rules) else {
                return Ok(ERROR);
            };
            let today = chrono::Local::now().date_naive();
            let run = examples::run(&pack, today);
            for f in &run.failures {
                writeln!(
                    out,
                    "FAIL {} {} example {}: expected {}, got {}\n    {}",
                    f.rule,
                    f.expected.name(),
                    f.index,
                    f.expected.name(),
                    f.got.name(),
                    f.text.trim().replace('\n', "\n    ")
                )?;
            }
            for id in &run.thin {
                writeln!(
                    out,
                    "warning: {id} has fewer than two `met` or two `missing` examples"
                )?;
            }
            writeln!(
                out,
                "{} rules, {} examples: {} passed, {} failed",
                pack.rules.len(),
                run.checked,
                run.checked - run.failures.len(),
                run.failures.len()
            )?;
            Ok(if run.failures.is_empty() { OK } else { GAPS })
        }
    }
}

fn extract(file: &std::path::Path, json: bool) -> Result<u8> {
    let Some(format) = file
        .extension()
        .and_then(|e| policy_audit::document::Format::from_extension(&e.to_string_lossy()))
    else {
        eprintln!(
            "error: {}: format not supported (supported: .md, .txt, .html, .htm, .docx, .odt, .pdf)",
            file.display()
        );
        return Ok(ERROR);
    };
    let doc = match ingest::read(file, format, ingest::DEFAULT_MAX_BYTES) {
        Ok(doc) => doc,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return Ok(ERROR);
        }
    };
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
        return Ok(OK);
    }
    writeln!(
        out,
        "{} — {} ({}, {} words)",
        doc.path.display(),
        doc.title,
        doc.kind,
        doc.words()
    )?;
    let unit = doc.format.location_unit();
    for b in &doc.blocks {
        let path = if b.heading_path.is_empty() {
            String::new()
        } else {
            format!("  [{}]", b.heading_path.join(" › "))
        };
        let kind = match b.kind {
            policy_audit::document::BlockKind::Heading(level) => format!("heading {level}"),
            k => k.name().to_string(),
        };
        // "line 12", "paragraph 12" or "page 3": the unit a person finds it again by.
        writeln!(
            out,
            "{unit} {:>4}  {:<10}{path}\n    {}",
            b.first_line(),
            kind,
            b.text
        )?;
    }
    Ok(OK)
}
