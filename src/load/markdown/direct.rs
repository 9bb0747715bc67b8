//! The direct HTML writer: the HTML of a post without raw HTML, written straight from
//! pulldown-cmark's events, byte for byte as ammonia and [`tidy`](fn@super::tidy) would have
//! made of pulldown-cmark's HTML (`<br>` for `<br />`, `rel="noopener noreferrer nofollow"`
//! on links, no `class` on code blocks…).
//!
//! It exists for speed: nearly every post is such, and ammonia took 14 % of a build's
//! instructions before it (BENCHMARKS.md). It declines (returns `None`) whatever it does
//! not write exactly as ammonia would, and the post then takes the sanitizer's path. The
//! tests below compare both paths, on chosen posts and on generated ones.

use pulldown_cmark::{Alignment, Event, HeadingLevel, LinkType, Tag, TagEnd};

use super::url::is_plain_address;
use super::{demote, footnote_token, heading_under, is_forbidden, LINK_REL};

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

/// Writes `s` as HTML text the way html5ever's serializer does (ammonia's output).
fn escape_text(out: &mut String, s: &str) {
    escape(out, s, false);
}

/// Writes `s` as a double-quoted attribute value the way html5ever's serializer does.
fn escape_attr(out: &mut String, s: &str) {
    escape(out, s, true);
}

/// Also drops the characters HTML forbids (see [`is_forbidden`]) and writes a carriage
/// return as a line feed, as the HTML parser reads them.
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
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => ("", 1),
            b'\r' => ("\n", 1),
            b if b < 0x80 => ("", 1),
            _ => {
                // A lead byte, so `i` is on a char boundary.
                let c = s[i..].chars().next().unwrap_or(' ');
                if c == '\u{a0}' {
                    ("&nbsp;", 2)
                } else if is_forbidden(c) {
                    ("", c.len_utf8())
                } else {
                    // Copied with the text around it.
                    i += 1;
                    continue;
                }
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
    /// Footnote names defined so far.
    defined: Vec<&'a str>,
    /// The level of the last heading written (`H2` before the first: the post's own).
    heading: HeadingLevel,
    open_links: usize,
    levels: &'a [HeadingLevel],
    prefix: &'a str,
}

pub(super) fn direct_html<'a>(
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
        defined: Vec::new(),
        heading: HeadingLevel::H2,
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
                if src.is_empty() || !is_plain_address(&src) {
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
            Event::Start(Tag::Link { title, .. }) if !link_has_name(events, k, title) => {
                return None
            }
            Event::Start(tag) => w.start(tag)?,
            Event::End(tag) => w.end(*tag)?,
            // The HTML parser reads a carriage return then a line feed as one line feed:
            // `escape` does so within one text, not across two events.
            Event::Text(text) if text.ends_with('\r') => return None,
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
                if w.open_links > 0 || footnote_token(name) != **name {
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

/// Whether the link starting at `events[k]` has a name: text of its own or of an image's
/// text alternative, or a title, beyond white space and forbidden characters.
/// [`tidy`](fn@super::tidy) lets a link without one give way to its content.
fn link_has_name(events: &[Event<'_>], k: usize, title: &str) -> bool {
    let text = |s: &str| s.chars().any(|c| !c.is_whitespace() && !is_forbidden(c));
    text(title)
        || events[k + 1..]
            .iter()
            .take_while(|e| !matches!(e, Event::End(TagEnd::Link)))
            .any(|e| matches!(e, Event::Text(t) | Event::Code(t) if text(t)))
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
                self.heading = heading_under(demote(self.levels, *level), self.heading);
                self.block("<");
                self.write(&self.heading.to_string());
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
                // A second definition would repeat the id; an unusual label needs encoding.
                if self.defined.contains(&&**name) || footnote_token(name) != **name {
                    return None;
                }
                self.defined.push(name);
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
            TagEnd::Heading(_) => {
                self.write("</");
                self.write(&self.heading.to_string());
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

/// What [`escape`] looks at: what HTML's serializer escapes (`&`, `<`, `>`, `"` in
/// attributes, U+00A0), the ASCII control characters but tab and line feed, and the lead
/// bytes of the other characters HTML forbids (U+0080 to U+009F start with 0xC2, U+FDD0 to
/// U+FDEF, U+FFFE and U+FFFF with 0xEF, the last two of every other plane with 0xF0 to
/// 0xF4).
const ESCAPE_TEXT: [bool; 256] = escape_table(false);
const ESCAPE_ATTR: [bool; 256] = escape_table(true);

const fn escape_table(attr: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b != b'\t' as usize && b != b'\n' as usize;
        b += 1;
    }
    t[0x7F] = true;
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = attr;
    t[0xC2] = true;
    t[0xEF] = true;
    let mut b = 0xF0;
    while b <= 0xF4 {
        t[b] = true;
        b += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::Parser;

    use super::super::{heading_levels, options, sanitized_html, to_html};
    use super::*;

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
    fn a_carriage_return_from_a_character_reference_is_a_line_feed() {
        assert_eq!(to_html("a&#13;b", "p0"), "<p>a\nb</p>\n");
        assert_eq!(to_html("a&#13;\nb", "p0"), "<p>a\nb</p>\n");
    }

    mod generated {
        use proptest::prelude::*;

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
                "&#1;",
                "&#x85;",
                "&#12;",
                "&#13;",
                "&#xFFFE;",
                "[](https://e.fr)",
                "[ ](https://e.fr)",
                "<a.b@c.fr>",
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
                "100%",
                "#a#b",
                "a^b",
                "https://x.fr/50%/off",
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
                    "\n\n[^g]: note g\n\n", "\n\n    code\n\n", "\n\n###### h6\n\n",
                    "\n\n[^f]: again\n\n",
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
}
