//! `vigie notify` against real servers on loopback, started here: an SMTP server
//! (aiosmtpd) storing what it receives, read back with Python's `email` package; an HTTP
//! receiver (tiny_http) recording every request of the webhooks, whose signature,
//! shapes and idempotency keys are checked. Every run passes `--now`.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use crate::common::*;

const SECRET: &str = "s3cret-for-tests";

/// One request the HTTP receiver got.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    url: String,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Request {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The event a request is about: the idempotency key every webhook carries.
    fn event(&self) -> String {
        self.header("Idempotency-Key")
            .unwrap_or_default()
            .to_string()
    }

    /// The webhook it came to: the first segment of the path.
    fn channel(&self) -> String {
        self.url
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap()
            .to_string()
    }
}

/// An HTTP server on 127.0.0.1 that records every request. Paths under `/fail` answer
/// 500 while `failing` is set; paths under `/slow` answer after `slow`.
struct Receiver {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    failing: Arc<AtomicBool>,
    server: Arc<tiny_http::Server>,
}

impl Receiver {
    fn start(slow: Duration) -> Receiver {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let failing = Arc::new(AtomicBool::new(true));
        let (s, r, f) = (server.clone(), requests.clone(), failing.clone());
        thread::spawn(move || {
            for mut request in s.incoming_requests() {
                let mut body = Vec::new();
                request.as_reader().read_to_end(&mut body).unwrap();
                let url = request.url().to_string();
                let headers = request
                    .headers()
                    .iter()
                    .map(|h| {
                        (
                            h.field.as_str().as_str().to_ascii_lowercase(),
                            h.value.as_str().to_string(),
                        )
                    })
                    .collect();
                r.lock().unwrap().push(Request {
                    method: request.method().as_str().to_string(),
                    url: url.clone(),
                    headers,
                    body,
                });
                if url.starts_with("/slow") {
                    thread::sleep(slow);
                }
                let code = if url.starts_with("/fail") && f.load(Ordering::SeqCst) {
                    500
                } else {
                    200
                };
                let _ = request.respond(
                    tiny_http::Response::from_string("{\"event_id\":\"$x\"}")
                        .with_status_code(code),
                );
            }
        });
        Receiver {
            port,
            requests,
            failing,
            server,
        }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// (channel, event) of every request, in order.
    fn deliveries(&self) -> Vec<(String, String)> {
        self.requests()
            .iter()
            .map(|r| (r.channel(), r.event()))
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

/// aiosmtpd on 127.0.0.1, storing each message as `NNN.eml` with its envelope in
/// `NNN.json`, in a folder of its own.
struct Smtp {
    port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

const SMTP_SERVER: &str = r#"
import json, os, socket, sys, warnings
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

out = sys.argv[1]
logins = []

def authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"vigie" and auth_data.password == b"pa55word"
    if ok:
        logins.append(auth_data.login.decode())
    return AuthResult(success=ok)

class Store:
    async def handle_DATA(self, server, session, envelope):
        n = len([f for f in os.listdir(out) if f.endswith(".json")])
        base = os.path.join(out, "%03d" % n)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".tmp", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "logins": logins}, f)
        os.rename(base + ".tmp", base + ".json")
        return "250 OK"

# A free port, chosen by the system (the controller checks it can connect to its port, so
# it is given a real one).
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
if sys.argv[2] in ("starttls", "tls"):
    import ssl
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(sys.argv[3], sys.argv[4])
    if sys.argv[2] == "starttls":
        c = Controller(Store(), hostname="127.0.0.1", port=port, tls_context=context,
                       require_starttls=True)
    else:
        c = Controller(Store(), hostname="127.0.0.1", port=port, ssl_context=context)
elif sys.argv[2] == "auth":
    warnings.simplefilter("ignore")
    # Loopback only: the test server takes a password without TLS.
    c = Controller(Store(), hostname="127.0.0.1", port=port, authenticator=authenticate,
                   auth_required=True, auth_require_tls=False)
else:
    c = Controller(Store(), hostname="127.0.0.1", port=port)
c.start()
print(port, flush=True)
sys.stdin.read()
c.stop()
"#;

impl Smtp {
    fn start() -> Smtp {
        Smtp::start_with("open")
    }

    /// `mode`: `open`, or `auth` to take only the user `vigie` with `pa55word`.
    fn start_with(mode: &str) -> Smtp {
        Smtp::start_with_args(mode, &[])
    }

    /// `starttls` or `tls` with the server's certificate and key files.
    fn start_with_args(mode: &str, extra: &[&Path]) -> Smtp {
        require(
            "the Python module aiosmtpd (a real SMTP server)",
            Command::new("python3").args(["-c", "import aiosmtpd"]),
            "python3 -m pip install aiosmtpd",
        );
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .args(["-c", SMTP_SERVER])
            .arg(dir.path())
            .arg(mode)
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // The server's own log (refused handshakes, warnings), shown if it fails to start.
            .stderr(fs::File::create(dir.path().join("server.log")).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!(
                "aiosmtpd did not start: {line:?}\n{}",
                fs::read_to_string(dir.path().join("server.log")).unwrap_or_default()
            )
        });
        Smtp { port, dir, child }
    }

    /// The messages received, in order: (envelope, path of the message).
    fn messages(&self) -> Vec<(Value, PathBuf)> {
        let mut names: Vec<PathBuf> = fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| {
                let envelope = serde_json::from_str(&fs::read_to_string(&p).unwrap()).unwrap();
                (envelope, p.with_extension("eml"))
            })
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Headers of a stored message, as Python's `email` package reads them.
fn mail_headers(path: &Path) -> Value {
    let run = python(
        r#"
import email, email.policy, json, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
assert not m.defects, m.defects
plain = m.get_body(("plain",)).get_content()
print(json.dumps({k: str(m[k]) for k in ["From", "To", "Subject", "Message-ID", "In-Reply-To", "References", "Date"] if m[k] is not None} | {"plain": plain}))
"#,
        &[path.to_str().unwrap()],
        &[],
    );
    run.success();
    serde_json::from_str(&run.stdout).unwrap()
}

fn site_yaml(smtp: Option<u16>, http: u16, matrix_path: &str) -> String {
    let mut s = "title: Acme status\nbase_url: https://status.acme.test/\nlanguage: en\ntimezone: Europe/Paris\ncontact:\n  email: help@acme.test\ncomponents:\n  - {id: web, name: Web}\n  - {id: mail, name: Mail}\nnotify:\n".to_string();
    if let Some(port) = smtp {
        s.push_str(&format!("  email:\n    smtp: smtp://127.0.0.1:{port}\n    from: status@acme.test\n    to: [all@lists.acme.test]\n    to_by_component: {{mail: [mail@lists.acme.test, ALL@lists.acme.test]}}\n"));
    }
    s.push_str(&format!(
        "  webhooks:
    - {{kind: generic, url: \"http://127.0.0.1:{http}/generic\", secret_env: T_HOOK_SECRET}}
    - {{kind: slack, url_env: T_SLACK_URL}}
    - {{kind: discord, url: \"http://127.0.0.1:{http}/discord\"}}
    - {{kind: matrix, homeserver: \"http://127.0.0.1:{http}/{matrix_path}\", room: \"!room:acme.test\", token_env: T_MATRIX_TOKEN}}
    - {{kind: mastodon, instance: \"http://127.0.0.1:{http}/mastodon\", token_env: T_MASTODON_TOKEN}}
"
    ));
    s
}

const OUTAGE: &str = "---
title: API errors
start: 2026-11-26 10:00
end: 2026-11-26 11:00
severity: partial-outage
components: [mail]
updates:
  - at: 2026-11-26 10:30
    status: identified
    body: A bad deploy. See [the log](/log/).
---
Some requests fail.
";

/// `vigie notify --now NOW ARGS` on `site`, with the secrets in the environment.
fn notify(site: &Site, http: u16, slack_path: &str, now: &str, args: &[&str]) -> Run {
    Run::from(
        notify_command(site, http, slack_path, now, args)
            .output()
            .unwrap(),
    )
}

fn notify_command(site: &Site, http: u16, slack_path: &str, now: &str, args: &[&str]) -> Command {
    let mut cmd = vigie();
    cmd.args(["notify", "--now", now])
        .args(args)
        .arg("--root")
        .arg(site.root())
        .env("T_HOOK_SECRET", SECRET)
        .env(
            "T_SLACK_URL",
            format!("http://127.0.0.1:{http}/{slack_path}"),
        )
        .env("T_MATRIX_TOKEN", "matrix-token")
        .env("T_MASTODON_TOKEN", "mastodon-token")
        .env_remove("SOURCE_DATE_EPOCH");
    cmd
}

fn hmac_hex(body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks the shape of every request of one event and returns them by channel.
fn check_shapes(requests: &[Request], event: &str) -> BTreeMap<String, Request> {
    let mine: BTreeMap<String, Request> = requests
        .iter()
        .filter(|r| r.event() == event)
        .map(|r| (r.channel(), r.clone()))
        .collect();
    let generic = &mine["generic"];
    assert_eq!(generic.method, "POST");
    assert_eq!(generic.url, "/generic");
    assert_eq!(
        generic.header("X-Vigie-Signature"),
        Some(format!("sha256={}", hmac_hex(&generic.body)).as_str()),
        "the signature is the HMAC-SHA256 of the body"
    );
    assert_eq!(generic.header("Content-Type"), Some("application/json"));
    let g = generic.json();
    assert_eq!(g["meta"]["event_id"], event);
    assert_eq!(g["page"]["url"], "https://status.acme.test/");
    assert!(g["incident"]["incident_updates"].is_array(), "{g}");
    assert!(g["incident"]["shortlink"]
        .as_str()
        .unwrap()
        .starts_with("https://status.acme.test/incidents/"));

    let slack = &mine["slack"];
    assert_eq!(
        (slack.method.as_str(), slack.url.as_str()),
        ("POST", "/slack")
    );
    let text = slack.json()["text"].as_str().unwrap().to_string();
    assert!(text.starts_with('*'), "{text}");

    let discord = &mine["discord"];
    let d = discord.json();
    assert!(d["content"].as_str().unwrap().chars().count() <= 2000);
    assert!(
        d["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            <= 4096
    );
    assert!(d["embeds"][0]["title"].as_str().unwrap().chars().count() <= 256);
    assert_eq!(d["allowed_mentions"]["parse"], serde_json::json!([]));

    let matrix = &mine["matrix"];
    assert_eq!(matrix.method, "PUT");
    assert_eq!(
        matrix.url,
        format!("/matrix/_matrix/client/v3/rooms/%21room%3Aacme.test/send/m.room.message/{event}"),
        "the event id is the transaction id"
    );
    assert_eq!(matrix.header("Authorization"), Some("Bearer matrix-token"));
    let m = matrix.json();
    assert_eq!(m["msgtype"], "m.notice");
    assert_eq!(m["format"], "org.matrix.custom.html");

    let mastodon = &mine["mastodon"];
    assert_eq!(
        (mastodon.method.as_str(), mastodon.url.as_str()),
        ("POST", "/mastodon/api/v1/statuses")
    );
    assert_eq!(mastodon.header("Idempotency-Key"), Some(event));
    assert_eq!(
        mastodon.header("Authorization"),
        Some("Bearer mastodon-token")
    );
    let status = mastodon.json()["status"].as_str().unwrap().to_string();
    assert!(status.chars().count() <= 500, "{status}");
    assert!(
        status.contains("https://status.acme.test/incidents/"),
        "{status}"
    );
    mine
}

#[test]
fn each_new_post_reaches_every_channel_once_and_updates_thread_under_the_announcement() {
    let smtp = Smtp::start();
    let http = Receiver::start(Duration::ZERO);
    let site = Site::empty();
    site.write(
        "site.yaml",
        &site_yaml(Some(smtp.port), http.port, "matrix"),
    );
    site.write("incidents/2026-11-26-api.md", OUTAGE);

    // The first run starts the record: nothing is due yet, nothing is sent.
    let run = notify(&site, http.port, "slack", "2026-11-26T08:00:00Z", &[]);
    run.success();
    assert!(run.stdout.contains("0 messages sent"), "{}", run.stdout);
    assert!(site
        .read(".vigie/notified")
        .contains("start email 2026-11-26T08:00:00Z"));

    // A dry run says what would go where, and changes nothing.
    let ledger = site.read(".vigie/notified");
    let run = notify(
        &site,
        http.port,
        "slack",
        "2026-11-26T09:10:00Z",
        &["--dry-run"],
    );
    run.success();
    for line in [
        &format!("email (SMTP smtp://127.0.0.1:{}):", smtp.port),
        "  would send 2026-11-26-api.announcement to all@lists.acme.test, mail@lists.acme.test: API errors — Announcement",
        "slack (slack webhook $T_SLACK_URL):",
        "  would send 2026-11-26-api.announcement: API errors — Announcement",
        "dry run: nothing sent, nothing recorded",
    ] {
        assert!(run.stdout.lines().any(|l| l == line), "{line}\n{}", run.stdout);
    }
    assert!(http.requests().is_empty());
    assert!(smtp.messages().is_empty());
    assert_eq!(site.read(".vigie/notified"), ledger);

    // The announcement is out: one message per channel.
    let run = notify(&site, http.port, "slack", "2026-11-26T09:10:00Z", &[]);
    run.success();
    assert!(run.stdout.contains("6 messages sent"), "{}", run.stdout);
    let announcement = "2026-11-26-api.announcement";
    check_shapes(&http.requests(), announcement);
    assert_eq!(http.requests().len(), 5);
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    // `to`, then the component's list; ALL@ is all@ again: one copy.
    assert_eq!(
        mails[0].0["to"],
        serde_json::json!(["all@lists.acme.test", "mail@lists.acme.test"])
    );
    assert_eq!(mails[0].0["from"], "status@acme.test");
    let first = mail_headers(&mails[0].1);
    assert_eq!(first["Subject"], "API errors — Announcement");
    assert_eq!(
        first["Message-ID"],
        "<2026-11-26-api.announcement@status.acme.test>"
    );
    assert!(first.get("In-Reply-To").is_none());
    assert_eq!(first["To"], "all@lists.acme.test, mail@lists.acme.test");
    assert!(first["From"]
        .as_str()
        .unwrap()
        .ends_with("<status@acme.test>"));
    assert!(first["plain"]
        .as_str()
        .unwrap()
        .contains("Some requests fail."));

    // A second run at the same moment sends nothing.
    let run = notify(&site, http.port, "slack", "2026-11-26T09:10:00Z", &[]);
    run.success();
    assert!(run.stdout.contains("0 messages sent"), "{}", run.stdout);
    assert_eq!(http.requests().len(), 5);
    assert_eq!(smtp.messages().len(), 1);

    // The update, then the end: each once, the e-mails threaded under the announcement.
    notify(&site, http.port, "slack", "2026-11-26T09:40:00Z", &[]).success();
    notify(&site, http.port, "slack", "2026-11-26T10:05:00Z", &[]).success();
    notify(&site, http.port, "slack", "2026-11-26T10:05:00Z", &[]).success();
    let requests = http.requests();
    assert_eq!(requests.len(), 15);
    let update = check_shapes(&requests, "2026-11-26-api.update-20261126t0930z");
    // The generic body is the incident as the API shows it then: both posts, newest first.
    let updates = update["generic"].json()["incident"]["incident_updates"].clone();
    assert_eq!(updates.as_array().unwrap().len(), 2, "{updates}");
    assert_eq!(updates[0]["status"], "identified");
    check_shapes(&requests, "2026-11-26-api.resolved");
    let mails = smtp.messages();
    assert_eq!(mails.len(), 3);
    for (_, path) in &mails[1..] {
        let h = mail_headers(path);
        assert_eq!(h["In-Reply-To"], first["Message-ID"], "{h}");
        assert_eq!(h["References"], first["Message-ID"], "{h}");
    }
    let resolved = mail_headers(&mails[2].1);
    assert_eq!(resolved["Subject"], "API errors — Resolved");
    assert_eq!(
        resolved["Message-ID"],
        "<2026-11-26-api.resolved@status.acme.test>"
    );
    assert!(resolved["plain"]
        .as_str()
        .unwrap()
        .contains("The incident is resolved"));
}

#[test]
fn the_example_sites_first_run_sends_nothing() {
    let http = Receiver::start(Duration::ZERO);
    let site = Site::example();
    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!(
            "{yaml}notify:\n  webhooks:\n    - {{kind: generic, url: \"http://127.0.0.1:{}/generic\"}}\n",
            http.port
        ),
    );
    let run = site.vigie(&["notify", "--now", NOW]);
    run.success();
    assert!(http.requests().is_empty());
    assert!(
        run.stdout.contains("first run of `generic`:")
            && run.stdout.contains("past events left aside"),
        "{}",
        run.stdout
    );
    // --dry-run on a copy with no ledger says what the first run would do, and writes nothing.
    let fresh = Site::example();
    fresh.write("site.yaml", &site.read("site.yaml"));
    let run = fresh.vigie(&["notify", "--now", NOW, "--dry-run"]);
    run.success();
    assert!(
        run.stdout
            .contains("generic (generic webhook http://127.0.0.1:"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("nothing to send"), "{}", run.stdout);
    assert!(!fresh.path(".vigie").exists());
}

#[test]
fn a_failing_channel_is_retried_next_run_without_resending_to_the_others() {
    let http = Receiver::start(Duration::ZERO);
    let site = Site::empty();
    site.write("site.yaml", &site_yaml(None, http.port, "matrix"));
    site.write("incidents/2026-11-26-api.md", OUTAGE);
    notify(&site, http.port, "fail", "2026-11-26T08:00:00Z", &[]).success();

    let run = notify(&site, http.port, "fail", "2026-11-26T09:10:00Z", &[]);
    run.failure(1);
    assert!(
        run.stderr
            .contains("channel `slack`: 2026-11-26-api.announcement: the server answered 500"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("4 messages sent"), "{}", run.stdout);
    let ledger = site.read(".vigie/notified");
    assert!(!ledger.contains("sent slack"), "{ledger}");

    // Still failing, later: the update waits behind the announcement.
    let run = notify(&site, http.port, "fail", "2026-11-26T09:40:00Z", &[]);
    run.failure(1);
    let fails = |d: &[(String, String)]| d.iter().filter(|(c, _)| c == "fail").count();
    assert_eq!(fails(&http.deliveries()), 2, "{:?}", http.deliveries());

    http.failing.store(false, Ordering::SeqCst);
    let run = notify(&site, http.port, "fail", "2026-11-26T09:40:00Z", &[]);
    run.success();
    assert!(run.stdout.contains("2 messages sent"), "{}", run.stdout);
    let deliveries = http.deliveries();
    // The other channels got each post once; slack got the announcement, then the update.
    for channel in ["generic", "discord", "matrix", "mastodon"] {
        let mine: Vec<&String> = deliveries
            .iter()
            .filter(|(c, _)| c == channel)
            .map(|(_, e)| e)
            .collect();
        assert_eq!(
            mine,
            [
                "2026-11-26-api.announcement",
                "2026-11-26-api.update-20261126t0930z"
            ],
            "{channel}"
        );
    }
    let last: Vec<&String> = deliveries[deliveries.len() - 2..]
        .iter()
        .map(|(_, e)| e)
        .collect();
    assert_eq!(
        last,
        [
            "2026-11-26-api.announcement",
            "2026-11-26-api.update-20261126t0930z"
        ]
    );
}

const MAINTENANCE: &str = "---
title: Database upgrade
start: 2026-12-05 02:00
end: 2026-12-05 04:00
severity: maintenance
components: [web]
published: 2026-12-01 10:00
---
We upgrade the database servers.
";

#[test]
fn a_maintenance_is_announced_reminded_rescheduled_started_and_completed_once_each() {
    let http = Receiver::start(Duration::ZERO);
    let site = Site::empty();
    site.write("site.yaml", &site_yaml(None, http.port, "matrix"));
    site.write("incidents/2026-12-05-db.md", MAINTENANCE);
    let generic = |http: &Receiver| -> Vec<String> {
        http.requests()
            .iter()
            .filter(|r| r.channel() == "generic")
            .map(|r| r.json()["meta"]["event"].as_str().unwrap().to_string() + " " + &r.event())
            .collect()
    };
    for now in [
        "2026-12-01T08:00:00Z",
        "2026-12-01T09:30:00Z", // announced at 10:00 Paris
        "2026-12-04T01:30:00Z", // 24 h before 02:00 Paris
        "2026-12-04T01:59:00Z", // the same hour: nothing more
    ] {
        notify(&site, http.port, "slack", now, &[]).success();
    }
    assert_eq!(
        generic(&http),
        [
            "post 2026-12-05-db.announcement",
            "reminder 2026-12-05-db.reminder-24h-20261205T0100Z"
        ]
    );
    // Moved one hour later: one notice, and the reminders of the new window.
    site.write(
        "incidents/2026-12-05-db.md",
        &MAINTENANCE
            .replace("02:00", "03:00")
            .replace("04:00", "05:00"),
    );
    for now in [
        "2026-12-04T03:00:00Z",
        "2026-12-04T03:30:00Z",
        "2026-12-05T01:10:00Z", // 1 h before 03:00 Paris
        "2026-12-05T01:50:00Z",
        "2026-12-05T02:10:00Z", // started
        "2026-12-05T02:20:00Z",
        "2026-12-05T04:01:00Z", // completed
        "2026-12-05T05:00:00Z",
    ] {
        notify(&site, http.port, "slack", now, &[]).success();
    }
    assert_eq!(
        generic(&http),
        [
            "post 2026-12-05-db.announcement",
            "reminder 2026-12-05-db.reminder-24h-20261205T0100Z",
            "rescheduled 2026-12-05-db.rescheduled-20261205T0200Z-20261205T0400Z",
            "reminder 2026-12-05-db.reminder-1h-20261205T0200Z",
            "started 2026-12-05-db.started",
            "completed 2026-12-05-db.completed",
        ]
    );
    let rescheduled = http
        .requests()
        .into_iter()
        .find(|r| r.channel() == "slack" && r.event().contains("rescheduled"))
        .unwrap();
    let text = rescheduled.json()["text"].as_str().unwrap().to_string();
    assert!(
        text.contains("The maintenance window has changed. New window:"),
        "{text}"
    );
}

#[test]
fn a_run_killed_mid_delivery_then_run_again_sends_nothing_twice() {
    let http = Receiver::start(Duration::from_secs(30));
    let site = Site::empty();
    // Matrix answers slowly: the run is killed while it waits.
    site.write("site.yaml", &site_yaml(None, http.port, "slow"));
    site.write("incidents/2026-11-26-api.md", OUTAGE);
    notify(&site, http.port, "slack", "2026-11-26T08:00:00Z", &[]).success();
    let mut child = notify_command(&site, http.port, "slack", "2026-11-26T09:40:00Z", &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !http.deliveries().iter().any(|(c, _)| c == "slow") {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "matrix never called"
        );
        thread::sleep(Duration::from_millis(20));
    }
    // SIGKILL: no chance to clean up.
    child.kill().unwrap();
    child.wait().unwrap();
    let before = http.deliveries();
    assert_eq!(before.len(), 4, "{before:?}");
    // The ledger is whole, and holds the deliveries made.
    let ledger = site.read(".vigie/notified");
    assert!(
        ledger.contains("sent generic 2026-11-26-api.announcement"),
        "{ledger}"
    );
    assert!(!ledger.contains("sent matrix"), "{ledger}");

    http.server.unblock();
    let http2 = Receiver::start(Duration::ZERO);
    site.write("site.yaml", &site_yaml(None, http2.port, "slow"));
    let run = notify(&site, http2.port, "slack", "2026-11-26T09:40:00Z", &[]);
    run.success();
    let after = http2.deliveries();
    // Nothing delivered before the kill is sent again, but for Matrix's request, which
    // had no answer: it goes again with the same transaction id, which the homeserver
    // takes as the same message.
    for d in &after {
        assert!(
            !before.contains(d) || d.0 == "slow",
            "{d:?} sent twice: {before:?} then {after:?}"
        );
    }
    let matrix_before = &http.requests()[3];
    let matrix_again = http2
        .requests()
        .into_iter()
        .find(|r| r.url == matrix_before.url)
        .expect("the matrix message is retried with the same transaction id");
    assert_eq!(matrix_again.method, "PUT");
    // Every channel has both posts, once each, over the two runs.
    let mut all = before.clone();
    all.extend(after);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 10, "{all:?}");
    notify(&site, http2.port, "slack", "2026-11-26T09:40:00Z", &[]).success();
    assert_eq!(http2.deliveries().len(), 7);
}

#[test]
fn sendmail_gets_the_message_and_the_recipients() {
    let site = Site::empty();
    let out = site.path("sent");
    fs::create_dir_all(&out).unwrap();
    let script = site.path("fake-sendmail");
    fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{0}/args'\ncat > '{0}/message'\n",
            out.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    }
    site.write(
        "site.yaml",
        &format!("title: Acme status\nbase_url: https://status.acme.test/\nlanguage: fr\ntimezone: Europe/Paris\ncomponents:\n  - {{id: web, name: Web}}\nnotify:\n  email:\n    sendmail: {}\n    to: [all@lists.acme.test]\n", script.display()),
    );
    site.write(
        "incidents/2026-11-26-api.md",
        &OUTAGE.replace("[mail]", "[web]"),
    );
    site.vigie(&["notify", "--now", "2026-11-26T08:00:00Z"])
        .success();
    site.vigie(&["notify", "--now", "2026-11-26T09:10:00Z"])
        .success();
    let args = fs::read_to_string(out.join("args")).unwrap();
    assert_eq!(
        args,
        "-i\n-f\nno-reply@status.acme.test\n--\nall@lists.acme.test\n"
    );
    let h = mail_headers(&out.join("message"));
    assert_eq!(h["To"], "all@lists.acme.test");
    // In the site's language.
    assert_eq!(h["Subject"], "API errors — Annonce");
}

#[test]
fn missing_secrets_are_named_by_check_and_by_notify() {
    let site = Site::empty();
    site.write("site.yaml", &site_yaml(None, 9, "matrix"));
    let run = site.vigie(&["check", "--now", NOW]);
    run.success();
    assert!(
        run.stderr.contains("site.yaml: warning: the `slack` channel of `notify` reads `T_SLACK_URL`, which is not set"),
        "{}",
        run.stderr
    );
    site.write("incidents/2026-11-26-api.md", OUTAGE);
    site.vigie(&["notify", "--now", "2026-11-26T08:00:00Z"])
        .success();
    let run = site.vigie(&["notify", "--now", "2026-11-26T09:10:00Z"]);
    run.failure(1);
    assert!(
        run.stderr
            .contains("channel `generic`: the environment variable `T_HOOK_SECRET` is not set"),
        "{}",
        run.stderr
    );
    // Nothing was sent, so nothing is recorded as sent.
    assert!(!site.read(".vigie/notified").contains("sent "));
}

#[test]
fn smtp_authenticates_with_the_user_and_password_from_the_environment() {
    let smtp = Smtp::start_with("auth");
    let site = Site::empty();
    site.write(
        "site.yaml",
        &format!("title: Acme status\nbase_url: https://status.acme.test/\ntimezone: Europe/Paris\ncomponents:\n  - {{id: web, name: Web}}\nnotify:\n  email:\n    smtp: smtp://localhost:{}\n    username_env: T_SMTP_USER\n    password_env: T_SMTP_PASSWORD\n    to: [all@lists.acme.test]\n", smtp.port),
    );
    site.write(
        "incidents/2026-11-26-api.md",
        &OUTAGE.replace("[mail]", "[web]"),
    );
    let run_with = |password: &str, now: &str| -> Run {
        let mut cmd = vigie();
        cmd.args(["notify", "--now", now, "--root"])
            .arg(site.root())
            .env("T_SMTP_USER", "vigie")
            .env("T_SMTP_PASSWORD", password);
        Run::from(cmd.output().unwrap())
    };
    // (A wrong password is not tried: aiosmtpd 1.4 leaves a failed AUTH unanswered.)
    run_with("pa55word", "2026-11-26T08:00:00Z").success();
    run_with("pa55word", "2026-11-26T09:10:00Z").success();
    let mails = smtp.messages();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0["logins"], serde_json::json!(["vigie"]));
}

#[test]
fn since_and_max_age_record_old_events_without_sending_them() {
    let http = Receiver::start(Duration::ZERO);
    let site = Site::empty();
    site.write("site.yaml", &site_yaml(None, http.port, "matrix"));
    site.write("incidents/2026-11-26-api.md", OUTAGE);
    // A first run with --since sends what came after it: the update, not the announcement.
    let run = notify(
        &site,
        http.port,
        "slack",
        "2026-11-26T09:40:00Z",
        &["--since", "2026-11-26T09:20:00Z"],
    );
    run.success();
    let events: Vec<String> = http.deliveries().into_iter().map(|(_, e)| e).collect();
    assert_eq!(events, ["2026-11-26-api.update-20261126t0930z"; 5]);
    // Two days later, the end is older than max_age (24 h): recorded, not sent.
    let run = notify(&site, http.port, "slack", "2026-11-28T12:00:00Z", &[]);
    run.success();
    assert!(
        run.stdout
            .contains("0 messages sent; 5 too old or before --since, recorded without sending"),
        "{}",
        run.stdout
    );
    assert_eq!(http.deliveries().len(), 5);
    assert!(site
        .read(".vigie/notified")
        .contains("skipped slack 2026-11-26-api.resolved 2026-11-28T12:00:00Z"));
}

#[test]
fn long_posts_are_cut_to_each_services_limits() {
    let http = Receiver::start(Duration::ZERO);
    let site = Site::empty();
    site.write("site.yaml", &site_yaml(None, http.port, "matrix"));
    let long = "Une phrase assez longue pour remplir la place. ".repeat(300);
    site.write(
        "incidents/2026-11-26-api.md",
        &OUTAGE.replace("Some requests fail.", &long).replace(
            "title: API errors",
            &format!("title: {}", "Very long title ".repeat(30).trim()),
        ),
    );
    notify(&site, http.port, "slack", "2026-11-26T08:00:00Z", &[]).success();
    notify(&site, http.port, "slack", "2026-11-26T09:10:00Z", &[]).success();
    // check_shapes holds Discord's, Mastodon's limits; Slack's text is cut too.
    let mine = check_shapes(&http.requests(), "2026-11-26-api.announcement");
    let slack = mine["slack"].json()["text"]
        .as_str()
        .unwrap()
        .chars()
        .count();
    assert!(slack <= 3900 * 2, "{slack}");
    let discord = mine["discord"].json();
    assert!(discord["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .ends_with('…'));
}

/// A certificate authority and a certificate it signed for 127.0.0.1, made with openssl in
/// `dir`: (CA, server certificate, server key).
fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    require(
        "openssl",
        Command::new("openssl").arg("version"),
        "apt-get install -y openssl",
    );
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=vigie test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    fs::write(
        dir.join("ext"),
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}

#[test]
fn smtp_speaks_starttls_or_tls_and_checks_the_servers_certificate() {
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(certs.path());
    for (mode, scheme) in [("starttls", "smtp"), ("tls", "smtps")] {
        let smtp = Smtp::start_with_args(mode, &[&cert, &key]);
        let site = Site::empty();
        fs::copy(&ca, site.path("ca.pem")).unwrap();
        // An authority that did not sign the server's certificate.
        fs::copy(&cert, site.path("other.pem")).unwrap();
        let yaml = |ca_file: &str| {
            format!("title: Acme status\nbase_url: https://status.acme.test/\ntimezone: Europe/Paris\ncomponents:\n  - {{id: web, name: Web}}\nnotify:\n  email:\n    smtp: {scheme}://127.0.0.1:{}\n    to: [all@lists.acme.test]\n{ca_file}", smtp.port)
        };
        site.write(
            "incidents/2026-11-26-api.md",
            &OUTAGE.replace("[mail]", "[web]"),
        );
        // Without the authority, the certificate is refused: nothing is sent.
        site.write(
            "site.yaml",
            &yaml(if mode == "starttls" {
                "    ca_file: other.pem\n"
            } else {
                ""
            }),
        );
        site.vigie(&["notify", "--now", "2026-11-26T08:00:00Z"])
            .success();
        let run = site.vigie(&["notify", "--now", "2026-11-26T09:10:00Z"]);
        run.failure(1);
        assert!(
            run.stderr.contains("channel `email`:") && run.stderr.contains("certificate"),
            "{mode}: {}",
            run.stderr
        );
        assert!(smtp.messages().is_empty(), "{mode}");
        // With it, the message goes over TLS.
        site.write("site.yaml", &yaml("    ca_file: ca.pem\n"));
        site.vigie(&["notify", "--now", "2026-11-26T09:10:00Z"])
            .success();
        let mails = smtp.messages();
        assert_eq!(mails.len(), 1, "{mode}");
        assert_eq!(
            mail_headers(&mails[0].1)["Subject"],
            "API errors — Announcement"
        );
    }
}

#[test]
fn a_bad_channel_is_an_error_at_its_place_in_site_yaml() {
    let site = Site::empty();
    site.write(
        "site.yaml",
        "title: T\nbase_url: https://s.example.fr/\ncomponents:\n  - {id: web, name: Web}\nnotify:\n  webhooks:\n    - {kind: slak, url_env: HOOK}\n    - {kind: matrix, homeserver: http://matrix.example.fr, room: \"!a:example.fr\", token_env: TOKEN}\n",
    );
    let run = site.vigie(&["check", "--now", NOW]);
    run.failure(1);
    assert_eq!(
        run.stderr,
        "site.yaml:7:14: error: unknown webhook kind `slak`
  |
7 |     - {kind: slak, url_env: HOOK}
  |              ^^^^
  = help: did you mean `slack`?

site.yaml:8:34: error: `http://matrix.example.fr` is plain http to `matrix.example.fr`: only https is allowed beyond this machine
  |
8 |     - {kind: matrix, homeserver: http://matrix.example.fr, room: \"!a:example.fr\", token_env: TOKEN}
  |                                  ^^^^^^^^^^^^^^^^^^^^^^^^
  = help: write an `https://` URL; plain `http://` is for loopback, or with `insecure: true`

2 errors in 1 file
"
    );
    // notify refuses the same site, and sends nothing.
    site.vigie(&["notify", "--now", NOW]).failure(1);
    assert!(!site.path(".vigie/notified").exists());
}

/// A child process stopped when dropped, even when the test fails.
struct Stopped(Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An HTTPS server on 127.0.0.1 (Python's http.server behind its ssl module) that writes
/// each request, one JSON line, to `requests` in its folder.
const HTTPS_SERVER: &str = r#"
import http.server, json, os, ssl, sys

out = sys.argv[1]

class Record(http.server.BaseHTTPRequestHandler):
    def do_any(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(os.path.join(out, "requests"), "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path,
                                "auth": self.headers.get("Authorization"),
                                "body": json.loads(body)}) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")
    do_PUT = do_POST = do_any
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record)
context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(sys.argv[2], sys.argv[3])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

#[test]
fn webhooks_speak_https_and_check_the_servers_certificate() {
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = certificates(certs.path());
    let out = tempfile::tempdir().unwrap();
    let mut server = Stopped(
        Command::new("python3")
            .args(["-c", HTTPS_SERVER])
            .arg(out.path())
            .args([&cert, &key])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(server.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().unwrap();
    let site = Site::empty();
    fs::copy(&ca, site.path("ca.pem")).unwrap();
    let yaml = |ca_file: &str| {
        format!("title: Acme status\nbase_url: https://status.acme.test/\ntimezone: Europe/Paris\ncomponents:\n  - {{id: web, name: Web}}\nnotify:\n  webhooks:\n    - {{kind: matrix, homeserver: \"https://127.0.0.1:{port}\", room: \"!r:acme.test\", token_env: T_MATRIX_TOKEN{ca_file}}}\n")
    };
    site.write(
        "incidents/2026-11-26-api.md",
        &OUTAGE.replace("[mail]", "[web]"),
    );
    let run = |now: &str| {
        let mut cmd = vigie();
        cmd.args(["notify", "--now", now, "--root"])
            .arg(site.root())
            .env("T_MATRIX_TOKEN", "tok");
        Run::from(cmd.output().unwrap())
    };
    // The usual authorities do not know the test's: refused, nothing sent.
    site.write("site.yaml", &yaml(""));
    run("2026-11-26T08:00:00Z").success();
    let refused = run("2026-11-26T09:10:00Z");
    refused.failure(1);
    assert!(
        refused
            .stderr
            .contains("channel `matrix`: 2026-11-26-api.announcement:"),
        "{}",
        refused.stderr
    );
    assert!(!out.path().join("requests").exists());
    // With its authority, the message goes over TLS.
    site.write("site.yaml", &yaml(", ca_file: ca.pem"));
    run("2026-11-26T09:10:00Z").success();
    drop(server);
    let requests = fs::read_to_string(out.path().join("requests")).unwrap();
    let lines: Vec<Value> = requests
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{requests}");
    assert_eq!(lines[0]["method"], "PUT");
    assert_eq!(
        lines[0]["path"],
        "/_matrix/client/v3/rooms/%21r%3Aacme.test/send/m.room.message/2026-11-26-api.announcement"
    );
    assert_eq!(lines[0]["auth"], "Bearer tok");
    assert_eq!(lines[0]["body"]["msgtype"], "m.notice");
}
