//! `vigie watch`: the running binary, with a publish command that records its calls, while
//! the sources are edited and the real clock passes a transition (issue 13).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, Utc};

use crate::common::*;

/// How long anything vigie should do may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(10);

const INCIDENT: &str = "incidents/panne.md";

/// A site whose only incident ended two days ago, in a time zone whose midnight is not
/// near (a build at midnight would be one the tests do not expect).
fn site() -> Site {
    let now = Utc::now();
    let seconds_of_day = now.timestamp().rem_euclid(86_400);
    let tz = if (300..86_100).contains(&seconds_of_day) {
        "UTC"
    } else {
        "Asia/Tokyo"
    };
    let site = Site::empty();
    site.write(
        "site.yaml",
        &format!(
            "title: Statut\nbase_url: https://status.example.fr/\nlanguage: fr\ntimezone: {tz}\ncomponents:\n  - {{id: web, name: Web}}\n  - {{id: mail, name: Messagerie}}\n"
        ),
    );
    site.write(INCIDENT, &incident("Panne du web"));
    site
}

fn incident(title: &str) -> String {
    let start = Utc::now() - chrono::Duration::days(2);
    let end = start + chrono::Duration::hours(1);
    format!(
        "---\ntitle: {title}\nstart: {}\nend: {}\nseverity: major-outage\ncomponents: [web]\n---\nLe web était en panne.\n",
        start.format("%Y-%m-%dT%H:%M:%SZ"),
        end.format("%Y-%m-%dT%H:%M:%SZ")
    )
}

/// A running `vigie watch` with a publish script that appends a line to `calls` at each
/// call, and fails (exit 3, a message on stderr) while the file `fail` exists. Killed
/// when dropped.
struct Watching {
    child: Child,
    dir: tempfile::TempDir,
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watching {
    fn start(site: &Site, args: &[&str]) -> Watching {
        Watching::spawn(site, args, false)
    }

    /// [`Watching::start`], with the publish command failing from the first call.
    fn start_failing(site: &Site, args: &[&str]) -> Watching {
        Watching::spawn(site, args, true)
    }

    fn spawn(site: &Site, args: &[&str], failing: bool) -> Watching {
        Watching::spawn_in(tempfile::tempdir().unwrap(), site, args, failing, &[])
    }

    /// [`Watching::spawn`], with the script's folder `dir` and more environment.
    fn spawn_in(
        dir: tempfile::TempDir,
        site: &Site,
        args: &[&str],
        failing: bool,
        env: &[(&str, &str)],
    ) -> Watching {
        if failing {
            std::fs::write(dir.path().join("fail"), "").unwrap();
        }
        let script = dir.path().join("publish.sh");
        std::fs::write(
            &script,
            format!(
                "if [ -e '{fail}' ]; then echo 'cannot reach status-host' >&2; echo failed >> '{calls}'; exit 3; fi\necho \"published $VIGIE_OUT from $PWD\" >> '{calls}'\n",
                fail = dir.path().join("fail").display(),
                calls = dir.path().join("calls").display(),
            ),
        )
        .unwrap();
        let child = vigie()
            .args(["watch", "--root"])
            .arg(site.root())
            .arg("--publish")
            .arg(format!("sh '{}'", script.display()))
            .args(args)
            .env_remove("SOURCE_DATE_EPOCH")
            .envs(env.iter().copied())
            .stdout(Stdio::from(
                std::fs::File::create(dir.path().join("out")).unwrap(),
            ))
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("err")).unwrap(),
            ))
            .spawn()
            .unwrap();
        Watching { child, dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap_or_default()
    }

    /// The publish script's calls so far, one line each.
    fn calls(&self) -> Vec<String> {
        self.read("calls").lines().map(String::from).collect()
    }

    /// How many builds vigie has reported.
    fn builds(&self) -> usize {
        self.read("out")
            .lines()
            .filter(|l| l.starts_with("built "))
            .count()
    }

    /// Whether `vigie notify`'s ledger records `event` as sent.
    fn ledger_has(&self, site: &Site, event: &str) -> bool {
        site.read(".vigie/notified")
            .lines()
            .any(|l| l.starts_with("sent ") && l.contains(event))
    }

    /// Makes the publish command succeed from now on.
    fn repair(&self) {
        std::fs::remove_file(self.path("fail")).unwrap();
    }

    /// Polls until `done` holds; fails after [`PATIENCE`].
    #[track_caller]
    fn wait_for(&self, what: &str, done: impl Fn(&Watching) -> bool) {
        let started = Instant::now();
        while !done(self) {
            assert!(
                started.elapsed() < PATIENCE,
                "{what}: not seen within {PATIENCE:?}\ncalls: {:?}\nstdout:\n{}\nstderr:\n{}",
                self.calls(),
                self.read("out"),
                self.read("err")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and waits for the exit status.
    #[track_caller]
    fn terminate(&mut self) -> std::process::ExitStatus {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "vigie watch did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn watch_publishes_after_each_build_that_changed_files_and_only_then() {
    let site = site();
    let mut w = Watching::start(&site, &[]);
    w.wait_for("the first publish", |w| w.calls().len() == 1);
    let out = std::fs::canonicalize(site.root()).unwrap().join("public");
    assert_eq!(
        w.calls()[0],
        format!(
            "published {} from {}",
            out.display(),
            std::fs::canonicalize(site.root()).unwrap().display()
        ),
        "the command runs in the site's folder with the output in $VIGIE_OUT"
    );
    assert!(site.read("public/index.html").contains("Panne du web"));
    let build: serde_json::Value =
        serde_json::from_str(&site.read("public/api/build.json")).unwrap();
    assert!(build["next_change"].is_string(), "{build}");

    // An edit that changes the output: built and published.
    site.write(INCIDENT, &incident("Panne du serveur web"));
    w.wait_for("the publish of the edit", |w| w.calls().len() == 2);
    assert!(site
        .read("public/index.html")
        .contains("Panne du serveur web"));

    // The same bytes written again: nothing to build, nothing to publish.
    let same = site.read(INCIDENT);
    site.write(INCIDENT, &same);
    w.wait_for("the unchanged save", |w| {
        w.read("out").contains("no change in the sources")
    });
    assert_eq!(w.builds(), 2, "{}", w.read("out"));
    assert_eq!(w.calls().len(), 2);

    let status = w.terminate();
    assert!(status.success(), "{status:?}\n{}", w.read("err"));
    assert!(w.read("out").ends_with("stopped\n"), "{}", w.read("out"));
    assert_eq!(w.calls().len(), 2);
}

#[test]
fn a_failed_publish_is_said_and_retried_with_a_growing_delay() {
    let site = site();
    let mut w = Watching::start_failing(&site, &["--retry-delay", "500ms"]);
    w.wait_for("two failed attempts", |w| w.calls().len() >= 2);
    // Told clearly: the status, the command's own words, when it is tried again.
    let err = w.read("err");
    assert!(
        err.contains("error: the publish command failed (exit status 3): sh '"),
        "{err}"
    );
    assert!(err.contains("  | cannot reach status-host\n"), "{err}");
    assert!(
        err.contains("  = retrying in 500 ms (attempt 1 failed)"),
        "{err}"
    );
    w.wait_for("the second delay", |w| {
        w.read("err")
            .contains("  = retrying in 1 s (attempt 2 failed)")
    });
    w.repair();
    w.wait_for("a publish that succeeds", |w| {
        w.calls()
            .last()
            .is_some_and(|c| c.starts_with("published "))
    });
    assert_eq!(w.builds(), 1, "retried without building again");
    assert!(w.terminate().success());
}

#[test]
fn a_newer_build_replaces_the_publish_waiting_to_be_retried() {
    let site = site();
    let mut w = Watching::start_failing(&site, &["--retry-delay", "1h"]);
    w.wait_for("a failed attempt", |w| w.calls().len() == 1);
    w.repair();
    site.write(INCIDENT, &incident("Panne du serveur web"));
    w.wait_for("the publish of the newer build", |w| w.calls().len() == 2);
    assert!(w.calls()[1].starts_with("published "), "{:?}", w.calls());
    assert!(w.terminate().success());
}

#[test]
fn files_added_renamed_replaced_and_removed_while_watching_are_all_seen() {
    // The rebuilds look again only at the paths the watcher reports: each kind of change
    // must reach the site as a full build would see it.
    let site = site();
    let mut w = Watching::start(&site, &[]);
    w.wait_for("the first publish", |w| w.calls().len() == 1);
    let root = site.root().to_path_buf();
    let page = |id: &str| root.join(format!("public/incidents/{id}/index.html"));
    let step = |w: &Watching, n: usize, what: &str, done: &dyn Fn() -> bool| {
        w.wait_for(what, |w| w.calls().len() == n);
        assert!(done(), "{what}\n{}", w.read("out"));
    };
    // A new file in a new folder.
    site.write("incidents/2026/coupure.md", &incident("Coupure"));
    step(&w, 2, "a file in a new folder", &|| {
        page("coupure").exists()
    });
    // A new file in a folder already there.
    site.write("incidents/2026/lenteur.md", &incident("Lenteur"));
    step(&w, 3, "a new file", &|| page("lenteur").exists());
    // Replaced as editors save: a temporary file renamed over it.
    let tmp = root.join("incidents/2026/.lenteur.md.new");
    std::fs::write(&tmp, incident("Lenteur du courrier")).unwrap();
    std::fs::rename(&tmp, root.join("incidents/2026/lenteur.md")).unwrap();
    step(&w, 4, "a file replaced by a rename", &|| {
        std::fs::read_to_string(page("lenteur"))
            .unwrap()
            .contains("Lenteur du courrier")
    });
    // Renamed: the old page goes, the new one comes.
    std::fs::rename(
        root.join("incidents/2026/lenteur.md"),
        root.join("incidents/2026/courrier.md"),
    )
    .unwrap();
    step(&w, 5, "a renamed file", &|| {
        page("courrier").exists() && !page("lenteur").exists()
    });
    // A whole folder removed, with its files.
    std::fs::remove_dir_all(root.join("incidents/2026")).unwrap();
    step(&w, 6, "a removed folder", &|| {
        !page("coupure").exists() && !page("courrier").exists() && page("panne").exists()
    });
    assert_eq!(w.builds(), 6, "{}", w.read("out"));
    assert!(w.terminate().success());
}

#[test]
fn a_transition_is_built_and_published_when_it_comes() {
    let site = site();
    let mut w = Watching::start(&site, &[]);
    w.wait_for("the first publish", |w| w.calls().len() == 1);
    // A maintenance starting a few seconds from now, written with an offset.
    let paris = FixedOffset::east_opt(3600).unwrap();
    let start: DateTime<Utc> = Utc::now() + chrono::Duration::seconds(3);
    let start = DateTime::from_timestamp(start.timestamp(), 0).unwrap();
    let end = start + chrono::Duration::hours(1);
    site.write(
        "incidents/travaux.md",
        &format!(
            "---\ntitle: Travaux\nstart: {}\nend: {}\nseverity: maintenance\ncomponents: [mail]\n---\nMise à jour.\n",
            start.with_timezone(&paris).to_rfc3339(),
            end.with_timezone(&paris).to_rfc3339()
        ),
    );
    w.wait_for("the build of the new file", |w| w.calls().len() == 2);
    let iso = start.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    assert!(
        w.read("out").contains(&format!("next change: {iso}\n")),
        "{}",
        w.read("out")
    );
    let active = || site.read("public/api/v2/scheduled-maintenances/active.json");
    assert!(!active().contains("travaux"), "{}", active());

    w.wait_for("the build and publish at the start", |w| {
        w.calls().len() == 3
    });
    assert!(Utc::now() >= start);
    assert_eq!(w.builds(), 3);
    assert!(active().contains("\"in_progress\""), "{}", active());
    let summary: serde_json::Value =
        serde_json::from_str(&site.read("public/api/v2/summary.json")).unwrap();
    let mail = summary["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "mail")
        .unwrap();
    assert_eq!(mail["status"], "under_maintenance");
    assert!(w.terminate().success());
}

#[test]
fn a_bad_file_keeps_the_last_good_site_and_nothing_is_published() {
    let site = site();
    let mut w = Watching::start(&site, &[]);
    w.wait_for("the first publish", |w| w.calls().len() == 1);
    let before = snapshot_tree(&site.path("public"));
    site.write(INCIDENT, "---\ntitle: Panne\nstart: hier\n---\n");
    w.wait_for("the diagnostics", |w| {
        w.read("err").contains("1 error in 1 file")
    });
    assert!(
        w.read("err").contains("incidents/panne.md:3:8"),
        "{}",
        w.read("err")
    );
    assert_eq!(snapshot_tree(&site.path("public")), before);
    assert_eq!(w.calls().len(), 1);
    // Fixed: built and published again.
    site.write(INCIDENT, &incident("Panne réparée"));
    w.wait_for("the publish of the fixed site", |w| w.calls().len() == 2);
    assert!(site.read("public/index.html").contains("Panne réparée"));
    assert!(w.terminate().success());
}

#[test]
fn watch_refuses_a_fixed_time() {
    let site = site();
    let run = site.vigie(&["watch", "--now", "2026-12-01T00:30:00Z"]);
    run.failure(2);
    assert!(run.stderr.contains("it takes no --now"), "{}", run.stderr);
    let run = Run::from(
        vigie()
            .args(["watch", "--root"])
            .arg(site.root())
            .env("SOURCE_DATE_EPOCH", "1795604400")
            .output()
            .unwrap(),
    );
    run.failure(2);
    assert!(
        run.stderr.contains("SOURCE_DATE_EPOCH is set"),
        "{}",
        run.stderr
    );
    let run = site.vigie(&["watch", "--max-wait", "soon"]);
    run.failure(2);
    assert!(
        run.stderr
            .contains("--max-wait `soon` is not a duration; write e.g. 1h, 30m, 90s or 1h30m"),
        "{}",
        run.stderr
    );
    assert!(!site.path("public").exists(), "nothing was built");
}

/// What [`receiver`] got.
type Received = std::sync::Arc<std::sync::Mutex<Vec<(String, usize)>>>;

/// A webhook receiver on 127.0.0.1: the `Idempotency-Key` of each request, with how many
/// publishes the script had made when it came.
fn receiver(calls: PathBuf) -> (u16, Received) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = got.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let key = request
                .headers()
                .iter()
                .find(|h| h.field.equiv("Idempotency-Key"))
                .map(|h| h.value.as_str().to_string())
                .unwrap_or_default();
            let published = std::fs::read_to_string(&calls)
                .unwrap_or_default()
                .lines()
                .count();
            seen.lock().unwrap().push((key, published));
            let _ = request.respond(tiny_http::Response::from_string("ok"));
        }
    });
    (port, got)
}

#[test]
fn watch_notifies_after_each_publish_and_sends_each_event_once() {
    let site = site();
    let dir = tempfile::tempdir().unwrap();
    let (port, got) = receiver(dir.path().join("calls"));
    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{yaml}notify:\n  webhooks:\n    - {{kind: generic, url: 'http://127.0.0.1:{port}/hook', secret_env: VIGIE_HOOK}}\n"),
    );
    let mut w = Watching::spawn_in(
        dir,
        &site,
        &["--notify"],
        false,
        &[("VIGIE_HOOK", "s3cret")],
    );
    w.wait_for("the first publish", |w| w.calls().len() == 1);
    // The first run sends nothing old: it only starts the channel's record.
    w.wait_for("the first notify run", |w| {
        w.read("out").contains("first run of `generic`")
    });
    assert!(got.lock().unwrap().is_empty());

    // A new incident, announced now: built, published, then sent, once.
    std::thread::sleep(Duration::from_millis(1100));
    let start = Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    site.write(
        "incidents/lenteurs.md",
        &format!("---\ntitle: Lenteurs\nstart: {start}\nseverity: degraded\ncomponents: [mail]\n---\nLa messagerie est lente.\n"),
    );
    w.wait_for("the event sent", |w| {
        !got.lock().unwrap().is_empty() && w.read("out").contains("1 message sent")
    });
    let sent = got.lock().unwrap().clone();
    assert_eq!(
        sent,
        [("lenteurs.announcement".to_string(), 2)],
        "after the second publish"
    );

    // Another edit: published again, nothing new to send.
    site.write(INCIDENT, &incident("Panne du serveur web"));
    w.wait_for("the publish of the edit", |w| w.calls().len() == 3);
    w.wait_for("the third notify run", |w| {
        w.read("out").matches("0 messages sent").count() >= 1
    });
    assert_eq!(got.lock().unwrap().len(), 1, "{}", w.read("out"));
    assert!(w.ledger_has(&site, "lenteurs.announcement"));
    let status = w.terminate();
    assert!(status.success(), "{status:?}\n{}", w.read("err"));
}

#[test]
fn watch_notify_needs_somewhere_to_send() {
    let site = site();
    let run = site.vigie(&["watch", "--notify"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("site.yaml has no `notify`"),
        "{}",
        run.stderr
    );
}
