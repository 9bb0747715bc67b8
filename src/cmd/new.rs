//! `vigie new`: a new incident file, starting now. The only code that writes under
//! `incidents/`, and it never replaces a file.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};

use crate::error::{did_you_mean, Error};
use crate::load::{incident_id, load_config};
use crate::model::Severity;

/// Options of `vigie new`.
#[derive(Debug, Clone)]
pub struct NewOptions {
    pub root: PathBuf,
    pub title: String,
    /// A severity keyword.
    pub severity: String,
    /// Component ids; empty means all.
    pub components: Vec<String>,
    pub now: DateTime<Utc>,
}

/// Runs `vigie new` and says which file it created.
pub fn run(options: &NewOptions) -> Result<(), Error> {
    let path = new_incident(options)?;
    println!("created {}", path.display());
    Ok(())
}

/// Creates `incidents/YYYY-MM-DD-<slug>.md` and returns its path.
pub fn new_incident(options: &NewOptions) -> Result<PathBuf, Error> {
    let config = load_config(&options.root)?;
    let title = options.title.trim();
    if title.is_empty() {
        return Err(Error::Usage("the title is empty".to_string()));
    }
    let severity = Severity::from_keyword(&options.severity).ok_or_else(|| {
        let words: Vec<&str> = Severity::ALL.iter().map(|s| s.keyword()).collect();
        let hint = did_you_mean(&options.severity, words.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        Error::Usage(format!(
            "unknown severity `{}`{hint}; use one of {}",
            options.severity,
            words.join(", ")
        ))
    })?;
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    for c in &options.components {
        if !known.contains(&c.as_str()) {
            let hint = did_you_mean(c, known.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "unknown component `{c}`{hint}; known: {}",
                known.join(", ")
            )));
        }
    }
    let local = config.tz.from_utc_datetime(&options.now.naive_utc());
    let slug = incident_id(title);
    let slug = if slug.is_empty() {
        "incident".to_string()
    } else {
        slug.chars()
            .take(60)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string()
    };
    let dir = options.root.join("incidents");
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join(format!("{}-{slug}.md", local.format("%Y-%m-%d")));

    // A local time that is ambiguous on a clock-change night gets its offset.
    let start = match config.tz.from_local_datetime(&local.naive_local()) {
        chrono::LocalResult::Single(_) => local.format("%Y-%m-%d %H:%M").to_string(),
        _ => local.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
    };
    let quoted_title = serde_yaml::to_string(title).map_err(|e| Error::Usage(e.to_string()))?;
    let mut text = format!("---\ntitle: {}\nstart: {start}\n# end: (leave out while it is still going on)\nseverity: {}\n", quoted_title.trim_end(), severity.keyword());
    if !options.components.is_empty() {
        text.push_str(&format!(
            "components: [{}]\n",
            options.components.join(", ")
        ));
    }
    let body = match config.lang {
        crate::model::lang::Lang::Fr => "Décrivez ce que voient les clients, ce qui est touché et quand viendra la prochaine information.\n",
        crate::model::lang::Lang::En => "Describe what customers see, what is affected, and when the next update will come.\n",
    };
    text.push_str("---\n");
    text.push_str(body);

    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Refused(format!("`{}` already exists; vigie never overwrites an incident file — edit it, or choose another title", path.display()))
        } else {
            Error::io(&path, e)
        }
    })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(&path, e))?;
    Ok(path)
}
