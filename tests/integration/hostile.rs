//! The `hostile` fixture: incidents whose Markdown carries every construct a hostile or
//! careless author could write (scripts, event handlers, styles, frames, `javascript:` and
//! `data:` links and images, broken and misnested tags, comments, entities, odd tables and
//! footnotes, control characters). Nothing executable reaches a page or a feed, the text
//! around it stays, and the feeds stay well-formed. The Nu HTML Checker and axe-core run
//! on these pages in `tests/browser/check.mjs`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// Elements no page may hold, whoever wrote the incident.
const FORBIDDEN_TAGS: [&str; 16] = [
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "base", "svg", "math", "template", "textarea",
];

/// Every file under `public/` whose name ends with `ext`.
fn files(site: &Site, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(site.path("public"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    v.sort();
    v
}

/// `s` with its character references decoded, one level only (`&amp;lt;` gives `&lt;`).
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        rest = &rest[k..];
        let end = rest.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => match name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                    None => name
                        .strip_prefix('#')
                        .and_then(|d| d.parse().ok())
                        .and_then(char::from_u32),
                },
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The start tags of `html`: name (lower case) and attributes (names lower case, values
/// decoded). Values may be quoted with `"` or `'`, or not at all.
fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut tags = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !b"/>".contains(&bytes[j]) {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let start = j;
            while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !b"=/>".contains(&bytes[j])
            {
                j += 1;
            }
            let attr = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                let raw = match bytes.get(j) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let end = html[j + 1..]
                            .find(char::from(q))
                            .map_or(html.len(), |e| j + 1 + e);
                        let raw = &html[j + 1..end];
                        j = end + 1;
                        raw
                    }
                    _ => {
                        let start = j;
                        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>'
                        {
                            j += 1;
                        }
                        &html[start..j]
                    }
                };
                value = decode(raw);
            }
            attrs.push((attr, value));
        }
        tags.push((name, attrs));
        i = j;
    }
    tags
}

/// What is wrong in the markup of `html` (a page, or a feed once decoded).
/// The front page's uptime drawings, as the theme writes them: an `<svg>` holding only
/// `<rect>`s and their `<title>`s (escaped text). Anything else is left for the checks.
const DRAWING: &str =
    r#"<svg class="days" viewBox="0 0 90 1" preserveAspectRatio="none" aria-hidden="true">"#;

fn without_uptime_drawings(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(k) = rest.find(DRAWING) {
        out.push_str(&rest[..k]);
        let inner = &rest[k + DRAWING.len()..];
        let end = inner.find("</svg>");
        let only_shapes = end.is_some_and(|e| {
            start_tags(&inner[..e])
                .iter()
                .all(|(name, attrs)| match name.as_str() {
                    "rect" => attrs
                        .iter()
                        .all(|(a, _)| ["class", "x", "width", "height"].contains(&a.as_str())),
                    "title" => attrs.is_empty(),
                    _ => false,
                })
        });
        match end.filter(|_| only_shapes) {
            Some(e) => rest = &inner[e + "</svg>".len()..],
            None => {
                out.push_str(&rest[k..k + DRAWING.len()]);
                rest = inner;
            }
        }
    }
    out.push_str(rest);
    out
}

fn dangers(file: &Path, html: &str) -> Vec<String> {
    let mut found = Vec::new();
    // The theme's own script, an external file, is the one script a page may load.
    let html = &without_theme_script(html);
    let html = &without_uptime_drawings(html);
    if html.to_ascii_lowercase().contains("<script") {
        found.push(format!("{}: `<script`", file.display()));
    }
    for (name, attrs) in start_tags(html) {
        if FORBIDDEN_TAGS.contains(&name.as_str()) {
            found.push(format!("{}: <{name}>", file.display()));
        }
        // The theme's Content-Security-Policy names schemes (`data:` for images) as a
        // policy, not as an address.
        let policy = name == "meta"
            && attrs
                .iter()
                .any(|(a, v)| a == "http-equiv" && v == "Content-Security-Policy");
        for (attr, value) in attrs {
            if policy && attr == "content" {
                continue;
            }
            // What a browser reads as the scheme: no white space or control character.
            let squeezed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            let bad = attr.starts_with("on")
                || attr == "style" && !(name == "td" || name == "th")
                || ["javascript:", "vbscript:", "data:", "livescript:"]
                    .iter()
                    .any(|s| squeezed.contains(s))
                || squeezed.contains("evil.hostile.test");
            if bad {
                found.push(format!("{}: <{name} {attr}=\"{value}\">", file.display()));
            }
        }
    }
    found
}

fn built() -> Site {
    let site = Site::fixture("hostile");
    let run = site.build();
    run.success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    site
}

#[test]
fn no_script_and_no_javascript_url_reaches_a_page_or_a_feed() {
    let site = built();
    let pages = files(&site, ".html");
    assert!(pages.len() >= 5 + 4, "{pages:?}");
    let mut found = Vec::new();
    for page in &pages {
        found.extend(dangers(page, &std::fs::read_to_string(page).unwrap()));
    }
    // A feed carries the posts' HTML escaped: a reader decodes it once and renders it.
    for feed in files(&site, ".xml") {
        found.extend(dangers(
            &feed,
            &decode(&std::fs::read_to_string(&feed).unwrap()),
        ));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn every_link_has_an_address_and_every_image_a_source_and_a_text() {
    let site = built();
    for page in files(&site, ".html") {
        let html = std::fs::read_to_string(&page).unwrap();
        for (name, attrs) in start_tags(&html) {
            let value = |a: &str| attrs.iter().find(|(n, _)| n == a).map(|(_, v)| v.as_str());
            match name.as_str() {
                "a" => assert!(value("href").is_some(), "{}: <a {attrs:?}>", page.display()),
                "img" => assert!(
                    value("src").is_some_and(|s| !s.trim().is_empty()) && value("alt").is_some(),
                    "{}: <img {attrs:?}>",
                    page.display()
                ),
                _ => {}
            }
        }
    }
}

/// Issue 12: `<a href="javascript:…">voir</a>` became `<a rel="…">voir</a>`, which is
/// invalid HTML. Links to dangerous addresses give way to their text; safe ones stay.
#[test]
fn dropped_links_and_images_leave_their_text() {
    let site = built();
    let page = site.read("public/incidents/2026-11-17-links-and-images/index.html");
    assert!(
        page.contains("<p>Raw links: js, mixed case, hex entity, decimal entity, no semicolons,"),
        "{page}"
    );
    assert!(page.contains(
        r#"<a href="https://ok.hostile.test/" rel="noopener noreferrer nofollow">fine link</a>"#
    ));
    assert!(page.contains("<p>Markdown only: js, upper, spaced, angle, entity,"));
    assert!(page.contains("Raw images: raw js no src "));
    assert!(page.contains(
        r#"<img src="https://img.hostile.test/d.png" alt="fine" width="20" height="10">"#
    ));
}

#[test]
fn control_characters_leave_no_trace_in_pages_and_feeds() {
    require(
        "xmllint",
        Command::new("xmllint").arg("--version"),
        "apt-get install -y libxml2-utils",
    );
    let site = built();
    let forbidden = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || ('\u{fdd0}'..='\u{fdef}').contains(&c)
            || u32::from(c) & 0xFFFE == 0xFFFE
    };
    for file in files(&site, ".html")
        .into_iter()
        .chain(files(&site, ".xml"))
    {
        let text = std::fs::read_to_string(&file).unwrap();
        let bad: Vec<String> = text
            .chars()
            .filter(|&c| forbidden(c))
            .map(|c| format!("U+{:04X}", u32::from(c)))
            .collect();
        assert!(bad.is_empty(), "{}: {}", file.display(), bad.join(" "));
    }
    let out = Command::new("xmllint")
        .arg("--noout")
        .args(files(&site, ".xml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
