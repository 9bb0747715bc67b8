//! The validity pass after ammonia: [`tidy`] puts the sanitized HTML of a post in order, so
//! that the post is valid HTML wherever its author put its tags.
//!
//! ammonia keeps the allowed elements where the HTML5 parser left them, and the parser
//! accepts a link in a link, a `div` in a `span` or an `li` outside a list; the Nu HTML
//! Checker does not. This file holds a small tokenizer of html5ever's serialization and a
//! one-pass fix-up of the tree, with the tests of each rule.

use std::borrow::Cow;
use std::collections::HashSet;

use pulldown_cmark::HeadingLevel;

use super::{heading_under, is_forbidden};

/// Puts ammonia's output in order, so that the post is valid HTML wherever its author put
/// its tags (ammonia keeps allowed elements where the HTML parser left them, and the parser
/// accepts a `div` in a `span` or an `li` outside a list):
///
/// - a link without an address (ammonia dropped a `javascript:` one, or there never was
///   one), inside another link, or without a name (no text, no image with a text
///   alternative, no title) gives way to its content;
/// - an image without a source gives way to its text alternative; one without a text
///   alternative gets an empty one;
/// - a block (paragraph, list, table…) inside a phrase (`b`, `span`, a heading…) gives way
///   to its content, and so does a list item outside a list, a row outside a table, a cell
///   outside a row, a table head after the table's first row;
/// - what a list holds that is not an item goes in an item of its own; rows right in a
///   table go in a body; what a table holds that is not a row or a part goes before the
///   table, as the HTML parser does with text; a row without cells goes;
/// - a heading takes the level [`heading_under`] gives it, as the Markdown ones do (one
///   that would go before a table gives way to its content);
/// - an id stays only on a footnote definition of this post (`{prefix}-fn-…`), once;
/// - the characters HTML forbids (see [`is_forbidden`]) go.
///
/// `html` is html5ever's serialization: every attribute value is double-quoted and holds no
/// `"`, every `<` in text is escaped, comments are gone and every element but the void ones
/// (`br`, `hr`, `img`, `wbr`) has its end tag. Anything already in order is copied as it is,
/// byte for byte. The work is done in one pass with a stack: no recursion, whatever the
/// depth of the markup.
pub(super) fn tidy(html: &str, prefix: &str) -> String {
    let mut t = Tidy {
        out: String::with_capacity(html.len() + 64),
        stack: Vec::new(),
        ids: HashSet::new(),
        prefix,
        heading: HeadingLevel::H2,
    };
    for token in (Tokens { html, pos: 0 }) {
        match token {
            Token::Text(text) => t.text(text),
            Token::Start { tag, name, attrs } => t.start(tag, name, attrs),
            Token::End(name) => t.end(name),
        }
    }
    while !t.stack.is_empty() {
        t.close();
    }
    t.out
}

/// A piece of html5ever's serialization.
enum Token<'h> {
    /// A start tag: all of it, its name, and its attributes (` name="value"`…).
    Start {
        tag: &'h str,
        name: &'h str,
        attrs: &'h str,
    },
    End(&'h str),
    Text(&'h str),
}

struct Tokens<'h> {
    html: &'h str,
    pos: usize,
}

impl<'h> Iterator for Tokens<'h> {
    type Item = Token<'h>;

    fn next(&mut self) -> Option<Token<'h>> {
        let rest = self.html.get(self.pos..).filter(|r| !r.is_empty())?;
        if !rest.starts_with('<') {
            let end = rest.find('<').unwrap_or(rest.len());
            self.pos += end;
            return Some(Token::Text(&rest[..end]));
        }
        // A value may hold `>`, never `"`.
        let mut quoted = false;
        let end = rest
            .bytes()
            .position(|b| {
                quoted ^= b == b'"';
                b == b'>' && !quoted
            })
            .map_or(rest.len(), |k| k + 1);
        self.pos += end;
        let tag = &rest[..end];
        let inner = tag[1..].strip_suffix('>').unwrap_or(&tag[1..]);
        if let Some(name) = inner.strip_prefix('/') {
            return Some(Token::End(name));
        }
        let name_end = inner.find([' ', '/']).unwrap_or(inner.len());
        Some(Token::Start {
            tag,
            name: &inner[..name_end],
            attrs: &inner[name_end..],
        })
    }
}

/// The attributes of a start tag, values as they are written (escaped).
fn attributes(attrs: &str) -> Vec<(&str, &str)> {
    let mut parts = attrs.split('"');
    let mut v = Vec::new();
    while let (Some(name), Some(value)) = (parts.next(), parts.next()) {
        v.push((name.trim().trim_end_matches('='), value));
    }
    v
}

/// Whether an element may only hold phrasing content (text and phrases).
fn holds_phrases_only(name: &str) -> bool {
    "p h1 h2 h3 h4 h5 h6 pre abbr b bdi cite code dfn em i kbd mark q s samp small span strong \
     sub sup u var"
        .split_whitespace()
        .any(|n| n == name)
}

/// Whether an element is a block: not allowed where only phrases are.
fn is_block(name: &str) -> bool {
    "p div h1 h2 h3 h4 h5 h6 ul ol li blockquote pre table thead tbody tr th td hr"
        .split_whitespace()
        .any(|n| n == name)
}

const HEADINGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];

fn is_void(name: &str) -> bool {
    matches!(name, "br" | "hr" | "img" | "wbr")
}

/// The parts of a table that hold nothing but other parts (and white space).
fn is_table_part(name: &str) -> bool {
    matches!(name, "table" | "thead" | "tbody" | "tr")
}

/// Whether `text` (escaped HTML text) holds more than white space.
fn has_text(text: &str) -> bool {
    text.split("&nbsp;")
        .any(|piece| piece.bytes().any(|b| !b.is_ascii_whitespace()))
}

/// Whether `html`, the content of a link as [`tidy`] wrote it, gives the link a name: text,
/// or an image with a text alternative.
fn names(html: &str) -> bool {
    (Tokens { html, pos: 0 }).any(|token| match token {
        Token::Text(text) => has_text(text),
        Token::Start {
            name: "img", attrs, ..
        } => attributes(attrs)
            .iter()
            .any(|&(n, v)| n == "alt" && has_text(v)),
        _ => false,
    })
}

/// `s` without the characters HTML forbids.
fn without_forbidden(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_forbidden) {
        Cow::Owned(s.chars().filter(|&c| !is_forbidden(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// Where the next node goes, in [`tidy`].
#[derive(Clone, Copy)]
struct Place {
    /// Only phrases are allowed (inside a paragraph, a heading, `pre` or a phrase).
    phrases_only: bool,
    /// Inside a link: no other link may be.
    in_link: bool,
    /// The stack index of the nearest element written (not given way to), if any.
    parent: Option<usize>,
    /// The stack index of the nearest table written, if any.
    table: Option<usize>,
    /// Inside what goes before a table: a heading there would come before headings of the
    /// table written earlier, and the levels could skip.
    moved: bool,
}

const TOP: Place = Place {
    phrases_only: false,
    in_link: false,
    parent: None,
    table: None,
    moved: false,
};

/// An element open in [`tidy`].
struct Open<'h> {
    name: &'h str,
    /// The name written, which differs for a heading given another level.
    written: &'h str,
    /// Whether its tags are written; when not, its content takes its place.
    kept: bool,
    /// An element the tidy opened: an `li` around what a list holds that is not an item, a
    /// `tbody` around rows right in a table.
    added: bool,
    /// The stack index of the table it is moved before when it ends.
    fostered: Option<usize>,
    /// Where its start tag is in the output (moved on by what goes before a table, for a
    /// table and its parts), and where its content starts.
    at: usize,
    content_at: usize,
    /// Where what moves with it starts: its start tag, or what went before it if it is a
    /// table.
    from: usize,
    /// For a link: it has a title, which names it.
    titled: bool,
    /// The rows and parts written in a table, the cells written in a row.
    children: usize,
    /// Where it is.
    outer: Place,
    /// Where its content goes.
    inner: Place,
}

struct Tidy<'h> {
    out: String,
    stack: Vec<Open<'h>>,
    /// The ids written so far.
    ids: HashSet<&'h str>,
    prefix: &'h str,
    /// The level of the last heading written (`H2` before the first: the post's own).
    heading: HeadingLevel,
}

impl<'h> Tidy<'h> {
    fn place(&self) -> Place {
        self.stack.last().map_or(TOP, |o| o.inner)
    }

    fn parent_name(&self, place: Place) -> &'h str {
        place.parent.map_or("", |k| self.stack[k].name)
    }

    /// Where a node (an element named `element`, or text) goes: where it is, in an item
    /// opened for it in a list, or before the table it stands in (then with that table's
    /// index).
    fn settle(&mut self, element: Option<&str>) -> (Place, Option<usize>) {
        let place = self.place();
        let parent = self.parent_name(place);
        if is_table_part(parent) {
            let fits = matches!(
                (parent, element),
                ("table", Some("thead" | "tbody" | "tr"))
                    | ("thead" | "tbody", Some("tr"))
                    | ("tr", Some("th" | "td"))
            );
            return match place.table {
                Some(table) if !fits => (
                    Place {
                        moved: true,
                        ..self.stack[table].outer
                    },
                    Some(table),
                ),
                // As the parser reads a row right in a table.
                _ if parent == "table" && element == Some("tr") => (self.open_added("tbody"), None),
                _ => (place, None),
            };
        }
        if matches!(parent, "ul" | "ol") && element != Some("li") {
            return (self.open_added("li"), None);
        }
        (place, None)
    }

    /// Opens an element the markup lacks, where the next node goes: an item in a list, a
    /// body in a table. Returns where its content goes.
    fn open_added(&mut self, name: &'static str) -> Place {
        let place = self.place();
        if let Some(k) = place.parent {
            self.stack[k].children += 1;
        }
        let at = self.out.len();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        let inner = Place {
            phrases_only: false,
            parent: Some(self.stack.len()),
            ..place
        };
        self.stack.push(Open {
            name,
            written: name,
            kept: true,
            added: true,
            fostered: None,
            at,
            content_at: self.out.len(),
            from: at,
            titled: false,
            children: 0,
            outer: place,
            inner,
        });
        inner
    }

    fn text(&mut self, text: &str) {
        let text = without_forbidden(text);
        let place = self.place();
        let parent = self.parent_name(place);
        if (is_table_part(parent) || matches!(parent, "ul" | "ol"))
            && text.bytes().all(|b| b.is_ascii_whitespace())
        {
            self.out.push_str(&text);
            return;
        }
        match self.settle(None) {
            (_, Some(table)) => self.insert_before(table, &text),
            (_, None) => self.out.push_str(&text),
        }
    }

    fn start(&mut self, tag: &'h str, name: &'h str, attrs: &'h str) {
        // An item or a body the tidy opened ends where the next one starts.
        if self.stack.last().is_some_and(|o| {
            o.added
                && (o.name == "li" && name == "li"
                    || o.name == "tbody" && matches!(name, "thead" | "tbody"))
        }) {
            self.close();
        }
        let attrs = attributes(attrs);
        let has = |a: &str| attrs.iter().any(|&(n, _)| n == a);
        if name == "img" && !has("src") {
            // An attribute value escapes `"` but not `<` and `>`; text the other way round.
            let alt = attrs.iter().find(|&&(n, _)| n == "alt").map_or("", |a| a.1);
            let text = alt
                .replace("&quot;", "\"")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            self.text(&text);
            return;
        }
        let (place, fostered) = self.settle(Some(name));
        let parent = self.parent_name(place);
        let children = place.parent.map_or(0, |k| self.stack[k].children);
        let kept = match name {
            _ if place.phrases_only && is_block(name) => false,
            "li" => matches!(parent, "ul" | "ol"),
            "thead" => parent == "table" && children == 0,
            "tbody" => parent == "table",
            "tr" => matches!(parent, "table" | "thead" | "tbody"),
            "th" | "td" => parent == "tr",
            "a" => !place.in_link && has("href"),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => !place.moved,
            _ => true,
        };
        let at = self.out.len();
        let mut written = name;
        if kept {
            if let Some(level) = name
                .strip_prefix('h')
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|n| HeadingLevel::try_from(n).ok())
            {
                self.heading = heading_under(level, self.heading);
                written = HEADINGS[self.heading as usize - 1];
            }
            self.write_start(tag, written, written != name, &attrs);
            if let Some(k) = place.parent {
                self.stack[k].children += 1;
            }
        }
        let inner = if kept {
            let here = self.stack.len();
            Place {
                phrases_only: place.phrases_only || holds_phrases_only(name),
                in_link: place.in_link || name == "a",
                parent: Some(here),
                table: if name == "table" {
                    Some(here)
                } else {
                    place.table
                },
                moved: place.moved,
            }
        } else {
            place
        };
        let titled = attrs
            .iter()
            .any(|&(n, v)| n == "title" && has_text(&without_forbidden(v)));
        self.stack.push(Open {
            name,
            written,
            kept,
            added: false,
            fostered,
            at,
            content_at: self.out.len(),
            from: at,
            titled,
            children: 0,
            outer: place,
            inner,
        });
        if is_void(name) {
            self.close();
        }
    }

    /// Writes a start tag for an element written as `name` (`renamed` when that is not the
    /// name in `tag`), as it is unless something must change: an id that is not this post's
    /// footnote's or is already used goes, forbidden characters go, an image gets an empty
    /// `alt` if it has none.
    fn write_start(&mut self, tag: &str, name: &str, renamed: bool, attrs: &[(&'h str, &'h str)]) {
        let mut fixed: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(attrs.len() + 1);
        let mut changed = renamed;
        for &(attribute, value) in attrs {
            if attribute == "id" {
                let footnote = value
                    .strip_prefix(self.prefix)
                    .and_then(|rest| rest.strip_prefix("-fn-"))
                    .is_some_and(|label| {
                        !label.is_empty() && !label.bytes().any(|b| b.is_ascii_whitespace())
                    });
                if !footnote || !self.ids.insert(value) {
                    changed = true;
                    continue;
                }
            }
            let value = without_forbidden(value);
            changed |= matches!(value, Cow::Owned(_));
            fixed.push((attribute, value));
        }
        if name == "img" && !attrs.iter().any(|&(n, _)| n == "alt") {
            fixed.push(("alt", Cow::Borrowed("")));
            changed = true;
        }
        if !changed {
            self.out.push_str(tag);
            return;
        }
        self.out.push('<');
        self.out.push_str(name);
        for (attribute, value) in fixed {
            self.out.push(' ');
            self.out.push_str(attribute);
            self.out.push_str("=\"");
            self.out.push_str(&value);
            self.out.push('"');
        }
        self.out.push('>');
    }

    fn end(&mut self, name: &str) {
        while self.stack.last().is_some_and(|o| o.added) {
            self.close();
        }
        if self.stack.last().is_some_and(|o| o.name == name) {
            self.close();
        }
    }

    /// Closes the element on top of the stack.
    fn close(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        if open.kept {
            if open.name == "tr" && open.children == 0 {
                self.out.truncate(open.at);
            } else if open.name == "a" && !open.titled && !names(&self.out[open.content_at..]) {
                let content = self.out.split_off(open.content_at);
                self.out.truncate(open.at);
                self.out.push_str(&content);
            } else if !is_void(open.name) {
                self.out.push_str("</");
                self.out.push_str(open.written);
                self.out.push('>');
            }
        }
        if let Some(table) = open.fostered {
            let moved = self.out.split_off(open.from);
            self.insert_before(table, &moved);
        }
    }

    /// Writes `s` just before the table at stack index `table`.
    fn insert_before(&mut self, table: usize, s: &str) {
        self.out.insert_str(self.stack[table].at, s);
        for open in &mut self.stack[table..] {
            open.at += s.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::to_html;

    /// Issue 12: `<a href="javascript:…">voir</a>` became `<a rel="…">voir</a>`, and the
    /// Nu HTML Checker rejects an `a` without `href` that carries `rel`.
    #[test]
    fn a_raw_link_to_javascript_gives_way_to_its_text() {
        assert_eq!(
            to_html("<a href=\"javascript:alert(1)\">voir</a>", "p0"),
            "<p>voir</p>\n"
        );
    }

    #[test]
    fn raw_links_to_data_vbscript_and_unknown_schemes_give_way_to_their_text() {
        let html = to_html(
            "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">a</a> <a href=\"vbscript:msgbox(1)\">b</a> \
             <a href=\"livescript:x\">c</a>",
            "p0",
        );
        assert_eq!(html, "<p>a b c</p>\n");
    }

    #[test]
    fn a_dangerous_scheme_in_mixed_case_entities_or_spaces_gives_way_to_the_text() {
        for raw in [
            "<a href=\"JaVaScRiPt:alert(1)\">voir</a>",
            "<A HREF=\"JAVASCRIPT:alert(1)\">voir</A>",
            "<a href=\"jav&#x61;script:alert(1)\">voir</a>",
            "<a href=\"&#106;avascript:alert(1)\">voir</a>",
            "<a href=\"&#x6A&#x61&#x76&#x61script:alert(1)\">voir</a>",
            "<a href=\"java&#9;script:alert(1)\">voir</a>",
            "<a href=\"java&NewLine;script:alert(1)\">voir</a>",
            "<a href=\" &#14; javascript:alert(1)\">voir</a>",
            "<a href='javascript:alert(1)'>voir</a>",
            "<a href=javascript:alert(1)>voir</a>",
        ] {
            assert_eq!(to_html(raw, "p0"), "<p>voir</p>\n", "{raw}");
        }
    }

    #[test]
    fn named_anchors_and_links_without_an_address_give_way_to_their_text() {
        assert_eq!(
            to_html(
                "<a name=\"x\">a</a> <a>b</a> <a id=\"y\">c</a> <a title=\"t\" hreflang=\"fr\">d</a>",
                "p0"
            ),
            "<p>a b c d</p>\n"
        );
    }

    #[test]
    fn an_empty_address_is_a_valid_link() {
        assert_eq!(
            to_html("[a]() <a href>b</a> <a href=\"\">c</a>", "p0"),
            "<p><a href=\"\" rel=\"noopener noreferrer nofollow\">a</a> \
             <a href=\"\" rel=\"noopener noreferrer nofollow\">b</a> \
             <a href=\"\" rel=\"noopener noreferrer nofollow\">c</a></p>\n"
        );
    }

    #[test]
    fn a_link_inside_a_link_gives_way_to_its_text() {
        assert_eq!(
            to_html(
                "<a href=\"https://a.fr/\">outer <a href=\"https://b.fr/\">inner</a> tail</a>",
                "p0"
            ),
            "<p><a href=\"https://a.fr/\" rel=\"noopener noreferrer nofollow\">outer </a>\
             <a href=\"https://b.fr/\" rel=\"noopener noreferrer nofollow\">inner</a> tail</p>\n"
        );
        // Through a table, the parser keeps the outer link around the inner one.
        let html = to_html(
            "<a href=\"https://a.fr/\"><table><tr><td><a href=\"https://b.fr/\">cell</a>\
             <b>bold</b></td></tr></table></a>",
            "p0",
        );
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        assert!(html.contains("<td><a href=\"https://b.fr/\""), "{html}");
    }

    #[test]
    fn a_link_without_a_name_gives_way_to_its_content() {
        assert_eq!(
            to_html(
                "[](https://x.fr) [ ](https://x.fr) <a href=\"https://x.fr\"></a> [&#1;](https://x.fr) \
                 [![](a.png)](https://x.fr)",
                "p0"
            ),
            "<p>     <img src=\"a.png\" alt=\"\"></p>\n"
        );
        // A title, text, or an image's text alternative names it.
        let named = to_html(
            "[](https://x.fr \"Title\") [![Logo](a.png)](https://x.fr) [x](https://x.fr)",
            "p0",
        );
        assert_eq!(named.matches("<a href=").count(), 3, "{named}");
    }

    #[test]
    fn an_image_with_a_dangerous_source_gives_way_to_its_text_alternative() {
        assert_eq!(
            to_html(
                "![logo](javascript:x) ![data](data:image/png;base64,AAAA) \
                 <img src=\"javascript:x\" alt=\"a &amp; &quot;b&quot; <c>\"> <IMG SRC=JaVaScRiPt:x ALT=d>",
                "p0"
            ),
            "<p>logo data a &amp; \"b\" &lt;c&gt; d</p>\n"
        );
    }

    #[test]
    fn an_image_without_a_source_gives_way_to_its_text_alternative() {
        assert_eq!(
            to_html(
                "<img alt=\"a\"> <img> <img src=\"\" alt=\"b\"> <img src=\" \" alt=\"c\"> ![d]() ![e](<>)",
                "p0"
            ),
            "<p>a  b c d e</p>\n"
        );
    }

    #[test]
    fn an_image_without_a_text_alternative_gets_an_empty_one() {
        assert_eq!(
            to_html("<img src=\"a.png\" onerror=\"alert(1)\">", "p0"),
            "<img src=\"a.png\" alt=\"\">"
        );
    }

    #[test]
    fn ids_stay_only_on_the_posts_footnote_definitions_once() {
        assert_eq!(
            to_html(
                "<div id=\"main\">a</div><div id=\"p0-fn-x\">b</div><div id=\"p0-fn-x\">c</div>\
                 <div id=\"p1-fn-y\">d</div><div id=\"\">e</div><sup id=\"p0-fn-a b\">f</sup>",
                "p0"
            ),
            "<div>a</div><div id=\"p0-fn-x\">b</div><div>c</div><div>d</div><div>e</div><sup>f</sup>"
        );
    }

    #[test]
    fn a_block_inside_a_phrase_gives_way_to_its_content() {
        // In an HTML block, where no paragraph is open for the parser to close.
        assert_eq!(
            to_html(
                "<div><b><p>a</p></b> <em><ul><li>b</li></ul></em> <code><pre>c</pre></code> \
                 <q><blockquote>d</blockquote></q> <h1><div>e</div></h1> <span><hr></span></div>",
                "p0"
            ),
            "<div><b>a</b> <em>b</em> <code>c</code> <q>d</q> <h3>e</h3> <span></span></div>"
        );
        assert_eq!(
            to_html("<b>\n\n- a\n- b\n\n</b>", "p0"),
            "<b>\n\na\nb\n\n</b>"
        );
    }

    #[test]
    fn stray_list_items_rows_and_cells_give_way_to_their_content() {
        assert_eq!(
            to_html(
                "<li>a</li> <td>b</td> <tr>c</tr> <th>d</th> <tbody>e</tbody>",
                "p0"
            ),
            "a b c d e"
        );
    }

    #[test]
    fn what_a_list_holds_beside_its_items_goes_in_an_item() {
        assert_eq!(
            to_html("<ul>text<p>para</p><li>item</li><div>div</div> </ul>", "p0"),
            "<ul><li>text<p>para</p></li><li>item</li><li><div>div</div> </li></ul>"
        );
        assert_eq!(
            to_html("<ol><ul><li>a</li></ul></ol>", "p0"),
            "<ol><li><ul><li>a</li></ul></li></ol>"
        );
    }

    #[test]
    fn what_a_table_holds_beside_its_rows_goes_before_it() {
        assert_eq!(
            to_html(
                "<table><caption>cap</caption><tr><td>1</td></tr><tr></tr></table>",
                "p0"
            ),
            "cap<table><tbody><tr><td>1</td></tr></tbody></table>"
        );
        // A head after the first rows is no head.
        assert_eq!(
            to_html(
                "<table><tr><td>1</td></tr><thead><tr><th>h</th></tr></thead></table>",
                "p0"
            ),
            "<table><tbody><tr><td>1</td></tr></tbody><tbody><tr><th>h</th></tr></tbody></table>"
        );
    }

    /// Found by `sanitized_html_is_already_in_order`: a table in a table's caption, a head
    /// after a head, a heading that would go before a table.
    #[test]
    fn exotic_tables_come_out_in_order() {
        for (md, html) in [
            (
                "<table><thead><thead><td>",
                "<table><thead></thead><tbody><tr><td></td></tr></tbody></table>",
            ),
            (
                "<table><caption><table><caption>é",
                "é<table></table><table></table>",
            ),
            (
                "<table><td><h2><caption><h4>",
                "<table><tbody><tr><td><h3></h3></td></tr></tbody></table>",
            ),
        ] {
            assert_eq!(to_html(md, "p0"), html, "{md}");
        }
    }

    #[test]
    fn headings_never_skip_a_level() {
        assert_eq!(
            to_html("<h1>a</h1><h5>b</h5><h2>c</h2><h6>d</h6>", "p0"),
            "<h3>a</h3><h4>b</h4><h3>c</h3><h4>d</h4>"
        );
        // A post that starts with its smaller headings.
        assert_eq!(
            to_html("### A\n\n# B\n\n### C", "p0"),
            "<h3>A</h3>\n<h3>B</h3>\n<h4>C</h4>\n"
        );
    }

    #[test]
    fn deeply_nested_markup_is_put_in_order_without_recursion() {
        let depth = 8_000;
        let md = format!(
            "{}x{}",
            "<span><div>".repeat(depth),
            "</div></span>".repeat(depth)
        );
        let html = to_html(&md, "p0");
        assert!(html.contains('x'));
        assert!(!html.contains("<span><div>"), "a div stayed in a span");
    }

    mod hostile {
        use proptest::prelude::*;

        /// Markdown with raw HTML in any order: tags a post may keep or not, attributes
        /// valid or not, Markdown blocks between them.
        fn hostile() -> impl Strategy<Value = String> {
            let tag = prop::sample::select(
                "a b i em span p div ul ol li table thead tbody tr td th h1 h2 h4 h6 blockquote \
                 q code img br hr wbr sup del ins abbr mark caption tfoot colgroup col dl dd \
                 details summary center form select option script style svg"
                    .split_whitespace()
                    .collect::<Vec<_>>(),
            );
            let attribute = prop::sample::select(vec![
                "",
                " href=\"https://a.fr/x\"",
                " href=\"javascript:alert(1)\"",
                " href=\"\"",
                " href=\"a b#c#d\"",
                " src=\"x.png\"",
                " src=\"\"",
                " alt=\"alt\"",
                " id=\"p0-fn-1\"",
                " id=\"main\"",
                " title=\"t\"",
                " style=\"text-align:center\"",
                " onclick=\"x\"",
                " start=\"3\"",
                " alt=\"\"",
                " width=\"3\"",
                " href=\"https://u:p@a.fr/\"",
            ]);
            let other = prop::sample::select(vec![
                "text",
                " ",
                "\n",
                "\n\n",
                "&amp;",
                "&#1;",
                "é",
                "- item\n",
                "# h\n",
                "| a |\n|---|\n| b |\n",
                "[^1]",
                "\n\n[^1]: note\n\n",
                "[l](https://x.fr)",
                "![i](i.png)",
                "<!-- c -->",
                "\u{1}",
            ]);
            let piece = prop_oneof![
                3 => (tag.clone(), attribute).prop_map(|(t, a)| format!("<{t}{a}>")),
                2 => tag.prop_map(|t| format!("</{t}>")),
                2 => other.prop_map(str::to_string),
            ];
            prop::collection::vec(piece, 0..25).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]
            /// What the sanitizer gives is HTML the parser reads as it is written, so cleaning
            /// it again changes nothing: a proxy for its validity, which tests/browser checks
            /// with the Nu HTML Checker on the `hostile` fixture.
            #[test]
            fn sanitized_html_is_already_in_order(md in hostile()) {
                use super::super::super::{sanitizer, to_html};
                use super::super::super::tidy::tidy;
                let html = to_html(&md, "p0");
                let again = tidy(&sanitizer().clean(&html).to_string(), "p0");
                prop_assert_eq!(again, html, "for {:?}", md);
            }
        }
    }
}
