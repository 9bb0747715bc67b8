//! What the texts of the input may hold. Titles, names and the other texts go into HTML
//! pages and XML feeds as they are, so a character that HTML or XML 1.0 forbids is refused
//! here, where its position is known; a title, shown on one line, also may not hold a line
//! break. YAML writes such characters only through escapes in double quotes (`"\x01"`,
//! `"a\u0007b"`) or, for the noncharacters, as they are.

use crate::error::Diagnostic;
use crate::load::yaml::{At, Source};

/// Whether HTML or XML 1.0 forbids `c` in a document (the Nu HTML Checker's "forbidden code
/// point"): the controls but tab, line feed and carriage return (C0, form feed included,
/// which HTML allows and XML does not; then U+007F to U+009F), and the noncharacters (U+FDD0
/// to U+FDEF and the last two code points of every plane). Lone surrogates cannot occur in
/// a `str`. Sanitized Markdown drops these characters; other texts are refused.
#[inline]
pub fn is_forbidden(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0B' | '\x0C' | '\x0E'..='\x1F' | '\x7F'..='\u{9F}')
        || matches!(c, '\u{FDD0}'..='\u{FDEF}')
        || u32::from(c) & 0xFFFE == 0xFFFE
}

/// Whether a text is shown on one line (a title), or may have several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// Why a text cannot be shown as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// It holds this character, which HTML or XML forbids.
    Forbidden(char),
    /// A one-line text (a title) holds a line break.
    LineBreak,
}

/// What is wrong with `text` when shown as `lines` allows, or `None` when it may be shown as
/// it is. Line breaks around a one-line text are blanks like any other.
pub fn problem(text: &str, lines: Lines) -> Option<Problem> {
    if let Some(c) = text.chars().find(|&c| is_forbidden(c)) {
        return Some(Problem::Forbidden(c));
    }
    (lines == Lines::One && text.trim().contains(['\n', '\r'])).then_some(Problem::LineBreak)
}

impl Problem {
    /// What is wrong with the text `subject` names: "`title` contains the control character
    /// U+0001".
    pub fn message(self, subject: &str) -> String {
        match self {
            Problem::Forbidden(c) => {
                let what = if c.is_control() {
                    "the control character"
                } else {
                    "the noncharacter"
                };
                format!("{subject} contains {what} U+{:04X}", u32::from(c))
            }
            Problem::LineBreak => format!("{subject} contains a line break"),
        }
    }

    /// What to do about it in a YAML file.
    pub fn help(self) -> String {
        match self {
            Problem::Forbidden(c) => {
                let code = u32::from(c);
                let escape = if code > 0xFFFF {
                    format!("\\U{code:08X}")
                } else {
                    format!("\\u{code:04X}")
                };
                format!(
                    "HTML and XML forbid it, so pages and feeds cannot show it: remove it, or \
                     the escape that writes it in double quotes (such as `{escape}`)"
                )
            }
            Problem::LineBreak => "a title is shown on one line: write it without `\\n` in \
                 double quotes, and not as a `|` block"
                .to_string(),
        }
    }
}

/// Checks `shown`, what the pages show of `value` (the value of `key`: all of it, or the
/// text trimmed), and adds an error at the value when it holds what it may not.
pub fn check(
    src: &Source,
    key: &str,
    value: &At<String>,
    shown: &str,
    lines: Lines,
    errors: &mut Vec<Diagnostic>,
) {
    if let Some(p) = problem(shown, lines) {
        let subject = format!("`{key}`");
        errors.push(src.error(value.pos, p.message(&subject), Some(p.help())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forbidden_characters_are_those_html_and_xml_forbid() {
        for c in [
            '\0', '\x01', '\x07', '\x08', '\x0B', '\x0C', '\x1F', '\x7F', '\u{85}', '\u{9F}',
        ] {
            assert!(is_forbidden(c), "{:?}", c);
        }
        for c in [
            '\u{FDD0}',
            '\u{FDEF}',
            '\u{FFFE}',
            '\u{FFFF}',
            '\u{1FFFE}',
            '\u{10FFFF}',
        ] {
            assert!(is_forbidden(c), "{:?}", c);
        }
        for c in [
            '\t', '\n', '\r', ' ', '~', '\u{A0}', 'é', '«', '\u{2028}', '\u{FDCF}',
        ] {
            assert!(!is_forbidden(c), "{:?}", c);
        }
        for c in [
            '\u{FDF0}',
            '\u{FEFF}',
            '\u{FFFD}',
            '\u{10000}',
            '\u{1F600}',
            '\u{10FFFD}',
        ] {
            assert!(!is_forbidden(c), "{:?}", c);
        }
    }

    #[test]
    fn a_control_character_is_named_with_the_escape_that_writes_it() {
        let p = problem("a\u{7}b", Lines::Many).unwrap();
        assert_eq!(p, Problem::Forbidden('\u{7}'));
        assert_eq!(
            p.message("`title`"),
            "`title` contains the control character U+0007"
        );
        assert!(p.help().ends_with("(such as `\\u0007`)"));
        let p = problem("\u{10FFFF}", Lines::One).unwrap();
        assert_eq!(
            p.message("`name`"),
            "`name` contains the noncharacter U+10FFFF"
        );
        assert!(p.help().ends_with("(such as `\\U0010FFFF`)"));
    }

    #[test]
    fn only_one_line_texts_refuse_line_breaks() {
        assert_eq!(problem("a\nb\r\nc\td", Lines::Many), None);
        assert_eq!(problem("a\nb", Lines::One), Some(Problem::LineBreak));
        assert_eq!(problem("a\rb", Lines::One), Some(Problem::LineBreak));
        assert_eq!(problem("Panne\n", Lines::One), None);
        assert_eq!(problem("Panne « réseau »\t", Lines::One), None);
    }
}
