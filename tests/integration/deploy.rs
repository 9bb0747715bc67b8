//! docs/deploy.md's nginx recipe, run: its server block, taken from the page as written
//! (only the TLS lines, the port and the folder changed), serves a built site on
//! loopback, with the headers the page promises for the pages and the `api/` JSON. The
//! same harness (`run_nginx`) runs the nginx lines of docs/embed.md (`embed.rs`).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// nginx, where Debian puts it.
pub(crate) fn nginx() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("nginx is needed for this test: `apt-get install nginx-light` (tests/run installs it)")
        })
}

/// The ```nginx block of docs/deploy.md.
fn server_block() -> String {
    let doc = std::fs::read_to_string(repo().join("docs/deploy.md")).unwrap();
    let start = doc
        .find("```nginx\n")
        .expect("no nginx block in docs/deploy.md")
        + 9;
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

/// nginx running in the foreground with `conf`; stopped when dropped.
pub(crate) struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One request; the status line and headers (names in lower case), and the body.
pub(crate) fn request(
    port: u16,
    method: &str,
    path: &str,
) -> (String, Vec<(String, String)>, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: status.example.fr\r\nOrigin: https://dashboard.example.com\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    (status, headers, body.to_string())
}

pub(crate) fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn the_nginx_recipe_serves_the_site_and_its_api_with_the_documented_headers() {
    let site = Site::example();
    site.build().success();
    let (_server, port) = run_nginx(&site, |port, public| {
        server_block()
            .lines()
            .filter(|l| !l.trim_start().starts_with("ssl_certificate"))
            .map(|l| match l.trim() {
                "listen 443 ssl http2;" => format!("    listen 127.0.0.1:{port};"),
                "root /var/www/status;" => format!("    root {};", public.display()),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });

    let (status, h, body) = request(port, "GET", "/api/v2/summary.json");
    assert!(status.ends_with("200 OK"), "{status}");
    assert_eq!(
        header(&h, "content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(header(&h, "access-control-allow-origin"), Some("*"));
    assert_eq!(header(&h, "cache-control"), Some("public, max-age=30"));
    assert_eq!(header(&h, "x-content-type-options"), Some("nosniff"));
    assert!(body.contains("\"page\""), "{body}");

    let (status, h, _) = request(port, "OPTIONS", "/api/v2/status.json");
    assert!(status.ends_with("204 No Content"), "{status}");
    assert_eq!(header(&h, "access-control-allow-origin"), Some("*"));

    let (status, h, body) = request(port, "GET", "/");
    assert!(status.ends_with("200 OK"), "{status}");
    assert_eq!(header(&h, "content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(header(&h, "cache-control"), Some("public, max-age=60"));
    // The policy of the pages' <meta> and of `_headers`, with no framing by other sites.
    let framed_by_none = vigie::render::headers::framed_by_none();
    assert_eq!(
        header(&h, "content-security-policy"),
        Some(framed_by_none.as_str())
    );
    assert!(body.contains("<!DOCTYPE html>"));

    // What other sites embed: the banner script from any origin, the iframe page framed.
    let (status, h, _) = request(port, "GET", "/embed.js");
    assert!(status.ends_with("200 OK"), "{status}");
    assert_eq!(header(&h, "access-control-allow-origin"), Some("*"));
    let (status, h, _) = request(port, "GET", "/embed/");
    assert!(status.ends_with("200 OK"), "{status}");
    let framed = format!("{}; frame-ancestors *", vigie::render::headers::META_POLICY);
    assert_eq!(header(&h, "content-security-policy"), Some(framed.as_str()));

    let (_, h, _) = request(port, "GET", "/feed.xml");
    assert_eq!(
        header(&h, "content-type"),
        Some("application/rss+xml; charset=utf-8")
    );
    let (_, h, _) = request(port, "GET", "/maintenance.ics");
    assert_eq!(
        header(&h, "content-type"),
        Some("text/calendar; charset=utf-8")
    );

    let (status, _, body) = request(port, "GET", "/no/such/page");
    assert!(status.ends_with("404 Not Found"), "{status}");
    assert_eq!(body, site.read("public/404.html"));
}

/// nginx serving the build of `site` (its `public/`) on a free loopback port, with the
/// server block `block(port, public)` in a minimal configuration of its own.
pub(crate) fn run_nginx(site: &Site, block: impl FnOnce(u16, &Path) -> String) -> (Nginx, u16) {
    let nginx = nginx();
    let public = site.path("public");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let block = block(port, &public);
    let run = site.path("nginx");
    std::fs::create_dir_all(&run).unwrap();
    let temp = |name: &str| format!("{name} {};", run.join(name).display());
    let conf = format!(
        "daemon off;\nmaster_process off;\npid {pid};\nerror_log {log} warn;\nevents {{}}\nhttp {{\n  include /etc/nginx/mime.types;\n  access_log off;\n  {} {} {} {} {}\n{block}\n}}\n",
        temp("client_body_temp_path"),
        temp("proxy_temp_path"),
        temp("fastcgi_temp_path"),
        temp("uwsgi_temp_path"),
        temp("scgi_temp_path"),
        pid = run.join("nginx.pid").display(),
        log = run.join("error.log").display(),
    );
    let conf_path = run.join("nginx.conf");
    std::fs::write(&conf_path, &conf).unwrap();
    let test = Command::new(&nginx)
        .args(["-t", "-p"])
        .arg(&run)
        .arg("-c")
        .arg(&conf_path)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "nginx -t refuses the recipe:\n{}\n{conf}",
        String::from_utf8_lossy(&test.stderr)
    );
    let server = Nginx(
        Command::new(&nginx)
            .arg("-p")
            .arg(&run)
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(port, &run.join("error.log"));
    (server, port)
}

/// Waits until nginx answers on `port` (or fails with its error log).
fn wait_for(port: u16, log: &Path) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
