//! `brand` and `notice` in site.yaml on the built pages (tests/fixtures/branded): the logo
//! with its text alternative and its link, the accent colour's style sheet, the favicon,
//! the footer text, the notice, and `static/custom.css` linked last; and the refusals: too
//! little contrast (with the ratio measured), a missing logo, a colour YAML read as a
//! comment.

use crate::common::*;

/// The `<head>`'s style sheets, in order.
fn stylesheets(html: &str) -> Vec<&str> {
    html.split("<link rel=\"stylesheet\" href=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect()
}

#[test]
fn the_brand_is_on_every_page() {
    let site = Site::fixture("branded");
    site.build().success();
    let pages = [
        ("index.html", ""),
        ("history/index.html", "../"),
        ("components/mail/index.html", "../../"),
        (
            "incidents/2026-11-20-lenteurs-messagerie/index.html",
            "../../",
        ),
    ];
    for (page, root) in pages {
        let html = site.read(&format!("public/{page}"));
        assert!(
            html.contains(&format!(
                "<a class=\"brand-logo\" href=\"https://www.example.fr/\">\n<picture>\n\
                 <source srcset=\"{root}logo-dark.svg\" media=\"(prefers-color-scheme: dark)\">\n\
                 <img src=\"{root}logo.svg\" alt=\"FranceServ\">"
            )),
            "{page}: no logo"
        );
        // The theme's style sheet, the accent's, then the site's own, last.
        assert_eq!(
            stylesheets(&html),
            [
                format!("{root}assets/style.css"),
                format!("{root}assets/brand.css"),
                format!("{root}custom.css"),
            ],
            "{page}"
        );
        assert!(html.contains(&format!(
            "<link rel=\"icon\" href=\"{root}favicon.png\" type=\"image/png\">"
        )));
        assert!(html.contains(
            "<div class=\"brand-footer\"><p>FranceServ SAS — <a href=\"https://www.example.fr/mentions\" rel=\"noopener noreferrer nofollow\">mentions légales</a></p>"
        ), "{page}: no footer");
        assert!(html.contains(
            "<div class=\"site-notice\" role=\"note\"><p>Notre numéro d'assistance change le 1er décembre : <strong>01 23 45 67 89</strong>.</p>"
        ), "{page}: no notice");
        // No inline style: a strict Content-Security-Policy holds.
        assert!(!html.contains("style=") && !html.contains("<style"));
    }
    let css = site.read("public/assets/brand.css");
    assert!(
        css.contains(":root { --accent: #0b5cad; --link: #0b5cad; }"),
        "{css}"
    );
    assert!(css.contains(
        "@media (prefers-color-scheme: dark) {\n  :root { --accent: #7fb4ff; --link: #7fb4ff; }"
    ));
    assert_eq!(
        site.read("public/custom.css"),
        site.read("static/custom.css")
    );
    // The theme's style sheet uses the accent for the header.
    assert!(site
        .read("public/assets/style.css")
        .contains("var(--accent, transparent)"));
}

#[test]
fn without_a_brand_the_pages_link_no_brand_style_sheet() {
    let site = Site::fixture("ongoing");
    site.build().success();
    let html = site.read("public/index.html");
    assert_eq!(stylesheets(&html), ["assets/style.css"]);
    assert!(!site.path("public/assets/brand.css").exists());
    assert!(!html.contains("brand-logo") && !html.contains("site-notice"));
}

/// The branded fixture with `brand:`'s lines replaced by `brand`.
fn with_brand(brand: &str) -> Site {
    let site = Site::fixture("branded");
    let yaml = site.read("site.yaml");
    let start = yaml.find("brand:\n").unwrap();
    let end = yaml.find("notice:").unwrap();
    site.write(
        "site.yaml",
        &format!("{}{brand}{}", &yaml[..start], &yaml[end..]),
    );
    site
}

#[test]
fn a_low_contrast_accent_is_refused_with_its_ratio() {
    let site = with_brand("brand:\n  accent: \"#7fb4ff\"\n  accent_dark: \"#0b5cad\"\n");
    let run = site.build();
    run.failure(1);
    assert_eq!(
        run.stderr,
        "site.yaml:13:11: error: `brand.accent` #7fb4ff has a contrast of 1.98:1 against the theme's light background #f5f7f9: WCAG AA needs 4.5:1
   |
13 |   accent: \"#7fb4ff\"
   |           ^^^^^^^^^
   = help: links and the header are written in this colour, and too light a colour is hard to read: choose a darker one, e.g. `accent: \"#5173a3\"` (4.51:1)

site.yaml:14:16: error: `brand.accent_dark` #0b5cad has a contrast of 2.40:1 against the theme's dark background #1d2228: WCAG AA needs 4.5:1
   |
14 |   accent_dark: \"#0b5cad\"
   |                ^^^^^^^^^
   = help: in the dark colour scheme, links and the header are written in this colour: choose a lighter one, e.g. `accent_dark: \"#548dc6\"` (4.57:1)

2 errors in 1 file
"
    );
    assert!(!site.path("public").exists());
}

#[test]
fn without_accent_dark_a_lighter_shade_is_derived_and_named() {
    let site = with_brand("brand:\n  accent: \"#0b5cad\"\n");
    let run = site.build();
    run.success();
    assert!(run.stderr.starts_with(
        "site.yaml:13:11: warning: `brand.accent` #0b5cad has a contrast of 2.40:1 against the theme's dark background #1d2228: the dark colour scheme uses "
    ), "{}", run.stderr);
    let css = site.read("public/assets/brand.css");
    let dark = css
        .split("prefers-color-scheme: dark")
        .nth(1)
        .and_then(|d| d.split("--accent: ").nth(1))
        .map(|d| &d[..7])
        .unwrap();
    assert!(
        run.stderr
            .contains(&format!("write `accent_dark: \"{dark}\"`")),
        "{}",
        run.stderr
    );
    assert_ne!(dark, "#0b5cad");
}

#[test]
fn brand_files_and_values_are_checked() {
    let site = with_brand(
        "brand:\n  logo: static/missing.svg\n  url: www.example.fr\n  accent: #0b5cad\n  favicon: ../favicon.png\n  footer: \"# Title\"\n",
    );
    let run = site.vigie(&["check", "--now", NOW]);
    run.failure(1);
    let messages: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .map(|l| l.split(": error: ").nth(1).unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`brand.logo`: there is no file `static/missing.svg`",
            "`brand.favicon` must be a file under `static/`, not `../favicon.png`",
            "`brand.logo` has no text alternative",
            "`brand.url` must be an absolute http(s) URL, not `www.example.fr`",
            "`brand.accent` is empty",
            "`brand.footer` holds a heading",
        ],
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("without them, YAML reads what follows `#` as a comment"));
}
