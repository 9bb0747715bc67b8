//! One incident file: front matter split, typed front matter, validation against the site.

use std::fmt;
use std::marker::PhantomData;
use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::markdown;
use super::time::TimeSpec;
use crate::error::{did_you_mean, Diagnostic, Span};
use crate::load::text::{self, Lines};
use crate::load::yaml::{self, At, Names, Pos, Source, HELP_SEP};
use crate::model::Config;
use crate::model::{Impact, Incident, Post, Severity, UpdateStatus};
use crate::model::{KeyPositions, Written};

mod front_matter;

/// The generator of large sites (benchmarks and scale tests), for the tests of the direct
/// readers of front matter (incidents' and translations').
#[cfg(test)]
#[path = "../../tests/support/gen.rs"]
pub(super) mod test_gen;

/// The keys of an incident's front matter, for did-you-mean hints.
const FRONT_KEYS: &[&str] = &[
    "title",
    "start",
    "end",
    "severity",
    "components",
    "author",
    "published",
    "draft",
    "updates",
];

const UPDATE_KEYS: &[&str] = &["at", "status", "author", "body"];

/// What the front matter and its mappings are called in messages.
const NAMES: Names = Names {
    document: "the front matter",
    mappings: &[(FRONT_KEYS, "the front matter"), (UPDATE_KEYS, "an update")],
};

/// The front matter as written. Values that validation checks carry their position.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawFront {
    title: Option<At<String>>,
    start: Option<At<TimeSpec>>,
    end: Option<At<TimeSpec>>,
    severity: Option<At<Severity>>,
    components: Option<At<ComponentsSpec<At<String>>>>,
    author: Option<At<String>>,
    published: Option<At<TimeSpec>>,
    #[serde(default, deserialize_with = "yaml::plain_bool")]
    draft: bool,
    #[serde(default, deserialize_with = "yaml::blank_as_default")]
    updates: Vec<RawUpdate>,
}

/// One item of `updates:`; `pos` is where its mapping starts.
#[derive(Debug, PartialEq)]
struct RawUpdate {
    pos: Pos,
    at: Option<At<TimeSpec>>,
    status: Option<UpdateStatus>,
    author: Option<At<String>>,
    body: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateFields {
    at: Option<At<TimeSpec>>,
    status: Option<UpdateStatus>,
    author: Option<At<String>>,
    #[serde(default)]
    body: String,
}

impl<'de> Deserialize<'de> for RawUpdate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `- ` and nothing else is an update with no keys, as serde_yaml read it.
        let item: At<UpdateFields> = yaml::blank_at_default(deserializer)?;
        Ok(RawUpdate {
            pos: item.pos,
            at: item.value.at,
            status: item.value.status,
            author: item.value.author,
            body: item.value.body,
        })
    }
}

/// `components:` as a list of ids, a mapping from id to severity, or one id alone. `I` is
/// how an id is read: [`At<String>`] here, `String` for the reference reader in tests.
#[derive(Debug, PartialEq)]
enum ComponentsSpec<I> {
    List(Vec<I>),
    Map(Vec<(I, Severity)>),
    One(String),
}

impl<'de, I: Deserialize<'de>> Deserialize<'de> for ComponentsSpec<I> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<I>(PhantomData<I>);
        impl<'de, I: Deserialize<'de>> Visitor<'de> for V<I> {
            type Value = ComponentsSpec<I>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of component ids, or a mapping from component id to severity")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ComponentsSpec<I>, A::Error> {
                let mut ids = Vec::new();
                while let Some(id) = seq.next_element::<I>()? {
                    ids.push(id);
                }
                Ok(ComponentsSpec::List(ids))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ComponentsSpec<I>, A::Error> {
                let mut pairs = Vec::new();
                while let Some((id, severity)) = map.next_entry::<I, Severity>()? {
                    pairs.push((id, severity));
                }
                Ok(ComponentsSpec::Map(pairs))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ComponentsSpec<I>, E> {
                // `components: web` — a single id.
                Ok(ComponentsSpec::One(v.to_string()))
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}

/// Reads one of the `keywords` and maps it with `from`, or explains what the words are.
fn keyword<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    what: &str,
    plural: &str,
    keywords: &[&str],
    from: impl Fn(&str) -> Option<T>,
) -> Result<T, D::Error> {
    let word = String::deserialize(deserializer)?;
    from(&word).ok_or_else(|| {
        let list = keywords.join(", ");
        let hint = match did_you_mean(&word, keywords.iter().copied()) {
            Some(s) => format!(
                "did you mean `{s}`? {}: {list}",
                crate::model::lang::capitalize(plural)
            ),
            None => format!("{plural}: {list}"),
        };
        de::Error::custom(format!("unknown {what} `{word}`{HELP_SEP}{hint}"))
    })
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let words = Severity::ALL.map(Severity::keyword);
        keyword(
            deserializer,
            "severity",
            "severities",
            &words,
            Severity::from_keyword,
        )
    }
}

impl<'de> Deserialize<'de> for UpdateStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let words = UpdateStatus::ALL.map(UpdateStatus::keyword);
        keyword(
            deserializer,
            "update status",
            "statuses",
            &words,
            UpdateStatus::from_keyword,
        )
    }
}

/// The parts of an incident file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub front: &'a str,
    /// 0-based line index of the first YAML line in the file.
    pub front_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
}

/// Splits `text` into front matter and body.
pub fn split_front_matter<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::file(path, "the file is empty")
            .with_help("an incident file starts with a `---` line, then `title:`, `start:`… and a closing `---`"));
    }
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim_end() != "---" {
        return Err(Diagnostic::at(
            path,
            text,
            Span::new(1, 1, first_line.chars().count().max(1)),
            "the file does not start with `---`",
        )
        .with_help("an incident file starts with front matter between two `---` lines"));
    }
    let mut offset = first_line.len() + line_break_len(&text[first_line.len()..]);
    let front_start = offset;
    for line in text[front_start..].split_inclusive('\n') {
        // Most lines start otherwise: only those starting with `---` or `...` are looked at.
        if line.starts_with("---") || line.starts_with("...") {
            let bare = line.trim_end();
            if bare == "---" || bare == "..." {
                return Ok(Split {
                    front: &text[front_start..offset],
                    front_line: 1,
                    body: &text[offset + line.len()..],
                });
            }
        }
        offset += line.len();
    }
    Err(Diagnostic::at(
        path,
        text,
        Span::new(1, 1, 3),
        "the front matter has no closing `---`",
    )
    .with_help("end the front matter with a line holding only `---`, before the Markdown text"))
}

fn line_break_len(rest: &str) -> usize {
    if rest.starts_with("\r\n") {
        2
    } else {
        usize::from(rest.starts_with('\n'))
    }
}

/// The front matter `yaml` read directly when it is plain (nearly always), or else by the
/// YAML reader, which also says what is wrong and where.
fn read_front(src: &Source, yaml: &str) -> Result<RawFront, Diagnostic> {
    match front_matter::read(yaml) {
        Some(raw) => Ok(raw),
        None => yaml::parse(src, yaml, &NAMES),
    }
}

/// A translation's front matter read directly (see [`read_plain_translation`]).
pub(super) struct PlainTranslation {
    pub title: Option<At<String>>,
    /// Each update: where its mapping starts, its `at` and its `body`.
    pub updates: Vec<(Pos, Option<At<TimeSpec>>, String)>,
}

/// A translation's front matter `yaml` read directly, when it is plain (see
/// [`front_matter`]) and gives only `title` and `updates`, each update only `at` and
/// `body`; `None` otherwise, and the caller reads it with the YAML reader, which says what
/// is wrong and where. What it gives is what the YAML reader gives.
pub(super) fn read_plain_translation(yaml: &str) -> Option<PlainTranslation> {
    let (front, keys) = front_matter::read_keys(yaml)?;
    if keys.iter().any(|k| !matches!(*k, "title" | "updates")) {
        return None;
    }
    let mut updates = Vec::with_capacity(front.updates.len());
    for u in front.updates {
        if u.status.is_some() || u.author.is_some() {
            return None;
        }
        updates.push((u.pos, u.at, u.body));
    }
    Some(PlainTranslation {
        title: front.title,
        updates,
    })
}

/// Parses one incident file. `path` is the path shown in diagnostics, `id` the incident's id.
pub fn parse(
    path: &Path,
    id: &str,
    text: &str,
    config: &Config,
) -> Result<Incident, Vec<Diagnostic>> {
    let split = split_front_matter(path, text).map_err(|d| vec![d])?;
    let src = Source {
        path,
        text: text.strip_prefix('\u{feff}').unwrap_or(text),
        line0: split.front_line,
    };
    let raw = read_front(&src, split.front).map_err(|d| vec![d])?;

    let mut errors = Vec::new();
    let times = resolve_times(&src, &raw, config.tz, &mut errors);
    let title = title(&src, raw.title.as_ref(), &mut errors);
    check_start_and_end(&src, &raw, &times, &mut errors);
    let positions = KeyPositions {
        start: written(&src, raw.start.as_ref().map(|a| a.pos)),
        end: written(&src, raw.end.as_ref().map(|a| a.pos)),
        published: written(&src, raw.published.as_ref().map(|a| a.pos)),
        severity: written(&src, raw.severity.as_ref().map(|a| a.pos)),
        title: written(&src, raw.title.as_ref().map(|a| a.pos)),
    };
    let (severity, impacts) = severity_and_impacts(
        &src,
        raw.components,
        raw.severity.map(|s| s.value),
        config,
        &mut errors,
    );
    check_author(&src, raw.author.as_ref(), &mut errors);
    for u in &raw.updates {
        check_author(&src, u.author.as_ref(), &mut errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Every `None` below has produced an error above.
    let (Some(start), Some(severity)) = (times.start, severity) else {
        return Err(vec![Diagnostic::file(path, "incomplete front matter")]);
    };
    // Every update has its time, or an error was reported above.
    let updates: Vec<(DateTime<Utc>, RawUpdate)> = times
        .updates
        .into_iter()
        .flatten()
        .zip(raw.updates)
        .collect();
    let published = times
        .published
        .unwrap_or_else(|| default_published(start, updates.iter().map(|(at, _)| *at)));

    Ok(Incident {
        id: id.to_string(),
        source: path.to_path_buf(),
        title: title.to_string(),
        start,
        end: times.end,
        severity,
        impacts,
        author: signer(raw.author),
        published,
        draft: raw.draft,
        posts: posts(split.body, published, updates),
        positions,
        untranslated: None,
    })
}

/// When an incident without `published` is announced: at the earliest of its start and
/// its updates' times. A maintenance written on Wednesday for Friday, with a `scheduled`
/// update dated Wednesday, is public from Wednesday (issue 13).
fn default_published(
    start: DateTime<Utc>,
    updates: impl Iterator<Item = DateTime<Utc>>,
) -> DateTime<Utc> {
    updates.fold(start, DateTime::min)
}

/// Where the value at `pos` of the front matter is in the whole file, with its line.
fn written(src: &Source, pos: Option<Pos>) -> Option<Written> {
    let pos = pos.filter(|p| p.line > 0)?;
    let d = src.error(pos, "", None);
    Some(Written {
        span: d.span,
        line: d.source_line.unwrap_or_default(),
    })
}

/// The times of the front matter in UTC; `None` where a time is absent, or wrong and
/// reported.
struct Times {
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    published: Option<DateTime<Utc>>,
    /// Each update's `at`, in the order of the file.
    updates: Vec<Option<DateTime<Utc>>>,
}

/// Resolves every time of the front matter in the site's time zone `tz`, reporting the
/// times that are wrong and the updates that have none.
fn resolve_times(src: &Source, raw: &RawFront, tz: Tz, errors: &mut Vec<Diagnostic>) -> Times {
    let start = raw.start.as_ref().and_then(|t| resolve(src, t, tz, errors));
    let end = raw.end.as_ref().and_then(|t| resolve(src, t, tz, errors));
    let published = raw
        .published
        .as_ref()
        .and_then(|t| resolve(src, t, tz, errors));
    let mut updates = Vec::with_capacity(raw.updates.len());
    for (n, u) in raw.updates.iter().enumerate() {
        updates.push(match &u.at {
            Some(t) => resolve(src, t, tz, errors),
            None => {
                errors.push(
                    src.error(
                        u.pos,
                        format!("update {} has no `at`", n + 1),
                        Some(
                            "give each update the time it was posted, e.g. `at: 2017-10-28 09:30`"
                                .to_string(),
                        ),
                    ),
                );
                None
            }
        });
    }
    Times {
        start,
        end,
        published,
        updates,
    }
}

/// The time `spec` in UTC, or `None` and an error when it is not a time in `tz`.
fn resolve(
    src: &Source,
    spec: &At<TimeSpec>,
    tz: Tz,
    errors: &mut Vec<Diagnostic>,
) -> Option<DateTime<Utc>> {
    match spec.value.resolve(tz) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(src.error(spec.pos, e.message, Some(e.help)));
            None
        }
    }
}

/// A diagnostic at the opening fence, for what the front matter lacks.
fn at_fence(src: &Source, message: &str, help: &str) -> Diagnostic {
    Diagnostic::at(src.path, src.text, Span::new(1, 1, 3), message).with_help(help)
}

/// The title, trimmed: reported when missing or blank, or when it holds what a one-line text
/// may not.
fn title<'r>(src: &Source, title: Option<&'r At<String>>, errors: &mut Vec<Diagnostic>) -> &'r str {
    let text = title.map_or("", |t| t.value.trim());
    if text.is_empty() {
        let help = "add a line `title: …` to the front matter";
        errors.push(match title {
            Some(t) => src.error(t.pos, "missing `title`", Some(help.to_string())),
            None => at_fence(src, "missing `title`", help),
        });
    }
    if let Some(t) = title {
        text::check(src, "title", t, text, Lines::One, errors);
    }
    text
}

/// `start` is given, and `end`, when given, does not come before it.
fn check_start_and_end(src: &Source, raw: &RawFront, times: &Times, errors: &mut Vec<Diagnostic>) {
    if raw.start.is_none() {
        errors.push(at_fence(
            src,
            "missing `start`",
            "add a line `start: YYYY-MM-DD HH:MM` (site time zone) to the front matter",
        ));
    }
    if let (Some(s), Some(e), Some(spec)) = (times.start, times.end, &raw.end) {
        if e < s {
            errors.push(
                src.error(
                    spec.pos,
                    "`end` is before `start`",
                    Some(
                        "check the date and time of both; `end` is when the incident stopped"
                            .to_string(),
                    ),
                ),
            );
        }
    }
}

/// The incident's severity and its impact on each component it names (all of them when it
/// names none), in the order of `site.yaml`. Reports unknown components and a missing
/// severity.
fn severity_and_impacts(
    src: &Source,
    components: Option<At<ComponentsSpec<At<String>>>>,
    severity: Option<Severity>,
    config: &Config,
    errors: &mut Vec<Diagnostic>,
) -> (Option<Severity>, Vec<Impact>) {
    // Whether `site.yaml` declares `cid`; an error when it does not.
    let mut known = |cid: &At<String>| {
        let found = config.component(&cid.value).is_some();
        if !found {
            errors.push(unknown_component(src, cid, config));
        }
        found
    };
    let impact = |cid: &At<String>, severity: Severity| Impact {
        component: cid.value.clone(),
        severity,
    };
    let components = components.map(|c| match c.value {
        ComponentsSpec::One(id) => ComponentsSpec::List(vec![At {
            value: id,
            pos: c.pos,
        }]),
        other => other,
    });
    let (severity, mut impacts) = match components {
        None => match severity {
            Some(sev) => (
                Some(sev),
                config
                    .components
                    .iter()
                    .map(|c| Impact {
                        component: c.id.clone(),
                        severity: sev,
                    })
                    .collect(),
            ),
            None => (None, Vec::new()),
        },
        Some(ComponentsSpec::List(ids)) => {
            let declared: Vec<&At<String>> = ids.iter().filter(|cid| known(cid)).collect();
            let impacts = match severity {
                Some(sev) => declared.into_iter().map(|cid| impact(cid, sev)).collect(),
                None => Vec::new(),
            };
            (severity, impacts)
        }
        Some(ComponentsSpec::Map(pairs)) => {
            let impacts = pairs
                .iter()
                .filter(|(cid, _)| known(cid))
                .map(|(cid, sev)| impact(cid, *sev))
                .collect();
            let worst = pairs.iter().map(|(_, s)| *s).max();
            (severity.or(worst), impacts)
        }
        // Made a list above.
        Some(ComponentsSpec::One(_)) => (severity, Vec::new()),
    };
    if severity.is_none() {
        errors.push(at_fence(
            src,
            "missing `severity`",
            "add `severity: major-outage` (or partial-outage, degraded, maintenance, notice)",
        ));
    }
    impacts.sort_by_key(|i| config.component_index(&i.component));
    impacts.dedup_by(|a, b| a.component == b.component);
    (severity, impacts)
}

/// The error for `cid`, a component `site.yaml` does not declare.
fn unknown_component(src: &Source, cid: &At<String>, config: &Config) -> Diagnostic {
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    let mut hint = format!("known: {}", known.join(", "));
    if let Some(s) = did_you_mean(&cid.value, known.iter().copied()) {
        hint.push_str(&format!(" — did you mean `{s}`?"));
    }
    src.error(
        cid.pos,
        format!("unknown component `{}`", cid.value),
        Some(hint),
    )
}

/// Reports an `author` (the incident's or an update's) that holds characters pages cannot
/// show; a blank one signs nothing and is not looked at.
fn check_author(src: &Source, author: Option<&At<String>>, errors: &mut Vec<Diagnostic>) {
    if let Some(a) = author.filter(|a| !a.value.trim().is_empty()) {
        text::check(src, "author", a, &a.value, Lines::Many, errors);
    }
}

/// Who an `author` names, as written: `None` when absent or blank.
fn signer(author: Option<At<String>>) -> Option<String> {
    author.map(|a| a.value).filter(|a| !a.trim().is_empty())
}

/// The posts: the announcement (the Markdown `body` after the front matter), published at
/// `published`, then the `updates` by time, each with an anchor of its own.
fn posts(
    body: &str,
    published: DateTime<Utc>,
    mut updates: Vec<(DateTime<Utc>, RawUpdate)>,
) -> Vec<Post> {
    let mut posts = Vec::with_capacity(updates.len() + 1);
    let announcement = markdown::render(body, "announcement");
    posts.push(Post {
        at: published,
        status: None,
        markdown: body.to_string(),
        html: announcement.html,
        text: announcement.text,
        anchor: "announcement".to_string(),
        // The incident's own `author` signs it: see [`Incident::author_of`].
        author: None,
    });
    // Stable: updates at the same minute keep their order in the file.
    updates.sort_by_key(|(at, _)| *at);
    for (at, u) in updates {
        let anchor = unique_anchor(&posts, at);
        let rendered = markdown::render(&u.body, &anchor);
        posts.push(Post {
            at,
            status: Some(u.status.unwrap_or(UpdateStatus::Update)),
            html: rendered.html,
            text: rendered.text,
            markdown: u.body,
            anchor,
            author: signer(u.author),
        });
    }
    posts
}

/// The anchor of an update posted at `at`: its time, then `-2`, `-3`… when `posts` already
/// has it.
fn unique_anchor(posts: &[Post], at: DateTime<Utc>) -> String {
    let base = crate::model::time::update_anchor(at);
    let mut anchor = base.clone();
    let mut n = 2;
    while posts.iter().any(|p| p.anchor == anchor) {
        anchor = format!("{base}-{n}");
        n += 1;
    }
    anchor
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn config() -> Config {
        crate::load::config::parse(
            Path::new("site.yaml"),
            "title: T\nbase_url: https://s.example.fr/\nlanguage: fr\ntimezone: Europe/Paris\ncomponents:\n  - {id: web, name: Web}\n  - {id: mail, name: Mail}\n  - {id: dns, name: DNS}\n",
        )
        .unwrap()
    }

    fn parse_text(text: &str) -> Result<Incident, Vec<Diagnostic>> {
        parse(Path::new("incidents/x.md"), "x", text, &config())
    }

    fn first_error(text: &str) -> Diagnostic {
        parse_text(text).unwrap_err().remove(0)
    }

    #[test]
    fn a_complete_incident_parses() {
        let i = parse_text(
            "---\ntitle: Panne\nstart: 2017-10-28 00:44\nend: 2017-10-28 01:46\nseverity: major-outage\nupdates:\n  - at: 2017-10-29 18:30\n    body: Suite.\n  - at: 2017-10-28 09:30\n    status: resolved\n    body: Fini.\n---\nTexte **gras**.\n",
        )
        .unwrap();
        assert_eq!(i.title, "Panne");
        assert_eq!(i.impacts.len(), 3, "absent components means all");
        assert_eq!(i.posts.len(), 3);
        assert_eq!(
            i.posts[1].status,
            Some(UpdateStatus::Resolved),
            "updates are sorted by time"
        );
        assert_eq!(
            i.posts[2].status,
            Some(UpdateStatus::Update),
            "status defaults to update"
        );
        assert!(i.posts[0].html.contains("<strong>gras</strong>"));
        assert_eq!(i.published, i.start);
    }

    #[test]
    fn a_mapping_of_components_gives_each_its_severity_and_the_worst_overall() {
        let i = parse_text("---\ntitle: t\nstart: 2020-01-01 10:00\ncomponents: {mail: degraded, web: partial-outage}\n---\n").unwrap();
        assert_eq!(i.severity, Severity::PartialOutage);
        assert_eq!(
            i.impacts[0],
            Impact {
                component: "web".into(),
                severity: Severity::PartialOutage
            }
        );
        assert_eq!(
            i.impacts[1],
            Impact {
                component: "mail".into(),
                severity: Severity::Degraded
            }
        );
    }

    #[test]
    fn an_unknown_component_points_at_it_and_suggests_the_right_one() {
        let d = first_error("---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: degraded\ncomponents: [web, dsn]\n---\n");
        assert_eq!(d.message, "unknown component `dsn`");
        assert_eq!((d.span.line, d.span.column, d.span.len), (5, 19, 3));
        assert_eq!(
            d.help.as_deref(),
            Some("known: web, mail, dns — did you mean `dns`?")
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let d = first_error("---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: degraded\ncomponents: [é, dsn]\n---\n");
        assert_eq!(d.message, "unknown component `é`");
        let d = &parse_text("---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: degraded\ncomponents: [é, dsn]\n---\n").unwrap_err()[1];
        assert_eq!(d.message, "unknown component `dsn`");
        assert_eq!((d.span.line, d.span.column, d.span.len), (5, 17, 3));
    }

    #[test]
    fn a_component_given_twice_in_a_mapping_is_refused() {
        // YAML wants the keys of a mapping to differ (issue #12).
        let d = first_error("---\ntitle: t\nstart: 2020-01-01 10:00\ncomponents:\n  web: degraded\n  web: notice\n---\n");
        assert_eq!(d.message, "duplicate key `web`");
        assert_eq!((d.span.line, d.span.column, d.span.len), (6, 3, 3));
        assert_eq!(
            d.help.as_deref(),
            Some("it is already given on line 5: keep one of the two")
        );
    }

    #[test]
    fn an_unknown_key_is_reported_at_its_line_in_the_file() {
        let d = first_error("---\ntitle: t\nstrat: 2020-01-01 10:00\n---\n");
        assert_eq!(d.message, "unknown key `strat` in the front matter");
        assert_eq!((d.span.line, d.span.column, d.span.len), (3, 1, 5));
        assert_eq!(d.help.as_deref(), Some("did you mean `start`?"));
    }

    #[test]
    fn an_unknown_severity_is_named() {
        let d = first_error("---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: major\n---\n");
        assert_eq!(d.message, "unknown severity `major`");
        assert_eq!(d.span.line, 4);
    }

    #[test]
    fn a_time_in_a_daylight_saving_gap_is_an_error_at_its_value() {
        let d = first_error("---\ntitle: t\nstart: 2017-03-26 02:30\nseverity: degraded\n---\n");
        assert!(
            d.message.contains("does not exist in Europe/Paris"),
            "{}",
            d.message
        );
        assert_eq!((d.span.line, d.span.column), (3, 8));
    }

    #[test]
    fn every_missing_field_is_reported_together() {
        let errors = parse_text("---\ndraft: false\n---\n").unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            ["missing `title`", "missing `start`", "missing `severity`"]
        );
    }

    #[test]
    fn end_before_start_is_an_error() {
        let d = first_error("---\ntitle: t\nstart: 2020-01-01 10:00\nend: 2020-01-01 09:00\nseverity: degraded\n---\n");
        assert_eq!(d.message, "`end` is before `start`");
        assert_eq!(d.span.line, 4);
    }

    #[test]
    fn a_missing_closing_fence_is_an_error() {
        let d = first_error("---\ntitle: t\n");
        assert_eq!(d.message, "the front matter has no closing `---`");
    }

    #[test]
    fn the_places_of_start_end_published_and_severity_are_kept_by_both_readers() {
        // The fast reader reads the first; a comment after a value sends the second to the
        // YAML reader. Both give the same places, counted in the whole file.
        for text in [
            "---\ntitle: t\nstart: 2020-01-01 10:00\nend: 2020-01-01 11:00\nseverity: 'degraded'\npublished: 2020-01-01 12:00\n---\n",
            "---\ntitle: t # x\nstart: 2020-01-01 10:00\nend: 2020-01-01 11:00\nseverity: 'degraded'\npublished: 2020-01-01 12:00\n---\n",
        ] {
            let p = parse_text(text).unwrap().positions;
            let at = |w: &Option<Written>| w.as_ref().map(|w| (w.span.line, w.span.column, w.span.len, w.line.clone()));
            assert_eq!(at(&p.start), Some((3, 8, 16, "start: 2020-01-01 10:00".into())), "{text}");
            assert_eq!(at(&p.end).map(|a| (a.0, a.1)), Some((4, 6)));
            assert_eq!(at(&p.severity).map(|a| (a.0, a.1, a.2)), Some((5, 11, 10)));
            assert_eq!(at(&p.published).map(|a| (a.0, a.1)), Some((6, 12)));
        }
        let p = parse_text("---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: notice\n---\n")
            .unwrap()
            .positions;
        assert!(p.end.is_none() && p.published.is_none());
    }

    #[test]
    fn without_published_the_announcement_is_the_earliest_of_start_and_updates() {
        // Issue 13.
        let i = parse_text("---\ntitle: t\nstart: 2020-01-10 10:00\nseverity: maintenance\nupdates:\n  - {at: 2020-01-12 10:00, body: b}\n  - {at: 2020-01-05 09:00, status: scheduled, body: a}\n---\n").unwrap();
        assert_eq!(i.published.to_rfc3339(), "2020-01-05T08:00:00+00:00");
        assert_eq!(i.posts[0].at, i.published);
        let written = parse_text("---\ntitle: t\nstart: 2020-01-10 10:00\nseverity: maintenance\npublished: 2020-01-08 10:00\nupdates:\n  - {at: 2020-01-05 09:00, status: scheduled, body: a}\n---\n").unwrap();
        assert_eq!(written.published.to_rfc3339(), "2020-01-08T09:00:00+00:00");
    }

    #[test]
    fn an_update_signed_by_its_own_author_keeps_it_and_the_others_fall_back_on_the_incidents() {
        // The fast reader reads the first; the comment sends the second to the YAML reader.
        for text in [
            "---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: notice\nauthor: sam\nupdates:\n  - at: 2020-01-01 12:00\n    author: 'Dana (support)'\n    body: b\n  - at: 2020-01-01 11:00\n    author: lee\n    body: a\n  - at: 2020-01-01 13:00\n    author: ''\n  - at: 2020-01-01 14:00\n---\n",
            "---\ntitle: t # x\nstart: 2020-01-01 10:00\nseverity: notice\nauthor: sam\nupdates:\n  - at: 2020-01-01 12:00\n    author: 'Dana (support)'\n    body: b\n  - at: 2020-01-01 11:00\n    author: lee\n    body: a\n  - at: 2020-01-01 13:00\n    author: ''\n  - at: 2020-01-01 14:00\n---\n",
        ] {
            let i = parse_text(text).unwrap();
            let written: Vec<Option<&str>> = i.posts.iter().map(|p| p.author.as_deref()).collect();
            assert_eq!(written, [None, Some("lee"), Some("Dana (support)"), None, None], "{text}");
            let signed: Vec<Option<&str>> = (0..i.posts.len()).map(|k| i.author_of(k)).collect();
            assert_eq!(
                signed,
                [Some("sam"), Some("lee"), Some("Dana (support)"), Some("sam"), Some("sam")],
                "a blank or absent author is the incident's: {text}"
            );
        }
        let unsigned = parse_text("---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: notice\nupdates:\n  - {at: 2020-01-01 11:00, author: lee}\n  - {at: 2020-01-01 12:00}\n---\n").unwrap();
        assert_eq!(unsigned.author_of(0), None);
        assert_eq!(unsigned.author_of(1), Some("lee"));
        assert_eq!(unsigned.author_of(2), None);
    }

    #[test]
    fn an_updates_author_is_checked_as_the_incidents() {
        let d = first_error("---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: notice\nupdates:\n  - at: 2020-01-01 11:00\n    author: \"Lee\\x01\"\n---\n");
        let incident = first_error(
            "---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: notice\nauthor: \"Lee\\x01\"\n---\n",
        );
        assert_eq!(d.message, "`author` contains the control character U+0001");
        assert_eq!((d.message, d.help), (incident.message, incident.help));
        assert_eq!((d.span.line, d.span.column, d.span.len), (7, 13, 9));
        // A line break is allowed, as in the incident's.
        let i = parse_text("---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: notice\nupdates:\n  - at: 2020-01-01 11:00\n    author: \"Lee\\nSupport\"\n---\n").unwrap();
        assert_eq!(i.posts[1].author.as_deref(), Some("Lee\nSupport"));
        let d = first_error("---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: notice\nupdates:\n  - at: 2020-01-01 11:00\n    autor: lee\n---\n");
        assert_eq!(d.message, "unknown key `autor` in an update");
        assert_eq!(d.help.as_deref(), Some("did you mean `author`?"));
    }

    #[test]
    fn update_anchors_are_unique_even_at_the_same_minute() {
        let i = parse_text("---\ntitle: t\nstart: 2020-01-01 10:00\nseverity: notice\nupdates:\n  - {at: 2020-01-01 11:00, body: a}\n  - {at: 2020-01-01 11:00, body: b}\n---\n").unwrap();
        assert_eq!(i.posts[1].anchor, "update-20200101t1000z");
        assert_eq!(i.posts[2].anchor, "update-20200101t1000z-2");
    }
}

/// Parsing arbitrary input never panics (issue #3). `PROPTEST_CASES` runs it longer.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    use super::tests::config;

    /// Lines that look like front matter, to get past the YAML parser often.
    fn line() -> impl Strategy<Value = String> {
        // Every real key, some nested ones, and a few that are not keys at all.
        let mut keys = FRONT_KEYS.to_vec();
        keys.extend([
            "  - at",
            "    status",
            "    author",
            "    body",
            "  web",
            "  - web",
            "at",
            "x",
        ]);
        let key = prop::sample::select(keys);
        let value = prop_oneof![
            Just("2017-10-28 00:44".to_string()),
            Just("2017-03-26 02:30".to_string()),
            Just("2017-10-29T02:30:00+01:00".to_string()),
            Just("major-outage".to_string()),
            Just("[web, dns, dsn]".to_string()),
            Just("{web: degraded, dns: x}".to_string()),
            Just("|".to_string()),
            Just("&a [*a]".to_string()),
            Just("*a".to_string()),
            "[ -~]{0,12}",
            any::<String>(),
        ];
        prop_oneof![
            4 => (key, value).prop_map(|(k, v)| format!("{k}: {v}")),
            1 => Just("---".to_string()),
            1 => any::<String>(),
            1 => "[ \\t]{0,4}[#:\\-\\[\\]{}&*|>'\"]{0,4}[a-zé]{0,6}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
            ..ProptestConfig::default()
        })]

        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            let _ = parse(Path::new("incidents/f.md"), "f", &text, &config());
        }

        #[test]
        fn front_matter_like_text_never_panics(lines in prop::collection::vec(line(), 0..24), body in any::<String>()) {
            let text = format!("---\n{}\n---\n{body}", lines.join("\n"));
            let result = parse(Path::new("incidents/f.md"), "f", &text, &config());
            if let Err(diagnostics) = result {
                prop_assert!(!diagnostics.is_empty());
                for d in diagnostics {
                    // Every diagnostic renders, and points inside the file when it has a line.
                    let _ = d.render(false);
                    prop_assert!(d.span.line <= text.lines().count().max(1));
                }
            }
        }
    }
}
