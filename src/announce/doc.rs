//! A post's Markdown as a small tree of blocks and inlines, built from pulldown-cmark
//! events. Every announcement format renders this same tree, so they never disagree
//! about what the post says.

use std::collections::HashMap;
use std::iter::Peekable;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Parser, Tag};

use crate::load::markdown::options;

/// A parsed post: its blocks, then its footnotes numbered in order of first reference.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub blocks: Vec<Block>,
    pub notes: Vec<Note>,
}

/// One footnote.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// 1-based, in order of first reference.
    pub number: usize,
    pub blocks: Vec<Block>,
}

/// A block of a post.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph separated by blank lines in the source.
    Paragraph(Vec<Inline>),
    /// The text of a tight list item (no blank line around it).
    Plain(Vec<Inline>),
    /// Level 1 to 6, as written.
    Heading(u8, Vec<Inline>),
    /// `start` is the first number of an ordered list; `None` for bullets.
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Quote(Vec<Block>),
    Code {
        lang: Option<String>,
        text: String,
    },
    Table {
        aligns: Vec<Alignment>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
}

/// Text and its formatting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(Vec<Inline>),
    Emph(Vec<Inline>),
    Strike(Vec<Inline>),
    /// A link whose URL is absolute and safe (http, https or mailto); other links keep
    /// only their text.
    Link {
        url: String,
        children: Vec<Inline>,
    },
    /// An image, given by its description and URL (announcements carry no pictures).
    Image {
        url: String,
        alt: String,
    },
    /// A reference to footnote number `n`.
    NoteRef(usize),
    SoftBreak,
    HardBreak,
}

impl Block {
    /// Whether this block makes its list loose (blank lines between items).
    pub fn is_paragraph(&self) -> bool {
        matches!(self, Block::Paragraph(_))
    }
}

/// The text of some inlines without formatting (links give their text).
pub fn plain(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Strong(c)
            | Inline::Emph(c)
            | Inline::Strike(c)
            | Inline::Link { children: c, .. } => out.push_str(&plain(c)),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::NoteRef(n) => out.push_str(&superscript(*n)),
            Inline::SoftBreak | Inline::HardBreak => out.push(' '),
        }
    }
    out
}

/// `lines` as a block quote: `> ` before each, a bare `>` on empty lines.
pub fn quote_lines(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect()
}

/// `n` in superscript digits: footnote marks that cannot be taken for link references.
pub fn superscript(n: usize) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

/// Parses `markdown` with the site's Markdown options; links are made absolute against
/// `page_url` (the incident page), and links that are not http, https or mailto lose
/// their target. Raw HTML is left out: announcements carry text only.
pub fn parse(markdown: &str, page_url: &str) -> Doc {
    let mut b = Builder {
        events: Parser::new_ext(markdown, options()).peekable(),
        page_url,
        numbers: HashMap::new(),
        defs: Vec::new(),
    };
    let blocks = b.blocks();
    let mut defs = std::mem::take(&mut b.defs);
    // Definitions never referenced still show, after the others.
    for (label, _) in &defs {
        b.number(label);
    }
    let mut notes: Vec<Note> = defs
        .drain(..)
        .map(|(label, blocks)| Note {
            number: b.numbers[&label],
            blocks,
        })
        .collect();
    notes.sort_by_key(|n| n.number);
    notes.dedup_by_key(|n| n.number);
    Doc { blocks, notes }
}

struct Builder<'a, I: Iterator<Item = Event<'a>>> {
    events: Peekable<I>,
    page_url: &'a str,
    numbers: HashMap<String, usize>,
    defs: Vec<(String, Vec<Block>)>,
}

fn is_inline(event: &Event) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::InlineHtml(_)
        | Event::FootnoteReference(_)
        | Event::TaskListMarker(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        _ => false,
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Builder<'a, I> {
    fn number(&mut self, label: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(label.to_string()).or_insert(next)
    }

    /// Blocks up to the end of the enclosing container (or of the input).
    fn blocks(&mut self) -> Vec<Block> {
        let mut out = Vec::new();
        loop {
            if self.events.peek().is_some_and(is_inline) {
                let inlines = self.inline_run();
                if !inlines.is_empty() {
                    out.push(Block::Plain(inlines));
                }
                continue;
            }
            let Some(event) = self.events.next() else {
                return out;
            };
            match event {
                Event::End(_) => return out,
                Event::Rule => out.push(Block::Rule),
                Event::Start(tag) => match tag {
                    Tag::Paragraph => out.push(Block::Paragraph(self.inlines())),
                    Tag::Heading { level, .. } => {
                        out.push(Block::Heading(heading_level(level), self.inlines()))
                    }
                    Tag::BlockQuote(_) => out.push(Block::Quote(self.blocks())),
                    Tag::CodeBlock(kind) => {
                        let lang = match kind {
                            CodeBlockKind::Fenced(l) if !l.trim().is_empty() => {
                                Some(l.trim().to_string())
                            }
                            _ => None,
                        };
                        out.push(Block::Code {
                            lang,
                            text: self.raw_text(),
                        });
                    }
                    Tag::List(start) => out.push(Block::List {
                        start,
                        items: self.items(),
                    }),
                    Tag::FootnoteDefinition(label) => {
                        let blocks = self.blocks();
                        self.defs.push((label.to_string(), blocks));
                    }
                    Tag::Table(aligns) => out.push(self.table(aligns)),
                    // Raw HTML, metadata and anything else without text of its own.
                    _ => self.skip(),
                },
                _ => {}
            }
        }
    }

    /// The items of a list, up to its end.
    fn items(&mut self) -> Vec<Vec<Block>> {
        let mut items = Vec::new();
        while let Some(event) = self.events.next() {
            match event {
                Event::Start(Tag::Item) => items.push(self.blocks()),
                Event::End(_) => break,
                _ => {}
            }
        }
        items
    }

    fn table(&mut self, aligns: Vec<Alignment>) -> Block {
        let (mut head, mut rows) = (Vec::new(), Vec::new());
        while let Some(event) = self.events.next() {
            match event {
                Event::Start(Tag::TableHead) => head = self.cells(),
                Event::Start(Tag::TableRow) => rows.push(self.cells()),
                Event::End(_) => break,
                _ => {}
            }
        }
        Block::Table { aligns, head, rows }
    }

    fn cells(&mut self) -> Vec<Vec<Inline>> {
        let mut cells = Vec::new();
        while let Some(event) = self.events.next() {
            match event {
                Event::Start(Tag::TableCell) => cells.push(self.inlines()),
                Event::End(_) => break,
                _ => {}
            }
        }
        cells
    }

    /// The text inside a code block, up to its end.
    fn raw_text(&mut self) -> String {
        let mut text = String::new();
        for event in self.events.by_ref() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(_) => break,
                _ => {}
            }
        }
        text
    }

    /// Skips a container and everything in it.
    fn skip(&mut self) {
        let mut depth = 1;
        for event in self.events.by_ref() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                return;
            }
        }
    }

    /// Inlines up to the end of the enclosing tag.
    fn inlines(&mut self) -> Vec<Inline> {
        let mut out = Vec::new();
        while let Some(event) = self.events.next() {
            if let Event::End(_) = event {
                break;
            }
            self.inline(event, &mut out);
        }
        out
    }

    /// Inlines directly inside a tight list item, up to the next block.
    fn inline_run(&mut self) -> Vec<Inline> {
        let mut out = Vec::new();
        while self.events.peek().is_some_and(is_inline) {
            if let Some(event) = self.events.next() {
                self.inline(event, &mut out);
            }
        }
        out
    }

    fn inline(&mut self, event: Event<'a>, out: &mut Vec<Inline>) {
        match event {
            Event::Text(t) => push(out, Inline::Text(t.to_string())),
            Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                out.push(Inline::Code(t.to_string()))
            }
            Event::SoftBreak => out.push(Inline::SoftBreak),
            Event::HardBreak => out.push(Inline::HardBreak),
            Event::FootnoteReference(label) => {
                let n = self.number(&label);
                out.push(Inline::NoteRef(n));
            }
            Event::TaskListMarker(done) => {
                out.push(Inline::Text(if done { "[x] " } else { "[ ] " }.to_string()))
            }
            Event::Start(tag) => match tag {
                Tag::Emphasis => {
                    let c = self.inlines();
                    out.push(Inline::Emph(c));
                }
                Tag::Strong => {
                    let c = self.inlines();
                    out.push(Inline::Strong(c));
                }
                Tag::Strikethrough => {
                    let c = self.inlines();
                    out.push(Inline::Strike(c));
                }
                Tag::Link { dest_url, .. } => {
                    let children = self.inlines();
                    match absolute_url(self.page_url, &dest_url) {
                        Some(url) => out.push(Inline::Link { url, children }),
                        None => children.into_iter().for_each(|c| push(out, c)),
                    }
                }
                Tag::Image { dest_url, .. } => {
                    let alt = plain(&self.inlines());
                    match absolute_url(self.page_url, &dest_url) {
                        Some(url) => out.push(Inline::Image { url, alt }),
                        None => push(out, Inline::Text(alt)),
                    }
                }
                // Superscript, subscript: keep the text.
                _ => {
                    let c = self.inlines();
                    c.into_iter().for_each(|c| push(out, c));
                }
            },
            // Inline raw HTML is left out, as on no page would it be trusted.
            _ => {}
        }
    }
}

/// Appends `inline`, merging neighbouring texts.
fn push(out: &mut Vec<Inline>, inline: Inline) {
    match (out.last_mut(), inline) {
        (Some(Inline::Text(prev)), Inline::Text(t)) => prev.push_str(&t),
        (_, inline) => out.push(inline),
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// `href` made absolute against `page_url` (which ends with `/` or `/#anchor`); `None`
/// for any scheme other than http, https and mailto.
pub fn absolute_url(page_url: &str, href: &str) -> Option<String> {
    let href = href.trim();
    let lower = href.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return Some(href.to_string());
    }
    let scheme_end = href.find(':');
    let first_delim = href.find(['/', '?', '#']);
    if let Some(colon) = scheme_end {
        if first_delim.is_none_or(|d| colon < d) {
            return None;
        }
    }
    let page = page_url.split('#').next().unwrap_or(page_url);
    if href.starts_with('#') {
        return Some(format!("{page}{href}"));
    }
    if let Some(rest) = href.strip_prefix("//") {
        let scheme = page.split("//").next().unwrap_or("https:");
        return Some(format!("{scheme}//{rest}"));
    }
    if href.starts_with('/') {
        let after_scheme = page.find("//").map_or(0, |i| i + 2);
        let host_end = page[after_scheme..]
            .find('/')
            .map_or(page.len(), |i| after_scheme + i);
        return Some(format!("{}{href}", &page[..host_end]));
    }
    let dir = match page.rfind('/') {
        Some(i) => &page[..=i],
        None => page,
    };
    Some(format!("{dir}{href}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://s.example.fr/incidents/x/";

    #[test]
    fn tight_and_loose_lists_are_told_apart() {
        let d = parse("- a\n- b\n\n1. c\n\n2. d\n", PAGE);
        assert_eq!(
            d.blocks[0],
            Block::List {
                start: None,
                items: vec![
                    vec![Block::Plain(vec![Inline::Text("a".into())])],
                    vec![Block::Plain(vec![Inline::Text("b".into())])]
                ]
            }
        );
        let Block::List { start, items } = &d.blocks[1] else {
            panic!("{:?}", d.blocks)
        };
        assert_eq!(*start, Some(1));
        assert!(items[0][0].is_paragraph());
    }

    #[test]
    fn nested_lists_sit_inside_their_item() {
        let d = parse("- a\n  - b\n- c\n", PAGE);
        let Block::List { items, .. } = &d.blocks[0] else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0][1], Block::List { .. }));
    }

    #[test]
    fn footnotes_are_numbered_by_first_reference() {
        let d = parse("x[^b] y[^a]\n\n[^a]: A\n[^b]: B\n", PAGE);
        assert_eq!(d.notes.len(), 2);
        assert_eq!(
            d.notes[0].blocks,
            vec![Block::Paragraph(vec![Inline::Text("B".into())])]
        );
        assert_eq!(plain(&[Inline::NoteRef(12)]), "¹²");
    }

    #[test]
    fn links_are_made_absolute_and_unsafe_ones_lose_their_target() {
        assert_eq!(
            absolute_url(PAGE, "../y/"),
            Some("https://s.example.fr/incidents/x/../y/".into())
        );
        assert_eq!(
            absolute_url(PAGE, "/feed.xml"),
            Some("https://s.example.fr/feed.xml".into())
        );
        assert_eq!(
            absolute_url(PAGE, "#update"),
            Some(format!("{PAGE}#update"))
        );
        assert_eq!(absolute_url(PAGE, "javascript:alert(1)"), None);
        assert_eq!(absolute_url(PAGE, "data:text/html,x"), None);
        let d = parse("[a](javascript:alert(1)) <b>raw</b>", PAGE);
        assert_eq!(
            d.blocks,
            vec![Block::Paragraph(vec![Inline::Text("a raw".into())])]
        );
    }

    #[test]
    fn tables_keep_head_rows_and_alignment() {
        let d = parse("| a | b |\n|---|--:|\n| 1 | 2 |\n", PAGE);
        let Block::Table { aligns, head, rows } = &d.blocks[0] else {
            panic!()
        };
        assert_eq!(aligns, &vec![Alignment::None, Alignment::Right]);
        assert_eq!(head.len(), 2);
        assert_eq!(rows.len(), 1);
    }
}
