//! A Statuspage page, from its public API v2: `incidents.json` and
//! `scheduled-maintenances.json` (and `components.json`, for the components and their
//! groups, when there is one), read from files or fetched from the page's address.
//!
//! Words are mapped back from the ones vigie writes (docs/api.md, read backwards): an
//! incident's `impact` gives its severity, each component's `new_status` on the updates
//! its own, and each update's status word the status of the post, written only where it
//! changes (as Statuspage shows an update that keeps the status as an "Update"). What
//! vigie works out when it builds (the announcement's status, `updated_at`, the
//! components' statuses…) is not imported: the report lists those fields.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::Value;

use super::{slug, unique, Affects, ComponentDraft, Draft, IncidentDraft, Read, Report};
use super::{SiteDraft, UpdateDraft};
use crate::error::{Diagnostic, Error, Span};
use crate::model::{Severity, UpdateStatus};

/// The API files a page address or a folder gives: (file name, required).
const FILES: [(&str, bool); 3] = [
    ("incidents.json", true),
    ("scheduled-maintenances.json", true),
    ("components.json", false),
];

/// The most incidents (and maintenances) the public API lists.
const PUBLIC_LIMIT: usize = 50;

/// How long a fetch may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The most a fetched file may weigh.
const MAX_BYTES: u64 = 64 << 20;

#[derive(Debug, Clone, Default, Deserialize)]
struct Page {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    time_zone: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Component {
    id: String,
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    group: bool,
    #[serde(default)]
    group_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Affected {
    code: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    new_status: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Update {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    display_at: Option<String>,
    #[serde(default)]
    affected_components: Option<Vec<Affected>>,
}

#[derive(Debug, Clone, Deserialize)]
struct Incident {
    id: String,
    name: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    impact: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    resolved_at: Option<String>,
    #[serde(default)]
    shortlink: Option<String>,
    #[serde(default)]
    scheduled_for: Option<String>,
    #[serde(default)]
    scheduled_until: Option<String>,
    #[serde(default)]
    incident_updates: Vec<Update>,
    #[serde(default)]
    components: Vec<Component>,
    #[serde(default)]
    postmortem_body: Option<String>,
    #[serde(default)]
    postmortem_published_at: Option<String>,
}

/// Everything read from the sources.
#[derive(Default)]
struct Found {
    page: Option<(String, Page)>,
    components: Vec<Component>,
    /// Each with the file it comes from and whether it was listed as a maintenance.
    incidents: Vec<(String, Incident, bool)>,
    /// A list held as many entries as the public API gives at most.
    full: bool,
}

/// Reads the pages and files `sources` name: `http(s)://` addresses of pages (or of one
/// API file), API files, or folders holding them.
pub fn read(sources: &[String]) -> Result<Read, Error> {
    let mut errors = Vec::new();
    let mut found = Found::default();
    // A file given twice (by name, and in its folder) is read once.
    let mut seen: Vec<String> = Vec::new();
    for source in sources {
        for (shown, text) in documents(source, &mut errors) {
            let key = std::fs::canonicalize(&shown)
                .map_or_else(|_| shown.clone(), |p| p.display().to_string());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            take(&shown, &text, &mut found, &mut errors);
        }
    }
    let label = if sources.len() == 1 {
        format!("the Statuspage page `{}`", sources[0])
    } else {
        format!(
            "the Statuspage files {}",
            sources
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut report = Report::new(label);
    let draft = draft(found, &mut report, &mut errors);
    if draft.incidents.is_empty() && !errors.is_empty() && draft.site.components.is_empty() {
        return Err(Error::Content(errors));
    }
    Ok(Read {
        draft,
        report,
        errors,
    })
}

/// The texts `source` gives, each with the name to show: fetched, or read from a file or
/// a folder.
fn documents(source: &str, errors: &mut Vec<Diagnostic>) -> Vec<(String, String)> {
    let lower = source.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        if lower.trim_end_matches('/').ends_with(".json") {
            return match fetch(source) {
                Ok(text) => vec![(source.to_string(), text)],
                Err(e) => {
                    errors.push(Diagnostic::file(source, format!("cannot fetch: {e}")));
                    Vec::new()
                }
            };
        }
        let base = source.trim_end_matches('/');
        let mut out = Vec::new();
        for (name, required) in FILES {
            let url = format!("{base}/api/v2/{name}");
            match fetch(&url) {
                Ok(text) => out.push((url, text)),
                Err(e) if required => {
                    errors.push(
                        Diagnostic::file(&url, format!("cannot fetch: {e}")).with_help(
                            "give the page's address (https://status.example.com), or the API files saved from it",
                        ),
                    );
                }
                // Without it, the components are those the incidents name.
                Err(_) => {}
            }
        }
        return out;
    }
    let path = PathBuf::from(source);
    if path.is_dir() {
        let dir = if path.join("api/v2").is_dir() {
            path.join("api/v2")
        } else {
            path
        };
        let mut out = Vec::new();
        for (name, _) in FILES {
            let file = dir.join(name);
            if file.is_file() {
                if let Some(text) = read_file(&file, errors) {
                    out.push((file.display().to_string(), text));
                }
            }
        }
        if out.is_empty() {
            errors.push(
                Diagnostic::file(
                    &dir,
                    "no incidents.json or scheduled-maintenances.json here",
                )
                .with_help("give the API files, or the folder that holds them"),
            );
        }
        return out;
    }
    read_file(&path, errors)
        .map(|text| vec![(source.to_string(), text)])
        .unwrap_or_default()
}

fn read_file(path: &Path, errors: &mut Vec<Diagnostic>) -> Option<String> {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                errors.push(Diagnostic::file(path, "the file is not valid UTF-8"));
                None
            }
        },
        Err(e) => {
            errors.push(Diagnostic::file(path, format!("cannot read the file: {e}")));
            None
        }
    }
}

/// The body of `url`, or why not.
fn fetch(url: &str) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("vigie/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the server answered {status}"));
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_BYTES)
        .read_to_string()
        .map_err(|e| e.to_string())
}

/// What the JSON `text` (shown as `shown`) holds, into `found`; each entry that cannot be
/// read is an error of its own.
fn take(shown: &str, text: &str, found: &mut Found, errors: &mut Vec<Diagnostic>) {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let message = e.to_string();
            let place = format!(" at line {} column {}", e.line(), e.column());
            errors.push(Diagnostic::at(
                shown,
                text,
                Span::new(e.line(), e.column(), 1),
                format!(
                    "not valid JSON: {}",
                    message.strip_suffix(&place).unwrap_or(&message)
                ),
            ));
            return;
        }
    };
    let mut known = false;
    if let Some(page) = value.get("page") {
        known = true;
        if found.page.is_none() {
            if let Ok(page) = Page::deserialize(page) {
                found.page = Some((shown.to_string(), page));
            }
        }
    }
    if let Some(Value::Array(list)) = value.get("components") {
        known = true;
        for (n, c) in list.iter().enumerate() {
            match Component::deserialize(c) {
                Ok(c) if !found.components.iter().any(|k| k.id == c.id) => found.components.push(c),
                Ok(_) => {}
                Err(e) => errors.push(entry_error(shown, "component", n, c, &e)),
            }
        }
    }
    for (key, maintenance) in [("incidents", false), ("scheduled_maintenances", true)] {
        let Some(Value::Array(list)) = value.get(key) else {
            continue;
        };
        known = true;
        found.full |= list.len() >= PUBLIC_LIMIT;
        for (n, i) in list.iter().enumerate() {
            match Incident::deserialize(i) {
                Ok(i) => {
                    // Statuspage's incidents.json lists maintenances too: each is taken once.
                    if let Some(seen) = found.incidents.iter_mut().find(|(_, s, _)| s.id == i.id) {
                        seen.2 |= maintenance;
                    } else {
                        found.incidents.push((shown.to_string(), i, maintenance));
                    }
                }
                Err(e) => {
                    let what = if maintenance {
                        "maintenance"
                    } else {
                        "incident"
                    };
                    errors.push(entry_error(shown, what, n, i, &e));
                }
            }
        }
    }
    if !known {
        errors.push(
            Diagnostic::file(shown, "no `incidents`, `scheduled_maintenances` or `components` in it")
                .with_help("give a Statuspage API v2 file: incidents.json, scheduled-maintenances.json or components.json"),
        );
    }
}

fn entry_error(shown: &str, what: &str, n: usize, v: &Value, e: &serde_json::Error) -> Diagnostic {
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .map(|id| format!(" (`{id}`)"))
        .unwrap_or_default();
    Diagnostic::file(shown, format!("{what} {}{id} cannot be read: {e}", n + 1))
        .with_help("it is left out; the others are imported")
}

/// A time of the API, in UTC, to the second (as vigie writes them).
fn time(text: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text?.trim())
        .ok()
        .and_then(|t| t.with_timezone(&Utc).with_nanosecond(0))
}

/// The severity a component status gives; `None` for `operational` and unknown words.
fn component_severity(status: &str) -> Option<Severity> {
    Some(match status {
        "major_outage" => Severity::MajorOutage,
        "partial_outage" => Severity::PartialOutage,
        "degraded_performance" => Severity::Degraded,
        "under_maintenance" => Severity::Maintenance,
        _ => return None,
    })
}

/// The severity an incident's `impact` gives.
fn impact_severity(impact: &str) -> Option<Severity> {
    Some(match impact {
        "critical" => Severity::MajorOutage,
        "major" => Severity::PartialOutage,
        "minor" => Severity::Degraded,
        "none" => Severity::Notice,
        "maintenance" => Severity::Maintenance,
        _ => return None,
    })
}

/// The post status an incident's (or a maintenance's) status word names.
fn post_status(word: &str, maintenance: bool) -> Option<UpdateStatus> {
    Some(match (word, maintenance) {
        ("scheduled", true) => UpdateStatus::Scheduled,
        ("in_progress", true) => UpdateStatus::InProgress,
        ("verifying", true) => UpdateStatus::Monitoring,
        ("completed", true) => UpdateStatus::Completed,
        ("investigating", false) => UpdateStatus::Investigating,
        ("identified", false) => UpdateStatus::Identified,
        ("monitoring", false) => UpdateStatus::Monitoring,
        ("resolved", false) => UpdateStatus::Resolved,
        _ => return None,
    })
}

/// The word vigie writes in the API for a post status (docs/api.md).
fn api_word(s: UpdateStatus, maintenance: bool) -> &'static str {
    match (s, maintenance) {
        (UpdateStatus::Scheduled, true) => "scheduled",
        (UpdateStatus::Monitoring, true) => "verifying",
        (UpdateStatus::Resolved | UpdateStatus::Completed, true) => "completed",
        (_, true) => "in_progress",
        (UpdateStatus::Identified | UpdateStatus::InProgress, false) => "identified",
        (UpdateStatus::Monitoring, false) => "monitoring",
        (UpdateStatus::Resolved | UpdateStatus::Completed, false) => "resolved",
        (_, false) => "investigating",
    }
}

/// The status word vigie gives an announcement made at `at` (docs/format.md).
fn announcement_word(
    at: DateTime<Utc>,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    severity: Severity,
) -> &'static str {
    let over = end.is_some_and(|e| e <= at);
    match severity {
        Severity::Notice if over => "resolved",
        Severity::Notice => "monitoring",
        Severity::Maintenance if over => "completed",
        Severity::Maintenance if at < start => "scheduled",
        Severity::Maintenance => "in_progress",
        _ if over => "resolved",
        _ => "investigating",
    }
}

/// The site and its incidents from what was found.
fn draft(found: Found, report: &mut Report, errors: &mut Vec<Diagnostic>) -> Draft {
    let (page_source, page) = found
        .page
        .clone()
        .unwrap_or_else(|| ("the API files".to_string(), Page::default()));
    let base_url = page
        .url
        .as_deref()
        .and_then(crate::load::config::normalize_base_url);
    // A page vigie made keeps its ids: they are its addresses.
    let vigie = base_url.as_deref().is_some_and(|url| {
        !found.incidents.is_empty()
            && found.incidents.iter().all(|(_, i, _)| {
                i.shortlink.as_deref() == Some(format!("{url}incidents/{}/", i.id).as_str())
            })
    });
    let tz = match page.time_zone.as_deref() {
        Some(name) => match name.parse::<Tz>() {
            Ok(tz) => tz,
            Err(_) => {
                report.approximate_site(
                    &page_source,
                    format!("time zone `{name}` is not an IANA name: the site's time zone is UTC"),
                );
                Tz::UTC
            }
        },
        None => Tz::UTC,
    };
    let title = page
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| {
            report.approximate_site(&page_source, "no page name: the site is called \"Status\"");
            "Status".to_string()
        });
    let base_url = base_url.unwrap_or_else(|| {
        report.approximate_site(
            &page_source,
            "no page address: base_url is https://status.example.com/ — write your page's address in site.yaml",
        );
        "https://status.example.com/".to_string()
    });
    report.approximate_site(
        "site.yaml",
        "the API does not say the page's language: `language: en`; write `fr` for French pages",
    );

    // Components: those of components.json (groups as group names), then those the
    // incidents name.
    let mut ids: Vec<String> = Vec::new();
    let mut components: Vec<(String, ComponentDraft)> = Vec::new();
    let mut add =
        |c: &Component, group: Option<String>, components: &mut Vec<(String, ComponentDraft)>| {
            if c.group || components.iter().any(|(sp, _)| *sp == c.id) {
                return;
            }
            let id = if vigie && crate::load::config::is_valid_id(&c.id) {
                unique(c.id.clone(), &mut ids)
            } else {
                unique(slug(&c.name, "component"), &mut ids)
            };
            components.push((
                c.id.clone(),
                ComponentDraft {
                    id,
                    name: c.name.clone(),
                    group,
                    description: c.description.clone().filter(|d| !d.trim().is_empty()),
                },
            ));
        };
    for c in &found.components {
        let group = c.group_id.as_ref().and_then(|g| {
            found
                .components
                .iter()
                .find(|k| k.group && k.id == *g)
                .map(|k| k.name.clone())
        });
        add(c, group, &mut components);
    }
    let mut groupless = false;
    for (_, i, _) in &found.incidents {
        for c in &i.components {
            if c.group_id.is_some() && !found.components.iter().any(|k| k.id == c.id) {
                groupless = true;
            }
            add(c, None, &mut components);
        }
        for u in &i.incident_updates {
            for a in u.affected_components.iter().flatten() {
                let c = Component {
                    id: a.code.clone(),
                    name: a.name.clone().unwrap_or_else(|| a.code.clone()),
                    description: None,
                    group: false,
                    group_id: None,
                };
                add(&c, None, &mut components);
            }
        }
    }
    if groupless {
        report.approximate_site(
            "components",
            "the incidents name components of groups, without components.json: they are in no group",
        );
    }
    if found.full {
        report.notes.push(
            "a list holds 50 entries, the most the public API gives: older incidents are not in it"
                .to_string(),
        );
    }

    let mut stems = Vec::new();
    let mut incidents = Vec::new();
    for (shown, i, listed_as_maintenance) in &found.incidents {
        match incident(
            shown,
            i,
            *listed_as_maintenance,
            vigie,
            tz,
            &components,
            report,
        ) {
            Ok(mut d) => {
                d.stem = unique(d.stem, &mut stems);
                report.incidents += 1;
                report.posts += 1 + d.updates.len();
                incidents.push(d);
            }
            Err(message) => errors.push(
                Diagnostic::file(shown.as_str(), format!("incident `{}`: {message}", i.id))
                    .with_help("it is left out; the others are imported"),
            ),
        }
    }
    let mut recomputed = vec![
        "page",
        "updated_at",
        "page_id",
        "components",
        "incident_updates[].id",
        "incident_updates[].created_at",
        "incident_updates[].updated_at",
        "incident_updates[].affected_components",
    ];
    if !vigie {
        recomputed.extend(["id", "shortlink", "incident_updates[].incident_id"]);
    }
    report.drop(
        "every incident",
        format!(
            "fields vigie works out when it builds, not imported: {}",
            recomputed
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    Draft {
        site: SiteDraft {
            source: if found.page.is_some() {
                format!("the Statuspage API (`{page_source}`)")
            } else {
                "the Statuspage API".to_string()
            },
            title,
            description: None,
            base_url,
            language: "en".to_string(),
            timezone: tz,
            components: components.into_iter().map(|(_, c)| c).collect(),
        },
        incidents,
    }
}

/// One incident or maintenance.
fn incident(
    shown: &str,
    i: &Incident,
    listed_as_maintenance: bool,
    vigie: bool,
    tz: Tz,
    components: &[(String, ComponentDraft)],
    report: &mut Report,
) -> Result<IncidentDraft, String> {
    let about = format!("{shown}: {}", i.id);
    let impact = i.impact.as_deref().unwrap_or("");
    let maintenance = listed_as_maintenance || impact == "maintenance";
    let bad_time = |key: &str, v: &Option<String>| -> Option<String> {
        match v {
            Some(t) if time(Some(t)).is_none() => {
                Some(format!("`{key}` `{t}` is not an ISO 8601 time"))
            }
            _ => None,
        }
    };
    for (key, v) in [
        ("created_at", &i.created_at),
        ("started_at", &i.started_at),
        ("resolved_at", &i.resolved_at),
        ("scheduled_for", &i.scheduled_for),
        ("scheduled_until", &i.scheduled_until),
    ] {
        if let Some(m) = bad_time(key, v) {
            return Err(m);
        }
    }

    // The posts, oldest first; posts at the same time in the order they were written
    // (the API lists them newest first).
    let mut updates: Vec<(DateTime<Utc>, &Update)> = Vec::new();
    for u in i.incident_updates.iter().rev() {
        let at = time(u.display_at.as_deref()).or_else(|| time(u.created_at.as_deref()));
        match at {
            Some(at) => updates.push((at, u)),
            None => return Err("an update has no `display_at` or `created_at` time".to_string()),
        }
    }
    updates.sort_by_key(|(at, _)| *at);

    let severity = if maintenance {
        Severity::Maintenance
    } else {
        match impact_severity(impact) {
            Some(s) => s,
            None => {
                let worst = updates
                    .iter()
                    .flat_map(|(_, u)| u.affected_components.iter().flatten())
                    .filter_map(|a| a.new_status.as_deref().and_then(component_severity))
                    .max()
                    .unwrap_or(Severity::Degraded);
                report.approximate(
                    &about,
                    format!(
                        "impact `{impact}` is unknown: {} (from its components)",
                        worst.keyword()
                    ),
                );
                worst
            }
        }
    };

    let created = time(i.created_at.as_deref());
    let start = if maintenance {
        time(i.scheduled_for.as_deref()).or(time(i.started_at.as_deref()))
    } else {
        time(i.started_at.as_deref())
    }
    .or(created)
    .or(updates.first().map(|(at, _)| *at))
    .ok_or("no `started_at`, `scheduled_for` or `created_at`")?;
    let status = i.status.as_deref().unwrap_or("");
    let last = updates.last().map(|(at, _)| *at);
    let mut end = if maintenance {
        match status {
            "completed" => time(i.resolved_at.as_deref()).or(time(i.scheduled_until.as_deref())),
            _ => time(i.scheduled_until.as_deref()),
        }
    } else {
        match status {
            "resolved" | "postmortem" => match time(i.resolved_at.as_deref()) {
                Some(t) => Some(t),
                None => {
                    report.approximate(
                        &about,
                        "resolved without `resolved_at`: it ends at its last update",
                    );
                    Some(last.unwrap_or(start))
                }
            },
            _ => None,
        }
    };
    if end.is_some_and(|e| e < start) {
        report.approximate(&about, "it ends before it starts: it ends at its start");
        end = Some(start);
    }

    // Components, each at the worst status an update gave it.
    let id_of = |sp: &str| {
        components
            .iter()
            .find(|(k, _)| k == sp)
            .map(|(_, c)| c.id.clone())
    };
    let mut affects: Vec<(String, Option<Severity>)> = Vec::new();
    let mut changed = false;
    let mut note =
        |sp: &str, sev: Option<Severity>, affects: &mut Vec<(String, Option<Severity>)>| {
            let Some(id) = id_of(sp) else { return };
            match affects.iter_mut().find(|(k, _)| *k == id) {
                Some((_, s)) => {
                    if sev.is_some() && s.is_some() && *s != sev {
                        changed = true;
                    }
                    *s = (*s).max(sev);
                }
                None => affects.push((id, sev)),
            }
        };
    for c in i.components.iter().filter(|c| !c.group) {
        note(&c.id, None, &mut affects);
    }
    for (_, u) in &updates {
        for a in u.affected_components.iter().flatten() {
            let sev = a.new_status.as_deref().and_then(component_severity);
            note(&a.code, sev, &mut affects);
        }
    }
    if changed {
        report.approximate(
            &about,
            "its components' statuses changed from update to update: each keeps the worst",
        );
    }
    let each: Vec<(String, Severity)> = affects
        .into_iter()
        .map(|(id, s)| (id, s.unwrap_or(severity)))
        .collect();
    let affects = if matches!(severity, Severity::Notice | Severity::Maintenance)
        || each.iter().all(|(_, s)| *s == severity)
    {
        Affects::List(each.into_iter().map(|(id, _)| id).collect())
    } else {
        Affects::Map(each)
    };

    // The announcement and the updates.
    let mut posts = updates.into_iter();
    let (announced, body, first_word) = match posts.next() {
        Some((at, u)) => (at, u.body.clone().unwrap_or_default(), u.status.clone()),
        None => {
            report.approximate(&about, "no update: the announcement is empty");
            (created.unwrap_or(start), String::new(), None)
        }
    };
    let derived = announcement_word(announced, start, end, severity);
    if let Some(word) = first_word.as_deref() {
        if word != derived && severity != Severity::Notice {
            report.approximate(
                &about,
                format!("the first update's status `{word}` is not kept: vigie says `{derived}` of an announcement made then"),
            );
        }
    }
    let mut current = derived;
    let mut draft_updates = Vec::new();
    let mut notice_words = false;
    for (at, u) in posts {
        let word = u.status.as_deref().unwrap_or("");
        let status = if severity == Severity::Notice {
            let expected = if end.is_some_and(|e| e <= at) {
                "resolved"
            } else {
                "monitoring"
            };
            if word != expected {
                notice_words = true;
            }
            None
        } else if word == current {
            None
        } else {
            match post_status(word, maintenance) {
                Some(s) => {
                    current = api_word(s, maintenance);
                    Some(s)
                }
                None => {
                    report.approximate(
                        &about,
                        format!(
                            "status `{word}` has no {} word in vigie: a plain update",
                            if maintenance {
                                "maintenance"
                            } else {
                                "incident"
                            }
                        ),
                    );
                    None
                }
            }
        };
        draft_updates.push(UpdateDraft {
            at,
            status,
            body: u.body.clone().unwrap_or_default(),
        });
    }
    if notice_words {
        report.approximate(
            &about,
            "a notice (impact `none`) has no status words: its updates are plain updates",
        );
    }
    if let Some(pm) = i
        .postmortem_body
        .as_deref()
        .filter(|b| !b.trim().is_empty())
    {
        let at = time(i.postmortem_published_at.as_deref())
            .or(end)
            .unwrap_or(start)
            .max(announced);
        report.approximate(&about, "its post-mortem is an update");
        draft_updates.push(UpdateDraft {
            at,
            status: None,
            body: pm.to_string(),
        });
        draft_updates.sort_by_key(|u| u.at);
    }

    let stem = if vigie {
        i.id.clone()
    } else {
        format!(
            "{}-{}",
            start.with_timezone(&tz).format("%Y-%m-%d"),
            slug(&i.name, "incident")
        )
    };
    let title = i.name.trim();
    let title = if title.is_empty() {
        report.approximate(&about, "no name: called \"Incident\"");
        "Incident".to_string()
    } else {
        // A title is one line.
        title.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    Ok(IncidentDraft {
        source: about,
        stem,
        title,
        start,
        end,
        severity,
        affects,
        published: (announced != start).then_some(announced),
        draft: false,
        body,
        updates: draft_updates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::api;

    proptest::proptest! {
        #[test]
        fn any_incident_json_gives_a_draft_or_errors_never_a_panic(
            status in "(investigating|identified|monitoring|resolved|postmortem|scheduled|in_progress|verifying|completed|x)",
            impact in "(none|minor|major|critical|maintenance|)",
            times in proptest::collection::vec("(2024-0[1-3]-0[1-9]T1[0-2]:00:00(\\.5)?(Z|\\+02:00)|null|\"no\")", 6),
            words in proptest::collection::vec("(investigating|resolved|monitoring|completed|postmortem)", 0..4),
        ) {
            let t = |k: usize| if times[k] == "null" || times[k].starts_with('"') { times[k].clone() } else { format!("\"{}\"", times[k]) };
            let updates: Vec<String> = words.iter().enumerate().map(|(n, w)| format!(
                r#"{{"status": "{w}", "body": "b{n}", "display_at": {}, "affected_components": [{{"code": "c{n}", "new_status": "major_outage"}}]}}"#,
                t(n % 6)
            )).collect();
            let json = format!(
                r#"{{"page": {{"name": "P", "url": "https://s.example.com"}}, "incidents": [{{"id": "i", "name": "N", "status": "{status}", "impact": "{impact}", "created_at": {}, "started_at": {}, "resolved_at": {}, "scheduled_for": {}, "scheduled_until": {}, "incident_updates": [{}], "components": [{{"id": "c0", "name": "C"}}], "postmortem_body": "pm", "postmortem_published_at": {}}}]}}"#,
                t(0), t(1), t(2), t(3), t(4), updates.join(","), t(5)
            );
            let mut found = Found::default();
            let mut errors = Vec::new();
            take("x.json", &json, &mut found, &mut errors);
            let mut report = Report::default();
            let d = draft(found, &mut report, &mut errors);
            // What is drafted, the loader takes.
            let config = crate::load::config::parse(
                Path::new("site.yaml"),
                &crate::import::writer::site_yaml(&d).unwrap(),
            )
            .unwrap();
            for i in &d.incidents {
                let text = crate::import::writer::incident_text(i, config.tz, &|id| Some(id.to_string())).unwrap();
                let parsed = crate::load::incident::parse(Path::new("x.md"), "x", &text, &config);
                proptest::prop_assert!(parsed.is_ok(), "{}\n{:?}", text, parsed.err());
            }
        }
    }

    #[test]
    fn words_map_back_to_what_vigie_writes() {
        for s in Severity::ALL {
            assert_eq!(impact_severity(api::impact(s)), Some(s));
            if s != Severity::Notice {
                let word = api::component_status(crate::model::Status::Affected(s));
                assert_eq!(component_severity(word), Some(s));
            }
        }
        for s in UpdateStatus::ALL {
            assert_eq!(api_word(s, false), api::incident_status(s), "{s:?}");
            assert_eq!(api_word(s, true), api::maintenance_status(s), "{s:?}");
            for maintenance in [false, true] {
                let word = api_word(s, maintenance);
                let back = post_status(word, maintenance).unwrap();
                assert_eq!(api_word(back, maintenance), word);
            }
        }
    }
}
