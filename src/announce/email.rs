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
//!
//! The encoders are those lettre uses: `email-encoding` for the encoded words and folding
//! of `From` and `Subject`, `quoted_printable` for the parts. The message is put together
//! here rather than by lettre's `Message` builder, which writes `Date` in UTC only and
//! refuses a message without a recipient; lettre's transports send these bytes as they are
//! (`send_raw`).

use std::fmt::{self, Write as _};

use email_encoding::headers::rfc2047;
use email_encoding::headers::writer::EmailWriter;

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
        ("From", sender(&m.sender_name, &m.from)),
        (
            "Subject",
            encode_words("Subject", &format!("{} — {}", a.title, a.post_label)),
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
    // Only `From` and `Subject` are folded: the other long values are message ids, which
    // cannot be broken, and some readers keep the folding space in them.
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
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

/// The `From` value: the sender's name as a phrase of plain and encoded words, then the
/// address, which starts a new line when the name leaves no room for it.
fn sender(name: &str, address: &str) -> String {
    let mut out = String::new();
    {
        let mut w = EmailWriter::new(&mut out, "From: ".len(), 0, false);
        // Writing into a String cannot fail.
        let _ = write_words(&mut w, name, true);
        w.space();
        let _ = w.folding().write_str(&format!("<{address}>"));
    }
    out
}

/// An unstructured header value (`Subject`) as plain and encoded words, folded after
/// `name: `.
fn encode_words(name: &str, text: &str) -> String {
    let mut out = String::new();
    {
        let mut w = EmailWriter::new(&mut out, name.len() + ": ".len(), 0, false);
        // Writing into a String cannot fail.
        let _ = write_words(&mut w, text, false);
    }
    out
}

/// Writes `text` word by word: plain ASCII words as they are, runs of words that need it
/// (non-ASCII, control characters, `=?`; in a `phrase`, also the specials of RFC 5322) as
/// RFC 2047 encoded words. The writer folds before a word to keep lines within 76
/// characters.
///
/// Plain words between encoded ones keep the spaces around them visible to every reader;
/// encoded words next to each other only occur when a run is too long for one.
fn write_words(w: &mut EmailWriter<'_>, text: &str, phrase: bool) -> fmt::Result {
    const SPECIALS: &[char] = &[
        '(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '.', '"',
    ];
    let needs = |word: &str| {
        word.contains(|c: char| !c.is_ascii() || c.is_ascii_control())
            || word.contains("=?")
            || (phrase && word.contains(SPECIALS))
    };
    let words: Vec<&str> = text.split(' ').collect();
    let mut k = 0;
    while k < words.len() {
        if k > 0 {
            w.space();
        }
        let run = words[k..].iter().take_while(|word| needs(word)).count();
        if run == 0 {
            w.folding().write_str(words[k])?;
            k += 1;
            continue;
        }
        let run_text = words[k..k + run].join(" ");
        // A run cut at the end of a line becomes two encoded words, and some readers show
        // the folding space between them (in a phrase, Python's email until gh-128110):
        // one that fits whole on a line of its own starts there.
        if k > 0 && cut(&run_text, w.line_len()) && !cut(&run_text, 0) {
            w.new_line()?;
        }
        rfc2047::encode(&run_text, w)?;
        k += run;
    }
    Ok(())
}

/// Whether `text`, encoded after a space on a line already `line_len` long, is cut in
/// two encoded words.
fn cut(text: &str, line_len: usize) -> bool {
    let mut out = String::new();
    {
        let mut w = EmailWriter::new(&mut out, line_len, 1, true);
        // Writing into a String cannot fail.
        let _ = rfc2047::encode(text, &mut w);
    }
    out.contains("\r\n")
}

/// Quoted-printable (RFC 2045) with CRLF line endings: lines of at most 76 characters,
/// every non-ASCII byte, `=` and trailing white space encoded.
fn quoted_printable(text: &str) -> String {
    let crlf: String = text.lines().flat_map(|line| [line, "\r\n"]).collect();
    quoted_printable::encode_to_str(crlf)
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
    out.push_str(&a.facts_html("<br>\n"));
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
    fn non_ascii_words_become_short_encoded_words() {
        assert_eq!(encode_words("Subject", "Plain text"), "Plain text");
        assert_eq!(
            encode_words("Subject", "Panne — Résolu"),
            "Panne =?utf-8?b?4oCUIFLDqXNvbHU=?="
        );
        let long = encode_words(
            "Subject",
            &"Indisponibilité de l'ensemble des services ".repeat(3),
        );
        for line in long.split("\r\n") {
            assert!(line.len() <= 76, "{long}");
        }
        let encoded = encode_words("Subject", &"é".repeat(60));
        for word in encoded.split("\r\n") {
            assert!(word.trim_start().len() <= 75, "{encoded}");
        }
    }

    #[test]
    fn a_word_that_could_be_misread_is_encoded() {
        // Encoded-word syntax written by the site's author, and line breaks, which would
        // end the header.
        assert_eq!(
            encode_words("Subject", "a =?utf-8?b?eA==?= b"),
            "a =?utf-8?b?PT91dGYtOD9iP2VBPT0/PQ==?= b"
        );
        assert_eq!(
            encode_words("Subject", "a\r\nBcc: x"),
            "=?utf-8?b?YQ0KQmNjOg==?= x"
        );
    }

    #[test]
    fn the_sender_is_a_phrase_then_the_address() {
        assert_eq!(
            sender("Acme Cloud status", "help@acme.test"),
            "Acme Cloud status <help@acme.test>"
        );
        // Specials are encoded in a phrase.
        assert_eq!(
            sender("Acme, Inc.", "a@acme.test"),
            "=?utf-8?b?QWNtZSwgSW5jLg==?= <a@acme.test>"
        );
        // The address goes to the next line rather than past 76 characters.
        assert_eq!(
            sender(
                "FranceServ Hébergement — état des services",
                "support@example.fr"
            ),
            "FranceServ =?utf-8?b?SMOpYmVyZ2VtZW50IOKAlCDDqXRhdA==?= des services\r\n <support@example.fr>"
        );
    }

    #[test]
    fn an_encoded_run_that_fits_on_a_line_is_not_cut() {
        // Cut at the end of the first line, the run would read "Hébergement Gén éral" in
        // Python's email.
        let value = sender(
            "Service status of the hosting company Hébergement Général",
            "a@b.fr",
        );
        assert_eq!(
            value,
            "Service status of the hosting company\r\n =?utf-8?b?SMOpYmVyZ2VtZW50IEfDqW7DqXJhbA==?= <a@b.fr>"
        );
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
