//! The next change: `vigie build` says when the site will next say something else, and
//! writes it with the build time in `api/build.json` (issue 13).

use serde_json::Value;

use crate::common::*;

/// The fixture's maintenance runs from 02:00 to 03:00, Paris time, on 1 December 2026.
fn build_at(site: &Site, now: &str) -> (Run, Value) {
    let run = site.vigie(&["build", "--now", now]);
    run.success();
    let json: Value = serde_json::from_str(&site.read("public/api/build.json")).unwrap();
    (run, json)
}

#[test]
fn before_the_window_the_next_change_is_its_start() {
    let site = Site::fixture("maintenance-window");
    let (run, json) = build_at(&site, "2026-12-01T00:30:00Z");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("built 1 incidents into "), "{lines:?}");
    assert_eq!(lines[1..], ["next change: 2026-12-01T01:00:00Z"]);
    assert_eq!(
        json,
        serde_json::json!({
            "generated_at": "2026-12-01T00:30:00Z",
            "next_change": "2026-12-01T01:00:00Z",
        })
    );
}

#[test]
fn during_the_window_the_next_change_is_its_end() {
    let site = Site::fixture("maintenance-window");
    let (run, json) = build_at(&site, "2026-12-01T02:05:00+01:00");
    assert!(
        run.stdout
            .ends_with("\nnext change: 2026-12-01T02:00:00Z\n"),
        "{}",
        run.stdout
    );
    assert_eq!(json["generated_at"], "2026-12-01T01:05:00Z");
    assert_eq!(json["next_change"], "2026-12-01T02:00:00Z");
}

#[test]
fn after_the_window_the_next_change_is_midnight_in_paris() {
    let site = Site::fixture("maintenance-window");
    let (run, json) = build_at(&site, "2026-12-01T09:00:00Z");
    assert!(
        run.stdout.contains("\nnext change: 2026-12-01T23:00:00Z\n"),
        "{}",
        run.stdout
    );
    assert_eq!(json["next_change"], "2026-12-01T23:00:00Z");
}

#[test]
fn a_build_with_nothing_new_writes_nothing_and_still_says_the_next_change() {
    let site = Site::fixture("maintenance-window");
    let (_, first) = build_at(&site, "2026-12-01T00:30:00Z");
    let before = snapshot_tree(&site.path("public"));
    let (again, json) = build_at(&site, "2026-12-01T00:30:00Z");
    assert!(again.stdout.contains("unchanged"), "{}", again.stdout);
    assert!(
        again
            .stdout
            .ends_with("\nnext change: 2026-12-01T01:00:00Z\n"),
        "{}",
        again.stdout
    );
    assert_eq!(json, first);
    assert_eq!(snapshot_tree(&site.path("public")), before);
}

#[test]
fn a_build_at_another_moment_rewrites_build_json() {
    let site = Site::fixture("maintenance-window");
    build_at(&site, "2026-12-01T00:30:00Z");
    let (run, json) = build_at(&site, "2026-12-01T00:31:00Z");
    assert!(!run.stdout.contains("unchanged"), "{}", run.stdout);
    assert_eq!(json["generated_at"], "2026-12-01T00:31:00Z");
    assert_eq!(json["next_change"], "2026-12-01T01:00:00Z");
}
