//! The import's files: `site.yaml` and one incident file per imported incident, written
//! as YAML by serde-saphyr's serializer (which quotes whatever YAML would misread), each
//! read back by the loader before anything is written. A file already there with the same
//! bytes is left alone; one that differs is kept unless `--force`; a new file is written
//! under a temporary name, then linked into place (which fails rather than replace a file
//! that appeared meanwhile); a replaced one is renamed over the old.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::report::FileState;
use super::{Affects, Draft, IncidentDraft, Read, Report};
use crate::error::{Diagnostic, Error};
use crate::load;
use crate::model::time::as_written;
use crate::model::Config;

/// Where and how to write.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's folder: `site.yaml` and `incidents/` go there.
    pub into: PathBuf,
    /// Say what would be written; write nothing.
    pub dry_run: bool,
    /// Replace files that exist and differ.
    pub force: bool,
}

/// What the import did: its report, and the problems to report as errors (files that could
/// not be read, files kept because they differ).
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    pub errors: Vec<Diagnostic>,
}

/// `site.yaml` as written.
#[derive(Serialize)]
struct SiteYaml<'a> {
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    base_url: &'a str,
    language: &'a str,
    timezone: &'a str,
    components: Vec<ComponentYaml<'a>>,
}

#[derive(Serialize)]
struct ComponentYaml<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

/// An incident's front matter as written.
#[derive(Serialize)]
struct FrontYaml<'a> {
    title: &'a str,
    start: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
    severity: &'static str,
    components: ComponentsYaml<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    draft: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    updates: Vec<UpdateYaml<'a>>,
}

#[derive(Serialize)]
struct UpdateYaml<'a> {
    at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    body: &'a str,
}

/// `components:` on one line: `[web, mail]` or `{web: partial-outage, mail: degraded}`.
enum ComponentsYaml<'a> {
    List(serde_saphyr::FlowSeq<Vec<&'a str>>),
    Map(serde_saphyr::FlowMap<Pairs<'a>>),
}

/// A mapping in the order given.
struct Pairs<'a>(Vec<(&'a str, &'static str)>);

impl Serialize for Pairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for ComponentsYaml<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ComponentsYaml::List(l) => l.serialize(s),
            ComponentsYaml::Map(m) => m.serialize(s),
        }
    }
}

/// `value` as YAML, by serde-saphyr.
fn yaml(value: &impl Serialize) -> Result<String, Error> {
    // YAML 1.2's rules, as vigie reads them: times stay unquoted.
    let options = serde_saphyr::ser_options! {
        compact_list_indent: false,
        yaml_12: true,
        no_lang_directive: true,
    };
    serde_saphyr::to_string_with_options(value, options)
        .map_err(|e| Error::Refused(format!("the import could not write YAML: {e}")))
}

/// The text of `site.yaml` for `draft`.
pub fn site_yaml(draft: &Draft) -> Result<String, Error> {
    let s = &draft.site;
    let body = yaml(&SiteYaml {
        title: &s.title,
        description: s.description.as_deref(),
        base_url: &s.base_url,
        language: &s.language,
        timezone: s.timezone.name(),
        components: s
            .components
            .iter()
            .map(|c| ComponentYaml {
                id: &c.id,
                name: &c.name,
                group: c.group.as_deref(),
                description: c.description.as_deref(),
            })
            .collect(),
    })?;
    Ok(format!(
        "# Written by `vigie import` from {}; check base_url and the components.\n{body}",
        s.source
    ))
}

/// The text of the incident file for `i`, its times written in `tz`, its components
/// renamed by `rename`.
pub fn incident_text(
    i: &IncidentDraft,
    tz: Tz,
    rename: &dyn Fn(&str) -> Option<String>,
) -> Result<String, Error> {
    let t = |t: DateTime<Utc>| as_written(t, tz);
    // Two of the source's components may be one of the site's: named once, at the worst.
    let mut renamed: Vec<(String, Option<crate::model::Severity>)> = Vec::new();
    let pairs: Vec<(&str, Option<crate::model::Severity>)> = match &i.affects {
        Affects::List(ids) => ids.iter().map(|id| (id.as_str(), None)).collect(),
        Affects::Map(pairs) => pairs
            .iter()
            .map(|(id, s)| (id.as_str(), Some(*s)))
            .collect(),
    };
    for (id, sev) in pairs {
        let Some(id) = rename(id) else { continue };
        match renamed.iter_mut().find(|(k, _)| *k == id) {
            Some((_, s)) => *s = (*s).max(sev),
            None => renamed.push((id, sev)),
        }
    }
    let components = match &i.affects {
        Affects::List(_) => ComponentsYaml::List(serde_saphyr::FlowSeq(
            renamed.iter().map(|(id, _)| id.as_str()).collect(),
        )),
        Affects::Map(_) => ComponentsYaml::Map(serde_saphyr::FlowMap(Pairs(
            renamed
                .iter()
                .map(|(id, sev)| (id.as_str(), sev.map_or("notice", |s| s.keyword())))
                .collect(),
        ))),
    };
    let front = yaml(&FrontYaml {
        title: &i.title,
        start: t(i.start),
        end: i.end.map(t),
        severity: i.severity.keyword(),
        components,
        published: i.published.map(t),
        draft: i.draft,
        updates: i
            .updates
            .iter()
            .map(|u| UpdateYaml {
                at: t(u.at),
                status: u.status.map(|s| s.keyword()),
                body: u.body.trim(),
            })
            .collect(),
    })?;
    let body = i.body.trim();
    Ok(if body.is_empty() {
        format!("---\n{front}---\n")
    } else {
        format!("---\n{front}---\n{body}\n")
    })
}

/// The path of an incident file: `incidents/<year>/<stem>.md`, the year of its start in
/// `tz`.
fn incident_path(i: &IncidentDraft, stem: &str, tz: Tz) -> String {
    format!("incidents/{}/{stem}.md", i.start.with_timezone(&tz).year())
}

/// How the draft's component ids map onto the target's: the same id, else the same name,
/// else a name that makes the id.
fn component_map(draft: &Draft, target: &Config) -> HashMap<String, Option<String>> {
    draft
        .site
        .components
        .iter()
        .map(|c| {
            let found = target
                .components
                .iter()
                .find(|t| t.id == c.id)
                .or_else(|| {
                    target
                        .components
                        .iter()
                        .find(|t| t.name.trim().to_lowercase() == c.name.trim().to_lowercase())
                })
                .or_else(|| {
                    target
                        .components
                        .iter()
                        .find(|t| t.id == load::incident_id(&c.name))
                });
            (c.id.clone(), found.map(|t| t.id.clone()))
        })
        .collect()
}

/// Writes what `read` found into `options.into` (nothing with `dry_run`), and completes its
/// report with each file's fate.
pub fn write(read: Read, options: &Options) -> Result<Outcome, Error> {
    let Read {
        mut draft,
        mut report,
        mut errors,
    } = read;
    if draft.site.components.is_empty() {
        // site.yaml needs one; nothing names it, so no incident touches it.
        draft.site.components.push(super::ComponentDraft {
            id: "services".to_string(),
            name: "Services".to_string(),
            group: None,
            description: None,
        });
        report.approximate_site(
            "site.yaml",
            "the source names no component: one called `services`, to rename or replace",
        );
    }
    let into = &options.into;
    let site_text = site_yaml(&draft)?;
    let generated = load::config::parse(Path::new("site.yaml"), &site_text)
        .map_err(|d| written_wrong("site.yaml", d))?;
    let site_path = into.join("site.yaml");
    let existing = read_existing(&site_path)?;
    let (site_state, config) = match existing {
        None => (FileState::Written, generated),
        Some(bytes) if bytes == site_text.as_bytes() => (FileState::Identical, generated),
        Some(_) if options.force => (FileState::Replaced, generated),
        Some(_) => (FileState::Kept, load::load_config(into)?),
    };
    if site_state == FileState::Kept {
        report.approximated.retain(|e| !e.site);
    } else {
        let n = draft.site.components.len();
        report.map(
            "site.yaml",
            format!(
                "{}: {n} component{}{}",
                draft.site.source,
                if n == 1 { "" } else { "s" },
                groups(&draft)
            ),
        );
    }
    let mut files: Vec<(FileState, String, PathBuf, String)> = Vec::new();
    files.push((site_state, "site.yaml".into(), site_path, site_text));

    // Components named by incidents, as the site's `site.yaml` names them.
    let map = if site_state == FileState::Kept {
        let map = component_map(&draft, &config);
        let mut missing: Vec<&str> = map
            .iter()
            .filter(|(_, to)| to.is_none())
            .map(|(from, _)| from.as_str())
            .collect();
        missing.sort_unstable();
        report.notes.push(format!(
            "site.yaml is already there and differs: it is kept, and the source's components are matched with its own (by id, then by name){}",
            if missing.is_empty() {
                String::new()
            } else {
                format!("; not found there, and left out of the incidents: {}", missing.join(", "))
            }
        ));
        Some(map)
    } else {
        None
    };
    let rename = |id: &str| -> Option<String> {
        match &map {
            Some(map) => map.get(id).cloned().flatten(),
            None => Some(id.to_string()),
        }
    };

    let mut stems = Vec::new();
    let placed = existing_incidents(into);
    for i in &draft.incidents {
        let stem = super::unique(i.stem.clone(), &mut stems);
        // A file of the same id already in the site, wherever it was moved, is the one
        // compared (two files giving one id would not build).
        let rel = placed.iter().find(|(id, _)| *id == stem).map_or_else(
            || incident_path(i, &stem, config.tz),
            |(_, rel)| rel.clone(),
        );
        let text = incident_text(i, config.tz, &rename)?;
        if let Err(d) = load::incident::parse(Path::new(&rel), &stem, &text, &config) {
            errors.push(
                Diagnostic::file(
                    &i.source,
                    format!(
                        "the incident read from here would make `{rel}` that vigie refuses: {}",
                        d.first().map_or("", |d| d.message.as_str())
                    ),
                )
                .with_help("it is not written; fix the source and import again"),
            );
            continue;
        }
        let posts = 1 + i.updates.len();
        report.map(
            &rel,
            format!(
                "{}: {}",
                i.source,
                match posts {
                    1 => "the announcement".to_string(),
                    2 => "the announcement and 1 update".to_string(),
                    n => format!("the announcement and {} updates", n - 1),
                }
            ),
        );
        let path = into.join(&rel);
        let state = match read_existing(&path)? {
            None => FileState::Written,
            Some(bytes) if bytes == text.as_bytes() => FileState::Identical,
            Some(_) if options.force => FileState::Replaced,
            Some(_) => FileState::Kept,
        };
        files.push((state, rel, path, text));
    }

    for (state, rel, path, text) in files {
        if state == FileState::Kept && rel != "site.yaml" {
            errors.push(
                Diagnostic::file(
                    &rel,
                    "already exists and differs from what the import gives; not replaced",
                )
                .with_help("compare the two, then remove the file or import again with --force"),
            );
        }
        if !options.dry_run {
            match state {
                FileState::Written => create(&path, text.as_bytes())?,
                FileState::Replaced => replace(&path, text.as_bytes())?,
                FileState::Identical | FileState::Kept => {}
            }
        }
        report.files.push((state, rel));
    }
    Ok(Outcome { report, errors })
}

/// The incident files already under `into/incidents/`: each id (as the loader makes it
/// from the file's name) and the file's path from `into`, `/`-separated.
fn existing_incidents(into: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(into.join("incidents"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let name = e.file_name().to_str()?;
            let stem = name.strip_suffix(".md")?;
            if name.starts_with('_') || name.starts_with('.') {
                return None;
            }
            let rel = e.path().strip_prefix(into).ok()?;
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            Some((load::incident_id(stem), rel.join("/")))
        })
        .collect()
}

/// ", in 2 groups" when the draft has groups.
fn groups(draft: &Draft) -> String {
    let mut names: Vec<&str> = draft
        .site
        .components
        .iter()
        .filter_map(|c| c.group.as_deref())
        .collect();
    names.sort_unstable();
    names.dedup();
    match names.len() {
        0 => String::new(),
        1 => ", in 1 group".to_string(),
        n => format!(", in {n} groups"),
    }
}

/// The error for a file the import made and the loader refuses: a bug of the import, said
/// with the loader's own words.
fn written_wrong(rel: &str, diagnostics: Vec<Diagnostic>) -> Error {
    Error::Content(
        diagnostics
            .into_iter()
            .map(|mut d| {
                d.message = format!(
                    "the import would write a `{rel}` vigie refuses: {}",
                    d.message
                );
                d
            })
            .collect(),
    )
}

/// The bytes of `path`, or `None` when there is no such file.
fn read_existing(path: &Path) -> Result<Option<Vec<u8>>, Error> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Creates `path` holding `bytes`, all at once, failing if it exists.
fn create(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    match crate::new_file::create(path, bytes, "import") {
        Ok(true) => Ok(()),
        Ok(false) => Err(Error::Refused(format!(
            "`{}` appeared while the import ran; not replaced",
            path.display()
        ))),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Replaces `path` with `bytes`, all at once.
fn replace(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    crate::new_file::replace(path, bytes, "import").map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    use proptest::prelude::*;

    use crate::import::{ComponentDraft, SiteDraft, UpdateDraft};
    use crate::load::text::{self, Lines};
    use crate::model::{Severity, UpdateStatus};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn draft(title: &str, names: [&str; 2], description: &str) -> Draft {
        Draft {
            site: SiteDraft {
                source: "config.yml".into(),
                title: title.into(),
                description: Some(description.into()),
                base_url: "https://status.example.fr/".into(),
                language: "fr".into(),
                timezone: chrono_tz::Europe::Paris,
                components: vec![
                    ComponentDraft {
                        id: "web".into(),
                        name: names[0].into(),
                        group: Some(names[1].into()),
                        description: Some(description.into()),
                    },
                    ComponentDraft {
                        id: "mail".into(),
                        name: names[1].into(),
                        group: None,
                        description: None,
                    },
                ],
            },
            incidents: Vec::new(),
        }
    }

    fn incident(title: &str, body: &str, update: &str, affects: Affects) -> IncidentDraft {
        IncidentDraft {
            source: "x".into(),
            stem: "2020-01-01-x".into(),
            title: title.into(),
            start: t("2020-01-01T10:00:00Z"),
            end: Some(t("2020-01-01T11:00:07Z")),
            severity: Severity::PartialOutage,
            affects,
            published: Some(t("2020-01-01T10:05:00Z")),
            draft: true,
            body: body.into(),
            updates: vec![
                UpdateDraft {
                    at: t("2020-01-01T10:30:00Z"),
                    status: Some(UpdateStatus::Identified),
                    body: update.into(),
                },
                UpdateDraft {
                    at: t("2020-01-01T10:40:00Z"),
                    status: None,
                    body: "no".into(),
                },
            ],
        }
    }

    /// The incident file for `i`, as the loader reads it under `draft`'s `site.yaml`.
    fn read_back(d: &Draft, i: &IncidentDraft) -> crate::model::Incident {
        let config = load::config::parse(Path::new("site.yaml"), &site_yaml(d).unwrap()).unwrap();
        let text = incident_text(i, config.tz, &|id| Some(id.to_string())).unwrap();
        load::incident::parse(Path::new("incidents/x.md"), "x", &text, &config)
            .unwrap_or_else(|e| panic!("{text}\n{e:?}"))
    }

    #[test]
    fn an_incident_file_holds_what_yaml_would_misread_and_reads_back() {
        let d = draft(
            "Statut : « tout va bien » #1",
            ["Web: PHP", "- mail"],
            "yes",
        );
        let i = incident(
            "Titre: avec « guillemets » et #dièse",
            "- a list\n- of two",
            "Line one: yes\n\n    indented code\nlast # x",
            Affects::Map(vec![
                ("web".into(), Severity::PartialOutage),
                ("mail".into(), Severity::Degraded),
            ]),
        );
        let text = incident_text(&i, chrono_tz::Europe::Paris, &|id| Some(id.to_string())).unwrap();
        assert!(
            text.starts_with("---\ntitle: \"Titre: avec « guillemets » et #dièse\"\nstart: 2020-01-01 11:00\nend: 2020-01-01 12:00:07\nseverity: partial-outage\ncomponents: {web: partial-outage, mail: degraded}\npublished: 2020-01-01 11:05\ndraft: true\n"),
            "{text}"
        );
        let read = read_back(&d, &i);
        assert_eq!(read.title, i.title);
        assert_eq!((read.start, read.end), (i.start, i.end));
        assert_eq!(read.published, t("2020-01-01T10:05:00Z"));
        assert!(read.draft);
        assert_eq!(read.posts.len(), 3);
        assert_eq!(read.posts[0].markdown.trim(), "- a list\n- of two");
        assert_eq!(read.posts[1].markdown, i.updates[0].body);
        assert_eq!(read.posts[1].status, Some(UpdateStatus::Identified));
        assert_eq!(read.posts[2].markdown, "no");
        assert_eq!(read.posts[2].status, Some(UpdateStatus::Update));
        assert_eq!(read.impacts.len(), 2);
        assert_eq!(read.impacts[1].severity, Severity::Degraded);
    }

    #[test]
    fn an_empty_list_affects_no_component() {
        let d = draft("T", ["Web", "Mail"], "d");
        let i = incident("t", "", "u", Affects::List(Vec::new()));
        assert!(read_back(&d, &i).impacts.is_empty());
    }

    #[test]
    fn two_components_renamed_to_one_are_named_once_at_the_worst() {
        let i = incident(
            "t",
            "b",
            "u",
            Affects::Map(vec![
                ("a".into(), Severity::Degraded),
                ("b".into(), Severity::MajorOutage),
                ("c".into(), Severity::Degraded),
            ]),
        );
        let rename = |id: &str| match id {
            "a" | "b" => Some("web".to_string()),
            _ => None,
        };
        let text = incident_text(&i, chrono_tz::UTC, &rename).unwrap();
        assert!(
            text.contains("\ncomponents: {web: major-outage}\n"),
            "{text}"
        );
    }

    /// Any text, or one made of what YAML reads as syntax.
    fn text_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Zé0-9 :#'\"\\\\\\-?!.,&*|>%@`\\[\\]{}~\n\t]{0,24}",
            prop::sample::select(vec![
                "null",
                "No",
                "TRUE",
                "off",
                "y",
                "~",
                "1e3",
                "0x1F",
                "- a",
                "---",
                "...",
                "2020-01-01",
                "12:30",
                "|",
                ">",
                "  lead",
                "trail  ",
                "a: b",
                "#c",
            ])
            .prop_map(str::to_string),
        ]
    }

    proptest! {
        #[test]
        fn any_title_and_bodies_read_back(
            title in text_strategy(),
            body in text_strategy(),
            update in text_strategy(),
        ) {
            let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assume!(!title.is_empty() && text::problem(&title, Lines::One).is_none());
            prop_assume!(text::problem(&body, Lines::Many).is_none());
            prop_assume!(text::problem(&update, Lines::Many).is_none());
            let d = draft("T", ["Web", "Mail"], "d");
            let i = incident(&title, &body, &update, Affects::List(vec!["mail".into()]));
            let read = read_back(&d, &i);
            prop_assert_eq!(read.title, title);
            prop_assert_eq!(read.posts[0].markdown.trim(), body.trim());
            prop_assert_eq!(&read.posts[1].markdown, update.trim());
        }

        #[test]
        fn any_site_texts_read_back(
            title in text_strategy(),
            a in text_strategy(),
            b in text_strategy(),
            description in text_strategy(),
        ) {
            let one = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            let (title, a, b) = (one(&title), one(&a), one(&b));
            for s in [&title, &a, &b] {
                prop_assume!(!s.is_empty() && text::problem(s, Lines::One).is_none());
            }
            prop_assume!(!description.trim().is_empty());
            prop_assume!(text::problem(&description, Lines::Many).is_none());
            let d = draft(&title, [&a, &b], &description);
            let config = load::config::parse(Path::new("site.yaml"), &site_yaml(&d).unwrap())
                .unwrap_or_else(|e| panic!("{}\n{e:?}", site_yaml(&d).unwrap()));
            prop_assert_eq!(config.title, title);
            prop_assert_eq!(&config.components[0].name, &a);
            prop_assert_eq!(config.components[0].group.as_deref(), Some(b.as_str()));
            prop_assert_eq!(config.components[1].name.as_str(), b.as_str());
            prop_assert_eq!(config.components[0].description.as_deref(), Some(description.as_str()));
        }
    }
}
