//! BBCode for phpBB-style forums: `[b]`, `[i]`, `[s]`, `[url=…]`, `[list]`, `[list=1]`,
//! `[quote]`, `[code]`, `[size]`.
//!
//! Forums turn every newline into a line break, so soft line breaks of the Markdown
//! become spaces and blocks are separated by one blank line. Headings are bold lines;
//! tables are aligned text inside `[code]`, the only monospaced block forums agree on.

use super::doc::{plain, superscript, Block, Inline};
use super::text;
use super::Announcement;

/// The post as BBCode, ending with a newline.
pub fn render(a: &Announcement) -> String {
    let mut parts: Vec<String> = Vec::new();
    let facts: Vec<String> = a
        .facts
        .iter()
        .map(|f| format!("[b]{}[/b] {}", a.label(f.label), f.value))
        .collect();
    parts.push(format!(
        "[size=150][b]{}[/b][/size]\n{}",
        a.title,
        facts.join("\n")
    ));
    parts.push(format!("[b]{}[/b] — {}", a.post_label, a.post_time));
    let body = blocks(&a.doc.blocks);
    if !body.is_empty() {
        parts.push(body);
    }
    if let Some(author) = &a.author {
        parts.push(format!("— [i]{author}[/i]"));
    }
    if !a.doc.notes.is_empty() {
        let notes: Vec<String> = a
            .doc
            .notes
            .iter()
            .map(|n| format!("{} {}", superscript(n.number), blocks(&n.blocks)))
            .collect();
        parts.push(format!("[b]{}[/b]\n{}", a.t.notes, notes.join("\n")));
    }
    parts.push(format!(
        "{} [url]{}[/url]",
        a.label(a.t.permalink),
        url(&a.permalink)
    ));
    if !a.contact.is_empty() {
        let lines: Vec<String> = a
            .contact
            .iter()
            .map(|c| {
                if c.text == c.url {
                    format!("{} [url]{}[/url]", a.label(c.label), url(&c.url))
                } else {
                    format!("{} [url={}]{}[/url]", a.label(c.label), url(&c.url), c.text)
                }
            })
            .collect();
        parts.push(format!(
            "[b]{}[/b]\n{}",
            a.label(a.t.contact),
            lines.join("\n")
        ));
    }
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

/// Blocks, separated by a blank line (a tight item's text runs into what follows it).
pub fn blocks(list: &[Block]) -> String {
    let mut out = String::new();
    let mut previous: Option<&Block> = None;
    for b in list {
        match previous {
            Some(Block::Plain(_)) => out.push('\n'),
            Some(_) => out.push_str("\n\n"),
            None => {}
        }
        out.push_str(&block(b));
        previous = Some(b);
    }
    out
}

fn block(b: &Block) -> String {
    match b {
        Block::Paragraph(i) | Block::Plain(i) => inlines(i),
        Block::Heading(_, i) => format!("[b]{}[/b]", inlines(i)),
        Block::List { start, items } => {
            let open = if start.is_some() {
                "[list=1]"
            } else {
                "[list]"
            };
            let items: Vec<String> = items
                .iter()
                .map(|item| format!("[*]{}", blocks(item)))
                .collect();
            format!("{open}\n{}\n[/list]", items.join("\n"))
        }
        Block::Quote(inner) => format!("[quote]{}[/quote]", blocks(inner)),
        Block::Code { text, .. } => format!("[code]{}[/code]", text.trim_end_matches('\n')),
        Block::Table { aligns, head, rows } => {
            let cell = |c: &Vec<Inline>| plain(c).replace('\n', " ");
            let head: Vec<String> = head.iter().map(cell).collect();
            let rows: Vec<Vec<String>> =
                rows.iter().map(|r| r.iter().map(cell).collect()).collect();
            format!(
                "[code]{}[/code]",
                text::table(aligns, &head, &rows).join("\n")
            )
        }
        Block::Rule => "* * *".to_string(),
    }
}

fn inlines(list: &[Inline]) -> String {
    let mut out = String::new();
    for i in list {
        match i {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Strong(c) => out.push_str(&format!("[b]{}[/b]", inlines(c))),
            Inline::Emph(c) => out.push_str(&format!("[i]{}[/i]", inlines(c))),
            Inline::Strike(c) => out.push_str(&format!("[s]{}[/s]", inlines(c))),
            Inline::Link { url: u, children } => {
                if plain(children) == *u {
                    out.push_str(&format!("[url]{}[/url]", url(u)));
                } else {
                    out.push_str(&format!("[url={}]{}[/url]", url(u), inlines(children)));
                }
            }
            // Forums often refuse pictures from elsewhere: link to it instead.
            Inline::Image { url: u, alt } => out.push_str(&format!("[url={}]{alt}[/url]", url(u))),
            Inline::NoteRef(n) => out.push_str(&superscript(*n)),
            Inline::SoftBreak => out.push(' '),
            Inline::HardBreak => out.push('\n'),
        }
    }
    out
}

/// A URL that cannot close the tag it sits in.
fn url(u: &str) -> String {
    u.replace('[', "%5B")
        .replace(']', "%5D")
        .replace(' ', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::announce::doc::parse;

    fn body(md: &str) -> String {
        blocks(&parse(md, "https://s.example.fr/incidents/x/").blocks)
    }

    #[test]
    fn emphasis_links_and_soft_breaks_become_bbcode() {
        assert_eq!(
            body("**Gras**, *italique*, ~~barré~~ et\n[un lien](https://a.fr/x]).\n\n## Titre"),
            "[b]Gras[/b], [i]italique[/i], [s]barré[/s] et [url=https://a.fr/x%5D]un lien[/url].\n\n[b]Titre[/b]"
        );
        assert_eq!(body("<https://a.fr/>"), "[url]https://a.fr/[/url]");
    }

    #[test]
    fn lists_nest_and_ordered_lists_are_numbered() {
        assert_eq!(
            body("- a\n  1. b\n  2. c\n- d\n"),
            "[list]\n[*]a\n[list=1]\n[*]b\n[*]c\n[/list]\n[*]d\n[/list]"
        );
    }

    #[test]
    fn quotes_code_and_tables_keep_their_shape() {
        assert_eq!(body("> dit\n"), "[quote]dit[/quote]");
        assert_eq!(body("```sh\nls -l\n```\n"), "[code]ls -l[/code]");
        assert_eq!(
            body("| a | b |\n|---|--:|\n| xyz | 1 |\n"),
            "[code]a    b\n---  -\nxyz  1[/code]"
        );
    }

    #[test]
    fn footnote_references_are_superscript_numbers() {
        assert_eq!(body("Vu[^n].\n\n[^n]: Note."), "Vu¹.");
    }
}
