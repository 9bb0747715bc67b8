//! Plain text, wrapped at 72 columns: for mail and anything without markup.
//!
//! Lines are wrapped at spaces by `textwrap`, measured in columns as a fixed-width font
//! shows them (`é` is one, `中` two, a combining accent none); a word longer than a line
//! stays whole. Lists keep a hanging indent, quotes a `> ` prefix, code and
//! tables are left unwrapped. Links become references `[1]` whose addresses are listed
//! after the post; footnotes are marked with superscript numbers.

use pulldown_cmark::Alignment;
use textwrap::core::display_width;

use super::doc::{self, plain, superscript, Block, Inline};
use super::Announcement;

/// The width text is wrapped to.
pub const WIDTH: usize = 72;

/// The post as plain text, ending with a newline.
pub fn render(a: &Announcement) -> String {
    let mut refs = Refs::default();
    let mut parts: Vec<Vec<String>> = Vec::new();
    let title = wrap(&a.title, WIDTH);
    let rule = "=".repeat(title.iter().map(|l| display_width(l)).max().unwrap_or(0));
    parts.push(title.into_iter().chain([rule]).collect());
    parts.push(
        a.facts
            .iter()
            .flat_map(|f| hanging(&format!("{} {}", a.label(f.label), f.value), WIDTH, 2))
            .collect(),
    );
    parts.push(wrap(&format!("{} — {}", a.post_label, a.post_time), WIDTH));
    let body = blocks(&a.doc.blocks, WIDTH, &mut refs);
    if !body.is_empty() {
        parts.push(body);
    }
    if let Some(author) = &a.author {
        parts.push(wrap(&format!("— {author}"), WIDTH));
    }
    if !a.doc.notes.is_empty() {
        let mut lines = vec![a.t.notes.to_string(), "-".repeat(display_width(a.t.notes))];
        for note in &a.doc.notes {
            let mark = format!("{} ", superscript(note.number));
            let inner = blocks(&note.blocks, WIDTH - display_width(&mark), &mut refs);
            lines.extend(prefix(inner, &mark, &" ".repeat(display_width(&mark))));
        }
        parts.push(lines);
    }
    if !refs.urls.is_empty() {
        let w = format!("[{}]", refs.urls.len()).chars().count();
        parts.push(
            refs.urls
                .iter()
                .enumerate()
                .map(|(n, url)| format!("{:<w$} {url}", format!("[{}]", n + 1)))
                .collect(),
        );
    }
    parts.push(hanging(
        &format!("{} {}", a.label(a.t.permalink), a.permalink),
        WIDTH,
        2,
    ));
    if !a.contact.is_empty() {
        let mut lines = vec![a.label(a.t.contact)];
        for c in &a.contact {
            lines.extend(hanging(
                &format!("- {} {}", a.label(c.label), c.text),
                WIDTH,
                2,
            ));
        }
        parts.push(lines);
    }
    let mut out = parts
        .into_iter()
        .map(|p| p.join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n");
    out.push('\n');
    out
}

/// The addresses of the links met so far, numbered from 1.
#[derive(Debug, Default)]
pub struct Refs {
    pub urls: Vec<String>,
}

impl Refs {
    /// The number of `url`, the same each time it comes back.
    pub fn number(&mut self, url: &str) -> usize {
        match self.urls.iter().position(|u| u == url) {
            Some(i) => i + 1,
            None => {
                self.urls.push(url.to_string());
                self.urls.len()
            }
        }
    }
}

/// Blocks as lines no wider than `width` (except unbreakable words, code and tables).
pub fn blocks(blocks: &[Block], width: usize, refs: &mut Refs) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut previous: Option<&Block> = None;
    for b in blocks {
        // The text of a tight item runs straight into what follows it.
        if previous.is_some_and(|p| !matches!(p, Block::Plain(_))) {
            out.push(String::new());
        }
        out.extend(block(b, width, refs));
        previous = Some(b);
    }
    out
}

fn block(b: &Block, width: usize, refs: &mut Refs) -> Vec<String> {
    match b {
        Block::Paragraph(i) | Block::Plain(i) => wrap(&inlines(i, refs), width),
        Block::Heading(level, i) => {
            let mut lines = wrap(&inlines(i, refs), width);
            let len = lines.iter().map(|l| display_width(l)).max().unwrap_or(0);
            lines.push(if *level == 1 { "=" } else { "-" }.repeat(len));
            lines
        }
        Block::List { start, items } => {
            let loose = items.iter().flatten().any(Block::is_paragraph);
            let markers: Vec<String> = (0..items.len() as u64)
                .map(|k| match start {
                    Some(s) => format!("{}. ", s + k),
                    None => "- ".to_string(),
                })
                .collect();
            let mw = markers.iter().map(|m| m.chars().count()).max().unwrap_or(2);
            let mut lines = Vec::new();
            for (k, item) in items.iter().enumerate() {
                if k > 0 && loose {
                    lines.push(String::new());
                }
                let inner = blocks(item, width.saturating_sub(mw).max(10), refs);
                lines.extend(prefix(
                    inner,
                    &format!("{:<mw$}", markers[k]),
                    &" ".repeat(mw),
                ));
            }
            lines
        }
        Block::Quote(inner) => {
            doc::quote_lines(blocks(inner, width.saturating_sub(2).max(10), refs))
        }
        Block::Code { text, .. } => text
            .trim_end_matches('\n')
            .lines()
            .map(|l| format!("    {l}").trim_end().to_string())
            .collect(),
        Block::Table { aligns, head, rows } => {
            let mut cell = |c: &Vec<Inline>| inlines(c, refs).replace('\n', " ");
            let head: Vec<String> = head.iter().map(&mut cell).collect();
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(&mut cell).collect())
                .collect();
            table(aligns, &head, &rows)
        }
        Block::Rule => vec!["* * *".to_string()],
    }
}

/// A table as aligned columns: header, a line of dashes, rows.
pub fn table(aligns: &[Alignment], head: &[String], rows: &[Vec<String>]) -> Vec<String> {
    let columns = head.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
    // Measured as `wrap` measures text, so that columns line up.
    let len = display_width;
    let mut widths = vec![0; columns];
    for row in std::iter::once(head).chain(rows.iter().map(Vec::as_slice)) {
        for (k, c) in row.iter().enumerate() {
            widths[k] = widths[k].max(len(c));
        }
    }
    let line = |row: &[String]| -> String {
        let cells: Vec<String> = (0..columns)
            .map(|k| {
                let c = row.get(k).map_or("", String::as_str);
                let pad = widths[k] - len(c);
                match aligns.get(k) {
                    Some(Alignment::Right) => format!("{}{c}", " ".repeat(pad)),
                    Some(Alignment::Center) => {
                        format!("{}{c}{}", " ".repeat(pad / 2), " ".repeat(pad - pad / 2))
                    }
                    _ => format!("{c}{}", " ".repeat(pad)),
                }
            })
            .collect();
        cells.join("  ").trim_end().to_string()
    };
    let mut lines = vec![
        line(head),
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    ];
    lines.extend(rows.iter().map(|r| line(r)));
    lines
}

/// Inlines as text: spaces between words, `\n` for hard breaks.
fn inlines(list: &[Inline], refs: &mut Refs) -> String {
    let mut out = String::new();
    for i in list {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Strong(c) => out.push_str(&format!("*{}*", inlines(c, refs))),
            Inline::Emph(c) => out.push_str(&format!("_{}_", inlines(c, refs))),
            Inline::Strike(c) => out.push_str(&format!("~{}~", inlines(c, refs))),
            Inline::Link { url, children } => {
                let text = inlines(children, refs);
                if is_the_address(&plain(children), url) {
                    out.push_str(&text);
                } else {
                    out.push_str(&format!("{text} [{}]", refs.number(url)));
                }
            }
            Inline::Image { url, alt } => out.push_str(&format!("{alt} [{}]", refs.number(url))),
            Inline::NoteRef(n) => out.push_str(&superscript(*n)),
            Inline::SoftBreak => out.push(' '),
            Inline::HardBreak => out.push('\n'),
        }
    }
    out
}

/// Whether a link's text already shows its address (autolinks, bare e-mail addresses).
pub fn is_the_address(text: &str, url: &str) -> bool {
    text == url || url.strip_prefix("mailto:") == Some(text)
}

/// `text` wrapped to `width` columns; `\n` forces a break. Words are never split, so a
/// long address stays whole on a line of its own. Runs of spaces count as one, as in the
/// HTML the Markdown becomes.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_with(text, options(width))
}

/// `text` wrapped with continuation lines indented by `indent`.
fn hanging(text: &str, width: usize, indent: usize) -> Vec<String> {
    let indent = " ".repeat(indent);
    wrap_with(text, options(width).subsequent_indent(&indent))
}

/// Breaks at spaces only (never inside a URL or after a hyphen), filling each line before
/// the next as a person would.
fn options(width: usize) -> textwrap::Options<'static> {
    textwrap::Options::new(width)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
}

fn wrap_with(text: &str, options: textwrap::Options<'_>) -> Vec<String> {
    let single: Vec<String> = text
        .split('\n')
        .map(|hard| {
            hard.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    textwrap::wrap(&single.join("\n"), options)
        .into_iter()
        .map(String::from)
        .collect()
}

/// Puts `first` before the first line and `rest` before the others (blank lines stay blank).
pub fn prefix(lines: Vec<String>, first: &str, rest: &str) -> Vec<String> {
    lines
        .into_iter()
        .enumerate()
        .map(|(k, l)| {
            let p = if k == 0 { first } else { rest };
            if l.is_empty() && k > 0 {
                String::new()
            } else {
                format!("{p}{l}").trim_end().to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::announce::doc::parse;

    fn body(md: &str, width: usize) -> String {
        let d = parse(md, "https://s.example.fr/incidents/x/");
        let mut refs = Refs::default();
        let mut lines = blocks(&d.blocks, width, &mut refs);
        lines.extend(
            refs.urls
                .iter()
                .enumerate()
                .map(|(n, u)| format!("[{}] {u}", n + 1)),
        );
        lines.join("\n")
    }

    #[test]
    fn wrapping_counts_columns_and_keeps_words_whole() {
        assert_eq!(wrap("été été été", 7), vec!["été été", "été"]);
        // Wide characters take two columns, a combining accent none.
        assert_eq!(wrap("中文 中文 中文", 10), vec!["中文 中文", "中文"]);
        assert_eq!(
            wrap("e\u{301}te\u{301} e\u{301}te\u{301}", 7),
            vec!["e\u{301}te\u{301} e\u{301}te\u{301}"]
        );
        // Runs of spaces count as one; a hard break stays.
        assert_eq!(wrap("  a   b \n c", 72), vec!["a b", "c"]);
        assert_eq!(
            wrap(
                "see https://example.com/a-long-path/with-hyphens-in-it now",
                20
            ),
            vec![
                "see",
                "https://example.com/a-long-path/with-hyphens-in-it",
                "now"
            ]
        );
        assert_eq!(
            wrap("a https://very.long.example/with/a/path b", 10),
            vec!["a", "https://very.long.example/with/a/path", "b"]
        );
        for line in body(&"Élégance à l'œuvre, déjà ".repeat(20), 72).lines() {
            assert!(line.chars().count() <= 72, "{line}");
        }
    }

    #[test]
    fn continuation_lines_hang_under_the_first() {
        assert_eq!(
            hanging("Services: web, mail, database, storage", 20, 2),
            vec!["Services: web, mail,", "  database, storage"]
        );
        assert_eq!(hanging("short", 20, 2), vec!["short"]);
    }

    #[test]
    fn tables_line_up_wide_characters() {
        assert_eq!(
            body("| 网站 | ok |\n|---|---|\n| web | 😀 |\n", 72),
            "网站  ok\n----  --\nweb   😀"
        );
    }

    #[test]
    fn lists_keep_a_hanging_indent_and_nest() {
        let out = body(
            "- one two three four five six\n  - nested words here\n- b\n",
            16,
        );
        assert_eq!(
            out,
            "- one two three\n  four five six\n  - nested words\n    here\n- b"
        );
        assert_eq!(body("9. a\n10. b\n", 72), "9.  a\n10. b");
    }

    #[test]
    fn links_become_numbered_references() {
        let out = body(
            "See [the page](https://a.fr/x) and [again](https://a.fr/x), <https://b.fr/>.",
            72,
        );
        assert_eq!(
            out,
            "See the page [1] and again [1], https://b.fr/.\n[1] https://a.fr/x"
        );
    }

    #[test]
    fn quotes_code_and_tables_read_as_text() {
        assert_eq!(body("> quoted\n>\n> more", 72), "> quoted\n>\n> more");
        assert_eq!(body("```\nlet x = 1;\n```", 72), "    let x = 1;");
        assert_eq!(
            body("| Région | Taux |\n|---|--:|\n| est | 31 % |\n", 72),
            "Région  Taux\n------  ----\nest     31 %"
        );
        assert_eq!(body("# Title\n\ntext", 72), "Title\n=====\n\ntext");
    }
}
