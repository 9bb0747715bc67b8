//! The incident files ingest writes: a new one, marked as ingest's, and `end` added to one
//! it created. Every text is read back by the loader before it is written; every write
//! goes to a temporary file beside the target, then into place at once (a link that fails
//! rather than replace a file, or a rename over the file read, once checked unchanged).

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{one_line, Alert};
use crate::error::Error;
use crate::load::{self, incident_id};
use crate::model::config::Config;
use crate::model::lang::Lang;
use crate::model::time::as_written;
use crate::model::Site;

/// How the marker line of an incident ingest created begins.
pub const MARKER: &str = "# vigie-ingest: ";

/// The key of the marker of an incident file's `text`, if its front matter has one.
pub fn marker_of(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    for line in lines {
        if line.trim_end() == "---" {
            return None;
        }
        if let Some(rest) = line.strip_prefix(MARKER) {
            // `<format> <key>`, then words for the reader.
            return rest.split_whitespace().nth(1).map(str::to_string);
        }
    }
    None
}

/// The marker line of `alert`.
fn marker_line(alert: &Alert, lang: Lang) -> String {
    let note = match lang {
        Lang::Fr => {
            "écrit par vigie ingest ; supprimez cette ligne pour reprendre l'incident à la main"
        }
        Lang::En => "written by vigie ingest; delete this line to take the incident over",
    };
    format!(
        "{MARKER}{} {} ({note})",
        alert.format.keyword(),
        alert.marker_key()
    )
}

/// `text` as a YAML double-quoted scalar (JSON's string syntax, which YAML 1.2 reads the
/// same); `text` holds no control or forbidden character ([`one_line`]).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

/// The title of a new incident: the site language's template with the alert's summary.
pub fn title(config: &Config, alert: &Alert) -> String {
    let template = config
        .ingest
        .title
        .iter()
        .find(|(l, _)| *l == config.lang)
        .map_or("{summary}", |(_, t)| t.as_str());
    let title = one_line(&template.replace("{summary}", &alert.summary), 200);
    if title.is_empty() {
        alert.format.keyword().to_string()
    } else {
        title
    }
}

/// The text of the incident file `alert` opens.
pub fn incident_text(config: &Config, alert: &Alert) -> String {
    let tz = config.tz;
    let mut text = format!(
        "---\n{}\ntitle: {}\nstart: {}\nseverity: {}\n",
        marker_line(alert, config.lang),
        quoted(&title(config, alert)),
        as_written(alert.start, tz),
        alert.severity.keyword(),
    );
    // A site of one component lists it too: the alert names it.
    text.push_str(&format!("components: [{}]\n", alert.components.join(", ")));
    if !config.ingest.publish {
        text.push_str("draft: true\n");
    }
    text.push_str("---\n");
    let body = alert
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or(&alert.summary);
    let body: String = body
        .chars()
        .filter(|&c| c == '\n' || (!c.is_control() && !crate::load::text::is_forbidden(c)))
        .collect();
    text.push_str(body.trim());
    text.push('\n');
    text
}

/// Writes the incident `alert` opens, under `incidents/YYYY/`, and returns its path
/// relative to `root`.
pub fn create(root: &Path, site: &Site, alert: &Alert) -> Result<PathBuf, Error> {
    let config = &site.config;
    let text = incident_text(config, alert);
    let local = alert.start.with_timezone(&config.tz);
    let slug: String = incident_id(&alert.summary).chars().take(60).collect();
    let slug = slug.trim_matches('-');
    let slug = if slug.is_empty() { "alert" } else { slug };
    let stem = format!("{}-{slug}", local.format("%Y-%m-%d"));
    let taken = |id: &str| site.incidents.iter().any(|i| i.id == id);
    let dir = PathBuf::from("incidents").join(local.format("%Y").to_string());
    let mut n = 1;
    let rel = loop {
        let name = if n == 1 {
            stem.clone()
        } else {
            format!("{stem}-{n}")
        };
        let rel = dir.join(format!("{name}.md"));
        if !taken(&incident_id(&name)) && !root.join(&rel).exists() {
            break rel;
        }
        n += 1;
    };
    let id = incident_id(rel.file_stem().and_then(|s| s.to_str()).unwrap_or(&stem));
    read_back(&rel, &id, &text, config)?;
    write_new(&root.join(&rel), text.as_bytes())?;
    Ok(rel)
}

/// Adds `end` to the incident file `rel` (relative to `root`), on the line after its
/// `start` (after its marker if `start` is not written on a line of its own), keeping every
/// other line as it is.
pub fn close(root: &Path, config: &Config, rel: &Path, end: DateTime<Utc>) -> Result<(), Error> {
    let path = root.join(rel);
    let before = fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let lines: Vec<&str> = before.split_inclusive('\n').collect();
    // The front matter's lines, after the opening fence.
    let front = lines
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == "---")
        .map_or(0, |n| n + 1);
    let within = |f: &dyn Fn(&str) -> bool| (1..front).find(|&n| f(lines[n]));
    let Some(marker) = within(&|l| l.starts_with(MARKER)) else {
        return Err(Error::Refused(format!(
            "`{}` no longer carries the ingest marker; left as it is",
            rel.display()
        )));
    };
    let after = within(&|l| l.starts_with("start:")).unwrap_or(marker);
    let mut text = String::with_capacity(before.len() + 32);
    for (n, line) in lines.iter().enumerate() {
        text.push_str(line);
        if n == after {
            if !line.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!("end: {}\n", as_written(end, config.tz)));
        }
    }
    let id = incident_id(rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default());
    let read = read_back(rel, &id, &text, config)?;
    if read.end != Some(end) {
        return Err(Error::Refused(format!(
            "`{}` would not end at {} once `end` is added; left as it is",
            rel.display(),
            as_written(end, config.tz)
        )));
    }
    replace_unchanged(&path, before.as_bytes(), text.as_bytes())
}

/// The incident `text` gives, as the loader reads it; a refusal when it does not load.
fn read_back(
    rel: &Path,
    id: &str,
    text: &str,
    config: &Config,
) -> Result<crate::model::Incident, Error> {
    load::incident::parse(rel, id, text, config).map_err(|mut d| {
        let first = d.remove(0);
        Error::Refused(format!(
            "the incident file ingest would write does not load, so nothing was written: {}",
            first.message
        ))
    })
}

/// Creates `path` holding `bytes`, all at once, failing if it exists.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    match crate::new_file::create(path, bytes, "ingest") {
        Ok(true) => Ok(()),
        Ok(false) => Err(Error::Refused(format!(
            "`{}` appeared while ingest ran; not replaced",
            path.display()
        ))),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Replaces `path` with `bytes`, all at once, unless it no longer holds `before` (a person
/// saved it meanwhile: their version is kept).
fn replace_unchanged(path: &Path, before: &[u8], bytes: &[u8]) -> Result<(), Error> {
    let tmp = crate::new_file::temporary(path, bytes, "ingest").map_err(|e| Error::io(path, e))?;
    let now = fs::read(path).map_err(|e| Error::io(path, e));
    if now.as_deref().ok() != Some(before) {
        let _ = fs::remove_file(&tmp);
        now?;
        return Err(Error::Refused(format!(
            "`{}` changed while ingest ran; left as it is",
            path.display()
        )));
    }
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Format;
    use crate::load::testing::{config_with, t};
    use crate::model::Severity;

    fn alert() -> Alert {
        Alert {
            format: Format::Alertmanager,
            key: "{}:{alertname=\"SmtpDown\"}".into(),
            firing: true,
            start: t("2026-11-25T10:02:13Z"),
            end: None,
            components: vec!["mail".into()],
            severity: Severity::PartialOutage,
            summary: "SMTP: \"down\" # 3 servers".into(),
            description: Some("Connexions refusées.\n\nOn regarde.".into()),
            notes: Vec::new(),
        }
    }

    #[test]
    fn a_new_incident_reads_back_to_the_second_as_a_draft_with_its_marker() {
        let config = config_with(&["web", "mail"]);
        let text = incident_text(&config, &alert());
        assert_eq!(marker_of(&text), Some(alert().marker_key()));
        let i = load::incident::parse(Path::new("x.md"), "x", &text, &config).unwrap();
        assert_eq!(i.title, "SMTP: \"down\" # 3 servers");
        assert_eq!(i.start, t("2026-11-25T10:02:13Z"));
        assert!(i.draft && i.end.is_none());
        assert_eq!(i.severity, Severity::PartialOutage);
        assert!(text.contains("start: 2026-11-25 11:02:13\n"), "{text}");
    }

    #[test]
    fn closing_adds_one_line_and_keeps_a_persons_edits() {
        let dir = tempfile::tempdir().unwrap();
        let config = config_with(&["web", "mail"]);
        let rel = Path::new("incidents/x.md");
        let edited = incident_text(&config, &alert())
            .replace("draft: true\n", "")
            .replace("On regarde.", "Nous changeons le disque.");
        fs::create_dir_all(dir.path().join("incidents")).unwrap();
        fs::write(dir.path().join(rel), &edited).unwrap();
        close(dir.path(), &config, rel, t("2026-11-25T10:30:00Z")).unwrap();
        let after = fs::read_to_string(dir.path().join(rel)).unwrap();
        assert_eq!(
            after.replace("end: 2026-11-25 11:30\n", ""),
            edited,
            "{after}"
        );
        let without = edited.replace(MARKER, "# was: ");
        fs::write(dir.path().join(rel), &without).unwrap();
        assert!(close(dir.path(), &config, rel, t("2026-11-25T10:30:00Z")).is_err());
        assert_eq!(fs::read_to_string(dir.path().join(rel)).unwrap(), without);
    }
}
