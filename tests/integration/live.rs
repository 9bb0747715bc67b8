//! The page between two builds (issue 13, "The page knows its age and its future"): the
//! coming states a page holds are what a build at their time renders; running durations
//! are written as their start, so that story pages stay the same from build to build; the
//! one script is the theme's external file; pages that show a current status say when they
//! were built.

use std::collections::BTreeMap;

use crate::common::*;

/// The `window` fixture: a maintenance on `mail` from 02:00 to 03:00 in Paris on
/// 2026-12-01, announced on 28 November.
const BEFORE: &str = "2026-12-01T00:30:00Z";
const DURING: &str = "2026-12-01T01:05:00Z";

/// Every HTML page of a build at `now`, by path under `public/`.
fn pages(site: &Site, now: &str) -> BTreeMap<String, String> {
    site.vigie(&["build", "--now", now]).success();
    snapshot_tree(&site.path("public"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The page without its coming states: what it shows at its build.
fn shown(page: &str) -> &str {
    &page[..page.find("<template data-at=").unwrap_or(page.len())]
}

/// Each coming state of a page: its instant and the HTML it holds.
fn coming(page: &str) -> Vec<(String, String)> {
    page.split("<template data-at=\"")
        .skip(1)
        .map(|rest| {
            let (at, rest) = rest.split_once("\">").unwrap();
            let html = &rest[..rest.find("</template>").unwrap()];
            (at.to_string(), html.to_string())
        })
        .collect()
}

/// The elements of `html` that carry `data-live="key"`, each from its start tag to its end
/// tag, in order.
fn region(html: &str, key: &str) -> Vec<String> {
    let mark = format!(" data-live=\"{key}\"");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(k) = html[from..].find(&mark) {
        let at = from + k;
        let start = html[..at].rfind('<').unwrap();
        let name: String = html[start + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let (open, close) = (format!("<{name}"), format!("</{name}>"));
        // The matching end tag: elements of the same name may nest.
        let (mut depth, mut i) = (0usize, start);
        let end = loop {
            let next_open = html[i + 1..].find(&open).map(|n| i + 1 + n);
            let next_close = html[i + 1..].find(&close).map(|n| i + 1 + n).unwrap();
            match next_open {
                Some(o) if o < next_close => {
                    depth += 1;
                    i = o;
                }
                _ if depth > 0 => {
                    depth -= 1;
                    i = next_close;
                }
                _ => break next_close + close.len(),
            }
        };
        found.push(html[start..end].to_string());
        from = end;
    }
    found
}

/// The keys of the regions in `html`, in order, each once.
fn keys(html: &str) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for part in html.split(" data-live=\"").skip(1) {
        let key = part[..part.find('"').unwrap()].to_string();
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

#[test]
fn the_front_page_built_before_a_window_holds_the_states_of_its_start_and_end() {
    let site = Site::fixture("window");
    let before = pages(&site, BEFORE);
    let index = &before["index.html"];
    // Built at 00:30 UTC, the window is planned and nothing is affected.
    assert!(shown(index).contains("<section class=\"banner status-operational\""));
    assert!(shown(index).contains("<span class=\"badge status-scheduled\">Planifiée</span>"));
    let states = coming(index);
    let at: Vec<&str> = states.iter().map(|(at, _)| at.as_str()).collect();
    assert_eq!(at, ["2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z"]);
    // From the start: the banner, the maintenance among the ongoing incidents, its group
    // and its component; nothing else (the other components stay as they are).
    let (_, start) = &states[0];
    assert_eq!(keys(start), ["now", "g-0", "c-mail"]);
    assert!(start.contains("<section class=\"banner status-maintenance\""));
    assert!(start.contains("Maintenance en cours"));
    assert!(start.contains("<span class=\"badge status-in-progress\">En cours</span>"));
    assert!(start.contains(
        "<p class=\"status status-maintenance\" data-live=\"c-mail\"><span class=\"icon\" aria-hidden=\"true\">⚙</span> Maintenance</p>"
    ));
    // From the end: back to normal, the maintenance in the recent history.
    let (_, end) = &states[1];
    assert_eq!(keys(end), ["now", "recent", "g-0", "c-mail"]);
    assert!(end.contains("<section class=\"banner status-operational\""));
    assert!(end.contains("<span class=\"badge status-completed\">Terminée</span>"));
    // The component's page and the maintenance's page hold their own coming states.
    let mail = coming(&before["components/mail/index.html"]);
    assert_eq!(mail.len(), 2);
    assert_eq!(keys(&mail[0].1), ["c-mail", "incidents"]);
    let page = coming(&before["incidents/2026-12-01-maintenance-messagerie/index.html"]);
    assert_eq!(page.len(), 2);
    assert_eq!(keys(&page[0].1), ["state"]);
    // A component the window does not touch has nothing coming.
    assert!(coming(&before["components/web/index.html"]).is_empty());
}

/// The states a page built at 00:30 shows from 01:00 are, region by region, what a build
/// at 01:05 shows: they are rendered from the model at that time, never worked out again.
#[test]
fn a_coming_state_is_what_a_build_at_its_time_shows() {
    let site = Site::fixture("window");
    let before = pages(&site, BEFORE);
    let during = pages(&site, DURING);
    for path in [
        "index.html",
        "components/mail/index.html",
        "incidents/2026-12-01-maintenance-messagerie/index.html",
    ] {
        let states = coming(&before[path]);
        let (at, state) = &states[0];
        assert_eq!(at, "2026-12-01T01:00:00Z", "{path}");
        let now = shown(&during[path]);
        for key in keys(state) {
            assert_eq!(
                region(state, &key),
                region(now, &key),
                "{path}: region `{key}` at 01:00 differs from the 01:05 build"
            );
        }
        // What the state leaves alone is the same in both builds.
        for key in keys(shown(&before[path])) {
            if !keys(state).contains(&key) {
                assert_eq!(
                    region(shown(&before[path]), &key),
                    region(now, &key),
                    "{path}: region `{key}`"
                );
            }
        }
    }
}

#[test]
fn every_script_is_the_themes_external_file() {
    let builds = [
        ("example", Site::example()),
        ("window", Site::fixture("window")),
        ("ongoing", Site::fixture("ongoing")),
        ("hostile", Site::fixture("hostile")),
    ];
    for (name, site) in &builds {
        let mut with_script = 0;
        for (path, html) in pages(site, BEFORE) {
            if html.contains("<script") {
                with_script += 1;
            }
            let rest = without_theme_script(&html);
            assert!(
                !rest.to_ascii_lowercase().contains("<script"),
                "{name}: {path} has a script that is not the theme's external file"
            );
        }
        assert!(with_script > 0, "{name}: no page loads the script");
        assert!(
            site.path("public/assets/live.js").is_file(),
            "{name}: assets/live.js"
        );
    }
}

#[test]
fn the_script_is_a_few_kilobytes_and_asks_only_the_site() {
    let site = Site::fixture("window");
    site.vigie(&["build", "--now", BEFORE]).success();
    let script = site.read("public/assets/live.js");
    assert!(script.len() < 5 * 1024, "{} bytes", script.len());
    // Its one request: the site's own api/build.json, by a relative address.
    assert_eq!(script.matches("fetch(").count(), 1);
    assert!(script.contains("new URL('../api/build.json', script.src)"));
    for never in [
        "http:",
        "https:",
        "XMLHttpRequest",
        "sendBeacon",
        "WebSocket",
        "eval(",
        "innerHTML",
        "console.",
        "localStorage",
        "document.cookie",
    ] {
        assert!(!script.contains(never), "the script uses `{never}`");
    }
    // Its words come from the page.
    for word in [
        "il y a", " ago", " min", "Durée", "Duration", "depuis", "instant", "just now",
    ] {
        assert!(!script.contains(word), "the script holds the word `{word}`");
    }
}

/// Story pages (an incident, the archive) say nothing of the build's time, so that a
/// rebuild at another time, with nothing new about the incidents, leaves them as they are.
#[test]
fn incident_and_history_pages_do_not_change_with_the_time_of_the_build() {
    let cases = [
        // The example: nothing happens between these times (the DNS window is on 8 December).
        (
            Site::example(),
            [
                "2026-11-25T12:00:00+01:00",
                "2026-11-25T13:00:00+01:00",
                "2026-11-27T09:30:00+01:00",
            ],
        ),
        // A maintenance running, read a few minutes and half an hour later.
        (
            Site::fixture("window"),
            [DURING, "2026-12-01T01:12:00Z", "2026-12-01T01:40:00Z"],
        ),
        // An incident with no end, at 06:00, 07:00 and 11:00 New York time.
        (
            Site::fixture("ongoing"),
            [
                NOW,
                "2026-11-25T13:00:00+01:00",
                "2026-11-25T17:00:00+01:00",
            ],
        ),
    ];
    for (site, times) in cases {
        let builds: Vec<BTreeMap<String, String>> =
            times.iter().map(|now| pages(&site, now)).collect();
        let mut story = 0;
        for (path, html) in &builds[0] {
            if !(path.starts_with("incidents/") || path.starts_with("history/")) {
                continue;
            }
            story += 1;
            assert!(
                !html.contains("data-generated"),
                "{path} says when it was built"
            );
            for (k, other) in builds.iter().enumerate().skip(1) {
                assert!(
                    other.get(path) == Some(html),
                    "{path} differs between builds at {} and {}",
                    times[0],
                    times[k]
                );
            }
        }
        assert!(story >= 3, "{story} story pages");
    }
}

#[test]
fn a_running_duration_says_since_when() {
    let site = Site::fixture("ongoing");
    let built = pages(&site, NOW);
    let index = shown(&built["index.html"]);
    // Started at 04:30 New York time, 1 h 30 before the build.
    assert!(
        index.contains("Since <time datetime=\"2026-11-25T09:30:00Z\">Wednesday 25 November 2026, 04:30 EST</time><span class=\"running\" data-since=\"2026-11-25T09:30:00Z\" data-text=\"&nbsp;· Duration {}\"></span>"),
        "{index}"
    );
    assert!(!index.contains("Duration 1 h 30"));
    let page = &built["incidents/2026-11-25-api-errors/index.html"];
    assert!(page.contains("<dt>Duration</dt>\n<dd><span class=\"running\" data-since=\"2026-11-25T09:30:00Z\" data-text=\"{} (ongoing)\">since 04:30</span></dd>"));
    // Finished incidents keep their duration.
    assert!(index.contains("&nbsp;· Duration 4 h 30 min</span>"));
}

#[test]
fn pages_that_show_a_current_status_say_when_they_were_built() {
    for (site, lang_line) in [
        (
            Site::fixture("window"),
            "<p class=\"built\" data-generated=\"2026-12-01T00:30:00Z\" data-age=\" (il y a {})\" data-age-now=\" (à l’instant)\">Page mise à jour le <time datetime=\"2026-12-01T00:30:00Z\">mardi 1 décembre 2026, 01:30 CET</time>.</p>",
        ),
        (
            Site::fixture("ongoing"),
            "<p class=\"built\" data-generated=\"2026-12-01T00:30:00Z\" data-age=\" ({} ago)\" data-age-now=\" (just now)\">Page updated <time datetime=\"2026-12-01T00:30:00Z\">Monday 30 November 2026, 19:30 EST</time>.</p>",
        ),
    ] {
        let built = pages(&site, BEFORE);
        for (path, html) in &built {
            let current = path == "index.html" || path.starts_with("components/");
            assert_eq!(html.contains(lang_line), current, "{path}");
        }
    }
}

/// `vigie serve` (and a watcher) rebuild at a new `now` often: an incident page that says
/// since when rather than how long is the same page an hour later, and is taken from the
/// page cache instead of rendered again.
#[test]
fn a_rebuild_later_with_no_incident_changed_renders_no_incident_page_again() {
    let site = Site::fixture("ongoing");
    let at = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let mut caches = vigie::pipeline::Caches::new();
    let mut build = |now: &str| {
        vigie::pipeline::generate_with(site.root(), at(now), false, None, &mut caches).unwrap();
        caches.pages.last_rendered()
    };
    assert_eq!(build(NOW), 4, "the first build renders every incident page");
    // An hour later the incident with no end is still running, the maintenance planned.
    assert_eq!(build("2026-11-25T13:00:00+01:00"), 0);
    // When the maintenance starts, its page alone changes.
    assert_eq!(build("2026-12-02T07:00:00Z"), 1);
}
