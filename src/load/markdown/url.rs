//! Link and image addresses made valid URLs, or dropped: what the Nu HTML Checker accepts
//! in an `href` or a `src`.
//!
//! ammonia keeps an address whose scheme it allows, whatever the rest of it holds; the
//! checker rejects spaces, stray `%`, a second `#`, a bad host or port… [`valid_url`]
//! percent-encodes what can be encoded and drops the rest. The verdict on the result is
//! the URL parser's: the `url` crate reads it, against a base when it is relative, and any
//! WHATWG validation error it reports (`syntax_violation_callback`) makes it invalid, as it
//! does for the checker.
//!
//! One shortcut is kept by hand for speed: [`plain_web_address`] recognises the common
//! `https://host/path` links without parsing them. Parsing every link instead costs the
//! 10,000-incident build 2 % more instructions (callgrind) and CPU time. The test
//! `plain_web_addresses_are_those_the_url_parser_accepts` checks it against the parser on
//! generated addresses: it never accepts one the parser would not keep as it is.

use std::borrow::Cow;
use std::cell::Cell;
use std::ops::Range;
use std::sync::OnceLock;

use ::url::{Host, ParseError, Url};

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

/// Whether ammonia keeps a link or image address unchanged, for the addresses the direct
/// writer accepts: web and mail addresses, and relative ones (which have no scheme), that
/// are valid URLs as they are. Anything else goes through ammonia.
pub(super) fn is_plain_address(value: &str) -> bool {
    plain_web_address(value) || parsed_plain_address(value)
}

/// [`is_plain_address`] as the URL parser decides it: [`valid_url`] leaves `value` as it
/// is, and it is a web or mail address or a relative one.
fn parsed_plain_address(value: &str) -> bool {
    // What `valid_url` would change: spaces around, bytes to encode.
    if value.len() != value.trim_matches(|c: char| c <= ' ').len()
        || !url_stays(value, &authority(value))
    {
        return false;
    }
    match parse_valid(value) {
        Some(Valid::Absolute(u)) => matches!(u.scheme(), "http" | "https" | "mailto"),
        Some(Valid::Relative) => true,
        None => false,
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
    // The URL standard reads a host whose last label is a number (decimal, or `0x` and
    // hexadecimal digits, `0x` alone included) as an IPv4 address: leave those to it.
    let is_number = |l: &str| match l.get(..2).filter(|p| p.eq_ignore_ascii_case("0x")) {
        Some(_) => l[2..].bytes().all(|b| b.is_ascii_hexdigit()),
        None => l.bytes().all(|b| b.is_ascii_digit()),
    };
    host.split('.').all(label_ok)
        && host.rsplit('.').next().is_some_and(|l| !is_number(l))
        && url_stays(tail, &(0..0))
}

/// A URL the parser reads without a validation error.
enum Valid {
    /// One with a scheme.
    Absolute(Url),
    /// One without (`#anchor`, `page.html`, `//host/x`), read against a base.
    Relative,
}

/// Whether the URL parser reads `url` (resolved against a base when relative) without a
/// validation error, and its host, if it has one, has no empty label.
fn url_is_valid(url: &str) -> bool {
    parse_valid(url).is_some()
}

/// `url` as the URL parser reads it, when it is valid (see [`url_is_valid`]).
fn parse_valid(url: &str) -> Option<Valid> {
    static BASE: OnceLock<Option<Url>> = OnceLock::new();
    let violation = Cell::new(false);
    let report = |_| violation.set(true);
    // Without a base first: against one of the same scheme, `https:x.fr` would read as a
    // relative path, which the checker does not accept.
    let parsed = Url::options()
        .syntax_violation_callback(Some(&report))
        .parse(url);
    let (parsed, relative) = match parsed {
        Err(ParseError::RelativeUrlWithoutBase) => {
            let base = BASE.get_or_init(|| Url::parse("https://base.invalid/").ok());
            let parsed = Url::options()
                .base_url(base.as_ref())
                .syntax_violation_callback(Some(&report))
                .parse(url);
            (parsed.ok()?, true)
        }
        parsed => (parsed.ok()?, false),
    };
    let labels_ok = match parsed.host() {
        Some(Host::Domain(d)) => {
            let d = d.strip_suffix('.').unwrap_or(d);
            d.split('.').all(|label| !label.is_empty())
        }
        _ => true,
    };
    if violation.get() || !labels_ok {
        return None;
    }
    Some(if relative {
        Valid::Relative
    } else {
        Valid::Absolute(parsed)
    })
}

#[cfg(test)]
mod tests {
    use super::super::{to_html, LINK_REL};
    use super::*;

    /// [`is_plain_address`] in the words of its definition: [`valid_url`] keeps `value` as
    /// it is, and the URL parser reads a web or mail address, or a relative one.
    fn plain_by_definition(value: &str) -> bool {
        valid_url(value).is_some_and(|v| v == value)
            && match Url::parse(value) {
                Ok(u) => matches!(u.scheme(), "http" | "https" | "mailto"),
                Err(ParseError::RelativeUrlWithoutBase) => true,
                Err(_) => false,
            }
    }

    /// What the hand-written shortcut says of `value`, checked against the parser: when it
    /// accepts an address, the parser reads it as a web address without a validation error
    /// and [`valid_url`] keeps it as it is.
    fn check_plain_web_address(value: &str) -> Result<(), String> {
        if plain_web_address(value) && !parsed_plain_address(value) {
            return Err(format!("{value:?}: {:?}", Url::parse(value)));
        }
        if plain_web_address(value)
            && !matches!(parse_valid(value), Some(Valid::Absolute(u)) if matches!(u.scheme(), "http" | "https"))
        {
            return Err(format!("{value:?} is not a web address"));
        }
        Ok(())
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
            // The last label `0x` is a hexadecimal number to the URL parser.
            "a.0x",
            "a.0X1f",
            "a.0xg",
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
                    if let Err(e) = check_plain_web_address(&value) {
                        panic!("{e}");
                    }
                    assert_eq!(
                        is_plain_address(&value),
                        plain_by_definition(&value),
                        "{value:?}"
                    );
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

    mod generated {
        use proptest::prelude::*;

        /// Addresses near the shortcut's edges: odd schemes, hosts with empty, hyphenated,
        /// numeric, punycode or non-ASCII labels, ports and credentials, tails with escapes,
        /// stray `%`, several `#`, brackets, back slashes and control characters.
        fn address() -> impl Strategy<Value = String> {
            let scheme = prop_oneof![
                4 => prop::sample::select(vec!["https://", "http://"]),
                1 => prop::sample::select(vec!["HTTP://", "https:", "ftp://", "//", "mailto:", ""]),
            ];
            let label = prop_oneof![
                4 => "[a-z][a-z0-9]{0,5}",
                1 => "[a-zA-Z0-9-]{0,6}",
                1 => "[0-9]{1,3}",
                1 => "(xn|XN)--[a-z0-9]{1,4}",
                1 => "[a-zé_ü]{1,4}",
            ];
            let host = prop::collection::vec(label, 1..4).prop_map(|l| l.join("."));
            let after_host =
                prop::sample::select(vec!["", "", "", ".", ":8080", ":99999", "@x.fr"]);
            let piece = prop_oneof![
                3 => "[a-zA-Z0-9]{1,4}",
                3 => prop::sample::select(vec![
                    "/", "?", "#", "=", "&", "%", "%2F", "%zz", "%4", "[", "]", "\\", "^", "`",
                    "{", "|", "}", " ", "\t", "\u{7f}", "é", "'", "\"", "<", ">", "!", "$", "(",
                    ")", "*", "+", ",", ";", ":", "@", "~", "_", "-", ".", "..",
                ])
                .prop_map(str::to_string),
            ];
            let tail = prop::collection::vec(piece, 0..8).prop_map(|p| p.concat());
            (scheme, host, after_host, tail).prop_map(|(s, h, a, t)| format!("{s}{h}{a}{t}"))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(4000))]
            /// The shortcut never accepts an address the URL parser would not keep, and the
            /// direct writer's test of addresses is the one its definition gives.
            #[test]
            fn plain_web_addresses_are_those_the_url_parser_accepts_on_generated_addresses(
                value in address(),
            ) {
                if let Err(e) = super::check_plain_web_address(&value) {
                    return Err(TestCaseError::fail(e));
                }
                prop_assert_eq!(
                    super::is_plain_address(&value),
                    super::plain_by_definition(&value),
                    "{:?}", value
                );
            }
        }
    }
}
