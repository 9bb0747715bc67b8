//! A cState site (the Hugo theme): its configuration (`config.yml`, `config.toml` or
//! Hugo's newer `hugo.*`) for the systems and categories, and `content/issues/` for the
//! issues, each a Markdown file with YAML (`---`) or TOML (`+++`) front matter and
//! `{{< track "…" >}}` shortcodes marking when each paragraph was posted.
//!
//! The mapping (docs/migrate.md): systems become components (ids made from their names,
//! stable and unique), categories their groups; `severity` `down`, `disrupted` and `notice`
//! become `major-outage`, `partial-outage` and `notice`, `informational` a notice;
//! `resolved`/`resolvedWhen` the `end`; each paragraph carrying a `track` shortcode is one
//! post at that time, the text before the first one (if any) the announcement, else the
//! earliest tracked paragraph; a `*Status* -` prefix becomes the update's status.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;
use serde_json::Value;

use super::{slug, UpdateDraft};
use super::{unique, Affects, ComponentDraft, Draft, IncidentDraft, Read, Report, SiteDraft};
use crate::error::{Diagnostic, Error, Span};
use crate::load::time::TimeSpec;
use crate::load::yaml::{self, Names, Source};
use crate::model::{Severity, UpdateStatus};

/// The configuration files Hugo reads, in the order it prefers them.
const CONFIG_FILES: [&str; 6] = [
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "config.toml",
    "config.yaml",
    "config.yml",
];

/// The front matter keys of a cState issue that the import reads.
const ISSUE_KEYS: [&str; 10] = [
    "draft",
    "slug",
    "title",
    "date",
    "resolved",
    "resolvedwhen",
    "severity",
    "affected",
    "section",
    "informational",
];

/// Keys Hugo gives pages that mean nothing for an incident: dropped without a word.
const HUGO_KEYS: [&str; 2] = ["lastmod", "type"];

/// Reads the cState site at `src`; dates without a zone are read in `tz`.
pub fn read(src: &Path, tz: Tz) -> Result<Read, Error> {
    let Some(config_name) = CONFIG_FILES
        .into_iter()
        .find(|name| src.join(name).is_file())
    else {
        return Err(Error::Content(vec![Diagnostic::file(
            src,
            "not a cState site: no config.yml, config.toml or hugo.toml here",
        )
        .with_help(
            "give the folder of the Hugo site that uses cState (it holds config.yml and content/issues/)",
        )]));
    };
    let shown = PathBuf::from(config_name);
    let config_path = src.join(config_name);
    let text = fs::read_to_string(&config_path).map_err(|e| {
        Error::Content(vec![Diagnostic::file(
            &shown,
            format!("cannot read the file: {e}"),
        )])
    })?;
    let config = document(&shown, &text, 0, config_name.ends_with(".toml"))
        .map_err(|d| Error::Content(vec![d]))?;

    let mut report = Report::new(format!("the cState site `{}`", src.display()));
    report.notes.push(format!(
        "dates written without a time zone are read in {} (--timezone)",
        tz.name()
    ));
    let mut systems = Systems::default();
    let site = site(&config, config_name, tz, &mut systems, &mut report);

    let issues_dir = src.join("content").join("issues");
    let mut errors = Vec::new();
    let mut incidents = Vec::new();
    let mut files: Vec<PathBuf> = Vec::new();
    if issues_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&issues_dir).sort_by_file_name() {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let name = e.file_name().to_string_lossy();
                    if name.ends_with(".md") && !name.starts_with('_') && !name.starts_with('.') {
                        files.push(e.into_path());
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().unwrap_or(&issues_dir);
                    errors.push(Diagnostic::file(
                        path.strip_prefix(src).unwrap_or(path),
                        format!("cannot read: {e}"),
                    ));
                }
            }
        }
    } else {
        report
            .notes
            .push("no content/issues/ folder: only the systems are imported".to_string());
    }
    let mut taken = Vec::new();
    for path in files {
        let shown = path.strip_prefix(src).unwrap_or(&path).to_path_buf();
        let text = match fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    errors.push(
                        Diagnostic::file(&shown, "the file is not valid UTF-8")
                            .with_help("save it as UTF-8, then import again"),
                    );
                    continue;
                }
            },
            Err(e) => {
                errors.push(Diagnostic::file(
                    &shown,
                    format!("cannot read the file: {e}"),
                ));
                continue;
            }
        };
        // What the report says of an issue, kept only if it is imported.
        let mut said = Report::default();
        let result = issue(&shown, &text, tz, &mut systems, &mut said);
        if result.is_ok() {
            report.approximated.append(&mut said.approximated);
            report.dropped.append(&mut said.dropped);
        }
        match result {
            Ok(Some(mut incident)) => {
                incident.stem = unique(incident.stem, &mut taken);
                report.incidents += 1;
                report.posts += 1 + incident.updates.len();
                incidents.push(incident);
            }
            Ok(None) => {}
            Err(d) => errors.push(d),
        }
    }
    let mut site = site;
    site.components = systems.components;
    Ok(Read {
        draft: Draft { site, incidents },
        report,
        errors,
    })
}

/// The components made so far, with the names cState gives them.
#[derive(Default)]
struct Systems {
    components: Vec<ComponentDraft>,
    ids: Vec<String>,
}

impl Systems {
    fn add(&mut self, name: &str, description: Option<String>, group: Option<String>) -> String {
        let id = unique(slug(name, "component"), &mut self.ids);
        self.components.push(ComponentDraft {
            id: id.clone(),
            name: name.to_string(),
            group,
            description,
        });
        id
    }

    /// The id of the system named `name` (the same name, else the same name in another
    /// case).
    fn find(&self, name: &str) -> Option<&str> {
        let name = name.trim();
        self.components
            .iter()
            .find(|c| c.name == name)
            .or_else(|| {
                self.components
                    .iter()
                    .find(|c| c.name.to_lowercase() == name.to_lowercase())
            })
            .map(|c| c.id.as_str())
    }
}

/// A YAML or TOML document as a JSON value (TOML's dates as their text). `line0` lines
/// come before it in the file `shown`.
fn document(shown: &Path, text: &str, line0: usize, toml: bool) -> Result<Value, Diagnostic> {
    if toml {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let mut d = Diagnostic::file(shown, format!("not valid TOML: {}", e.message()));
            if let Some(span) = e.span() {
                let before = text.get(..span.start).unwrap_or(text);
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                let full: String = format!("{}{text}", "\n".repeat(line0));
                d = Diagnostic::at(
                    shown,
                    &full,
                    Span::new(line + line0, column, 1),
                    d.message.clone(),
                );
            }
            d
        })?;
        Ok(toml_value(toml::Value::Table(table)))
    } else {
        let full = format!("{}{text}", "\n".repeat(line0));
        let src = Source {
            path: shown,
            text: &full,
            line0,
        };
        let names = Names {
            document: "the file",
            mappings: &[],
        };
        let value: Value = yaml::parse(&src, text, &names)?;
        Ok(if value.is_null() {
            Value::Object(Default::default())
        } else {
            value
        })
    }
}

/// A TOML value as a JSON one; dates as RFC 3339 text.
fn toml_value(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(n) => Value::from(n),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_value).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_value(v))).collect())
        }
    }
}

/// The value of `key` in `v`, whatever its case (Hugo's keys are not case-sensitive).
fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// A text value, trimmed; numbers and booleans as written.
fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// A yes-or-no value: a boolean, or its text.
fn flag(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// `site.yaml` from the configuration; the systems and categories into `systems`.
fn site(
    config: &Value,
    name: &str,
    tz: Tz,
    systems: &mut Systems,
    report: &mut Report,
) -> SiteDraft {
    let params = get(config, "params").unwrap_or(&Value::Null);
    // The newer cState keeps them under `params`; older sites at the top.
    let pick = |key: &str| get(params, key).or_else(|| get(config, key));
    let title = text_of(get(config, "title")).unwrap_or_else(|| {
        report.approximate_site(name, "no `title`: the site is called \"Status\"");
        "Status".to_string()
    });
    let description =
        text_of(get(params, "description")).or_else(|| text_of(get(config, "description")));
    let base_url = match text_of(get(config, "baseURL"))
        .and_then(|u| crate::load::config::normalize_base_url(&u))
    {
        Some(u) => u,
        None => {
            report.approximate_site(
                name,
                "no absolute `baseURL`: base_url is https://status.example.com/ — write your page's address in site.yaml",
            );
            "https://status.example.com/".to_string()
        }
    };
    let code = text_of(get(config, "languageCode"))
        .or_else(|| text_of(get(config, "defaultContentLanguage")))
        .unwrap_or_default()
        .to_lowercase();
    let language = if code.starts_with("fr") {
        "fr"
    } else {
        if !code.is_empty() && !code.starts_with("en") {
            report.approximate_site(
                name,
                format!("language `{code}` is neither French nor English: the site is in English"),
            );
        }
        "en"
    };

    // Categories: name → (group name or none when untitled).
    let mut groups: Vec<(String, Option<String>)> = Vec::new();
    let mut members: Vec<(String, String)> = Vec::new();
    if let Some(Value::Array(categories)) = pick("categories") {
        for c in categories {
            let Some(cname) = text_of(get(c, "name")).or_else(|| text_of(Some(c))) else {
                continue;
            };
            let untitled = flag(get(c, "untitled")).unwrap_or(false);
            if untitled {
                report.approximate_site(
                    name,
                    format!("category `{cname}` is untitled: its systems are in no group"),
                );
            }
            if text_of(get(c, "description")).is_some() {
                report.drop(
                    name,
                    format!("the description of category `{cname}` (vigie's groups have none)"),
                );
            }
            if flag(get(c, "closed")) == Some(true) {
                report.drop(
                    name,
                    format!("`closed` of category `{cname}` (vigie shows every group open)"),
                );
            }
            // The oldest form lists a category's systems in it.
            if let Some(Value::Array(list)) = get(c, "systems") {
                for s in list {
                    if let Some(s) = text_of(get(s, "name")).or_else(|| text_of(Some(s))) {
                        members.push((s, cname.clone()));
                    }
                }
            }
            groups.push((cname.clone(), (!untitled).then_some(cname)));
        }
    }
    let group_of = |category: Option<String>| -> Option<String> {
        let category = category?;
        match groups.iter().find(|(n, _)| *n == category) {
            Some((_, group)) => group.clone(),
            None => Some(category),
        }
    };
    match pick("systems") {
        Some(Value::Array(list)) => {
            for s in list {
                let Some(sname) = text_of(get(s, "name")).or_else(|| text_of(Some(s))) else {
                    report.drop(name, "a system without a name");
                    continue;
                };
                let category = text_of(get(s, "category")).or_else(|| {
                    members
                        .iter()
                        .find(|(m, _)| *m == sname)
                        .map(|(_, c)| c.clone())
                });
                let description = text_of(get(s, "description"));
                if systems.find(&sname).is_some() {
                    report.drop(name, format!("system `{sname}`, given twice"));
                    continue;
                }
                systems.add(&sname, description, group_of(category));
            }
        }
        _ => report.approximate(
            name,
            "no `params.systems`: the components are the systems the issues name",
        ),
    }
    let mut theirs: Vec<String> = params
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| {
                    !["systems", "categories", "description"].contains(&k.to_lowercase().as_str())
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    theirs.sort();
    if !theirs.is_empty() {
        report.drop(
            name,
            format!("the theme's settings under `params`: {}", theirs.join(", ")),
        );
    }
    SiteDraft {
        source: name.to_string(),
        title,
        description,
        base_url,
        language: language.to_string(),
        timezone: tz,
        components: Vec::new(),
    }
}

/// The front matter of a Hugo content file: (its text, whether TOML, the line it starts
/// on, the body after it).
fn split(text: &str) -> Option<(&str, bool, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next()?;
    let fence = first.trim_end();
    if fence != "---" && fence != "+++" {
        return None;
    }
    let start = first.len()
        + if text[first.len()..].starts_with("\r\n") {
            2
        } else {
            1
        };
    let start = start.min(text.len());
    let mut offset = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            return Some((
                &text[start..offset],
                fence == "+++",
                &text[offset + line.len()..],
            ));
        }
        offset += line.len();
    }
    None
}

/// The incident an issue file makes; `None` for a page that is not an issue.
fn issue(
    shown: &Path,
    text: &str,
    tz: Tz,
    systems: &mut Systems,
    report: &mut Report,
) -> Result<Option<IncidentDraft>, Diagnostic> {
    let about = shown.display().to_string();
    let Some((front, toml, body)) = split(text) else {
        return Err(Diagnostic::at(
            shown,
            text,
            Span::new(
                1,
                1,
                text.lines().next().map_or(1, |l| l.chars().count().max(1)),
            ),
            "no front matter: a cState issue starts with `---` (YAML) or `+++` (TOML)",
        )
        .with_help("write the issue's title, date and severity between two `---` lines"));
    };
    let front = document(shown, front, 1, toml)?;
    if let Some(section) = text_key(&front, "section") {
        if section != "issue" {
            report.drop(about, format!("`section: {section}`: not an issue"));
            return Ok(None);
        }
    }
    let at_key = |key: &str, message: String, help: &str| -> Diagnostic {
        at_line(
            shown,
            text,
            |l| l.trim_start().to_lowercase().starts_with(key),
            message,
            help,
        )
    };
    // A title is one line.
    let title =
        text_key(&front, "title").map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
    let Some(title) = title else {
        return Err(at_key(
            "title",
            "the issue has no `title`".into(),
            "add `title: …` to its front matter, then import again",
        ));
    };
    let Some(date_text) = text_key(&front, "date") else {
        return Err(at_key(
            "date",
            "the issue has no `date`".into(),
            "add `date: 2018-06-13 14:14:00` (when it began), then import again",
        ));
    };
    let date_help = "write it as `2018-06-13 14:14:00` or `2018-06-13T14:14:00+02:00`";
    let start = time(&date_text, tz, &about, report)
        .map_err(|m| at_key("date", format!("`date`: {m}"), date_help))?;

    // Severity.
    let informational = flag(get(&front, "informational")).unwrap_or(false);
    let word = text_key(&front, "severity").map(|s| s.to_lowercase());
    let mut severity = match word.as_deref() {
        Some("down") => Severity::MajorOutage,
        Some("disrupted") => Severity::PartialOutage,
        Some("notice") => Severity::Notice,
        Some(other) => {
            report.approximate(
                &about,
                format!("unknown severity `{other}`: partial-outage (as `disrupted`)"),
            );
            Severity::PartialOutage
        }
        None if informational => Severity::Notice,
        None => {
            report.approximate(&about, "no `severity`: partial-outage (as `disrupted`)");
            Severity::PartialOutage
        }
    };
    if informational && severity != Severity::Notice {
        report.approximate(
            &about,
            format!(
                "informational: a notice, not a {} (cState shows it without changing any status)",
                severity.keyword()
            ),
        );
        severity = Severity::Notice;
    }

    // Components.
    let mut ids = Vec::new();
    let affected: Vec<String> = match get(&front, "affected") {
        Some(Value::Array(list)) => list.iter().filter_map(|v| text_of(Some(v))).collect(),
        Some(v) => text_of(Some(v)).into_iter().collect(),
        None => Vec::new(),
    };
    for name in &affected {
        let id = match systems.find(name) {
            Some(id) => id.to_string(),
            None => {
                let id = systems.add(name, None, None);
                report.approximate(
                    &about,
                    format!("`{name}` is not among the systems: added as the component `{id}`"),
                );
                id
            }
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }

    // Posts.
    let (posts, unknown) = paragraphs(body);
    for code in unknown {
        report.approximate(&about, format!("shortcode kept as text: {code}"));
    }
    let mut tracked: Vec<(DateTime<Utc>, Option<UpdateStatus>, String)> = Vec::new();
    let mut before = String::new();
    for p in posts {
        match p.track {
            Some(when) => {
                let at = match time(&when, tz, &about, report) {
                    Ok(at) => at,
                    Err(m) => {
                        return Err(at_line(
                            shown,
                            text,
                            |l| l.contains("track") && l.contains(when.as_str()),
                            format!("the `track` shortcode's time: {m}"),
                            date_help,
                        ))
                    }
                };
                let (status, text) = status_prefix(&p.text);
                if let Some(word) = &status.unknown {
                    report.approximate(
                        &about,
                        format!("`{word}` names no status vigie knows: a plain update, its text as written"),
                    );
                }
                tracked.push((at, status.status, text));
            }
            None => match tracked.last_mut() {
                Some((_, _, text)) => {
                    text.push_str("\n\n");
                    text.push_str(&p.text);
                }
                None => {
                    if !before.is_empty() {
                        before.push_str("\n\n");
                    }
                    before.push_str(&p.text);
                }
            },
        }
    }
    // Stable: posts at the same time keep the file's order.
    tracked.sort_by_key(|(at, _, _)| *at);
    let (body, published, rest) = if !before.trim().is_empty() || tracked.is_empty() {
        (before, None, tracked)
    } else {
        let (at, status, text) = tracked.remove(0);
        if let Some(s) = status {
            if s != UpdateStatus::Investigating && s != UpdateStatus::Update {
                report.approximate(
                    &about,
                    format!(
                        "the first post's status `{}` is not written: vigie says the announcement is investigating (resolved when posted after the end)",
                        s.keyword()
                    ),
                );
            }
        }
        (text, (at != start).then_some(at), tracked)
    };
    let updates: Vec<UpdateDraft> = rest
        .into_iter()
        .map(|(at, status, body)| UpdateDraft {
            at,
            status: status.filter(|s| *s != UpdateStatus::Update),
            body,
        })
        .collect();

    // The end.
    let resolved = flag(get(&front, "resolved")).unwrap_or(false);
    let when = text_key(&front, "resolvedwhen");
    let mut end = match (resolved, when) {
        (true, Some(w)) => Some(
            time(&w, tz, &about, report)
                .map_err(|m| at_key("resolvedwhen", format!("`resolvedWhen`: {m}"), date_help))?,
        ),
        (true, None) => {
            let last = updates
                .iter()
                .rev()
                .find(|u| u.status == Some(UpdateStatus::Resolved))
                .or(updates.last())
                .map(|u| u.at)
                .or(published)
                .unwrap_or(start);
            report.approximate(
                &about,
                format!(
                    "resolved without `resolvedWhen`: it ends at its last {} post",
                    if updates
                        .iter()
                        .any(|u| u.status == Some(UpdateStatus::Resolved))
                    {
                        "`resolved`"
                    } else {
                        "tracked"
                    }
                ),
            );
            Some(last)
        }
        (false, Some(_)) => {
            report.drop(
                &about,
                "`resolvedWhen` of an issue not `resolved`: it stays ongoing",
            );
            None
        }
        (false, None) => None,
    };
    if let Some(e) = end {
        if e < start {
            report.approximate(&about, "`resolvedWhen` before `date`: it ends at its start");
            end = Some(start);
        }
    }

    let mut others: Vec<String> = front
        .as_object()
        .map(|o| {
            o.keys()
                .filter(|k| {
                    let k = k.to_lowercase();
                    !ISSUE_KEYS.contains(&k.as_str()) && !HUGO_KEYS.contains(&k.as_str())
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    others.sort();
    if !others.is_empty() {
        report.drop(&about, format!("front matter keys: {}", others.join(", ")));
    }

    let stem = {
        let file = shown
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Hugo publishes the page at its `slug` when it has one.
        let file = if let Some(slug) = text_key(&front, "slug") {
            slug
        } else if file == "index" {
            shown
                .parent()
                .and_then(|p| p.file_name())
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or(file)
        } else {
            file
        };
        let id = slug(&file, "issue");
        if starts_with_date(&id) {
            id
        } else {
            format!("{}-{id}", start.with_timezone(&tz).format("%Y-%m-%d"))
        }
    };
    Ok(Some(IncidentDraft {
        source: about,
        stem,
        title,
        start,
        end,
        severity,
        affects: Affects::List(ids),
        published,
        draft: flag(get(&front, "draft")).unwrap_or(false),
        body,
        updates,
    }))
}

/// A diagnostic at the first line of `text` (the file `shown`) that `find` accepts,
/// underlining it; at the opening fence when there is none.
fn at_line(
    shown: &Path,
    text: &str,
    find: impl Fn(&str) -> bool,
    message: String,
    help: &str,
) -> Diagnostic {
    let d = match text.lines().position(find) {
        Some(n) => {
            let l = text.lines().nth(n).unwrap_or("");
            let column = l.len() - l.trim_start().len() + 1;
            Diagnostic::at(
                shown,
                text,
                Span::new(n + 1, column, l.trim().chars().count()),
                message,
            )
        }
        None => Diagnostic::at(shown, text, Span::new(1, 1, 3), message),
    };
    d.with_help(help.to_string())
}

/// Whether `id` starts with `YYYY-MM-DD`.
fn starts_with_date(id: &str) -> bool {
    id.len() >= 10 && NaiveDate::parse_from_str(&id[..10], "%Y-%m-%d").is_ok()
}

fn text_key(front: &Value, key: &str) -> Option<String> {
    text_of(get(front, key))
}

/// A cState date: RFC 3339, Hugo's `2018-06-13 14:14:00 +0200`, or a date and time without
/// zone (read in `tz`), or a date alone (its midnight).
fn time(text: &str, tz: Tz, about: &str, report: &mut Report) -> Result<DateTime<Utc>, String> {
    // To the second, as vigie writes times.
    exact_time(text, tz, about, report).map(|t| t.with_nanosecond(0).unwrap_or(t))
}

fn exact_time(
    text: &str,
    tz: Tz,
    about: &str,
    report: &mut Report,
) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    if let Ok(spec) = TimeSpec::parse(t) {
        return match spec {
            TimeSpec::Fixed(dt) => Ok(dt.with_timezone(&Utc)),
            TimeSpec::Local { naive, .. } => local(naive, tz, t, about, report),
        };
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M %z",
    ] {
        if let Ok(dt) = DateTime::<FixedOffset>::parse_from_str(t, fmt) {
            return Ok(dt.with_timezone(&Utc));
        }
    }
    // Hugo also writes the zone's abbreviation after the offset: `+0200 CEST`.
    if let Some((head, _)) = t.rsplit_once(' ') {
        if let Ok(dt) = DateTime::<FixedOffset>::parse_from_str(head, "%Y-%m-%d %H:%M:%S %z") {
            return Ok(dt.with_timezone(&Utc));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return local(d.and_time(chrono::NaiveTime::MIN), tz, t, about, report);
    }
    Err(format!("`{t}` is not a date and time"))
}

/// A local time in `tz`; on the night the clocks change, the first of two, or the hour
/// after one that does not exist (said in the report).
fn local(
    naive: NaiveDateTime,
    tz: Tz,
    text: &str,
    about: &str,
    report: &mut Report,
) -> Result<DateTime<Utc>, String> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => {
            report.approximate(
                about,
                format!(
                    "`{text}` happens twice in {}: the first is taken",
                    tz.name()
                ),
            );
            Ok(first.with_timezone(&Utc))
        }
        LocalResult::None => {
            let later = naive + chrono::Duration::hours(1);
            let t = tz
                .from_local_datetime(&later)
                .earliest()
                .ok_or_else(|| format!("`{text}` does not exist in {}", tz.name()))?;
            report.approximate(
                about,
                format!(
                    "`{text}` does not exist in {} (the clocks jump forward): an hour later is taken",
                    tz.name()
                ),
            );
            Ok(t.with_timezone(&Utc))
        }
    }
}

/// One paragraph of an issue's body, and the time its `track` shortcode gives.
#[derive(Debug, PartialEq, Eq)]
struct Paragraph {
    text: String,
    track: Option<String>,
}

/// The body's paragraphs (split at blank lines), each with its `track` shortcode taken
/// out; and every other shortcode, kept as text.
fn paragraphs(body: &str) -> (Vec<Paragraph>, Vec<String>) {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let flush = |lines: &mut Vec<&str>, out: &mut Vec<Paragraph>, unknown: &mut Vec<String>| {
        if lines.is_empty() {
            return;
        }
        let joined = lines.join("\n");
        lines.clear();
        let mut text = String::new();
        let mut track = None;
        let mut rest = joined.as_str();
        while let Some((before, code, after)) = shortcode(rest) {
            text.push_str(before);
            match (&track, code.name.as_str()) {
                (None, "track") if code.argument.is_some() => track = code.argument,
                _ => {
                    text.push_str(code.text);
                    unknown.push(code.text.to_string());
                }
            }
            rest = after;
        }
        text.push_str(rest);
        let text = text
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string();
        if !text.is_empty() || track.is_some() {
            out.push(Paragraph { text, track });
        }
    };
    for line in body.lines() {
        if line.trim().is_empty() {
            flush(&mut current, &mut out, &mut unknown);
        } else {
            current.push(line);
        }
    }
    flush(&mut current, &mut out, &mut unknown);
    (out, unknown)
}

/// A Hugo shortcode found in a text.
struct Shortcode<'a> {
    /// The whole of it, `{{< … >}}`.
    text: &'a str,
    name: String,
    /// Its first argument, without quotes.
    argument: Option<String>,
}

/// The first shortcode of `text`: the text before it, the shortcode, the text after.
fn shortcode(text: &str) -> Option<(&str, Shortcode<'_>, &str)> {
    let open = text.find("{{<").into_iter().chain(text.find("{{%")).min()?;
    let close_mark = if text[open..].starts_with("{{<") {
        ">}}"
    } else {
        "%}}"
    };
    let close = open + 3 + text[open + 3..].find(close_mark)? + 3;
    let whole = &text[open..close];
    let inner = whole[3..whole.len() - 3].trim();
    let inner = inner
        .strip_prefix("/*")
        .and_then(|s| s.strip_suffix("*/"))
        .unwrap_or(inner);
    let name: String = inner.chars().take_while(|c| !c.is_whitespace()).collect();
    let args = inner[name.len()..].trim();
    let argument = if let Some(q) = args.find(['"', '`']) {
        let quote = args[q..].chars().next()?;
        let after = &args[q + 1..];
        after.find(quote).map(|end| after[..end].to_string())
    } else {
        args.split_whitespace().next().map(str::to_string)
    };
    Some((
        &text[..open],
        Shortcode {
            text: whole,
            name,
            argument: argument.filter(|a| !a.trim().is_empty()),
        },
        &text[close..],
    ))
}

/// The status a paragraph's `*Status* -` prefix names.
struct Prefix {
    status: Option<UpdateStatus>,
    /// The word of a prefix that names no status.
    unknown: Option<String>,
}

/// The status named by `text`'s `*Status* -` (or `**Status** -`, `*Status*:`…) prefix, and
/// the text without it; a prefix naming no status is left in the text.
fn status_prefix(text: &str) -> (Prefix, String) {
    let none = |text: &str| {
        (
            Prefix {
                status: None,
                unknown: None,
            },
            text.to_string(),
        )
    };
    let marker: String = text
        .chars()
        .take_while(|c| *c == '*' || *c == '_')
        .collect();
    if marker.is_empty() || marker.len() > 2 {
        return none(text);
    }
    let rest = &text[marker.len()..];
    let Some(end) = rest.find(marker.as_str()) else {
        return none(text);
    };
    let word = rest[..end].trim().trim_end_matches(':').trim();
    let after = rest[end + marker.len()..].trim_start();
    let colon_inside = rest[..end].trim_end().ends_with(':');
    let after = match after.chars().next() {
        Some(c @ ('-' | '–' | '—' | ':')) => after[c.len_utf8()..].trim_start(),
        _ if colon_inside => after,
        _ => return none(text),
    };
    if word.is_empty() || word.contains('\n') {
        return none(text);
    }
    match status_word(word) {
        Some(status) => (
            Prefix {
                status: Some(status),
                unknown: None,
            },
            after.to_string(),
        ),
        None => (
            Prefix {
                status: None,
                unknown: Some(word.to_string()),
            },
            text.to_string(),
        ),
    }
}

/// The update status a cState prefix word names, in English or French.
fn status_word(word: &str) -> Option<UpdateStatus> {
    let w = word.to_lowercase();
    let w = w.trim();
    Some(match w {
        "investigating"
        | "investigation"
        | "en cours d'investigation"
        | "investigation en cours"
        | "enquête en cours"
        | "analyse en cours" => UpdateStatus::Investigating,
        "identified" | "identifié" | "identifiée" | "problème identifié" | "cause identifiée" => {
            UpdateStatus::Identified
        }
        "monitoring" | "surveillance" | "sous surveillance" | "en surveillance" => {
            UpdateStatus::Monitoring
        }
        "resolved" | "fixed" | "résolu" | "résolue" | "rétabli" | "corrigé" => {
            UpdateStatus::Resolved
        }
        "update" | "updated" | "mise à jour" => UpdateStatus::Update,
        "scheduled" | "planned" | "planifié" | "planifiée" | "prévu" | "prévue" => {
            UpdateStatus::Scheduled
        }
        "in progress" | "in-progress" | "en cours" => UpdateStatus::InProgress,
        "completed" | "complete" | "done" | "terminé" | "terminée" => UpdateStatus::Completed,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_track_shortcode_marks_its_paragraph_and_others_stay_as_text() {
        let (ps, unknown) = paragraphs(
            "Intro line\nsecond line\n\n*Resolved* - Fixed. {{< track \"2018-06-13 14:44:00\" >}}\n\nSee {{< figure src=\"a.png\" >}} here.\n",
        );
        assert_eq!(ps.len(), 3);
        assert_eq!(ps[0].text, "Intro line\nsecond line");
        assert_eq!(ps[1].track.as_deref(), Some("2018-06-13 14:44:00"));
        assert_eq!(ps[1].text, "*Resolved* - Fixed.");
        assert_eq!(ps[2].text, "See {{< figure src=\"a.png\" >}} here.");
        assert_eq!(unknown, ["{{< figure src=\"a.png\" >}}"]);
    }

    #[test]
    fn status_prefixes_name_statuses_in_english_and_french() {
        let (p, t) = status_prefix("*Resolved* - The API answers again.");
        assert_eq!(p.status, Some(UpdateStatus::Resolved));
        assert_eq!(t, "The API answers again.");
        let (p, t) = status_prefix("**Identifié** —\nLa cause est connue.");
        assert_eq!(p.status, Some(UpdateStatus::Identified));
        assert_eq!(t, "La cause est connue.");
        let (p, t) = status_prefix("*Monitoring:* watching.");
        assert_eq!(p.status, Some(UpdateStatus::Monitoring));
        assert_eq!(t, "watching.");
        let (p, t) = status_prefix("*Postmortem* - what happened");
        assert_eq!(p.status, None);
        assert_eq!(p.unknown.as_deref(), Some("Postmortem"));
        assert_eq!(t, "*Postmortem* - what happened");
        let (p, t) = status_prefix("*emphasis* in a sentence");
        assert_eq!((p.status, p.unknown), (None, None));
        assert_eq!(t, "*emphasis* in a sentence");
    }

    #[test]
    fn dates_with_and_without_zones() {
        let mut r = Report::default();
        let paris = chrono_tz::Europe::Paris;
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let mut read = |s: &str| time(s, paris, "x", &mut r).unwrap();
        assert_eq!(read("2018-06-13 14:14:00"), t("2018-06-13T12:14:00Z"));
        assert_eq!(read("2018-06-13T14:14:00Z"), t("2018-06-13T14:14:00Z"));
        assert_eq!(read("2018-06-13T14:14:00-04:00"), t("2018-06-13T18:14:00Z"));
        assert_eq!(read("2018-06-13 14:14:00 +0200"), t("2018-06-13T12:14:00Z"));
        assert_eq!(
            read("2018-06-13 14:14:00 +0200 CEST"),
            t("2018-06-13T12:14:00Z")
        );
        assert_eq!(read("2018-06-13"), t("2018-06-12T22:00:00Z"));
        assert_eq!(read("2018-10-28 02:30"), t("2018-10-28T00:30:00Z"));
        assert_eq!(r.approximated.len(), 1, "the ambiguous time is reported");
        assert!(time("soon", paris, "x", &mut r).is_err());
    }

    fn site_of(yaml_text: &str) -> (SiteDraft, Vec<ComponentDraft>, Report) {
        let config = document(Path::new("config.yml"), yaml_text, 0, false).unwrap();
        let mut systems = Systems::default();
        let mut report = Report::default();
        let site = site(&config, "config.yml", Tz::UTC, &mut systems, &mut report);
        (site, systems.components, report)
    }

    #[test]
    fn older_forms_of_systems_and_categories_are_read() {
        // Systems by name at the top level; a category listing its systems.
        let (site, components, _) = site_of(
            "title: S\nbaseURL: https://s.example.org\nsystems: [Gateway, Site web, Site-web]\ncategories:\n  - name: Edge\n    systems: [Gateway]\n",
        );
        assert_eq!(site.base_url, "https://s.example.org/");
        assert_eq!(site.language, "en");
        let ids: Vec<&str> = components.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["gateway", "site-web", "site-web-2"], "unique ids");
        assert_eq!(components[0].group.as_deref(), Some("Edge"));
        assert_eq!(components[1].group, None);
    }

    #[test]
    fn a_site_without_address_or_systems_is_said_to_be_approximated() {
        let (site, components, report) = site_of("languageCode: de\n");
        assert_eq!(site.title, "Status");
        assert_eq!(site.base_url, "https://status.example.com/");
        assert!(components.is_empty());
        let said: Vec<&str> = report
            .approximated
            .iter()
            .map(|e| e.text.as_str())
            .collect();
        assert_eq!(said.len(), 4, "{said:?}");
        assert!(said[2].starts_with("language `de`"));
    }

    proptest::proptest! {
        #[test]
        fn any_issue_text_gives_an_incident_or_an_error_never_a_panic(
            text in "(---\n|\\+\\+\\+\n)?([a-z]{0,6}[:=] ?[\"a-z0-9 :*_{}<>%-]{0,12}\n){0,4}(---\n|\\+\\+\\+\n)?([*_]{0,2}[A-Za-zé ]{0,8}[*_]{0,2} ?[-—:]? ?[a-z ]{0,6}(\\{\\{[<%] ?[a-z]{0,5} ?\"?[0-9: -]{0,19}\"? ?[>%]\\}\\})?\n{0,2}){0,5}"
        ) {
            let mut systems = Systems::default();
            let mut report = Report::default();
            let _ = issue(Path::new("x.md"), &text, Tz::UTC, &mut systems, &mut report);
            let _ = paragraphs(&text);
            let _ = status_prefix(&text);
        }

        #[test]
        fn any_text_after_a_fence_never_panics(body in proptest::prelude::any::<String>()) {
            let mut systems = Systems::default();
            let mut report = Report::default();
            for fence in ["---\n", "+++\n", ""] {
                let text = format!("{fence}{body}");
                let _ = issue(Path::new("x.md"), &text, Tz::UTC, &mut systems, &mut report);
            }
            let _ = time(&body, Tz::UTC, "x", &mut report);
        }
    }

    #[test]
    fn toml_and_yaml_front_matter_are_split() {
        let (front, toml, body) = split("+++\ntitle = \"a\"\n+++\nbody\n").unwrap();
        assert_eq!((front, toml, body), ("title = \"a\"\n", true, "body\n"));
        let (front, toml, body) = split("---\ntitle: a\n---\n").unwrap();
        assert_eq!((front, toml, body), ("title: a\n", false, ""));
        assert!(split("title: a\n").is_none());
    }
}
