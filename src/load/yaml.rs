//! YAML for `site.yaml` and front matter: serde-saphyr reads the text into typed structs,
//! values that validation may complain about are read as [`At`] (the value and the position
//! the parser reports for it), and every error becomes a [`Diagnostic`] placed where the
//! parser says. Nothing here looks for a key or a value in the text.

use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeOwned, Deserializer, Unexpected, Visitor};
use serde::Deserialize;
use serde_saphyr::granit_parser::{ErrorKind, Event, Parser, ScanError, StructureStyle};
use serde_saphyr::{Error as YamlError, Location, MessageFormatter, UserMessageFormatter};

use crate::error::{did_you_mean, Diagnostic, Span};

/// Separates a message from its hint inside a custom serde error.
pub const HELP_SEP: &str = "\n= help: ";

/// Where the parser read a node: 1-based line and column (in characters) in the YAML text,
/// and the node's length in characters (0 for a blank value or a block collection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

impl Pos {
    /// The position of a parser location; `None` when the parser did not know it.
    fn of(location: &Location) -> Option<Pos> {
        let n = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        (location.line() > 0).then(|| Pos {
            line: n(location.line()),
            column: n(location.column()).max(1),
            len: n(location.span().len()),
        })
    }
}

/// A value and where the parser read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub pos: Pos,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for At<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(At {
            value: spanned.value,
            // Where the value is used: for an alias, the `*name` the reader wrote here.
            pos: Pos::of(&spanned.referenced).unwrap_or_default(),
        })
    }
}

/// Reads a value that may be left blank (`key:` and nothing after it) as `T::default()`,
/// as serde_yaml reads an empty list or mapping; an explicit null (`~`, `null`) stays an
/// error. A blank is the only null the parser reports with a length of 0.
pub fn blank_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    blank_at_default(deserializer).map(|at| at.value)
}

/// [`blank_as_default`], keeping the position.
pub fn blank_at_default<'de, D, T>(deserializer: D) -> Result<At<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    let at = At::<Option<T>>::deserialize(deserializer)?;
    match at.value {
        Some(value) => Ok(At { value, pos: at.pos }),
        None if at.pos.len == 0 => Ok(At {
            value: T::default(),
            pos: at.pos,
        }),
        None => Err(de::Error::invalid_type(
            Unexpected::Unit,
            &"a value, or nothing after the colon",
        )),
    }
}

/// Reads `true` or `false` written plainly (not in quotes), as serde_yaml reads a boolean.
pub fn plain_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("`true` or `false`")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
    }
    deserializer.deserialize_any(V)
}

/// The reader's settings, chosen to accept what serde_yaml accepted: a blank string value
/// is the empty string and `~` its own text, and only `true`/`false` (any case of the
/// first letter, or all capitals) are booleans. Duplicate keys are refused, as YAML says.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        null_as_string: true,
        strict_booleans: true,
        with_snippet: false,
    }
}

/// A YAML text inside a file, for diagnostics.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The file, as shown to the user.
    pub path: &'a Path,
    /// The whole text of the file.
    pub text: &'a str,
    /// How many lines of the file come before the YAML (1 after a front matter fence).
    pub line0: usize,
}

impl Source<'_> {
    /// A diagnostic at `pos` (in the YAML text). The caret underlines the node on its first
    /// line; when the node goes on to the next line, the hint says why.
    pub fn error(&self, pos: Pos, message: impl Into<String>, help: Option<String>) -> Diagnostic {
        if pos.line == 0 {
            // The parser gave no place.
            let mut d = Diagnostic::file(self.path, message);
            d.help = help;
            return d;
        }
        let line = pos.line + self.line0;
        let column = pos.column.max(1);
        let line_len = self
            .text
            .lines()
            .nth(line - 1)
            .map_or(0, |l| l.trim_end_matches('\r').chars().count());
        let room = (line_len + 1).saturating_sub(column);
        let help = if pos.len > room && line_len > 0 {
            let note = format!(
                "line {} is indented, so YAML reads it as the rest of this value",
                line + 1
            );
            Some(match help {
                Some(h) => format!("{note}; {h}"),
                None => note,
            })
        } else {
            help
        };
        let mut d = Diagnostic::at(
            self.path,
            self.text,
            Span::new(line, column, pos.len.min(room).max(1)),
            message,
        );
        d.help = help;
        d
    }
}

/// What a YAML document is called in messages, and the mappings inside it.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// The document: "site.yaml", "the front matter".
    pub document: &'a str,
    /// The keys of the document's top-level mapping, and of each nested kind of mapping with
    /// what to call one ("an update").
    pub mappings: &'a [(&'a [&'a str], &'a str)],
}

impl Names<'_> {
    /// What to call the mapping whose keys are `keys`.
    fn mapping(&self, keys: &[&str]) -> &str {
        self.mappings
            .iter()
            .find(|(k, _)| k.len() == keys.len() && k.iter().all(|k| keys.contains(k)))
            .map_or(self.document, |(_, name)| name)
    }
}

/// Reads `yaml` (the YAML text of `src`) as a `T`, or says what is wrong and where.
pub fn parse<T: DeserializeOwned>(
    src: &Source,
    yaml: &str,
    names: &Names,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str_with_options(yaml, options()).or_else(|e| {
        if let YamlError::Eof { .. } = e.without_snippet() {
            // Nothing to read (blank, or comments only): read as an empty mapping, so that a
            // missing key is named.
            return serde_saphyr::from_str_with_options("{}", options()).map_err(|e| {
                let (message, help) = describe(&e, None, names);
                src.error(Pos::default(), message, help)
            });
        }
        Err(diagnostic(src, yaml, &e, names))
    })
}

/// Reads `yaml` as a `T`, with the error as the reader gives it (for tests that compare
/// readers).
#[cfg(test)]
pub fn read<T: DeserializeOwned>(yaml: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(yaml, options())
}

const SYNTAX_HELP: &str = "this is a YAML syntax error: check the indentation, and put quotes \
    around values that contain `: ` or `#`, or start with `*`, `&`, `[`, `{`, `'` or `\"`";

const FORMAT_HELP: &str = "docs/format.md lists every key and the values it takes";

/// The diagnostic for a failed read of `yaml`.
fn diagnostic(src: &Source, yaml: &str, err: &YamlError, names: &Names) -> Diagnostic {
    // The reader stops at the first value it cannot use; the text may break YAML's syntax
    // further on, which explains more (`[degraded` without its `]` is first a list where a
    // string was expected). Syntax comes first.
    if let Some(d) = syntax_error(src, yaml) {
        return d;
    }
    let mut err = err.without_snippet();
    let mut location = err.location();
    if let YamlError::AliasError {
        error, locations, ..
    } = err
    {
        location = locations.primary_location();
        err = error.without_snippet();
    }
    let Some(pos) = location.as_ref().and_then(Pos::of) else {
        let (message, help) = describe(err, None, names);
        return src.error(Pos::default(), message, help);
    };
    let mut here = Located {
        node: node_at(yaml, pos),
        pos,
    };
    // A value of the wrong type may be reported at its key: point at the value.
    let about_a_value = matches!(
        err,
        YamlError::SerdeInvalidType { .. }
            | YamlError::SerdeInvalidValue { .. }
            | YamlError::InvalidBooleanStrict { .. }
            | YamlError::InvalidScalar { .. }
    );
    if about_a_value {
        if let Some(value) = here.node.as_mut().and_then(|n| n.value.take()) {
            here = *value;
        }
    }
    let (message, help) = describe(err, here.node.as_ref(), names);
    let mut d = src.error(here.pos, message, help);
    if let (Some(n), YamlError::DuplicateMappingKey { .. }) = (&here.node, err) {
        if let Some(first) = n.same_key_line {
            d.help = Some(format!(
                "it is already given on line {}: keep one of the two",
                first + src.line0
            ));
        }
    }
    d
}

/// The message and hint for a reader error, `node` being what the parser read where the
/// error is.
fn describe(err: &YamlError, node: Option<&Node>, names: &Names) -> (String, Option<String>) {
    let subject = || match node {
        Some(n) if !n.path.is_empty() => format!("`{}`", n.path),
        _ => "this value".to_string(),
    };
    let wrong_type = |expected: &str, found: &str| {
        let found = if found.is_empty() {
            String::new()
        } else {
            format!(" (found: {found})")
        };
        (
            format!("{} should be {expected}{found}", subject()),
            Some(FORMAT_HELP.to_string()),
        )
    };
    match err {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => {
            let help = match did_you_mean(field, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known keys: {}", expected.join(", ")),
            };
            (
                format!("unknown key `{field}` in {}", names.mapping(expected)),
                Some(help),
            )
        }
        // Reported at the mapping's first key.
        YamlError::SerdeMissingField { field, .. } => (
            match node {
                Some(n) if !n.path.is_empty() => format!("missing `{field}` in `{}`", n.path),
                _ => format!("missing `{field}` in {}", names.document),
            },
            Some(format!("add a line `{field}: …`")),
        ),
        YamlError::DuplicateMappingKey { key, .. } => (
            match key {
                Some(k) => format!("duplicate key `{k}`"),
                None => "duplicate key".to_string(),
            },
            Some("a key is given once in a mapping: keep one of the two".to_string()),
        ),
        YamlError::Message { msg, .. } => match msg.split_once(HELP_SEP) {
            Some((m, h)) => (m.to_string(), Some(h.to_string())),
            None => (msg.clone(), None),
        },
        YamlError::Unexpected { expected, .. } => {
            let expected = match *expected {
                "string scalar" | "string" | "scalar" => "a string",
                "sequence start" | "seq" => "a sequence",
                "mapping start" | "map" => "a mapping",
                other => other,
            };
            match node {
                Some(n) if n.path.is_empty() && expected == "a mapping" => not_a_mapping(names),
                _ => wrong_type(expected, node.map_or("", |n| n.kind.name())),
            }
        }
        YamlError::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | YamlError::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => match node {
            Some(n) if n.path.is_empty() && expected.starts_with("struct ") => not_a_mapping(names),
            // "unit value" is serde's word for a null.
            _ if unexpected == "unit value" => wrong_type(expected, "null"),
            _ => wrong_type(expected, unexpected),
        },
        YamlError::InvalidBooleanStrict { .. } => wrong_type("`true` or `false`", ""),
        YamlError::InvalidScalar { ty, .. } => {
            let expected = match *ty {
                "floating point" | "f32" | "f64" => "a number",
                "boolean" | "bool" => "`true` or `false`",
                "char" => "a single character",
                _ => "a whole number",
            };
            wrong_type(expected, "")
        }
        other => (
            UserMessageFormatter.format_message(other).into_owned(),
            None,
        ),
    }
}

fn not_a_mapping(names: &Names) -> (String, Option<String>) {
    (
        format!("{} is not a mapping of keys to values", names.document),
        Some("write `key: value` lines, e.g. `title: …`".to_string()),
    )
}

/// The first syntax error in `yaml`, from the parser alone. When a bracket opened on an
/// earlier line is still open where the parser stops, the bracket is the likely mistake: the
/// diagnostic points at it.
fn syntax_error(src: &Source, yaml: &str) -> Option<Diagnostic> {
    // The collections open where the parser is: their bracket (for flow ones) and start.
    let mut open: Vec<(Option<char>, Pos)> = Vec::new();
    for item in Parser::new_from_str(yaml) {
        let (event, span) = match item {
            Ok(ok) => ok,
            Err(e) => return Some(scan_diagnostic(src, &e, open.last().copied())),
        };
        let start = Pos {
            line: span.start.line(),
            column: span.start.col() + 1,
            len: 1,
        };
        match event {
            Event::SequenceStart(style, ..) => {
                open.push(((style == StructureStyle::Flow).then_some('['), start));
            }
            Event::MappingStart(style, ..) => {
                open.push(((style == StructureStyle::Flow).then_some('{'), start));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                open.pop();
            }
            _ => {}
        }
    }
    None
}

fn scan_diagnostic(
    src: &Source,
    e: &ScanError,
    innermost: Option<(Option<char>, Pos)>,
) -> Diagnostic {
    let at = Pos {
        line: e.marker().line(),
        column: e.marker().col() + 1,
        len: 1,
    };
    let problem = e.kind().to_string();
    if let Some((Some(bracket), opened)) = innermost {
        if opened.line < at.line {
            let (close, what) = if bracket == '[' {
                (']', "list")
            } else {
                ('}', "mapping")
            };
            return src.error(
                opened,
                ErrorKind::UnclosedFlowCollection { open: bracket }.to_string(),
                Some(format!(
                    "no `{close}` closes it before line {}, column {}, where the parser stopped \
                     ({problem}); end the {what} with `{close}` on this line",
                    at.line + src.line0,
                    at.column
                )),
            );
        }
    }
    let help = match e.kind() {
        ErrorKind::MappingValueNotAllowed => {
            "check this line's indentation: an indented line continues the value above it, and \
             a value cannot hold `: ` unless it is in quotes"
        }
        _ => SYNTAX_HELP,
    };
    src.error(at, problem, Some(help.to_string()))
}

/// What the parser read at a position, and where it sits in the document.
#[derive(Debug)]
struct Node {
    /// `updates[0].at`; for a mapping key, the mapping's path. Empty for the document.
    path: String,
    kind: Kind,
    /// For a mapping key: the line (in the YAML text) where the same mapping has it first.
    same_key_line: Option<usize>,
    /// For a mapping key: its value.
    value: Option<Box<Located>>,
}

/// A node (when the parser read one there) and its position.
#[derive(Debug)]
struct Located {
    node: Option<Node>,
    pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Sequence,
    Mapping,
    Alias,
}

impl Kind {
    /// What was found, in the words serde uses.
    fn name(self) -> &'static str {
        match self {
            Kind::Sequence => "sequence",
            Kind::Mapping => "map",
            Kind::Scalar | Kind::Alias => "",
        }
    }
}

/// A collection the walk in [`node_at`] is inside.
enum Frame {
    Seq {
        path: String,
        index: usize,
    },
    Map {
        path: String,
        /// Keys read so far, with their line.
        keys: Vec<(String, usize)>,
        /// The key whose value comes next, when the next node is a value.
        key: Option<String>,
    },
}

/// The node the parser starts at `pos`, found by walking the parser's events.
fn node_at(yaml: &str, pos: Pos) -> Option<Node> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut events = Parser::new_from_str(yaml);
    while let Some(item) = events.next() {
        let (event, span) = item.ok()?;
        let kind = match event {
            Event::Scalar(..) => Kind::Scalar,
            Event::Alias(..) => Kind::Alias,
            Event::SequenceStart(..) => Kind::Sequence,
            Event::MappingStart(..) => Kind::Mapping,
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                node_done(&mut stack, None, 0);
                continue;
            }
            _ => continue,
        };
        let is_key = matches!(stack.last(), Some(Frame::Map { key: None, .. }));
        let text = match &event {
            Event::Scalar(text, ..) => Some(text.to_string()),
            _ => None,
        };
        if span.start.line() == pos.line && span.start.col() + 1 == pos.column {
            if !is_key {
                return Some(Node {
                    path: child_path(&stack),
                    kind,
                    same_key_line: None,
                    value: None,
                });
            }
            let same_key_line = match (stack.last(), &text) {
                (Some(Frame::Map { keys, .. }), Some(t)) => {
                    keys.iter().find(|(k, _)| k == t).map(|(_, line)| *line)
                }
                _ => None,
            };
            let path = parent_path(&stack);
            node_done(&mut stack, text, span.start.line());
            // The key's value is the next node the parser reads.
            let value = events.find_map(|item| match item {
                Ok((event, span)) => {
                    let kind = match event {
                        Event::Scalar(..) => Kind::Scalar,
                        Event::Alias(..) => Kind::Alias,
                        Event::SequenceStart(..) => Kind::Sequence,
                        Event::MappingStart(..) => Kind::Mapping,
                        _ => return None,
                    };
                    Some(Some(Located {
                        node: Some(Node {
                            path: child_path(&stack),
                            kind,
                            same_key_line: None,
                            value: None,
                        }),
                        pos: Pos {
                            line: span.start.line(),
                            column: span.start.col() + 1,
                            len: span.len(),
                        },
                    }))
                }
                Err(_) => Some(None),
            });
            return Some(Node {
                path,
                kind,
                same_key_line,
                value: value.flatten().map(Box::new),
            });
        }
        match kind {
            Kind::Sequence => stack.push(Frame::Seq {
                path: child_path(&stack),
                index: 0,
            }),
            Kind::Mapping => stack.push(Frame::Map {
                path: child_path(&stack),
                keys: Vec::new(),
                key: None,
            }),
            Kind::Scalar | Kind::Alias => node_done(&mut stack, text, span.start.line()),
        }
    }
    None
}

/// Moves the walk past a complete node (`text`: its text when it is a scalar).
fn node_done(stack: &mut [Frame], text: Option<String>, line: usize) {
    match stack.last_mut() {
        Some(Frame::Seq { index, .. }) => *index += 1,
        // A key was read: its value comes next.
        Some(Frame::Map {
            keys,
            key: key @ None,
            ..
        }) => {
            let k = text.unwrap_or_default();
            keys.push((k.clone(), line));
            *key = Some(k);
        }
        // A value was read: a key comes next.
        Some(Frame::Map { key, .. }) => *key = None,
        None => {}
    }
}

fn parent_path(stack: &[Frame]) -> String {
    match stack.last() {
        Some(Frame::Seq { path, .. } | Frame::Map { path, .. }) => path.clone(),
        None => String::new(),
    }
}

/// The path of the next node inside the innermost collection.
fn child_path(stack: &[Frame]) -> String {
    match stack.last() {
        Some(Frame::Seq { path, index }) => format!("{path}[{index}]"),
        Some(Frame::Map {
            path, key: Some(k), ..
        }) if path.is_empty() => k.clone(),
        Some(Frame::Map {
            path, key: Some(k), ..
        }) => format!("{path}.{k}"),
        Some(Frame::Map { path, .. }) => path.clone(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Source<'_> {
        Source {
            path: Path::new("f.yaml"),
            text,
            line0: 0,
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: Option<At<String>>,
        list: Option<Vec<At<String>>>,
        #[serde(default, deserialize_with = "blank_as_default")]
        items: Vec<String>,
        #[serde(default, deserialize_with = "plain_bool")]
        flag: bool,
    }

    const NAMES: Names = Names {
        document: "the document",
        mappings: &[],
    };

    fn error(text: &str) -> Diagnostic {
        parse::<Doc>(&src(text), text, &NAMES).unwrap_err()
    }

    #[test]
    fn a_value_carries_the_position_the_parser_reports() {
        let d: Doc = read("title: 'a''b'\nlist: [x, yz]\n").unwrap();
        let title = d.title.unwrap();
        assert_eq!(title.value, "a'b");
        assert_eq!(
            title.pos,
            Pos {
                line: 1,
                column: 8,
                len: 6
            }
        );
        let list = d.list.unwrap();
        assert_eq!(
            list[1].pos,
            Pos {
                line: 2,
                column: 11,
                len: 2
            }
        );
    }

    #[test]
    fn a_blank_is_an_empty_list_but_a_null_is_not() {
        let d: Doc = read("items:\n").unwrap();
        assert!(d.items.is_empty());
        assert!(read::<Doc>("items: ~\n").is_err());
        assert!(read::<Doc>("items: null\n").is_err());
    }

    #[test]
    fn a_boolean_in_quotes_is_not_a_boolean() {
        assert!(read::<Doc>("flag: true\n").unwrap().flag);
        assert!(read::<Doc>("flag: 'true'\n").is_err());
        assert!(read::<Doc>("flag: yes\n").is_err());
    }

    #[test]
    fn a_syntax_error_is_reported_where_the_parser_stops() {
        let d = error("title: a\n  list: b\n");
        assert_eq!(d.message, "mapping values are not allowed in this context");
        assert_eq!(d.span, Span::new(2, 7, 1));
    }

    #[test]
    fn an_unclosed_bracket_is_reported_at_the_bracket() {
        let d = error("title: a\nlist: [x\nflag: true\n");
        assert_eq!(d.message, "unclosed bracket '['");
        assert_eq!(d.span, Span::new(2, 7, 1));
        assert!(d.help.unwrap().contains("line 3, column 5"));
        // At the end of the text, the parser says so itself.
        let d = error("title: a\nlist: [x\n");
        assert_eq!(d.message, "unclosed bracket '['");
        assert_eq!(d.span, Span::new(2, 7, 1));
    }

    #[test]
    fn a_duplicate_key_names_the_line_of_the_first() {
        let d = error("title: a\nflag: true\ntitle: b\n");
        assert_eq!(d.message, "duplicate key `title`");
        assert_eq!(d.span, Span::new(3, 1, 5));
        assert_eq!(
            d.help.as_deref(),
            Some("it is already given on line 1: keep one of the two")
        );
    }

    #[test]
    fn a_wrong_type_names_the_path_of_the_value() {
        let d = error("list: [a, [b]]\n");
        assert_eq!(d.message, "`list[1]` should be a string (found: sequence)");
        assert_eq!(d.span, Span::new(1, 11, 1));
    }

    #[test]
    fn a_value_going_on_to_the_next_line_says_why() {
        let text = "title: a\n  b\nlist: [[x]]\n";
        let d: Doc = read("title: a\n  b\n").unwrap();
        let pos = d.title.unwrap().pos;
        let d = src(text).error(pos, "bad", Some("fix it".into()));
        assert_eq!(d.span, Span::new(1, 8, 1));
        assert_eq!(
            d.help.as_deref(),
            Some("line 2 is indented, so YAML reads it as the rest of this value; fix it")
        );
    }

    #[test]
    fn a_wrong_value_reported_at_its_key_is_pointed_at_the_value() {
        let d = error("title: a\nflag: yes\n");
        assert_eq!(
            d.message,
            "`flag` should be `true` or `false` (found: string \"yes\")"
        );
        assert_eq!(d.span, Span::new(2, 7, 3));
    }

    #[test]
    fn a_blank_document_names_the_missing_key() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Required {
            name: String,
        }
        for text in ["", "\n", "# only a comment\n"] {
            let d = parse::<Required>(&src(text), text, &NAMES).unwrap_err();
            assert_eq!(d.message, "missing `name` in the document");
            assert_eq!(d.span, Span::whole_file());
        }
    }

    #[test]
    fn positions_count_from_the_start_of_the_file() {
        let file = "---\ntitle: a\ntitle: b\n---\n";
        let source = Source {
            path: Path::new("a.md"),
            text: file,
            line0: 1,
        };
        let d = parse::<Doc>(&source, "title: a\ntitle: b\n", &NAMES).unwrap_err();
        assert_eq!(d.span, Span::new(3, 1, 5));
        assert_eq!(
            d.help.as_deref(),
            Some("it is already given on line 2: keep one of the two")
        );
    }
}
