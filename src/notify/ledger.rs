//! The ledger: what `vigie notify` delivered, one line per event and channel, so that
//! nothing is sent twice. It lives in `.vigie/notified` under the site's folder (or where
//! `--ledger` says) and must be kept between runs (in CI: cached or committed).
//!
//! ```text
//! # vigie notify ledger 1
//! start email 2026-12-01T10:00:00Z
//! sent email incident-x.announcement 2026-12-01T10:05:00Z
//! skipped slack incident-x.announcement 2026-12-01T10:05:00Z
//! window maintenance-y 2026-12-05T01:00:00Z 2026-12-05T03:00:00Z 2026-12-01T10:05:00Z
//! ```
//!
//! - `start CHANNEL TIME`: the channel's first run; events due before it are old news,
//!   never sent (the first run on a site with years of history sends nothing).
//! - `sent CHANNEL EVENT TIME`: delivered; `skipped CHANNEL EVENT TIME`: recorded without
//!   being sent (too old when first seen, or before `--since`).
//! - `window INCIDENT START END TIME`: a maintenance window as first seen at TIME; a
//!   later different one is a rescheduling.
//!
//! The file is replaced whole (a temporary file, synced, then renamed over it) after each
//! delivery: a run killed at any moment leaves either the file before or the file after.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};

use super::events::{SeenWindows, Window};
use crate::error::Error;
use crate::file_lock::FileLock;

const HEADER: &str = "# vigie notify ledger 1";

/// What a channel has done with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    Skipped,
}

/// The ledger, in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Each channel's first run.
    pub starts: BTreeMap<String, DateTime<Utc>>,
    /// (channel, event id) → outcome and when.
    pub done: BTreeMap<(String, String), (Outcome, DateTime<Utc>)>,
    pub windows: SeenWindows,
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn time(word: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(word)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

impl Ledger {
    /// Reads the ledger at `path`; an empty one when there is no file yet.
    pub fn read(path: &Path) -> Result<Ledger, Error> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ledger::default()),
            Err(e) => return Err(Error::io(path, e)),
        };
        Ledger::parse(path, &text)
    }

    /// Reads the text of a ledger; `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Ledger, Error> {
        let mut ledger = Ledger::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let ok = match words.as_slice() {
                ["start", channel, at] => time(at).map(|at| {
                    ledger.starts.insert(channel.to_string(), at);
                }),
                [word @ ("sent" | "skipped"), channel, event, at] => time(at).map(|at| {
                    let outcome = if *word == "sent" {
                        Outcome::Sent
                    } else {
                        Outcome::Skipped
                    };
                    ledger
                        .done
                        .insert((channel.to_string(), event.to_string()), (outcome, at));
                }),
                ["window", incident, start, end, at] => match (time(start), time(end), time(at)) {
                    (Some(start), Some(end), Some(at)) => {
                        ledger
                            .windows
                            .entry(incident.to_string())
                            .or_default()
                            .push((Window { start, end }, at));
                        Some(())
                    }
                    _ => None,
                },
                _ => None,
            };
            if ok.is_none() {
                return Err(Error::Refused(format!(
                    "{}:{}: not a line of a notify ledger: `{line}`\n  = help: vigie writes this file; restore it from a copy, or remove the line (an event whose line is gone may be sent again)",
                    path.display(),
                    n + 1
                )));
            }
        }
        Ok(ledger)
    }

    /// Whether `channel` has done `event` (sent or skipped).
    pub fn has(&self, channel: &str, event: &str) -> bool {
        self.done
            .contains_key(&(channel.to_string(), event.to_string()))
    }

    /// Records what `channel` did with `event` at `at`.
    pub fn record(&mut self, channel: &str, event: &str, outcome: Outcome, at: DateTime<Utc>) {
        self.done
            .insert((channel.to_string(), event.to_string()), (outcome, at));
    }

    /// The text of the ledger: sorted, so that a file under version control changes by
    /// the lines added.
    pub fn text(&self) -> String {
        let mut out = format!("{HEADER}\n");
        for (channel, at) in &self.starts {
            out.push_str(&format!("start {channel} {}\n", iso(*at)));
        }
        let mut windows: BTreeSet<String> = BTreeSet::new();
        for (incident, list) in &self.windows {
            for (w, at) in list {
                windows.insert(format!(
                    "window {incident} {} {} {}\n",
                    iso(w.start),
                    iso(w.end),
                    iso(*at)
                ));
            }
        }
        out.extend(windows);
        for ((channel, event), (outcome, at)) in &self.done {
            let word = match outcome {
                Outcome::Sent => "sent",
                Outcome::Skipped => "skipped",
            };
            out.push_str(&format!("{word} {channel} {event} {}\n", iso(*at)));
        }
        out
    }

    /// Writes the ledger at `path` atomically: a temporary file next to it, synced, then
    /// renamed over it.
    pub fn write(&self, path: &Path) -> Result<(), Error> {
        let dir = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let tmp = temp_path(path);
        let result = (|| {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(self.text().as_bytes())?;
            f.sync_all()?;
            fs::rename(&tmp, path)?;
            // The rename itself survives a crash once the folder is synced.
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        result.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Error::io(path, e)
        })
    }
}

/// Held for a whole run: two runs on the same ledger at once (a CI job and a person, say)
/// take turns, and the second reads what the first recorded before sending anything.
pub struct LedgerLock {
    _lock: FileLock,
}

impl LedgerLock {
    /// Takes the lock of the ledger at `path` (`<path>.lock`), waiting for another run.
    pub fn take(path: &Path) -> Result<LedgerLock, Error> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        Ok(LedgerLock {
            _lock: FileLock::take(&path.with_file_name(name))?,
        })
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}", std::process::id()));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::testing::t;

    #[test]
    fn a_ledger_reads_back_what_it_writes() {
        let mut l = Ledger::default();
        l.starts.insert("email".into(), t("2026-12-01T10:00:00Z"));
        l.record(
            "email",
            "a.announcement",
            Outcome::Sent,
            t("2026-12-01T10:05:00Z"),
        );
        l.record(
            "slack",
            "a.announcement",
            Outcome::Skipped,
            t("2026-12-01T10:05:00Z"),
        );
        l.windows.entry("m".into()).or_default().push((
            Window {
                start: t("2026-12-05T01:00:00Z"),
                end: t("2026-12-05T03:00:00Z"),
            },
            t("2026-12-01T10:05:00Z"),
        ));
        let text = l.text();
        assert_eq!(
            text,
            "# vigie notify ledger 1\nstart email 2026-12-01T10:00:00Z\nwindow m 2026-12-05T01:00:00Z 2026-12-05T03:00:00Z 2026-12-01T10:05:00Z\nsent email a.announcement 2026-12-01T10:05:00Z\nskipped slack a.announcement 2026-12-01T10:05:00Z\n"
        );
        let back = Ledger::parse(Path::new("l"), &text).unwrap();
        assert_eq!(back, l);
    }

    #[test]
    fn a_damaged_line_is_an_error_naming_it() {
        let e = Ledger::parse(Path::new(".vigie/notified"), "# x\nsent email\n").unwrap_err();
        assert!(e
            .to_string()
            .starts_with(".vigie/notified:2: not a line of a notify ledger: `sent email`"));
    }
}
