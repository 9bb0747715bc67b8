//! `vigie serve`'s rebuilds remember parsed incidents and rendered incident pages
//! (`vigie::pipeline`); after any sequence of edits their result must equal a clean build's,
//! byte for byte, errors included. Each step here edits the site, rebuilds through the
//! caches and compares with `vigie::pipeline::generate` on the same files.

use std::fs;

use chrono::{DateTime, Duration, Utc};
use vigie::pipeline::Caches;

use crate::common::{Site, NOW};

const BASE: &str = "http://127.0.0.1:8000/";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// A site rebuilt through one set of caches, as `vigie serve` does.
struct Rebuilds {
    site: Site,
    caches: Caches,
    drafts: bool,
    now: DateTime<Utc>,
}

/// What the cached rebuild did.
#[derive(Debug, PartialEq, Eq)]
struct Work {
    parsed: usize,
    rendered: usize,
    ok: bool,
}

impl Rebuilds {
    fn new(site: Site, drafts: bool) -> Rebuilds {
        Rebuilds {
            site,
            caches: Caches::new(),
            drafts,
            now: at(NOW),
        }
    }

    /// Rebuilds through the caches and compares every output byte (or the errors) with a
    /// clean generation of the same files.
    fn check(&mut self, step: &str) -> Work {
        let root = self.site.root();
        let cached = vigie::pipeline::generate_with(
            root,
            self.now,
            self.drafts,
            Some(BASE),
            &mut self.caches,
        );
        let clean = vigie::pipeline::generate(root, self.now, self.drafts, Some(BASE));
        let ok = match (cached, clean) {
            (Ok((_, cached)), Ok((_, clean))) => {
                let paths = |files: &[vigie::render::OutputFile]| -> Vec<String> {
                    files.iter().map(|f| f.path.clone()).collect()
                };
                assert_eq!(paths(&cached), paths(&clean), "{step}: the files differ");
                for (a, b) in cached.iter().zip(&clean) {
                    assert!(
                        a.bytes == b.bytes,
                        "{step}: `{}` differs from a clean build:\n{}\n---- clean ----\n{}",
                        a.path,
                        String::from_utf8_lossy(&a.bytes),
                        String::from_utf8_lossy(&b.bytes)
                    );
                }
                true
            }
            (Err(cached), Err(clean)) => {
                assert_eq!(
                    format!("{cached:?}"),
                    format!("{clean:?}"),
                    "{step}: the errors differ"
                );
                false
            }
            (cached, clean) => panic!(
                "{step}: cached {} but clean {}",
                if cached.is_ok() {
                    "succeeded"
                } else {
                    "failed"
                },
                if clean.is_ok() { "succeeded" } else { "failed" }
            ),
        };
        Work {
            parsed: self.caches.parse.last_parsed(),
            // A failed load renders nothing.
            rendered: if ok {
                self.caches.pages.last_rendered()
            } else {
                0
            },
            ok,
        }
    }

    fn edit(&self, rel: &str, f: impl FnOnce(String) -> String) {
        let text = self.site.read(rel);
        self.site.write(rel, &f(text));
    }
}

fn work(parsed: usize, rendered: usize) -> Work {
    Work {
        parsed,
        rendered,
        ok: true,
    }
}

fn failed(parsed: usize) -> Work {
    Work {
        parsed,
        rendered: 0,
        ok: false,
    }
}

const NEW_PAGE: &str = "incidents/2024/2024-01-15-nouvelle-page-d-etat.md";
const DNS: &str = "incidents/2026/2026-12-08-changement-des-serveurs-dns.md";

#[test]
fn cached_rebuilds_of_the_example_equal_clean_builds_through_every_kind_of_edit() {
    let mut r = Rebuilds::new(Site::example(), true);
    let all = r.check("first build");
    assert!(all.ok && all.parsed == 6 && all.rendered == 6, "{all:?}");
    assert_eq!(r.check("nothing changed"), work(0, 0));

    r.edit(NEW_PAGE, |t| t + "\nUn paragraphe de plus.\n");
    assert_eq!(r.check("a body changed"), work(1, 1));

    r.edit(NEW_PAGE, |t| {
        t.replacen("title: ", "title: Nouveau titre — ", 1)
    });
    assert_eq!(r.check("a title changed"), work(1, 1));

    r.site.write(
        "incidents/2026/2026-11-20-coupure-breve.md",
        "---\ntitle: Coupure brève\nstart: 2026-11-20 10:00\nend: 2026-11-20 10:20\nseverity: degraded\ncomponents: [web]\n---\nUne coupure brève.\n",
    );
    assert_eq!(r.check("a file added"), work(1, 1));

    fs::remove_file(r.site.path(DNS)).unwrap();
    assert_eq!(r.check("a file deleted"), work(0, 0));

    let before = r.site.read(NEW_PAGE);
    r.site.write(
        NEW_PAGE,
        &before.replacen("---\n", "---\nseverity: nope\n", 1),
    );
    assert_eq!(r.check("a file broken"), failed(1));
    r.site.write(
        "incidents/2025/2024-01-15-Nouvelle-page-d-état.md",
        "---\ntitle: Doublon\nstart: 2024-01-15 10:00\nend: 2024-01-15 11:00\nseverity: notice\n---\nDoublon.\n",
    );
    assert_eq!(r.check("an id twice, one file still broken"), failed(1));
    r.site.write(NEW_PAGE, &before);
    assert_eq!(r.check("fixed, but an id twice"), failed(1));
    fs::remove_file(
        r.site
            .path("incidents/2025/2024-01-15-Nouvelle-page-d-état.md"),
    )
    .unwrap();
    // The page of the fixed file was last rendered before it broke: it is still valid.
    assert_eq!(r.check("the duplicate removed"), work(0, 0));

    r.edit("site.yaml", |t| t.replacen("name: ", "name: Service ", 1));
    let config = r.check("site.yaml changed");
    assert!(
        config.ok && config.parsed == 6 && config.rendered == 6,
        "{config:?}"
    );

    r.edit("site.yaml", |t| t + "\nunknown_key: 1\n");
    assert_eq!(r.check("site.yaml broken"), failed(0));
    r.edit("site.yaml", |t| t.replace("\nunknown_key: 1\n", ""));
    let fixed = r.check("site.yaml fixed");
    assert!(fixed.ok, "{fixed:?}");

    r.now += Duration::days(30);
    r.check("a month later");
    r.now -= Duration::days(400);
    r.check("a year earlier");
}

#[test]
fn cached_rebuilds_follow_now_and_drafts_like_clean_builds() {
    const API: &str = "incidents/2026-11-25-api-errors.md";
    for drafts in [false, true] {
        let mut r = Rebuilds::new(Site::fixture("ongoing"), drafts);
        r.check("first build");
        // Ongoing incidents last longer; the maintenance starts, then ends.
        for hours in [1, 24, 7 * 24, 8 * 24] {
            r.now = at(NOW) + Duration::hours(hours);
            let w = r.check(&format!("{hours} h later"));
            assert!(w.ok && w.parsed == 0, "{w:?}");
        }
        r.now = at(NOW);
        r.check("back to now");
        // An update in the future, then the moment it is published.
        r.edit(API, |t| {
            t.replacen(
                "updates:\n",
                "updates:\n  - at: 2026-11-25 09:00\n    status: monitoring\n    body: Watching.\n",
                1,
            )
        });
        let w = r.check("an update in the future");
        assert!(w.ok && w.parsed == 1, "{w:?}");
        r.now = at("2026-11-25T09:30:00-05:00");
        r.check("the update published");
        // A draft published, then drafted again.
        r.edit("incidents/2026-11-24-draft.md", |t| {
            t.replace("draft: true", "draft: false")
        });
        r.check("a draft published");
        r.edit("incidents/2026-11-24-draft.md", |t| {
            t.replace("draft: false", "draft: true")
        });
        r.check("drafted again");
        // A component removed from site.yaml that incidents use: every file fails the same
        // way as in a clean build.
        r.edit("site.yaml", |t| {
            t.replace(
                "  - id: dashboard\n    name: Dashboard\n    group: Platform\n",
                "",
            )
        });
        assert!(!r.check("a used component removed").ok);
    }
}

#[test]
fn a_cached_rebuild_of_a_large_site_parses_and_renders_only_the_edited_incident() {
    let site = Site::empty();
    crate::gen::generate(site.root(), 400).unwrap();
    let mut r = Rebuilds::new(site, false);
    r.check("first build");
    let (rel, _) = crate::gen::incident(400, 200);
    r.edit(&rel, |t| t + "\nUne ligne de plus.\n");
    assert_eq!(r.check("one incident edited"), work(1, 1));
    fs::remove_file(r.site.path(&rel)).unwrap();
    assert_eq!(r.check("that incident deleted"), work(0, 0));
}
