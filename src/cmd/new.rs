//! `vigie new`: a new incident file, starting now or at `--start`. The only code that
//! writes under `incidents/`, and it never replaces a file.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::error::{did_you_mean, Error};
use crate::load::text::{self, Lines};
use crate::load::time::TimeSpec;
use crate::load::{incident_id, load_config};
use crate::model::time::as_written;
use crate::model::Severity;

/// Options of `vigie new`.
#[derive(Debug, Clone)]
pub struct NewOptions {
    pub root: PathBuf,
    pub title: String,
    /// A severity keyword.
    pub severity: String,
    /// Component ids; empty means all.
    pub components: Vec<String>,
    /// `--start` and `--end` as written: read as incident files read times, in the site's
    /// time zone (known once site.yaml is read). No start: `now`.
    pub start: Option<String>,
    pub end: Option<String>,
    /// The current time: the start by default, and a maintenance's `published`.
    pub now: DateTime<Utc>,
}

/// Runs `vigie new` and says which file it created.
pub fn run(options: &NewOptions) -> Result<(), Error> {
    let path = new_incident(options)?;
    println!("created {}", path.display());
    Ok(())
}

/// Creates `incidents/YYYY-MM-DD-<slug>.md` and returns its path.
pub fn new_incident(options: &NewOptions) -> Result<PathBuf, Error> {
    let config = load_config(&options.root)?;
    let title = options.title.trim();
    if title.is_empty() {
        return Err(Error::Usage("the title is empty".to_string()));
    }
    // What the file would be refused for, refused now.
    if let Some(p) = text::problem(title, Lines::One) {
        return Err(Error::Usage(p.message("the title")));
    }
    let severity = Severity::from_keyword(&options.severity).ok_or_else(|| {
        let words: Vec<&str> = Severity::ALL.iter().map(|s| s.keyword()).collect();
        let hint = did_you_mean(&options.severity, words.iter().copied())
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        Error::Usage(format!(
            "unknown severity `{}`{hint}; use one of {}",
            options.severity,
            words.join(", ")
        ))
    })?;
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    for c in &options.components {
        if !known.contains(&c.as_str()) {
            let hint = did_you_mean(c, known.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "unknown component `{c}`{hint}; known: {}",
                known.join(", ")
            )));
        }
    }
    let start = match &options.start {
        Some(text) => time_option("--start", text, config.tz)?,
        None => options.now,
    };
    let end = match &options.end {
        Some(text) => Some(time_option("--end", text, config.tz)?),
        None => None,
    };
    if end.is_some_and(|end| end < start) {
        return Err(Error::Usage(
            "--end is before --start; `end` is when the incident stops".to_string(),
        ));
    }
    let local = start.with_timezone(&config.tz);
    let slug = incident_id(title);
    let slug = if slug.is_empty() {
        "incident".to_string()
    } else {
        slug.chars()
            .take(60)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string()
    };
    let dir = options.root.join("incidents");
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join(format!("{}-{slug}.md", local.format("%Y-%m-%d")));

    // A local time that is ambiguous on a clock-change night gets its offset.
    let mut text = format!(
        "---\ntitle: {}\nstart: {}\n",
        yaml_scalar(title),
        as_written(start, config.tz)
    );
    match end {
        Some(end) => text.push_str(&format!("end: {}\n", as_written(end, config.tz))),
        None => text.push_str("# end: (leave out while it is still going on)\n"),
    }
    text.push_str(&format!("severity: {}\n", severity.keyword()));
    // A maintenance is announced when its file is written, not when its window opens.
    if severity == Severity::Maintenance {
        text.push_str(&format!(
            "published: {}\n",
            as_written(options.now, config.tz)
        ));
    }
    if !options.components.is_empty() {
        text.push_str(&format!(
            "components: [{}]\n",
            options.components.join(", ")
        ));
    }
    let body = match config.lang {
        crate::model::lang::Lang::Fr => "Décrivez ce que voient les clients, ce qui est touché et quand viendra la prochaine information.\n",
        crate::model::lang::Lang::En => "Describe what customers see, what is affected, and when the next update will come.\n",
    };
    text.push_str("---\n");
    text.push_str(body);

    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Refused(format!("`{}` already exists; vigie never overwrites an incident file — edit it, or choose another title", path.display()))
        } else {
            Error::io(&path, e)
        }
    })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// The time `text` given to `flag`, read as incident files read times, in `tz`.
fn time_option(flag: &str, text: &str, tz: Tz) -> Result<DateTime<Utc>, Error> {
    TimeSpec::parse(text)
        .and_then(|spec| spec.resolve(tz))
        .map_err(|e| Error::Usage(format!("{flag}: {}; {}", e.message, e.help)))
}

/// `text` as a YAML scalar on one line, read back as exactly `text`: as it is when it is
/// words that YAML cannot take for anything else, or else in double quotes, where `\`, `"`
/// and the characters YAML does not take as they are (controls, line and paragraph
/// separators, the byte order mark, noncharacters) are escaped.
pub(crate) fn yaml_scalar(text: &str) -> String {
    if is_plain_words(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control()
                || text::is_forbidden(c)
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}') =>
            {
                let code = u32::from(c);
                if code > 0xFFFF {
                    out.push_str(&format!("\\U{code:08X}"));
                } else {
                    out.push_str(&format!("\\u{code:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `text` is letters, digits, spaces and punctuation that means nothing to YAML
/// inside a plain scalar, starting with a letter and ending with no space, and is none of
/// the words YAML may read as a null or a boolean.
fn is_plain_words(text: &str) -> bool {
    const PUNCTUATION: &str = ".,;()'’/!?«»…–—-_";
    const WORDS: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    text.starts_with(char::is_alphabetic)
        && !text.ends_with(' ')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || PUNCTUATION.contains(c))
        && !WORDS.contains(&text.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::path::Path;

    use proptest::prelude::*;

    use crate::load::yaml::{self, Names, Source};

    #[derive(Debug, serde::Deserialize)]
    struct Front {
        title: String,
    }

    /// `title: <yaml_scalar(title)>` read back by the YAML reader of site.yaml and front
    /// matter.
    fn read_back(title: &str) -> String {
        let yaml = format!("title: {}\n", yaml_scalar(title));
        let src = Source {
            path: Path::new("x.md"),
            text: &yaml,
            line0: 0,
        };
        let names = Names {
            document: "the front matter",
            mappings: &[],
        };
        let front: Front =
            yaml::parse(&src, &yaml, &names).unwrap_or_else(|d| panic!("{yaml}: {d:?}"));
        front.title
    }

    /// The title of a new incident file whose title is `title`, as `vigie check` reads it
    /// (by the front matter's fast reader when it can).
    fn incident_title(title: &str) -> Result<String, String> {
        let config = crate::load::config::parse(
            Path::new("site.yaml"),
            "title: T\nbase_url: https://s.example.fr/\ncomponents:\n  - {id: web, name: Web}\n",
        )
        .unwrap();
        let text = format!(
            "---\ntitle: {}\nstart: 2020-01-01 10:00\nseverity: notice\n---\n",
            yaml_scalar(title)
        );
        crate::load::incident::parse(Path::new("x.md"), "x", &text, &config)
            .map(|i| i.title)
            .map_err(|e| format!("{text}: {e:?}"))
    }

    #[test]
    fn plain_titles_stay_plain() {
        for title in [
            "Panne",
            "Coupure du webmail",
            "Retards sur l'envoi (mail) — résolu…",
        ] {
            assert_eq!(yaml_scalar(title), title);
        }
    }

    #[test]
    fn titles_yaml_would_misread_are_quoted_and_read_back() {
        for title in [
            "Titre: avec « guillemets » et #dièse",
            "null",
            "Yes",
            "~",
            "123",
            "2020-01-01",
            "- a",
            "a: b",
            "a #b",
            "[web]",
            "*a",
            "'quoted'",
            "\"double\" \\ back",
            "trailing ",
            " leading",
            "tab\there",
            "a\u{7}b\u{85}c\u{2028}d\u{FEFF}e\u{FFFE}f\u{1FFFF}",
        ] {
            assert_eq!(read_back(title), title, "{}", yaml_scalar(title));
        }
        assert_eq!(
            yaml_scalar("Titre: avec « guillemets » et #dièse"),
            "\"Titre: avec « guillemets » et #dièse\""
        );
    }

    #[test]
    fn a_title_with_a_colon_a_hash_and_guillemets_reads_back_from_the_incident_file() {
        let title = "Titre: avec « guillemets » et #dièse";
        assert_eq!(incident_title(title).unwrap(), title);
    }

    /// Any text, or one made of the characters YAML reads as syntax, and words.
    fn title() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Zé0-9 :#'\"\\\\\\-?!.,&*|>%@`\\[\\]{}~]{0,16}",
            prop::sample::select(vec!["null", "No", "TRUE", "off", "y", "~", "1e3", "0x1F"])
                .prop_map(str::to_string),
        ]
    }

    proptest! {
        #[test]
        fn any_title_reads_back_exactly(title in title()) {
            prop_assert_eq!(read_back(&title), title);
        }

        #[test]
        fn any_title_new_accepts_reads_back_from_the_incident_file(title in title()) {
            let title = title.trim();
            prop_assume!(!title.is_empty() && text::problem(title, Lines::One).is_none());
            prop_assert_eq!(incident_title(title).unwrap(), title);
        }
    }
}
