//! `vigie announce`: every format pinned by snapshots for the example's 2017 outage
//! (French) and the `ongoing` fixture (English, with a table); the e-mail read by Python's
//! `email` package, the BBCode by Python's `bbcode`.

use crate::common::*;

const OUTAGE: &str = "2017-10-28-indisponibilite-de-l-ensemble-des-services";
const API: &str = "2026-11-25-api-errors";

fn announce(site: &Site, id: &str, extra: &[&str]) -> String {
    let mut args = vec!["announce", id, "--now", NOW];
    args.extend_from_slice(extra);
    let run = site.vigie(&args);
    run.success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    run.stdout
}

/// The e-mail with its CRLF shown as plain newlines, after checking every line has one.
fn email_lines(mail: &str) -> String {
    assert!(mail.ends_with("\r\n"));
    assert!(
        !mail.replace("\r\n", "").contains('\n'),
        "a bare LF in the message"
    );
    assert!(
        !mail.replace("\r\n", "").contains('\r'),
        "a bare CR in the message"
    );
    mail.replace("\r\n", "\n")
}

#[test]
fn the_2017_outage_in_every_format() {
    let site = Site::example();
    insta::assert_snapshot!(
        "outage_bbcode",
        announce(&site, OUTAGE, &["--format", "bbcode"])
    );
    insta::assert_snapshot!(
        "outage_announcement_bbcode",
        announce(&site, OUTAGE, &["--format", "bbcode", "--post", "0"])
    );
    insta::assert_snapshot!(
        "outage_text",
        announce(&site, OUTAGE, &["--format", "text"])
    );
    insta::assert_snapshot!(
        "outage_announcement_text",
        announce(&site, OUTAGE, &["--post", "0"])
    );
    insta::assert_snapshot!(
        "outage_markdown",
        announce(&site, OUTAGE, &["--format", "markdown"])
    );
    insta::assert_snapshot!(
        "outage_email",
        email_lines(&announce(&site, OUTAGE, &["--format", "email"]))
    );
}

#[test]
fn an_ongoing_english_incident_in_every_format() {
    let site = Site::fixture("ongoing");
    insta::assert_snapshot!(
        "ongoing_bbcode",
        announce(&site, API, &["--format", "bbcode"])
    );
    insta::assert_snapshot!("ongoing_text", announce(&site, API, &["--format", "text"]));
    insta::assert_snapshot!(
        "ongoing_markdown",
        announce(&site, API, &["--format", "markdown"])
    );
    insta::assert_snapshot!(
        "ongoing_email",
        email_lines(&announce(&site, API, &["--format", "email", "--post", "0"]))
    );
}

#[test]
fn latest_is_the_default_and_post_numbers_count_from_the_announcement() {
    let site = Site::example();
    let latest = announce(&site, OUTAGE, &[]);
    assert_eq!(
        latest,
        announce(&site, OUTAGE, &["--post", "latest", "--format", "text"])
    );
    assert_eq!(latest, announce(&site, OUTAGE, &["--post", "1"]));
    assert!(announce(&site, OUTAGE, &["--post", "0"])
        .contains("Annonce — samedi 28 octobre 2017, 09:30 CEST"));
}

#[test]
fn text_lines_fit_in_72_columns() {
    for (site, id) in [(Site::example(), OUTAGE), (Site::fixture("ongoing"), API)] {
        for post in ["0", "latest"] {
            let text = announce(&site, id, &["--post", post]);
            for line in text.lines() {
                // Only a single unbreakable word (a URL) may be longer.
                assert!(
                    line.chars().count() <= 72 || !line.trim().contains(' '),
                    "{line}"
                );
            }
        }
    }
}

const PARSE_EMAIL: &str = r#"
import json, sys
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
msg = BytesParser(policy=policy.default).parsebytes(sys.stdin.buffer.read())
parts = [p for p in msg.walk() if not p.is_multipart()]
out = {
    "defects": [repr(d) for p in msg.walk() for d in p.defects],
    "header_defects": [repr(d) for k, v in msg.items() for d in getattr(v, "defects", [])],
    "content_type": msg.get_content_type(),
    "from": str(msg["From"]),
    "subject": str(msg["Subject"]),
    "date": parsedate_to_datetime(str(msg["Date"])).isoformat(),
    "message_id": str(msg["Message-ID"]),
    "in_reply_to": str(msg["In-Reply-To"]) if msg["In-Reply-To"] else None,
    "unsubscribe": str(msg["List-Unsubscribe"]) if msg["List-Unsubscribe"] else None,
    "parts": [[p.get_content_type(), p.get_content_charset(), p["Content-Transfer-Encoding"]] for p in parts],
    "plain": parts[0].get_content(),
    "html": parts[1].get_content(),
}
print(json.dumps(out))
"#;

fn parse_email(mail: &str) -> serde_json::Value {
    use std::io::Write;
    use std::process::{Command, Stdio};
    python("", &[], &["email"]);
    let mut child = Command::new("python3")
        .args(["-c", PARSE_EMAIL])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(mail.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn pythons_email_package_reads_the_message() {
    let site = Site::example();
    let mail = announce(&site, OUTAGE, &["--format", "email"]);
    let text = announce(&site, OUTAGE, &["--format", "text"]);
    let m = parse_email(&mail);
    assert_eq!(m["defects"], serde_json::json!([]), "{m}");
    assert_eq!(m["header_defects"], serde_json::json!([]), "{m}");
    assert_eq!(m["content_type"], "multipart/alternative");
    assert_eq!(
        m["from"],
        "FranceServ Hébergement — état des services <support@example.fr>"
    );
    assert_eq!(
        m["subject"],
        "Indisponibilité de l'ensemble des services — Mise à jour"
    );
    assert_eq!(m["date"], "2017-10-31T18:00:00+01:00");
    assert_eq!(
        m["message_id"],
        format!("<{OUTAGE}.update-20171031t1700z@status.example.fr>")
    );
    assert_eq!(
        m["in_reply_to"],
        format!("<{OUTAGE}.announcement@status.example.fr>")
    );
    assert_eq!(m["unsubscribe"], serde_json::Value::Null);
    assert_eq!(
        m["parts"],
        serde_json::json!([
            ["text/plain", "utf-8", "quoted-printable"],
            ["text/html", "utf-8", "quoted-printable"]
        ])
    );
    assert_eq!(m["plain"].as_str().unwrap().replace("\r\n", "\n"), text);
    let html = m["html"].as_str().unwrap();
    assert!(html.contains("<strong>mal interprétée</strong>"), "{html}");
    assert!(html.contains("Élodie (Fondatrice / Responsable)"), "{html}");
    assert!(
        html.contains("href=\"mailto:support@example.fr\""),
        "{html}"
    );
}

#[test]
fn the_sender_defaults_to_no_reply_and_unsubscribe_is_sent_when_configured() {
    let site = Site::fixture("ongoing");
    let yaml = site
        .read("site.yaml")
        .replace("  email: help@acme.test\n", "");
    site.write(
        "site.yaml",
        &format!("{yaml}list_unsubscribe: [mailto:leave@acme.test, https://acme.test/leave]\n"),
    );
    let m = parse_email(&announce(&site, API, &["--format", "email", "--post", "0"]));
    assert_eq!(m["defects"], serde_json::json!([]), "{m}");
    assert_eq!(m["from"], "Acme Cloud status <no-reply@status.acme.test>");
    assert_eq!(m["subject"], "Elevated API error rates — Announcement");
    assert_eq!(m["date"], "2026-11-25T04:30:00-05:00");
    assert_eq!(m["in_reply_to"], serde_json::Value::Null);
    assert_eq!(
        m["unsubscribe"],
        "<mailto:leave@acme.test>, <https://acme.test/leave>"
    );
}

const BBCODE_TEXT: &str = r#"
import sys, bbcode
from html.parser import HTMLParser
parser = bbcode.Parser(replace_cosmetic=False)
parser.add_simple_formatter("size", "%(value)s")
BLOCKS = {"br", "p", "div", "ul", "ol", "li", "blockquote", "pre", "code", "hr"}
class Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
    def handle_data(self, data):
        self.parts.append(data)
    # Block elements separate words; inline ones (strong, a…) do not.
    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.parts.append(" ")
    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.parts.append(" ")
t = Text()
t.feed(parser.format(sys.argv[1]))
print(" ".join("".join(t.parts).split()))
"#;

/// Words, without table rules made of dashes.
fn words(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| !w.chars().all(|c| c == '-'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn bbcode_shows_the_text_of_the_markdown() {
    for (site, id) in [(Site::example(), OUTAGE), (Site::fixture("ongoing"), API)] {
        let loaded =
            vigie::load::load(site.root(), &vigie::load::LoadOptions { drafts: true }).unwrap();
        let incident = loaded.incidents.iter().find(|i| i.id == id).unwrap();
        for (k, post) in incident.posts.iter().enumerate() {
            let bb = announce(&site, id, &["--format", "bbcode", "--post", &k.to_string()]);
            let run = python(BBCODE_TEXT, &[&bb], &["bbcode"]);
            run.success();
            let visible = words(&run.stdout);
            let expected = words(&vigie::load::markdown::plain_text(&post.markdown));
            assert!(
                visible.contains(&expected),
                "post {k} of {id}:\n{expected}\nnot in\n{visible}"
            );
            assert!(
                !visible.contains('['),
                "a tag the forum would not read: {visible}"
            );
        }
    }
}

#[test]
fn an_unknown_id_suggests_the_closest_one() {
    let site = Site::example();
    let run = site.vigie(&[
        "announce",
        "2017-10-28-indisponibilite-de-lensemble-des-services",
        "--now",
        NOW,
    ]);
    run.failure(1);
    assert!(run.stdout.is_empty());
    insta::assert_snapshot!("unknown_id", run.stderr);
}

#[test]
fn a_post_out_of_range_says_how_many_there_are() {
    let site = Site::example();
    let run = site.vigie(&["announce", OUTAGE, "--post", "2", "--now", NOW]);
    run.failure(1);
    insta::assert_snapshot!("post_out_of_range", run.stderr);
}

#[test]
fn bad_flags_are_usage_errors_and_nothing_is_written() {
    let site = Site::example();
    let before = snapshot_tree(site.root());
    let run = site.vigie(&["announce", OUTAGE, "--format", "html", "--now", NOW]);
    run.failure(2);
    assert!(
        run.stderr.contains("invalid value 'html'"),
        "{}",
        run.stderr
    );
    let run = site.vigie(&["announce", OUTAGE, "--post", "last", "--now", NOW]);
    run.failure(2);
    assert!(run.stderr.contains("--post `last`"), "{}", run.stderr);
    for format in ["bbcode", "text", "markdown", "email"] {
        announce(&site, OUTAGE, &["--format", format]);
    }
    assert!(
        snapshot_tree(site.root()) == before,
        "announce wrote into the site"
    );
}
