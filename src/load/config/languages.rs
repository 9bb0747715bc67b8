//! `languages` in site.yaml (or `language` alone), and the texts that may be given per
//! language: `name: {fr: Messagerie, en: Email}` or once for all (`name: Email`).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::error::Diagnostic;
use crate::load::text::{self, Lines};
use crate::load::yaml::{At, Source};
use crate::model::lang::Lang;

/// A text of site.yaml as written: one for all languages, or one per language code.
#[derive(Debug)]
pub enum RawText {
    One(String),
    ByLang(Vec<(String, At<String>)>),
}

impl<'de> Deserialize<'de> for RawText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text, or a mapping from language code to text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawText, E> {
                Ok(RawText::One(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<RawText, E> {
                Ok(RawText::One(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawText, E> {
                Ok(RawText::One(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawText, E> {
                Ok(RawText::One(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawText, E> {
                Ok(RawText::One(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawText, E> {
                Ok(RawText::One(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawText, A::Error> {
                let mut pairs = Vec::new();
                while let Some((code, text)) = map.next_entry::<String, At<String>>()? {
                    pairs.push((code, text));
                }
                Ok(RawText::ByLang(pairs))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A text in the default language, and in each other language that gives its own.
#[derive(Debug, Clone)]
pub struct Localized {
    pub default: String,
    pub others: Vec<(Lang, String)>,
}

impl Localized {
    /// The text in `lang`: its own, else the default language's.
    pub fn in_lang(&self, lang: Lang) -> &str {
        self.others
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(&self.default, |(_, t)| t)
    }

    /// Every text given, the default's first.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.default.as_str()).chain(self.others.iter().map(|(_, t)| t.as_str()))
    }
}

/// The site's languages, the default first: `languages`, else `language` alone, else
/// English. Both given must agree on the default.
pub fn languages(
    src: &Source,
    language: Option<&At<String>>,
    languages: Option<&At<Vec<At<String>>>>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Lang> {
    let one = |code: &At<String>, errors: &mut Vec<Diagnostic>| {
        Lang::from_code(&code.value).or_else(|| {
            errors.push(src.error(
                code.pos,
                format!("unsupported language `{}`", code.value),
                Some("use `fr` or `en`".to_string()),
            ));
            None
        })
    };
    let single = language.and_then(|code| one(code, errors));
    let Some(list) = languages else {
        return vec![single.unwrap_or(Lang::En)];
    };
    let mut out: Vec<Lang> = Vec::new();
    for code in &list.value {
        if let Some(lang) = one(code, errors) {
            if out.contains(&lang) {
                errors.push(src.error(
                    code.pos,
                    format!("`languages` names `{}` twice", lang.code()),
                    Some("name each language once, the default first".to_string()),
                ));
            } else {
                out.push(lang);
            }
        }
    }
    if list.value.is_empty() {
        errors.push(
            src.error(
                list.pos,
                "`languages` is empty",
                Some(
                    "name the site's languages, the default first, e.g. `languages: [fr, en]`"
                        .to_string(),
                ),
            ),
        );
    }
    if let (Some(single), Some(first), Some(code)) = (single, out.first(), language) {
        if single != *first {
            errors.push(
                src.error(
                    code.pos,
                    format!(
                    "`language: {}` disagrees with `languages`, whose first (the default) is `{}`",
                    code.value,
                    first.code()
                ),
                    Some(
                        "remove `language`: the first of `languages` is the default language"
                            .to_string(),
                    ),
                ),
            );
        }
    }
    if out.is_empty() {
        out.push(single.unwrap_or(Lang::En));
    }
    out
}

/// The text `key` in each language: a plain text is every language's; a mapping must give
/// the default language's and name only the site's languages. Each text is checked to hold
/// only characters pages can show (on one line if `lines` says so).
pub fn pick(
    src: &Source,
    key: &str,
    value: At<RawText>,
    languages: &[Lang],
    lines: Lines,
    errors: &mut Vec<Diagnostic>,
) -> Localized {
    let default = languages.first().copied().unwrap_or(Lang::En);
    let pairs = match value.value {
        RawText::One(text) => {
            let at = At {
                value: text,
                pos: value.pos,
            };
            text::check(src, key, &at, &at.value, lines, errors);
            return Localized {
                default: at.value,
                others: Vec::new(),
            };
        }
        RawText::ByLang(pairs) => pairs,
    };
    let mut out = Localized {
        default: String::new(),
        others: Vec::new(),
    };
    let mut has_default = false;
    for (code, text) in pairs {
        let lang = Lang::from_code(&code).filter(|l| languages.contains(l));
        let Some(lang) = lang else {
            let declared: Vec<&str> = languages.iter().map(|l| l.code()).collect();
            errors.push(src.error(
                text.pos,
                format!("`{key}` is given in `{code}`, which is not one of the site's languages"),
                Some(format!(
                    "the site's languages are {} (`languages` in site.yaml)",
                    declared.join(", ")
                )),
            ));
            continue;
        };
        text::check(src, key, &text, &text.value, lines, errors);
        if lang == default {
            has_default = true;
            out.default = text.value;
        } else {
            out.others.push((lang, text.value));
        }
    }
    if !has_default {
        errors.push(src.error(
            value.pos,
            format!(
                "`{key}` has no text in the default language `{}`",
                default.code()
            ),
            Some(format!(
                "add `{}: …` to it, or give one text for all languages",
                default.code()
            )),
        ));
    }
    out
}
