//! `vigie build` on the example site and on fixture sites.

use crate::common::*;

#[test]
fn the_example_site_builds_every_page_of_the_layout() {
    let site = Site::example();
    site.build().success();
    for page in [
        "index.html",
        "404.html",
        "feed.xml",
        "history/index.html",
        "history/2017/index.html",
        "history/2026/index.html",
        "incidents/2017-10-28-indisponibilite-de-l-ensemble-des-services/index.html",
        "components/web/index.html",
        "components/web/feed.xml",
        "assets/style.css",
    ] {
        assert!(
            site.path("public").join(page).is_file(),
            "missing public/{page}"
        );
    }
}

#[test]
fn the_2017_outage_reads_in_french_with_both_posts() {
    let site = Site::example();
    site.build().success();
    let page = site
        .read("public/incidents/2017-10-28-indisponibilite-de-l-ensemble-des-services/index.html");
    assert!(page.contains(r#"<html lang="fr">"#));
    assert!(page.contains(
        r#"<time datetime="2017-10-27T22:44:00Z">samedi 28 octobre 2017, 00:44 CEST</time>"#
    ));
    assert!(page.contains(
        r#"<time datetime="2017-10-27T23:46:00Z">samedi 28 octobre 2017, 01:46 CEST</time>"#
    ));
    assert!(page.contains("<dd>1 h 02</dd>"));
    assert!(page.contains(r#"id="announcement""#));
    assert!(page.contains(r#"id="update-20171031t1700z""#));
    assert!(page.contains("Élodie (Fondatrice / Responsable)"));
    assert!(page.contains("Panne majeure"));
    assert!(
        !page.contains("Major outage"),
        "no English on a French site"
    );
}

#[test]
fn the_front_page_shows_components_uptime_and_history() {
    let site = Site::example();
    site.build().success();
    let index = site.read("public/index.html");
    assert!(index.contains("Tous les services fonctionnent normalement"));
    assert_eq!(
        index.matches(r#"<svg class="days""#).count(),
        7,
        "one drawing of the 90 days for each of 7 components"
    );
    assert!(!index.contains(r#"<li class="bar "#), "no list of 90 bars");
    assert_eq!(
        site.read("public/components/web/index.html")
            .matches(r#"<li class="bar "#)
            .count(),
        90,
        "a component's page keeps a bar a day"
    );
    assert!(
        index.contains("Maintenances prévues"),
        "the December DNS change is upcoming"
    );
    assert!(
        index.contains("Retards de distribution des courriels"),
        "recent history"
    );
    assert!(index.contains("Page mise à jour le <time datetime=\"2026-11-25T11:00:00Z\">mercredi 25 novembre 2026, 12:00 CET</time>"));
}

#[test]
fn an_ongoing_incident_is_first_and_sets_the_status() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let index = site.read("public/index.html");
    let banner = index
        .find(r#"class="banner status-partial-outage""#)
        .expect("partial outage banner");
    let ongoing = index.find("Elevated API error rates").unwrap();
    let components = index.find("components-title").unwrap();
    assert!(
        banner < ongoing && ongoing < components,
        "the ongoing incident comes before the components"
    );
    assert!(
        index.contains("Storage cluster upgrade"),
        "upcoming maintenance"
    );
    assert!(!index.contains("Draft incident"), "drafts are left out");
}

#[test]
fn drafts_are_built_only_when_asked() {
    let site = Site::fixture("ongoing");
    site.build().success();
    assert!(!site.path("public/incidents/2026-11-24-draft").exists());
    site.vigie(&["build", "--now", NOW, "--drafts"]).success();
    assert!(site
        .path("public/incidents/2026-11-24-draft/index.html")
        .exists());
}

#[test]
fn the_same_input_and_now_give_byte_identical_output() {
    let a = Site::example();
    let b = Site::example();
    a.build().success();
    b.build().success();
    assert!(snapshot_tree(&a.path("public")) == snapshot_tree(&b.path("public")));
}

#[test]
fn source_date_epoch_pins_now() {
    let site = Site::example();
    let run = crate::common::vigie()
        .args(["build", "--root"])
        .arg(site.root())
        .env("SOURCE_DATE_EPOCH", "1795604400") // 2026-11-25T11:00:00Z
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(site
        .read("public/index.html")
        .contains(r#"datetime="2026-11-25T11:00:00Z""#));
}

#[test]
fn links_are_relative_so_the_site_works_from_disk_and_under_a_sub_path() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let page = site.read("public/incidents/2026-11-25-api-errors/index.html");
    assert!(page.contains(r#"href="../../assets/style.css""#));
    assert!(page.contains(r#"href="../../components/api/index.html""#));
    assert!(page.contains(r#"<link rel="canonical" href="https://status.acme.test/sub/path/incidents/2026-11-25-api-errors/">"#));
    let not_found = site.read("public/404.html");
    assert!(
        not_found.contains(r#"href="/sub/path/assets/style.css""#),
        "404 is served at any depth"
    );
}

#[test]
fn a_second_build_with_nothing_changed_writes_nothing() {
    let site = Site::example();
    site.build().success();
    let run = site.build();
    run.success();
    assert!(run.stdout.contains("unchanged"), "{}", run.stdout);
}

#[test]
fn a_clock_change_night_incident_lasts_one_hour() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let page = site.read("public/incidents/2026-11-01-clock-change/index.html");
    assert!(page.contains("<dd>1 h 00 min</dd>"), "{page}");
    assert!(page.contains("1:30 EDT") || page.contains("01:30 EDT"));
    assert!(page.contains("01:30 EST"));
}
