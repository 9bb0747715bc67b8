//! `api/build.json`: when this build was made and when the site will next need one.
//!
//! `{"generated_at": "2026-11-25T11:00:00Z", "next_change": "2026-11-25T23:00:00Z"}`:
//! `generated_at` is `now`, `next_change` the earliest instant after it at which the site
//! would say something else ([`crate::derive::next_change`]), or `null`. A publisher reads
//! it to know when to build again, a page to know whether a newer build is out. Unlike
//! every other file, it changes whenever `now` does.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::derive::StatusModel;
use crate::error::Error;
use crate::render::views::iso;
use crate::render::OutputFile;

/// Where the file goes in the output.
pub const PATH: &str = "api/build.json";

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct BuildJson {
    generated_at: String,
    next_change: Option<String>,
}

/// `api/build.json` for `model`.
pub fn file(model: &StatusModel) -> Result<OutputFile, Error> {
    let json = BuildJson {
        generated_at: iso(model.now),
        next_change: model.next_change().map(iso),
    };
    let mut text =
        serde_json::to_string_pretty(&json).map_err(|e| Error::Render(format!("{PATH}: {e}")))?;
    text.push('\n');
    Ok(OutputFile::new(PATH, text.into_bytes()))
}

/// The `next_change` recorded in the bytes of an `api/build.json`: `Some(None)` for
/// `null`, `None` when the bytes are not such a file.
pub fn recorded_next_change(bytes: &[u8]) -> Option<Option<DateTime<Utc>>> {
    let json: BuildJson = serde_json::from_slice(bytes).ok()?;
    match json.next_change {
        None => Some(None),
        Some(text) => DateTime::parse_from_rfc3339(&text)
            .ok()
            .map(|t| Some(t.with_timezone(&Utc))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::derive;
    use crate::model::Site;
    use std::path::Path;

    fn site() -> Site {
        let config = crate::load::config::parse(
            Path::new("site.yaml"),
            "title: T\nbase_url: https://s.example.fr/\ntimezone: Europe/Paris\ncomponents:\n  - {id: web, name: Web}\n",
        )
        .unwrap();
        Site {
            config,
            incidents: Vec::new(),
            files: Vec::new(),
        }
    }

    #[test]
    fn the_file_gives_the_build_time_and_the_next_change_in_utc_to_the_second() {
        let s = site();
        let now = DateTime::parse_from_rfc3339("2026-11-25T12:00:00.250+01:00")
            .unwrap()
            .with_timezone(&Utc);
        let f = file(&derive(&s, now)).unwrap();
        assert_eq!(f.path, "api/build.json");
        assert_eq!(
            String::from_utf8(f.bytes).unwrap(),
            "{\n  \"generated_at\": \"2026-11-25T11:00:00Z\",\n  \"next_change\": \"2026-11-25T23:00:00Z\"\n}\n"
        );
    }

    #[test]
    fn the_next_change_is_read_back_from_the_file() {
        let s = site();
        let now = DateTime::from_timestamp(1_795_604_400, 0).unwrap();
        let f = file(&derive(&s, now)).unwrap();
        assert_eq!(
            recorded_next_change(&f.bytes),
            Some(crate::derive::next_change::next_change(&s, now)),
            "{}",
            String::from_utf8_lossy(&f.bytes)
        );
        assert_eq!(
            recorded_next_change(b"{\"generated_at\": \"x\", \"next_change\": null}"),
            Some(None)
        );
        assert_eq!(recorded_next_change(b"<html>"), None);
        assert_eq!(
            recorded_next_change(b"{\"generated_at\": \"x\", \"next_change\": \"soon\"}"),
            None
        );
    }
}
