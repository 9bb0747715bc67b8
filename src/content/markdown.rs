//! Markdown to sanitized HTML.
//!
//! CommonMark with tables, strikethrough and footnotes, rendered by pulldown-cmark, then
//! cleaned by ammonia so that no script, event handler, style, frame or `javascript:` /
//! `data:` URL written in an incident file reaches a page.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The Markdown extensions vigie enables everywhere (pages and announcements).
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

/// Renders `markdown` to safe HTML. Footnote ids are prefixed with `prefix` so that several
/// posts on one page never share an id. Headings move two levels down (`#` becomes
/// `<h3>`), since a post sits under the page's `<h1>` and its own `<h2>`.
pub fn to_html(markdown: &str, prefix: &str) -> String {
    let parser = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        Event::FootnoteReference(name) => {
            Event::FootnoteReference(CowStr::from(format!("{prefix}-fn-{name}")))
        }
        Event::Start(Tag::FootnoteDefinition(name)) => Event::Start(Tag::FootnoteDefinition(
            CowStr::from(format!("{prefix}-fn-{name}")),
        )),
        other => other,
    });
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    sanitizer().clean(&raw).to_string()
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
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
            .link_rel(Some("noopener noreferrer nofollow"))
            .url_relative(ammonia::UrlRelative::PassThrough);
        b
    })
}

/// The text of `markdown` with formatting removed, for summaries and feed titles.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock,
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
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
    fn plain_text_drops_formatting() {
        assert_eq!(
            plain_text("**Bold** and [a link](https://x.fr).\n\n- one\n- two"),
            "Bold and a link. one two"
        );
    }
}
