//! PATHs → organisations → source files. Each PATH is one organisation (or, with
//! `--portfolio`, each of its immediate subfolders is).

use crate::config::FileFilter;
use crate::document::Format;
use std::path::{Path, PathBuf};

/// One organisation's files, before reading.
#[derive(Debug, Clone)]
pub struct Organisation {
    pub path: PathBuf,
    /// Readable files, sorted.
    pub sources: Vec<Source>,
    /// Files the tool does not read (unknown extension), listed so nothing is silently ignored.
    pub skipped: Vec<PathBuf>,
}

#[derive(Debug, Clone)]
pub enum Source {
    File {
        path: PathBuf,
        format: Format,
    },
    /// Something found while walking that could not be listed (permissions, a symlink loop).
    Unlistable {
        path: PathBuf,
        reason: String,
    },
}

impl Source {
    pub fn path(&self) -> &Path {
        match self {
            Source::File { path, .. } | Source::Unlistable { path, .. } => path,
        }
    }
}

/// Organisations for the given PATHs, sorted by path.
pub fn organisations(
    paths: &[PathBuf],
    portfolio: bool,
    filter: &FileFilter,
) -> Result<Vec<Organisation>, String> {
    let mut orgs = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(format!("{}: no such file or folder", path.display()));
        }
        if portfolio {
            let mut subfolders: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir() && !is_hidden(p) && filter.walks(p))
                .collect();
            subfolders.sort();
            orgs.extend(subfolders.iter().map(|p| walk(p, filter)));
        } else {
            orgs.push(walk(path, filter));
        }
    }
    Ok(orgs)
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// Every file under `root` (or `root` itself), honouring .gitignore, skipping hidden files and
/// whatever the filter leaves out (the report folder, excluded globs).
fn walk(root: &Path, filter: &FileFilter) -> Organisation {
    let mut org = Organisation {
        path: root.to_path_buf(),
        sources: Vec::new(),
        skipped: Vec::new(),
    };
    let walker = ignore::WalkBuilder::new(root)
        .follow_links(true)
        .require_git(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .filter_entry({
            let filter = filter.clone();
            move |entry| filter.walks(entry.path())
        })
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let path = entry.into_path();
                // A file named on the command line is audited whatever the globs say.
                if path != root && !filter.keeps(&path, root) {
                    continue;
                }
                let format = path
                    .extension()
                    .and_then(|e| Format::from_extension(&e.to_string_lossy()));
                match format {
                    Some(format) => org.sources.push(Source::File { path, format }),
                    None => org.skipped.push(path),
                }
            }
            Err(err) => {
                let path = error_path(&err).unwrap_or_else(|| root.to_path_buf());
                org.sources.push(Source::Unlistable {
                    path,
                    reason: describe_walk_error(&err),
                });
            }
        }
    }
    org
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } => error_path(err),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn describe_walk_error(err: &ignore::Error) -> String {
    match err {
        ignore::Error::Loop { ancestor, .. } => {
            format!("symbolic link loop (points back to {})", ancestor.display())
        }
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            describe_walk_error(err)
        }
        ignore::Error::Io(e) => match e.kind() {
            std::io::ErrorKind::NotFound => "broken link: what it points to does not exist".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied: cannot read it".into(),
            // walkdir's own message repeats the path; the OS reason is enough.
            _ => e
                .get_ref()
                .map_or_else(|| e.to_string(), |inner| inner.to_string()),
        },
        other => other.to_string(),
    }
}
