//! Bad input: every error reads like a compiler's, and the exact text is part of the
//! interface (issue #3). Each case writes one broken file into the `errors` fixture and pins
//! vigie's diagnostics with a snapshot.

use std::fs;

use crate::common::*;

/// Builds the `errors` fixture with `files` added and returns the diagnostics (exit 1).
fn diagnostics(files: &[(&str, &[u8])]) -> String {
    let site = Site::fixture("errors");
    for (path, bytes) in files {
        let p = site.path(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    let run = site.build();
    run.failure(1);
    assert!(
        !site.path("public").exists(),
        "a failed build writes nothing"
    );
    run.stderr_in(&site)
}

fn incident(text: &str) -> String {
    diagnostics(&[("incidents/2020-02-02-broken.md", text.as_bytes())])
}

macro_rules! bad_input {
    ($name:ident, $text:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), incident($text));
        }
    };
}

bad_input!(
    no_closing_fence,
    "---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: degraded\n\nThe text.\n"
);
bad_input!(no_opening_fence, "title: Broken\nstart: 2020-02-02 10:00\n");
bad_input!(
    yaml_syntax_error,
    "---\ntitle: Broken: really\nstart: 2020-02-02 10:00\nseverity: degraded\n---\n"
);
bad_input!(
    yaml_bad_indentation,
    "---\ntitle: Broken\nupdates:\n  - at: 2020-02-02 10:00\n   body: x\n---\n"
);
bad_input!(
    front_matter_not_a_mapping,
    "---\n- title\n- start\n---\nText.\n"
);
bad_input!(
    missing_title_and_start,
    "---\nseverity: degraded\n---\nText.\n"
);
bad_input!(
    unknown_key,
    "---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: degraded\ncomponent: [web]\n---\n"
);
bad_input!(unknown_key_in_an_update, "---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: degraded\nupdates:\n  - at: 2020-02-02 11:00\n    bdy: Oops\n---\n");
bad_input!(
    unknown_severity,
    "---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: major\n---\n"
);
bad_input!(unknown_update_status, "---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: degraded\nupdates:\n  - at: 2020-02-02 11:00\n    status: fixed\n    body: Done.\n---\n");
bad_input!(unknown_component, "---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: degraded\ncomponents: [web, dsn]\n---\n");
bad_input!(unknown_component_in_a_mapping, "---\ntitle: Broken\nstart: 2020-02-02 10:00\ncomponents:\n  web: degraded\n  mial: partial-outage\n---\n");
bad_input!(
    impossible_date,
    "---\ntitle: Broken\nstart: 2020-02-30 10:00\nseverity: degraded\n---\n"
);
bad_input!(
    not_a_date,
    "---\ntitle: Broken\nstart: yesterday evening\nseverity: degraded\n---\n"
);
bad_input!(
    time_in_the_spring_gap,
    "---\ntitle: Broken\nstart: 2020-03-29 02:30\nseverity: degraded\n---\n"
);
bad_input!(
    time_in_the_autumn_overlap,
    "---\ntitle: Broken\nstart: 2020-10-25 02:30\nseverity: degraded\n---\n"
);
bad_input!(
    end_before_start,
    "---\ntitle: Broken\nstart: 2020-02-02 10:00\nend: 2020-02-02 09:00\nseverity: degraded\n---\n"
);
bad_input!(update_without_at, "---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: degraded\nupdates:\n  - status: resolved\n    body: Done.\n---\n");
bad_input!(empty_file, "");
// Irregular YAML is reported where the parser finds it, in its words (issue #12).
bad_input!(
    yaml_value_continued_on_an_indented_line,
    "---\ntitle: Broken\nstart: 2025-01-10 10:00\n  heure de Paris\nseverity: degraded\n---\n"
);
bad_input!(
    yaml_duplicate_key,
    "---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: degraded\ntitle: Broken again\n---\n"
);
bad_input!(
    yaml_line_indented_by_mistake,
    "---\ntitle: Broken\nstart: 2025-01-10 10:00\n  severity: degraded\n---\n"
);
bad_input!(
    yaml_unclosed_bracket,
    "---\ntitle: Broken\nseverity: [degraded\nstart: 2020-02-02 10:00\n---\n"
);
// Characters HTML and XML forbid, written as YAML escapes or as they are, and line breaks in
// a title: the pages could not carry them.
bad_input!(
    control_character_in_the_title,
    "---\ntitle: \"Panne\\x01 réseau\"\nstart: 2020-02-02 10:00\nseverity: degraded\n---\n"
);
bad_input!(
    line_break_in_the_title,
    "---\ntitle: \"Panne\\nréseau\"\nstart: 2020-02-02 10:00\nseverity: degraded\n---\n"
);
bad_input!(
    noncharacter_in_the_author,
    "---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: degraded\nauthor: Élodie\u{FDD0}\n---\n"
);
bad_input!(
    control_character_in_an_updates_author,
    "---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: degraded\nupdates:\n  - at: 2020-02-02 11:00\n    author: \"Lee\\x01\"\n    body: Fixed.\n---\n"
);
/// A billion laughs: nine levels of ten aliases each, used where a list is expected.
fn alias_bomb_text() -> String {
    let mut text = String::from("---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: degraded\ncomponents:\n  - &l0 [web, web, web, web, web, web, web, web, web, web]\n");
    for level in 1..9 {
        let prev = format!("*l{}", level - 1);
        text.push_str(&format!(
            "  - &l{level} [{}]\n",
            [prev.as_str(); 10].join(", ")
        ));
    }
    text.push_str("updates: [*l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8, *l8]\n---\n");
    text
}

#[test]
fn alias_bomb() {
    let out = incident(&alias_bomb_text());
    #[cfg(unix)]
    {
        // The largest child this test process has waited for, in kilobytes.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: getrusage fills the struct it is given.
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
        assert!(
            usage.ru_maxrss < 400 * 1024,
            "memory stayed small: {} kB",
            usage.ru_maxrss
        );
    }
    insta::assert_snapshot!("alias_bomb", out);
}

#[test]
fn not_utf8() {
    insta::assert_snapshot!(diagnostics(&[(
        "incidents/2020-02-02-latin1.md",
        b"---\ntitle: Panne r\xe9seau\nstart: 2020-02-02 10:00\nseverity: degraded\n---\n",
    )]));
}

#[test]
fn two_files_with_the_same_id() {
    insta::assert_snapshot!(diagnostics(&[
        (
            "incidents/2020/2020-01-01-Fine.md",
            b"---\ntitle: Twin\nstart: 2020-01-01 10:00\nseverity: notice\n---\n"
        ),
        (
            "incidents/2020-01-01-fïne.md",
            b"---\ntitle: Twin\nstart: 2020-01-01 10:00\nseverity: notice\n---\n"
        ),
    ]));
}

#[test]
fn an_id_that_is_empty_once_folded() {
    insta::assert_snapshot!(diagnostics(&[(
        "incidents/---.md",
        b"---\ntitle: x\nstart: 2020-01-01 10:00\nseverity: notice\n---\n"
    )]));
}

#[test]
fn every_error_of_a_run_is_reported_with_a_count() {
    let out = diagnostics(&[
        (
            "incidents/a.md",
            b"---\ntitle: A\nstart: 2020-02-02 10:00\nseverity: major\n---\n",
        ),
        (
            "incidents/b.md",
            b"---\nstart: 2020-02-02 10:00\nseverity: degraded\ncomponents: [dsn]\n---\n",
        ),
    ]);
    assert!(out.ends_with("3 errors in 2 files\n"), "{out}");
    insta::assert_snapshot!(out);
}

fn site_yaml(text: &str) -> String {
    diagnostics(&[("site.yaml", text.as_bytes())])
}

const SITE: &str = "title: T\nbase_url: https://status.example.test/\ntimezone: Europe/Paris\ncomponents:\n  - id: web\n    name: Web\n  - id: mail\n    name: Mail\n  - id: dns\n    name: DNS\n";

#[test]
fn site_yaml_with_a_bad_time_zone() {
    insta::assert_snapshot!(site_yaml(&SITE.replace("Europe/Paris", "Europe/Pariss")));
}

#[test]
fn site_yaml_with_a_relative_base_url() {
    insta::assert_snapshot!(site_yaml(
        &SITE.replace("https://status.example.test/", "/status/")
    ));
}

#[test]
fn site_yaml_with_an_unknown_key() {
    insta::assert_snapshot!(site_yaml(&format!("{SITE}langage: fr\n")));
}

#[test]
fn site_yaml_with_duplicate_component_ids() {
    insta::assert_snapshot!(site_yaml(&SITE.replace("id: dns", "id: web")));
}

// The same irregular YAML in site.yaml (issue #12).
#[test]
fn site_yaml_with_a_value_continued_on_an_indented_line() {
    insta::assert_snapshot!(site_yaml(
        &SITE.replace("Europe/Paris", "Europe/Paris\n  (heure de Paris)")
    ));
}

#[test]
fn site_yaml_with_a_duplicate_key() {
    insta::assert_snapshot!(site_yaml(&format!("{SITE}title: Other\n")));
}

#[test]
fn site_yaml_with_a_line_indented_by_mistake() {
    insta::assert_snapshot!(site_yaml(&SITE.replace("timezone:", "  timezone:")));
}

#[test]
fn site_yaml_with_an_unclosed_bracket() {
    insta::assert_snapshot!(site_yaml(&SITE.replace("Europe/Paris", "[Europe/Paris")));
}

#[test]
fn site_yaml_with_a_control_character_in_a_component_name() {
    insta::assert_snapshot!(site_yaml(&SITE.replace("name: Mail", "name: \"Mail\\a\"")));
}

#[test]
fn site_yaml_with_a_line_break_in_the_title() {
    insta::assert_snapshot!(site_yaml(
        &SITE.replace("title: T", "title: |\n  Status\n  page")
    ));
}

#[test]
fn site_yaml_missing() {
    let site = Site::empty();
    let run = site.build();
    run.failure(1);
    insta::assert_snapshot!(run.stderr_in(&site));
}

#[test]
fn errors_are_coloured_only_on_a_terminal() {
    let out = incident("---\ntitle: Broken\nstart: 2020-02-02 10:00\nseverity: major\n---\n");
    assert!(!out.contains('\x1b'), "piped output is plain");
}

#[test]
fn a_failed_build_leaves_the_output_as_it_was() {
    let site = Site::fixture("errors");
    site.build().success();
    let before = snapshot_tree(&site.path("public"));
    site.write(
        "incidents/2020-01-01-fine.md",
        "---\ntitle: Broken\nstart: 2020-13-01 10:00\n---\n",
    );
    site.vigie(&["build", "--now", "2030-01-01T00:00:00Z"])
        .failure(1);
    assert!(
        snapshot_tree(&site.path("public")) == before,
        "public/ must not change"
    );
}

#[test]
fn a_ten_megabyte_incident_builds() {
    let site = Site::fixture("errors");
    let paragraph =
        "Une ligne de texte avec **du gras**, un [lien](https://example.fr) et `du code`.\n\n";
    let body = paragraph.repeat(10 * 1024 * 1024 / paragraph.len() + 1);
    site.write(
        "incidents/2020-03-03-huge.md",
        &format!("---\ntitle: Huge\nstart: 2020-03-03 10:00\nseverity: notice\n---\n{body}"),
    );
    site.build().success();
    assert!(
        fs::metadata(site.path("public/incidents/2020-03-03-huge/index.html"))
            .unwrap()
            .len()
            > 10_000_000
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_an_error_not_a_hang() {
    let site = Site::fixture("errors");
    std::os::unix::fs::symlink("..", site.path("incidents/loop")).unwrap();
    let run = site.build();
    run.failure(1);
    insta::assert_snapshot!(run.stderr_in(&site));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_a_clear_error() {
    let site = Site::fixture("errors");
    // A dangling link cannot be read by anyone, root included.
    std::os::unix::fs::symlink("nowhere.md", site.path("incidents/2020-04-04-gone.md")).unwrap();
    let run = site.build();
    run.failure(1);
    insta::assert_snapshot!(run.stderr_in(&site));
}

#[test]
fn markup_in_titles_and_fields_is_escaped_everywhere() {
    let site = Site::fixture("errors");
    site.write(
        "incidents/2020-05-05-xss.md",
        "---\ntitle: \"<script>alert('t')</script> & co\"\nstart: 2020-05-05 10:00\nend: 2020-05-05 11:00\nseverity: degraded\nauthor: \"<b onmouseover=alert(1)>x</b>\"\n---\n\
         <script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)\n\n\
         <iframe src=\"https://evil.test\"></iframe><div style=\"position:fixed;inset:0\">over</div>\n",
    );
    site.build().success();
    for page in [
        "public/incidents/2020-05-05-xss/index.html",
        "public/index.html",
        "public/history/2020/index.html",
        "public/feed.xml",
    ] {
        let text = without_theme_script(&site.read(page));
        let lower = text.to_lowercase();
        // Markup that would run or overlay: as tags or attributes, never as escaped text.
        for bad in [
            "<script",
            "<iframe",
            "<b onmouseover",
            "onerror=",
            "href=\"javascript:",
            "href=\"data:",
            "src=\"data:",
            "style=\"position",
        ] {
            assert!(!lower.contains(bad), "`{bad}` reached {page}");
        }
    }
    let page = site.read("public/incidents/2020-05-05-xss/index.html");
    assert!(
        page.contains("<h1>&#60;script&#62;alert(&#39;t&#39;)&#60;/script&#62; &#38; co</h1>"),
        "the title is shown, escaped"
    );
}
