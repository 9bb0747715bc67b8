//! Translation files: `<id>.<lang>.md` beside `<id>.md` holds the incident's texts in
//! another of the site's languages. Its front matter gives the `title` and, optionally,
//! `updates` as `{at, body}` matching the original's updates by time; its Markdown body
//! translates the announcement. Times, severity and components stay in the original.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::cache::{Looked, Outcome, ParsedTranslation, TranslationMemo, TranslationParse};
use super::fingerprint::Stamp;
use super::incident::{read_plain_translation, split_front_matter, PlainTranslation};
use super::markdown;
use super::text::{self, Lines};
use super::time::TimeSpec;
use super::walk::Found;
use super::yaml::{self, At, Names, Source};
use crate::error::{Diagnostic, Span};
use crate::model::lang::Lang;
use crate::model::translation::{PostText, Translation};
use crate::model::{Config, Incident, Written};

/// The keys of a translation's front matter.
const KEYS: &[&str] = &["title", "updates"];
const UPDATE_KEYS: &[&str] = &["at", "body"];

/// The keys of an incident file that stay in the original.
const ORIGINAL_ONLY: &[&str] = &[
    "start",
    "end",
    "severity",
    "components",
    "author",
    "published",
    "draft",
];

const NAMES: Names = Names {
    document: "the front matter",
    mappings: &[(KEYS, "the front matter"), (UPDATE_KEYS, "an update")],
};

/// A translation's front matter as written; the keys of the original are read only to
/// say that they do not belong here.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawTranslation {
    title: Option<At<String>>,
    #[serde(default, deserialize_with = "yaml::blank_as_default")]
    updates: Vec<At<RawUpdate>>,
    start: Option<At<serde::de::IgnoredAny>>,
    end: Option<At<serde::de::IgnoredAny>>,
    severity: Option<At<serde::de::IgnoredAny>>,
    components: Option<At<serde::de::IgnoredAny>>,
    author: Option<At<serde::de::IgnoredAny>>,
    published: Option<At<serde::de::IgnoredAny>>,
    draft: Option<At<serde::de::IgnoredAny>>,
}

impl From<PlainTranslation> for RawTranslation {
    fn from(plain: PlainTranslation) -> RawTranslation {
        RawTranslation {
            title: plain.title,
            updates: plain
                .updates
                .into_iter()
                .map(|(pos, at, body)| At {
                    value: RawUpdate {
                        at,
                        body,
                        status: None,
                    },
                    pos,
                })
                .collect(),
            start: None,
            end: None,
            severity: None,
            components: None,
            author: None,
            published: None,
            draft: None,
        }
    }
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RawUpdate {
    at: Option<At<TimeSpec>>,
    #[serde(default)]
    body: String,
    status: Option<At<serde::de::IgnoredAny>>,
}

/// The language and the original's file stem of a translation file's path
/// (`x.en.md`: English, `x`); `None` for an incident file.
pub fn translation_of(path: &Path) -> Option<(Lang, String)> {
    let stem = path.file_stem()?.to_str()?;
    let (base, suffix) = stem.rsplit_once('.')?;
    let lang = Lang::from_suffix(suffix)?;
    (!base.is_empty()).then(|| (lang, base.to_string()))
}

/// The original of a translation file: `x.md` in its folder.
pub fn original_path(path: &Path, base: &str) -> PathBuf {
    path.with_file_name(format!("{base}.md"))
}

/// A translation file read: its translation, or what is wrong with it.
type Read = Result<Arc<Translation>, Vec<Diagnostic>>;

/// What a load did with one translation file.
type FileOutcome = Outcome<Read, TranslationParse>;

/// Reads the translation files `files`, each beside its original among `incidents`, into
/// the site's translations; every problem becomes a diagnostic. `failed` are the
/// originals that did not parse (their translations are not checked: the original's
/// errors come first). `site` is the configuration and the exact bytes of `site.yaml`.
/// A file is taken from `memo` when it has the same bytes (or the same settled metadata)
/// and its original is the very same parse; `memo` then keeps exactly these files, and
/// `files` gets the metadata of each file as it was read.
pub(super) fn read_all(
    root: &Path,
    files: &mut Found,
    incidents: &[Arc<Incident>],
    failed: &[PathBuf],
    (config, config_bytes): (&Config, &[u8]),
    memo: &mut TranslationMemo,
) -> (Vec<Arc<Translation>>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let mut old = memo.start(|| (root.to_path_buf(), config_bytes.to_vec()));
    let keep = memo.keeps();
    if files.paths.is_empty() {
        memo.finish(old, 0);
        return (Vec::new(), Vec::new());
    }
    let by_source: rustc_hash::FxHashMap<&Path, &Arc<Incident>> =
        incidents.iter().map(|i| (i.source.as_path(), i)).collect();
    // The metadata the listing found, when it looked.
    let listed = std::mem::take(&mut files.stamps);
    let listed = |n: usize| listed.get(n).copied().flatten();
    let looked_at = std::time::SystemTime::now();
    // `None` for a file left alone: its original did not parse (its errors come first).
    let outcomes: Vec<(Option<FileOutcome>, Option<Stamp>)> = files
        .paths
        .par_iter()
        .enumerate()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|(n, path)| {
            let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            let original = translation_of(&shown).map(|(lang, base)| {
                let original = original_path(&shown, &base);
                (lang, by_source.get(original.as_path()).copied(), original)
            });
            // Remembered for the very parse of its original only.
            let seen = match &original {
                Some((_, Some(i), _)) => old.get(path).filter(|s| Arc::ptr_eq(&s.made.original, i)),
                _ => None,
            };
            let (mut bytes, stamp, settled) =
                match super::cache::look(root, path, listed(n), seen, looked_at) {
                    Looked::Same(seen, stamp, changed) => {
                        let outcome = Outcome::Remembered(seen.made.result.clone(), changed);
                        return (Some(outcome), Some(stamp));
                    }
                    Looked::Unreadable(d) => return (Some(Outcome::Made(Err(d), None)), None),
                    Looked::New(bytes, stamp, settled) => (bytes, stamp, settled),
                };
            let Some((lang, original, original_path)) = original else {
                return (None, Some(stamp));
            };
            if failed.contains(&original_path) {
                return (None, Some(stamp));
            }
            // The bytes are kept for the next load only with the parse of an original.
            let store = keep && original.is_some();
            let text = super::decode(
                &shown,
                if store {
                    bytes.clone()
                } else {
                    std::mem::take(&mut bytes)
                },
            );
            let read = text.map_err(|d| vec![d]).and_then(|text| {
                check_language(&shown, lang, config)?;
                match original {
                    Some(i) => parse(&shown, &text, lang, i, config).map(Arc::new),
                    None => Err(vec![no_original(&shown, &original_path)]),
                }
            });
            let kept = match original {
                Some(i) if store => Some(ParsedTranslation {
                    bytes,
                    stamp: settled,
                    made: TranslationParse {
                        original: Arc::clone(i),
                        result: read.clone(),
                    },
                }),
                _ => None,
            };
            (Some(Outcome::Made(read, kept)), Some(stamp))
        })
        .collect();
    files.stamps.clear();
    let mut translations = Vec::new();
    let mut errors = Vec::new();
    let mut parsed = 0;
    let mut held = Vec::new();
    for (path, (outcome, stamp)) in files.paths.iter().zip(outcomes) {
        files.stamps.push(stamp);
        let Some(outcome) = outcome else {
            continue;
        };
        match outcome.settle(path, &mut old, &mut held, &mut parsed) {
            Ok(t) => translations.push(t),
            Err(mut d) => errors.append(&mut d),
        }
    }
    memo.finish_in_place(old, held.into_iter(), parsed);
    (translations, errors)
}

fn check_language(shown: &Path, lang: Lang, config: &Config) -> Result<(), Vec<Diagnostic>> {
    let declared: Vec<&str> = config.languages.iter().map(|l| l.code()).collect();
    if lang == config.default_lang() {
        return Err(vec![Diagnostic::file(
            shown,
            format!(
                "a translation into `{}`, the site's default language",
                lang.code()
            ),
        )
        .with_help("the original file holds the default language's texts; a translation is in another of `languages`")]);
    }
    if !config.languages.contains(&lang) {
        return Err(vec![Diagnostic::file(
            shown,
            format!(
                "a translation into `{}`, which is not one of the site's languages ({})",
                lang.code(),
                declared.join(", ")
            ),
        )
        .with_help(format!(
            "add it to `languages` in site.yaml, e.g. `languages: [{}, {}]`; or, if this file is an incident of its own, rename it: a name ending in `.{}.md` is a translation",
            declared[0],
            lang.code(),
            lang.code()
        ))]);
    }
    Ok(())
}

fn no_original(shown: &Path, original: &Path) -> Diagnostic {
    Diagnostic::file(
        shown,
        format!(
            "a translation file without its original `{}`",
            original.display()
        ),
    )
    .with_help("a translation `<id>.<lang>.md` sits beside its incident file `<id>.md`; rename it, or write the original")
}

/// Parses the translation file `shown` (whole text `text`) of incident `original`.
pub fn parse(
    shown: &Path,
    text: &str,
    lang: Lang,
    original: &Incident,
    config: &Config,
) -> Result<Translation, Vec<Diagnostic>> {
    let split = split_front_matter(shown, text).map_err(|d| vec![d])?;
    let src = Source {
        path: shown,
        text: text.strip_prefix('\u{feff}').unwrap_or(text),
        line0: split.front_line,
    };
    let raw = match read_plain_translation(split.front) {
        Some(plain) => RawTranslation::from(plain),
        None => yaml::parse(&src, split.front, &NAMES).map_err(|d| vec![d])?,
    };
    let mut errors = Vec::new();
    let here = [
        &raw.start,
        &raw.end,
        &raw.severity,
        &raw.components,
        &raw.author,
        &raw.published,
        &raw.draft,
    ];
    for (key, value) in ORIGINAL_ONLY.iter().zip(here) {
        if let Some(v) = value {
            errors.push(src.error(
                v.pos,
                format!("a translation does not carry `{key}`"),
                Some(format!(
                    "`{key}` is written once, in the original `{}`; a translation gives only `title`, `updates` (`at` and `body`) and the announcement",
                    original.source.display()
                )),
            ));
        }
    }
    let title = match &raw.title {
        None => {
            errors.push(
                Diagnostic::at(shown, src.text, Span::new(1, 1, 3), "missing `title`")
                    .with_help("add `title: …`, the incident's title in this language"),
            );
            String::new()
        }
        Some(t) => {
            if t.value.trim().is_empty() {
                errors.push(src.error(t.pos, "`title` is empty", None));
            }
            text::check(&src, "title", t, &t.value, Lines::One, &mut errors);
            t.value.clone()
        }
    };
    let mut updates = Vec::with_capacity(raw.updates.len());
    for u in raw.updates {
        if let Some(s) = &u.value.status {
            errors.push(src.error(
                s.pos,
                "a translation does not carry `status`",
                Some("the status stays in the original; a translated update gives `at` and `body`".to_string()),
            ));
        }
        let Some(at) = &u.value.at else {
            errors.push(src.error(
                u.pos,
                "an update without `at`",
                Some("give the time of the original's update it translates, e.g. `at: 2017-10-28 11:15`".to_string()),
            ));
            continue;
        };
        let time = match at.value.resolve(config.tz) {
            Ok(t) => t,
            Err(e) => {
                errors.push(src.error(at.pos, e.message, Some(e.help)));
                continue;
            }
        };
        let Some(post) = original.posts.iter().skip(1).find(|p| p.at == time) else {
            let times: Vec<String> = original
                .posts
                .iter()
                .skip(1)
                .map(|p| {
                    p.at.with_timezone(&config.tz)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .collect();
            errors.push(src.error(
                at.pos,
                "the original has no update at this time",
                Some(if times.is_empty() {
                    format!("`{}` has no updates", original.source.display())
                } else {
                    format!(
                        "the updates of `{}` are at: {}",
                        original.source.display(),
                        times.join(", ")
                    )
                }),
            ));
            continue;
        };
        if updates.iter().any(|(t, _)| *t == time) {
            errors.push(src.error(
                at.pos,
                "this update is translated twice",
                Some("keep one translation of each update".to_string()),
            ));
            continue;
        }
        let rendered = markdown::render(&u.value.body, &post.anchor);
        let body = u.value.body;
        updates.push((
            time,
            PostText {
                markdown: body,
                html: rendered.html,
                text: rendered.text,
            },
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let body = split.body;
    let announcement = (!body.trim().is_empty()).then(|| {
        let rendered = markdown::render(body, "announcement");
        PostText {
            markdown: body.to_string(),
            html: rendered.html,
            text: rendered.text,
        }
    });
    let first = src.text.lines().next().unwrap_or("").to_string();
    Ok(Translation {
        lang,
        id: original.id.clone(),
        source: shown.to_path_buf(),
        title,
        announcement,
        updates,
        front: Written {
            span: Span::new(1, 1, first.chars().count().max(1)),
            line: first,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::testing::site;

    fn config() -> Config {
        crate::load::config::parse(
            Path::new("site.yaml"),
            "title: {fr: T, en: E}\nbase_url: https://s.example.fr/\nlanguages: [fr, en]\ntimezone: Europe/Paris\ncomponents:\n  - {id: web, name: {fr: Toile, en: Web}}\n",
        )
        .unwrap()
    }

    /// The front matter of `text` as the YAML reader reads it.
    fn by_yaml(text: &str) -> Result<RawTranslation, Diagnostic> {
        let path = Path::new("incidents/x.en.md");
        let split = split_front_matter(path, text).unwrap();
        let src = Source {
            path,
            text,
            line0: split.front_line,
        };
        yaml::parse(&src, split.front, &NAMES)
    }

    #[test]
    fn the_direct_reader_reads_plain_translations_as_the_yaml_reader_does() {
        let plain = [
            "---\ntitle: Outage\n---\nBody.\n",
            "---\ntitle: 'It''s down'\nupdates:\n  - at: 2026-11-20 10:00\n    body: Found.\n  - body: |\n      Two\n\n      lines\n    at: 2026-11-20 11:00\n---\n",
            "---\n# a comment\ntitle: \"Quoted: yes\"\nupdates:\n- at: 2026-11-20T10:00:00+01:00\n  body: |-\n    Kept.\n- at: 2026-11-20 12:00\n---\n",
            "---\nupdates: []\ntitle: Empty\n---\n",
        ];
        for text in plain {
            let split = split_front_matter(Path::new("x.en.md"), text).unwrap();
            let direct = read_plain_translation(split.front)
                .unwrap_or_else(|| panic!("not read directly: {text:?}"));
            assert_eq!(
                RawTranslation::from(direct),
                by_yaml(text).unwrap(),
                "{text:?}"
            );
        }
        // What the direct reader leaves to the YAML reader, which says what is wrong.
        let others = [
            "---\ntitle: Outage\nstart: 2026-11-20 09:00\n---\n",
            "---\ntitle: Outage\ndraft: false\n---\n",
            "---\ntitle: Outage\nupdates:\n  - at: 2026-11-20 10:00\n    status: resolved\n    body: x\n---\n",
            "---\ntitle: Outage\nupdates:\n  - at: 2026-11-20 10:00\n    author: ana\n---\n",
            "---\ntitle: Outage\nlang: en\n---\n",
            "---\n# nothing\n---\n",
        ];
        for text in others {
            let split = split_front_matter(Path::new("x.en.md"), text).unwrap();
            assert!(read_plain_translation(split.front).is_none(), "{text:?}");
        }
    }

    #[test]
    fn the_generated_translations_are_read_directly() {
        let dir = tempfile::tempdir().unwrap();
        crate::load::incident::test_gen::generate(dir.path(), 40).unwrap();
        crate::load::incident::test_gen::add_languages(dir.path(), 40, &["fr", "en"]).unwrap();
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(dir.path()) {
            let entry = entry.unwrap();
            if translation_of(entry.path()).is_none() {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let split = split_front_matter(entry.path(), &text).unwrap();
            let direct = read_plain_translation(split.front).expect("read directly");
            assert_eq!(RawTranslation::from(direct), by_yaml(&text).unwrap());
            seen += 1;
        }
        assert_eq!(seen, 36);
    }

    #[test]
    fn only_the_codes_of_the_interface_languages_make_a_translation_file() {
        let of = |p: &str| translation_of(Path::new(p));
        assert_eq!(of("incidents/x.en.md"), Some((Lang::En, "x".to_string())));
        assert_eq!(
            of("incidents/2017/a.b.fr.md"),
            Some((Lang::Fr, "a.b".to_string()))
        );
        assert_eq!(of("incidents/x.io.md"), None);
        assert_eq!(of("incidents/x.EN.md"), None);
        assert_eq!(of("incidents/x.md"), None);
        assert_eq!(of("incidents/.en.md"), None);
        assert_eq!(
            original_path(Path::new("incidents/2017/x.en.md"), "x"),
            Path::new("incidents/2017/x.md")
        );
    }

    #[test]
    fn the_site_in_english_takes_the_translated_texts_and_marks_the_others() {
        let mut s = site(
            config(),
            &[
                ("a", "---\ntitle: Panne\nstart: 2026-11-20 09:00\nseverity: degraded\nupdates:\n  - {at: 2026-11-20 10:00, status: identified, body: Trouvé.}\n  - {at: 2026-11-20 11:00, status: resolved, body: Réglé.}\n---\nAnnonce.\n"),
                ("b", "---\ntitle: Lenteurs\nstart: 2026-11-21 09:00\nseverity: degraded\n---\nLent.\n"),
            ],
        );
        let a = s.incidents.iter().find(|i| i.id == "a").unwrap().clone();
        let t = parse(
            Path::new("incidents/a.en.md"),
            "---\ntitle: Outage\nupdates:\n  - {at: 2026-11-20 10:00, body: Found.}\n---\n",
            Lang::En,
            &a,
            &s.config,
        )
        .unwrap();
        assert!(t.announcement.is_none());
        s.config.translations =
            std::sync::Arc::new(crate::model::translation::Translations::new(vec![
                std::sync::Arc::new(t),
            ]));
        let en = s.in_language(Lang::En);
        assert_eq!(en.config.lang, Lang::En);
        assert_eq!(en.config.title, "E");
        assert_eq!(en.config.components[0].name, "Web");
        assert_eq!(en.config.prefix(), "en/");
        let ea = en.incidents.iter().find(|i| i.id == "a").unwrap();
        assert_eq!(ea.title, "Outage");
        assert_eq!(ea.posts[1].text, "Found.");
        assert_eq!(ea.posts[2].text, "Réglé.");
        assert_eq!(ea.fallback_lang(None), None);
        assert_eq!(ea.fallback_lang(Some(0)), Some(Lang::Fr));
        assert_eq!(ea.fallback_lang(Some(1)), None);
        assert_eq!(ea.fallback_lang(Some(2)), Some(Lang::Fr));
        // An incident without translation keeps every text, all marked.
        let (b, eb) = (
            s.incidents.iter().find(|i| i.id == "b").unwrap(),
            en.incidents.iter().find(|i| i.id == "b").unwrap(),
        );
        assert_eq!((&eb.title, &eb.posts), (&b.title, &b.posts));
        assert_eq!(eb.fallback_lang(None), Some(Lang::Fr));
        assert_eq!(eb.fallback_lang(Some(0)), Some(Lang::Fr));
        // In the default language, nothing is marked.
        let fr = s.in_language(Lang::Fr);
        let fb = fr.incidents.iter().find(|i| i.id == "b").unwrap();
        assert!(std::sync::Arc::ptr_eq(b, fb));
        assert_eq!(fb.fallback_lang(None), None);
        // A rebuild that remembers keeps each incident while its original and its
        // translation are the same, and makes it again when either changes.
        let mut cache = crate::model::translation::TranslatedCache::new();
        let first = s.in_language_with(Lang::En, &mut cache);
        let again = s.in_language_with(Lang::En, &mut cache);
        for (x, y) in first.incidents.iter().zip(&again.incidents) {
            assert!(std::sync::Arc::ptr_eq(x, y));
        }
        let t = s.config.translations.get(Lang::En, "a").unwrap().clone();
        s.config.translations =
            std::sync::Arc::new(crate::model::translation::Translations::new(vec![
                std::sync::Arc::new(t),
            ]));
        let third = s.in_language_with(Lang::En, &mut cache);
        let a = |site: &crate::model::Site| {
            std::sync::Arc::clone(site.incidents.iter().find(|i| i.id == "a").unwrap())
        };
        assert!(!std::sync::Arc::ptr_eq(&a(&again), &a(&third)));
        assert_eq!(a(&again), a(&third));
        assert_eq!(fr.config.title, "T");
    }
}
