//! `vigie check`, `vigie new` and the command line itself.

use std::fs;

use crate::common::*;

#[test]
fn check_validates_and_writes_nothing() {
    let site = Site::example();
    let run = site.vigie(&["check", "--now", NOW]);
    run.success();
    assert!(
        run.stdout.starts_with("ok: 6 incidents, 7 components"),
        "{}",
        run.stdout
    );
    assert!(!site.path("public").exists());
}

#[test]
fn new_creates_a_dated_file_that_builds() {
    let site = Site::example();
    let run = site.vigie(&[
        "new",
        "Coupure du webmail",
        "--severity",
        "partial-outage",
        "--components",
        "webmail,mail",
        "--now",
        NOW,
    ]);
    run.success();
    let path = "incidents/2026-11-25-coupure-du-webmail.md";
    let text = site.read(path);
    assert!(
        text.starts_with("---\ntitle: Coupure du webmail\nstart: 2026-11-25 12:00\n"),
        "{text}"
    );
    assert!(text.contains("severity: partial-outage\ncomponents: [webmail, mail]\n"));
    site.build().success();
    let page = site.read("public/incidents/2026-11-25-coupure-du-webmail/index.html");
    assert!(page.contains("Coupure du webmail"));
}

#[test]
fn new_quotes_a_title_yaml_would_misread_and_check_reads_it_back() {
    let site = Site::example();
    let title = "Titre: avec « guillemets » et #dièse";
    site.vigie(&["new", title, "--now", NOW]).success();
    let path = "incidents/2026-11-25-titre-avec-guillemets-et-diese.md";
    assert!(
        site.read(path)
            .starts_with("---\ntitle: \"Titre: avec « guillemets » et #dièse\"\n"),
        "{}",
        site.read(path)
    );
    site.vigie(&["check", "--now", NOW]).success();
    site.build().success();
    let api: serde_json::Value =
        serde_json::from_str(&site.read("public/api/v2/incidents.json")).unwrap();
    let names: Vec<&str> = api["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"] == "2026-11-25-titre-avec-guillemets-et-diese")
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [title]);
}

#[test]
fn new_refuses_a_title_the_pages_could_not_show() {
    let site = Site::example();
    for (title, message) in [
        (
            "Panne\u{7}",
            "the title contains the control character U+0007",
        ),
        ("Panne\nréseau", "the title contains a line break"),
    ] {
        let run = site.vigie(&["new", title, "--now", NOW]);
        run.failure(2);
        assert!(run.stderr.contains(message), "{}", run.stderr);
    }
    assert!(!site.path("incidents/2026-11-25-panne.md").exists());
}

#[test]
fn new_never_overwrites_a_file() {
    let site = Site::example();
    site.vigie(&["new", "Panne", "--now", NOW]).success();
    let path = site.path("incidents/2026-11-25-panne.md");
    fs::write(&path, "mine").unwrap();
    let run = site.vigie(&["new", "Panne", "--now", NOW]);
    run.failure(1);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(&path).unwrap(), "mine");
}

#[test]
fn new_refuses_an_unknown_component_as_a_usage_error() {
    let site = Site::example();
    let run = site.vigie(&["new", "Panne", "--components", "dsn", "--now", NOW]);
    run.failure(2);
    assert!(
        run.stderr
            .contains("unknown component `dsn` (did you mean `dns`?)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_wrong_command_line_exits_with_2() {
    let site = Site::example();
    site.vigie(&["build", "--now", "yesterday"]).failure(2);
    site.vigie(&["build", "--frobnicate"]).failure(2);
}

#[test]
fn the_output_may_not_hide_the_sources() {
    let site = Site::example();
    let root = site.root().display().to_string();
    for out in [
        root.clone(),
        format!("{root}/incidents/public"),
        format!("{root}/.."),
    ] {
        let run = site.vigie(&["build", "--now", NOW, "--out", &out]);
        run.failure(2);
        assert!(run.stderr.contains("refusing --out"), "{}", run.stderr);
    }
}

#[test]
fn output_cut_short_ends_quietly_without_a_panic() {
    let site = Site::example();
    let mut child = vigie()
        .args(["check", "--now", NOW, "--root"])
        .arg(site.root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before anything is printed.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
}
