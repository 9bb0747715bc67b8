//! `maintenance.ics`: every maintenance window as an iCalendar (RFC 5545) event, so that a
//! customer can subscribe to the maintenance calendar from any calendar application.
//!
//! Written by hand: the format is small, and the parts that matter (CRLF line endings,
//! folding at 75 octets without splitting a UTF-8 character, escaping of TEXT values) are
//! easier to see and test here than behind a crate.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use rayon::prelude::*;

use crate::derive::timeline::{announced_at, is_announced, maintenance_end, public_posts};
use crate::derive::StatusModel;
use crate::memo::Memo;
use crate::model::Incident;
use crate::render::cache::{Event, EventMemo};
use crate::render::OutputFile;

/// The longest a content line may be, in octets, without its CRLF (RFC 5545, 3.1).
const LINE_OCTETS: usize = 75;

/// A date-time in UTC, RFC 5545's "form #2": `20261202T070000Z`.
pub fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (RFC 5545, 3.3.11): backslash, semicolon, comma and newlines.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    let bytes = s.as_bytes();
    let mut mark = 0;
    let mut i = 0;
    while i < bytes.len() {
        let replacement = match bytes[i] {
            b'\\' => "\\\\",
            b';' => "\\;",
            b',' => "\\,",
            b'\n' => "\\n",
            // CRLF is one line break; a lone CR too.
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                out.push_str(&s[mark..i]);
                mark = i + 1;
                i += 1;
                continue;
            }
            b'\r' => "\\n",
            _ => {
                i += 1;
                continue;
            }
        };
        // ASCII bytes: `mark` and `i` are on character boundaries.
        out.push_str(&s[mark..i]);
        out.push_str(replacement);
        i += 1;
        mark = i;
    }
    out.push_str(&s[mark..]);
    out
}

/// One content line, folded: no line longer than 75 octets, continuation lines start with
/// a space, never inside a UTF-8 character; each line ends with CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / LINE_OCTETS * 3 + 2);
    // The first line holds 75 octets; each continuation line a space and 74 more.
    let mut rest = line;
    let mut room = LINE_OCTETS;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
    out
}

/// The calendar of every announced maintenance window, soonest last (newest start first,
/// as the site lists incidents).
pub fn calendar(model: &StatusModel) -> OutputFile {
    calendar_with(model, &mut Memo::unused())
}

/// [`calendar`], taking from `memo` the events still right (see
/// [`crate::render::cache::Event`]) and leaving in it exactly this calendar's.
pub(crate) fn calendar_with(model: &StatusModel, memo: &mut EventMemo) -> OutputFile {
    let site = model.site;
    let cfg = &site.config;
    let lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//vigie//maintenance calendar//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!(
            "X-WR-CALNAME:{}",
            escape_text(&format!("{} — {}", cfg.title, cfg.lang.strings().calendar))
        ),
        format!("X-WR-TIMEZONE:{}", cfg.tz.name()),
    ];
    let old = memo.start(|| format!("{:?}", site.config));
    memo.begin();
    let keep = memo.keeps();
    // Each event folded on its own, in parallel; in the incidents' order.
    let maintenances: Vec<&Arc<Incident>> = site
        .incidents
        .iter()
        .filter(|i| i.is_maintenance() && is_announced(i, model.now))
        .collect();
    type Made<'i> = ((&'i Arc<Incident>, Arc<str>), Option<Event>);
    let events: Vec<Made> = maintenances
        .par_iter()
        .map(|&i| {
            if let Some(seen) = old.get(&i.id).filter(|e| e.holds(i, model.now)) {
                return ((i, Arc::clone(&seen.value)), None);
            }
            let text: Arc<str> = event(model, i).into();
            let seen = keep.then(|| Event::new(i, cfg, model.now, Arc::clone(&text)));
            ((i, text), seen)
        })
        .collect();
    // The events still right stay where they are; the new ones take their place.
    let events = memo.finish_with(old, events, |(i, _)| i.id.as_str());
    let mut text: String = lines.iter().map(|l| fold(l)).collect();
    for (_, event) in events {
        text.push_str(&event);
    }
    text.push_str(&fold("END:VCALENDAR"));
    OutputFile::new("maintenance.ics", text.into_bytes())
}

/// The event of maintenance `i` at `model.now`: its lines, each folded.
fn event(model: &StatusModel, i: &Incident) -> String {
    let cfg = &model.site.config;
    let host = cfg.host();
    let url = format!("{}incidents/{}/", cfg.base_url, i.id);
    let published: Vec<&crate::model::Post> =
        public_posts(i, model.now).map(|k| &i.posts[k]).collect();
    let mut description = String::new();
    for p in &published {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&p.text);
    }
    description.push_str(&format!("\n\n{url}"));
    // SEQUENCE grows with each published update, so that calendars take the new text.
    let sequence = published.len().saturating_sub(1);
    let modified = published
        .iter()
        .map(|p| p.at)
        .max()
        .unwrap_or_else(|| announced_at(i));
    [
        "BEGIN:VEVENT".into(),
        format!("UID:{}@{host}", i.id),
        format!("DTSTAMP:{}", utc(announced_at(i))),
        format!("DTSTART:{}", utc(i.start)),
        format!("DTEND:{}", utc(maintenance_end(i))),
        format!("LAST-MODIFIED:{}", utc(modified)),
        format!("SEQUENCE:{sequence}"),
        format!("SUMMARY:{}", escape_text(&i.title)),
        format!("DESCRIPTION:{}", escape_text(description.trim())),
        format!("URL:{url}"),
        "STATUS:CONFIRMED".into(),
        "TRANSP:OPAQUE".into(),
        "END:VEVENT".into(),
    ]
    .iter()
    .map(|l: &String| fold(l))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definitions, one character at a time.
    fn escape_text_slowly(s: &str) -> String {
        let mut out = String::new();
        for c in s.replace("\r\n", "\n").chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                ';' => out.push_str("\\;"),
                ',' => out.push_str("\\,"),
                '\n' | '\r' => out.push_str("\\n"),
                c => out.push(c),
            }
        }
        out
    }

    fn fold_slowly(line: &str) -> String {
        let mut out = String::new();
        let mut used = 0;
        for c in line.chars() {
            if used + c.len_utf8() > LINE_OCTETS {
                out.push_str("\r\n ");
                used = 1;
            }
            out.push(c);
            used += c.len_utf8();
        }
        out.push_str("\r\n");
        out
    }

    #[test]
    fn escaping_and_folding_match_their_definitions() {
        let pieces = ["a", "é", "€", "😀", ",", ";", "\\", "\n", "\r", "\r\n", " "];
        let mut state = 7u64;
        for _ in 0..3000 {
            let mut text = String::new();
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = (state >> 33) % 200;
            for _ in 0..len {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[((state >> 33) % pieces.len() as u64) as usize]);
            }
            assert_eq!(escape_text(&text), escape_text_slowly(&text), "{text:?}");
            assert_eq!(fold(&text), fold_slowly(&text), "{text:?}");
        }
    }

    #[test]
    fn text_values_escape_backslash_semicolon_comma_and_newlines() {
        assert_eq!(escape_text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
        assert_eq!(
            escape_text("Maintenance : « DNS »"),
            "Maintenance : « DNS »"
        );
    }

    #[test]
    fn short_lines_are_not_folded_and_end_with_crlf() {
        assert_eq!(fold("SUMMARY:hello"), "SUMMARY:hello\r\n");
        let exactly = "X".repeat(75);
        assert_eq!(fold(&exactly), format!("{exactly}\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_with_a_leading_space() {
        let line = "D".repeat(200);
        let folded = fold(&line);
        let parts: Vec<&str> = folded.trim_end_matches("\r\n").split("\r\n").collect();
        assert_eq!(parts[0].len(), 75);
        assert!(parts[1..]
            .iter()
            .all(|p| p.starts_with(' ') && p.len() <= 75));
        let unfolded: String = parts
            .iter()
            .enumerate()
            .map(|(n, p)| if n == 0 { *p } else { &p[1..] })
            .collect();
        assert_eq!(unfolded, line);
    }

    #[test]
    fn folding_never_splits_a_utf8_character() {
        // "é" is two octets: 74 octets of "a" leave room for one more octet, not for "é".
        let line = format!("{}é{}", "a".repeat(74), "€".repeat(40));
        let folded = fold(&line);
        for part in folded.split("\r\n") {
            assert!(part.len() <= 75, "{} octets: {part:?}", part.len());
        }
        assert!(folded.starts_with(&format!("{}\r\n é", "a".repeat(74))));
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end_matches("\r\n"), line);
    }

    #[test]
    fn utc_times_use_the_basic_format_with_z() {
        let t = DateTime::parse_from_rfc3339("2026-12-02T02:00:00-05:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(utc(t), "20261202T070000Z");
    }
}
