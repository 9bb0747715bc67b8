//! Helpers for the unit tests of the stages: a time from RFC 3339 and a small site.yaml.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::model::Config;

/// `s`, an RFC 3339 time, in UTC.
pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A site in Europe/Paris with the components `ids` (named after their id, capitalised).
pub fn config_with(ids: &[&str]) -> Config {
    let mut text =
        "title: T\nbase_url: https://s.example.fr/\ntimezone: Europe/Paris\ncomponents:\n"
            .to_string();
    for id in ids {
        text.push_str(&format!(
            "  - {{id: {id}, name: {}}}\n",
            crate::model::lang::capitalize(id)
        ));
    }
    super::config::parse(Path::new("site.yaml"), &text).unwrap()
}

/// A site of `config` and the incident files `files` (id and whole text, read as
/// `incidents/<id>.md`), sorted as a load sorts them.
pub fn site(config: Config, files: &[(&str, &str)]) -> crate::model::Site {
    let mut incidents: Vec<_> = files
        .iter()
        .map(|(id, text)| {
            let path = format!("incidents/{id}.md");
            let i = super::incident::parse(Path::new(&path), id, text, &config).unwrap();
            std::sync::Arc::new(i)
        })
        .collect();
    super::sort_incidents(&mut incidents);
    crate::model::Site {
        config,
        incidents,
        files: Vec::new(),
    }
}
