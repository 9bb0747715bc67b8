//! Markdown to sanitized HTML: the entry points ([`render`], [`to_html`], [`plain_text`],
//! [`options`]), the ammonia configuration, and the heading levels a post takes on a page.
//!
//! CommonMark with tables, strikethrough and footnotes, parsed by pulldown-cmark. No script,
//! event handler, style, frame or `javascript:` / `data:` URL written in an incident file
//! reaches a page:
//!
//! - a post with raw HTML, a link or image to any address that is not a valid `http:`,
//!   `https:`, `mailto:` or relative URL (`#anchor`, `path/page.html`), an unusual footnote
//!   label, or a control character is rendered by pulldown-cmark, cleaned by ammonia (an
//!   HTML5 parser and an allow-list, configured here), then put in order by [`tidy()`] so
//!   that the result is valid HTML wherever the post's author put its tags: no link without
//!   an address, no image without a source, no block inside a phrase, no stray list item or
//!   table cell, no duplicate id, no invalid URL ([`url`]), no character HTML forbids;
//! - any other post, which is nearly every post, cannot carry anything dangerous: it is
//!   written by the [`direct`] writer, which produces exactly the bytes ammonia and
//!   [`tidy()`] would have made of pulldown-cmark's HTML at a fraction of the cost, and is
//!   tested against them.
//!
//! The plain text of a post, for summaries, feeds and announcements, is in [`text`].

mod direct;
mod text;
mod tidy;
mod url;

/// The characters HTML and XML forbid, which no post may carry.
use crate::load::text::is_forbidden;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use direct::direct_html;
use text::text_of;
use tidy::tidy;
use url::valid_url;

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

/// The level a heading takes after one at level `last` (`<h2>` for the first heading of a
/// post, the post's own): never above `<h3>`, never more than one level below `last`, so
/// that no level is skipped even when a post starts with its smaller headings.
fn heading_under(level: HeadingLevel, last: HeadingLevel) -> HeadingLevel {
    let deepest = HeadingLevel::try_from(last as usize + 1).unwrap_or(HeadingLevel::H6);
    level.max(HeadingLevel::H3).min(deepest)
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
        Event::FootnoteReference(name) => Event::FootnoteReference(CowStr::from(format!(
            "{prefix}-fn-{}",
            footnote_token(&name)
        ))),
        Event::Start(Tag::FootnoteDefinition(name)) => Event::Start(Tag::FootnoteDefinition(
            CowStr::from(format!("{prefix}-fn-{}", footnote_token(&name))),
        )),
        other => other,
    });
    let mut raw = String::with_capacity(len * 3 / 2);
    html::push_html(&mut raw, parser);
    tidy(&sanitizer().clean(&raw).to_string(), prefix)
}

/// The elements a post may hold. Left out of ammonia's list: those that are only valid
/// inside a parent a post cannot be trusted to give them (`dt`, `dd`, `figcaption`,
/// `summary`, `caption`, `col`, `area`, `rt`…) with their parents, those whose content or
/// attributes must follow a format (`time`, `data`, `bdo`), the obsolete ones (`center`,
/// `tt`, `strike`, `acronym`), and the sections and landmarks a page has already
/// (`header`, `nav`, `aside`, `footer`…). Their content stays, as text and phrases.
const TAGS: &str = "a abbr b bdi blockquote br cite code del dfn div em h1 h2 h3 h4 h5 h6 hr \
                    i img ins kbd li mark ol p pre q s samp small span strong sub sup table \
                    tbody td th thead tr u ul var wbr";

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.tags(TAGS.split_whitespace().collect())
            // No `lang` or `hreflang`: a language tag a post makes up is invalid HTML.
            .generic_attributes(HashSet::from(["title"]))
            .tag_attributes(HashMap::from([
                ("a", HashSet::from(["href"])),
                ("img", HashSet::from(["src", "alt", "width", "height"])),
                ("ol", HashSet::from(["start"])),
                // Footnotes: pulldown-cmark links references to definitions by id.
                ("div", HashSet::from(["id"])),
                ("sup", HashSet::from(["id"])),
                ("th", HashSet::from(["style"])),
                ("td", HashSet::from(["style"])),
            ]))
            .add_allowed_classes("div", ["footnote-definition"])
            .add_allowed_classes("sup", ["footnote-reference", "footnote-definition-label"])
            // Table alignment is the only style pulldown-cmark writes; nothing else passes.
            .filter_style_properties(HashSet::from(["text-align"]))
            .attribute_filter(|element, attribute, value| {
                attribute_value(element, attribute, value)
            })
            .link_rel(Some(LINK_REL))
            .url_relative(ammonia::UrlRelative::PassThrough);
        b
    })
}

/// The value ammonia keeps for an attribute it allows, made valid, or `None` to drop it:
/// addresses are valid URLs (see [`valid_url`]), numbers are numbers, the only style is a
/// table cell's alignment.
fn attribute_value<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let digits = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    match (element, attribute) {
        ("a", "href") => valid_url(value),
        ("img", "src") => valid_url(value).filter(|v| !v.is_empty()),
        ("img", "width" | "height") => digits(value).then_some(Cow::Borrowed(value)),
        ("ol", "start") => {
            digits(value.strip_prefix('-').unwrap_or(value)).then_some(Cow::Borrowed(value))
        }
        (_, "style") => value.split(';').find_map(|declaration| {
            let (property, align) = declaration.split_once(':')?;
            if !property.trim().eq_ignore_ascii_case("text-align") {
                return None;
            }
            let align = align.trim().to_ascii_lowercase();
            matches!(align.as_str(), "left" | "center" | "right" | "justify")
                .then(|| Cow::Owned(format!("text-align:{align}")))
        }),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// What ammonia adds to every link.
const LINK_REL: &str = "noopener noreferrer nofollow";

/// A footnote label as it goes into an id and a `#` link: letters, digits, `-`, `_` and
/// `.` as they are, any other character percent-encoded (its UTF-8 bytes), so that the id
/// has no space and the link is a valid URL, and two labels never share an id.
fn footnote_token(name: &str) -> Cow<'_, str> {
    let stays = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.chars().all(stays) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() * 3);
    for c in name.chars() {
        if stays(c) {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Cow::Owned(out)
}

/// The text of `markdown` with formatting removed, for summaries and feed titles.
pub fn plain_text(markdown: &str) -> String {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    text_of(&events, markdown.len())
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
    fn a_markdown_link_to_javascript_gives_way_to_its_text() {
        for md in [
            "[voir](javascript:alert(1))",
            "[voir](JAVASCRIPT:alert(1))",
            "[voir]( javascript:alert(1) )",
            "[voir](<javascript:alert(1)>)",
            "[voir](jav&#x61;script:alert(1))",
            "[voir](data:text/html,x)",
            "[voir](vbscript:x)",
        ] {
            assert_eq!(to_html(md, "p0"), "<p>voir</p>\n", "{md}");
        }
    }

    #[test]
    fn reference_links_to_javascript_give_way_to_their_text() {
        let md = "[voir][r] [encore][] [aussi]\n\n[r]: javascript:alert(1)\n\
                  [encore]: JavaScript:alert(2)\n[aussi]: data:text/html,x";
        assert_eq!(to_html(md, "p0"), "<p>voir encore aussi</p>\n");
    }

    #[test]
    fn an_autolink_with_a_dangerous_scheme_keeps_its_text() {
        assert_eq!(
            to_html(
                "<javascript:alert(1)> <VBScript:x> <data:text/html,x>",
                "p0"
            ),
            "<p>javascript:alert(1) VBScript:x data:text/html,x</p>\n"
        );
    }

    #[test]
    fn footnote_labels_become_valid_ids_and_links() {
        let html = to_html(
            "x[^a b] y[^50%] z[^<x>]\n\n[^a b]: A\n[^50%]: B\n[^<x>]: C",
            "p0",
        );
        for token in ["a%20b", "50%25", "%3Cx%3E"] {
            assert!(html.contains(&format!("href=\"#p0-fn-{token}\"")), "{html}");
            assert!(html.contains(&format!("id=\"p0-fn-{token}\"")), "{html}");
        }
        // Letters stay, accented or not, as they did.
        let accents = to_html("w[^é]\n\n[^é]: D", "p0");
        assert!(accents.contains("id=\"p0-fn-é\""), "{accents}");
    }

    #[test]
    fn a_footnote_defined_twice_has_one_id() {
        let html = to_html("x[^1]\n\n[^1]: one\n[^1]: two", "p0");
        assert_eq!(html.matches("id=\"p0-fn-1\"").count(), 1, "{html}");
        assert!(html.contains("two"), "{html}");
    }

    #[test]
    fn characters_html_forbids_leave_the_html_and_the_text() {
        for md in [
            "a&#1;b&#x85;c&#xFFFE;d&#xFDD0;e&#x1FFFF;f&#12;g&#x7F;h",
            "a\u{1}b\u{85}c\u{fffe}d\u{fdd0}e\u{1ffff}f\u{c}g\u{7f}h",
            "<b>a\u{1}b\u{85}c\u{fffe}d\u{fdd0}e\u{1ffff}f\u{c}g\u{7f}h</b>",
        ] {
            let r = render(md, "p0");
            assert!(!r.html.chars().any(is_forbidden), "{md:?}: {:?}", r.html);
            assert!(r.html.contains("abcdefgh"), "{md:?}: {:?}", r.html);
            // U+0085 and the form feed are white space, which the text folds.
            assert_eq!(r.text, "ab cdef gh", "{md:?}");
        }
        assert_eq!(
            to_html("<b title=\"\u{1}t\" class=\"x\">\u{2}x</b> [y](https://x.fr \"&#1;t\")", "p0"),
            "<p><b title=\"t\">x</b> <a href=\"https://x.fr\" title=\"t\" rel=\"noopener noreferrer nofollow\">y</a></p>\n"
        );
    }

    #[test]
    fn attributes_that_would_be_invalid_go() {
        assert_eq!(
            to_html(
                "<abbr lang=\"zz\" title=\"t\">a</abbr> <q cite=\"javascript:x\">b</q> \
                 <del datetime=\"x\" cite=\"a b\">c</del> <img src=\"a.png\" alt=\"\" width=\"100%\" \
                 height=\"20\" align=\"left\">",
                "p0"
            ),
            "<p><abbr title=\"t\">a</abbr> <q>b</q> <del>c</del> <img src=\"a.png\" alt=\"\" height=\"20\"></p>\n"
        );
        assert_eq!(
            to_html(
                "<table><tr><td colspan=\"0\" headers=\"x\" style=\"text-align: RIGHT; color: red\">a</td>\
                 <td style=\"text-align:bogus\">b</td></tr></table>\
                 <ol start=\"x\"><li>c</li></ol><ol start=\"-2\"><li>d</li></ol>",
                "p0"
            ),
            "<table><tbody><tr><td style=\"text-align:right\">a</td><td>b</td></tr></tbody></table>\
             <ol><li>c</li></ol><ol start=\"-2\"><li>d</li></ol>"
        );
    }

    #[test]
    fn obsolete_and_context_bound_elements_keep_only_their_content() {
        assert_eq!(
            to_html(
                "<center>a</center> <tt>b</tt> <dl><dt>c</dt><dd>d</dd></dl> \
                 <details><summary>e</summary>f</details> <time>g</time> \
                 <ruby>h<rp>(</rp><rt>i</rt><rp>)</rp></ruby> <nav>j</nav>",
                "p0"
            ),
            "a b cd ef g h(i) j"
        );
    }
}
