//! The languages a site can be written in.

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// The language for a `site.yaml` code (`fr`, `fr-FR`, `en`, `en-GB`…).
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// BCP 47 code for `lang` attributes and feeds.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

/// Upper-cases the first letter.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl Lang {
    /// Every language of the interface.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The language's own name, for the link to a page's translation: "Français", "English".
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::En => "English",
        }
    }

    /// The language of a translation file's suffix (`en` in `panne.en.md`): exactly the
    /// code [`Lang::code`] gives, so that `x.io.md` stays an incident of its own.
    pub fn from_suffix(suffix: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == suffix)
    }
}
