//! A direct reader for the plain YAML that front matter is almost always written in.
//!
//! At 10,000 incidents, serde_yaml (libyaml's scanner and parser, then serde) took more
//! time than everything else in a build's load. Front matter is a short mapping of known
//! keys: plain or simply quoted scalars, `[a, b]` lists, one level of block lists and
//! mappings, and `|` literal blocks for the updates' bodies. This reader handles exactly
//! that and gives up (`None`) on anything else: comments after a value, anchors, tags,
//! escapes, folded or `|+` blocks, multi-line plain scalars, nulls, duplicate or unknown
//! keys, unknown keywords, tabs, carriage returns, characters YAML does not allow. The
//! caller then parses the text with serde_yaml, which also writes every error message.
//! Whenever it gives a result, that result is the one serde_yaml gives; the tests below
//! compare both readers on generated front matter.

use super::{ComponentsSpec, RawFront, RawUpdate};
use crate::load::time::TimeSpec;
use crate::model::{Severity, UpdateStatus};

/// The front matter `text` (between the fences) read directly, or `None` when it holds
/// anything but the plain subset described above.
pub(super) fn read(text: &str) -> Option<RawFront> {
    let mut lines = Lines {
        lines: lines_of(text)?,
        next: 0,
    };
    let mut front = RawFront {
        title: None,
        start: None,
        end: None,
        severity: None,
        components: None,
        author: None,
        published: None,
        draft: false,
        updates: Vec::new(),
    };
    let mut seen: Vec<&str> = Vec::new();
    while let Some(line) = lines.next_significant() {
        let (key, value) = key_value(line, 0)?;
        if seen.contains(&key) {
            return None;
        }
        seen.push(key);
        match key {
            "title" => front.title = Some(string(value?)?),
            "author" => front.author = Some(string(value?)?),
            "start" => front.start = Some(time(value?)?),
            "end" => front.end = Some(time(value?)?),
            "published" => front.published = Some(time(value?)?),
            "severity" => front.severity = Some(Severity::from_keyword(&keyword(value?)?)?),
            "draft" => {
                front.draft = match value? {
                    "true" | "True" | "TRUE" => true,
                    "false" | "False" | "FALSE" => false,
                    _ => return None,
                }
            }
            "components" => front.components = Some(components(value, &mut lines)?),
            "updates" => {
                front.updates = match value {
                    Some(v) => {
                        let inner = v.strip_prefix('[')?.strip_suffix(']')?;
                        if !inner.trim_matches(' ').is_empty() {
                            return None;
                        }
                        Vec::new()
                    }
                    None => updates(&mut lines)?,
                }
            }
            _ => return None,
        }
    }
    // Comments only: serde_yaml's business.
    (!seen.is_empty()).then_some(front)
}

/// The lines of `text` (split at `\n`), or `None` if a character is not one YAML allows
/// in a document (less tabs and line breaks other than `\n`, left to serde_yaml): one
/// pass over the bytes. In valid UTF-8 the characters refused beyond ASCII are U+0080 to
/// U+009F (`C2 80`…`C2 9F`), U+2028 and U+2029 (`E2 80 A8`, `E2 80 A9`), U+FEFF
/// (`EF BB BF`), U+FFFE and U+FFFF (`EF BF BE`, `EF BF BF`): only bytes `C2`, `E2` and
/// `EF` need a second look.
fn lines_of(text: &str) -> Option<Vec<&str>> {
    const OK: u8 = 0;
    const NEWLINE: u8 = 1;
    const REFUSED: u8 = 2;
    const LOOK: u8 = 3;
    const CLASS: [u8; 256] = {
        let mut t = [OK; 256];
        let mut b = 0;
        while b < 0x20 {
            t[b] = REFUSED;
            b += 1;
        }
        t[b'\n' as usize] = NEWLINE;
        t[0x7F] = REFUSED;
        t[0xC2] = LOOK;
        t[0xE2] = LOOK;
        t[0xEF] = LOOK;
        t
    };
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 40 + 1);
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match CLASS[usize::from(bytes[i])] {
            OK => {}
            NEWLINE => {
                lines.push(&text[start..i]);
                start = i + 1;
            }
            REFUSED => return None,
            _ => {
                let next = (bytes.get(i + 1).copied(), bytes.get(i + 2).copied());
                let refused = match bytes[i] {
                    0xC2 => matches!(next.0, Some(0x80..=0x9F)),
                    0xE2 => matches!(next, (Some(0x80), Some(0xA8 | 0xA9))),
                    _ => matches!(
                        next,
                        (Some(0xBB), Some(0xBF)) | (Some(0xBF), Some(0xBE | 0xBF))
                    ),
                };
                if refused {
                    return None;
                }
            }
        }
        i += 1;
    }
    lines.push(&text[start..]);
    Some(lines)
}

/// The characters YAML accepts in a document, less tabs and the line breaks other than
/// `\n` (which this reader leaves to serde_yaml): what [`lines_of`] checks, one
/// character at a time, for its test.
#[cfg(test)]
fn allowed(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// The lines of the front matter, with a cursor.
struct Lines<'a> {
    lines: Vec<&'a str>,
    next: usize,
}

impl<'a> Lines<'a> {
    /// Skips blank and comment lines; the next other line, without consuming it.
    fn peek_significant(&mut self) -> Option<&'a str> {
        while let Some(line) = self.lines.get(self.next) {
            let trimmed = line.trim_start_matches(' ');
            if trimmed.is_empty() || trimmed.starts_with('#') {
                self.next += 1;
            } else {
                return Some(line);
            }
        }
        None
    }

    fn next_significant(&mut self) -> Option<&'a str> {
        let line = self.peek_significant()?;
        self.next += 1;
        Some(line)
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `key: value` starting at column `col` of `line`: the key, and the value (`None` when
/// nothing follows the colon: a block follows, or a null). `None` for anything else.
fn key_value(line: &str, col: usize) -> Option<(&str, Option<&str>)> {
    if indent(line) != col {
        return None;
    }
    let rest = &line[col..];
    let end = rest.find(':')?;
    let key = &rest[..end];
    if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        || key.starts_with('-')
    {
        return None;
    }
    let after = &rest[end + 1..];
    if after.is_empty() {
        return Some((key, None));
    }
    let value = after.strip_prefix(' ')?.trim_matches(' ');
    Some((key, (!value.is_empty()).then_some(value)))
}

/// The text of a one-line scalar: plain, single-quoted, or double-quoted without escapes.
/// Plain nulls (which serde_yaml reads as no value) are refused.
fn string(value: &str) -> Option<String> {
    match value.as_bytes()[0] {
        b'\'' => {
            let inner = value.strip_prefix('\'')?.strip_suffix('\'')?;
            // Every quote inside comes in pairs, each pair standing for one quote.
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\'' && chars.next() != Some('\'') {
                    return None;
                }
                out.push(c);
            }
            Some(out)
        }
        b'"' => {
            let inner = value.strip_prefix('"')?.strip_suffix('"')?;
            (!inner.contains(['"', '\\'])).then(|| inner.to_string())
        }
        first => {
            let indicator = b"-?:,[]{}#&*!|>%@`".contains(&first);
            let null = matches!(value, "~" | "null" | "Null" | "NULL");
            let ambiguous = value.contains(": ") || value.ends_with(':') || value.contains(" #");
            (!indicator && !null && !ambiguous).then(|| value.to_string())
        }
    }
}

fn time(value: &str) -> Option<TimeSpec> {
    TimeSpec::parse(&string(value)?).ok()
}

/// A keyword (severity, status): plain or quoted, as serde reads a string.
fn keyword(value: &str) -> Option<String> {
    string(value)
}

/// A component id in a `[a, b]` list or a block list: plain, one word.
fn id(value: &str) -> Option<String> {
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        && !value.starts_with(['-', '.']);
    ok.then(|| value.to_string())
}

/// `components:` as a one-line value (a list in brackets, or one id), or the block below.
fn components(value: Option<&str>, lines: &mut Lines) -> Option<ComponentsSpec> {
    if let Some(v) = value {
        if let Some(inner) = v.strip_prefix('[') {
            let inner = inner.strip_suffix(']')?;
            if inner.trim_matches(' ').is_empty() {
                return Some(ComponentsSpec::List(Vec::new()));
            }
            let ids = inner
                .split(',')
                .map(|item| id(item.trim_matches(' ')))
                .collect::<Option<Vec<_>>>()?;
            return Some(ComponentsSpec::List(ids));
        }
        // One id, read by serde as any scalar: only a word that YAML cannot take for a
        // number, a boolean or a null.
        let word = id(v)?;
        let reserved = [
            "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "y", "Y",
            "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
        ];
        if !word.as_bytes()[0].is_ascii_alphabetic() || reserved.contains(&word.as_str()) {
            return None;
        }
        return Some(ComponentsSpec::List(vec![word]));
    }
    let first = lines.peek_significant()?;
    let col = indent(first);
    if first[col..].starts_with("- ") {
        let mut ids = Vec::new();
        while let Some(line) = lines.peek_significant() {
            if indent(line) < col || (indent(line) == col && col == 0 && !line.starts_with("- ")) {
                break;
            }
            let item = line.get(col..)?.strip_prefix("- ")?;
            ids.push(id(item.trim_matches(' '))?);
            lines.next += 1;
        }
        Some(ComponentsSpec::List(ids))
    } else {
        if col == 0 {
            return None;
        }
        let mut pairs: Vec<(String, Severity)> = Vec::new();
        while let Some(line) = lines.peek_significant() {
            if indent(line) < col {
                break;
            }
            let (key, value) = key_value(line, col)?;
            if pairs.iter().any(|(k, _)| k == key) {
                return None;
            }
            let severity = Severity::from_keyword(&keyword(value?)?)?;
            pairs.push((key.to_string(), severity));
            lines.next += 1;
        }
        Some(ComponentsSpec::Map(pairs))
    }
}

/// The block list under `updates:`, each item a mapping of `at`, `status` and `body`.
fn updates(lines: &mut Lines) -> Option<Vec<RawUpdate>> {
    let first = lines.peek_significant()?;
    let col = indent(first);
    let mut updates = Vec::new();
    while let Some(line) = lines.peek_significant() {
        if indent(line) < col || (col == 0 && !line.starts_with("- ")) {
            break;
        }
        let item = line.get(col..)?.strip_prefix("- ")?;
        let key_col = col + 2 + indent(item);
        // The item's first key is on the dash's line; the others below it, aligned.
        let mut update = RawUpdate {
            at: None,
            status: None,
            body: String::new(),
        };
        let mut seen = [false; super::UPDATE_KEYS.len()];
        // The line of the current key, and the key's column in it.
        let mut current = (item.trim_start_matches(' '), 0);
        lines.next += 1;
        loop {
            let (key, value) = key_value(current.0, current.1)?;
            let slot = super::UPDATE_KEYS.iter().position(|k| *k == key)?;
            if std::mem::replace(&mut seen[slot], true) {
                return None;
            }
            match key {
                "at" => update.at = Some(time(value?)?),
                "status" => update.status = Some(UpdateStatus::from_keyword(&keyword(value?)?)?),
                _ => {
                    update.body = match value? {
                        "|" => literal(lines, key_col, true)?,
                        "|-" => literal(lines, key_col, false)?,
                        v => string(v)?,
                    }
                }
            }
            match lines.peek_significant() {
                Some(next) if indent(next) == key_col && !next[key_col..].starts_with("- ") => {
                    current = (next, key_col);
                    lines.next += 1;
                }
                Some(next) if indent(next) > key_col => return None,
                _ => break,
            }
        }
        updates.push(update);
    }
    Some(updates)
}

/// A `|` (`clip`: one final line break) or `|-` block under a key at column `parent`,
/// read from the next line on; its indentation is that of its first non-blank line.
fn literal(lines: &mut Lines, parent: usize, clip: bool) -> Option<String> {
    let start = lines.next;
    let mut n = None;
    let mut leading_blank_width = 0;
    for line in &lines.lines[start..] {
        if line.trim_start_matches(' ').is_empty() {
            leading_blank_width = leading_blank_width.max(line.len());
        } else {
            n = Some(indent(line));
            break;
        }
    }
    let n = n?;
    // An empty block, or blank lines wider than the text: serde_yaml's business.
    if n <= parent || leading_blank_width > n {
        return None;
    }
    let mut out = String::new();
    let mut has_text = false;
    let mut pending_breaks = 0;
    let mut end = start;
    for line in &lines.lines[start..] {
        if line.trim_start_matches(' ').is_empty() {
            if line.len() > n {
                return None;
            }
            pending_breaks += 1;
        } else if indent(line) < n {
            break;
        } else {
            // A line break after the previous line, and one for each blank line between.
            if has_text {
                out.push('\n');
            }
            for _ in 0..pending_breaks {
                out.push('\n');
            }
            pending_breaks = 0;
            has_text = true;
            out.push_str(&line[n..]);
        }
        end += 1;
    }
    // Trailing blank lines are dropped (`clip` and `strip`); `clip` keeps one line break.
    if clip {
        out.push('\n');
    }
    // Blank lines at the end belong to no one: the parent's next line comes after them.
    lines.next = end;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde(text: &str) -> Option<String> {
        crate::load::yaml::from_str::<RawFront>(text, 1)
            .ok()
            .map(|f| format!("{f:?}"))
    }

    fn fast(text: &str) -> Option<String> {
        read(text).map(|f| format!("{f:?}"))
    }

    /// The fast reader either gives up or agrees with serde_yaml.
    fn agree(text: &str) {
        if let Some(f) = fast(text) {
            assert_eq!(Some(f), serde(text), "front matter:\n{text}");
        }
    }

    /// The fast reader reads `text`, as serde_yaml does.
    fn reads(text: &str) {
        assert!(read(text).is_some(), "not read directly:\n{text}");
        agree(text);
    }

    #[test]
    fn the_usual_forms_are_read_directly() {
        reads("title: Panne générale\nstart: 2017-10-28 00:44\nend: 2017-10-28 01:46\nseverity: major-outage\n");
        reads("title: 'L''hébergement'\nstart: \"2017-10-28T00:44:00+02:00\"\nseverity: notice\ncomponents: [web, mail]\n");
        reads("title: T\nstart: 2017-10-28 00:44\ncomponents:\n  - web\n  - dns\nseverity: degraded\n");
        reads("title: T\nstart: 2017-10-28 00:44\ncomponents:\n- web\n- dns\nseverity: degraded\n");
        reads("title: T\nstart: 2017-10-28 00:44\ncomponents:\n  web: major-outage\n  mail: degraded\n");
        reads(
            "title: T\nstart: 2017-10-28 00:44\ncomponents: web\nseverity: notice\ndraft: true\n",
        );
        reads("# a comment\ntitle: T\n\n# another\nstart: 2017-10-28 00:44\n");
    }

    #[test]
    fn updates_with_literal_bodies_are_read_directly() {
        reads(
            "title: T\nstart: 2017-10-28 00:44\nseverity: notice\nupdates:\n  - at: 2017-10-28 01:00\n    status: identified\n    body: |\n      Line one.\n\n      - a list\n        indented more\n\n\n  - at: 2017-10-28 02:00\n    body: |-\n      Kept without a final break.\n  - status: resolved\n    at: 2017-10-28 03:00\n    body: one line\n",
        );
        reads("title: T\nupdates:\n- at: 2017-10-28 01:00\n  body: |\n    # not a comment\n     indented\n# a comment\n- at: 2017-10-28 01:00\n  body: ''\n");
        reads("title: T\nupdates: []\n");
        reads("title: T\nupdates:\n  -   at: 2017-10-28 01:00\n      body: |\n        x\n");
    }

    #[test]
    fn anything_else_is_left_to_serde_yaml() {
        for text in [
            "title: T # comment\n",
            "title: &a T\n",
            "title: !!str T\n",
            "title: \"a\\tb\"\n",
            "title: ~\n",
            "title:\n",
            "title: T\ntitle: U\n",
            "titel: T\n",
            "title: a\n  continued\n",
            "title: a: b\n",
            "severity: outage\n",
            "draft: yes\n",
            "components: [web, [x]]\n",
            "components: 12\n",
            "components: yes\n",
            "updates:\n  - at: 2017-10-28 01:00\n    body: >\n      folded\n",
            "updates:\n  - at: 2017-10-28 01:00\n    body: |+\n      kept\n",
            "updates:\n  - at: 2017-10-28 01:00\n    body: |\n\n        \n      x\n",
            "updates:\n  - at: 2017-10-28 01:00\n    body: |\n    x\n",
            "updates:\n  - at: 2017-10-28 01:00\n      oops: 1\n",
            "title: a\tb\n",
            "title: a\r\n",
            "title: \u{85}\n",
            "start: 2017-10-32 00:00\n",
            "start: tomorrow\n",
        ] {
            assert!(read(text).is_none(), "read directly:\n{text}");
        }
    }

    #[test]
    fn the_line_split_refuses_what_the_character_check_refuses() {
        let chars = [
            'a',
            ' ',
            '~',
            '\n',
            '\t',
            '\r',
            '\u{0}',
            '\u{7f}',
            '\u{80}',
            '\u{85}',
            '\u{9f}',
            '\u{a0}',
            'é',
            '–',
            '\u{2028}',
            '\u{2029}',
            '\u{d7ff}',
            '\u{e000}',
            '\u{feff}',
            '\u{fffd}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{10000}',
            '😀',
        ];
        for a in chars {
            for b in chars {
                // At every place in a block of 32 bytes, and across two blocks.
                for pad in 0..40 {
                    let text = format!("{}{a}y{b}", "x".repeat(pad));
                    let lines = lines_of(&text);
                    assert_eq!(lines.is_some(), text.chars().all(allowed), "{text:?}");
                    if let Some(lines) = lines {
                        assert_eq!(lines, text.split('\n').collect::<Vec<_>>());
                    }
                }
            }
        }
    }

    #[test]
    fn generated_incidents_are_read_directly_and_alike() {
        for k in 0..500 {
            let (path, text) = crate::load::incident::test_gen::incident(500, k);
            let split = super::super::split_front_matter(path.as_ref(), &text).unwrap();
            reads(split.front);
        }
    }

    /// A xorshift generator, with a chooser over `;`-separated pools.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        /// One of the usual values (before `|`), or one time in twelve one of the near
        /// misses (after it).
        fn pick(&mut self, pool: &str) -> String {
            let (good, bad) = pool.split_once('|').unwrap_or((pool, ""));
            let good: Vec<&str> = good.split(';').collect();
            let bad: Vec<&str> = bad.split(';').filter(|b| !b.is_empty()).collect();
            let item = if !bad.is_empty() && self.below(12) == 0 {
                bad[self.below(bad.len())]
            } else {
                good[self.below(good.len())]
            };
            item.replace("\\t", "\t")
        }
    }

    /// Front matter assembled at random from well-formed pieces and near misses: the
    /// fast reader must agree with serde_yaml whenever it reads one (about a quarter have a
    /// near miss in none of their fifteen or so values).
    #[test]
    fn the_fast_reader_agrees_with_serde_yaml_on_structured_front_matter() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let scalars = concat!(
            "Panne;Panne du réseau (Paris);'L''été';\"cité\";a, b;x y;a:b;é;a#b;x - y",
            r#"|[web];~;12;true;a #b;'x' y;"a\b";-x;x:; spaced ;x: y"#
        );
        let times = concat!(
            "2017-10-28 00:44;2017-10-28T00:44:00+02:00;'2017-10-28 00:44';",
            "2017-10-28 00:44:30;2017-10-28T00:44Z|2017-13-01 00:00;soon;2017;~"
        );
        let words = concat!(
            "major-outage;degraded;notice;maintenance;investigating;resolved;completed;",
            "update|Degraded;'notice';outage"
        );
        let ids = "web;mail;dns;web.1;db-2|-web;yes;a b;1;~";
        let body_lines = concat!(
            "Texte.;;  plus indenté;# titre;- point;    code;trailing  ;a: b;'q';",
            r"[lien](https://example.fr)|   ;\ttab;  \t"
        );
        let mut read_directly = 0;
        let cases = 20_000;
        for _ in 0..cases {
            let mut out = String::new();
            let mut keys = super::super::FRONT_KEYS.to_vec();
            for _ in 0..rng.below(4) {
                keys.swap(rng.below(9), rng.below(9));
            }
            keys.truncate(3 + rng.below(7));
            if rng.below(30) == 0 {
                keys.push(["title", "titel", "  title"][rng.below(3)]);
            }
            for key in keys {
                match key {
                    "start" | "end" | "published" => {
                        out += &format!("{key}: {}\n", rng.pick(times));
                    }
                    "severity" => out += &format!("{key}: {}\n", rng.pick(words)),
                    "draft" => out += &format!("draft: {}\n", rng.pick("true;false|yes;'true';~")),
                    "components" => match rng.below(4) {
                        0 => {
                            let list: Vec<String> =
                                (0..rng.below(4)).map(|_| rng.pick(ids)).collect();
                            out += &format!("components: [{}]\n", list.join(", "));
                        }
                        1 => out += &format!("components: {}\n", rng.pick(ids)),
                        2 => {
                            out += "components:\n";
                            let pad = " ".repeat(rng.below(3));
                            for _ in 0..1 + rng.below(3) {
                                out += &format!("{pad}- {}\n", rng.pick(ids));
                            }
                        }
                        _ => {
                            out += "components:\n";
                            let pad = " ".repeat(1 + rng.below(3));
                            for _ in 0..1 + rng.below(3) {
                                out += &format!("{pad}{}: {}\n", rng.pick(ids), rng.pick(words));
                            }
                        }
                    },
                    "updates" => {
                        out += "updates:\n";
                        let pad = " ".repeat(rng.below(3));
                        for _ in 0..rng.below(4) {
                            let dash = format!("{pad}-{}", " ".repeat(1 + rng.below(2)));
                            let key_pad = " ".repeat(dash.len());
                            let mut first = true;
                            let mut ukeys = vec!["at", "status", "body"];
                            ukeys.swap(rng.below(3), rng.below(3));
                            ukeys.truncate(1 + rng.below(3));
                            for ukey in ukeys {
                                out += if first { &dash } else { &key_pad };
                                first = false;
                                match ukey {
                                    "at" => out += &format!("at: {}\n", rng.pick(times)),
                                    "status" => out += &format!("status: {}\n", rng.pick(words)),
                                    _ => match rng.below(5) {
                                        0 => out += &format!("body: {}\n", rng.pick(scalars)),
                                        _ => {
                                            out += &format!(
                                                "body: {}\n",
                                                rng.pick("|;|;|;|-||+;>;|2")
                                            );
                                            let body_pad = format!(
                                                "{key_pad}{}",
                                                " ".repeat(1 + rng.below(3))
                                            );
                                            for _ in 0..1 + rng.below(5) {
                                                let line = rng.pick(body_lines);
                                                if line.is_empty() {
                                                    out += "\n";
                                                } else {
                                                    out += &format!("{body_pad}{line}\n");
                                                }
                                            }
                                            if rng.below(8) == 0 {
                                                out += &format!("{key_pad}# comment\n");
                                            }
                                        }
                                    },
                                }
                            }
                        }
                    }
                    other => {
                        out += &format!("{other}: {}\n", rng.pick(scalars));
                    }
                }
                if rng.below(20) == 0 {
                    out += "# comment\n\n";
                }
            }
            if read(&out).is_some() {
                read_directly += 1;
            }
            agree(&out);
        }
        assert!(
            read_directly * 5 > cases,
            "only {read_directly} of {cases} read directly"
        );
    }

    mod fuzz {
        use proptest::prelude::*;

        /// Pieces of front matter lines, plain and tricky, assembled at random.
        fn scalar() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("Panne".to_string()),
                Just("2017-10-28 00:44".to_string()),
                Just("2017-10-28T00:44:00+02:00".to_string()),
                Just("'2017-10-28 00:44'".to_string()),
                Just("major-outage".to_string()),
                Just("degraded".to_string()),
                Just("resolved".to_string()),
                Just("web".to_string()),
                Just("true".to_string()),
                Just("~".to_string()),
                Just("12".to_string()),
                Just("1e3".to_string()),
                Just("'it''s'".to_string()),
                Just("\"quoted\"".to_string()),
                Just("\"a\\\"b\"".to_string()),
                Just("a: b".to_string()),
                Just("a #b".to_string()),
                Just("a#b".to_string()),
                Just("[web, mail]".to_string()),
                Just("[]".to_string()),
                Just("{a: b}".to_string()),
                Just("- x".to_string()),
                Just("|".to_string()),
                Just("|-".to_string()),
                Just("".to_string()),
                Just("é – ü".to_string()),
                "[a-z0-9 :#'\"\\[\\],-]{0,12}",
            ]
        }

        fn key() -> impl Strategy<Value = String> {
            prop_oneof![
                Just("title"),
                Just("start"),
                Just("end"),
                Just("severity"),
                Just("components"),
                Just("author"),
                Just("published"),
                Just("draft"),
                Just("updates"),
                Just("at"),
                Just("status"),
                Just("body"),
                Just("web"),
                Just("- at"),
                Just("- web"),
                Just("-"),
                Just("#"),
            ]
            .prop_map(str::to_string)
        }

        fn line() -> impl Strategy<Value = String> {
            (0usize..8, key(), scalar(), 0usize..3).prop_map(|(indent, key, value, form)| {
                let pad = " ".repeat(indent);
                match form {
                    0 => format!("{pad}{key}: {value}"),
                    1 => format!("{pad}{key}:"),
                    _ => format!("{pad}{value}"),
                }
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4000))]
            #[test]
            fn the_fast_reader_agrees_with_serde_yaml(lines in proptest::collection::vec(line(), 0..14)) {
                let text = lines.join("\n") + "\n";
                super::agree(&text);
            }
        }
    }
}
