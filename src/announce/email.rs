//! A whole e-mail (RFC 5322, MIME): `multipart/alternative` with the [`text`] rendering
//! and the post's sanitized HTML, both UTF-8 in quoted-printable, CRLF line endings.
//!
//! - `From`: the site's title and `contact.email`; without one, `no-reply@` the host of
//!   `base_url`.
//! - `Date`: the post's time, in the site's time zone.
//! - `Message-ID`: `<incident-id.post-anchor@host>`, the same every time, so that sending
//!   a post twice is recognised; updates refer to the announcement (`In-Reply-To`,
//!   `References`) so mail clients thread them.
//! - `List-Unsubscribe`: only when site.yaml sets `list_unsubscribe`.
//!
//! There is no `To`: give the recipients to the mail tool (`sendmail -i list@… < mail`).

use super::text;
use super::Announcement;
use crate::render::escape::escape;

/// The MIME boundary. It holds `=_`, which quoted-printable always writes `=3D_`, so it
/// can never occur in an encoded part.
pub const BOUNDARY: &str = "=_vigie-announcement";

/// The message, with CRLF line endings.
pub fn render(a: &Announcement) -> String {
    let m = &a.mail;
    let message_id = |anchor: &str| format!("<{}.{anchor}@{}>", m.incident_id, m.host);
    let mut headers: Vec<(&str, String)> = vec![
        (
            "From",
            format!("{} <{}>", display_name(&m.sender_name), m.from),
        ),
        (
            "Subject",
            encode_words("Subject", &format!("{} — {}", a.title, a.post_label), false),
        ),
        ("Date", m.date.clone()),
        ("Message-ID", message_id(&m.anchor)),
    ];
    if let Some(root) = &m.thread_anchor {
        headers.push(("In-Reply-To", message_id(root)));
        headers.push(("References", message_id(root)));
    }
    if !m.list_unsubscribe.is_empty() {
        let urls: Vec<String> = m
            .list_unsubscribe
            .iter()
            .map(|u| format!("<{u}>"))
            .collect();
        headers.push(("List-Unsubscribe", urls.join(", ")));
    }
    headers.push(("Content-Language", a.lang.code().to_string()));
    headers.push(("MIME-Version", "1.0".to_string()));
    headers.push((
        "Content-Type",
        format!("multipart/alternative; boundary=\"{BOUNDARY}\""),
    ));

    let mut out = String::new();
    for (name, value) in headers {
        out.push_str(&fold(name, &value));
    }
    out.push_str("\r\n");
    for (kind, body) in [("plain", text::render(a)), ("html", html(a))] {
        out.push_str(&format!("--{BOUNDARY}\r\n"));
        out.push_str(&format!("Content-Type: text/{kind}; charset=utf-8\r\n"));
        out.push_str("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        out.push_str(&quoted_printable(&body));
        // The line break before a boundary belongs to the boundary (RFC 2046): this one
        // keeps the part's own last line break.
        out.push_str("\r\n");
    }
    out.push_str(&format!("--{BOUNDARY}--\r\n"));
    out
}

/// `Name: value` and CRLF. Values are not folded: the long ones are message ids, which
/// cannot be broken, and some readers keep the folding space in them.
fn fold(name: &str, value: &str) -> String {
    format!("{name}: {value}\r\n")
}

/// The sender's name, as a phrase of plain and encoded words.
fn display_name(name: &str) -> String {
    encode_words("From", name, true)
}

/// A header value as words: plain ASCII words as they are, runs of words that need it
/// (non-ASCII; in a `phrase`, also the specials of RFC 5322) as RFC 2047 encoded words
/// (UTF-8, base64, at most 75 characters each), folded before a word to keep lines
/// within 78 characters after `name: `.
///
/// Plain words between encoded ones keep the spaces around them visible to every reader;
/// encoded words next to each other only occur when a run is too long for one.
pub fn encode_words(name: &str, text: &str, phrase: bool) -> String {
    const SPECIALS: &[char] = &[
        '(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '.', '"',
    ];
    let needs = |w: &str| !w.is_ascii() || w.contains("=?") || (phrase && w.contains(SPECIALS));
    let words: Vec<&str> = text.split(' ').collect();
    let mut tokens: Vec<String> = Vec::new();
    let mut k = 0;
    while k < words.len() {
        if needs(words[k]) {
            let mut end = k;
            while end + 1 < words.len() && needs(words[end + 1]) {
                end += 1;
            }
            tokens.extend(encoded_words(&words[k..=end].join(" ")));
            k = end + 1;
        } else {
            tokens.push(words[k].to_string());
            k += 1;
        }
    }
    let mut out = String::new();
    let mut line = name.len() + 2;
    for (n, token) in tokens.iter().enumerate() {
        if n > 0 {
            if line + 1 + token.len() > 78 && line > 1 {
                out.push_str("\r\n ");
                line = 1;
            } else {
                out.push(' ');
                line += 1;
            }
        }
        out.push_str(token);
        line += token.len();
    }
    out
}

/// `text` as RFC 2047 encoded words: 45 bytes give 60 base64 characters, 72 with
/// `=?utf-8?B?` and `?=`; a character is never split.
fn encoded_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?utf-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?utf-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words
}

/// Base64 (RFC 4648) with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let b = [
            group[0],
            group.get(1).copied().unwrap_or(0),
            group.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= group.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Quoted-printable (RFC 2045): lines of at most 76 characters, CRLF line endings, every
/// non-ASCII byte, `=` and trailing white space encoded.
pub fn quoted_printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    let text = text.strip_suffix('\n').unwrap_or(text);
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let bytes = line.as_bytes();
        let mut current = String::new();
        for (k, &b) in bytes.iter().enumerate() {
            let last = k + 1 == bytes.len();
            let token = match b {
                b'=' => "=3D".to_string(),
                b' ' | b'\t' if last => format!("={b:02X}"),
                b' ' | b'\t' | 33..=126 => (b as char).to_string(),
                _ => format!("={b:02X}"),
            };
            // Keep room for the soft break `=`, unless this is the line's last token.
            let room = if last { 76 } else { 75 };
            if current.len() + token.len() > room {
                out.push_str(&current);
                out.push_str("=\r\n");
                current.clear();
            }
            current.push_str(&token);
        }
        out.push_str(&current);
        out.push_str("\r\n");
    }
    out
}

/// The HTML part: the same header and footer as the other formats around the post's
/// sanitized HTML.
fn html(a: &Announcement) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n</head>\n<body>\n",
        a.lang.code(),
        escape(&a.title)
    ));
    out.push_str(&format!("<h1>{}</h1>\n<p>\n", escape(&a.title)));
    let facts: Vec<String> = a
        .facts
        .iter()
        .map(|f| {
            format!(
                "<strong>{}</strong> {}",
                escape(&a.label(f.label)),
                escape(&f.value)
            )
        })
        .collect();
    out.push_str(&facts.join("<br>\n"));
    out.push_str("\n</p>\n");
    out.push_str(&format!(
        "<h2>{} — {}</h2>\n",
        escape(a.post_label),
        escape(&a.post_time)
    ));
    // The post's HTML was rendered from its Markdown and made safe at load (markdown.rs).
    out.push_str(&a.html);
    if let Some(author) = &a.author {
        out.push_str(&format!("<p>— <em>{}</em></p>\n", escape(author)));
    }
    out.push_str(&format!(
        "<p>{} <a href=\"{url}\">{url}</a></p>\n",
        escape(&a.label(a.t.permalink)),
        url = escape(&a.permalink)
    ));
    if !a.contact.is_empty() {
        out.push_str(&format!(
            "<p><strong>{}</strong><br>\n",
            escape(&a.label(a.t.contact))
        ));
        let lines: Vec<String> = a
            .contact
            .iter()
            .map(|c| {
                format!(
                    "{} <a href=\"{}\">{}</a>",
                    escape(&a.label(c.label)),
                    escape(&c.url),
                    escape(&c.text)
                )
            })
            .collect();
        out.push_str(&lines.join("<br>\n"));
        out.push_str("\n</p>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn non_ascii_words_become_short_encoded_words() {
        assert_eq!(encode_words("Subject", "Plain text", false), "Plain text");
        assert_eq!(
            encode_words("Subject", "Panne — Résolu", false),
            "Panne =?utf-8?B?4oCUIFLDqXNvbHU=?="
        );
        assert_eq!(
            encode_words("From", "Acme, Inc.", true),
            "=?utf-8?B?QWNtZSwgSW5jLg==?="
        );
        let long = encode_words(
            "Subject",
            &"Indisponibilité de l'ensemble des services ".repeat(3),
            false,
        );
        for line in long.split("\r\n") {
            assert!(line.len() <= 78, "{long}");
        }
        assert!(encoded_words(&"é".repeat(60)).iter().all(|w| w.len() <= 75));
    }

    #[test]
    fn quoted_printable_keeps_lines_short_and_encodes_what_it_must() {
        assert_eq!(
            quoted_printable("é = x \nok\n"),
            "=C3=A9 =3D x=20\r\nok\r\n"
        );
        let qp = quoted_printable(&"é".repeat(100));
        assert!(
            qp.lines().all(|l| l.trim_end_matches('\r').len() <= 76),
            "{qp}"
        );
        // Every `=` starts a whole escape or is a soft break at the end of a line.
        for line in qp.lines().map(|l| l.trim_end_matches('\r')) {
            let body = line.strip_suffix('=').unwrap_or(line);
            for (k, _) in body.match_indices('=') {
                assert!(
                    body[k + 1..]
                        .chars()
                        .take(2)
                        .filter(char::is_ascii_hexdigit)
                        .count()
                        == 2,
                    "{line}"
                );
            }
        }
    }
}
