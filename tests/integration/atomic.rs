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
