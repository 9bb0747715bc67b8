//! When things are public (issue 13): an incident from its announcement (`published`, else
//! the earliest of its start and its posts), each post from its own time; notices as
//! information with a bounded life; the front page's list of ongoing incidents bounded.
//! Every output agrees, at every `now`.

use serde_json::Value;

use crate::common::*;

const MAINTENANCE: &str = "2026-12-01-maintenance-messagerie";
const NOTICE: &str = "2026-11-20-nouveaux-tarifs";

/// The `announced-ahead` fixture built at `now`.
fn built_at(now: &str) -> Site {
    let site = Site::fixture("announced-ahead");
    site.vigie(&["build", "--now", now]).success();
    site
}

fn json(site: &Site, file: &str) -> Value {
    serde_json::from_str(&site.read(&format!("public/api/v2/{file}"))).unwrap()
}

/// The ids of the objects under `key` of an API file.
fn ids(site: &Site, file: &str, key: &str) -> Vec<String> {
    json(site, file)[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

/// The calendar's events as Python's icalendar reads them.
fn calendar(site: &Site) -> Value {
    let path = site.path("public/maintenance.ics");
    let run = python(
        crate::feeds::ICALENDAR,
        &[path.to_str().unwrap()],
        &["icalendar"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cal: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(cal["errors"], serde_json::json!([]));
    cal
}

#[test]
fn a_maintenance_announced_by_a_scheduled_update_is_in_every_output_from_that_update() {
    // Issue 13: 2026-12-01 02:00–03:00 Paris, a `scheduled` update on 2026-11-25 and no
    // `published`, built on 2026-11-26.
    let site = built_at("2026-11-26T12:00:00+01:00");
    let summary = json(&site, "summary.json");
    let m = &summary["scheduled_maintenances"][0];
    assert_eq!(m["id"], MAINTENANCE, "{summary}");
    assert_eq!(m["status"], "scheduled");
    assert_eq!(
        m["created_at"], "2026-11-25T09:00:00Z",
        "announced by the update"
    );
    assert_eq!(m["scheduled_for"], "2026-12-01T01:00:00Z");
    assert_eq!(m["scheduled_until"], "2026-12-01T02:00:00Z");
    assert_eq!(
        m["incident_updates"].as_array().unwrap().len(),
        2,
        "the update and the announcement"
    );
    assert_eq!(
        ids(
            &site,
            "scheduled-maintenances.json",
            "scheduled_maintenances"
        ),
        [MAINTENANCE]
    );
    assert_eq!(
        ids(
            &site,
            "scheduled-maintenances/upcoming.json",
            "scheduled_maintenances"
        ),
        [MAINTENANCE]
    );
    let cal = calendar(&site);
    let events = cal["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{cal}");
    assert_eq!(events[0]["uid"], format!("{MAINTENANCE}@status.example.fr"));
    assert_eq!(events[0]["start"], "2026-12-01T01:00:00+00:00");
    assert_eq!(events[0]["end"], "2026-12-01T02:00:00+00:00");
    assert_eq!(events[0]["dtstamp"], "2026-11-25T09:00:00+00:00");
    // The pages and the feeds say the same.
    let index = site.read("public/index.html");
    assert!(index.contains(&format!("incidents/{MAINTENANCE}/index.html")));
    assert!(site
        .path(&format!("public/incidents/{MAINTENANCE}/index.html"))
        .is_file());
    assert!(site
        .read("public/atom.xml")
        .contains(&format!("incidents/{MAINTENANCE}/#announcement")));
}

#[test]
fn before_its_first_post_a_maintenance_is_in_no_output() {
    let site = built_at("2026-11-24T12:00:00+01:00");
    for file in walkdir::WalkDir::new(site.path("public"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let bytes = std::fs::read(file.path()).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(MAINTENANCE),
            "{} names the maintenance before it is announced",
            file.path().display()
        );
    }
    assert_eq!(
        ids(&site, "summary.json", "scheduled_maintenances"),
        Vec::<String>::new()
    );
    assert_eq!(calendar(&site)["events"], serde_json::json!([]));
}

#[test]
fn a_notice_is_information_on_the_front_page_until_it_expires() {
    let site = built_at("2026-11-26T12:00:00+01:00");
    let page = site.read("public/index.html");
    // What the page shows, without the coming states it holds for the script.
    let index = &page[..page.find("<template data-at=").unwrap_or(page.len())];
    let notices = index
        .split("<section class=\"notices\"")
        .nth(1)
        .expect("an information box")
        .split("</section>")
        .next()
        .unwrap();
    assert!(
        notices.contains("Nouveaux tarifs au 1er janvier"),
        "{notices}"
    );
    assert!(
        notices.contains("Concerne\u{a0}: tous les services"),
        "{notices}"
    );
    let banner_end = index.find("</section>").unwrap();
    assert!(
        index.find("class=\"notices\"").unwrap() > banner_end,
        "after the banner"
    );
    assert!(
        !index.contains("class=\"ongoing\""),
        "not an ongoing incident"
    );
    let feed = site.read("public/feed.xml");
    let item = feed
        .split("<item>")
        .find(|item| item.contains(NOTICE))
        .unwrap();
    for (page, text) in [
        ("the information box", notices.to_string()),
        (
            "the incident page",
            site.read(&format!("public/incidents/{NOTICE}/index.html")),
        ),
        ("the feed", item.to_string()),
    ] {
        for word in [
            "Enquête en cours",
            "Identifié",
            "Services touchés",
            "toujours en cours",
        ] {
            assert!(!text.contains(word), "{page} says {word}");
        }
    }
    assert!(item.contains("<title>Nouveaux tarifs au 1er janvier — Information</title>"));
    let unresolved = json(&site, "incidents/unresolved.json");
    let n = &unresolved["incidents"][0];
    assert_eq!(n["id"], NOTICE);
    assert_eq!(n["impact"], "none");
    assert_eq!(n["status"], "monitoring");
    assert_eq!(json(&site, "status.json")["status"]["indicator"], "none");
    // Announcements say the same: no status word, and what it concerns.
    for format in ["text", "bbcode", "markdown", "email"] {
        let run = site.vigie(&[
            "announce",
            NOTICE,
            "--format",
            format,
            "--now",
            "2026-11-26T12:00:00+01:00",
        ]);
        run.success();
        assert!(!run.stdout.contains("État"), "{format}: {}", run.stdout);
        assert!(
            !run.stdout.contains("Services touchés"),
            "{format}: {}",
            run.stdout
        );
        assert!(
            run.stdout.contains("tous les services"),
            "{format}: {}",
            run.stdout
        );
    }

    // 14 days after it was announced, it is only in the history, and resolved.
    let site = built_at("2026-12-04T10:00:00+01:00");
    let index = site.read("public/index.html");
    assert!(!index.contains(NOTICE), "off the front page");
    assert!(site.read("public/history/index.html").contains(NOTICE));
    assert_eq!(
        ids(&site, "incidents/unresolved.json", "incidents"),
        Vec::<String>::new()
    );
    let n = &json(&site, "incidents.json")["incidents"][0];
    assert_eq!(n["status"], "resolved");
    assert_eq!(n["resolved_at"], "2026-12-04T09:00:00Z");
}

#[test]
fn vigie_new_announces_a_maintenance_when_it_is_written() {
    let site = Site::fixture("announced-ahead");
    let run = site.vigie(&[
        "new",
        "Remplacement d'un commutateur",
        "--severity",
        "maintenance",
        "--components",
        "web",
        "--start",
        "2026-12-03 23:00",
        "--end",
        "2026-12-04T01:00:00+01:00",
        "--now",
        "2026-11-26T09:30:00Z",
    ]);
    run.success();
    let path = "incidents/2026-12-03-remplacement-d-un-commutateur.md";
    assert_eq!(
        run.stdout.trim(),
        format!("created {}", site.path(path).display())
    );
    let text = site.read(path);
    assert!(
        text.starts_with("---\ntitle: Remplacement d'un commutateur\nstart: 2026-12-03 23:00\nend: 2026-12-04 01:00\nseverity: maintenance\npublished: 2026-11-26 10:30\ncomponents: [web]\n---\n"),
        "{text}"
    );
    // Announced at once: in the upcoming maintenance, and no warning.
    let check = site.vigie(&["check", "--now", "2026-11-26T10:00:00Z"]);
    check.success();
    assert_eq!(check.stderr, "");
    site.vigie(&["build", "--now", "2026-11-26T10:00:00Z"])
        .success();
    assert!(ids(
        &site,
        "scheduled-maintenances/upcoming.json",
        "scheduled_maintenances"
    )
    .contains(&"2026-12-03-remplacement-d-un-commutateur".to_string()));

    for (args, message) in [
        (
            vec!["--start", "demain"],
            "--start: `demain` is not a date and time",
        ),
        (
            vec!["--start", "2026-12-03 23:00", "--end", "2026-12-03 22:00"],
            "--end is before --start",
        ),
        (
            vec!["--start", "2027-03-28 02:30"],
            "does not exist in Europe/Paris",
        ),
    ] {
        let mut all = vec!["new", "Autre", "--now", "2026-11-26T09:30:00Z"];
        all.extend(args);
        let run = site.vigie(&all);
        run.failure(2);
        assert!(run.stderr.contains(message), "{}", run.stderr);
    }
}

/// Every output agrees on what is public at any `now` (issue 13), over generated sites.
mod agreement {
    use std::collections::BTreeSet;
    use std::path::Path;

    use chrono::{DateTime, Duration, Utc};
    use proptest::prelude::*;
    use serde_json::Value;

    use crate::gen;
    use vigie::model::{Incident, Severity, Site};
    use vigie::render::OutputFile;

    /// Incidents `from..from + count` of the generator, with every way of announcing.
    fn site(from: usize, count: usize) -> Site {
        // Every post in the feeds, so that they can be compared whole.
        let yaml = format!("{}feed_items: 100000\n", gen::site_yaml());
        let config = vigie::load::config::parse(Path::new("site.yaml"), &yaml).unwrap();
        let options = gen::Options {
            open_percent: 20,
            announcements: true,
        };
        let mut incidents: Vec<std::sync::Arc<Incident>> = (from..from + count)
            .map(|k| {
                let (path, text) = gen::incident_with(24, k, &options);
                let stem = Path::new(&path).file_stem().unwrap().to_str().unwrap();
                let id = vigie::load::incident_id(stem);
                vigie::load::incident::parse(Path::new(&path), &id, &text, &config)
                    .map(std::sync::Arc::new)
                    .unwrap_or_else(|e| panic!("{path}: {e:?}\n{text}"))
            })
            .collect();
        vigie::load::sort_incidents(&mut incidents);
        Site {
            config,
            incidents,
            files: Vec::new(),
        }
    }

    /// The instants at which something of `site` may become public or change.
    fn instants(site: &Site) -> Vec<DateTime<Utc>> {
        let mut all: Vec<DateTime<Utc>> = site
            .incidents
            .iter()
            .flat_map(|i| {
                [i.published, i.start, i.start + Duration::days(14)]
                    .into_iter()
                    .chain(i.end)
                    .chain(i.posts.iter().map(|p| p.at))
            })
            .collect();
        all.sort();
        all
    }

    fn text(files: &[OutputFile], path: &str) -> String {
        let f = files.iter().find(|f| f.path == path).unwrap();
        String::from_utf8(f.bytes.clone()).unwrap()
    }

    /// The ids in `incidents/<id>/` links of `html`.
    fn linked(html: &str) -> BTreeSet<String> {
        html.split("incidents/")
            .skip(1)
            .filter_map(|rest| {
                let id: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                rest[id.len()..].starts_with('/').then_some(id)
            })
            .filter(|id| !id.is_empty())
            .collect()
    }

    /// Statuspage's word for the worst severity.
    fn statuspage(s: Option<Severity>) -> &'static str {
        match s {
            None | Some(Severity::Notice) => "operational",
            Some(Severity::Maintenance) => "under_maintenance",
            Some(Severity::Degraded) => "degraded_performance",
            Some(Severity::PartialOutage) => "partial_outage",
            Some(Severity::MajorOutage) => "major_outage",
        }
    }

    fn agree(site: &Site, now: DateTime<Utc>) -> Result<(), TestCaseError> {
        // What is public, from the model's data alone.
        let public: BTreeSet<String> = site
            .incidents
            .iter()
            .filter(|i| i.published <= now)
            .map(|i| i.id.clone())
            .collect();
        let posts: BTreeSet<(String, String)> = site
            .incidents
            .iter()
            .filter(|i| i.published <= now)
            .flat_map(|i| {
                i.posts
                    .iter()
                    .filter(|p| p.at <= now)
                    .map(|p| (i.id.clone(), p.anchor.clone()))
            })
            .collect();
        let model = vigie::derive::derive(site, now);
        let files = vigie::render::site(&model).unwrap();

        // Pages: one per public incident, each in the sitemap and the history.
        let pages: BTreeSet<String> = files
            .iter()
            .filter_map(|f| {
                let id = f
                    .path
                    .strip_prefix("incidents/")?
                    .strip_suffix("/index.html")?;
                Some(id.to_string())
            })
            .collect();
        prop_assert_eq!(&pages, &public, "incident pages");
        prop_assert_eq!(&linked(&text(&files, "sitemap.xml")), &public, "sitemap");
        let history: BTreeSet<String> = files
            .iter()
            .filter(|f| f.path.starts_with("history/"))
            .flat_map(|f| linked(&String::from_utf8_lossy(&f.bytes)))
            .collect();
        prop_assert_eq!(&history, &public, "history");
        for f in files.iter().filter(|f| {
            f.path == "index.html"
                || f.path.starts_with("components/")
                || f.path.starts_with("ongoing/")
        }) {
            let shown = linked(&String::from_utf8_lossy(&f.bytes));
            prop_assert!(
                shown.is_subset(&public),
                "{} links to {:?}",
                f.path,
                shown.difference(&public).collect::<Vec<_>>()
            );
        }

        // Feeds: every public post, and no other.
        let atom = text(&files, "atom.xml");
        let entries: BTreeSet<(String, String)> = atom
            .split("<id>")
            .skip(2)
            .filter_map(|e| {
                let url = e.split("</id>").next()?;
                let (page, anchor) = url.split_once("/#")?;
                Some((page.rsplit('/').next()?.to_string(), anchor.to_string()))
            })
            .collect();
        prop_assert_eq!(&entries, &posts, "atom.xml");

        // The API: every public incident and post.
        let api = |file: &str, key: &str| -> Vec<Value> {
            let v: Value = serde_json::from_str(&text(&files, &format!("api/v2/{file}"))).unwrap();
            v[key].as_array().unwrap().clone()
        };
        let listed: Vec<Value> = api("incidents.json", "incidents")
            .into_iter()
            .chain(api("scheduled-maintenances.json", "scheduled_maintenances"))
            .collect();
        let ids: BTreeSet<String> = listed
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        prop_assert_eq!(&ids, &public, "API");
        let updates: BTreeSet<String> = listed
            .iter()
            .flat_map(|i| i["incident_updates"].as_array().unwrap().clone())
            .map(|u| u["id"].as_str().unwrap().to_string())
            .collect();
        let expected: BTreeSet<String> = posts.iter().map(|(id, a)| format!("{id}-{a}")).collect();
        prop_assert_eq!(&updates, &expected, "API updates");

        // The calendar: every public maintenance.
        let ics = text(&files, "maintenance.ics").replace("\r\n ", "");
        let uids: BTreeSet<String> = ics
            .lines()
            .filter_map(|l| {
                l.strip_prefix("UID:")?
                    .split('@')
                    .next()
                    .map(str::to_string)
            })
            .collect();
        let maintenances: BTreeSet<String> = site
            .incidents
            .iter()
            .filter(|i| i.is_maintenance() && public.contains(&i.id))
            .map(|i| i.id.clone())
            .collect();
        prop_assert_eq!(&uids, &maintenances, "maintenance.ics");

        // Component statuses (and so badges and the banner) from public incidents only.
        let components = api("components.json", "components");
        for c in &site.config.components {
            let worst = site
                .incidents
                .iter()
                .filter(|i| i.published <= now && i.start <= now && i.end.is_none_or(|e| now < e))
                // A notice never changes a status, whatever its components' severities.
                .filter(|i| !i.is_notice())
                .filter_map(|i| i.severity_on(&c.id))
                .filter(|s| *s != Severity::Notice)
                .max();
            let json = components
                .iter()
                .find(|j| j["id"] == c.id.as_str())
                .unwrap();
            prop_assert_eq!(
                json["status"].as_str().unwrap(),
                statuspage(worst),
                "{} at {}",
                c.id,
                now
            );
        }

        // Nothing anywhere names what is not public yet.
        for i in site.incidents.iter().filter(|i| !public.contains(&i.id)) {
            for f in &files {
                let body = String::from_utf8_lossy(&f.bytes);
                for needle in [
                    format!("incidents/{}/", i.id),
                    format!("\"{}\"", i.id),
                    format!("{}@", i.id),
                    format!("\"{}-", i.id),
                ] {
                    prop_assert!(
                        !body.contains(&needle),
                        "{} names {} before it is announced",
                        f.path,
                        i.id
                    );
                }
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
            ..ProptestConfig::default()
        })]

        #[test]
        fn every_output_agrees_on_what_is_public_at_any_moment(
            from in 0usize..40,
            count in 1usize..20,
            pick in any::<prop::sample::Index>(),
            shift in prop_oneof![Just(-1i64), Just(0i64), Just(1i64), -3 * 86_400i64..3 * 86_400],
        ) {
            let site = site(from, count);
            let instants = instants(&site);
            let now = *pick.get(&instants) + Duration::seconds(shift);
            agree(&site, now)?;
        }
    }
}
