//! Link and image addresses made valid URLs, or dropped: what the Nu HTML Checker accepts
//! in an `href` or a `src`.
//!
//! ammonia keeps an address whose scheme it allows, whatever the rest of it holds; the
//! checker rejects spaces, stray `%`, a second `#`, a bad host or port… [`valid_url`]
//! percent-encodes what can be encoded and drops the rest, and the verdict on the result
//! is the URL parser's (the `url` crate's WHATWG syntax violations), so that "valid" means
//! here what it means to the checker.

use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Range;
use std::sync::OnceLock;

use ::url::{Host, ParseError, Url};

/// Whether `value` is an `http://` or `https://` address that the URL parser surely
/// accepts and [`valid_url`] keeps as it is, without parsing it: a host of plain domain
/// labels (ASCII letters, digits and inner hyphens, no `xn--`, a letter in the last), then
/// nothing or `/`, `?`, `#` and only URL code points, escapes and at most one `#`. Most
/// links in posts are such; `false` says nothing.
pub(super) fn plain_web_address(value: &str) -> bool {
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
fn url_byte_stays(url: &[u8], i: usize, authority: &Range<usize>, hashes: usize) -> bool {
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
fn authority(url: &str) -> Range<usize> {
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
fn url_stays(url: &str, authority: &Range<usize>) -> bool {
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
pub(super) fn valid_url(value: &str) -> Option<Cow<'_, str>> {
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
    static BASE: OnceLock<Option<Url>> = OnceLock::new();
    let violation = Cell::new(false);
    let report = |_| violation.set(true);
    // Without a base first: against one of the same scheme, `https:x.fr` would read as a
    // relative path, which the checker does not accept.
    let mut parsed = Url::options()
        .syntax_violation_callback(Some(&report))
        .parse(url);
    if parsed == Err(ParseError::RelativeUrlWithoutBase) {
        let base = BASE.get_or_init(|| Url::parse("https://base.invalid/").ok());
        parsed = Url::options()
            .base_url(base.as_ref())
            .syntax_violation_callback(Some(&report))
            .parse(url);
    }
    match parsed {
        Ok(u) => {
            !violation.get()
                && match u.host() {
                    Some(Host::Domain(d)) => {
                        let d = d.strip_suffix('.').unwrap_or(d);
                        d.split('.').all(|label| !label.is_empty())
                    }
                    _ => true,
                }
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{to_html, LINK_REL};
    use super::*;

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
                        let parsed = Url::parse(&value);
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
}
