//! `site.yaml` → [`Config`], then validation.
//!
//! Parsing rejects unknown keys; validation checks what serde cannot (time zone names,
//! an absolute base URL, component ids, texts that pages can show). Every problem becomes a [`Diagnostic`] that points
//! into `site.yaml`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono_tz::Tz;
use serde::Deserialize;

use crate::error::{did_you_mean, Diagnostic};
use crate::load::text::{self, Lines};
use crate::load::yaml::{self, At, Names, Source};
use crate::model::config::{Author, CollapseGroups, Component, Config, Contact};
use crate::model::lang::Lang;
use crate::model::translation::ConfigTexts;

pub mod brand;
pub mod ingest;
pub mod languages;
pub mod notify;

use brand::{RawBrand, BRAND_KEYS};
use ingest::{RawIngest, INGEST_KEYS};
use languages::{pick, Localized, RawText};
use notify::notify;

/// The keys `site.yaml` accepts, for did-you-mean hints.
pub const SITE_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "languages",
    "timezone",
    "components",
    "contact",
    "authors",
    "theme",
    "history_days",
    "feed_items",
    "component_incidents",
    "collapse_groups",
    "front_page_ongoing",
    "notice_days",
    "ongoing_warning_days",
    "list_unsubscribe",
    "notify",
    "brand",
    "notice",
    "ingest",
];

/// The keys of `notify`.
const NOTIFY_KEYS: &[&str] = &["email", "webhooks", "reminders", "max_age"];

/// The keys of `notify.email`.
const EMAIL_KEYS: &[&str] = &[
    "smtp",
    "sendmail",
    "username_env",
    "password_env",
    "from",
    "to",
    "to_by_component",
    "insecure",
    "ca_file",
];

/// The keys of an entry of `notify.webhooks`.
const WEBHOOK_KEYS: &[&str] = &[
    "kind",
    "name",
    "url",
    "url_env",
    "secret_env",
    "homeserver",
    "room",
    "instance",
    "token_env",
    "insecure",
    "ca_file",
    "lang",
];

/// What site.yaml and its mappings are called in messages.
const NAMES: Names = Names {
    document: "site.yaml",
    mappings: &[
        (SITE_KEYS, "site.yaml"),
        (&["id", "name", "group", "description"], "a component"),
        (&["forum", "chat", "email", "page"], "`contact`"),
        (&["name", "role"], "an author"),
        (NOTIFY_KEYS, "`notify`"),
        (EMAIL_KEYS, "`notify.email`"),
        (WEBHOOK_KEYS, "a webhook of `notify.webhooks`"),
        (BRAND_KEYS, "`brand`"),
        (INGEST_KEYS, "`ingest`"),
    ],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: At<RawText>,
    #[serde(default)]
    description: Option<At<RawText>>,
    base_url: At<String>,
    #[serde(default)]
    language: Option<At<String>>,
    #[serde(default)]
    languages: Option<At<Vec<At<String>>>>,
    #[serde(default)]
    timezone: Option<At<String>>,
    #[serde(deserialize_with = "yaml::blank_at_default")]
    components: At<Vec<RawComponent>>,
    #[serde(default)]
    contact: Option<RawContact>,
    #[serde(default, deserialize_with = "yaml::blank_as_default")]
    authors: BTreeMap<String, RawAuthor>,
    #[serde(default)]
    theme: Option<At<String>>,
    #[serde(default)]
    history_days: Option<u32>,
    #[serde(default)]
    feed_items: Option<At<usize>>,
    #[serde(default)]
    component_incidents: Option<usize>,
    #[serde(default)]
    collapse_groups: Option<At<String>>,
    #[serde(default)]
    front_page_ongoing: Option<usize>,
    #[serde(default)]
    notice_days: Option<u32>,
    #[serde(default)]
    ongoing_warning_days: Option<u32>,
    #[serde(default, deserialize_with = "yaml::blank_as_default")]
    list_unsubscribe: Vec<At<String>>,
    #[serde(default)]
    notify: Option<At<RawNotify>>,
    #[serde(default)]
    brand: Option<RawBrand>,
    #[serde(default)]
    notice: Option<At<String>>,
    #[serde(default)]
    ingest: Option<At<RawIngest>>,
}

/// `notify` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotify {
    #[serde(default)]
    email: Option<At<RawEmail>>,
    #[serde(default, deserialize_with = "yaml::blank_as_default")]
    webhooks: Vec<At<RawWebhook>>,
    #[serde(default)]
    reminders: Option<Vec<At<String>>>,
    #[serde(default)]
    max_age: Option<At<String>>,
}

/// `notify.email` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmail {
    #[serde(default)]
    smtp: Option<At<String>>,
    #[serde(default)]
    sendmail: Option<At<String>>,
    #[serde(default)]
    username_env: Option<At<String>>,
    #[serde(default)]
    password_env: Option<At<String>>,
    #[serde(default)]
    from: Option<At<String>>,
    #[serde(default)]
    to: Option<At<notify::RawTo>>,
    #[serde(default)]
    to_by_component: Option<At<BTreeMap<String, Vec<At<String>>>>>,
    #[serde(default, deserialize_with = "yaml::plain_bool")]
    insecure: bool,
    #[serde(default)]
    ca_file: Option<At<String>>,
}

/// An entry of `notify.webhooks` as written: every key of every kind, checked by kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhook {
    kind: At<String>,
    #[serde(default)]
    name: Option<At<String>>,
    #[serde(default)]
    url: Option<At<String>>,
    #[serde(default)]
    url_env: Option<At<String>>,
    #[serde(default)]
    secret_env: Option<At<String>>,
    #[serde(default)]
    homeserver: Option<At<String>>,
    #[serde(default)]
    room: Option<At<String>>,
    #[serde(default)]
    instance: Option<At<String>>,
    #[serde(default)]
    token_env: Option<At<String>>,
    #[serde(default, deserialize_with = "yaml::plain_bool")]
    insecure: bool,
    #[serde(default)]
    ca_file: Option<At<String>>,
    #[serde(default)]
    lang: Option<At<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    id: At<String>,
    name: At<RawText>,
    #[serde(default)]
    group: Option<At<RawText>>,
    #[serde(default)]
    description: Option<At<RawText>>,
}

/// [`Contact`] as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    forum: Option<At<RawText>>,
    chat: Option<At<RawText>>,
    email: Option<At<RawText>>,
    page: Option<At<RawText>>,
}

/// [`Author`] as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuthor {
    name: At<String>,
    #[serde(default)]
    role: Option<At<String>>,
}

/// Parses and validates `site.yaml` given as `text`; `path` is used in diagnostics. The
/// files `brand` names are not looked for ([`parse_in`] does).
pub fn parse(path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
    parse_in(None, path, text)
}

/// [`parse`], checking that the files `brand` names are in the site's folder `root`.
pub fn parse_in(root: Option<&Path>, path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
    let src = Source {
        path,
        text,
        line0: 0,
    };
    let raw: RawConfig = yaml::parse(&src, text, &NAMES).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    let languages = languages::languages(
        &src,
        raw.language.as_ref(),
        raw.languages.as_ref(),
        &mut errors,
    );
    let lang = languages[0];
    let title_pos = raw.title.pos;
    let title = pick(
        &src,
        "title",
        raw.title,
        &languages,
        Lines::One,
        &mut errors,
    );
    if title.all().any(|t| t.trim().is_empty()) {
        errors.push(src.error(title_pos, "`title` is empty", None));
    }
    let description = raw
        .description
        .map(|d| pick(&src, "description", d, &languages, Lines::Many, &mut errors));
    let base_url = base_url(&src, &raw.base_url, &mut errors);
    let tz = time_zone(&src, raw.timezone.as_ref(), &mut errors);
    let (components, component_texts) = components(&src, raw.components, &languages, &mut errors);
    if let Some(n) = raw.feed_items.as_ref().filter(|n| n.value == 0) {
        errors.push(src.error(n.pos, "`feed_items` must be at least 1", None));
    }
    let theme = theme(&src, raw.theme.as_ref(), &mut errors);
    let collapse_groups = collapse_groups(&src, raw.collapse_groups.as_ref(), &mut errors);
    check_list_unsubscribe(&src, &raw.list_unsubscribe, &mut errors);
    let contact = contact(&src, raw.contact, &languages, &mut errors);
    let authors = authors(&src, raw.authors, &mut errors);
    let notify = raw
        .notify
        .map(|n| notify(&src, n, &components, &languages, &mut errors));
    let brand = raw
        .brand
        .map(|b| brand::brand(&src, b, root, &mut errors))
        .unwrap_or_default();
    let notice_html = raw
        .notice
        .and_then(|n| brand::notice(&src, &n, &mut errors));
    let ingest = raw
        .ingest
        .map(|i| ingest::ingest(&src, i, &components, lang, &mut errors))
        .unwrap_or_default();
    if !errors.is_empty() {
        return Err(errors);
    }
    let localized = languages[1..]
        .iter()
        .map(|&l| {
            let texts = ConfigTexts {
                title: title.in_lang(l).to_string(),
                description: description.as_ref().map(|d| d.in_lang(l).to_string()),
                components: component_texts
                    .iter()
                    .map(|(name, group, description)| {
                        (
                            name.in_lang(l).to_string(),
                            group
                                .as_ref()
                                .map(|g| g.in_lang(l).to_string())
                                .filter(|g| !g.trim().is_empty()),
                            description.as_ref().map(|d| d.in_lang(l).to_string()),
                        )
                    })
                    .collect(),
                contact: contact_in(&contact, l),
            };
            (l, texts)
        })
        .collect();
    Ok(Config {
        title: title.default,
        description: description.map(|d| d.default),
        base_url: base_url.unwrap_or_default(),
        lang,
        languages,
        localized,
        translations: Default::default(),
        tz,
        components,
        contact: contact_in(&contact, lang),
        authors,
        theme,
        history_days: raw.history_days.unwrap_or(90),
        feed_items: raw.feed_items.map_or(50, |n| n.value),
        component_incidents: raw.component_incidents.unwrap_or(25).max(1),
        collapse_groups,
        front_page_ongoing: raw.front_page_ongoing.unwrap_or(10).max(1),
        notice_days: raw.notice_days.unwrap_or(14),
        ongoing_warning_days: raw.ongoing_warning_days.unwrap_or(7),
        list_unsubscribe: raw.list_unsubscribe.into_iter().map(|u| u.value).collect(),
        notify,
        brand,
        notice_html,
        ingest,
    })
}

/// `value` (of `key`), once checked to hold only characters pages can show.
fn text_of(src: &Source, key: &str, value: At<String>, errors: &mut Vec<Diagnostic>) -> String {
    text::check(src, key, &value, &value.value, Lines::Many, errors);
    value.value
}

/// The base URL normalized, or `None` (and an error) when it is not an absolute http(s) URL.
fn base_url(src: &Source, url: &At<String>, errors: &mut Vec<Diagnostic>) -> Option<String> {
    let normalized = normalize_base_url(&url.value);
    if normalized.is_none() {
        errors.push(
            src.error(
                url.pos,
                format!(
                    "`base_url` must be an absolute http(s) URL, not `{}`",
                    url.value
                ),
                Some(
                    "write the address the site is published at, e.g. `https://status.example.fr/`"
                        .to_string(),
                ),
            ),
        );
    }
    normalized
}

/// When the front page folds its groups (`auto` when not given).
fn collapse_groups(
    src: &Source,
    word: Option<&At<String>>,
    errors: &mut Vec<Diagnostic>,
) -> CollapseGroups {
    let Some(word) = word else {
        return CollapseGroups::Auto;
    };
    CollapseGroups::from_keyword(&word.value).unwrap_or_else(|| {
        errors.push(src.error(
            word.pos,
            format!("unknown `collapse_groups` value `{}`", word.value),
            Some("use `auto`, `always` or `never`".to_string()),
        ));
        CollapseGroups::Auto
    })
}

/// The time zone times are written and shown in (UTC when not given).
fn time_zone(src: &Source, name: Option<&At<String>>, errors: &mut Vec<Diagnostic>) -> Tz {
    let Some(name) = name else {
        return Tz::UTC;
    };
    name.value.parse::<Tz>().unwrap_or_else(|_| {
        let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
        let help = match did_you_mean(&name.value, names) {
            Some(s) => format!("did you mean `{s}`? Time zones are IANA names"),
            None => "use an IANA time zone name, e.g. `Europe/Paris` or `UTC`".to_string(),
        };
        errors.push(src.error(
            name.pos,
            format!("unknown time zone `{}`", name.value),
            Some(help),
        ));
        Tz::UTC
    })
}

/// The components in the order given; their ids valid and distinct, at least one.
fn components(
    src: &Source,
    raw: At<Vec<RawComponent>>,
    languages: &[Lang],
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Component>, Vec<ComponentTexts>) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut components = Vec::with_capacity(raw.value.len());
    let mut texts = Vec::with_capacity(raw.value.len());
    for c in raw.value {
        let count = seen.entry(c.id.value.clone()).or_default();
        *count += 1;
        if !is_valid_id(&c.id.value) {
            errors.push(src.error(
                c.id.pos,
                format!("invalid component id `{}`", c.id.value),
                Some("component ids use only lower-case letters, digits and `-`".to_string()),
            ));
        } else if *count > 1 {
            errors.push(src.error(
                c.id.pos,
                format!("duplicate component id `{}`", c.id.value),
                Some("each component needs an id of its own".to_string()),
            ));
        }
        let name = pick(src, "name", c.name, languages, Lines::Many, errors);
        let group = c
            .group
            .map(|g| pick(src, "group", g, languages, Lines::Many, errors));
        let description = c
            .description
            .map(|d| pick(src, "description", d, languages, Lines::Many, errors));
        components.push(Component {
            id: c.id.value,
            name: name.default.clone(),
            group: group
                .as_ref()
                .map(|g| g.default.clone())
                .filter(|g| !g.trim().is_empty()),
            description: description.as_ref().map(|d| d.default.clone()),
        });
        texts.push((name, group, description));
    }
    if components.is_empty() {
        errors.push(src.error(
            raw.pos,
            "`components` is empty",
            Some(
                "declare at least one component, e.g. `- {id: web, name: Web hosting}`".to_string(),
            ),
        ));
    }
    (components, texts)
}

/// A component's name, group and description in each language.
type ComponentTexts = (Localized, Option<Localized>, Option<Localized>);

/// The ways of contact in each language.
#[derive(Debug, Default)]
struct ContactTexts {
    forum: Option<Localized>,
    chat: Option<Localized>,
    email: Option<Localized>,
    page: Option<Localized>,
}

/// The ways of contact in `lang`.
fn contact_in(c: &ContactTexts, lang: Lang) -> Contact {
    let text = |t: &Option<Localized>| t.as_ref().map(|t| t.in_lang(lang).to_string());
    Contact {
        forum: text(&c.forum),
        chat: text(&c.chat),
        email: text(&c.email),
        page: text(&c.page),
    }
}

/// The theme's name: `default`, the only one compiled in.
fn theme(src: &Source, theme: Option<&At<String>>, errors: &mut Vec<Diagnostic>) -> String {
    match theme {
        Some(t) if t.value != "default" => {
            errors.push(
                src.error(
                    t.pos,
                    format!("unknown theme `{}`", t.value),
                    Some(
                        "this build of vigie has the theme `default` (templates are compiled in)"
                            .to_string(),
                    ),
                ),
            );
            t.value.clone()
        }
        _ => "default".to_string(),
    }
}

/// Each `List-Unsubscribe` URL is a `mailto:` or http(s) URL that fits in the header.
fn check_list_unsubscribe(src: &Source, urls: &[At<String>], errors: &mut Vec<Diagnostic>) {
    for url in urls {
        let lower = url.value.to_ascii_lowercase();
        let usable = (lower.starts_with("mailto:")
            || lower.starts_with("https://")
            || lower.starts_with("http://"))
            && !url.value.contains(|c: char| {
                c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ','
            });
        if !usable {
            errors.push(src.error(
                url.pos,
                format!("`{}` is not an unsubscribe URL", url.value),
                Some("write `mailto:` or `https://` URLs, e.g. `list_unsubscribe: [mailto:leave@example.fr]`".to_string()),
            ));
        }
    }
}

/// The ways of contact, each a text pages can show.
fn contact(
    src: &Source,
    raw: Option<RawContact>,
    languages: &[Lang],
    errors: &mut Vec<Diagnostic>,
) -> ContactTexts {
    let Some(raw) = raw else {
        return ContactTexts::default();
    };
    let mut checked = |key: &str, value: Option<At<RawText>>| {
        value.map(|v| pick(src, key, v, languages, Lines::Many, errors))
    };
    ContactTexts {
        forum: checked("forum", raw.forum),
        chat: checked("chat", raw.chat),
        email: checked("email", raw.email),
        page: checked("page", raw.page),
    }
}

/// The authors by id, their names and roles texts pages can show.
fn authors(
    src: &Source,
    raw: BTreeMap<String, RawAuthor>,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Author> {
    raw.into_iter()
        .map(|(id, a)| {
            let author = Author {
                name: text_of(src, "name", a.name, errors),
                role: a.role.map(|r| text_of(src, "role", r, errors)),
            };
            (id, author)
        })
        .collect()
}

/// `[a-z0-9-]+`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An absolute http(s) URL with a host, ending with `/`, as the URL standard writes it
/// (scheme and host in lower case); `None` when `url` is not one.
pub fn normalize_base_url(url: &str) -> Option<String> {
    let url = url.trim();
    let mut parsed = url::Url::parse(url).ok()?;
    let usable = matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some_and(|h| !h.is_empty())
        && parsed.query().is_none()
        && parsed.fragment().is_none()
        && !url.contains(char::is_whitespace);
    if !usable {
        return None;
    }
    if !parsed.path().ends_with('/') {
        let path = format!("{}/", parsed.path());
        parsed.set_path(&path);
    }
    Some(parsed.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        super::parse(Path::new("site.yaml"), text)
    }

    const GOOD: &str = "title: T\nbase_url: https://s.example.fr/status\nlanguage: fr\ntimezone: Europe/Paris\ncomponents:\n  - id: web\n    name: Web\n    group: Hosting\n  - id: dns\n    name: DNS\n";

    #[test]
    fn a_good_config_parses_with_defaults() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c.base_url, "https://s.example.fr/status/");
        assert_eq!(c.lang, Lang::Fr);
        assert_eq!(c.tz, chrono_tz::Europe::Paris);
        assert_eq!(c.components.len(), 2);
        assert_eq!(c.feed_items, 50);
        assert_eq!(c.history_days, 90);
        assert_eq!(c.front_page_ongoing, 10);
        assert_eq!(c.notice_days, 14);
        assert_eq!(c.ongoing_warning_days, 7);
    }

    #[test]
    fn the_bounds_of_time_are_read() {
        let c = parse(&format!(
            "{GOOD}front_page_ongoing: 3\nnotice_days: 30\nongoing_warning_days: 2\n"
        ))
        .unwrap();
        assert_eq!(
            (c.front_page_ongoing, c.notice_days, c.ongoing_warning_days),
            (3, 30, 2)
        );
    }

    #[test]
    fn an_unknown_key_is_named_with_a_suggestion() {
        let e = parse(&format!("{GOOD}timezon: UTC\n")).unwrap_err();
        assert_eq!(e[0].message, "unknown key `timezon` in site.yaml");
        assert_eq!(e[0].span.line, 11);
        assert!(e[0].help.as_deref().unwrap().contains("`timezone`"));
    }

    #[test]
    fn a_bad_time_zone_points_at_its_value() {
        let e = parse(&GOOD.replace("Europe/Paris", "Europe/Pari")).unwrap_err();
        assert_eq!(e[0].message, "unknown time zone `Europe/Pari`");
        assert_eq!(
            (e[0].span.line, e[0].span.column, e[0].span.len),
            (4, 11, 11)
        );
        assert!(e[0].help.as_deref().unwrap().contains("Europe/Paris"));
    }

    #[test]
    fn a_relative_base_url_is_refused() {
        let e = parse(&GOOD.replace("https://s.example.fr/status", "/status/")).unwrap_err();
        assert!(e[0].message.starts_with("`base_url` must be an absolute"));
    }

    #[test]
    fn blank_and_null_texts_are_read_as_nothing_and_quoted_ones_as_text() {
        let c = parse(&format!(
            "{GOOD}contact:\n  forum:\n  chat: ~\n  email: \"\"\nauthors:\n  a:\n    name: ~\n    role:\n"
        ))
        .unwrap();
        assert_eq!((c.contact.forum, c.contact.chat), (None, None));
        assert_eq!(c.contact.email.as_deref(), Some(""));
        assert_eq!(c.authors["a"].name, "~");
        assert_eq!(c.authors["a"].role, None);
    }

    #[test]
    fn every_text_pages_show_is_checked_at_its_value() {
        let e = parse(&format!(
            "{GOOD}description: \"a\\u0085\"\ncontact:\n  chat: \"\\x1b[31m\"\nauthors:\n  a:\n    name: A\n    role: \"\\uFFFF\"\n"
        ))
        .unwrap_err();
        let found: Vec<(&str, usize, usize)> = e
            .iter()
            .map(|d| (d.message.as_str(), d.span.line, d.span.column))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "`description` contains the control character U+0085",
                    11,
                    14
                ),
                ("`chat` contains the control character U+001B", 13, 9),
                ("`role` contains the noncharacter U+FFFF", 17, 11),
            ]
        );
        let e = parse(&GOOD.replace("group: Hosting", "group: \"\\0\"")).unwrap_err();
        assert_eq!(
            e[0].message,
            "`group` contains the control character U+0000"
        );
    }

    #[test]
    fn collapse_groups_is_auto_unless_given_and_an_unknown_value_is_refused() {
        assert_eq!(parse(GOOD).unwrap().collapse_groups, CollapseGroups::Auto);
        for (word, expected) in [
            ("auto", CollapseGroups::Auto),
            ("always", CollapseGroups::Always),
            ("never", CollapseGroups::Never),
        ] {
            let c = parse(&format!("{GOOD}collapse_groups: {word}\n")).unwrap();
            assert_eq!(c.collapse_groups, expected);
        }
        let errors = parse(&format!("{GOOD}collapse_groups: sometimes\n")).unwrap_err();
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert_eq!(e.message, "unknown `collapse_groups` value `sometimes`");
        assert_eq!(e.help.as_deref(), Some("use `auto`, `always` or `never`"));
        assert_eq!((e.span.line, e.span.column, e.span.len), (11, 18, 9));
    }

    #[test]
    fn duplicate_component_ids_are_refused() {
        let e = parse(&GOOD.replace("id: dns", "id: web")).unwrap_err();
        assert_eq!(e[0].message, "duplicate component id `web`");
        assert_eq!(e[0].span.line, 9);
    }
}
