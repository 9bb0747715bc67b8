//! `vigie receive`: the webhook endpoint, over real HTTP on loopback, and a real
//! Prometheus Alertmanager calling it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{repo, require, vigie, Site};
use crate::ingest::{created, inputs};

const TOKEN: &str = "s3cr3t-token-for-tests";

/// 2026-11-25T10:05:00Z, when the fixture's samples arrive, as `SOURCE_DATE_EPOCH`.
const AT: &str = "1795601100";

/// A child process killed when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `vigie receive` on a free loopback port for `site`, and the port; `then` as `--then`;
/// its clock pinned to `epoch` (`SOURCE_DATE_EPOCH`) when given.
fn receive(site: &Site, then: Option<&str>, epoch: Option<&str>) -> (Killed, u16) {
    let mut cmd = vigie();
    cmd.args([
        "receive",
        "--listen",
        "127.0.0.1:0",
        "--token-env",
        "VIGIE_TEST_TOKEN",
        "--root",
    ])
    .arg(site.root())
    .env("VIGIE_TEST_TOKEN", TOKEN)
    .env("SOURCE_DATE_EPOCH", "1764065100") // 2025-11-25T10:05:00Z
    .stdout(Stdio::piped())
    .stderr(Stdio::inherit());
    if let Some(then) = then {
        cmd.args(["--then", then]);
    }
    if let Some(epoch) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", epoch);
    }
    let mut child = Killed(cmd.spawn().unwrap());
    let mut out = BufReader::new(child.0.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in `{line}`"));
    // Keep reading what it prints, so that it never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        while out.read_line(&mut sink).is_ok_and(|n| n > 0) {
            sink.clear();
        }
    });
    (child, port)
}

/// Sends one HTTP/1.1 request; returns the status and the body of the answer.
fn request(port: u16, method: &str, path: &str, auth: Option<&str>, body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(auth) = auth {
        head.push_str(&format!("Authorization: {auth}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer before reading a body it refuses: send it from another thread.
    let mut writer = stream.try_clone().unwrap();
    let body = body.to_vec();
    let sending = std::thread::spawn(move || {
        let _ = writer.write_all(&body);
    });
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = sending.join();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in `{answer}`"));
    let body = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

fn payload(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/ingest").join(name)).unwrap()
}

#[test]
fn refused_requests_get_a_clear_4xx_and_write_nothing() {
    let site = Site::fixture("ingest/site");
    let before = inputs(&site);
    let (_server, port) = receive(&site, None, Some(AT));
    let firing = payload("alertmanager-firing.json");
    let bearer = format!("Bearer {TOKEN}");
    for (auth, path, body, status, says) in [
        (
            None,
            "/alertmanager",
            firing.clone(),
            401,
            "a bearer token is required",
        ),
        (
            Some("Bearer wrong"),
            "/alertmanager",
            firing.clone(),
            401,
            "a bearer token is required",
        ),
        (
            Some(TOKEN),
            "/alertmanager",
            firing.clone(),
            401,
            "a bearer token is required",
        ),
        (
            Some(bearer.as_str()),
            "/alertmanager",
            b"{not json".to_vec(),
            400,
            "the body is not an Alertmanager webhook payload",
        ),
        (
            Some(bearer.as_str()),
            "/uptime-kuma",
            firing.clone(),
            400,
            "the body is not an Uptime Kuma webhook notification",
        ),
        (
            Some(bearer.as_str()),
            "/alertmanager",
            vec![b' '; 2 * 1024 * 1024],
            413,
            "larger than 1048576 bytes",
        ),
        (
            Some(bearer.as_str()),
            "/prometheus",
            firing.clone(),
            404,
            "no such endpoint `/prometheus`",
        ),
    ] {
        let (got, text) = request(port, "POST", path, auth, &body);
        assert_eq!(got, status, "{auth:?} {path}: {text}");
        assert!(text.contains(says), "{auth:?} {path}: {text}");
    }
    let (got, _) = request(port, "GET", "/json", Some(&bearer), b"");
    assert_eq!(got, 405);
    assert_eq!(inputs(&site), before);
}

#[test]
fn an_alert_posted_opens_once_runs_then_and_closes() {
    let site = Site::fixture("ingest/site");
    let (_server, port) = receive(
        &site,
        Some(r#"printf '%s %s\n' "$1" "$VIGIE_CHANGED" >> then.log"#),
        Some(AT),
    );
    let bearer = format!("Bearer {TOKEN}");
    let (status, text) = request(
        port,
        "POST",
        "/alertmanager",
        Some(&bearer),
        &payload("alertmanager-firing.json"),
    );
    assert_eq!(status, 200, "{text}");
    let path = "incidents/2026/2026-11-25-le-serveur-smtp-refuse-les-connexions.md";
    assert_eq!(text.trim(), format!("created {path}"));
    let (status, text) = request(
        port,
        "POST",
        "/alertmanager",
        Some(&bearer),
        &payload("alertmanager-firing.json"),
    );
    assert_eq!(
        (status, text.starts_with("unchanged: ")),
        (200, true),
        "{text}"
    );
    let (status, text) = request(
        port,
        "POST",
        "/alertmanager",
        Some(&bearer),
        &payload("alertmanager-resolved.json"),
    );
    assert_eq!(status, 200, "{text}");
    assert_eq!(text.trim(), format!("closed {path} (end set)"));
    assert!(site.read(path).contains("\nend: 2026-11-25 11:41:52\n"));
    // --then runs after each change, once the answer is sent: wait for the second line.
    let deadline = Instant::now() + Duration::from_secs(10);
    let log = loop {
        let log = std::fs::read_to_string(site.path("then.log")).unwrap_or_default();
        if log.lines().count() >= 2 || Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(log, format!("{path} {path}\n{path} {path}\n"));
}

/// A free loopback port (taken, then freed for the server about to use it).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `what` every 100 ms until it gives a value or `secs` seconds have passed.
fn within<T>(secs: u64, mut what: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = what() {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn amtool(url: &str, args: &[&str]) {
    let out = Command::new("amtool")
        .arg(format!("--alertmanager.url={url}"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "amtool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_real_alertmanager_opens_one_draft_then_closes_it() {
    let install = "apt-get install -y prometheus-alertmanager";
    require(
        "Prometheus Alertmanager",
        Command::new("prometheus-alertmanager").arg("--version"),
        install,
    );
    require("amtool", Command::new("amtool").arg("--version"), install);
    let site = Site::fixture("ingest/site");
    // Only the incident the alert opens: the fixture's are for other tests' moments.
    std::fs::remove_dir_all(site.path("incidents")).unwrap();
    // The clock is Alertmanager's: the alert starts when amtool sends it.
    let (_server, port) = receive(&site, None, None);
    let am_dir = tempfile::tempdir().unwrap();
    let config = am_dir.path().join("alertmanager.yml");
    std::fs::write(
        &config,
        format!(
            "route:\n  receiver: vigie\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: vigie\n    webhook_configs:\n      - url: http://127.0.0.1:{port}/alertmanager\n        send_resolved: true\n        http_config:\n          authorization:\n            credentials: {TOKEN}\n"
        ),
    )
    .unwrap();
    let am_port = free_port();
    let am = Killed(
        Command::new("prometheus-alertmanager")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.path={}",
                am_dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{am_port}"))
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let url = format!("http://127.0.0.1:{am_port}");
    within(15, || {
        TcpStream::connect(("127.0.0.1", am_port))
            .ok()
            .and_then(|_| {
                let (status, _) = request(am_port, "GET", "/-/ready", None, b"");
                (status == 200).then_some(())
            })
    })
    .expect("Alertmanager did not become ready within 15 s");

    let alert = [
        "alert",
        "add",
        "SmtpDown",
        "component=mail",
        "severity=critical",
        "--annotation=summary=Le serveur SMTP refuse les connexions",
        "--annotation=description=Les envois de courriels échouent.",
    ];
    amtool(&url, &alert);
    // group_wait is 1 s: the file is there within a few seconds.
    let files = within(8, || Some(created(site.root())).filter(|f| !f.is_empty()))
        .expect("no incident file within 8 s of the alert");
    assert_eq!(files.len(), 1, "{files:?}");
    let (path, opened) = files[0].clone();
    assert!(
        opened.contains("\ndraft: true\n") && !opened.contains("\nend:"),
        "{opened}"
    );
    assert!(opened.contains("\nseverity: major-outage\n"), "{opened}");
    assert!(opened.contains("\ncomponents: [mail]\n"), "{opened}");

    // The same alert again: Alertmanager merges it, nothing changes.
    amtool(&url, &alert);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        created(site.root()),
        files,
        "the same alert again changed the files"
    );

    // Resolved: an end in the past.
    let end = (chrono::Utc::now() - chrono::Duration::seconds(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut resolve = alert.to_vec();
    let end_flag = format!("--end={end}");
    resolve.push(&end_flag);
    amtool(&url, &resolve);
    let closed = within(10, || {
        let text = site.read(&format!("incidents/{path}"));
        text.contains("\nend: ").then_some(text)
    })
    .expect("the incident was not closed within 10 s of the resolution");
    assert_eq!(created(site.root()).len(), 1);
    let end_line = closed.lines().find(|l| l.starts_with("end: ")).unwrap();
    assert_eq!(
        closed.replace(&format!("{end_line}\n"), ""),
        opened,
        "closing only adds `end`"
    );
    site.vigie(&["check"]).success();
    drop(am);
}
