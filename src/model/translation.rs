//! A site in several languages: the texts of each incident in another language than the
//! default one (from its translation file, `<id>.<lang>.md`), and the [`Site`] as seen in
//! one language, where every text that has no translation keeps the default language's
//! and says so ([`Fallbacks`]).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::memo::Memo;

use super::lang::Lang;
use super::{Incident, Post, Site, Written};

/// One post's text in another language: the Markdown as written, its HTML and plain text
/// (made as the original's are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostText {
    pub markdown: String,
    pub html: String,
    pub text: String,
}

/// The texts of one incident in one language other than the default, from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    pub lang: Lang,
    /// The incident it translates.
    pub id: String,
    /// The translation file, relative to the site root.
    pub source: PathBuf,
    pub title: String,
    /// The announcement; `None` when the file's Markdown body is blank.
    pub announcement: Option<PostText>,
    /// The updates it translates, by the time of the original's update.
    pub updates: Vec<(DateTime<Utc>, PostText)>,
    /// Where the front matter starts, for the warnings about what it leaves out.
    pub front: Written,
}

/// Every translation of a site, by language and incident id.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Translations {
    by: BTreeMap<Lang, rustc_hash::FxHashMap<String, Arc<Translation>>>,
}

impl std::fmt::Debug for Translations {
    // The configuration's `Debug` is part of the page cache's key: the translations reach
    // the pages through the incidents of the site seen in a language, not through it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Translations")
    }
}

impl Translations {
    /// The translations `list` gives (one per language and incident).
    pub fn new(list: Vec<Arc<Translation>>) -> Translations {
        let mut by: BTreeMap<Lang, rustc_hash::FxHashMap<String, Arc<Translation>>> =
            BTreeMap::new();
        for t in list {
            by.entry(t.lang).or_default().insert(t.id.clone(), t);
        }
        Translations { by }
    }

    /// The translation of incident `id` into `lang`.
    pub fn get(&self, lang: Lang, id: &str) -> Option<&Translation> {
        self.get_shared(lang, id).map(|t| &**t)
    }

    /// [`Translations::get`], shared.
    pub fn get_shared(&self, lang: Lang, id: &str) -> Option<&Arc<Translation>> {
        self.by.get(&lang)?.get(id)
    }

    pub fn is_empty(&self) -> bool {
        self.by.is_empty()
    }
}

/// Which texts of an incident, in a site seen in a language other than the default, are
/// left in the default language for want of a translation (see
/// [`Incident::fallback_lang`]): the pages mark them with its `lang`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslated {
    /// The default language, which those texts are in.
    pub lang: Lang,
    pub title: bool,
    /// Parallel to the incident's posts.
    pub posts: Vec<bool>,
}

/// The texts of `site.yaml` in one language other than the default: each given for that
/// language, else the default's.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigTexts {
    pub title: String,
    pub description: Option<String>,
    /// Parallel to the configuration's components: name, group, description.
    pub components: Vec<(String, Option<String>, Option<String>)>,
    pub contact: super::config::Contact,
}

impl std::fmt::Debug for ConfigTexts {
    // As for `Translations`: the configuration of the site seen in a language shows its
    // own texts in its own fields; the other languages' are not part of its pages' key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfigTexts")
    }
}

/// An incident as seen in one language, as a rebuild remembers it: right while its
/// original and its translation are the very same.
#[derive(Debug)]
pub struct Translated {
    original: Arc<Incident>,
    translation: Option<Arc<Translation>>,
    incident: Arc<Incident>,
}

/// The incidents of a site as seen in each language but the default, remembered from one
/// build to the next (`vigie watch`, `vigie serve`): each stays the same `Arc` while its
/// original and its translation do, so that the page caches after it find it unchanged
/// by that alone, as they find the default language's incidents.
#[derive(Debug, Default)]
pub struct TranslatedCache {
    keep: bool,
    by_lang: BTreeMap<Lang, Memo<String, Translated, ()>>,
}

impl TranslatedCache {
    /// A cache that remembers the incidents from one build to the next.
    pub fn new() -> TranslatedCache {
        TranslatedCache {
            keep: true,
            by_lang: BTreeMap::new(),
        }
    }

    /// A cache that remembers nothing.
    pub fn unused() -> TranslatedCache {
        TranslatedCache::default()
    }

    /// The memo of the incidents in `lang`.
    fn of(&mut self, lang: Lang) -> &mut Memo<String, Translated, ()> {
        let keep = self.keep;
        self.by_lang
            .entry(lang)
            .or_insert_with(|| if keep { Memo::new() } else { Memo::unused() })
    }
}

impl Site {
    /// The site as seen in `lang`: the configuration's texts in that language, each
    /// incident with its translation's texts and the texts left in the default language
    /// marked ([`Incident::untranslated`]). In the default language (or a language the
    /// site does not declare), the site itself.
    pub fn in_language(&self, lang: Lang) -> Site {
        self.in_language_with(lang, &mut TranslatedCache::unused())
    }

    /// [`Site::in_language`], taking from `cache` each incident whose original and
    /// translation are the same as when it was made, and leaving in it exactly the
    /// incidents of this site.
    pub fn in_language_with(&self, lang: Lang, cache: &mut TranslatedCache) -> Site {
        let config = &self.config;
        if lang == config.lang || !config.languages.contains(&lang) {
            return self.clone();
        }
        let default = config.lang;
        let mut config = config.clone();
        config.lang = lang;
        if let Some((_, texts)) = config.localized.iter().find(|(l, _)| *l == lang) {
            let texts = texts.clone();
            config.title = texts.title;
            config.description = texts.description;
            for (c, (name, group, description)) in
                config.components.iter_mut().zip(texts.components)
            {
                c.name = name;
                c.group = group;
                c.description = description;
            }
            config.contact = texts.contact;
        }
        // Each incident in `lang`, side by side, as ten thousand incidents are made.
        use rayon::prelude::*;
        let memo = cache.of(lang);
        let old = memo.start(|| ());
        memo.begin();
        let keep = memo.keeps();
        let translations = &self.config.translations;
        let made: Vec<(Arc<Incident>, Option<Translated>)> = self
            .incidents
            .par_iter()
            .with_max_len(crate::parallel::SMALL_TASKS)
            .map(|i| {
                let t = translations.get_shared(lang, &i.id);
                let same = |seen: &&Translated| {
                    Arc::ptr_eq(&seen.original, i)
                        && match (&seen.translation, t) {
                            (None, None) => true,
                            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                            _ => false,
                        }
                };
                if let Some(seen) = old.get(&i.id).filter(same) {
                    return (Arc::clone(&seen.incident), None);
                }
                let incident = Arc::new(match t {
                    Some(t) => translate(i, t, default),
                    None => untranslated(i, default),
                });
                let seen = keep.then(|| Translated {
                    original: Arc::clone(i),
                    translation: t.cloned(),
                    incident: Arc::clone(&incident),
                });
                (incident, seen)
            })
            .collect();
        let incidents = memo.finish_with(old, made, |i| i.id.as_str());
        Site {
            config,
            incidents,
            files: self.files.clone(),
        }
    }
}

/// Incident `i`, which has no translation, as seen in another language than `default`,
/// the language of all its texts.
fn untranslated(i: &Incident, default: Lang) -> Incident {
    Incident {
        untranslated: Some(Box::new(Untranslated {
            lang: default,
            title: true,
            posts: vec![true; i.posts.len()],
        })),
        ..i.clone()
    }
}

/// Incident `i` with the texts of `t`, the texts `t` leaves out marked as left in
/// `default`. Only what stays in the original is copied from it, field by field: a
/// translated text is never copied and then replaced.
fn translate(i: &Incident, t: &Translation, default: Lang) -> Incident {
    let mut marks = Vec::with_capacity(i.posts.len());
    let posts = i
        .posts
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let text = if k == 0 {
                t.announcement.as_ref()
            } else {
                t.updates.iter().find(|(at, _)| *at == p.at).map(|(_, x)| x)
            };
            marks.push(text.is_none());
            match text {
                None => p.clone(),
                Some(text) => Post {
                    at: p.at,
                    status: p.status,
                    markdown: text.markdown.clone(),
                    html: text.html.clone(),
                    text: text.text.clone(),
                    anchor: p.anchor.clone(),
                    author: p.author.clone(),
                },
            }
        })
        .collect();
    let untranslated = marks.contains(&true).then(|| {
        Box::new(Untranslated {
            lang: default,
            title: false,
            posts: marks,
        })
    });
    Incident {
        id: i.id.clone(),
        source: i.source.clone(),
        title: t.title.clone(),
        start: i.start,
        end: i.end,
        severity: i.severity,
        impacts: i.impacts.clone(),
        author: i.author.clone(),
        published: i.published,
        draft: i.draft,
        posts,
        positions: i.positions.clone(),
        untranslated,
    }
}
