//! Feeds, calendar, badges and sitemap, read by real clients: Python feedparser for RSS
//! and Atom, Python icalendar for the calendar, xmllint for every XML and SVG file.

use std::process::Command;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::common::*;

/// `NOW` as a time.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&Utc)
}

/// The site's inputs as vigie loads them (drafts left out).
pub fn inputs(site: &Site) -> vigie::model::Site {
    vigie::load::load(site.root(), &vigie::load::LoadOptions { drafts: false }).unwrap()
}

/// The two sites every test here runs on: the French example and the English fixture with
/// an ongoing incident and an upcoming maintenance.
pub fn both() -> [(&'static str, Site); 2] {
    [
        ("example", Site::example()),
        ("ongoing", Site::fixture("ongoing")),
    ]
}

/// Every published post (`at <= now`): (incident id, anchor, time), newest first.
fn published_posts(inputs: &vigie::model::Site) -> Vec<(String, String, DateTime<Utc>)> {
    let mut posts: Vec<(String, String, DateTime<Utc>)> = inputs
        .incidents
        .iter()
        .flat_map(|i| {
            i.posts
                .iter()
                .filter(|p| p.at <= now())
                .map(|p| (i.id.clone(), p.anchor.clone(), p.at))
        })
        .collect();
    posts.sort_by_key(|p| std::cmp::Reverse(p.2));
    posts
}

const FEEDPARSER: &str = r#"
import feedparser, json, sys, calendar
d = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(d.bozo),
    "bozo_exception": str(d.get("bozo_exception", "")),
    "version": d.version,
    "title": d.feed.get("title"),
    "link": d.feed.get("link"),
    "language": d.feed.get("language"),
    "updated": calendar.timegm(d.feed.updated_parsed) if d.feed.get("updated_parsed") else None,
    "self": [l.href for l in d.feed.get("links", []) if l.get("rel") == "self"],
    "entries": [{
        "id": e.get("id"),
        "title": e.get("title"),
        "link": e.get("link"),
        "published": calendar.timegm(e.published_parsed) if e.get("published_parsed") else None,
        "summary": e.get("summary", ""),
        "content": [c.value for c in e.get("content", [])],
        "author": e.get("author"),
    } for e in d.entries],
}))
"#;

pub(crate) fn feedparser(path: &std::path::Path) -> Value {
    let run = python(FEEDPARSER, &[path.to_str().unwrap()], &["feedparser"]);
    assert_eq!(run.code, 0, "feedparser failed: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn check_feed(name: &str, site: &Site, file: &str, version_prefix: &str) {
    let inputs = inputs(site);
    let cfg = &inputs.config;
    let feed = feedparser(&site.path("public").join(file));
    assert!(
        !feed["bozo"].as_bool().unwrap(),
        "{name} {file}: bozo: {}",
        feed["bozo_exception"]
    );
    assert!(
        feed["version"]
            .as_str()
            .unwrap()
            .starts_with(version_prefix),
        "{name} {file}: {}",
        feed["version"]
    );
    assert_eq!(feed["title"], cfg.title.as_str());
    assert_eq!(feed["self"][0], format!("{}{file}", cfg.base_url).as_str());
    assert!(feed["language"]
        .as_str()
        .unwrap()
        .starts_with(cfg.lang.code()));

    let posts = published_posts(&inputs);
    let expected = posts.len().min(cfg.feed_items);
    let entries = feed["entries"].as_array().unwrap();
    assert!(expected > 0);
    assert_eq!(
        entries.len(),
        expected,
        "{name} {file}: one entry per published post"
    );
    let mut previous = i64::MAX;
    for (e, (id, anchor, at)) in entries.iter().zip(&posts) {
        let link = format!("{}incidents/{id}/#{anchor}", cfg.base_url);
        assert_eq!(e["link"], link.as_str(), "{name} {file}: newest first");
        assert_eq!(
            e["id"],
            link.as_str(),
            "{name} {file}: the permalink is the stable id"
        );
        let published = e["published"].as_i64().unwrap();
        assert_eq!(published, at.timestamp());
        assert!(published <= previous);
        previous = published;
        let title = e["title"].as_str().unwrap();
        let incident = inputs.incidents.iter().find(|i| &i.id == id).unwrap();
        assert!(
            title.starts_with(&format!("{} — ", incident.title)),
            "{name} {file}: {title}"
        );
        let html = e["content"]
            .get(0)
            .or(Some(&e["summary"]))
            .and_then(Value::as_str)
            .unwrap();
        assert!(
            html.contains("<p>"),
            "{name} {file}: the post as HTML: {html}"
        );
    }
    // Newest entry's date: the feed is as old as its news.
    assert_eq!(
        feed["updated"].as_i64(),
        Some(posts[0].2.timestamp()),
        "{name} {file}: updated"
    );
}

#[test]
fn rss_and_atom_have_one_entry_per_published_post_newest_first() {
    for (name, site) in both() {
        site.build().success();
        check_feed(name, &site, "feed.xml", "rss20");
        check_feed(name, &site, "atom.xml", "atom10");
    }
}

#[test]
fn feed_titles_carry_the_status_word_of_the_post() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let feed = feedparser(&site.path("public/feed.xml"));
    let titles: Vec<&str> = feed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        &titles[..3],
        [
            "Elevated API error rates — Update",
            "Elevated API error rates — Identified",
            "Elevated API error rates — Investigating"
        ]
    );
    assert!(titles.contains(&"Storage cluster upgrade — Scheduled"));
    assert!(titles.contains(&"Delayed e-mail delivery — Resolved"));
    assert!(
        !titles.iter().any(|t| t.starts_with("Draft")),
        "drafts stay out of feeds"
    );
    let atom = feedparser(&site.path("public/atom.xml"));
    assert_eq!(
        atom["entries"][0]["author"],
        "Sam Rivera (On-call engineer)"
    );
}

#[test]
fn the_item_count_follows_feed_items() {
    let site = Site::example();
    let yaml = site.read("site.yaml");
    site.write("site.yaml", &format!("{yaml}feed_items: 2\n"));
    site.build().success();
    for file in ["feed.xml", "atom.xml"] {
        let feed = feedparser(&site.path("public").join(file));
        assert_eq!(feed["entries"].as_array().unwrap().len(), 2, "{file}");
    }
}

#[test]
fn component_feeds_only_carry_that_components_posts() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let feed = feedparser(&site.path("public/components/email/feed.xml"));
    assert!(!feed["bozo"].as_bool().unwrap());
    let links: Vec<&str> = feed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["link"].as_str().unwrap())
        .collect();
    assert_eq!(links.len(), 3);
    assert!(links
        .iter()
        .all(|l| l.contains("/incidents/2026-11-10-email-delays/#")));
}

fn xml_and_svg_files(site: &Site) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(site.path("public"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml" || x == "svg"))
        .collect()
}

#[test]
fn every_xml_and_svg_file_is_well_formed() {
    require(
        "xmllint",
        Command::new("xmllint").arg("--version"),
        "apt-get install -y libxml2-utils",
    );
    for (name, site) in both() {
        site.build().success();
        let files = xml_and_svg_files(&site);
        let n_components = inputs(&site).config.components.len();
        // feed.xml, atom.xml, sitemap.xml, badge.svg, the favicon, and a feed and a badge
        // per component.
        assert_eq!(files.len(), 5 + 2 * n_components, "{name}: {files:?}");
        let out = Command::new("xmllint")
            .arg("--noout")
            .args(&files)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn pages_link_their_feeds_calendar_and_api() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let index = site.read("public/index.html");
    assert!(index.contains(r#"<link rel="alternate" type="application/rss+xml" title="Acme Cloud status — RSS feed" href="feed.xml">"#));
    assert!(index.contains(r#"<link rel="alternate" type="application/atom+xml" title="Acme Cloud status — Atom feed" href="atom.xml">"#));
    let upcoming = &index[index.find(r#"class="upcoming""#).unwrap()..];
    let upcoming = &upcoming[..upcoming.find("</section>").unwrap()];
    assert!(
        upcoming.contains(r#"href="maintenance.ics""#),
        "subscribe next to the upcoming maintenance"
    );
    let page = site.read("public/incidents/2026-11-25-api-errors/index.html");
    let footer = &page[page.find("<footer").unwrap()..];
    for href in [
        "../../feed.xml",
        "../../atom.xml",
        "../../maintenance.ics",
        "../../api/v2/summary.json",
    ] {
        assert!(
            footer.contains(&format!(r#"href="{href}""#)),
            "footer links {href}"
        );
    }
}

pub const ICALENDAR: &str = r#"
import icalendar, json, sys
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
errors = [(c.name, c.errors) for c in cal.walk() if getattr(c, "errors", None)]
events = [{
    "uid": str(e["UID"]),
    "summary": str(e["SUMMARY"]),
    "description": str(e["DESCRIPTION"]),
    "url": str(e["URL"]),
    "dtstamp": e.decoded("DTSTAMP").isoformat(),
    "start": e.decoded("DTSTART").isoformat(),
    "end": e.decoded("DTEND").isoformat(),
} for e in cal.walk("VEVENT")]
print(json.dumps({"errors": errors, "events": events}))
"#;

#[test]
fn the_maintenance_calendar_parses_with_one_utc_event_per_window() {
    for (name, site) in both() {
        site.build().success();
        let inputs = inputs(&site);
        let host = inputs
            .config
            .base_url
            .split('/')
            .nth(2)
            .unwrap()
            .to_string();
        let path = site.path("public/maintenance.ics");
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        for line in text.split_inclusive('\n') {
            assert!(
                line.ends_with("\r\n"),
                "{name}: CRLF line endings: {line:?}"
            );
            assert!(
                line.len() - 2 <= 75,
                "{name}: folded at 75 octets: {line:?}"
            );
        }
        let run = python(ICALENDAR, &[path.to_str().unwrap()], &["icalendar"]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        let cal: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(cal["errors"], serde_json::json!([]), "{name}");
        let windows: Vec<&vigie::model::Incident> = inputs
            .incidents
            .iter()
            .map(|i| &**i)
            .filter(|i| i.is_maintenance() && i.posts[0].at <= now())
            .collect();
        assert!(!windows.is_empty(), "{name} has maintenance");
        let events = cal["events"].as_array().unwrap();
        assert_eq!(
            events.len(),
            windows.len(),
            "{name}: one event per maintenance"
        );
        for (e, i) in events.iter().zip(&windows) {
            assert_eq!(e["uid"], format!("{}@{host}", i.id).as_str());
            assert_eq!(e["summary"], i.title.as_str());
            assert_eq!(
                e["url"],
                format!("{}incidents/{}/", inputs.config.base_url, i.id).as_str()
            );
            let utc = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
            assert_eq!(e["start"], utc(i.start).as_str(), "{name}: DTSTART in UTC");
            assert_eq!(
                e["end"],
                utc(vigie::derive::timeline::maintenance_end(i)).as_str(),
                "{name}: DTEND in UTC"
            );
            assert_eq!(e["dtstamp"], utc(i.published).as_str());
            assert!(
                !e["description"].as_str().unwrap().contains('<'),
                "plain text"
            );
        }
    }
}

#[test]
fn the_storage_upgrade_is_in_the_calendar_at_the_right_utc_times() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let ics = site.read("public/maintenance.ics");
    assert!(ics.contains("UID:2026-12-02-storage-maintenance@status.acme.test\r\n"));
    assert!(
        ics.contains("DTSTART:20261202T070000Z\r\nDTEND:20261202T090000Z\r\n"),
        "{ics}"
    );
    assert!(ics.contains("DTSTAMP:20261120T150000Z\r\n"));
}

#[test]
fn badges_name_their_status_in_the_sites_language() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let badge = site.read("public/badge.svg");
    assert!(
        badge.contains(r#"role="img""#) && badge.contains("<title>Status: Partial outage</title>"),
        "{badge}"
    );
    let api = site.read("public/components/api/badge.svg");
    assert!(
        api.contains(r#"aria-label="Public API: Partial outage""#),
        "{api}"
    );
    let fr = Site::example();
    fr.build().success();
    assert!(fr
        .read("public/badge.svg")
        .contains("<title>État: Opérationnel</title>"));
}

#[test]
fn the_sitemap_lists_every_page_but_404_and_embed_and_robots_points_at_it() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let sitemap = site.read("public/sitemap.xml");
    let pages: Vec<String> = walkdir::WalkDir::new(site.path("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(site.path("public"))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        // The iframe page (embed/) is a piece of other sites, not a page to find.
        .filter(|p| p != "404.html" && p != "embed/index.html")
        .collect();
    assert_eq!(sitemap.matches("<loc>").count(), pages.len());
    for p in pages {
        let url = format!(
            "https://status.acme.test/sub/path/{}",
            p.strip_suffix("index.html").unwrap()
        );
        assert!(sitemap.contains(&format!("<loc>{url}</loc>")), "{url}");
    }
    assert!(!sitemap.contains("404"));
    assert!(site
        .read("public/robots.txt")
        .contains("Sitemap: https://status.acme.test/sub/path/sitemap.xml\n"));
}

#[test]
fn base_url_flag_replaces_every_absolute_link() {
    let site = Site::fixture("ongoing");
    site.vigie(&[
        "build",
        "--now",
        NOW,
        "--base-url",
        "https://elsewhere.test/status",
    ])
    .success();
    for file in [
        "feed.xml",
        "atom.xml",
        "components/api/feed.xml",
        "sitemap.xml",
        "robots.txt",
        "maintenance.ics",
        "api/v2/summary.json",
        "api/v2/incidents.json",
        "index.html",
    ] {
        let text = site.read(&format!("public/{file}"));
        assert!(
            !text.contains("status.acme.test"),
            "{file} still names the base_url of site.yaml"
        );
        assert!(text.contains("https://elsewhere.test/status/"), "{file}");
    }
    let feed = feedparser(&site.path("public/atom.xml"));
    assert!(feed["entries"][0]["link"]
        .as_str()
        .unwrap()
        .starts_with("https://elsewhere.test/status/incidents/"));
}
