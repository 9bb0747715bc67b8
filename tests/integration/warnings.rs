//! Warnings (issue 13): printed by `vigie check` and `vigie build` in the shape of errors,
//! never changing the exit status; their exact text is pinned by snapshots.

use crate::common::*;

/// `vigie check --now NOW` on the `announced-ahead` fixture with `files` added: its
/// warnings (exit 0).
fn warnings(now: &str, files: &[(&str, &str)]) -> String {
    let site = Site::fixture("announced-ahead");
    for (path, text) in files {
        site.write(path, text);
    }
    let run = site.vigie(&["check", "--now", now]);
    run.success();
    assert!(run.stdout.starts_with("ok: "), "{}", run.stdout);
    run.stderr_in(&site)
}

#[test]
fn warning_maintenance_not_announced_yet() {
    // Issue 13: before its `scheduled` update, the maintenance is in no output.
    insta::assert_snapshot!(warnings("2026-11-24T12:00:00+01:00", &[]));
}

#[test]
fn warning_maintenance_published_later() {
    insta::assert_snapshot!(warnings(
        "2026-11-26T12:00:00+01:00",
        &[(
            "incidents/2026-12-10-dns.md",
            "---\ntitle: Changement des serveurs DNS\nstart: 2026-12-10 23:00\nend: 2026-12-11 01:00\nseverity: maintenance\npublished: 2026-12-01 09:00\n---\nTravaux.\n",
        )],
    ));
}

#[test]
fn warning_incident_ongoing_too_long() {
    insta::assert_snapshot!(warnings(
        "2026-11-26T12:00:00+01:00",
        &[(
            "incidents/2026-11-01-lenteurs.md",
            "---\ntitle: Lenteurs\nstart: 2026-11-01 10:00\nseverity: degraded\ncomponents: [web]\n---\nLe site répond lentement.\n",
        )],
    ));
}

#[test]
fn warning_maintenance_without_end() {
    insta::assert_snapshot!(warnings(
        "2026-11-26T12:00:00+01:00",
        &[(
            "incidents/2026-11-26-base.md",
            "---\ntitle: Mise à jour des bases\nstart: 2026-11-26 08:00\nseverity: maintenance\npublished: 2026-11-20 10:00\n---\nTravaux.\n",
        )],
    ));
}

#[test]
fn the_bound_of_an_ongoing_incident_is_read_from_site_yaml() {
    let site = Site::fixture("announced-ahead");
    site.write(
        "incidents/2026-11-25-lenteurs.md",
        "---\ntitle: Lenteurs\nstart: 2026-11-25 10:00\nseverity: degraded\n---\nLent.\n",
    );
    let check = |site: &Site| site.vigie(&["check", "--now", "2026-11-26T12:00:00+01:00"]);
    assert_eq!(check(&site).stderr, "", "one day is within 7");
    let yaml = site.read("site.yaml");
    site.write("site.yaml", &format!("{yaml}ongoing_warning_days: 1\n"));
    let run = check(&site);
    run.success();
    assert!(
        run.stderr
            .contains("this incident has been ongoing for 26 hours: it has no `end`"),
        "{}",
        run.stderr
    );
}

#[test]
fn build_prints_warnings_before_its_line_and_keeps_its_exit_status_and_stdout() {
    let site = Site::fixture("announced-ahead");
    let run = site.vigie(&["build", "--now", "2026-11-24T12:00:00+01:00"]);
    run.success();
    assert!(
        run.stderr.starts_with(&format!(
            "{}:3:8: warning: this maintenance is not announced until its first update",
            std::path::Path::new("incidents/2026-12-01-maintenance-messagerie.md").display()
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.ends_with("1 warning in 1 file\n"),
        "{}",
        run.stderr
    );
    // The closing line and the next change.
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    assert!(
        run.stdout.starts_with("built 2 incidents into "),
        "{}",
        run.stdout
    );
}
