//! YAML helpers shared by `site.yaml` and front matter: deserializing, turning serde_yaml's
//! errors into diagnostics that read well, and finding where a key or value sits so that
//! semantic errors (found after parsing) can still point at a line and column.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{did_you_mean, Diagnostic, Span};

/// Separates a message from its hint inside a custom serde error.
pub const HELP_SEP: &str = "\n= help: ";

/// Deserializes `text`. Empty input is read as an empty mapping so that missing keys are
/// reported by name rather than as "EOF".
pub fn from_str<T: DeserializeOwned>(
    text: &str,
    _line_offset: usize,
) -> Result<T, serde_yaml::Error> {
    if text.trim().is_empty() {
        serde_yaml::from_str("{}")
    } else {
        serde_yaml::from_str(text)
    }
}

/// A diagnostic for a serde_yaml error in `yaml` (a slice of `file_text` starting on line
/// `line_offset + 1` of the file). `keys` lists the keys of the mapping, for suggestions;
/// `what` names the mapping ("site.yaml", "the front matter").
pub fn diagnostic_at(
    path: &Path,
    file_text: &str,
    line_offset: usize,
    err: &serde_yaml::Error,
    keys: &[&str],
    what: &str,
) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C" (and sometimes more); the span says that.
    let message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let (message, help) = match message.split_once(HELP_SEP) {
        // serde_yaml puts the path of the value before custom messages ("updates[0].at: ");
        // the line and column say where it is.
        Some((m, h)) => (strip_path(m).to_string(), Some(h.to_string())),
        None => (message, None),
    };
    // Errors raised by our own Deserialize impls (they carry a hint) are placed at the
    // start of the document by serde_yaml: find the value they quote instead.
    let quoted = || {
        between(&message, "`", "`").and_then(|token| find_anywhere(file_text, line_offset, token))
    };
    let mut span = match err.location() {
        Some(_) if help.is_some() => quoted().unwrap_or(Span::new(line_offset + 1, 1, 1)),
        Some(loc) => Span::new(loc.line() + line_offset, loc.column(), 1),
        None => quoted().unwrap_or(Span::new(line_offset + 1, 1, 1)),
    };
    let (message, help) = if let Some(field) = between(&message, "unknown field `", "`") {
        span.len = field.chars().count();
        let help = match did_you_mean(field, keys.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("known keys: {}", keys.join(", ")),
        };
        (format!("unknown key `{field}` in {what}"), Some(help))
    } else if let Some(field) = between(&message, "missing field `", "`") {
        (
            format!("missing `{field}` in {what}"),
            Some(format!("add a line `{field}: …`")),
        )
    } else if message.starts_with("invalid type") && message.contains("expected struct") {
        (
            format!("{what} is not a mapping of keys to values"),
            Some("write `key: value` lines, e.g. `title: …`".to_string()),
        )
    } else if let Some(variant) = between(&message, "unknown variant `", "`") {
        span.len = variant.chars().count();
        (
            format!("unknown value `{variant}`"),
            help.or_else(|| message.split_once(", ").map(|(_, e)| e.to_string())),
        )
    } else if let Some((found, expected)) = type_mismatch(&message) {
        let what = match message.split_once(": invalid type") {
            Some((path, _)) => format!("`{path}`"),
            None => "this value".to_string(),
        };
        (
            format!("{what} should be {expected} (found: {found})"),
            Some("docs/format.md lists every key and the values it takes".to_string()),
        )
    } else if help.is_none() && err.location().is_some() {
        (
            message,
            Some(
                "this is a YAML syntax error: check the indentation, and put quotes around values \
                 that contain `: ` or `#`, or start with `*`, `&`, `[`, `{`, `'` or `\"`"
                    .to_string(),
            ),
        )
    } else {
        (message, help)
    };
    if span.len <= 1 {
        span.len = token_len(file_text, span);
    }
    let mut d = Diagnostic::at(path, file_text, span, message);
    d.help = help;
    d
}

/// [`diagnostic_at`] for a whole-file YAML document.
pub fn diagnostic(
    path: &Path,
    text: &str,
    err: &serde_yaml::Error,
    keys: &[&str],
    what: &str,
) -> Diagnostic {
    diagnostic_at(path, text, 0, err, keys, what)
}

/// The first place `token` stands as a whole word, from line `from_line` (0-based) on.
fn find_anywhere(text: &str, from_line: usize, token: &str) -> Option<Span> {
    text.lines()
        .enumerate()
        .skip(from_line)
        .find_map(|(i, line)| {
            let col = find_token(line, 0, token)?;
            Some(Span::new(
                i + 1,
                line[..col].chars().count() + 1,
                token.chars().count(),
            ))
        })
}

/// Length of the token starting at `span` (up to a space, comma, colon or bracket).
fn token_len(text: &str, span: Span) -> usize {
    let Some(line) = text.lines().nth(span.line.saturating_sub(1)) else {
        return 1;
    };
    let rest: String = line.chars().skip(span.column.saturating_sub(1)).collect();
    let n = rest
        .chars()
        .take_while(|c| !matches!(c, ' ' | ',' | ':' | ']' | '}' | '[' | '{'))
        .count();
    n.max(1)
}

/// `(found, expected)` of serde's "invalid type: X, expected Y".
fn type_mismatch(message: &str) -> Option<(String, String)> {
    let rest = &message[message.find("invalid type: ")? + "invalid type: ".len()..];
    let (found, expected) = rest.split_once(", expected ")?;
    Some((found.to_string(), expected.to_string()))
}

/// `message` without a leading serde path such as `start: ` or `updates[0].status: `.
fn strip_path(message: &str) -> &str {
    match message.split_once(": ") {
        Some((path, rest))
            if !path.is_empty()
                && path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c)) =>
        {
            rest
        }
        _ => message,
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// Where `key:` sits in `text`, searching from line `from_line` (0-based); the span covers
/// the key. Falls back to the first searched line.
pub fn locate_key(text: &str, from_line: usize, key: &str) -> Span {
    for (i, line) in text.lines().enumerate().skip(from_line) {
        if let Some(col) = key_column(line, key) {
            return Span::new(i + 1, col + 1, key.chars().count());
        }
    }
    Span::new(from_line + 1, 1, 1)
}

/// Where `value` sits as the value of `key`, or as an item under it (block or flow
/// list, or nested mapping), searching from line `from_line` (0-based).
pub fn locate_value(text: &str, from_line: usize, key: &str, value: &str) -> Span {
    locate_nth_value(text, from_line, key, value, 0)
}

/// Like [`locate_value`], for the `n`th (0-based) occurrence.
pub fn locate_nth_value(text: &str, from_line: usize, key: &str, value: &str, n: usize) -> Span {
    let mut seen = 0;
    let mut in_key = false;
    let mut key_indent = 0;
    for (i, line) in text.lines().enumerate().skip(from_line) {
        let indent = line.len() - line.trim_start_matches([' ', '-']).len();
        let search_from = if let Some(col) = key_column(line, key) {
            in_key = true;
            key_indent = col;
            col + key.len() + 1
        } else if in_key
            && (line.trim().is_empty() || indent > key_indent || line.trim_start().starts_with('-'))
        {
            if !line.trim().is_empty()
                && indent <= key_indent
                && !line.trim_start().starts_with('-')
            {
                in_key = false;
                continue;
            }
            0
        } else {
            in_key = false;
            continue;
        };
        if let Some(col) = find_token(line, search_from, value) {
            if seen == n {
                let chars = line[..col].chars().count();
                return Span::new(i + 1, chars + 1, value.chars().count().max(1));
            }
            seen += 1;
        }
    }
    locate_key(text, from_line, key)
}

/// Byte column of `key:` on `line`, when the line declares that key.
fn key_column(line: &str, key: &str) -> Option<usize> {
    let trimmed = line.trim_start_matches([' ', '-', '\t']);
    let col = line.len() - trimmed.len();
    let rest = trimmed.strip_prefix(key)?;
    let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
    rest.starts_with(':').then_some(col)
}

/// Byte offset of `token` on `line` at or after `from`, not inside a longer word.
fn find_token(line: &str, from: usize, token: &str) -> Option<usize> {
    if token.is_empty() {
        return None;
    }
    let mut start = from.min(line.len());
    while let Some(pos) = line.get(start..)?.find(token) {
        let at = start + pos;
        let before = line[..at].chars().next_back();
        let after = line[at + token.len()..].chars().next();
        let is_word =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !is_word(before) && !is_word(after) {
            return Some(at);
        }
        start = at + token.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_found_in_a_flow_list() {
        let t = "title: x\ncomponents: [web, dsn]\n";
        assert_eq!(locate_value(t, 0, "components", "dsn"), Span::new(2, 19, 3));
    }

    #[test]
    fn a_value_is_found_in_a_block_list_under_its_key() {
        let t = "components:\n  - web\n  - dsn\nother: dsn\n";
        assert_eq!(locate_value(t, 0, "components", "dsn"), Span::new(3, 5, 3));
    }

    #[test]
    fn a_value_is_found_as_a_mapping_key() {
        let t = "components:\n  web: degraded\n  dsn: major-outage\n";
        assert_eq!(locate_value(t, 0, "components", "dsn"), Span::new(3, 3, 3));
    }

    #[test]
    fn a_word_inside_a_longer_word_is_not_matched() {
        let t = "components: [webmail, web]\n";
        assert_eq!(locate_value(t, 0, "components", "web"), Span::new(1, 23, 3));
    }

    #[test]
    fn the_second_occurrence_can_be_found() {
        let t = "- id: web\n- id: web\n";
        assert_eq!(locate_nth_value(t, 0, "id", "web", 1), Span::new(2, 7, 3));
    }
}
