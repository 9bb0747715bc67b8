//! A direct reader for the plain YAML that front matter is almost always written in.
//!
//! At 10,000 incidents, serde_yaml (libyaml's scanner and parser, then serde) took more
//! time than everything else in a build's load. Front matter is a short mapping of known
//! keys: plain or simply quoted scalars, `[a, b]` lists, one level of block lists and
//! mappings, and `|` literal blocks for the updates' bodies. This reader handles exactly
//! that and gives up (`None`) on anything else: comments after a value, anchors, tags,
//! escapes, folded or `|+` blocks, multi-line plain scalars, nulls, duplicate or unknown
//! keys, unknown keywords, tabs, carriage returns, characters YAML does not allow. The
//! caller then reads the text with the YAML reader, which also writes every error message.
//! Whenever it gives a result, that result is the one the YAML reader gives, positions
//! included, and the one serde_yaml gives; the tests below compare the three readers.

use super::{ComponentsSpec, RawFront, RawUpdate};
use crate::load::time::TimeSpec;
use crate::load::yaml::{At, Pos};
use crate::model::{Severity, UpdateStatus};

/// The front matter `text` (between the fences) read directly, or `None` when it holds
/// anything but the plain subset described above.
pub(super) fn read(text: &str) -> Option<RawFront> {
    read_keys(text).map(|(front, _)| front)
}

/// [`read`], and the keys the front matter gives, in its order.
pub(super) fn read_keys(text: &str) -> Option<(RawFront, Vec<&str>)> {
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
            "title" => front.title = Some(value?.read(string)?),
            "author" => front.author = Some(value?.read(string)?),
            "start" => front.start = Some(value?.read(time)?),
            "end" => front.end = Some(value?.read(time)?),
            "published" => front.published = Some(value?.read(time)?),
            "severity" => {
                front.severity = Some(value?.read(|t| Severity::from_keyword(&keyword(t)?))?)
            }
            "draft" => {
                front.draft = match value?.text {
                    "true" | "True" | "TRUE" => true,
                    "false" | "False" | "FALSE" => false,
                    _ => return None,
                }
            }
            "components" => front.components = Some(components(value, &mut lines)?),
            "updates" => {
                front.updates = match value {
                    Some(v) => {
                        let inner = v.text.strip_prefix('[')?.strip_suffix(']')?;
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
    // Comments only: the YAML reader's business.
    (!seen.is_empty()).then_some((front, seen))
}

/// The lines of `text` (split at `\n`), or `None` if a character is not one YAML allows
/// in a document (less tabs and line breaks other than `\n`, left to the YAML reader): one
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
/// `\n` (which this reader leaves to the YAML reader): what [`lines_of`] checks, one
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
    fn peek_significant(&mut self) -> Option<Line<'a>> {
        while let Some(line) = self.lines.get(self.next) {
            let trimmed = line.trim_start_matches(' ');
            if trimmed.is_empty() || trimmed.starts_with('#') {
                self.next += 1;
            } else {
                return Some(Line {
                    text: line,
                    number: self.next + 1,
                });
            }
        }
        None
    }

    fn next_significant(&mut self) -> Option<Line<'a>> {
        let line = self.peek_significant()?;
        self.next += 1;
        Some(line)
    }
}

/// A line and its 1-based number.
#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    number: usize,
}

impl<'a> Line<'a> {
    fn indent(self) -> usize {
        indent(self.text)
    }

    /// The text from byte `at` on, and its position as the YAML reader reports it (the
    /// column in characters).
    fn value(self, at: usize, text: &'a str) -> Value<'a> {
        let column = self.text.get(..at).map_or(0, |p| p.chars().count()) + 1;
        Value {
            text,
            pos: Pos {
                line: self.number,
                column,
                len: text.chars().count(),
            },
        }
    }
}

/// A value as written, and where.
#[derive(Clone, Copy)]
struct Value<'a> {
    text: &'a str,
    pos: Pos,
}

impl Value<'_> {
    /// The value read by `f`, with its position.
    fn read<T>(self, f: impl Fn(&str) -> Option<T>) -> Option<At<T>> {
        Some(At {
            value: f(self.text)?,
            pos: self.pos,
        })
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `key: value` starting at column `col` of `line`, indented by exactly `col`: the key, and
/// the value (`None` when nothing follows the colon: a block follows, or a null). `None`
/// for anything else.
fn key_value<'a>(line: Line<'a>, col: usize) -> Option<(&'a str, Option<Value<'a>>)> {
    if line.indent() != col {
        return None;
    }
    key_value_from(line, col)
}

/// `key: value` from byte `col` of `line` on (after an item's dash, say).
fn key_value_from<'a>(line: Line<'a>, col: usize) -> Option<(&'a str, Option<Value<'a>>)> {
    let rest = line.text.get(col..)?;
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
    let spaced = after.strip_prefix(' ')?;
    let value = spaced.trim_matches(' ');
    if value.is_empty() {
        return Some((key, None));
    }
    let at = col + end + 2 + (spaced.len() - spaced.trim_start_matches(' ').len());
    Some((key, Some(line.value(at, value))))
}

/// The text of a one-line scalar: plain, single-quoted, or double-quoted without escapes.
/// Plain nulls (which the YAML readers read as no value) are refused.
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
fn components(value: Option<Value>, lines: &mut Lines) -> Option<At<ComponentsSpec<At<String>>>> {
    match value {
        Some(v) if v.text.starts_with('[') => flow_list(v),
        Some(v) => single_id(v),
        None => {
            let first = lines.peek_significant()?;
            let col = first.indent();
            if first.text[col..].starts_with("- ") {
                block_list(lines, col)
            } else {
                block_mapping(lines, col)
            }
        }
    }
}

/// `[a, b]`: ids in brackets, on one line.
fn flow_list(v: Value) -> Option<At<ComponentsSpec<At<String>>>> {
    let inner = v.text.strip_prefix('[')?.strip_suffix(']')?;
    // The list is where its `[` is.
    let pos = Pos { len: 1, ..v.pos };
    let mut ids = Vec::new();
    if !inner.trim_matches(' ').is_empty() {
        // Columns of the items: the value is on one line, after its `[`.
        let mut column = v.pos.column + 1;
        for item in inner.split(',') {
            let lead = item.len() - item.trim_start_matches(' ').len();
            let word = item.trim_matches(' ');
            ids.push(At {
                value: id(word)?,
                pos: Pos {
                    line: v.pos.line,
                    column: column + lead,
                    len: word.len(),
                },
            });
            column += item.len() + 1;
        }
    }
    Some(At {
        value: ComponentsSpec::List(ids),
        pos,
    })
}

/// One id, read by serde as any scalar: only a word that YAML cannot take for a number, a
/// boolean or a null.
fn single_id(v: Value) -> Option<At<ComponentsSpec<At<String>>>> {
    let word = id(v.text)?;
    let reserved = [
        "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "y", "Y", "yes",
        "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    ];
    if !word.as_bytes()[0].is_ascii_alphabetic() || reserved.contains(&word.as_str()) {
        return None;
    }
    Some(At {
        value: ComponentsSpec::One(word),
        pos: v.pos,
    })
}

/// The ids of a block list whose dashes are at column `col`, one per line.
fn block_list(lines: &mut Lines, col: usize) -> Option<At<ComponentsSpec<At<String>>>> {
    let mut ids = Vec::new();
    while let Some(line) = lines.peek_significant() {
        let i = line.indent();
        if i < col || (i == col && col == 0 && !line.text.starts_with("- ")) {
            break;
        }
        let item = line.text.get(col..)?.strip_prefix("- ")?;
        let word = item.trim_matches(' ');
        let at = col + 2 + (item.len() - item.trim_start_matches(' ').len());
        ids.push(line.value(at, word).read(id)?);
        lines.next += 1;
    }
    // The parser puts a block list at its first dash, or at its first item when the dashes
    // are at the key's own indentation.
    let first_item = ids.first()?.pos;
    let pos = Pos {
        column: if col == 0 { first_item.column } else { col + 1 },
        len: 0,
        ..first_item
    };
    Some(At {
        value: ComponentsSpec::List(ids),
        pos,
    })
}

/// The `id: severity` lines of a block mapping indented by `col`.
fn block_mapping(lines: &mut Lines, col: usize) -> Option<At<ComponentsSpec<At<String>>>> {
    if col == 0 {
        return None;
    }
    let mut pairs: Vec<(At<String>, Severity)> = Vec::new();
    while let Some(line) = lines.peek_significant() {
        if line.indent() < col {
            break;
        }
        let (key, value) = key_value(line, col)?;
        if pairs.iter().any(|(k, _)| k.value == key) {
            return None;
        }
        let severity = Severity::from_keyword(&keyword(value?.text)?)?;
        pairs.push((
            line.value(col, key).read(|k| Some(k.to_string()))?,
            severity,
        ));
        lines.next += 1;
    }
    // A block mapping is where its first key is.
    let pos = Pos {
        len: 0,
        ..pairs.first()?.0.pos
    };
    Some(At {
        value: ComponentsSpec::Map(pairs),
        pos,
    })
}

/// The block list under `updates:`, each item a mapping of `at`, `status`, `author` and
/// `body`.
fn updates(lines: &mut Lines) -> Option<Vec<RawUpdate>> {
    let first = lines.peek_significant()?;
    let col = first.indent();
    let mut updates = Vec::new();
    while let Some(line) = lines.peek_significant() {
        if line.indent() < col || (col == 0 && !line.text.starts_with("- ")) {
            break;
        }
        let item = line.text.get(col..)?.strip_prefix("- ")?;
        let key_col = col + 2 + indent(item);
        // The item's first key is on the dash's line; the others below it, aligned. The
        // item's mapping is where its first key is.
        let mut update = RawUpdate {
            pos: Pos {
                line: line.number,
                column: key_col + 1,
                len: 0,
            },
            at: None,
            status: None,
            author: None,
            body: String::new(),
        };
        let mut seen = [false; super::UPDATE_KEYS.len()];
        // The line of the current key.
        let mut current = line;
        lines.next += 1;
        loop {
            let (key, value) = key_value_from(current, key_col)?;
            let slot = super::UPDATE_KEYS.iter().position(|k| *k == key)?;
            if std::mem::replace(&mut seen[slot], true) {
                return None;
            }
            match key {
                "at" => update.at = Some(value?.read(time)?),
                "status" => {
                    update.status = Some(UpdateStatus::from_keyword(&keyword(value?.text)?)?)
                }
                "author" => update.author = Some(value?.read(string)?),
                _ => {
                    update.body = match value?.text {
                        "|" => literal(lines, key_col, true)?,
                        "|-" => literal(lines, key_col, false)?,
                        v => string(v)?,
                    }
                }
            }
            match lines.peek_significant() {
                Some(next)
                    if next.indent() == key_col && !next.text[key_col..].starts_with("- ") =>
                {
                    current = next;
                    lines.next += 1;
                }
                Some(next) if next.indent() > key_col => return None,
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
    // An empty block, or blank lines wider than the text: the YAML reader's business.
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

    use serde::Deserialize;

    /// The front matter as serde_yaml reads it: the reference. These are the types vigie
    /// read front matter into before its values carried positions.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RefFront {
        title: Option<String>,
        start: Option<TimeSpec>,
        end: Option<TimeSpec>,
        severity: Option<Severity>,
        components: Option<ComponentsSpec<String>>,
        author: Option<String>,
        published: Option<TimeSpec>,
        #[serde(default)]
        draft: bool,
        #[serde(default)]
        updates: Vec<RefUpdate>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RefUpdate {
        at: Option<TimeSpec>,
        status: Option<UpdateStatus>,
        author: Option<String>,
        #[serde(default)]
        body: String,
    }

    /// `text` read by serde_yaml, as vigie read front matter before.
    fn reference(text: &str) -> Result<RefFront, serde_yaml::Error> {
        if text.trim().is_empty() {
            serde_yaml::from_str("{}")
        } else {
            serde_yaml::from_str(text)
        }
    }

    /// `front` without its positions, to compare with the reference.
    fn plain(front: &RawFront) -> RefFront {
        let value = |a: &Option<At<TimeSpec>>| a.as_ref().map(|a| a.value.clone());
        RefFront {
            title: front.title.as_ref().map(|t| t.value.clone()),
            start: value(&front.start),
            end: value(&front.end),
            severity: front.severity.as_ref().map(|s| s.value),
            components: front.components.as_ref().map(|c| match &c.value {
                ComponentsSpec::List(ids) => {
                    ComponentsSpec::List(ids.iter().map(|i| i.value.clone()).collect())
                }
                ComponentsSpec::Map(pairs) => {
                    ComponentsSpec::Map(pairs.iter().map(|(i, s)| (i.value.clone(), *s)).collect())
                }
                ComponentsSpec::One(id) => ComponentsSpec::One(id.clone()),
            }),
            author: front.author.as_ref().map(|a| a.value.clone()),
            published: value(&front.published),
            draft: front.draft,
            updates: front
                .updates
                .iter()
                .map(|u| RefUpdate {
                    at: value(&u.at),
                    status: u.status,
                    author: u.author.as_ref().map(|a| a.value.clone()),
                    body: u.body.clone(),
                })
                .collect(),
        }
    }

    /// `text` read by the YAML reader vigie falls back on.
    fn slow(text: &str) -> Option<RawFront> {
        crate::load::yaml::read::<RawFront>(text).ok()
    }

    /// The fast reader either gives up or agrees with serde_yaml, and with the YAML reader,
    /// positions included.
    fn agree(text: &str) {
        if let Some(f) = read(text) {
            let reference = reference(text);
            assert!(
                reference.as_ref().is_ok_and(|r| *r == plain(&f)),
                "serde_yaml reads otherwise: {reference:?}\nfront matter:\n{text}"
            );
            assert_eq!(Some(f), slow(text), "front matter:\n{text}");
        }
    }

    /// The fast reader reads `text`, as serde_yaml and the YAML reader do.
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
        reads("title: T\nauthor: sam\nupdates:\n  - at: 2017-10-28 01:00\n    author: lee\n    body: x\n  - author: 'Dana (support)'\n    at: 2017-10-28 02:00\n  - at: 2017-10-28 03:00\n    author: \"Élodie\"\n    status: resolved\n    body: |\n      y\n");
        reads("title: T\nupdates:\n  -   at: 2017-10-28 01:00\n      body: |\n        x\n");
    }

    #[test]
    fn anything_else_is_left_to_the_yaml_reader() {
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
            "updates:\n  - at: 2017-10-28 01:00\n    autor: lee\n",
            "updates:\n  - at: 2017-10-28 01:00\n    author: lee\n    author: sam\n",
            "updates:\n  - at: 2017-10-28 01:00\n    author: ~\n",
            "updates:\n  - at: 2017-10-28 01:00\n    author: lee # on call\n",
            "updates:\n  - at: 2017-10-28 01:00\n    author: \"a\\u0001\"\n",
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

    /// Every front matter of the generated 10,000-incident site (the benchmark's) is read
    /// directly: the build never falls back on the slower YAML reader.
    #[test]
    fn generated_incidents_are_read_directly_and_alike() {
        for k in 0..10_000 {
            let (path, text) = crate::load::incident::test_gen::incident(10_000, k);
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
                            let mut ukeys = vec!["at", "status", "author", "body"];
                            ukeys.swap(rng.below(4), rng.below(4));
                            ukeys.truncate(1 + rng.below(4));
                            for ukey in ukeys {
                                out += if first { &dash } else { &key_pad };
                                first = false;
                                match ukey {
                                    "at" => out += &format!("at: {}\n", rng.pick(times)),
                                    "status" => out += &format!("status: {}\n", rng.pick(words)),
                                    "author" => out += &format!("author: {}\n", rng.pick(scalars)),
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

    /// Valid front matter, mutated as a hurried hand or a stray key does it: vigie accepts
    /// the result exactly when serde_yaml (the reference) accepts it, with the same values,
    /// but for the few places where libyaml departs from YAML 1.2 (`known_difference`);
    /// whenever the fast reader answers, it answers as both other readers do, positions
    /// included; and every diagnostic points inside the file (issue #12). `PROPTEST_CASES`
    /// runs it longer.
    mod mutations {
        use super::{plain, read, reference, RefFront};
        use crate::load::incident::ComponentsSpec;
        use proptest::prelude::*;
        use serde_saphyr::granit_parser::ErrorKind;
        use serde_saphyr::ExternalMessageSource;

        /// Front matter as people write it: the generated site's, and some of every form
        /// the fast reader takes.
        fn seeds() -> &'static [String] {
            static SEEDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
            SEEDS.get_or_init(|| {
            let mut seeds: Vec<String> = (0..40)
                .map(|k| {
                    let (path, text) = crate::load::incident::test_gen::incident(500, k * 12);
                    let split = super::super::super::split_front_matter(path.as_ref(), &text)
                        .expect("generated incidents have front matter");
                    split.front.to_string()
                })
                .collect();
            seeds.extend(
                [
                    "title: Panne générale\nstart: 2017-10-28 00:44\nend: 2017-10-28 01:46\nseverity: major-outage\ncomponents: [web, mail]\n",
                    "title: 'L''hébergement'\nstart: \"2017-10-28T00:44:00+02:00\"\nseverity: notice\ndraft: true\nauthor: Alice\n",
                    "# a comment\ntitle: T\nstart: 2017-10-28 00:44\ncomponents:\n  - web\n  - dns\nseverity: degraded\n",
                    "title: T\nstart: 2017-10-28 00:44\ncomponents:\n  web: major-outage\n  mail: degraded\npublished: 2017-10-28 02:00\n",
                    "title: T\nstart: 2017-10-28 00:44\ncomponents: web\nseverity: notice\nupdates:\n  - at: 2017-10-28 01:00\n    status: identified\n    body: |\n      Line one.\n\n      - a list\n  - at: 2017-10-28 02:00\n    status: resolved\n    body: Fini.\n",
                    "title: T\nseverity: maintenance\nstart: 2017-10-28 00:44\nupdates:\n- at: 2017-10-28 01:00\n  body: |-\n    # not a comment\n     indented\n",
                    "title: T\nstart: 2017-10-28 00:44\nseverity: degraded\nauthor: sam\nupdates:\n  - at: 2017-10-28 01:00\n    author: lee\n    body: Fixed.\n  - at: 2017-10-28 02:00\n    status: resolved\n    author: 'Dana, support'\n",
                ]
                .map(String::from),
            );
            seeds
            })
        }

        /// One edit, at a place given as a number reduced modulo the text's length.
        #[derive(Debug, Clone)]
        enum Edit {
            DeleteChar(usize),
            InsertChar(usize, char),
            DuplicateChar(usize),
            DeleteLine(usize),
            DuplicateLine(usize),
            SwapLines(usize),
            Indent(usize, usize),
            Unindent(usize),
        }

        /// Edits, and characters to insert: YAML's indicators, blanks, and some others. Tags
        /// and anchors (`!`, `&`) are left out: serde_yaml and the YAML reader resolve an
        /// empty tagged value, or an anchor's name, each their own way, and nobody writes
        /// them in front matter.
        fn edit() -> impl Strategy<Value = Edit> {
            let place = any::<usize>();
            let char = prop::sample::select(vec![
                ':', '[', ']', '{', '}', '#', '\'', '"', '\t', ' ', '-', ',', '\n', '|', '>', '~',
                '?', '*', '%', '@', '`', '\\', 'a', '0', 'é',
            ]);
            prop_oneof![
                place.prop_map(Edit::DeleteChar),
                (place, char).prop_map(|(p, c)| Edit::InsertChar(p, c)),
                place.prop_map(Edit::DuplicateChar),
                place.prop_map(Edit::DeleteLine),
                place.prop_map(Edit::DuplicateLine),
                place.prop_map(Edit::SwapLines),
                (place, 1usize..4).prop_map(|(p, n)| Edit::Indent(p, n)),
                place.prop_map(Edit::Unindent),
            ]
        }

        fn apply(text: &str, edit: &Edit) -> String {
            let chars: Vec<char> = text.chars().collect();
            let mut lines: Vec<String> = text.split('\n').map(String::from).collect();
            let at = |p: usize, n: usize| if n == 0 { 0 } else { p % n };
            match *edit {
                Edit::DeleteChar(p) if !chars.is_empty() => {
                    let mut c = chars;
                    c.remove(at(p, c.len()));
                    return c.into_iter().collect();
                }
                Edit::InsertChar(p, ch) => {
                    let mut c = chars;
                    c.insert(at(p, c.len() + 1), ch);
                    return c.into_iter().collect();
                }
                Edit::DuplicateChar(p) if !chars.is_empty() => {
                    let mut c = chars;
                    let i = at(p, c.len());
                    c.insert(i, c[i]);
                    return c.into_iter().collect();
                }
                Edit::DeleteLine(p) => {
                    lines.remove(at(p, lines.len()));
                }
                Edit::DuplicateLine(p) => {
                    let i = at(p, lines.len());
                    lines.insert(i, lines[i].clone());
                }
                Edit::SwapLines(p) if lines.len() > 1 => {
                    let i = at(p, lines.len() - 1);
                    lines.swap(i, i + 1);
                }
                Edit::Indent(p, n) => {
                    let i = at(p, lines.len());
                    lines[i].insert_str(0, &" ".repeat(n));
                }
                Edit::Unindent(p) => {
                    let i = at(p, lines.len());
                    if lines[i].starts_with(' ') {
                        lines[i].remove(0);
                    }
                }
                _ => {}
            }
            lines.join("\n")
        }

        /// Whether the components are a mapping with a key given twice.
        fn duplicate_component(r: &RefFront) -> bool {
            match &r.components {
                Some(ComponentsSpec::Map(pairs)) => pairs
                    .iter()
                    .enumerate()
                    .any(|(i, (id, _))| pairs[..i].iter().any(|(other, _)| other == id)),
                _ => false,
            }
        }

        /// The kind of a syntax error from the YAML reader.
        fn scan_error(e: &serde_saphyr::Error) -> Option<&ErrorKind> {
            match e.without_snippet() {
                serde_saphyr::Error::ExternalMessage { source, .. } => match source.as_ref() {
                    ExternalMessageSource::Parser(scan) => Some(scan.kind()),
                    _ => None,
                },
                _ => None,
            }
        }

        /// The character at serde_yaml's error, and the one after it.
        fn at_reference_error(text: &str, e: &serde_yaml::Error) -> (Option<char>, Option<char>) {
            let Some(loc) = e.location() else {
                return (None, None);
            };
            let line = text
                .split('\n')
                .nth(loc.line().wrapping_sub(1))
                .unwrap_or("");
            let mut chars = line.chars().skip(loc.column().wrapping_sub(1));
            (chars.next(), chars.next())
        }

        /// The differences allowed, each where libyaml (inside serde_yaml) departs from
        /// YAML 1.2 and vigie's reader follows it:
        /// - a key given twice in the mapping of `components`: serde_yaml does not look;
        ///   YAML forbids it, and vigie refuses it;
        /// - a `#` right after a token (`[web]#`, `|#`): libyaml reads a comment, YAML wants
        ///   a blank before it;
        /// - a tab where YAML allows one as a blank (`- \tweb`, a line holding only a tab, a
        ///   tab after a literal block's indentation): libyaml refuses it;
        /// - `?` or `:` and a non-blank starting a plain value in brackets (`[?web]`,
        ///   `[:web]`): libyaml takes them for indicators.
        fn known_difference(
            text: &str,
            reference: &Result<RefFront, serde_yaml::Error>,
            vigie: &Result<RefFront, &serde_saphyr::Error>,
        ) -> bool {
            match (reference, vigie) {
                (Ok(r), Err(serde_saphyr::Error::DuplicateMappingKey { .. })) => {
                    duplicate_component(r)
                }
                (Ok(_), Err(e)) => scan_error(e) == Some(&ErrorKind::CommentNotSeparated),
                (Err(e), Ok(_)) => match at_reference_error(text, e) {
                    (Some('\t'), _) => true,
                    (Some('?' | ':'), Some(next)) => !next.is_whitespace(),
                    _ => false,
                },
                _ => false,
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000),
                ..ProptestConfig::default()
            })]

            #[test]
            fn vigie_accepts_mutated_front_matter_exactly_when_serde_yaml_does(
                seed in any::<prop::sample::Index>(),
                edits in prop::collection::vec(edit(), 1..4),
            ) {
                let mut edited = seed.get(seeds()).clone();
                for e in &edits {
                    edited = apply(&edited, e);
                }
                // What vigie reads of it in a file: the front matter ends with a line break,
                // and at the first line that is a fence.
                if !edited.ends_with('\n') {
                    edited.push('\n');
                }
                let file = format!("---\n{edited}---\n");
                let split = super::super::super::split_front_matter("f.md".as_ref(), &file);
                let text = split.map_or(edited.as_str(), |s| s.front);
                let reference = reference(text);
                let fast = read(text);
                let slow = crate::load::yaml::read::<super::super::RawFront>(text);
                // What vigie reads: the fast reader's answer, or else the YAML reader's.
                let vigie = match (&fast, &slow) {
                    (Some(f), _) | (None, Ok(f)) => Ok(plain(f)),
                    (None, Err(e)) => Err(e),
                };
                match (&reference, &vigie) {
                    (Ok(r), Ok(v)) => prop_assert_eq!(r, v, "front matter:\n{}", text),
                    (Err(_), Err(_)) => {}
                    _ => prop_assert!(
                        known_difference(text, &reference, &vigie),
                        "serde_yaml: {:?}\nvigie: {:?}\nfront matter:\n{}", reference, vigie, text
                    ),
                }
                if let Some(f) = &fast {
                    prop_assert_eq!(Some(f), slow.as_ref().ok(), "front matter:\n{}", text);
                }
                // Every diagnostic points inside the file, on a line it shows.
                let config = super::super::super::tests::config();
                let path = std::path::Path::new("f.md");
                if let Err(diagnostics) = super::super::super::parse(path, "f", &file, &config) {
                    for d in diagnostics {
                        let _ = d.render(false);
                        if d.span.line > 0 {
                            let line = file.lines().nth(d.span.line - 1);
                            prop_assert!(line.is_some(), "{:?} in\n{}", d, file);
                            let width = line.map_or(0, |l| l.chars().count());
                            prop_assert!(d.span.column + d.span.len <= width + 2, "{:?} in\n{}", d, file);
                        }
                    }
                }
            }
        }
    }
}
