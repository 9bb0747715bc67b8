//! `vigie ingest` and `vigie receive`: a monitoring alert becomes an incident file.
//!
//! Each format (`alertmanager.rs`, `uptime_kuma.rs`, `json.rs`) reads one webhook body into
//! one [`Alert`]; [`decide`] says what it means for the site at `now` (create an incident,
//! close the one the alert opened, or nothing, with the reason); `file.rs` writes it.
//!
//! An incident ingest created carries a marker, a comment line in its front matter
//! (`# vigie-ingest: <format> <key>`): the alert it belongs to. Ingest only ever adds to
//! files that still carry it, and only by inserting a line (`end:`): whatever a person
//! changed in such a file is kept, and a person who deletes the marker line takes the
//! incident over, after which ingest never touches it again.

pub mod alertmanager;
pub mod file;
pub mod json;
pub mod receive;
pub mod uptime_kuma;

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::file_lock::FileLock;
use crate::load::{self, LoadOptions};
use crate::model::config::Config;
use crate::model::{Incident, Severity, Site};

/// The largest webhook body read, in bytes.
pub const MAX_BODY: usize = 1024 * 1024;

/// The formats vigie reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Prometheus Alertmanager's webhook, payload version 4.
    Alertmanager,
    /// Uptime Kuma's webhook notification.
    UptimeKuma,
    /// vigie's own shape (docs/monitoring.md).
    Json,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 3] = [Format::Alertmanager, Format::UptimeKuma, Format::Json];

    /// The word of the command line, the marker and `vigie receive`'s paths.
    pub fn keyword(self) -> &'static str {
        match self {
            Format::Alertmanager => "alertmanager",
            Format::UptimeKuma => "uptime-kuma",
            Format::Json => "json",
        }
    }

    /// The format named `word`.
    pub fn from_keyword(word: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.keyword() == word)
    }
}

/// One alert in vigie's terms, whatever sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub format: Format,
    /// What identifies the alert in its source: Alertmanager's `groupKey`, the Uptime Kuma
    /// monitor's name, `key` in vigie's JSON.
    pub key: String,
    /// Firing (down), or resolved (up).
    pub firing: bool,
    /// When it began, to the second.
    pub start: DateTime<Utc>,
    /// When it stopped, to the second, when it is resolved and the source says so.
    pub end: Option<DateTime<Utc>>,
    /// The component ids it hits, in site.yaml's order.
    pub components: Vec<String>,
    pub severity: Severity,
    /// One line: what is wrong (the title's `{summary}`).
    pub summary: String,
    /// The first text of the incident, when the source gives one.
    pub description: Option<String>,
    /// What was read but could not be used (an unknown component, an unmapped severity).
    pub notes: Vec<String>,
}

impl Alert {
    /// The marker's key: a digest of the format and the source's key, so that any key
    /// fits on one comment line.
    pub fn marker_key(&self) -> String {
        marker_key(self.format, &self.key)
    }
}

/// The key of the marker of the alert `key` of `format`.
pub fn marker_key(format: Format, key: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(format.keyword().as_bytes());
    hash.update([0]);
    hash.update(key.as_bytes());
    let digest = hash.finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// A body that is not what its format says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads the webhook `body` of `format` into an alert, mapped through `config`'s
/// `ingest`, or says why it holds none (Uptime Kuma's test message, a pending monitor);
/// `now` stands for a time the source leaves out.
pub fn parse(
    format: Format,
    body: &[u8],
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Result<Alert, String>, Malformed> {
    if body.len() > MAX_BODY {
        return Err(Malformed(format!(
            "the body is {} bytes; vigie reads at most {MAX_BODY}",
            body.len()
        )));
    }
    match format {
        Format::Alertmanager => alertmanager::parse(body, config).map(Ok),
        Format::UptimeKuma => uptime_kuma::parse(body, config),
        Format::Json => json::parse(body, config, now).map(Ok),
    }
}

/// The component ids of `wanted` that site.yaml declares, in its order, once each; a note
/// for each other.
fn components(config: &Config, wanted: Vec<String>, notes: &mut Vec<String>) -> Vec<String> {
    let ids = config.components.iter().map(|c| c.id.as_str());
    for w in &wanted {
        if !config.components.iter().any(|c| &c.id == w) {
            let hint = crate::error::did_you_mean(w, ids.clone())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            notes.push(format!("`{w}` is not a component of site.yaml{hint}"));
        }
    }
    config
        .components
        .iter()
        .filter(|c| wanted.contains(&c.id))
        .map(|c| c.id.clone())
        .collect()
}

/// What an alert does to the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new incident file, relative to the site's folder.
    Created(PathBuf),
    /// `end` added to the incident the alert opened.
    Closed(PathBuf),
    /// Nothing to do: the site already says it.
    Unchanged(String),
    /// Nothing done, on purpose.
    Ignored(String),
}

impl Outcome {
    /// The file written, if any.
    pub fn changed(&self) -> Option<&Path> {
        match self {
            Outcome::Created(p) | Outcome::Closed(p) => Some(p),
            _ => None,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Created(p) => write!(f, "created {}", p.display()),
            Outcome::Closed(p) => write!(f, "closed {} (end set)", p.display()),
            Outcome::Unchanged(why) => write!(f, "unchanged: {why}"),
            Outcome::Ignored(why) => write!(f, "ignored: {why}"),
        }
    }
}

/// An incident of the site and whether ingest created it (the key of its marker).
#[derive(Debug, Clone)]
pub struct Known<'a> {
    pub incident: &'a Incident,
    pub marker: Option<String>,
}

/// What to do with `alert` on a site whose incidents (drafts included) are `known`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Write a new incident.
    Create,
    /// Set `end` of the incident from this file.
    Close {
        source: PathBuf,
        end: DateTime<Utc>,
    },
    Unchanged(String),
    Ignored(String),
}

/// Whether `i` is going on at `now`.
fn ongoing(i: &Incident, now: DateTime<Utc>) -> bool {
    i.start <= now && i.end.is_none_or(|end| end > now)
}

/// The first of `components` that `i` hits.
fn hits<'c>(i: &Incident, components: &'c [String]) -> Option<&'c str> {
    components
        .iter()
        .find(|c| i.severity_on(c).is_some())
        .map(String::as_str)
}

/// What `alert` does at `now` to a site whose incidents are `known`: the same alert again
/// changes nothing; a new one on a component under an ongoing maintenance, or hit by an
/// ongoing incident a person wrote, creates nothing; a resolved one closes the incident it
/// opened, if still open.
pub fn decide(alert: &Alert, known: &[Known], now: DateTime<Utc>) -> Decision {
    let key = alert.marker_key();
    let mine: Vec<&Incident> = known
        .iter()
        .filter(|k| k.marker.as_deref() == Some(key.as_str()))
        .map(|k| k.incident)
        .collect();
    let shown = |i: &Incident| i.source.display().to_string();
    if !alert.firing {
        if let Some(open) = mine.iter().find(|i| i.end.is_none()) {
            let end = alert.end.unwrap_or(now).max(open.start);
            return Decision::Close {
                source: open.source.clone(),
                end,
            };
        }
        return match mine.iter().find(|i| i.start == alert.start) {
            Some(i) => Decision::Unchanged(format!("{} already has its end", shown(i))),
            None => Decision::Ignored(
                "the alert is resolved and no incident it opened is open".to_string(),
            ),
        };
    }
    if let Some(i) = mine
        .iter()
        .find(|i| i.end.is_none() || i.start == alert.start)
    {
        let state = if i.end.is_none() { "open" } else { "closed" };
        return Decision::Unchanged(format!(
            "the alert's incident is already {state}: {}",
            shown(i)
        ));
    }
    if alert.components.is_empty() {
        return Decision::Ignored(
            "the alert names no component of site.yaml; see `ingest` in site.yaml".to_string(),
        );
    }
    for k in known {
        let i = k.incident;
        if !i.is_maintenance() || !ongoing(i, now) {
            continue;
        }
        if let Some(c) = hits(i, &alert.components) {
            return Decision::Ignored(format!(
                "`{c}` is under the maintenance {} (planned work; no incident written)",
                shown(i)
            ));
        }
    }
    for k in known {
        let i = k.incident;
        if k.marker.is_some() || i.is_maintenance() || i.is_notice() || !ongoing(i, now) {
            continue;
        }
        if let Some(c) = hits(i, &alert.components) {
            return Decision::Ignored(format!(
                "`{c}` already has the ongoing incident {}, written by a person: they are on it",
                shown(i)
            ));
        }
    }
    Decision::Create
}

/// The site at `root`, drafts included, and the marker of each incident.
pub fn read_site(root: &Path) -> Result<(Site, Vec<Option<String>>), Error> {
    let site = load::load(root, &LoadOptions { drafts: true })?;
    let markers = site
        .incidents
        .iter()
        .map(|i| {
            std::fs::read_to_string(root.join(&i.source))
                .ok()
                .and_then(|text| file::marker_of(&text))
        })
        .collect();
    Ok((site, markers))
}

/// Applies `alert` to the site at `root` at `now`: decides, then writes, holding the
/// site's ingest lock so that two runs take turns.
pub fn apply(root: &Path, alert: &Alert, now: DateTime<Utc>) -> Result<Outcome, Error> {
    let _lock = FileLock::take(&root.join(".vigie").join("ingest.lock"))?;
    let (site, markers) = read_site(root)?;
    let known: Vec<Known> = site
        .incidents
        .iter()
        .zip(markers)
        .map(|(i, marker)| Known {
            incident: i,
            marker,
        })
        .collect();
    match decide(alert, &known, now) {
        Decision::Create => file::create(root, &site, alert).map(Outcome::Created),
        Decision::Close { source, end } => {
            file::close(root, &site.config, &source, end).map(|()| Outcome::Closed(source))
        }
        Decision::Unchanged(why) => Ok(Outcome::Unchanged(why)),
        Decision::Ignored(why) => Ok(Outcome::Ignored(why)),
    }
}

/// Why a body changed nothing: it is not what its format says, or the site could not be
/// read or written.
#[derive(Debug)]
pub enum Failure {
    Malformed(Malformed),
    Site(Error),
}

/// What one body did, and what of it could not be used.
#[derive(Debug)]
pub struct Done {
    pub outcome: Outcome,
    pub notes: Vec<String>,
}

/// Reads the webhook `body` of `format` and applies it to the site at `root` at `now`.
pub fn ingest(
    root: &Path,
    format: Format,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Done, Failure> {
    let config = load::load_config(root).map_err(Failure::Site)?;
    match parse(format, body, &config, now).map_err(Failure::Malformed)? {
        Err(why) => Ok(Done {
            outcome: Outcome::Ignored(why),
            notes: Vec::new(),
        }),
        Ok(alert) => apply(root, &alert, now)
            .map(|outcome| Done {
                outcome,
                notes: alert.notes,
            })
            .map_err(Failure::Site),
    }
}

/// `text` on one line, without the characters pages refuse, at most `max` characters.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let line: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|&c| !c.is_control() && !crate::load::text::is_forbidden(c))
        .collect();
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// A time of the source, to the second.
pub(crate) fn to_second(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::testing::{config_with, site, t};

    fn alert(firing: bool, start: &str) -> Alert {
        Alert {
            format: Format::Json,
            key: "db".into(),
            firing,
            start: t(start),
            end: (!firing).then(|| t("2026-11-25T12:00:00Z")),
            components: vec!["web".into()],
            severity: Severity::MajorOutage,
            summary: "Down".into(),
            description: None,
            notes: Vec::new(),
        }
    }

    fn decide_on(files: &[(&str, &str)], marked: &[&str], a: &Alert) -> Decision {
        let s = site(config_with(&["web", "mail"]), files);
        let key = a.marker_key();
        let known: Vec<Known> = s
            .incidents
            .iter()
            .map(|i| Known {
                incident: i,
                marker: marked.contains(&i.id.as_str()).then(|| key.clone()),
            })
            .collect();
        decide(a, &known, t("2026-11-25T11:00:00Z"))
    }

    const OPEN: &str = "---\ntitle: Down\nstart: 2026-11-25T10:00:00Z\nseverity: major-outage\ncomponents: [web]\n---\n";
    const MAINTENANCE: &str = "---\ntitle: Work\nstart: 2026-11-25T09:00:00Z\nend: 2026-11-25T13:00:00Z\nseverity: maintenance\ncomponents: [web]\n---\n";

    #[test]
    fn a_new_alert_creates_and_the_same_again_changes_nothing() {
        let a = alert(true, "2026-11-25T10:00:00Z");
        assert_eq!(decide_on(&[], &[], &a), Decision::Create);
        assert!(matches!(
            decide_on(&[("a", OPEN)], &["a"], &a),
            Decision::Unchanged(_)
        ));
    }

    #[test]
    fn a_resolved_alert_closes_the_incident_it_opened_only() {
        let a = alert(false, "2026-11-25T10:00:00Z");
        assert_eq!(
            decide_on(&[("a", OPEN)], &["a"], &a),
            Decision::Close {
                source: "incidents/a.md".into(),
                end: t("2026-11-25T12:00:00Z")
            }
        );
        assert!(matches!(
            decide_on(&[("a", OPEN)], &[], &a),
            Decision::Ignored(_)
        ));
    }

    #[test]
    fn maintenance_and_a_persons_incident_keep_ingest_out_and_say_why() {
        let a = alert(true, "2026-11-25T10:30:00Z");
        let Decision::Ignored(why) = decide_on(&[("m", MAINTENANCE)], &[], &a) else {
            panic!()
        };
        assert!(why.contains("maintenance incidents/m.md"), "{why}");
        let Decision::Ignored(why) = decide_on(&[("p", OPEN)], &[], &a) else {
            panic!()
        };
        assert!(why.contains("written by a person"), "{why}");
        let mut other = a.clone();
        other.components = vec!["mail".into()];
        assert_eq!(
            decide_on(&[("p", OPEN), ("m", MAINTENANCE)], &[], &other),
            Decision::Create
        );
    }

    #[test]
    fn texts_are_cut_to_one_clean_line() {
        assert_eq!(one_line(" a\n b\u{7}\tc ", 10), "a b c");
        assert_eq!(one_line("abcdef", 4), "abc…");
    }
}
