//! Error types and the one diagnostic printer.
//!
//! Content problems are [`Diagnostic`]s: a path, a 1-based line and column counted from
//! the start of the whole file, a span length, what is wrong and a hint. A diagnostic is an
//! error (the run fails) or a warning (it goes on, and the exit status stays the same),
//! according to the list it is in. A run collects every diagnostic and prints them
//! together with [`print_error`] or [`print_warnings`]; nothing else prints them.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Where in a file a diagnostic points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Length of the underlined text, in characters (at least 1 when shown).
    pub len: usize,
}

impl Span {
    /// A span at `line`, `column` underlining `len` characters.
    pub fn new(line: usize, column: usize, len: usize) -> Span {
        Span { line, column, len }
    }

    /// A span for the whole file: no line is shown.
    pub fn whole_file() -> Span {
        Span::default()
    }
}

/// How serious a diagnostic is: told by the list it is in (an error's, or the warnings of
/// a run), not kept in it, so that a diagnostic stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The input cannot be built as it is.
    Error,
    /// The input builds, but probably says something its author did not mean.
    Warning,
}

impl Level {
    /// The word the printer shows: `error`, `warning`.
    pub fn word(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// One problem found in the input, ready to be shown to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user would name it (relative to the site root when inside it).
    pub path: PathBuf,
    pub span: Span,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The text of the line `span.line` points at, when known.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A diagnostic about a whole file.
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            path: path.into(),
            span: Span::whole_file(),
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    /// A diagnostic at `span` of `text`, the whole content of the file at `path`.
    pub fn at(
        path: impl Into<PathBuf>,
        text: &str,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        let source_line = (span.line > 0)
            .then(|| text.lines().nth(span.line - 1))
            .flatten()
            .map(|l| l.trim_end_matches('\r').to_string());
        Diagnostic {
            path: path.into(),
            span,
            message: message.into(),
            help: None,
            source_line,
        }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// `path:line:column`, or just the path for a whole-file diagnostic.
    pub fn location(&self) -> String {
        if self.span.line == 0 {
            self.path.display().to_string()
        } else {
            format!(
                "{}:{}:{}",
                self.path.display(),
                self.span.line,
                self.span.column.max(1)
            )
        }
    }

    /// The diagnostic as an error, in colour when `color` is set.
    pub fn render(&self, color: bool) -> String {
        self.render_as(Level::Error, color)
    }

    /// The diagnostic as text at `level`, in colour when `color` is set.
    pub fn render_as(&self, level: Level, color: bool) -> String {
        let (red, blue, bold, reset) = if !color {
            ("", "", "", "")
        } else if level == Level::Warning {
            ("\x1b[1;33m", "\x1b[1;34m", "\x1b[1m", "\x1b[0m")
        } else {
            ("\x1b[1;31m", "\x1b[1;34m", "\x1b[1m", "\x1b[0m")
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{bold}{}{reset}: {red}{}{reset}: {bold}{}{reset}",
            self.location(),
            level.word(),
            self.message
        );
        if let Some(line) = &self.source_line {
            let number = self.span.line.to_string();
            let pad = " ".repeat(number.len());
            let line = line.replace('\t', " ");
            let _ = writeln!(out, "{blue}{pad} |{reset}");
            let _ = writeln!(out, "{blue}{number} |{reset} {line}");
            let before = " ".repeat(self.span.column.saturating_sub(1));
            let carets = "^".repeat(self.span.len.max(1));
            let _ = writeln!(out, "{blue}{pad} |{reset} {before}{red}{carets}{reset}");
            if let Some(help) = &self.help {
                let _ = writeln!(out, "{blue}{pad} ={reset} {bold}help{reset}: {help}");
            }
        } else if let Some(help) = &self.help {
            let _ = writeln!(out, "  = {bold}help{reset}: {help}");
        }
        out
    }
}

/// Everything that can stop a command.
#[derive(Debug)]
pub enum Error {
    /// The site's content has errors; all of them are here.
    Content(Vec<Diagnostic>),
    /// Reading or writing a file failed outside of content parsing.
    Io { path: PathBuf, source: io::Error },
    /// The command line asks for something that cannot be done (exit status 2).
    Usage(String),
    /// A precondition on the output or environment is not met (exit status 1).
    Refused(String),
    /// A template failed to render (a bug in a theme).
    Render(String),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The process exit status for this error: 1 for a site with errors or a refused
    /// action, 2 for bad usage.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Content(d) => write!(f, "{}", summary(d)),
            Error::Io { path, source } => write!(f, "`{}`: {source}", path.display()),
            Error::Usage(m) | Error::Refused(m) => f.write_str(m),
            Error::Render(m) => write!(f, "a template failed to render: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// The closing count of errors: "3 errors in 2 files".
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    summary_as(Level::Error, diagnostics)
}

/// The closing count of diagnostics at `level`: "1 warning in 1 file".
pub fn summary_as(level: Level, diagnostics: &[Diagnostic]) -> String {
    let mut files: Vec<&Path> = diagnostics.iter().map(|d| d.path.as_path()).collect();
    files.sort();
    files.dedup();
    let e = diagnostics.len();
    let f = files.len();
    let word = level.word();
    format!(
        "{e} {word}{} in {f} file{}",
        if e == 1 { "" } else { "s" },
        if f == 1 { "" } else { "s" }
    )
}

/// Whether standard error is a terminal that wants colour.
pub fn stderr_wants_color() -> bool {
    std::env::var_os("NO_COLOR").is_none()
        && io::stderr().is_terminal()
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// Prints an error to standard error: every diagnostic, then the count.
pub fn print_error(error: &Error) {
    let color = stderr_wants_color();
    let mut err = io::stderr().lock();
    match error {
        Error::Content(diagnostics) => {
            for d in diagnostics {
                let _ = writeln!(err, "{}", d.render(color));
            }
            let _ = writeln!(err, "{}", summary(diagnostics));
        }
        other => {
            let (red, reset) = if color {
                ("\x1b[1;31m", "\x1b[0m")
            } else {
                ("", "")
            };
            let _ = writeln!(err, "{red}error{reset}: {other}");
        }
    }
}

/// Prints warnings to standard error, as errors are printed, then their count; nothing
/// when there are none.
pub fn print_warnings(warnings: &[Diagnostic]) {
    if warnings.is_empty() {
        return;
    }
    let color = stderr_wants_color();
    let mut err = io::stderr().lock();
    for d in warnings {
        let _ = writeln!(err, "{}", d.render_as(Level::Warning, color));
    }
    let _ = writeln!(err, "{}", summary_as(Level::Warning, warnings));
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    // "major" for "major-outage": a clear prefix is the likeliest meaning.
    if word.chars().count() >= 3 {
        if let Some(c) = candidates.iter().find(|c| c.starts_with(word)) {
            return Some(c);
        }
    }
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| {
            *d <= 2.max(c.chars().count() / 3) && *d < c.chars().count().max(word.chars().count())
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_shows_the_line_and_a_caret_under_the_span() {
        let text = "---\ntitle: x\ncomponents: [dsn]\n---\n";
        let d = Diagnostic::at(
            "incidents/a.md",
            text,
            Span::new(3, 14, 3),
            "unknown component `dsn`",
        )
        .with_help("did you mean `dns`?");
        assert_eq!(
            d.render(false),
            "incidents/a.md:3:14: error: unknown component `dsn`\n  |\n3 | components: [dsn]\n  |              ^^^\n  = help: did you mean `dns`?\n"
        );
    }

    #[test]
    fn a_diagnostic_in_colour_marks_the_error_and_the_caret() {
        let text = "---\nseverity: major\n---\n";
        let d = Diagnostic::at(
            "a.md",
            text,
            Span::new(2, 11, 5),
            "unknown severity `major`",
        );
        let coloured = d.render(true);
        assert!(coloured.contains("\x1b[1;31merror\x1b[0m"), "{coloured:?}");
        assert!(coloured.contains("\x1b[1;31m^^^^^\x1b[0m"), "{coloured:?}");
        assert!(!d.render(false).contains('\x1b'));
    }

    #[test]
    fn the_summary_counts_errors_and_distinct_files() {
        let d = |p: &str| Diagnostic::file(p, "x");
        assert_eq!(summary(&[d("a"), d("a"), d("b")]), "3 errors in 2 files");
        assert_eq!(summary(&[d("a")]), "1 error in 1 file");
        assert_eq!(summary_as(Level::Warning, &[d("a")]), "1 warning in 1 file");
    }

    #[test]
    fn a_warning_has_the_shape_of_an_error_with_its_own_word() {
        let text = "---\nstart: 2026-11-01 10:00\n---\n";
        let d = Diagnostic::at("a.md", text, Span::new(2, 8, 16), "ongoing for 24 days")
            .with_help("write `end:`");
        assert_eq!(
            d.render_as(Level::Warning, false),
            "a.md:2:8: warning: ongoing for 24 days\n  |\n2 | start: 2026-11-01 10:00\n  |        ^^^^^^^^^^^^^^^^\n  = help: write `end:`\n"
        );
        assert!(d
            .render_as(Level::Warning, true)
            .contains("\x1b[1;33mwarning\x1b[0m"));
    }

    #[test]
    fn did_you_mean_finds_close_words_only() {
        assert_eq!(did_you_mean("dsn", ["web", "mail", "dns"]), Some("dns"));
        assert_eq!(did_you_mean("titel", ["title", "start"]), Some("title"));
        assert_eq!(did_you_mean("zzzzzz", ["web", "mail", "dns"]), None);
        assert_eq!(
            did_you_mean("major", ["major-outage", "degraded"]),
            Some("major-outage")
        );
    }

    fn suggests(candidates: &[&str], typos: &[(&str, Option<&str>)]) {
        for (word, expected) in typos {
            let got = did_you_mean(word, candidates.iter().copied());
            assert_eq!(got, *expected, "{word}");
        }
    }

    /// The suggestions the hand-written Levenshtein distance gave, before strsim's
    /// replaced it: the same words for the same typos.
    #[test]
    fn did_you_mean_suggests_what_it_did_before_strsim() {
        let severities = [
            "major-outage",
            "partial-outage",
            "degraded",
            "maintenance",
            "notice",
        ];
        let statuses = [
            "investigating",
            "identified",
            "monitoring",
            "update",
            "resolved",
            "scheduled",
            "in-progress",
            "completed",
        ];
        let front = [
            "title",
            "start",
            "end",
            "severity",
            "components",
            "author",
            "published",
            "draft",
            "updates",
        ];
        let site = [
            "title",
            "description",
            "base_url",
            "language",
            "timezone",
            "components",
            "contact",
            "authors",
            "theme",
            "history_days",
            "feed_items",
            "component_incidents",
            "list_unsubscribe",
        ];
        let zones: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()).collect();
        let ids = [
            "2017-10-28-indisponibilite-de-l-ensemble-des-services",
            "2024-03-01-maintenance-dns",
            "2026-11-25-api-errors",
        ];
        let components = ["web", "mail", "dns", "database", "données", "réseau"];
        suggests(
            &severities,
            &[
                ("major", Some("major-outage")),
                ("partial", Some("partial-outage")),
                ("degradd", Some("degraded")),
                ("maintenace", Some("maintenance")),
                ("notic", Some("notice")),
                ("minor", None),
                ("critical", None),
                ("outage", None),
            ],
        );
        suggests(
            &statuses,
            &[
                ("investigatin", Some("investigating")),
                ("identifed", Some("identified")),
                ("resloved", Some("resolved")),
                ("inprogress", Some("in-progress")),
                ("in progress", Some("in-progress")),
                ("done", None),
                ("updated", Some("update")),
                ("complete", Some("completed")),
                ("sched", Some("scheduled")),
            ],
        );
        suggests(
            &front,
            &[
                ("titel", Some("title")),
                ("stat", Some("start")),
                ("ends", Some("end")),
                ("component", Some("components")),
                ("authr", Some("author")),
                ("publish", Some("published")),
                ("update", Some("updates")),
                ("date", None),
                ("body", None),
                ("Title", Some("title")),
            ],
        );
        suggests(
            &site,
            &[
                ("baseurl", Some("base_url")),
                ("base-url", Some("base_url")),
                ("lang", Some("language")),
                ("time_zone", Some("timezone")),
                ("tz", None),
                ("history", Some("history_days")),
                ("feed_item", Some("feed_items")),
                ("unsubscribe", Some("list_unsubscribe")),
                ("contacts", Some("contact")),
                ("desc", Some("description")),
            ],
        );
        suggests(
            &zones,
            &[
                ("Europe/Pari", Some("Europe/Paris")),
                ("europe/paris", Some("Europe/Paris")),
                ("Amercia/New_York", Some("America/New_York")),
                ("UTX", Some("UTC")),
                ("Paris", None),
                ("CEST", Some("CET")),
                ("Europe/Brusels", Some("Europe/Brussels")),
                ("Asia/Tokio", Some("Asia/Tokyo")),
                ("GMT+1", Some("GMT+0")),
                ("utc", None),
            ],
        );
        suggests(
            &ids,
            &[
                (
                    "2017-10-28-indisponibilite-de-lensemble-des-services",
                    Some("2017-10-28-indisponibilite-de-l-ensemble-des-services"),
                ),
                ("2024-03-01-maintenance", Some("2024-03-01-maintenance-dns")),
                ("2026-11-25-api-error", Some("2026-11-25-api-errors")),
                ("api-errors", None),
                ("2026-11-24-api-errors", Some("2026-11-25-api-errors")),
            ],
        );
        suggests(
            &components,
            &[
                ("dsn", Some("dns")),
                ("donnees", Some("données")),
                ("reseau", Some("réseau")),
                ("databse", Some("database")),
                ("webb", Some("web")),
                ("db", Some("web")),
                ("x", None),
                ("", None),
                ("ré", None),
                ("mal", Some("mail")),
            ],
        );
    }
}
