//! What other sites embed: the shields.io endpoint JSON (checked against the endpoint
//! badge's schema), `embed.js`, the iframe page `embed/`, and the policy every page carries
//! (the Content-Security-Policy `<meta>` and `_headers`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::*;

/// The keys shields.io's endpoint badge reads, with the JSON type each must have
/// (https://shields.io/badges/endpoint-badge): the first four are required.
const REQUIRED: [(&str, &str); 4] = [
    ("schemaVersion", "number"),
    ("label", "string"),
    ("message", "string"),
    ("color", "string"),
];
const OPTIONAL: [(&str, &str); 8] = [
    ("labelColor", "string"),
    ("isError", "boolean"),
    ("namedLogo", "string"),
    ("logoSvg", "string"),
    ("logoColor", "string"),
    ("logoWidth", "number"),
    ("style", "string"),
    ("cacheSeconds", "number"),
];

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The problems of `badge` against the endpoint schema: required keys and their types,
/// no unknown key, `schemaVersion` 1, a non-empty message, a colour shields.io reads (hex
/// without `#`), `cacheSeconds` at least shields.io's minimum of 300.
fn schema_problems(badge: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(object) = badge.as_object() else {
        return vec![format!("not an object: {badge}")];
    };
    for (key, kind) in REQUIRED {
        match object.get(key) {
            None => problems.push(format!("`{key}` is missing")),
            Some(v) if type_of(v) != kind => problems.push(format!("`{key}` is not a {kind}")),
            Some(_) => {}
        }
    }
    for (key, value) in object {
        match REQUIRED.iter().chain(&OPTIONAL).find(|(k, _)| k == key) {
            None => problems.push(format!("unknown key `{key}`")),
            Some((_, kind)) if type_of(value) != *kind => {
                problems.push(format!("`{key}` is not a {kind}"))
            }
            Some(_) => {}
        }
    }
    if badge["schemaVersion"] != 1 {
        problems.push("`schemaVersion` is not 1".into());
    }
    if badge["message"]
        .as_str()
        .is_some_and(|m| m.trim().is_empty())
    {
        problems.push("`message` is empty".into());
    }
    let hex = |c: &str| (c.len() == 3 || c.len() == 6) && c.chars().all(|c| c.is_ascii_hexdigit());
    if !badge["color"].as_str().is_some_and(hex) {
        problems.push(format!("`color` {} is not hexadecimal", badge["color"]));
    }
    if let Some(s) = badge.get("cacheSeconds") {
        if s.as_u64().is_none_or(|s| s < 300) {
            problems.push(format!("`cacheSeconds` {s} is under 300"));
        }
    }
    problems
}

fn json(site: &Site, rel: &str) -> Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn built(fixture: &str) -> Site {
    let site = Site::fixture(fixture);
    site.build().success();
    site
}

/// A site with two components and no incident: all is well.
fn quiet() -> Site {
    let site = Site::empty();
    site.write(
        "site.yaml",
        "title: Calme\nbase_url: https://status.calme.test/\nlanguage: fr\ntimezone: Europe/Paris\n\
         components:\n  - id: mail\n    name: Messagerie\n  - id: web\n    name: Hébergement web\n",
    );
    site.write("incidents/.keep", "");
    site.build().success();
    site
}

#[test]
fn the_shields_endpoints_follow_the_schema_and_say_what_the_api_says() {
    let site = built("ongoing");
    let words = BTreeMap::from([
        ("operational", "Operational"),
        ("degraded_performance", "Degraded performance"),
        ("partial_outage", "Partial outage"),
        ("major_outage", "Major outage"),
        ("under_maintenance", "Maintenance"),
    ]);
    let overall = json(&site, "public/api/shields.json");
    assert_eq!(schema_problems(&overall), Vec::<String>::new());
    assert_eq!(overall["label"], "Status");
    assert_eq!(overall["message"], "Partial outage");
    assert_eq!(overall["color"], "a84300");
    let components = json(&site, "public/api/v2/components.json");
    let mut seen = 0;
    for c in components["components"].as_array().unwrap() {
        if c["group"] == true {
            continue;
        }
        let id = c["id"].as_str().unwrap();
        let badge = json(&site, &format!("public/api/shields/{id}.json"));
        assert_eq!(schema_problems(&badge), Vec::<String>::new(), "{id}");
        assert_eq!(badge["label"], c["name"], "{id}");
        assert_eq!(
            badge["message"],
            words[c["status"].as_str().unwrap()],
            "{id}"
        );
        seen += 1;
    }
    assert_eq!(seen, 4);
    let files = std::fs::read_dir(site.path("public/api/shields"))
        .unwrap()
        .count();
    assert_eq!(files, seen, "one endpoint per component, none for a group");
}

#[test]
fn the_schema_check_catches_what_shields_would_refuse() {
    let bad = serde_json::json!({"schemaVersion": 2, "label": 3, "color": "#zz", "logo": "x"});
    let problems = schema_problems(&bad);
    for p in [
        "`message` is missing",
        "`label` is not a string",
        "unknown key `logo`",
        "`schemaVersion` is not 1",
        "`color` \"#zz\" is not hexadecimal",
    ] {
        assert!(problems.iter().any(|q| q == p), "{p} in {problems:?}");
    }
}

#[test]
fn the_shields_endpoints_speak_the_sites_language() {
    let site = quiet();
    let overall = json(&site, "public/api/shields.json");
    assert_eq!(schema_problems(&overall), Vec::<String>::new());
    assert_eq!(
        (&overall["label"], &overall["message"], &overall["color"]),
        (
            &Value::from("État"),
            &Value::from("Opérationnel"),
            &Value::from("1a7345")
        )
    );
    assert_eq!(
        json(&site, "public/api/shields/web.json")["label"],
        "Hébergement web"
    );
}

#[test]
fn embed_js_carries_the_words_and_the_sites_language() {
    let site = quiet();
    let js = site.read("public/embed.js");
    assert!(js.len() < 10 * 1024, "{} bytes", js.len());
    assert!(!js.contains("var DATA = {};"));
    assert!(js.contains(r#"var DATA = {"lang":"fr","words":{"en":"#));
    assert!(js.contains("\"heading\":\"État des services\""));
    assert!(js.contains("api/v2/summary.json"));
    // Nothing but the status site: no other address, no cookie.
    assert!(!js.contains("document.cookie"));
    for (at, _) in js.match_indices("://") {
        assert!(
            js[at..].starts_with("://status.example.fr/embed.js"),
            "only the comment's example address: {}",
            &js[at.saturating_sub(20)..at + 40]
        );
    }
}

#[test]
fn the_iframe_page_shows_the_status_and_the_ongoing_incidents() {
    let site = built("ongoing");
    let html = site.read("public/embed/index.html");
    assert!(html.contains(r#"<p class="overall sev-partial-outage">"#));
    assert!(html.contains(
        r#"<a href="../incidents/2026-11-25-api-errors/index.html" target="_blank" rel="noopener">Elevated API error rates</a>"#
    ));
    assert!(site
        .path("public/incidents/2026-11-25-api-errors/index.html")
        .is_file());
    assert!(
        html.contains("Storage cluster upgrade"),
        "the coming maintenance"
    );
    assert!(html.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(!html.contains("<script"));
    assert!(site
        .read("public/assets/embed.css")
        .contains("prefers-color-scheme: dark"));
    assert!(!site.read("public/sitemap.xml").contains("embed/"));

    let quiet = quiet();
    let html = quiet.read("public/embed/index.html");
    assert!(html.contains("Tous les services fonctionnent normalement"));
    assert!(!html.contains("<ul>"), "no list when all is well");
}

/// Every HTML page of a build: its path and text.
fn pages(site: &Site) -> Vec<(String, String)> {
    let out = site.path("public");
    walkdir::WalkDir::new(&out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(&out).unwrap().display().to_string();
            (rel, std::fs::read_to_string(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn every_page_carries_the_policy_and_nothing_it_forbids() {
    // The example with its groups folded: the front page draws its components' days as
    // gradients in style attributes.
    let folded = Site::example();
    let yaml = folded.read("site.yaml");
    folded.write("site.yaml", &format!("{yaml}collapse_groups: always\n"));
    folded.build().success();
    let front = folded.read("public/index.html");
    // Six of its seven components are in groups (the seventh has none, and never folds).
    assert_eq!(front.matches(r#"<div class="strip""#).count(), 6, "{front}");
    for site in [built("ongoing"), built("hostile"), built("branded"), folded] {
        let pages = pages(&site);
        assert!(pages.len() > 5);
        for (path, html) in &pages {
            let head = &html[..html.find("</head>").unwrap()];
            let meta = head
                .find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline';")
                .unwrap_or_else(|| panic!("{path}: no policy"));
            // Before anything it governs.
            assert!(
                !head[..meta].contains("<link") && !head[..meta].contains("<script"),
                "{path}"
            );
            assert!(!html.contains("<style"), "{path}: a <style> element");
            for tag in html.match_indices("<script").map(|(i, _)| &html[i..]) {
                let tag = &tag[..tag.find("</script>").unwrap()];
                assert!(
                    tag.contains(" src=\"") && tag.ends_with('>'),
                    "{path}: {tag}"
                );
            }
            // Event handlers and javascript: links are what script-src 'self' would block:
            // none in any tag (texts that merely mention them are escaped, outside tags).
            for tag in html
                .split('<')
                .skip(1)
                .map(|t| &t[..t.find('>').unwrap_or(t.len())])
            {
                if !tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    continue;
                }
                let lower = tag.to_ascii_lowercase();
                // The tag without its quoted values: its names.
                let names: String = lower.split('"').step_by(2).collect::<Vec<_>>().join(" ");
                let handler = names
                    .split_whitespace()
                    .any(|a| a.starts_with("on") && a.contains('='));
                assert!(!handler, "{path}: <{tag}>");
                assert!(!lower.contains("=\"javascript:"), "{path}: <{tag}>");
            }
            // Style attributes, which style-src-attr allows: a table column's alignment, and
            // the front page's one-element drawings of the days, made of the theme's colours
            // and numbers only.
            for (at, _) in html.match_indices(" style=\"") {
                let value = &html[at + 8..];
                let value = &value[..value.find('"').unwrap()];
                let drawing = html[..at].rfind('<').is_some_and(|t| {
                    html[t..at].starts_with("<div class=\"strip\" role=\"img\" title=\"")
                });
                let theme_colours = value.strip_prefix("background:").is_some_and(|v| {
                    v.replace("var(--", "")
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-.,%#() ".contains(c))
                });
                assert!(
                    value.starts_with("text-align:") || (drawing && theme_colours),
                    "{path}: style=\"{value}\""
                );
            }
        }
    }
}

#[test]
fn headers_let_other_sites_read_the_json_and_frame_only_the_embed_page() {
    let site = built("ongoing");
    let rules = site.read("public/_headers");
    let mut by_path: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut current = "";
    for line in rules.lines().filter(|l| !l.starts_with('#')) {
        if let Some(header) = line.strip_prefix("  ") {
            by_path.entry(current).or_default().push(header);
        } else {
            current = line;
        }
    }
    assert_eq!(by_path["/api/*"], ["Access-Control-Allow-Origin: *"]);
    assert_eq!(by_path["/embed.js"], ["Access-Control-Allow-Origin: *"]);
    assert!(by_path["/embed/*"][0].ends_with("; frame-ancestors *"));
    // Each page (but embed/) under exactly one rule that forbids framing, as Netlify and
    // Cloudflare Pages match them.
    let matches = |rule: &str, url: &str| match rule.strip_suffix('*') {
        Some(prefix) => url.starts_with(prefix),
        None => rule == url,
    };
    for (path, _) in pages(&site) {
        // A page is asked for at its file's address and at its folder's.
        let file = format!("/{path}");
        let folder = file.strip_suffix("index.html").unwrap_or(&file).to_string();
        for url in [file.clone(), folder] {
            let csp: Vec<&&str> = by_path
                .iter()
                .filter(|(rule, _)| matches(rule, &url))
                .flat_map(|(_, headers)| headers)
                .filter(|h| h.starts_with("Content-Security-Policy:"))
                .collect();
            assert_eq!(csp.len(), 1, "{url}: {csp:?}");
            if path == "embed/index.html" {
                assert!(csp[0].ends_with("; frame-ancestors *"), "{url}");
            } else {
                assert!(csp[0].ends_with("; frame-ancestors 'none'"), "{url}");
            }
        }
    }
}

#[test]
fn a_sites_own_headers_file_is_kept() {
    let site = Site::fixture("ongoing");
    site.write("static/_headers", "/*\n  X-Mine: yes\n");
    site.build().success();
    assert_eq!(site.read("public/_headers"), "/*\n  X-Mine: yes\n");
}

/// The ```nginx block of docs/embed.md.
fn embed_nginx_lines() -> String {
    let doc = std::fs::read_to_string(repo().join("docs/embed.md")).unwrap();
    let start = doc
        .find("```nginx\n")
        .expect("no nginx block in docs/embed.md")
        + 9;
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

#[test]
fn the_nginx_lines_of_the_embed_page_send_the_headers_of_headers_file() {
    use crate::deploy::{header, request, run_nginx};
    let site = built("ongoing");
    let (_server, port) = run_nginx(&site, |port, public| {
        format!(
            "server {{\n    listen 127.0.0.1:{port};\n    root {};\n    index index.html;\n{}\n}}",
            public.display(),
            embed_nginx_lines()
        )
    });
    let rules = site.read("public/_headers");
    // What `_headers` sends for a path, one header.
    let expected = |rule: &str, name: &str| -> String {
        let at = rules.find(&format!("\n{rule}\n")).unwrap() + rule.len() + 2;
        rules[at..]
            .lines()
            .take_while(|l| l.starts_with("  "))
            .find_map(|l| l.trim().strip_prefix(&format!("{name}: ")))
            .unwrap()
            .to_string()
    };
    let csp = "content-security-policy";
    let (status, h, _) = request(port, "GET", "/");
    assert!(status.ends_with("200 OK"), "{status}");
    let policy = expected("/", "Content-Security-Policy");
    assert_eq!(header(&h, csp), Some(policy.as_str()));
    assert_eq!(header(&h, "x-frame-options"), Some("DENY"));
    let (_, h, _) = request(port, "GET", "/incidents/2026-11-25-api-errors/");
    assert_eq!(header(&h, csp), Some(policy.as_str()));
    let (status, h, _) = request(port, "GET", "/embed/");
    assert!(status.ends_with("200 OK"), "{status}");
    let framed = expected("/embed/*", "Content-Security-Policy");
    assert_eq!(header(&h, csp), Some(framed.as_str()));
    assert_eq!(header(&h, "x-frame-options"), None);
    readable_from_anywhere(
        port,
        &["/embed.js", "/api/v2/summary.json", "/api/shields.json"],
    );
}

/// Apache's binary, where Debian puts it.
fn apache() -> std::path::PathBuf {
    let path = std::path::PathBuf::from("/usr/sbin/apache2");
    assert!(
        path.is_file(),
        "Apache is needed for this test: `apt-get install apache2-bin` (tests/run installs it)"
    );
    path
}

/// The ```apache block of docs/embed.md.
fn embed_apache_lines() -> String {
    let doc = std::fs::read_to_string(repo().join("docs/embed.md")).unwrap();
    let start = doc
        .find("```apache\n")
        .expect("no apache block in docs/embed.md")
        + 10;
    let end = start + doc[start..].find("```").unwrap();
    doc[start..end].to_string()
}

/// Apache running in the foreground; stopped when dropped, by SIGTERM, on which it stops
/// its workers too (a SIGKILL would leave them running).
struct Apache(std::process::Child);

impl Drop for Apache {
    fn drop(&mut self) {
        let pid = self.0.id() as libc::pid_t;
        // SAFETY: `pid` is this test's own child, not yet waited for.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let _ = self.0.wait();
    }
}

#[test]
fn the_apache_lines_of_the_embed_page_send_the_headers_of_headers_file() {
    use crate::deploy::{header, request};
    use std::os::unix::fs::PermissionsExt;
    let apache = apache();
    let site = built("ongoing");
    // Apache's workers run as another user: they must reach the build.
    std::fs::set_permissions(site.root(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let public = site.path("public");
    let run = site.path("apache");
    std::fs::create_dir_all(&run).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let modules = "/usr/lib/apache2/modules";
    let conf = format!(
        "ServerRoot {run}\nListen 127.0.0.1:{port}\nServerName 127.0.0.1\nPidFile {run}/httpd.pid\n\
         ErrorLog {run}/error.log\nLogLevel warn\n\
         LoadModule mpm_event_module {modules}/mod_mpm_event.so\n\
         LoadModule authz_core_module {modules}/mod_authz_core.so\n\
         LoadModule mime_module {modules}/mod_mime.so\n\
         LoadModule dir_module {modules}/mod_dir.so\n\
         LoadModule headers_module {modules}/mod_headers.so\n\
         TypesConfig /etc/mime.types\nDirectoryIndex index.html\nDocumentRoot {public}\n\
         <Directory {public}>\n    Require all granted\n</Directory>\n{}\n",
        embed_apache_lines(),
        run = run.display(),
        public = public.display(),
    );
    let conf_path = run.join("httpd.conf");
    std::fs::write(&conf_path, &conf).unwrap();
    let test = std::process::Command::new(&apache)
        .arg("-t")
        .arg("-f")
        .arg(&conf_path)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "apache2 -t refuses the lines:\n{}\n{conf}",
        String::from_utf8_lossy(&test.stderr)
    );
    let _server = Apache(
        std::process::Command::new(&apache)
            .args(["-DFOREGROUND", "-f"])
            .arg(&conf_path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "apache did not start: {}",
            std::fs::read_to_string(run.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    let policy = vigie::render::headers::framed_by_none();
    let framed = format!("{}; frame-ancestors *", vigie::render::headers::META_POLICY);
    let csp = "content-security-policy";
    for path in ["/", "/incidents/2026-11-25-api-errors/", "/history/"] {
        let (status, h, _) = request(port, "GET", path);
        assert!(status.ends_with("200 OK"), "{path}: {status}");
        assert_eq!(header(&h, csp), Some(policy.as_str()), "{path}");
        assert_eq!(header(&h, "x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(header(&h, "access-control-allow-origin"), None, "{path}");
    }
    let (status, h, _) = request(port, "GET", "/embed/");
    assert!(status.ends_with("200 OK"), "{status}");
    assert_eq!(header(&h, csp), Some(framed.as_str()));
    assert_eq!(header(&h, "x-frame-options"), None);
    readable_from_anywhere(
        port,
        &["/embed.js", "/api/v2/summary.json", "/api/shields/api.json"],
    );
}

/// Each of `paths`, served on `port`, may be read by any origin and is never sniffed.
fn readable_from_anywhere(port: u16, paths: &[&str]) {
    use crate::deploy::{header, request};
    for path in paths {
        let (status, h, _) = request(port, "GET", path);
        assert!(status.ends_with("200 OK"), "{path}: {status}");
        assert_eq!(
            header(&h, "access-control-allow-origin"),
            Some("*"),
            "{path}"
        );
        assert_eq!(
            header(&h, "x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
}
