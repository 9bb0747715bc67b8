//! A site in several languages: the texts of each incident in another language than the
//! default one (from its translation file, `<id>.<lang>.md`), and the [`Site`] as seen in
//! one language, where every text that has no translation keeps the default language's
//! and says so ([`Fallbacks`]).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

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
    by: HashMap<(Lang, String), Arc<Translation>>,
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
    pub fn new(list: Vec<Translation>) -> Translations {
        Translations {
            by: list
                .into_iter()
                .map(|t| ((t.lang, t.id.clone()), Arc::new(t)))
                .collect(),
        }
    }

    /// The translation of incident `id` into `lang`.
    pub fn get(&self, lang: Lang, id: &str) -> Option<&Translation> {
        self.by.get(&(lang, id.to_string())).map(|t| &**t)
    }

    pub fn is_empty(&self) -> bool {
        self.by.is_empty()
    }
}

/// Which texts of the incidents of a site seen in one language are in the default
/// language instead, for want of a translation: the pages mark them with its `lang`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fallbacks {
    /// By incident id: whether its title, and each of its posts, is the default's.
    marks: BTreeMap<String, Marks>,
}

/// See [`Fallbacks`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Marks {
    title: bool,
    posts: Vec<bool>,
}

impl Fallbacks {
    /// Whether the title of incident `id` is left in the default language.
    pub fn title(&self, id: &str) -> bool {
        self.marks.get(id).is_some_and(|m| m.title)
    }

    /// Whether post `k` of incident `id` is left in the default language.
    pub fn post(&self, id: &str, k: usize) -> bool {
        self.marks
            .get(id)
            .is_some_and(|m| m.posts.get(k).copied().unwrap_or(false))
    }
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

impl Site {
    /// The site as seen in `lang`: the configuration's texts in that language, each
    /// incident with its translation's texts, and the texts left in the default language
    /// marked in `config.fallbacks`. In the default language (or a language the site does
    /// not declare), the site itself.
    pub fn in_language(&self, lang: Lang) -> Site {
        let config = &self.config;
        if lang == config.lang || !config.languages.contains(&lang) {
            return self.clone();
        }
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
        // Each incident in `lang` (the same one when it has no translation), with the
        // texts left in the default language; side by side, as ten thousand incidents
        // are copied.
        use rayon::prelude::*;
        let translated: Vec<(Arc<Incident>, Option<Marks>)> = self
            .incidents
            .par_iter()
            .map(|i| {
                let Some(t) = self.config.translations.get(lang, &i.id) else {
                    let m = Marks {
                        title: true,
                        posts: vec![true; i.posts.len()],
                    };
                    return (Arc::clone(i), Some(m));
                };
                let (translated, m) = translate(i, t);
                let marked = m.title || m.posts.iter().any(|&b| b);
                (Arc::new(translated), marked.then_some(m))
            })
            .collect();
        let mut marks = BTreeMap::new();
        let mut incidents = Vec::with_capacity(translated.len());
        for (i, m) in translated {
            if let Some(m) = m {
                marks.insert(i.id.clone(), m);
            }
            incidents.push(i);
        }
        config.fallbacks = Arc::new(Fallbacks { marks });
        Site {
            config,
            incidents,
            files: self.files.clone(),
        }
    }
}

/// Incident `i` with the texts of `t`, and which of its texts `t` leaves out. Only what
/// stays in the original is copied from it, field by field: a translated text is never
/// copied and then replaced.
fn translate(i: &Incident, t: &Translation) -> (Incident, Marks) {
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
    let translated = Incident {
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
    };
    (
        translated,
        Marks {
            title: false,
            posts: marks,
        },
    )
}
