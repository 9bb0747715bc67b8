//! A generated site of a few thousand incidents: no page grows without bound, every
//! internal link resolves, and a second build trusts the output it made.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{Site, NOW};
use crate::gen;

/// The most an HTML page may weigh, whatever the number of incidents.
const MAX_PAGE: u64 = 512 * 1024;

fn html_pages(dir: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    pages.sort();
    pages
}

/// The `href` and `src` values of a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    out
}

#[test]
fn a_site_of_three_thousand_incidents_has_small_pages_and_no_broken_link() {
    let site = Site::empty();
    gen::generate(site.root(), 3_000).unwrap();
    let run = site.vigie(&["build", "--now", gen::NOW]);
    run.success();
    assert_eq!(gen::NOW, NOW);
    let out = site.path("public");
    let pages = html_pages(&out);
    assert!(pages.len() > 3_000, "{} pages", pages.len());
    for p in &pages {
        let len = fs::metadata(p).unwrap().len();
        assert!(len <= MAX_PAGE, "{} weighs {len} bytes", p.display());
    }
    // A full year is split by month and its page stays small.
    assert!(out.join("history/2020/06/index.html").is_file());
    let year = site.read("public/history/2020/index.html");
    assert!(
        year.contains(r#"href="../../history/2020/06/index.html""#),
        "the year links to its months"
    );

    // Every internal link of the list pages and of one incident page in twenty.
    let mut cache: HashMap<PathBuf, String> = HashMap::new();
    let checked: Vec<&PathBuf> = pages
        .iter()
        .enumerate()
        .filter(|(k, p)| {
            let rel = p.strip_prefix(&out).unwrap().to_string_lossy().into_owned();
            !rel.starts_with("incidents/") || k % 20 == 0
        })
        .map(|(_, p)| p)
        .filter(|p| !p.ends_with("404.html"))
        .collect();
    assert!(checked.len() > 200, "{} pages checked", checked.len());
    for page in checked {
        let html = fs::read_to_string(page).unwrap();
        for link in links(&html) {
            if link.contains(':') || link.starts_with("//") {
                continue; // absolute: feeds, contact, canonical
            }
            let (path, fragment) = link
                .split_once('#')
                .map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            let mut target = if path.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(path)
            };
            if path.ends_with('/') {
                target.push("index.html");
            }
            let target = normalize(&target);
            assert!(
                target.is_file(),
                "{}: `{link}` leads nowhere",
                page.display()
            );
            if let Some(id) = fragment.filter(|f| !f.is_empty()) {
                let text = cache
                    .entry(target.clone())
                    .or_insert_with(|| fs::read_to_string(&target).unwrap_or_default());
                assert!(
                    text.contains(&format!("id=\"{id}\"")),
                    "{}: no anchor for `{link}`",
                    page.display()
                );
            }
        }
    }

    // Nothing changed: the second build trusts the output and touches no file.
    let before = fs::metadata(out.join("history/2020/index.html"))
        .unwrap()
        .modified()
        .unwrap();
    let again = site.vigie(&["build", "--now", gen::NOW]);
    again.success();
    assert!(again.stdout.contains("unchanged"), "{}", again.stdout);
    assert_eq!(
        fs::metadata(out.join("history/2020/index.html"))
            .unwrap()
            .modified()
            .unwrap(),
        before
    );
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn ten_thousand_incidents_with_forgotten_ends_keep_a_small_front_page() {
    // Issue 13: 5 % of 10,000 incidents left without `end` made a front page of 670 KB.
    let site = Site::empty();
    let options = gen::Options {
        open_percent: 5,
        announcements: false,
    };
    gen::generate_with(site.root(), 10_000, &options).unwrap();
    let run = site.vigie(&["build", "--now", gen::NOW]);
    run.success();
    assert!(
        run.stderr
            .contains("warning: this incident has been ongoing for"),
        "forgotten ends are reported"
    );
    let out = site.path("public");
    let index = fs::metadata(out.join("index.html")).unwrap().len();
    assert!(index <= MAX_PAGE, "the front page weighs {index} bytes");
    let html = site.read("public/index.html");
    let ongoing = html
        .split("class=\"ongoing\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert_eq!(ongoing.matches("<li class=\"summary").count(), 10);
    assert!(ongoing.contains("href=\"ongoing/index.html\">Tous les incidents en cours ("));
    // The page of all of them is cut into pages of its own, each small.
    let pages: Vec<PathBuf> = html_pages(&out.join("ongoing"));
    assert!(pages.len() > 1, "{} pages", pages.len());
    for p in &pages {
        let len = fs::metadata(p).unwrap().len();
        assert!(len <= MAX_PAGE, "{} weighs {len} bytes", p.display());
        let html = fs::read_to_string(p).unwrap();
        for link in links(&html).iter().filter(|l| !l.contains(':')) {
            let path = link.split('#').next().unwrap();
            if path.is_empty() {
                continue;
            }
            let target = normalize(&p.parent().unwrap().join(path));
            assert!(target.is_file(), "{}: `{link}` leads nowhere", p.display());
        }
    }
}
