//! Markdown (CommonMark with GitHub's tables and footnotes) for chat tools and git
//! hosting: the post written back from its parsed form, links made absolute, under a
//! `##` title, its own headings moved two levels down. Paragraphs are single lines, since
//! chat tools turn every newline into a line break.

use pulldown_cmark::Alignment;

use super::doc::{self, plain, Block, Inline};
use super::text::prefix;
use super::Announcement;

/// The post as Markdown, ending with a newline.
pub fn render(a: &Announcement) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.push(format!("## {}", escape(&a.title)));
    let facts: Vec<String> = a
        .facts
        .iter()
        .map(|f| format!("- **{}** {}", escape(&a.label(f.label)), escape(&f.value)))
        .collect();
    parts.push(facts.join("\n"));
    parts.push(format!(
        "**{}** — {}",
        escape(a.post_label),
        escape(&a.post_time)
    ));
    let body = blocks(&a.doc.blocks);
    if !body.is_empty() {
        parts.push(body.join("\n"));
    }
    if let Some(author) = &a.author {
        parts.push(format!("— *{}*", escape(author)));
    }
    for note in &a.doc.notes {
        let inner = blocks(&note.blocks);
        let mark = format!("[^{}]: ", note.number);
        parts.push(prefix(inner, &mark, "    ").join("\n"));
    }
    parts.push(format!(
        "**{}** <{}>",
        escape(&a.label(a.t.permalink)),
        a.permalink
    ));
    if !a.contact.is_empty() {
        let lines: Vec<String> = a
            .contact
            .iter()
            .map(|c| {
                let link = if c.text == c.url {
                    format!("<{}>", c.url)
                } else {
                    format!("[{}]({})", escape(&c.text), c.url)
                };
                format!("- {} {link}", escape(&a.label(c.label)))
            })
            .collect();
        parts.push(format!(
            "**{}**\n\n{}",
            escape(&a.label(a.t.contact)),
            lines.join("\n")
        ));
    }
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

/// Blocks as Markdown lines, separated by blank lines (a tight item's text runs straight
/// into what follows it).
pub fn blocks(list: &[Block]) -> Vec<String> {
    let mut out = Vec::new();
    let mut previous: Option<&Block> = None;
    for b in list {
        if previous.is_some_and(|p| !matches!(p, Block::Plain(_))) {
            out.push(String::new());
        }
        out.extend(block(b));
        previous = Some(b);
    }
    out
}

fn block(b: &Block) -> Vec<String> {
    match b {
        Block::Paragraph(i) | Block::Plain(i) => inlines(i).lines().map(str::to_string).collect(),
        Block::Heading(level, i) => {
            vec![format!(
                "{} {}",
                "#".repeat((*level as usize + 2).min(6)),
                inlines(i).replace('\n', " ")
            )]
        }
        Block::List { start, items } => {
            let loose = items.iter().flatten().any(Block::is_paragraph);
            let mut lines = Vec::new();
            for (k, item) in items.iter().enumerate() {
                if k > 0 && loose {
                    lines.push(String::new());
                }
                let marker = match start {
                    Some(s) => format!("{}. ", s + k as u64),
                    None => "- ".to_string(),
                };
                let indent = " ".repeat(marker.len());
                let mut inner = blocks(item);
                if inner.is_empty() {
                    inner.push(String::new());
                }
                lines.extend(prefix(inner, &marker, &indent));
            }
            lines
        }
        Block::Quote(inner) => doc::quote_lines(blocks(inner)),
        Block::Code { lang, text } => {
            let longest = longest_run(text, '`');
            let fence = "`".repeat(longest.max(2) + 1);
            let mut lines = vec![format!("{fence}{}", lang.as_deref().unwrap_or(""))];
            lines.extend(text.trim_end_matches('\n').lines().map(str::to_string));
            lines.push(fence);
            lines
        }
        Block::Table { aligns, head, rows } => table(aligns, head, rows),
        Block::Rule => vec!["---".to_string()],
    }
}

fn table(aligns: &[Alignment], head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) -> Vec<String> {
    let cell = |c: &Vec<Inline>| inlines(c).replace('\n', " ").replace('|', "\\|");
    let head: Vec<String> = head.iter().map(cell).collect();
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(cell).collect()).collect();
    let columns = head.len();
    let len = |s: &str| s.chars().count();
    let mut widths = vec![3; columns];
    for row in std::iter::once(&head).chain(&rows) {
        for (k, c) in row.iter().enumerate().take(columns) {
            widths[k] = widths[k].max(len(c));
        }
    }
    let line = |row: &[String]| -> String {
        let cells: Vec<String> = (0..columns)
            .map(|k| {
                let c = row.get(k).map_or("", String::as_str);
                let pad = " ".repeat(widths[k] - len(c));
                match aligns.get(k) {
                    Some(Alignment::Right) => format!("{pad}{c}"),
                    _ => format!("{c}{pad}"),
                }
            })
            .collect();
        format!("| {} |", cells.join(" | "))
    };
    let rule: Vec<String> = (0..columns)
        .map(|k| {
            let w = widths[k];
            match aligns.get(k) {
                Some(Alignment::Left) => format!(":{}", "-".repeat(w - 1)),
                Some(Alignment::Right) => format!("{}:", "-".repeat(w - 1)),
                Some(Alignment::Center) => format!(":{}:", "-".repeat(w - 2)),
                _ => "-".repeat(w),
            }
        })
        .collect();
    let mut lines = vec![line(&head), format!("| {} |", rule.join(" | "))];
    lines.extend(rows.iter().map(|r| line(r)));
    lines
}

fn inlines(list: &[Inline]) -> String {
    let mut out = String::new();
    for i in list {
        match i {
            Inline::Text(t) => out.push_str(&escape(t)),
            Inline::Code(t) => {
                let ticks = "`".repeat(longest_run(t, '`') + 1);
                let pad = if t.starts_with('`') || t.ends_with('`') {
                    " "
                } else {
                    ""
                };
                out.push_str(&format!("{ticks}{pad}{t}{pad}{ticks}"));
            }
            Inline::Strong(c) => out.push_str(&format!("**{}**", inlines(c))),
            Inline::Emph(c) => out.push_str(&format!("*{}*", inlines(c))),
            Inline::Strike(c) => out.push_str(&format!("~~{}~~", inlines(c))),
            Inline::Link { url, children } => {
                if plain(children) == *url && !url.contains([' ', '<', '>']) {
                    out.push_str(&format!("<{url}>"));
                } else {
                    out.push_str(&format!("[{}]({})", inlines(children), destination(url)));
                }
            }
            Inline::Image { url, alt } => {
                out.push_str(&format!("![{}]({})", escape(alt), destination(url)))
            }
            Inline::NoteRef(n) => out.push_str(&format!("[^{n}]")),
            // Chat tools show every newline: a paragraph stays on one line.
            Inline::SoftBreak => out.push(' '),
            Inline::HardBreak => out.push_str("\\\n"),
        }
    }
    out
}

/// A link destination that survives any character: `<…>` when it holds spaces or parentheses.
fn destination(url: &str) -> String {
    if url.contains([' ', '(', ')']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url.to_string()
    }
}

/// Escapes the characters that would start formatting.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn longest_run(text: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::announce::doc::parse;

    fn again(md: &str) -> String {
        blocks(&parse(md, "https://s.example.fr/incidents/x/").blocks).join("\n")
    }

    #[test]
    fn formatting_and_links_are_written_back() {
        assert_eq!(
            again("**a** *b* ~~c~~ `d` [e](../y/) <https://f.fr/> 2*3"),
            "**a** *b* ~~c~~ `d` [e](https://s.example.fr/incidents/x/../y/) <https://f.fr/> 2\\*3"
        );
    }

    #[test]
    fn headings_move_under_the_title_and_lists_nest() {
        assert_eq!(again("# A\n\n- b\n  1. c\n"), "### A\n\n- b\n  1. c");
    }

    #[test]
    fn tables_are_padded_pipe_tables() {
        assert_eq!(
            again("| Region | Rate |\n|---|--:|\n| us | 31 % |\n"),
            "| Region | Rate |\n| ------ | ---: |\n| us     | 31 % |"
        );
    }

    #[test]
    fn the_output_parses_back_to_the_same_document() {
        let md = "Intro *x*.\n\n- a\n- b\n  - c\n\n> q\n\n```\ncode\n```\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n";
        let page = "https://s.example.fr/incidents/x/";
        let first = parse(md, page);
        assert_eq!(parse(&again(md), page).blocks, first.blocks);
    }
}
