//! `vigie serve`: the running binary answered over HTTP while its sources are edited.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// `NOW` (2026-11-25T12:00:00+01:00) as SOURCE_DATE_EPOCH.
const EPOCH: &str = "1795604400";

/// How long anything the server should do may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(10);

const INCIDENT: &str = "incidents/2024/2024-01-15-nouvelle-page-d-etat.md";
const PAGE: &str = "/incidents/2024-01-15-nouvelle-page-d-etat/";

/// A running `vigie serve`, killed when dropped (also when the test fails).
struct Server {
    child: Child,
    port: u16,
    log: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `vigie serve` on a free port, retrying when the port was taken meanwhile.
    fn start(site: &Site) -> Server {
        Server::start_with(site, &[])
    }

    /// Starts `vigie serve ARGS` on a free port.
    fn start_with(site: &Site, args: &[&str]) -> Server {
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let log = tempfile::tempdir().unwrap();
            let child = vigie()
                .args(["serve", "--port", &port.to_string(), "--root"])
                .arg(site.root())
                .args(args)
                .env("SOURCE_DATE_EPOCH", EPOCH)
                .stdout(Stdio::from(
                    std::fs::File::create(log.path().join("out")).unwrap(),
                ))
                .stderr(Stdio::from(
                    std::fs::File::create(log.path().join("err")).unwrap(),
                ))
                .spawn()
                .unwrap();
            let mut server = Server { child, port, log };
            let started = Instant::now();
            loop {
                if let Some(status) = server.child.try_wait().unwrap() {
                    let err = server.stderr();
                    assert!(
                        err.contains("cannot listen"),
                        "vigie serve exited with {status}:\n{err}"
                    );
                    break;
                }
                if server.try_get("/__vigie/status").is_some() {
                    return server;
                }
                assert!(
                    started.elapsed() < PATIENCE,
                    "vigie serve did not answer within {PATIENCE:?}:\n{}",
                    server.stderr()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("no free port found for vigie serve");
    }

    fn stdout(&self) -> String {
        std::fs::read_to_string(self.log.path().join("out")).unwrap_or_default()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(self.log.path().join("err")).unwrap_or_default()
    }

    fn try_get(&self, path: &str) -> Option<Answer> {
        request(self.port, "GET", path).ok()
    }

    #[track_caller]
    fn get(&self, path: &str) -> Answer {
        request(self.port, "GET", path)
            .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.stderr()))
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_slice(&self.get("/__vigie/status").body).unwrap()
    }

    /// Polls `path` until `done` holds for its answer; fails after [`PATIENCE`].
    #[track_caller]
    fn wait_for(&self, what: &str, path: &str, done: impl Fn(&Answer) -> bool) -> Duration {
        let started = Instant::now();
        loop {
            if self.try_get(path).is_some_and(|a| done(&a)) {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{what}: not seen within {PATIENCE:?}\nstdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the burst of changes just made has been rebuilt, and long enough after
    /// to see a second rebuild if one were (wrongly) coming.
    #[track_caller]
    fn generation_after_quiet(&self, before: u64) -> u64 {
        self.wait_for("a rebuild", "/__vigie/status", |a| {
            serde_json::from_slice::<serde_json::Value>(&a.body).unwrap()["generation"]
                .as_u64()
                .unwrap()
                > before
        });
        std::thread::sleep(Duration::from_millis(600));
        self.status()["generation"].as_u64().unwrap()
    }
}

/// One HTTP answer.
#[derive(Debug)]
struct Answer {
    code: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal HTTP/1.1 client: one request per connection, read until the server closes it.
fn request(port: u16, method: &str, path: &str) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(PATIENCE))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let code = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Ok(Answer {
        code,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

/// `html` without the live-reload script serve adds to every page.
fn without_live_script(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let Some(start) = text.find("<script id=\"vigie-live\">") else {
        return html.to_vec();
    };
    let end = text[start..]
        .find("</script>\n")
        .map(|e| start + e + "</script>\n".len())
        .unwrap();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

#[test]
fn serve_answers_from_memory_with_the_right_types() {
    let site = Site::example();
    let server = Server::start(&site);
    assert!(server.stdout().contains(&format!(
        "serving http://127.0.0.1:{}/ — Ctrl-C to stop",
        server.port
    )));

    let home = server.get("/");
    assert_eq!(home.code, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.text().contains("new EventSource(\"/__vigie/events\")"),
        "the live-reload script is injected"
    );
    assert!(
        home.text()
            .trim_end()
            .ends_with("</script>\n</body>\n</html>")
            || home.text().contains("</script>\n</body>")
    );

    // Files of every kind, from the site's static/ folder (copied as they are).
    for name in [
        "robots.txt",
        "app.js",
        "data.json",
        "logo.png",
        "photo.jpg",
        "font.woff2",
        "calendar.ics",
        "logo.svg",
    ] {
        site.write(&format!("static/{name}"), name);
    }
    server.wait_for("the static files", "/font.woff2", |a| a.code == 200);
    for (path, content_type) in [
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/feed.xml", "text/xml; charset=utf-8"),
        ("/history/", "text/html; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/logo.png", "image/png"),
        ("/photo.jpg", "image/jpeg"),
        ("/font.woff2", "font/woff2"),
        ("/calendar.ics", "text/calendar; charset=utf-8"),
        ("/logo.svg", "image/svg+xml"),
    ] {
        let answer = server.get(path);
        assert_eq!(
            (answer.code, answer.header("Content-Type")),
            (200, Some(content_type)),
            "{path}"
        );
    }
    assert_eq!(
        server.get("/robots.txt").text(),
        "robots.txt",
        "static files are served as they are"
    );
    // Absolute links point at the preview, not at the deployed site.
    assert!(server
        .get("/feed.xml")
        .text()
        .contains(&format!("http://127.0.0.1:{}/incidents/", server.port)));

    let missing = server.get("/no/such/page.html");
    assert_eq!(missing.code, 404);
    assert_eq!(
        missing.body,
        server.get("/404.html").body,
        "the site's 404 page answers unknown paths"
    );

    assert_eq!(server.get("/history").header("Location"), Some("/history/"));

    for path in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/assets/..%2F..%2Fsite.yaml",
        "/assets/%2E%2E/%2E%2E/site.yaml",
    ] {
        let answer = server.get(path);
        assert_eq!(answer.code, 400, "{path} must be refused");
        assert!(
            !answer.text().contains("base_url"),
            "{path} leaked site.yaml"
        );
    }

    let post = request(server.port, "POST", "/").unwrap();
    assert_eq!((post.code, post.header("Allow")), (405, Some("GET, HEAD")));
    let head = request(server.port, "HEAD", "/").unwrap();
    assert_eq!(head.code, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("Content-Length"),
        Some(home.body.len().to_string().as_str())
    );

    assert!(
        !site.path("public").exists(),
        "serve never writes the output folder"
    );
}

#[test]
fn serve_rebuilds_on_edit_survives_a_broken_file_and_recovers() {
    let site = Site::example();
    let server = Server::start(&site);
    let original = site.read(INCIDENT);
    assert_eq!(server.get(PAGE).code, 200);

    // The live-reload stream: a status event first, a reload event after a good rebuild.
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    events.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        events,
        "GET /__vigie/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut events = BufReader::new(events);
    let mut read_until = |wanted: &str| {
        let mut seen = String::new();
        loop {
            let mut line = String::new();
            let n = events
                .read_line(&mut line)
                .unwrap_or_else(|e| panic!("waiting for `{wanted}` in\n{seen}: {e}"));
            assert!(n > 0, "the event stream closed before `{wanted}`:\n{seen}");
            seen.push_str(&line);
            if line.trim_end() == wanted {
                return seen;
            }
        }
    };
    let head = read_until("event: status");
    assert!(head.contains("text/event-stream"), "{head}");

    // An edit shows up.
    site.write(
        INCIDENT,
        &format!("{original}\nMarqueur de test numéro un.\n"),
    );
    let latency = server.wait_for("the edit", PAGE, |a| {
        a.text().contains("Marqueur de test numéro un.")
    });
    println!(
        "edit visible after {} ms (debug build, polling every 10 ms)",
        latency.as_millis()
    );
    read_until("event: reload");

    // A broken file: the last good page stays, and the status says what is wrong.
    site.write(
        INCIDENT,
        &original.replacen("severity: notice", "severity: [notice", 1),
    );
    server.wait_for("the error", "/__vigie/status", |a| {
        a.text().contains("\"ok\":false")
    });
    let status = server.status();
    let error = status["error"].as_str().unwrap();
    assert!(
        error.contains("incidents/2024/2024-01-15-nouvelle-page-d-etat.md:"),
        "{error}"
    );
    assert!(
        server
            .stderr()
            .contains("2024-01-15-nouvelle-page-d-etat.md"),
        "diagnostics are printed as build prints them"
    );
    let page = server.get(PAGE);
    assert_eq!(page.code, 200);
    assert!(
        page.text().contains("Marqueur de test numéro un."),
        "the last good build is still served"
    );
    assert!(read_until("event: status").contains("event: status"));

    // Fixed: the fix is served and the error is gone.
    site.write(
        INCIDENT,
        &format!("{original}\nMarqueur de test numéro deux.\n"),
    );
    server.wait_for("the fix", PAGE, |a| {
        a.text().contains("Marqueur de test numéro deux.")
    });
    assert_eq!(server.status()["ok"], serde_json::Value::Bool(true));
    read_until("event: reload");

    // What is served equals a clean build of the final files.
    let out = tempfile::tempdir().unwrap();
    let base_url = format!("http://127.0.0.1:{}/", server.port);
    let run = Run::from(
        vigie()
            .args(["build", "--drafts", "--base-url", &base_url, "--root"])
            .arg(site.root())
            .arg("--out")
            .arg(out.path())
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .output()
            .unwrap(),
    );
    run.success();
    let built = snapshot_tree(out.path());
    assert!(built.len() > 20);
    for (path, bytes) in &built {
        let served = server.get(&format!("/{path}"));
        assert_eq!(served.code, 200, "{path}");
        assert!(
            without_live_script(&served.body) == *bytes,
            "{path} differs from a clean build"
        );
    }
}

#[test]
fn serve_rebuilds_once_per_burst_and_ignores_editor_files() {
    let site = Site::example();
    let server = Server::start(&site);
    let start = server.status()["generation"].as_u64().unwrap();

    // Editor leftovers trigger nothing.
    site.write(
        "incidents/2024/.2024-01-15-nouvelle-page-d-etat.md.swp",
        "swap",
    );
    site.write("incidents/2024/4913", "");
    site.write(
        "incidents/2024/2024-01-15-nouvelle-page-d-etat.md~",
        "backup",
    );
    site.write("incidents/#scratch.md#", "autosave");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        server.status()["generation"].as_u64().unwrap(),
        start,
        "editor files caused a rebuild"
    );

    // An atomic save (write a temporary file, rename it over the original).
    let original = site.read(INCIDENT);
    site.write(
        "incidents/2024/tmp.md.tmp",
        &format!("{original}\nSauvegarde atomique.\n"),
    );
    std::fs::rename(site.path("incidents/2024/tmp.md.tmp"), site.path(INCIDENT)).unwrap();
    let after_save = server.generation_after_quiet(start);
    assert_eq!(
        after_save,
        start + 1,
        "an atomic save makes exactly one rebuild"
    );
    assert!(server.get(PAGE).text().contains("Sauvegarde atomique."));

    // A burst: many writes, a new file, a rename and a deletion.
    for i in 0..30 {
        site.write(INCIDENT, &format!("{original}\nÉcriture {i}.\n"));
    }
    let extra = "incidents/2026/2026-11-25-essai.md";
    site.write(
        extra,
        "---\ntitle: Essai\nstart: 2026-11-25 10:00\nseverity: notice\n---\nEssai.\n",
    );
    std::fs::rename(
        site.path(extra),
        site.path("incidents/2026/2026-11-25-essai-renomme.md"),
    )
    .unwrap();
    std::fs::remove_file(site.path("incidents/2026/2026-11-25-essai-renomme.md")).unwrap();
    let after_burst = server.generation_after_quiet(after_save);
    assert_eq!(
        after_burst,
        after_save + 1,
        "a burst makes exactly one rebuild"
    );
    assert!(server.get(PAGE).text().contains("Écriture 29."));
    assert_eq!(server.get("/incidents/2026-11-25-essai-renomme/").code, 404);
    assert!(server.status()["ok"].as_bool().unwrap());
    assert!(!Path::new(&site.path("public")).exists());
}

#[test]
fn serve_polls_when_asked() {
    let site = Site::example();
    let server = Server::start_with(&site, &["--poll"]);
    let original = site.read(INCIDENT);
    site.write(INCIDENT, &format!("{original}\nVu par scrutation.\n"));
    server.wait_for("the edit", PAGE, |a| {
        a.text().contains("Vu par scrutation.")
    });
}

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let site = Site::example();
    let mut server = Server::start(&site);
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let code = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status.code();
        }
        assert!(started.elapsed() < PATIENCE, "vigie serve did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0), "{}", server.stderr());
    assert!(server.stdout().contains("stopped"));
}
