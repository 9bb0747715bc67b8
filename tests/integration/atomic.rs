//! The output is replaced atomically: a build killed at any moment leaves `public/` whole
//! (issue #3), and the next build cleans up after it.

use std::process::Stdio;
use std::time::Duration;

use crate::common::*;

/// The `errors` fixture with `n` more incidents, so that a build takes a while.
fn big_site(n: usize) -> Site {
    let site = Site::fixture("errors");
    let body = "Les sites répondent lentement.\n\n- premier point\n- second point\n\n[Détails](https://example.test/)\n";
    for i in 0..n {
        let (m, d) = (i % 12 + 1, i % 28 + 1);
        site.write(
            &format!("incidents/gen/{}/{i:05}.md", 2010 + i % 10),
            &format!("---\ntitle: Incident {i}\nstart: {}-{m:02}-{d:02} 10:00\nend: {}-{m:02}-{d:02} 11:30\nseverity: degraded\ncomponents: [web]\n---\n{body}", 2010 + i % 10, 2010 + i % 10),
        );
    }
    site
}

#[test]
fn a_build_killed_halfway_leaves_the_output_whole() {
    let site = big_site(1500);
    site.build().success();
    let old = snapshot_tree(&site.path("public"));

    // What the interrupted build would produce: every page differs (another base URL).
    let args = [
        "build",
        "--now",
        NOW,
        "--base-url",
        "https://elsewhere.test/",
    ];
    let reference = Site::empty();
    let out = reference.path("new").display().to_string();
    let mut with_out = args.to_vec();
    with_out.extend(["--out", &out]);
    site.vigie(&with_out).success();
    let new = snapshot_tree(&reference.path("new"));
    assert!(new != old);

    for delay_ms in [10, 40, 80, 150, 250, 400, 700] {
        let mut child = vigie()
            .args(args)
            .arg("--root")
            .arg(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let now = snapshot_tree(&site.path("public"));
        assert!(
            now == old || now == new,
            "killed after {delay_ms} ms: public/ is a mix of two builds"
        );
        if now == new {
            // The swap happened; go back to the old site for the next round.
            site.build().success();
        }
    }

    // The next full run finishes the job and leaves nothing behind.
    site.vigie(&args).success();
    assert!(snapshot_tree(&site.path("public")) == new);
    let leftovers: Vec<String> = snapshot_tree(&site.path("public"))
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p.contains("vigie"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `vigie build`'s options for `site` at `now`.
fn options(site: &Site, out: &str, now: &str) -> vigie::cmd::build::BuildOptions {
    vigie::cmd::build::BuildOptions {
        root: site.root().to_path_buf(),
        out: site.path(out),
        now: chrono::DateTime::parse_from_rfc3339(now).unwrap().to_utc(),
        drafts: false,
        base_url: None,
    }
}

/// The files that differ between two trees (or are in one only).
fn differing(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) -> usize {
    let a: std::collections::HashMap<&String, &Vec<u8>> = a.iter().map(|(p, v)| (p, v)).collect();
    let b: std::collections::HashMap<&String, &Vec<u8>> = b.iter().map(|(p, v)| (p, v)).collect();
    let only_b = b.keys().filter(|p| !a.contains_key(*p)).count();
    a.iter().filter(|(p, v)| b.get(*p) != Some(v)).count() + only_b
}

#[test]
fn rebuilds_write_only_what_changed_read_nothing_back_and_equal_a_clean_build() {
    use vigie::cmd::build::{build, build_with};
    let site = Site::example();
    let incident = "incidents/2017/2017-10-28-indisponibilite-de-l-ensemble-des-services.md";
    let text = site.read(incident);
    // As `vigie watch` builds: caches kept, the staging folder checked between builds.
    let mut caches = vigie::pipeline::Caches::new();
    let mut built = Vec::new();
    for (k, now) in [
        (0, NOW),
        (1, NOW),
        (1, NOW),
        (1, "2026-11-26T00:00:01+01:00"),
        (2, "2026-11-26T00:00:01+01:00"),
    ] {
        site.write(incident, &format!("{text}\nSuivi n° {k}.\n"));
        let before = snapshot_tree(&site.path("public"));
        let report = build_with(&options(&site, "public", now), &mut caches).unwrap();
        vigie::write::check_staging(&site.path("public"), &mut caches.manifests).unwrap();
        let after = snapshot_tree(&site.path("public"));
        // A clean build of the same site at the same moment, into a folder of its own.
        build(&options(&site, &format!("clean-{}", built.len()), now)).unwrap();
        let clean = snapshot_tree(&site.path(&format!("clean-{}", built.len())));
        assert!(
            after == clean,
            "build {} differs from a clean build",
            built.len()
        );
        assert_eq!(report.write.read_back, 0, "{:?}", report.write);
        if !before.is_empty() {
            assert_eq!(
                report.write.written,
                differing(&before, &after),
                "{:?}",
                report.write
            );
        }
        built.push(report.write);
    }
    // An edit changes the incident's page and the pages that list it, not the others.
    assert!(
        built[1].written > 0 && built[1].written < 20,
        "{:?}",
        built[1]
    );
    assert!(built[2].unchanged, "{:?}", built[2]);
    // Midnight passed: the pages that show the day change.
    assert!(
        built[3].written > 0 && built[3].written < 20,
        "{:?}",
        built[3]
    );
    // Without caches, as the command line builds, nothing is read back either.
    site.write(incident, &format!("{text}\nSuivi n° 4.\n"));
    let report = build(&options(&site, "public", NOW)).unwrap();
    assert_eq!(report.write.read_back, 0, "{:?}", report.write);
    assert!(report.write.written > 0);
}
