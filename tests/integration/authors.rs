//! Posts signed by whoever wrote them (issue 16): an update's own `author` signs it on the
//! incident page (read by Python's HTML parser), in the feeds (read by feedparser) and in
//! what `vigie announce` prints (the BBCode read by Python's `bbcode`); an update that
//! names nobody is signed by the incident's author.

use serde_json::Value;

use crate::common::*;

const FAILOVER: &str = "2026-11-24-database-failover";

/// Who signs each post of the `post-authors` fixture's incident, in time order: the
/// incident's author (an id, with its role), an update's own id, an update's own name, and
/// an update naming nobody.
const SIGNED: [(&str, &str); 4] = [
    ("announcement", "Sam Rivera (On-call engineer)"),
    ("update-20261124t0840z", "Lee Chen (Database administrator)"),
    ("update-20261124t0915z", "Robin & the support desk"),
    ("update-20261124t1030z", "Sam Rivera (On-call engineer)"),
];

/// Each post of an incident page (`li.post`): its id and the text of its `p.post-meta`.
const PAGE_POSTS: &str = r#"
import json, sys
from html.parser import HTMLParser
class Posts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.posts, self.meta = [], False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and "post" in (a.get("class") or "").split():
            self.posts.append([a.get("id"), ""])
        if tag == "p" and "post-meta" in (a.get("class") or "").split():
            self.meta = True
    def handle_endtag(self, tag):
        if tag == "p":
            self.meta = False
    def handle_data(self, data):
        if self.meta:
            self.posts[-1][1] += data
p = Posts()
p.feed(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps(p.posts))
"#;

/// Each entry of a feed: its link and its author, as feedparser reads them.
const FEED_AUTHORS: &str = r#"
import feedparser, json, sys
d = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(d.bozo),
    "entries": [[e.get("link"), e.get("author")] for e in d.entries],
}))
"#;

/// The plain and HTML parts of an e-mail read from standard input, as a mail client reads
/// them.
const EMAIL_PARTS: &str = r#"
import json, sys
from email import policy
from email.parser import BytesParser
msg = BytesParser(policy=policy.default).parsebytes(sys.stdin.buffer.read())
print(json.dumps([p.get_content() for p in msg.walk() if not p.is_multipart()]))
"#;

/// The BBCode as the HTML a forum shows.
const BBCODE_HTML: &str = r#"
import sys, bbcode
print(bbcode.Parser(replace_cosmetic=False).format(sys.argv[1]))
"#;

fn built() -> Site {
    let site = Site::fixture("post-authors");
    site.build().success();
    site
}

fn announce(site: &Site, args: &[&str]) -> String {
    let mut all = vec!["announce", FAILOVER, "--now", NOW];
    all.extend_from_slice(args);
    let run = site.vigie(&all);
    run.success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    run.stdout
}

/// Runs [`EMAIL_PARTS`] on `mail`.
fn email_parts(mail: &str) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("python3")
        .args(["-c", EMAIL_PARTS])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(mail.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn each_post_of_the_page_shows_who_signs_it() {
    let site = built();
    let page = site.path(&format!("public/incidents/{FAILOVER}/index.html"));
    let run = python(PAGE_POSTS, &[page.to_str().unwrap()], &[]);
    run.success();
    let posts: Vec<(String, String)> = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(posts.len(), SIGNED.len(), "{posts:?}");
    for ((anchor, meta), (expected_anchor, author)) in posts.iter().zip(SIGNED) {
        assert_eq!(anchor, expected_anchor);
        assert!(
            meta.ends_with(&format!(" — by {author}")),
            "{anchor}: {meta:?}"
        );
    }
}

#[test]
fn each_feed_entry_carries_its_posts_author() {
    let site = built();
    for file in ["feed.xml", "atom.xml", "components/db/feed.xml"] {
        let path = site.path("public").join(file);
        let run = python(FEED_AUTHORS, &[path.to_str().unwrap()], &["feedparser"]);
        run.success();
        let feed: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(feed["bozo"], false, "{file}");
        let entries = feed["entries"].as_array().unwrap();
        assert_eq!(entries.len(), SIGNED.len(), "{file}");
        // Newest first.
        for (entry, (anchor, author)) in entries.iter().zip(SIGNED.iter().rev()) {
            let link = format!("https://status.acme.test/incidents/{FAILOVER}/#{anchor}");
            assert_eq!(entry[0], link.as_str(), "{file}");
            assert_eq!(entry[1], *author, "{file}: {link}");
        }
    }
}

#[test]
fn each_announcement_is_signed_by_its_posts_author() {
    let site = built();
    for (k, (anchor, author)) in SIGNED.iter().enumerate() {
        let post = k.to_string();
        let text = announce(&site, &["--post", &post, "--format", "text"]);
        assert!(
            text.contains(&format!("\n— {author}\n")),
            "post {k}:\n{text}"
        );
        let others = SIGNED.iter().filter(|(_, a)| a != author);
        for (_, other) in others {
            assert!(!text.contains(other), "post {k} signed by {other}:\n{text}");
        }
        let bb = announce(&site, &["--post", &post, "--format", "bbcode"]);
        let run = python(BBCODE_HTML, &[&bb], &["bbcode"]);
        run.success();
        let shown = author.replace('&', "&amp;");
        assert!(
            run.stdout.contains(&format!("— <em>{shown}</em>")),
            "post {k} ({anchor}):\n{}",
            run.stdout
        );
        let md = announce(&site, &["--post", &post, "--format", "markdown"]);
        assert!(md.contains(&format!("— *{author}*")), "post {k}:\n{md}");
        let mail = announce(&site, &["--post", &post, "--format", "email"]);
        let parts: Vec<String> = serde_json::from_str(&email_parts(&mail)).unwrap();
        assert_eq!(parts.len(), 2, "{parts:?}");
        let plain = parts[0].replace("\r\n", "\n");
        assert!(
            plain.contains(&format!("\n— {author}\n")),
            "post {k}:\n{plain}"
        );
        assert!(
            parts[1].contains(&format!("<p>— <em>{shown}</em></p>")),
            "post {k}:\n{}",
            parts[1]
        );
    }
}
