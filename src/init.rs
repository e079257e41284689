//! `policy-audit init`: scaffold a policy repository — a configuration, an empty waivers file
//! and a CI workflow. Existing files are never touched, so running it twice changes nothing.

use chrono::NaiveDate;
use std::io::Write;
use std::path::{Path, PathBuf};

const CONFIG: &str = include_str!("../templates/init/policy-audit.yaml");
const WAIVERS: &str = include_str!("../templates/init/policy-audit-waivers.yaml");
const WORKFLOW: &str = include_str!("../templates/init/workflow.yml");

/// What happened to one file.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Created(PathBuf),
    /// It already existed and was left as it was.
    Kept(PathBuf),
}

/// Write the scaffold into `dir`. The waivers example expires six months after `today`, so
/// it stays a sensible date to copy.
pub fn scaffold(dir: &Path, today: NaiveDate) -> std::io::Result<Vec<Outcome>> {
    let expires = today
        .checked_add_months(chrono::Months::new(6))
        .unwrap_or(today)
        .format("%Y-%m-%d")
        .to_string();
    let files = [
        (PathBuf::from(crate::config::FILE_NAME), CONFIG.to_string()),
        (
            PathBuf::from("policy-audit-waivers.yaml"),
            WAIVERS.replace("{expires}", &expires),
        ),
        (
            Path::new(".github")
                .join("workflows")
                .join("policy-audit.yml"),
            WORKFLOW.to_string(),
        ),
    ];
    let mut outcomes = Vec::new();
    for (name, text) in files {
        let path = dir.join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // `create_new` fails if the file exists, even if it appeared a moment ago.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(text.as_bytes())?;
                outcomes.push(Outcome::Created(name));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                outcomes.push(Outcome::Kept(name));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(outcomes)
}
