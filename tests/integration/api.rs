//! The JSON API under `api/v2/`, checked against the shapes and words of Statuspage's
//! public API v2 documentation (page, status, components, incidents with
//! incident_updates, scheduled maintenances), and against what the pages show.

use chrono::DateTime;
use serde_json::Value;

use crate::common::*;
use crate::feeds::{both, inputs, now};

const FILES: [&str; 8] = [
    "summary.json",
    "status.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
];

const COMPONENT_STATUSES: [&str; 5] = [
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
];
const INCIDENT_STATUSES: [&str; 5] = [
    "investigating",
    "identified",
    "monitoring",
    "resolved",
    "postmortem",
];
const MAINTENANCE_STATUSES: [&str; 4] = ["scheduled", "in_progress", "verifying", "completed"];
const IMPACTS: [&str; 5] = ["none", "minor", "major", "critical", "maintenance"];
const INDICATORS: [&str; 5] = ["none", "minor", "major", "critical", "maintenance"];

fn read(site: &Site, file: &str) -> Value {
    let text = site.read(&format!("public/api/v2/{file}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[track_caller]
fn string<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` should be a string in {v}"))
}

#[track_caller]
fn time(v: &Value, key: &str) {
    let s = string(v, key);
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("`{key}` = {s:?} is not ISO 8601: {e}"));
}

#[track_caller]
fn time_or_null(v: &Value, key: &str) {
    assert!(v.get(key).is_some(), "`{key}` missing in {v}");
    if !v[key].is_null() {
        time(v, key);
    }
}

#[track_caller]
fn string_or_null(v: &Value, key: &str) {
    assert!(
        v[key].is_string() || (v.get(key).is_some() && v[key].is_null()),
        "`{key}` should be a string or null in {v}"
    );
}

fn check_page(page: &Value, base: &str) {
    string(page, "id");
    string(page, "name");
    assert_eq!(string(page, "url"), base);
    string(page, "time_zone");
    time(page, "updated_at");
}

fn check_component(c: &Value) {
    for key in ["id", "name", "page_id"] {
        string(c, key);
    }
    assert!(COMPONENT_STATUSES.contains(&string(c, "status")), "{c}");
    time(c, "created_at");
    time(c, "updated_at");
    assert!(c["position"].is_u64());
    string_or_null(c, "description");
    string_or_null(c, "group_id");
    assert!(c["start_date"].is_null() || c["start_date"].is_string());
    for key in ["showcase", "group", "only_show_if_degraded"] {
        assert!(c[key].is_boolean(), "`{key}` in {c}");
    }
    if c["group"] == true {
        assert!(
            c["components"]
                .as_array()
                .is_some_and(|m| m.iter().all(Value::is_string)),
            "{c}"
        );
    }
}

fn check_incident(i: &Value, base: &str, maintenance: bool) {
    for key in ["id", "name", "page_id"] {
        string(i, key);
    }
    let statuses: &[&str] = if maintenance {
        &MAINTENANCE_STATUSES
    } else {
        &INCIDENT_STATUSES
    };
    assert!(statuses.contains(&string(i, "status")), "{i}");
    assert!(IMPACTS.contains(&string(i, "impact")), "{i}");
    for key in ["created_at", "updated_at", "started_at"] {
        time(i, key);
    }
    time_or_null(i, "monitoring_at");
    time_or_null(i, "resolved_at");
    assert!(
        string(i, "shortlink").starts_with(base),
        "absolute shortlink: {i}"
    );
    if maintenance {
        time(i, "scheduled_for");
        time(i, "scheduled_until");
        assert!(string(i, "scheduled_until") > string(i, "scheduled_for"));
    }
    let updates = i["incident_updates"].as_array().expect("incident_updates");
    assert!(!updates.is_empty());
    let mut previous = String::from("9999");
    for u in updates {
        for key in ["id", "body"] {
            string(u, key);
        }
        assert_eq!(u["incident_id"], i["id"]);
        assert!(statuses.contains(&string(u, "status")), "{u}");
        for key in ["created_at", "updated_at", "display_at"] {
            time(u, key);
        }
        let at = string(u, "display_at").to_string();
        assert!(at <= previous, "incident_updates newest first");
        previous = at;
        if let Some(affected) = u["affected_components"].as_array() {
            for a in affected {
                string(a, "code");
                string(a, "name");
                assert!(COMPONENT_STATUSES.contains(&string(a, "old_status")));
                assert!(COMPONENT_STATUSES.contains(&string(a, "new_status")));
            }
        } else {
            assert!(u["affected_components"].is_null());
        }
    }
    for c in i["components"].as_array().expect("components") {
        check_component(c);
    }
}

#[test]
fn every_file_has_statuspages_shape_and_words() {
    for (name, site) in both() {
        site.build().success();
        let base = inputs(&site).config.base_url;
        for file in FILES {
            let v = read(&site, file);
            check_page(&v["page"], &base);
            let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
            let expected: &[&str] = match file {
                "summary.json" => &[
                    "page",
                    "components",
                    "incidents",
                    "scheduled_maintenances",
                    "status",
                ],
                "status.json" => &["page", "status"],
                "components.json" => &["page", "components"],
                "incidents.json" | "incidents/unresolved.json" => &["page", "incidents"],
                _ => &["page", "scheduled_maintenances"],
            };
            let mut keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
            keys.sort();
            let mut expected = expected.to_vec();
            expected.sort();
            assert_eq!(keys, expected, "{name} {file}");
            if let Some(status) = v.get("status") {
                assert!(INDICATORS.contains(&string(status, "indicator")));
                string(status, "description");
            }
            for c in v["components"].as_array().into_iter().flatten() {
                check_component(c);
            }
            for i in v["incidents"].as_array().into_iter().flatten() {
                check_incident(i, &base, false);
            }
            for m in v["scheduled_maintenances"].as_array().into_iter().flatten() {
                check_incident(m, &base, true);
            }
        }
    }
}

#[test]
fn lists_hold_what_statuspage_says_they_hold() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let ids = |file: &str, key: &str| -> Vec<String> {
        read(&site, file)[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| string(i, "id").to_string())
            .collect()
    };
    assert_eq!(
        ids("incidents/unresolved.json", "incidents"),
        ["2026-11-25-api-errors"]
    );
    assert_eq!(ids("summary.json", "incidents"), ["2026-11-25-api-errors"]);
    assert_eq!(
        ids("incidents.json", "incidents"),
        [
            "2026-11-25-api-errors",
            "2026-11-10-email-delays",
            "2026-11-01-clock-change"
        ]
    );
    assert_eq!(
        ids(
            "scheduled-maintenances/upcoming.json",
            "scheduled_maintenances"
        ),
        ["2026-12-02-storage-maintenance"]
    );
    assert_eq!(
        ids("summary.json", "scheduled_maintenances"),
        ["2026-12-02-storage-maintenance"]
    );
    assert!(ids(
        "scheduled-maintenances/active.json",
        "scheduled_maintenances"
    )
    .is_empty());

    let incidents = read(&site, "incidents.json");
    let ongoing = &incidents["incidents"][0];
    assert_eq!(ongoing["status"], "identified");
    assert_eq!(ongoing["impact"], "major");
    assert!(ongoing["resolved_at"].is_null());
    assert_eq!(ongoing["incident_updates"].as_array().unwrap().len(), 3);
    let resolved = &incidents["incidents"][1];
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["impact"], "critical");
    assert_eq!(resolved["resolved_at"], "2026-11-10T18:30:00Z");
    assert_eq!(resolved["monitoring_at"], "2026-11-10T15:00:00Z");
    let maintenance = &read(&site, "scheduled-maintenances.json")["scheduled_maintenances"][0];
    assert_eq!(maintenance["status"], "scheduled");
    assert_eq!(maintenance["scheduled_for"], "2026-12-02T07:00:00Z");
    assert_eq!(maintenance["scheduled_until"], "2026-12-02T09:00:00Z");
}

#[test]
fn a_maintenance_in_its_window_is_active_and_its_component_under_maintenance() {
    let site = Site::fixture("ongoing");
    site.vigie(&["build", "--now", "2026-12-02T08:00:00Z"])
        .success();
    let active = read(&site, "scheduled-maintenances/active.json");
    assert_eq!(
        active["scheduled_maintenances"][0]["id"],
        "2026-12-02-storage-maintenance"
    );
    assert_eq!(active["scheduled_maintenances"][0]["status"], "in_progress");
    assert!(
        read(&site, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let components = read(&site, "components.json");
    let storage = components["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "storage")
        .unwrap();
    assert_eq!(storage["status"], "under_maintenance");
    assert_eq!(
        storage["updated_at"], "2026-12-02T07:00:00Z",
        "changed when the window opened"
    );
}

/// The status class the front page shows for `component`, and its banner class.
fn page_statuses(index: &str, components: &[String]) -> (String, Vec<String>) {
    let class_after = |from: usize, marker: &str| -> String {
        let at = from + index[from..].find(marker).unwrap() + marker.len();
        index[at..at + index[at..].find('"').unwrap()].to_string()
    };
    let banner = class_after(0, r#"class="banner status-"#);
    let rows = components
        .iter()
        .map(|id| {
            let row = index
                .find(&format!(r#"href="components/{id}/index.html""#))
                .unwrap_or_else(|| panic!("no row for {id}"));
            class_after(row, r#"class="status status-"#)
        })
        .collect();
    (banner, rows)
}

/// The page's CSS class for a Statuspage status word.
fn class_of(statuspage: &str) -> &'static str {
    match statuspage {
        "operational" | "none" => "operational",
        "degraded_performance" | "minor" => "degraded",
        "partial_outage" | "major" => "partial-outage",
        "major_outage" | "critical" => "major-outage",
        "under_maintenance" | "maintenance" => "maintenance",
        other => panic!("not a Statuspage word: {other}"),
    }
}

#[test]
fn summary_status_agrees_with_the_front_page() {
    for (name, site) in both() {
        for when in [NOW, "2026-12-02T08:00:00Z", "2026-12-09T00:30:00+01:00"] {
            site.vigie(&["build", "--now", when]).success();
            let summary = read(&site, "summary.json");
            let leaves: Vec<&Value> = summary["components"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["group"] == false)
                .collect();
            let ids: Vec<String> = leaves.iter().map(|c| string(c, "id").to_string()).collect();
            assert_eq!(
                ids,
                inputs(&site)
                    .config
                    .components
                    .iter()
                    .map(|c| c.id.clone())
                    .collect::<Vec<_>>()
            );
            let (banner, rows) = page_statuses(&site.read("public/index.html"), &ids);
            assert_eq!(
                class_of(string(&summary["status"], "indicator")),
                banner,
                "{name} at {when}"
            );
            for (c, row) in leaves.iter().zip(&rows) {
                assert_eq!(
                    class_of(string(c, "status")),
                    row,
                    "{name} at {when}: {}",
                    c["id"]
                );
            }
            assert_eq!(read(&site, "status.json")["status"], summary["status"]);
        }
    }
}

#[test]
fn the_ongoing_partial_outage_reads_as_statuspage_would_say_it() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let status = read(&site, "status.json");
    assert_eq!(status["status"]["indicator"], "major");
    assert_eq!(status["status"]["description"], "Partial System Outage");
    let components = read(&site, "components.json");
    let by_id = |id: &str| {
        components["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("api")["status"], "partial_outage");
    assert_eq!(by_id("dashboard")["status"], "degraded_performance");
    assert_eq!(by_id("email")["status"], "operational");
    let group = by_id("group-platform");
    assert_eq!(group["group"], true);
    assert_eq!(group["status"], "partial_outage");
    assert_eq!(by_id("api")["group_id"], "group-platform");
}

#[test]
fn updated_at_does_not_move_when_nothing_changed() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let first: Vec<String> = FILES
        .iter()
        .map(|f| site.read(&format!("public/api/v2/{f}")))
        .collect();
    // An hour later, no post, start or end in between.
    site.vigie(&["build", "--now", "2026-11-25T13:00:00+01:00"])
        .success();
    let second: Vec<String> = FILES
        .iter()
        .map(|f| site.read(&format!("public/api/v2/{f}")))
        .collect();
    assert!(
        first == second,
        "the API is byte-identical when nothing changed"
    );
    assert_eq!(
        read(&site, "summary.json")["page"]["updated_at"],
        "2026-11-25T10:45:00Z",
        "the latest post"
    );
    assert!(now() > DateTime::parse_from_rfc3339("2026-11-25T10:45:00Z").unwrap());
}

#[test]
fn the_example_site_is_all_operational_with_an_upcoming_dns_change() {
    let site = Site::example();
    site.build().success();
    let summary = read(&site, "summary.json");
    assert_eq!(summary["status"]["indicator"], "none");
    assert_eq!(summary["status"]["description"], "All Systems Operational");
    assert!(summary["incidents"].as_array().unwrap().is_empty());
    let upcoming = read(&site, "scheduled-maintenances/upcoming.json");
    assert_eq!(
        upcoming["scheduled_maintenances"][0]["id"],
        "2026-12-08-changement-des-serveurs-dns"
    );
    assert_eq!(
        upcoming["scheduled_maintenances"][0]["impact"],
        "maintenance"
    );
    let all = read(&site, "incidents.json");
    assert!(all["incidents"].as_array().unwrap().iter().any(|i| i["id"]
        == "2017-10-28-indisponibilite-de-l-ensemble-des-services"
        && i["impact"] == "critical"));
}
