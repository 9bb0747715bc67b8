//! Markdown to sanitized HTML.
//!
//! CommonMark with tables, strikethrough and footnotes, parsed by pulldown-cmark. No script,
//! event handler, style, frame or `javascript:` / `data:` URL written in an incident file
//! reaches a page:
//!
//! - a post with raw HTML, a link or image to any address that is not a valid `http:`,
//!   `https:`, `mailto:` or relative URL (`#anchor`, `path/page.html`), an unusual footnote
//!   label, or a control character is rendered by pulldown-cmark, cleaned by ammonia (an
//!   HTML5 parser and an allow-list), then put in order by [`tidy`] so that the result is
//!   valid HTML wherever the post's author put its tags: no link without an address, no image
//!   without a source, no block inside a phrase, no stray list item or table cell, no
//!   duplicate id, no invalid URL, no character HTML forbids;
//! - any other post, which is nearly every post, cannot carry anything dangerous: it is
//!   written directly by [`Writer`], which produces exactly the bytes ammonia and [`tidy`]
//!   would have made of pulldown-cmark's HTML (`<br>` for `<br />`, `rel="noopener
//!   noreferrer nofollow"` on links, no `class` on code blocks…) at a fraction of the cost.
//!   The unit test `the_direct_writer_matches_ammonia` compares both on generated Markdown.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use pulldown_cmark::{
    html, Alignment, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use super::text::is_forbidden;

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
/// writer accepts: web and mail addresses, and relative ones (which have no scheme), that
/// are valid URLs as they are. Anything else goes through ammonia.
fn is_plain_address(value: &str) -> bool {
    if plain_web_address(value) {
        return true;
    }
    if valid_url(value).is_none_or(|v| v != value) {
        return false;
    }
    match url::Url::parse(value) {
        Ok(u) => matches!(u.scheme(), "http" | "https" | "mailto"),
        Err(url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    }
}

/// Whether `value` is an `http://` or `https://` address that the URL parser surely
/// accepts and [`valid_url`] keeps as it is, without parsing it: a host of plain domain
/// labels (ASCII letters, digits and inner hyphens, no `xn--`, a letter in the last), then
/// nothing or `/`, `?`, `#` and only URL code points, escapes and at most one `#`. Most
/// links in posts are such; `false` says nothing.
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
        && url_stays(tail, &(0..0))
}

/// The bytes a URL holds as they are (the ASCII URL code points); `%` and `#` are valid
/// in some places only, and everything else is percent-encoded.
const URL_SAFE: [bool; 128] = {
    let mut t = [false; 128];
    let safe = b"!$&'()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~";
    let mut k = 0;
    while k < safe.len() {
        t[safe[k] as usize] = true;
        k += 1;
    }
    t
};

/// Whether byte `i` of `url` stays as it is in [`valid_url`]: a URL code point, a `%` that
/// starts an escape, the first `#`, or a bracket of an IPv6 host.
fn url_byte_stays(url: &[u8], i: usize, authority: &std::ops::Range<usize>, hashes: usize) -> bool {
    match url[i] {
        b'%' => url
            .get(i + 1..i + 3)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
        b'#' => hashes == 0,
        b'[' | b']' => authority.contains(&i),
        b => b < 0x80 && URL_SAFE[usize::from(b)],
    }
}

/// Where the host (with its user and port) of `url` is: after `//` at the start or after
/// the scheme, up to the next `/`, `?` or `#`. Empty when there is none.
fn authority(url: &str) -> std::ops::Range<usize> {
    let scheme_end = url
        .find(':')
        .filter(|&k| {
            url[..k].bytes().enumerate().all(|(j, b)| {
                b.is_ascii_alphabetic() || (j > 0 && (b.is_ascii_digit() || b"+-.".contains(&b)))
            })
        })
        .map_or(0, |k| k + 1);
    match url[scheme_end..].strip_prefix("//") {
        Some(rest) => {
            let start = scheme_end + 2;
            start..start + rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len())
        }
        None => 0..0,
    }
}

/// Whether [`valid_url`] leaves every byte of `url` as it is, `authority` being where its
/// host is.
fn url_stays(url: &str, authority: &std::ops::Range<usize>) -> bool {
    let bytes = url.as_bytes();
    let mut hashes = 0;
    (0..bytes.len()).all(|i| {
        let stays = url_byte_stays(bytes, i, authority, hashes);
        hashes += usize::from(bytes[i] == b'#');
        stays
    })
}

/// `value`, the address of a link or an image, as a valid URL (one the Nu HTML Checker
/// accepts), or `None` when no encoding makes it one: a bad host or port, credentials, a
/// scheme without its `//`… Spaces and control characters around it are dropped, as
/// browsers do; inside it, every byte a URL may not hold is percent-encoded, as
/// pulldown-cmark's `escape_href` does, and so are `^`, a `%` that starts no escape and
/// every `#` after the first. The addresses the direct writer writes come out unchanged.
fn valid_url(value: &str) -> Option<Cow<'_, str>> {
    let value = value.trim_matches(|c: char| c <= ' ');
    let bytes = value.as_bytes();
    let authority = authority(value);
    let mut out: Option<String> = None;
    let mut mark = 0;
    let mut hashes = 0;
    for i in 0..bytes.len() {
        if !url_byte_stays(bytes, i, &authority, hashes) {
            let o = out.get_or_insert_with(|| String::with_capacity(value.len() + 16));
            // Every byte from `mark` to `i` stays, so is ASCII: when there is one, both
            // ends are on char boundaries.
            if mark < i {
                o.push_str(&value[mark..i]);
            }
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            o.push('%');
            o.push(char::from(HEX[usize::from(bytes[i] >> 4)]));
            o.push(char::from(HEX[usize::from(bytes[i] & 0xF)]));
            mark = i + 1;
        }
        hashes += usize::from(bytes[i] == b'#');
    }
    let url = match out {
        Some(mut o) => {
            o.push_str(&value[mark..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(value),
    };
    url_is_valid(&url).then_some(url)
}

/// Whether the URL parser reads `url` (resolved against a base when relative) without a
/// validation error, and its host, if it has one, has no empty label.
fn url_is_valid(url: &str) -> bool {
    static BASE: OnceLock<Option<url::Url>> = OnceLock::new();
    let violation = Cell::new(false);
    let report = |_| violation.set(true);
    // Without a base first: against one of the same scheme, `https:x.fr` would read as a
    // relative path, which the checker does not accept.
    let mut parsed = url::Url::options()
        .syntax_violation_callback(Some(&report))
        .parse(url);
    if parsed == Err(url::ParseError::RelativeUrlWithoutBase) {
        let base = BASE.get_or_init(|| url::Url::parse("https://base.invalid/").ok());
        parsed = url::Url::options()
            .base_url(base.as_ref())
            .syntax_violation_callback(Some(&report))
            .parse(url);
    }
    match parsed {
        Ok(u) => {
            !violation.get()
                && match u.host() {
                    Some(url::Host::Domain(d)) => {
                        let d = d.strip_suffix('.').unwrap_or(d);
                        d.split('.').all(|label| !label.is_empty())
                    }
                    _ => true,
                }
        }
        Err(_) => false,
    }
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
/// text alternative, or a title, beyond white space and forbidden characters. [`tidy`]
/// lets a link without one give way to its content.
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
fn tidy(html: &str, prefix: &str) -> String {
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
    let text = folded.into_string();
    // The characters HTML and XML forbid go (they come from character references, or from
    // the file). Their UTF-8 starts with one of these bytes; the second test is exact.
    if text
        .bytes()
        .any(|b| b < 0x20 || b == 0x7F || b == 0xC2 || b >= 0xEF)
        && text.chars().any(is_forbidden)
    {
        let kept: String = text.chars().filter(|&c| !is_forbidden(c)).collect();
        return kept.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    text
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
    fn addresses_are_made_valid_urls_or_dropped() {
        let link = |href: &str| format!("<a href=\"{href}\" rel=\"{LINK_REL}\">x</a>");
        for (raw, written) in [
            ("https://x.fr/a b", Some("https://x.fr/a%20b")),
            (" https://x.fr/\t", Some("https://x.fr/")),
            ("https://x.fr/100%", Some("https://x.fr/100%25")),
            ("https://x.fr/%C3%A9", Some("https://x.fr/%C3%A9")),
            ("#a#b", Some("#a%23b")),
            ("a^b", Some("a%5Eb")),
            (
                "https://x.fr/é`{|}[]",
                Some("https://x.fr/%C3%A9%60%7B%7C%7D%5B%5D"),
            ),
            ("https://x.fr/a\\b", Some("https://x.fr/a%5Cb")),
            ("http://[::1]:8080/x", Some("http://[::1]:8080/x")),
            ("//other.example/x", Some("//other.example/x")),
            ("tel:+33 1 23", Some("tel:+33%201%2023")),
            ("https://user:pass@x.fr/", None),
            ("https://x.fr:99999/", None),
            ("https:x.fr", None),
            ("http:/x.fr", None),
            ("https://x..fr/", None),
            ("http://exa mple/", None),
            ("https://999.1.1.1/", None),
        ] {
            let html = to_html(&format!("<a href=\"{raw}\">x</a>"), "p0");
            let want = match written {
                Some(href) => format!("<p>{}</p>\n", link(href)),
                None => "<p>x</p>\n".to_string(),
            };
            assert_eq!(html, want, "{raw:?}");
        }
        // Markdown links get the same, through ammonia.
        assert_eq!(
            to_html("[x](100%) [y](#a#b) [z](a^b)", "p0"),
            "<p><a href=\"100%25\" rel=\"noopener noreferrer nofollow\">x</a> \
             <a href=\"#a%23b\" rel=\"noopener noreferrer nofollow\">y</a> \
             <a href=\"a%5Eb\" rel=\"noopener noreferrer nofollow\">z</a></p>\n"
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
    fn a_carriage_return_from_a_character_reference_is_a_line_feed() {
        assert_eq!(to_html("a&#13;b", "p0"), "<p>a\nb</p>\n");
        assert_eq!(to_html("a&#13;\nb", "p0"), "<p>a\nb</p>\n");
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
                use super::super::*;
                let html = to_html(&md, "p0");
                let again = tidy(&sanitizer().clean(&html).to_string(), "p0");
                prop_assert_eq!(again, html, "for {:?}", md);
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
