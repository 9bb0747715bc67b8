//! Markdown to sanitized HTML.
//!
//! CommonMark with tables, strikethrough and footnotes, parsed by pulldown-cmark. No script,
//! event handler, style, frame or `javascript:` / `data:` URL written in an incident file
//! reaches a page:
//!
//! - a post with raw HTML, a link or image to any address that is not `http:`, `https:`,
//!   `mailto:` or relative (`#anchor`, `path/page.html`), or a control character is rendered
//!   by pulldown-cmark and then cleaned by ammonia (an HTML5 parser and an allow-list);
//! - any other post, which is nearly every post, cannot carry anything dangerous: it is
//!   written directly by [`Writer`], which produces exactly the bytes ammonia would have made
//!   of pulldown-cmark's HTML (`<br>` for `<br />`, `rel="noopener noreferrer nofollow"` on
//!   links, no `class` on code blocks…) at a fraction of the cost. The unit test
//!   `the_direct_writer_matches_ammonia` compares both on generated Markdown.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{
    html, Alignment, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

/// The Markdown extensions vigie enables everywhere (pages and announcements).
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

/// A post's Markdown, rendered once: its safe HTML and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Safe HTML, as [`to_html`] gives it.
    pub html: String,
    /// The text without formatting, as [`plain_text`] gives it.
    pub text: String,
}

/// Renders `markdown` to safe HTML and to plain text, parsing it once. Footnote ids are
/// prefixed with `prefix` so that several posts on one page never share an id. Headings sit
/// under the page's `<h1>` and the post's own `<h2>`: the levels a post uses are renumbered
/// from `<h3>` in order, so that a post whose sections start at `##` (or that jumps from `#`
/// to `###`) never skips a level.
pub fn render(markdown: &str, prefix: &str) -> Rendered {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    let levels = heading_levels(&events);
    let text = text_of(&events, markdown.len());
    let html = match direct_html(markdown, &events, &levels, prefix) {
        Some(html) => html,
        None => sanitized_html(events, &levels, prefix, markdown.len()),
    };
    Rendered { html, text }
}

/// Renders `markdown` to safe HTML (see [`render`]).
pub fn to_html(markdown: &str, prefix: &str) -> String {
    render(markdown, prefix).html
}

/// The heading levels a post uses, sorted, each once.
fn heading_levels(events: &[Event<'_>]) -> Vec<HeadingLevel> {
    let mut used: Vec<HeadingLevel> = events
        .iter()
        .filter_map(|event| match event {
            Event::Start(Tag::Heading { level, .. }) => Some(*level),
            _ => None,
        })
        .collect();
    used.sort();
    used.dedup();
    used
}

/// The level a heading gets on the page: the post's first level becomes `<h3>`.
fn demote(levels: &[HeadingLevel], level: HeadingLevel) -> HeadingLevel {
    match levels.iter().position(|&l| l == level) {
        Some(0) => HeadingLevel::H3,
        Some(1) => HeadingLevel::H4,
        Some(2) => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// pulldown-cmark's HTML of the events, cleaned by ammonia: the path for anything unusual.
fn sanitized_html(
    events: Vec<Event<'_>>,
    levels: &[HeadingLevel],
    prefix: &str,
    len: usize,
) -> String {
    let parser = events.into_iter().map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(levels, level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(levels, level))),
        Event::FootnoteReference(name) => {
            Event::FootnoteReference(CowStr::from(format!("{prefix}-fn-{name}")))
        }
        Event::Start(Tag::FootnoteDefinition(name)) => Event::Start(Tag::FootnoteDefinition(
            CowStr::from(format!("{prefix}-fn-{name}")),
        )),
        other => other,
    });
    let mut raw = String::with_capacity(len * 3 / 2);
    html::push_html(&mut raw, parser);
    sanitizer().clean(&raw).to_string()
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        // Footnotes: pulldown-cmark links references to definitions by id.
        b.add_tag_attributes("div", ["id"])
            .add_allowed_classes("div", ["footnote-definition"])
            .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
            .add_tag_attributes("th", ["style"])
            .add_tag_attributes("td", ["style"])
            .add_tag_attributes("sup", ["id"])
            // Table alignment is the only style pulldown-cmark writes; nothing else passes.
            .filter_style_properties(HashSet::from(["text-align"]))
            .link_rel(Some(LINK_REL))
            .url_relative(ammonia::UrlRelative::PassThrough);
        b
    })
}

/// What ammonia adds to every link.
const LINK_REL: &str = "noopener noreferrer nofollow";

/// pulldown-cmark's `escape_href` allow-list: bytes written as they are in a URL.
const HREF_SAFE: [bool; 128] = {
    let mut t = [false; 128];
    let safe =
        b"!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ^_abcdefghijklmnopqrstuvwxyz~";
    let mut k = 0;
    while k < safe.len() {
        t[safe[k] as usize] = true;
        k += 1;
    }
    t
};

/// The value of an `href` or `src` as ammonia sees it after parsing pulldown-cmark's output:
/// `escape_href` percent-encodes every byte outside [`HREF_SAFE`] except `&` and `'`, which
/// it writes as character references, decoded again by the HTML parser.
fn href_value(prefix: &str, url: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + url.len() + 8);
    out.push_str(prefix);
    let mut mark = 0;
    for (i, b) in url.bytes().enumerate() {
        if (b < 0x80 && HREF_SAFE[b as usize]) || b == b'&' || b == b'\'' {
            continue;
        }
        // Every byte from `mark` to `i` is ASCII, so both ends are on char boundaries.
        if mark < i {
            out.push_str(&url[mark..i]);
        }
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        out.push('%');
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xF)]));
        mark = i + 1;
    }
    out.push_str(&url[mark..]);
    out
}

/// Whether ammonia keeps a link or image address unchanged, for the addresses the direct
/// writer accepts: web and mail addresses, and relative ones (which have no scheme).
/// Anything else goes through ammonia.
fn is_plain_address(value: &str) -> bool {
    if plain_web_address(value) {
        return true;
    }
    match url::Url::parse(value) {
        Ok(u) => matches!(u.scheme(), "http" | "https" | "mailto"),
        Err(url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    }
}

/// Whether `value` is an `http://` or `https://` address that the URL parser surely
/// accepts, without parsing it: a host of plain domain labels (ASCII letters, digits and
/// inner hyphens, no `xn--`, a letter in the last), then nothing or `/`, `?`, `#` and no
/// space or control character. Most links in posts are such; `false` says nothing.
fn plain_web_address(value: &str) -> bool {
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return false;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(end);
    let label_ok = |l: &str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && !l.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--"))
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    host.split('.').all(label_ok)
        && host
            .rsplit('.')
            .next()
            .is_some_and(|l| l.bytes().any(|b| b.is_ascii_alphabetic()))
        && tail.bytes().all(|b| b > b' ' && b != 0x7F)
}

/// Writes `s` as HTML text the way html5ever's serializer does (ammonia's output).
fn escape_text(out: &mut String, s: &str) {
    escape(out, s, false);
}

/// Writes `s` as a double-quoted attribute value the way html5ever's serializer does.
fn escape_attr(out: &mut String, s: &str) {
    escape(out, s, true);
}

fn escape(out: &mut String, s: &str, attr: bool) {
    let table = if attr { &ESCAPE_ATTR } else { &ESCAPE_TEXT };
    let bytes = s.as_bytes();
    let mut mark = 0;
    let mut i = 0;
    while let Some(k) = bytes[i..].iter().position(|&b| table[usize::from(b)]) {
        i += k;
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            _ if bytes.get(i + 1) == Some(&0xA0) => ("&nbsp;", 2),
            _ => {
                // Another character starting with 0xC2: copied with the text around it.
                i += 1;
                continue;
            }
        };
        out.push_str(&s[mark..i]);
        out.push_str(replacement);
        i += len;
        mark = i;
    }
    out.push_str(&s[mark..]);
}

/// Writes the HTML of a post without raw HTML, as ammonia would have cleaned
/// pulldown-cmark's HTML of it (the structure mirrors `pulldown_cmark::html`). `None` when
/// the post needs ammonia.
struct Writer<'a> {
    out: String,
    /// Whether the output ends with a line break (pulldown-cmark's `end_newline`).
    end_newline: bool,
    in_table_head: bool,
    alignments: Vec<Alignment>,
    cell: usize,
    /// Footnote names in order of first use, numbered from 1.
    footnotes: Vec<&'a str>,
    open_links: usize,
    levels: &'a [HeadingLevel],
    prefix: &'a str,
}

fn direct_html<'a>(
    markdown: &str,
    events: &'a [Event<'a>],
    levels: &'a [HeadingLevel],
    prefix: &'a str,
) -> Option<String> {
    // The HTML parser rewrites line ends and drops NUL and a leading byte-order mark:
    // leave such text to it.
    // A fold without an early exit: the compiler checks many bytes at a time.
    let control = markdown.bytes().fold(false, |found, b| {
        found | ((b < 0x20) & (b != b'\n') & (b != b'\t')) | (b == 0x7F)
    });
    if control || markdown.contains('\u{FEFF}') {
        return None;
    }
    let mut w = Writer {
        out: String::with_capacity(markdown.len() * 5 / 4 + 64),
        end_newline: true,
        in_table_head: false,
        alignments: Vec::new(),
        cell: 0,
        footnotes: Vec::new(),
        open_links: 0,
        levels,
        prefix,
    };
    let mut k = 0;
    while k < events.len() {
        match &events[k] {
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let src = href_value("", dest_url);
                if !is_plain_address(&src) {
                    return None;
                }
                w.write("<img src=\"");
                escape_attr(&mut w.out, &src);
                w.write("\" alt=\"");
                k = w.alt_text(events, k + 1);
                if !title.is_empty() {
                    w.write("\" title=\"");
                    escape_attr(&mut w.out, title);
                }
                w.write("\">");
            }
            Event::Start(tag) => w.start(tag)?,
            Event::End(tag) => w.end(*tag)?,
            Event::Text(text) => {
                escape_text(&mut w.out, text);
                w.end_newline = text.ends_with('\n');
            }
            Event::Code(text) => {
                w.write("<code>");
                escape_text(&mut w.out, text);
                w.write("</code>");
            }
            Event::SoftBreak => w.write("\n"),
            Event::HardBreak => w.write("<br>\n"),
            Event::Rule => {
                if w.end_newline {
                    w.write("<hr>\n");
                } else {
                    w.write("\n<hr>\n");
                }
            }
            Event::FootnoteReference(name) => {
                // A link inside a link is restructured by the HTML parser.
                if w.open_links > 0 {
                    return None;
                }
                let number = w.footnote_number(name);
                w.write("<sup class=\"footnote-reference\"><a href=\"#");
                w.footnote_id(name);
                w.write("\" rel=\"");
                w.write(LINK_REL);
                w.write("\">");
                w.write(&number.to_string());
                w.write("</a></sup>");
            }
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::TaskListMarker(_) => return None,
        }
        k += 1;
    }
    Some(w.out)
}

impl<'a> Writer<'a> {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        if !s.is_empty() {
            self.end_newline = s.ends_with('\n');
        }
    }

    /// `s`, after a line break unless the output already ends with one.
    fn block(&mut self, s: &str) {
        if !self.end_newline {
            self.out.push('\n');
        }
        self.write(s);
    }

    fn footnote_number(&mut self, name: &'a str) -> usize {
        match self.footnotes.iter().position(|&n| n == name) {
            Some(k) => k + 1,
            None => {
                self.footnotes.push(name);
                self.footnotes.len()
            }
        }
    }

    fn footnote_id(&mut self, name: &str) {
        escape_attr(&mut self.out, self.prefix);
        self.out.push_str("-fn-");
        escape_attr(&mut self.out, name);
    }

    fn start(&mut self, tag: &'a Tag<'a>) -> Option<()> {
        match tag {
            Tag::Paragraph => self.block("<p>"),
            Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            } if classes.is_empty() && attrs.is_empty() => {
                self.block("<");
                self.write(&demote(self.levels, *level).to_string());
                self.write(">");
            }
            Tag::Table(alignments) => {
                self.alignments.clone_from(alignments);
                self.write("<table>");
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.cell = 0;
                self.write("<thead><tr>");
            }
            Tag::TableRow => {
                self.cell = 0;
                self.write("<tr>");
            }
            Tag::TableCell => {
                self.write(if self.in_table_head { "<th" } else { "<td" });
                self.write(match self.alignments.get(self.cell) {
                    Some(Alignment::Left) => " style=\"text-align:left\">",
                    Some(Alignment::Center) => " style=\"text-align:center\">",
                    Some(Alignment::Right) => " style=\"text-align:right\">",
                    _ => ">",
                });
            }
            Tag::BlockQuote(None) => self.block("<blockquote>\n"),
            Tag::CodeBlock(_) => {
                if !self.end_newline {
                    self.write("\n");
                }
                // No `class="language-…"`: ammonia drops it.
                self.write("<pre><code>");
            }
            Tag::List(Some(1)) => self.block("<ol>\n"),
            Tag::List(Some(start)) => {
                self.block("<ol start=\"");
                self.write(&start.to_string());
                self.write("\">\n");
            }
            Tag::List(None) => self.block("<ul>\n"),
            Tag::Item => self.block("<li>"),
            Tag::Emphasis => self.write("<em>"),
            Tag::Strong => self.write("<strong>"),
            Tag::Strikethrough => self.write("<del>"),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                if self.open_links > 0 {
                    return None;
                }
                let scheme = if *link_type == LinkType::Email {
                    "mailto:"
                } else {
                    ""
                };
                let href = href_value(scheme, dest_url);
                if !is_plain_address(&href) {
                    return None;
                }
                self.open_links += 1;
                self.write("<a href=\"");
                escape_attr(&mut self.out, &href);
                if !title.is_empty() {
                    self.write("\" title=\"");
                    escape_attr(&mut self.out, title);
                }
                self.write("\" rel=\"");
                self.write(LINK_REL);
                self.write("\">");
            }
            Tag::FootnoteDefinition(name) => {
                let number = self.footnote_number(name);
                self.block("<div class=\"footnote-definition\" id=\"");
                self.footnote_id(name);
                self.write("\"><sup class=\"footnote-definition-label\">");
                self.write(&number.to_string());
                self.write("</sup>");
            }
            _ => return None,
        }
        Some(())
    }

    fn end(&mut self, tag: TagEnd) -> Option<()> {
        match tag {
            TagEnd::Paragraph => self.write("</p>\n"),
            TagEnd::Heading(level) => {
                self.write("</");
                self.write(&demote(self.levels, level).to_string());
                self.write(">\n");
            }
            TagEnd::Table => self.write("</tbody></table>\n"),
            TagEnd::TableHead => {
                self.write("</tr></thead><tbody>\n");
                self.in_table_head = false;
            }
            TagEnd::TableRow => self.write("</tr>\n"),
            TagEnd::TableCell => {
                self.write(if self.in_table_head { "</th>" } else { "</td>" });
                self.cell += 1;
            }
            TagEnd::BlockQuote(_) => self.write("</blockquote>\n"),
            TagEnd::CodeBlock => self.write("</code></pre>\n"),
            TagEnd::List(true) => self.write("</ol>\n"),
            TagEnd::List(false) => self.write("</ul>\n"),
            TagEnd::Item => self.write("</li>\n"),
            TagEnd::Emphasis => self.write("</em>"),
            TagEnd::Strong => self.write("</strong>"),
            TagEnd::Strikethrough => self.write("</del>"),
            TagEnd::Link => {
                self.open_links = self.open_links.saturating_sub(1);
                self.write("</a>");
            }
            TagEnd::FootnoteDefinition => self.write("</div>\n"),
            _ => return None,
        }
        Some(())
    }

    /// The `alt` of an image: the text of the events from `k` to the image's end, as
    /// pulldown-cmark writes it. Returns the index of that end.
    fn alt_text(&mut self, events: &'a [Event<'a>], mut k: usize) -> usize {
        let mut nest = 0usize;
        while k < events.len() {
            match &events[k] {
                Event::Start(_) => nest += 1,
                Event::End(_) => {
                    if nest == 0 {
                        return k;
                    }
                    nest -= 1;
                }
                Event::Html(_) => {}
                Event::InlineHtml(text)
                | Event::Code(text)
                | Event::Text(text)
                | Event::InlineMath(text)
                | Event::DisplayMath(text) => {
                    escape_attr(&mut self.out, text);
                    self.end_newline = text.ends_with('\n');
                }
                Event::SoftBreak | Event::HardBreak | Event::Rule => self.write(" "),
                Event::FootnoteReference(name) => {
                    let number = self.footnote_number(name);
                    self.write(&format!("[{number}]"));
                }
                Event::TaskListMarker(done) => self.write(if *done { "[x]" } else { "[ ]" }),
            }
            k += 1;
        }
        k
    }
}

/// The text of `markdown` with formatting removed, for summaries and feed titles.
pub fn plain_text(markdown: &str) -> String {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    text_of(&events, markdown.len())
}

/// The text of the events, with runs of white space folded to one space.
fn text_of(events: &[Event<'_>], len: usize) -> String {
    // The text is never longer than the Markdown it comes from.
    let mut folded = Folded {
        out: String::with_capacity(len),
        space: false,
    };
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => folded.push(t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => folded.space = true,
            _ => {}
        }
    }
    folded.into_string()
}

/// Text with every run of white space (as `char::is_whitespace` has it) written as one
/// space and none at either end: `s.split_whitespace().collect::<Vec<_>>().join(" ")`,
/// built byte by byte as the pieces come.
#[derive(Default)]
struct Folded {
    out: String,
    /// White space was seen since the last character written.
    space: bool,
}

/// What [`Folded`] does with a byte: copy it, fold it (ASCII white space), or look at the
/// character it starts (the lead bytes of U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000,
/// the only other white space).
const COPY: u8 = 0;
const WHITE: u8 = 1;
const LOOK: u8 = 2;
const FOLD_CLASS: [u8; 256] = {
    let mut t = [COPY; 256];
    t[b' ' as usize] = WHITE;
    let mut b = 0x09;
    while b <= 0x0D {
        t[b] = WHITE;
        b += 1;
    }
    t[0xC2] = LOOK;
    t[0xE1] = LOOK;
    t[0xE2] = LOOK;
    t[0xE3] = LOOK;
    t
};

impl Folded {
    fn push(&mut self, s: &str) {
        self.out.reserve(s.len() + 1);
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match FOLD_CLASS[usize::from(b)] {
                COPY => {
                    // A run of bytes to copy, single spaces between words included.
                    let start = i;
                    i += 1;
                    while i < bytes.len() {
                        match FOLD_CLASS[usize::from(bytes[i])] {
                            COPY => i += 1,
                            _ if bytes[i] == b' '
                                && bytes
                                    .get(i + 1)
                                    .is_some_and(|&n| FOLD_CLASS[usize::from(n)] == COPY) =>
                            {
                                i += 2
                            }
                            _ => break,
                        }
                    }
                    self.before_char();
                    // `start` and `i` are on character boundaries: a run starts at a
                    // copied byte after white space or a looked-at character, and stops
                    // before an ASCII white space byte or a lead byte.
                    self.out.push_str(&s[start..i]);
                }
                WHITE => {
                    self.space = true;
                    i += 1;
                }
                _ => {
                    // A lead byte, so `i` is on a char boundary.
                    let c = s[i..].chars().next().unwrap_or(' ');
                    let len = c.len_utf8();
                    if c.is_whitespace() {
                        self.space = true;
                    } else {
                        self.before_char();
                        self.out.push(c);
                    }
                    i += len;
                }
            }
        }
    }

    fn before_char(&mut self) {
        if self.space {
            if !self.out.is_empty() {
                self.out.push(' ');
            }
            self.space = false;
        }
    }

    fn into_string(self) -> String {
        self.out
    }
}

/// What HTML's serializer escapes: `&`, `<`, `>`, `"` (in attributes) and U+00A0 (whose
/// UTF-8 starts with 0xC2).
const ESCAPE_TEXT: [bool; 256] = escape_table(false);
const ESCAPE_ATTR: [bool; 256] = escape_table(true);

const fn escape_table(attr: bool) -> [bool; 256] {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = attr;
    t[0xC2] = true;
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commonmark_extensions_are_rendered() {
        let html = to_html(
            "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n~~old~~ new[^n]\n\n[^n]: note\n",
            "p0",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("href=\"#p0-fn-n\""), "{html}");
        assert!(html.contains("id=\"p0-fn-n\""), "{html}");
        assert!(html.contains("text-align"), "{html}");
    }

    #[test]
    fn headings_sit_under_the_post_heading() {
        assert_eq!(to_html("# A\n\n## B", "p"), "<h3>A</h3>\n<h4>B</h4>\n");
        assert_eq!(to_html("## A\n\n## B", "p"), "<h3>A</h3>\n<h3>B</h3>\n");
        assert_eq!(
            to_html("# A\n\n### B\n\n###### C", "p"),
            "<h3>A</h3>\n<h4>B</h4>\n<h5>C</h5>\n"
        );
    }

    #[test]
    fn scripts_handlers_and_dangerous_urls_never_pass() {
        let md = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) \
                  [b](data:text/html,<script>alert(1)</script>)\n\n<iframe src=\"https://e.com\"></iframe>\n\n\
                  <p style=\"position:fixed\">x</p><a href=\"JaVaScRiPt:alert(1)\">c</a>";
        let html = to_html(md, "p0").to_lowercase();
        for bad in [
            "<script",
            "onerror",
            "javascript:",
            "data:",
            "<iframe",
            "position:fixed",
            "style=",
        ] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
    }

    /// The HTML of `md` from the direct writer (when it takes it) and through ammonia.
    fn both(md: &str) -> (Option<String>, String) {
        let events: Vec<Event<'_>> = Parser::new_ext(md, options()).collect();
        let levels = heading_levels(&events);
        let direct = direct_html(md, &events, &levels, "p0");
        (direct, sanitized_html(events, &levels, "p0", md.len()))
    }

    #[test]
    fn the_direct_writer_matches_ammonia() {
        let cases = [
            "Plain *em* **strong** ~~del~~ `co<de>&` \"quotes\" 'single' a < b > c & d\u{a0}: fin",
            "Entities: &amp; &lt; &nbsp; &copy; &#39; &quot; &#x41;",
            "# One\n\n## Two\n\n#### Four\n\ntext",
            "[web](https://example.fr/a?b=1&c=2 \"a \\\"title\\\" & more\") [rel](../x/y.html) \
             [anchor](#update-1) [mail](mailto:a@b.fr) [empty]() [spaces](<a b/c d>) \
             [accents](https://exemple.fr/é?q=ü) [quote](https://x.fr/it's) [brackets](https://x.fr/[a]{b}|c`d)",
            "<https://auto.example/x?y=1&z> and <someone@example.fr> and https://bare.example",
            "![alt *with* `code` & \"q\"](https://img.example/a.png \"t\") ![rel](img/b.png)",
            "[![img](a.png)](https://x.fr)",
            "- one\n- two\n  - nested\n\n3. three\n4. four\n\n1. first\n\n* loose\n\n* list",
            "| a | b | c | d |\n|---|:-:|--:|:--|\n| 1 | 2 | 3 | 4 |\n| x |",
            "> quote\n> > nested\n\n---\n\n***\npara",
            "```rust\nfn main() { x < y && z }\n```\n\n    indented <code>\n\n~~~\nplain\n~~~",
            "line  \nhard\\\nbreak\nsoft",
            "Footnote[^a] and another[^b] and again[^a].\n\n[^a]: Note *a*.\n[^b]: Note b with [link](https://x.fr).",
            "![alt with note[^n]](a.png)\n\n[^n]: n",
            "text\n# heading right after\ntext\n***\n- list right after",
            "1) paren\n2) list\n\n10. ten\n11. eleven",
            "* [ ] not a task list\n* [x] either",
            "Tab\there and trailing spaces   \n",
            "[ref link][r] and [collapsed][] and [r]\n\n[r]: https://ref.example/ \"Ref\"\n[collapsed]: /c",
            "\u{a0}leading nbsp and [nbsp\u{a0}link](https://x.fr/\u{a0})",
            "a | b\n--|--\n`|` | \\|",
            "",
            "   ",
            "#",
            "> ```\n> code in quote\n> ```",
            "- a\n\n  ```\n  code in item\n  ```\n- b",
        ];
        for md in cases {
            let (direct, sanitized) = both(md);
            let direct = direct.unwrap_or_else(|| panic!("not direct: {md:?}"));
            assert_eq!(direct, sanitized, "for {md:?}");
        }
    }

    #[test]
    fn anything_unusual_goes_through_ammonia() {
        for md in [
            "<b>raw</b>",
            "<div>\nblock\n</div>",
            "[a](javascript:alert(1))",
            "[a](JaVaScRiPt:alert(1))",
            "![i](data:image/png;base64,AAAA)",
            "[a](data:text/html,x)",
            "[a](ftp://x.fr/)",
            "[a](http://exa%20mple/)",
            "line\r\nend",
            "nul\0char",
            "\u{feff}bom",
        ] {
            let (direct, sanitized) = both(md);
            assert_eq!(direct, None, "{md:?}");
            assert_eq!(to_html(md, "p0"), sanitized);
        }
    }

    #[test]
    fn links_without_raw_html_are_safe() {
        let html = to_html(
            "[a](javascript:alert(1)) [b](JAVASCRIPT:x) [c](  javascript:y) <javascript:z>\n\n\
             ![d](data:text/html;base64,PHNjcmlwdD4=) [e](vbscript:x) [f](https://ok.fr)",
            "p0",
        );
        // The text of an autolink stays, as text; no address but the last is kept.
        let lower = html.to_lowercase();
        for bad in ["javascript:", "data:", "vbscript:"] {
            assert!(!lower.contains(&format!("=\"{bad}")), "{bad} in {html}");
        }
        assert_eq!(html.matches("href=").count(), 1, "{html}");
        assert!(!html.contains("src="), "{html}");
        assert!(
            html.contains("<a href=\"https://ok.fr\" rel=\"noopener noreferrer nofollow\">f</a>")
        );
        let auto = to_html("<https://a.fr/x> <me@a.fr>", "p0");
        assert_eq!(
            auto,
            "<p><a href=\"https://a.fr/x\" rel=\"noopener noreferrer nofollow\">https://a.fr/x</a> \
             <a href=\"mailto:me@a.fr\" rel=\"noopener noreferrer nofollow\">me@a.fr</a></p>\n"
        );
    }

    #[test]
    fn render_gives_the_html_and_the_text_of_one_parse() {
        let md = "## Title\n\n**Bold** and [a link](https://x.fr).";
        let r = render(md, "p");
        assert_eq!(r.html, to_html(md, "p"));
        assert_eq!(r.text, plain_text(md));
        assert_eq!(r.text, "Title Bold and a link.");
    }

    #[test]
    fn plain_web_addresses_are_those_the_url_parser_accepts() {
        let hosts = [
            "example.fr",
            "www.example.fr",
            "a-b.example",
            "localhost",
            "1.2.3.4",
            "1.2.3.4.5",
            "a..b",
            "-a.fr",
            "a-.fr",
            "xn--abc.fr",
            "XN--e9a.fr",
            "é.fr",
            "a_b.fr",
            "",
            "a.fr.",
            "user@a.fr",
            "a.fr:8080",
            "[::1]",
            "A.FR",
            "0x7f.0.0.1",
            "a.b1",
            "1a.2b",
        ];
        let tails = [
            "",
            "/",
            "/contact",
            "/a b",
            "/é?x=1#y",
            "?q",
            "#f",
            "/\\x",
            "/\u{7f}",
            "/%zz",
            "/a\tb",
            "//x",
            "/[x]",
        ];
        for scheme in ["https://", "http://", "HTTPS://", "ftp://", ""] {
            for host in hosts {
                for tail in tails {
                    let value = format!("{scheme}{host}{tail}");
                    if plain_web_address(&value) {
                        let parsed = url::Url::parse(&value);
                        assert!(
                            parsed
                                .as_ref()
                                .is_ok_and(|u| matches!(u.scheme(), "http" | "https")),
                            "{value:?}: {parsed:?}"
                        );
                    }
                }
            }
        }
        assert!(plain_web_address(
            "https://forum.example.fr/c/annonces-officielles"
        ));
        assert!(plain_web_address(
            "https://docs.example.fr/messagerie/configuration"
        ));
    }

    mod generated {
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn folding_matches_split_whitespace(
                pieces in prop::collection::vec(
                    "[a\u{e9} \t\n\r\u{b}\u{c}\u{a0}\u{85}\u{2009}\u{3000}\u{1c}x]{0,8}",
                    0..6,
                ),
            ) {
                let mut folded = super::super::Folded::default();
                for p in &pieces {
                    folded.push(p);
                }
                let joined = pieces.concat();
                let expected = joined.split_whitespace().collect::<Vec<_>>().join(" ");
                prop_assert_eq!(folded.into_string(), expected);
            }
        }

        fn piece() -> impl Strategy<Value = String> {
            let word = prop::sample::select(vec![
                "mot",
                "é",
                "&",
                "<",
                ">",
                "\"",
                "'",
                "\u{a0}",
                "*",
                "_",
                "~~",
                "`",
                "\\",
                "|",
                "[",
                "]",
                "(",
                ")",
                "!",
                "#",
                "-",
                "1.",
                "&amp;",
                "&nbsp;",
                "&#39;",
                "<x@y.fr>",
                "<https://a.fr/?q=1&r>",
                "  \n",
                "\n",
                "\n\n",
                "[^f]",
                "[^g]",
            ]);
            let url = prop::sample::select(vec![
                "https://a.fr/p?x=1&y='2'",
                "http://b.fr",
                "../rel/é.html",
                "#frag",
                "mailto:a@b.fr",
                "<a b>",
                "/abs",
                "",
                "https://x.fr/\"q\"",
                "//cdn.fr/x",
                "%41",
            ]);
            let title = prop::sample::select(vec!["", " \"t & 'u'\"", " 'v <w>'"]);
            prop_oneof![
                4 => word.prop_map(str::to_string),
                1 => (url.clone(), title.clone()).prop_map(|(u, t)| format!("[lien]({u}{t})")),
                1 => (url, title).prop_map(|(u, t)| format!("![img *x*]({u}{t})")),
                1 => prop::sample::select(vec![
                    "\n\n# h\n\n", "\n\n### h3\n\n", "\n\n- a\n- b\n\n", "\n\n3. c\n\n",
                    "\n\n> q\n\n", "\n\n```js\nx<y\n```\n\n", "\n\n---\n\n",
                    "\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n", "\n\n[^f]: note *f*\n\n",
                    "\n\n[^g]: note g\n\n", "\n\n    code\n\n",
                ])
                .prop_map(str::to_string),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn the_direct_writer_matches_ammonia_on_generated_markdown(
                pieces in prop::collection::vec(piece(), 0..30),
                sep in prop::sample::select(vec!["", " "]),
            ) {
                let md = pieces.join(sep);
                let (direct, sanitized) = super::both(&md);
                if let Some(direct) = direct {
                    prop_assert_eq!(direct, sanitized, "for {:?}", md);
                }
            }
        }
    }

    #[test]
    fn plain_text_drops_formatting() {
        assert_eq!(
            plain_text("**Bold** and [a link](https://x.fr).\n\n- one\n- two"),
            "Bold and a link. one two"
        );
    }
}
