//! `vigie ingest`: the documented sample payloads of Alertmanager and Uptime Kuma open,
//! then close, an incident file; what must change nothing changes nothing.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::Stdio;

use crate::common::{repo, snapshot_tree, vigie, Run, Site};

/// The moment the firing alert arrives, and the one the resolved one arrives.
const FIRING_AT: &str = "2026-11-25T10:05:00Z";
const RESOLVED_AT: &str = "2026-11-25T10:45:00Z";

/// The site of `tests/fixtures/ingest/site`: a maintenance on `dns` and a person's
/// incident on `web`, both ongoing at those moments.
fn site() -> Site {
    Site::fixture("ingest/site")
}

fn payload(name: &str) -> Vec<u8> {
    fs::read(repo().join("tests/fixtures/ingest").join(name)).unwrap()
}

/// `vigie ingest FORMAT --root SITE --now NOW < body`.
pub fn ingest(site: &Site, format: &str, now: &str, body: &[u8]) -> Run {
    let mut child = vigie()
        .args(["ingest", format, "--now", now, "--root"])
        .arg(site.root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body).unwrap();
    Run::from(child.wait_with_output().unwrap())
}

/// Every incident file and `site.yaml`, with their bytes (ingest's lock file aside).
pub fn inputs(site: &Site) -> (Vec<(String, Vec<u8>)>, String) {
    (
        snapshot_tree(&site.path("incidents")),
        site.read("site.yaml"),
    )
}

/// The incident files ingest created (those carrying its marker), with their text; not
/// the temporary file of one being written (its name starts with `.`, which the loader
/// skips too).
pub fn created(root: &Path) -> Vec<(String, String)> {
    snapshot_tree(&root.join("incidents"))
        .into_iter()
        .filter(|(p, _)| !p.rsplit('/').next().unwrap_or_default().starts_with('.'))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .filter(|(_, t)| t.contains("\n# vigie-ingest: "))
        .collect()
}

/// The lines of `text` giving `key`.
fn key_lines<'a>(text: &'a str, keys: &[&str]) -> Vec<&'a str> {
    text.lines()
        .filter(|l| keys.iter().any(|k| l.starts_with(&format!("{k}:"))))
        .collect()
}

/// Opens with `down`, sends it again, closes with `up`, sends that again; checks each
/// step and returns the file's text at the end.
fn open_then_close(format: &str, down: &str, up: &str) -> String {
    let site = site();
    let run = ingest(&site, format, FIRING_AT, &payload(down));
    run.success();
    let files = created(site.root());
    assert_eq!(files.len(), 1, "{run:?}");
    let (path, opened) = files[0].clone();
    assert!(
        run.stdout.starts_with(&format!("created incidents/{path}")),
        "{run:?}"
    );
    assert!(opened.contains("\ndraft: true\n"), "{opened}");
    assert!(!opened.contains("\nend:"), "{opened}");

    let before = inputs(&site);
    let again = ingest(&site, format, "2026-11-25T10:06:00Z", &payload(down));
    again.success();
    assert!(again.stdout.starts_with("unchanged: "), "{again:?}");
    assert_eq!(inputs(&site), before, "the same alert again changed files");

    let run = ingest(&site, format, RESOLVED_AT, &payload(up));
    run.success();
    assert_eq!(
        run.stdout.trim(),
        format!("closed incidents/{path} (end set)")
    );
    let closed = site.read(&format!("incidents/{path}"));
    assert_eq!(
        closed.replace("end: 2026-11-25 11:41:52\n", ""),
        opened,
        "closing changes nothing but the added end"
    );
    let before = inputs(&site);
    ingest(&site, format, RESOLVED_AT, &payload(up)).success();
    assert_eq!(inputs(&site), before);
    site.vigie(&["check", "--now", RESOLVED_AT]).success();
    closed
}

#[test]
fn both_documented_samples_open_then_close_the_same_incident() {
    let am = open_then_close(
        "alertmanager",
        "alertmanager-firing.json",
        "alertmanager-resolved.json",
    );
    let kuma = open_then_close(
        "uptime-kuma",
        "uptime-kuma-down.json",
        "uptime-kuma-up.json",
    );
    let keys = ["start", "end", "components", "draft"];
    assert_eq!(key_lines(&am, &keys), key_lines(&kuma, &keys));
    assert_eq!(
        key_lines(&am, &keys),
        [
            "start: 2026-11-25 11:02:13",
            "end: 2026-11-25 11:41:52",
            "components: [mail]",
            "draft: true"
        ]
    );
    assert!(
        am.contains("\ntitle: \"Incident en cours : Le serveur SMTP refuse les connexions\"\n"),
        "{am}"
    );
    assert!(am.contains("\nseverity: partial-outage\n"), "{am}");
    assert!(
        kuma.contains("\ntitle: \"Incident en cours : Mail SMTP\"\n"),
        "{kuma}"
    );
    assert!(kuma.contains("\nseverity: major-outage\n"), "{kuma}");
}

fn json_alert(component: &str) -> Vec<u8> {
    format!(
        r#"{{"key": "probe-{component}", "status": "firing", "components": ["{component}"], "severity": "critical", "summary": "Sonde en échec", "start": "2026-11-25T10:01:00Z"}}"#
    )
    .into_bytes()
}

#[test]
fn a_maintenance_or_a_persons_incident_keeps_ingest_out_and_it_says_why() {
    let site = site();
    let before = inputs(&site);
    let run = ingest(&site, "json", FIRING_AT, &json_alert("dns"));
    run.success();
    assert_eq!(
        run.stdout.trim(),
        "ignored: `dns` is under the maintenance incidents/2026/2026-11-25-travaux-dns.md (planned work; no incident written)"
    );
    // The person's incident on `web` starts at 10:30 Paris time, 09:30 UTC.
    let run = ingest(&site, "json", FIRING_AT, &json_alert("web"));
    assert_eq!(
        run.stdout.trim(),
        "ignored: `web` already has the ongoing incident incidents/2026/2026-11-25-lenteurs-web.md, written by a person: they are on it"
    );
    assert_eq!(inputs(&site), before);
    let run = ingest(&site, "json", FIRING_AT, &json_alert("mail"));
    run.success();
    let files = created(site.root());
    assert_eq!(files.len(), 1);
    assert!(
        files[0].1.contains("\nseverity: major-outage\n"),
        "{}",
        files[0].1
    );
}

#[test]
fn malformed_bodies_are_refused_with_the_reason_and_write_nothing() {
    let site = site();
    let before = inputs(&site);
    for (format, body, says) in [
        (
            "alertmanager",
            &b"{\"version\": \"4\"}"[..],
            "the body is not an Alertmanager webhook payload: missing field `groupKey`",
        ),
        (
            "alertmanager",
            b"not json",
            "the body is not an Alertmanager webhook payload",
        ),
        (
            "uptime-kuma",
            b"[]",
            "the body is not an Uptime Kuma webhook notification",
        ),
        (
            "json",
            br#"{"key": "k", "status": "down", "summary": "x"}"#,
            "`status` is `down`; write `firing` or `resolved`",
        ),
        (
            "json",
            br#"{"key": "k", "status": "firing", "summary": "x", "sevrity": "x"}"#,
            "unknown field `sevrity`",
        ),
    ] {
        let run = ingest(&site, format, FIRING_AT, body);
        run.failure(1);
        assert!(run.stderr.contains(says), "{format}: {run:?}");
        assert!(run.stderr.contains("nothing was written"), "{run:?}");
    }
    assert_eq!(inputs(&site), before);
}

#[test]
fn an_unknown_component_or_monitor_writes_nothing_and_is_named() {
    let site = site();
    let before = inputs(&site);
    let body = String::from_utf8(payload("alertmanager-firing.json"))
        .unwrap()
        .replace("\"component\": \"mail\"", "\"component\": \"mial\"");
    let run = ingest(&site, "alertmanager", FIRING_AT, body.as_bytes());
    run.success();
    assert!(
        run.stdout
            .starts_with("ignored: the alert names no component"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("note: `mial` is not a component of site.yaml (did you mean `mail`?)"),
        "{run:?}"
    );
    let body = String::from_utf8(payload("uptime-kuma-down.json"))
        .unwrap()
        .replace("\"Mail SMTP\"", "\"Web\"");
    let run = ingest(&site, "uptime-kuma", FIRING_AT, body.as_bytes());
    assert!(
        run.stderr
            .contains("note: the monitor `Web` is not in `ingest.monitors`"),
        "{run:?}"
    );
    assert_eq!(inputs(&site), before);
}

#[test]
fn a_person_who_edits_keeps_their_text_and_one_who_removes_the_marker_takes_over() {
    let site = site();
    ingest(
        &site,
        "alertmanager",
        FIRING_AT,
        &payload("alertmanager-firing.json"),
    )
    .success();
    let (path, text) = created(site.root()).remove(0);
    let path = format!("incidents/{path}");
    // Confirmed and rewritten by a person, marker kept: ingest adds `end` only.
    let edited = text
        .replace("draft: true\n", "")
        .replace("Les envois", "Depuis 11 h, les envois");
    site.write(&path, &edited);
    ingest(
        &site,
        "alertmanager",
        RESOLVED_AT,
        &payload("alertmanager-resolved.json"),
    )
    .success();
    assert_eq!(
        site.read(&path),
        edited.replace(
            "start: 2026-11-25 11:02:13\n",
            "start: 2026-11-25 11:02:13\nend: 2026-11-25 11:41:52\n"
        )
    );
    // Without the marker, the next occurrence's end is not ingest's to write.
    let site = self::site();
    ingest(
        &site,
        "alertmanager",
        FIRING_AT,
        &payload("alertmanager-firing.json"),
    )
    .success();
    let (path, text) = created(site.root()).remove(0);
    let path = format!("incidents/{path}");
    let taken: String = text.lines().skip(2).map(|l| format!("{l}\n")).collect();
    let taken = format!("---\n{taken}");
    site.write(&path, &taken);
    let run = ingest(
        &site,
        "alertmanager",
        RESOLVED_AT,
        &payload("alertmanager-resolved.json"),
    );
    run.success();
    assert_eq!(
        run.stdout.trim(),
        "ignored: the alert is resolved and no incident it opened is open"
    );
    assert_eq!(site.read(&path), taken);
}

#[test]
fn with_publish_true_a_new_incident_is_no_draft() {
    let site = site();
    let yaml = site
        .read("site.yaml")
        .replace("publish: false", "publish: true");
    site.write("site.yaml", &yaml);
    ingest(
        &site,
        "uptime-kuma",
        FIRING_AT,
        &payload("uptime-kuma-down.json"),
    )
    .success();
    let (_, text) = created(site.root()).remove(0);
    assert!(!text.contains("draft"), "{text}");
    site.vigie(&["check", "--now", FIRING_AT]).success();
}
