//! The preview's HTTP side: files from memory, the build status as JSON, and the
//! live-reload stream (server-sent events) that the script injected into each page opens.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

use super::{BuildState, Live, Served};

/// Where the injected script listens for rebuilds.
pub(crate) const EVENTS_PATH: &str = "/__vigie/events";
/// The latest build's outcome, as JSON.
pub(crate) const STATUS_PATH: &str = "/__vigie/status";

/// Live-reload streams open at once; more are refused, so threads stay bounded.
const MAX_STREAMS: usize = 32;
/// A comment is sent this often on an idle stream, so a departed browser is noticed and
/// its thread ends.
const KEEPALIVE: Duration = Duration::from_secs(10);

/// The script added before `</body>` of every served page: it opens the event stream,
/// reloads when a new good build is served, and shows build errors in an overlay.
/// `GENERATION` is the build the page comes from, so a rebuild that happened between
/// loading the page and opening the stream still reloads it.
const LIVE_SCRIPT: &str = r#"<script id="vigie-live">(function () {
  var page = GENERATION, box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("section");
      box.id = "vigie-errors";
      box.setAttribute("role", "alert");
      box.setAttribute("aria-labelledby", "vigie-errors-title");
      box.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;max-height:60vh;overflow:auto;z-index:2147483647;background:#fff;color:#1a1a1a;border:3px solid #b3261e;border-radius:6px;padding:1rem;box-shadow:0 4px 24px rgba(0,0,0,.35);font:14px/1.45 system-ui,sans-serif";
      var title = document.createElement("h2");
      title.id = "vigie-errors-title";
      title.style.cssText = "margin:0 0 .5rem;font-size:1rem;color:#b3261e";
      title.textContent = "vigie: the last change has errors; the last good build is shown";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace";
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.lastChild.textContent = text;
  }
  function hide() { if (box) { box.remove(); box = null; } }
  function status(s) {
    if (s.good_generation !== page && s.good_generation !== 0) { location.reload(); return; }
    if (s.ok) { hide(); } else { show(s.error || "build failed"); }
  }
  var events = new EventSource("/__vigie/events");
  events.addEventListener("status", function (e) { status(JSON.parse(e.data)); });
  events.addEventListener("reload", function () { location.reload(); });
})();</script>
"#;

/// `html` with the live-reload script before its last `</body>` (or at its end).
pub(crate) fn inject_live_script(mut html: Vec<u8>, generation: u64) -> Vec<u8> {
    let script = LIVE_SCRIPT.replace("GENERATION", &generation.to_string());
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, script.into_bytes());
    html
}

/// Answers requests until the server is unblocked at shutdown.
pub(crate) fn answer_requests(server: &Server, live: &std::sync::Arc<Live>) {
    loop {
        match server.recv() {
            Ok(request) => answer(request, live),
            Err(_) if live.state().stopping => return,
            Err(_) => {}
        }
    }
}

fn answer(request: Request, live: &std::sync::Arc<Live>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = with_header(
            text(405, "only GET and HEAD are served\n"),
            "Allow",
            "GET, HEAD",
        );
        let _ = request.respond(response);
        return;
    }
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_string();
    if path == EVENTS_PATH {
        open_stream(request, live);
        return;
    }
    let response = if path == STATUS_PATH {
        bytes(
            200,
            "application/json",
            status_json(&live.state()).into_bytes(),
        )
    } else {
        file_response(&live.files(), &live.state(), &path)
    };
    let _ = request.respond(response);
}

/// What is served at a request path.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// A file of the site, by its output path.
    File(String),
    /// A folder asked for without its final slash: redirect so relative links work.
    Redirect(String),
    /// Not a file of the site.
    NotFound,
    /// A path that cannot name a file of the site (`..`, bad escapes).
    Refused,
}

/// Maps a request path (without query) to an output path: percent-decoded, `..` refused,
/// `/` and `/dir/` to their `index.html`.
pub(crate) fn lookup(files: &HashMap<String, Vec<u8>>, raw: &str) -> Lookup {
    let Some(decoded) = percent_decode(raw) else {
        return Lookup::Refused;
    };
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return Lookup::Refused;
    }
    let parts: Vec<&str> = decoded.split('/').filter(|p| !p.is_empty()).collect();
    if parts.iter().any(|p| *p == ".." || *p == ".") {
        return Lookup::Refused;
    }
    let joined = parts.join("/");
    let key = if decoded.ends_with('/') {
        if joined.is_empty() {
            "index.html".to_string()
        } else {
            format!("{joined}/index.html")
        }
    } else {
        joined.clone()
    };
    if files.contains_key(&key) {
        Lookup::File(key)
    } else if !decoded.ends_with('/') && files.contains_key(&format!("{joined}/index.html")) {
        Lookup::Redirect(format!("{}/", raw.trim_end_matches('/')))
    } else {
        Lookup::NotFound
    }
}

/// `%XX` escapes decoded; `None` for a `%` that starts no escape or a result that is not
/// UTF-8.
fn percent_decode(raw: &str) -> Option<String> {
    // percent-encoding keeps a malformed escape as it is written; such a path is refused
    // rather than looked up with a literal `%`.
    let escapes_are_whole = raw.split('%').skip(1).all(|after| {
        after
            .as_bytes()
            .get(..2)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !escapes_are_whole {
        return None;
    }
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(String::from)
}

/// A served file's bytes: an HTML page gets the live-reload script of its build.
fn served_bytes(served: &Served, key: &str) -> Vec<u8> {
    let bytes = served.files.get(key).cloned().unwrap_or_default();
    if key.ends_with(".html") {
        inject_live_script(bytes, served.generation)
    } else {
        bytes
    }
}

fn file_response(
    served: &Served,
    state: &BuildState,
    path: &str,
) -> Response<std::io::Cursor<Vec<u8>>> {
    let files = &served.files;
    match lookup(files, path) {
        Lookup::File(key) => bytes(200, &content_type(&key), served_bytes(served, &key)),
        Lookup::Redirect(to) => {
            with_header(text(301, &format!("moved to {to}\n")), "Location", &to)
        }
        Lookup::Refused => text(400, "this path cannot name a file of the site\n"),
        Lookup::NotFound => match files.get("404.html") {
            Some(_) => bytes(
                404,
                &content_type("404.html"),
                served_bytes(served, "404.html"),
            ),
            None if state.good_generation == 0 => {
                let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>vigie: the site has errors</title></head><body><h1>The site has errors</h1><p>They are listed in the terminal running <code>vigie serve</code>; this page reloads once they are fixed.</p></body></html>";
                bytes(
                    503,
                    "text/html; charset=utf-8",
                    inject_live_script(page.as_bytes().to_vec(), 0),
                )
            }
            None => text(404, "not found\n"),
        },
    }
}

/// The Content-Type of an output path, from its extension as `mime_guess` knows it. Text
/// types say they are UTF-8, the encoding vigie writes and expects of static files.
pub(crate) fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path)
        .first_raw()
        .unwrap_or("application/octet-stream");
    if mime.starts_with("text/") {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// The build status as JSON: `{"generation", "good_generation", "ok", "error"}`.
pub(crate) fn status_json(state: &BuildState) -> String {
    serde_json::json!({
        "generation": state.generation,
        "good_generation": state.good_generation,
        "ok": state.error.is_none(),
        "error": state.error,
    })
    .to_string()
}

/// `response` with one more header; a value that is not ASCII (which no header built here
/// has) leaves it out rather than failing the answer.
fn with_header(
    mut response: Response<std::io::Cursor<Vec<u8>>>,
    name: &str,
    value: &str,
) -> Response<std::io::Cursor<Vec<u8>>> {
    if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        response.add_header(h);
    }
    response
}

fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Response<std::io::Cursor<Vec<u8>>> {
    // Always send a Content-Length, so HEAD answers carry it too.
    let response = Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_chunked_threshold(usize::MAX);
    let response = with_header(response, "Content-Type", content_type);
    // A preview must always show the latest build.
    let response = with_header(response, "Cache-Control", "no-store");
    with_header(response, "X-Content-Type-Options", "nosniff")
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    bytes(
        status,
        "text/plain; charset=utf-8",
        body.as_bytes().to_vec(),
    )
}

/// Decrements the count of open streams when a stream's thread ends.
struct StreamSlot<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for StreamSlot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Starts a server-sent events stream on its own thread: a `status` event now, then a
/// `reload` event after each good rebuild and a `status` event after each failed one.
fn open_stream(request: Request, live: &std::sync::Arc<Live>) {
    if live.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        live.streams.fetch_sub(1, Ordering::SeqCst);
        let _ = request.respond(text(503, "too many live-reload connections\n"));
        return;
    }
    let shared = std::sync::Arc::clone(live);
    let spawned = std::thread::Builder::new()
        .name("vigie-live".into())
        .spawn(move || {
            let live = shared;
            let _slot = StreamSlot(&live.streams);
            // tiny_http's chunked encoder holds back writes until 8 KiB have gathered, which
            // would delay every event; the raw connection is written directly instead, with a
            // response that ends when the connection closes.
            let mut out = request.into_writer();
            let _ = stream_events(&mut *out, &live);
        });
    if spawned.is_err() {
        live.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

fn stream_events(out: &mut dyn Write, live: &Live) -> std::io::Result<()> {
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n",
    )?;
    let mut state = live.state();
    write_event(out, "status", &status_json(&state))?;
    loop {
        let next = live.wait_change(state.generation, KEEPALIVE);
        if next.stopping {
            return Ok(());
        }
        if next.generation == state.generation {
            out.write_all(b": keep-alive\n\n")?;
            out.flush()?;
            continue;
        }
        let kind = if next.good_generation != state.good_generation {
            "reload"
        } else {
            "status"
        };
        write_event(out, kind, &status_json(&next))?;
        state = next;
    }
}

fn write_event(out: &mut dyn Write, kind: &str, data: &str) -> std::io::Result<()> {
    // `data` is one line of JSON: serde_json escapes every newline inside strings.
    write!(out, "event: {kind}\ndata: {data}\n\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> HashMap<String, Vec<u8>> {
        [
            "index.html",
            "404.html",
            "history/index.html",
            "assets/style.css",
            "incidents/a b/index.html",
            "100%.txt",
        ]
        .into_iter()
        .map(|p| (p.to_string(), Vec::new()))
        .collect()
    }

    #[test]
    fn the_root_and_folders_map_to_their_index() {
        assert_eq!(lookup(&site(), "/"), Lookup::File("index.html".into()));
        assert_eq!(
            lookup(&site(), "/history/"),
            Lookup::File("history/index.html".into())
        );
        assert_eq!(
            lookup(&site(), "/assets/style.css"),
            Lookup::File("assets/style.css".into())
        );
        assert_eq!(
            lookup(&site(), "/incidents/a%20b/"),
            Lookup::File("incidents/a b/index.html".into())
        );
    }

    #[test]
    fn an_escaped_percent_sign_names_a_file() {
        assert_eq!(
            lookup(&site(), "/100%25.txt"),
            Lookup::File("100%.txt".into())
        );
    }

    #[test]
    fn a_folder_without_its_slash_is_redirected() {
        assert_eq!(
            lookup(&site(), "/history"),
            Lookup::Redirect("/history/".into())
        );
    }

    #[test]
    fn traversal_is_refused_even_when_escaped() {
        for path in [
            "/../site.yaml",
            "/assets/../../x",
            "/%2e%2e/x",
            "/assets/%2E%2E%2F%2E%2E/x",
            "/..%5c..%5cx",
            "/%zz",
            "/%c3",
            "/100%.txt",
            // Decoded once only: `%%32e` is not a way to write `%2e`, then `.`.
            "/%%32e%%32e/x",
        ] {
            assert_eq!(lookup(&site(), path), Lookup::Refused, "{path}");
        }
    }

    #[test]
    fn unknown_paths_are_not_found() {
        assert_eq!(lookup(&site(), "/nope.html"), Lookup::NotFound);
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.WOFF2"), "font/woff2");
        assert_eq!(content_type("CNAME"), "application/octet-stream");
        assert_eq!(
            content_type("a.unknown-extension"),
            "application/octet-stream"
        );
    }

    /// Every extension of the table written by hand before mime_guess, with the type it
    /// gave; the three that differ are the current registrations in mime_guess' table.
    #[test]
    fn content_types_are_those_of_the_former_table() {
        for (path, expected) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.htm", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.js", "text/javascript; charset=utf-8"),
            // Was text/javascript: the older name, still a JavaScript type for browsers.
            ("a.mjs", "application/javascript"),
            // Was application/xml: the same type by RFC 7303, with the same charset.
            ("feed.xml", "text/xml; charset=utf-8"),
            ("a.json", "application/json"),
            ("badge.svg", "image/svg+xml"),
            ("maintenance.ics", "text/calendar; charset=utf-8"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.jpeg", "image/jpeg"),
            ("a.gif", "image/gif"),
            ("a.webp", "image/webp"),
            ("favicon.ico", "image/x-icon"),
            ("a.woff2", "font/woff2"),
            // Was font/woff: the older name; browsers do not check a font's type.
            ("a.woff", "application/font-woff"),
            ("site.webmanifest", "application/manifest+json"),
        ] {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }

    #[test]
    fn the_script_goes_before_the_last_closing_body_tag() {
        let html = inject_live_script(b"<html><body><p>x</p></BODY></html>".to_vec(), 7);
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains("var page = 7,"));
        assert!(html.ends_with("</script>\n</BODY></html>"), "{html}");
    }
}
