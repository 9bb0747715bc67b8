//! A site in several languages (`tests/fixtures/bilingual`: French by default, English
//! second; one incident left untranslated, one update translated and one not): every page
//! and feed in both languages, the alternates between them, the texts left in French, and
//! the errors of translation files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{Site, NOW};

const BASE: &str = "https://status.exemple.test/";

fn built() -> Site {
    let site = Site::fixture("bilingual");
    site.build().success();
    site
}

/// Every `.html` file under `dir`, relative to it, `/`-separated.
fn pages(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "html") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    let mut rel: Vec<String> = out
        .iter()
        .map(|p| {
            p.strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    rel.sort();
    rel
}

/// The value of attribute `name` in the start tag `tag`.
fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// Every start tag `<name …>` of `html`.
fn tags<'h>(html: &'h str, name: &str) -> Vec<&'h str> {
    let open = format!("<{name} ");
    html.match_indices(&open)
        .map(|(k, _)| &html[k..k + html[k..].find('>').unwrap() + 1])
        .collect()
}

/// The output file of an absolute URL of the site (`…/en/incidents/x/` → `en/incidents/x/index.html`).
fn file_of(url: &str) -> String {
    let rel = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not under {BASE}"));
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// `href` (relative to the page at `page`) resolved to a path of the output.
fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            ".." => {
                assert!(parts.pop().is_some(), "{href} from {page} leaves the site");
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[test]
fn every_page_and_feed_is_built_in_both_languages_and_the_single_files_once() {
    let site = built();
    let out = site.path("public");
    for f in [
        "index.html",
        "history/index.html",
        "incidents/2026-11-20-panne-messagerie/index.html",
        "components/mail/index.html",
        "feed.xml",
        "atom.xml",
        "components/mail/feed.xml",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
        assert!(out.join("en").join(f).is_file(), "en/{f} missing");
    }
    for f in [
        "api",
        "maintenance.ics",
        "404.html",
        "assets",
        "embed.js",
        "badge.svg",
        "sitemap.xml",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
        assert!(!out.join("en").join(f).exists(), "en/{f} should not exist");
    }
    let fr = site.read("public/index.html");
    let en = site.read("public/en/index.html");
    assert!(fr.contains("<html lang=\"fr\">") && en.contains("<html lang=\"en\">"));
    assert!(
        fr.contains("<title>État des services Exemple</title>"),
        "{fr}"
    );
    assert!(en.contains("<title>Exemple service status</title>"), "{en}");
    assert!(fr.contains(">Messagerie<") && en.contains(">Email<"));
    assert!(en.contains("Current status") && fr.contains("État actuel"));
    // The assets and the API stay at the site's root.
    assert!(en.contains("href=\"../assets/style.css\""), "{en}");
    assert!(en.contains("src=\"../assets/live.js\""), "{en}");
    assert!(en.contains("href=\"../api/v2/summary.json\""), "{en}");
    assert!(en.contains("href=\"feed.xml\""), "{en}");
    // Dates in English.
    let page = site.read("public/en/incidents/2026-11-20-panne-messagerie/index.html");
    assert!(
        page.contains("Friday 20 November 2026, 09:10 CET"),
        "{page}"
    );
    assert!(page.contains("2 h 30 min"), "{page}");
    // The contact page given per language.
    assert!(en.contains("https://exemple.test/en/contact") && !fr.contains("/en/contact"));
}

#[test]
fn every_hreflang_link_is_reciprocal_and_resolves_and_the_header_links_to_the_other_language() {
    let site = built();
    let out = site.path("public");
    let all = pages(&out);
    let mut checked = 0;
    for page in &all {
        if page == "404.html" || page == "embed/index.html" {
            continue;
        }
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        let canonical = tags(&html, "link")
            .into_iter()
            .find(|t| attr(t, "rel") == Some("canonical"))
            .and_then(|t| attr(t, "href"))
            .unwrap_or_else(|| panic!("{page} has no canonical link"));
        assert_eq!(file_of(canonical), *page);
        let alternates: BTreeMap<&str, &str> = tags(&html, "link")
            .into_iter()
            .filter(|t| attr(t, "rel") == Some("alternate") && attr(t, "hreflang").is_some())
            .map(|t| (attr(t, "hreflang").unwrap(), attr(t, "href").unwrap()))
            .collect();
        assert_eq!(
            alternates.keys().copied().collect::<Vec<_>>(),
            ["en", "fr", "x-default"],
            "{page}"
        );
        assert_eq!(alternates["x-default"], alternates["fr"], "{page}");
        let own = if page.starts_with("en/") { "en" } else { "fr" };
        assert_eq!(
            alternates[own], canonical,
            "{page}: its own alternate is itself"
        );
        for (lang, url) in &alternates {
            let target = file_of(url);
            let there = std::fs::read_to_string(out.join(&target))
                .unwrap_or_else(|e| panic!("{page}: hreflang={lang} {url} does not resolve: {e}"));
            // The other page links back to this one.
            let back = tags(&there, "link").into_iter().any(|t| {
                attr(t, "rel") == Some("alternate")
                    && attr(t, "hreflang") == Some(own)
                    && attr(t, "href") == Some(canonical)
            });
            assert!(
                back,
                "{target} does not link back to {page} with hreflang={own}"
            );
            checked += 1;
        }
        // The plain link of the header, to the same page in the other language.
        let other = if own == "en" { "fr" } else { "en" };
        let header = &html[..html.find("<main").unwrap()];
        let link = tags(header, "a")
            .into_iter()
            .find(|t| attr(t, "hreflang") == Some(other))
            .unwrap_or_else(|| panic!("{page}: no link to the {other} page in the header"));
        let target = resolve(page, attr(link, "href").unwrap());
        assert_eq!(target, file_of(alternates[other]), "{page}");
        assert!(out.join(&target).is_file(), "{page}: {target} missing");
    }
    assert!(checked > 40, "only {checked} alternates checked");
    // The sitemap lists every page of both languages, each with its alternates.
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    for page in all
        .iter()
        .filter(|p| *p != "404.html" && *p != "embed/index.html")
    {
        let url = format!("{BASE}{}", page.strip_suffix("index.html").unwrap());
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc>")),
            "{url} not in the sitemap"
        );
    }
    assert!(sitemap.contains("<url><loc>https://status.exemple.test/en/incidents/2026-11-05-lenteurs-web/</loc><xhtml:link rel=\"alternate\" hreflang=\"fr\" href=\"https://status.exemple.test/incidents/2026-11-05-lenteurs-web/\"/><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://status.exemple.test/en/incidents/2026-11-05-lenteurs-web/\"/></url>"), "{sitemap}");
}

#[test]
fn feedparser_reads_the_feeds_of_both_languages() {
    let site = built();
    for (file, lang, title, link) in [
        ("feed.xml", "fr", "Messagerie lente", BASE.to_string()),
        ("en/feed.xml", "en", "Slow email", format!("{BASE}en/")),
        ("en/atom.xml", "en", "Slow email", format!("{BASE}en/")),
        (
            "en/components/mail/feed.xml",
            "en",
            "Slow email",
            format!("{BASE}en/components/mail/"),
        ),
    ] {
        let d = crate::feeds::feedparser(&site.path(&format!("public/{file}")));
        assert_eq!(d["bozo"], false, "{file}: {}", d["bozo_exception"]);
        assert_eq!(d["language"], lang, "{file}");
        assert_eq!(d["link"], link.as_str(), "{file}");
        let first = d["entries"][0]["title"].as_str().unwrap();
        assert!(first.starts_with(title), "{file}: {first}");
        for e in d["entries"].as_array().unwrap() {
            let l = e["link"].as_str().unwrap();
            assert_eq!(
                l.starts_with(&format!("{BASE}en/")),
                lang == "en",
                "{file}: {l}"
            );
        }
    }
    // A post left in French is marked in the English feed's HTML, not in the French one.
    let en = site.read("public/en/feed.xml");
    assert!(
        en.contains("&#60;div lang=&#34;fr&#34;&#62;\n&#60;p&#62;Le disque est remplacé"),
        "{en}"
    );
    let fr = site.read("public/feed.xml");
    assert!(!fr.contains("lang=&#34;"), "{fr}");
}

#[test]
fn an_untranslated_incident_shows_its_french_text_marked_on_the_english_page_and_check_warns() {
    let site = built();
    let en = site.read("public/en/incidents/2026-11-05-lenteurs-web/index.html");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(
        en.contains("<h1 lang=\"fr\">Lenteurs de l’hébergement web</h1>"),
        "{en}"
    );
    assert!(
        en.contains("<div class=\"post-body\" lang=\"fr\">\n<p>Les sites répondent lentement."),
        "{en}"
    );
    let front = site.read("public/en/history/index.html");
    assert!(front.contains("<a href=\"../incidents/2026-11-05-lenteurs-web/index.html\" lang=\"fr\">Lenteurs de l’hébergement web</a>"), "{front}");
    // One update translated, the other not.
    let partly = site.read("public/en/incidents/2026-11-20-panne-messagerie/index.html");
    assert!(partly.contains("<h1>Email outage</h1>"));
    assert!(
        partly.contains("<div class=\"post-body\">\n<p>A disk of the mail server has failed.</p>"),
        "{partly}"
    );
    assert!(
        partly.contains("<div class=\"post-body\" lang=\"fr\">\n<p>Le disque est remplacé"),
        "{partly}"
    );
    // The French pages mark nothing.
    let fr = site.read("public/incidents/2026-11-05-lenteurs-web/index.html");
    assert!(
        !fr.contains(" lang=\"fr\">") || fr.matches(" lang=\"fr\"").count() == 1,
        "{fr}"
    );

    let run = site.vigie(&["check", "--now", NOW]);
    run.success();
    assert!(run.stderr.contains("incidents/2026-11-05-lenteurs-web.md:2:8: warning: this incident has no `en` translation: its `en` pages show it in `fr`"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("write `incidents/2026-11-05-lenteurs-web.en.md` with `title:`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("incidents/2026-11-20-panne-messagerie.en.md:1:1: warning: this translation leaves out the update of 2026-11-20 11:40"), "{}", run.stderr);
    assert!(
        run.stderr.contains("2 warnings in 2 files"),
        "{}",
        run.stderr
    );
}

#[test]
fn announce_in_english_prints_english_labels_and_an_undeclared_language_is_refused() {
    let site = Site::fixture("bilingual");
    let args = |lang: &str| {
        vec![
            "announce".to_string(),
            "2026-11-20-panne-messagerie".into(),
            "--post".into(),
            "0".into(),
            "--format".into(),
            "text".into(),
            "--lang".into(),
            lang.into(),
            "--now".into(),
            NOW.into(),
        ]
    };
    let run = site.vigie(&args("en").iter().map(String::as_str).collect::<Vec<_>>());
    run.success();
    for line in [
        "Email outage",
        "Severity: Major outage",
        "Affected services: Email",
        "Announcement — Friday 20 November 2026, 09:10 CET",
        "Email is not answering.",
        "https://status.exemple.test/en/incidents/2026-11-20-panne-messagerie/#announcement",
    ] {
        assert!(run.stdout.contains(line), "{line} not in:\n{}", run.stdout);
    }
    let fr = site.vigie(&args("fr").iter().map(String::as_str).collect::<Vec<_>>());
    fr.success();
    assert!(
        fr.stdout.contains("Panne de la messagerie") && fr.stdout.contains("Gravité"),
        "{}",
        fr.stdout
    );
    let bad = site.vigie(&args("de").iter().map(String::as_str).collect::<Vec<_>>());
    bad.failure(2);
    assert!(
        bad.stderr
            .contains("--lang `de` is not one of the site's languages"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_site_of_one_language_with_languages_builds_as_with_language() {
    let one = Site::fixture("ongoing");
    let other = Site::fixture("ongoing");
    let text = other
        .read("site.yaml")
        .replace("language: en\n", "languages: [en]\n");
    other.write("site.yaml", &text);
    one.build().success();
    other.build().success();
    assert_eq!(
        crate::common::snapshot_tree(&one.path("public")),
        crate::common::snapshot_tree(&other.path("public"))
    );
}

/// `vigie check` on the fixture with `file` written as `text`: its standard error.
fn check_with(file: &str, text: &str) -> String {
    let site = Site::fixture("bilingual");
    site.write(file, text);
    let run = site.vigie(&["check", "--now", NOW]);
    run.failure(1);
    run.stderr
}

#[test]
fn translation_errors() {
    let e = check_with(
        "incidents/2026-11-10-maintenance-dns.en.md",
        "---\ntitle: DNS maintenance\nseverity: degraded\n---\nText.\n",
    );
    assert!(e.contains("incidents/2026-11-10-maintenance-dns.en.md:3:11: error: a translation does not carry `severity`"), "{e}");
    assert!(
        e.contains(
            "`severity` is written once, in the original `incidents/2026-11-10-maintenance-dns.md`"
        ),
        "{e}"
    );

    let e = check_with(
        "incidents/2026-11-20-panne-messagerie.en.md",
        "---\ntitle: Email outage\nupdates:\n  - at: 2026-11-20 10:00\n    body: Nothing then.\n---\nText.\n",
    );
    assert!(e.contains("incidents/2026-11-20-panne-messagerie.en.md:4:9: error: the original has no update at this time"), "{e}");
    assert!(e.contains("the updates of `incidents/2026-11-20-panne-messagerie.md` are at: 2026-11-20 09:45, 2026-11-20 11:40"), "{e}");

    let e = check_with(
        "incidents/2026-11-30-nothing.en.md",
        "---\ntitle: Nothing\n---\nText.\n",
    );
    assert!(e.contains("incidents/2026-11-30-nothing.en.md: error: a translation file without its original `incidents/2026-11-30-nothing.md`"), "{e}");

    let e = check_with(
        "incidents/2026-11-10-maintenance-dns.en.md",
        "---\ntitle: DNS maintenance\nsummary: x\n---\nText.\n",
    );
    assert!(
        e.contains("incidents/2026-11-10-maintenance-dns.en.md:3:1: error: unknown key `summary`"),
        "{e}"
    );

    let e = check_with(
        "incidents/2026-11-10-maintenance-dns.en.md",
        "---\nupdates: []\n---\nText.\n",
    );
    assert!(
        e.contains("incidents/2026-11-10-maintenance-dns.en.md:1:1: error: missing `title`"),
        "{e}"
    );

    let e = check_with(
        "incidents/2026-11-10-maintenance-dns.fr.md",
        "---\ntitle: X\n---\n",
    );
    assert!(e.contains("incidents/2026-11-10-maintenance-dns.fr.md: error: a translation into `fr`, the site's default language"), "{e}");

    // A language the site does not declare.
    let site = Site::fixture("ongoing");
    site.write(
        "incidents/2026-11-25-api-errors.fr.md",
        "---\ntitle: Erreurs\n---\n",
    );
    let run = site.vigie(&["check", "--now", NOW]);
    run.failure(1);
    assert!(run.stderr.contains("incidents/2026-11-25-api-errors.fr.md: error: a translation into `fr`, which is not one of the site's languages (en)"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("add it to `languages` in site.yaml, e.g. `languages: [en, fr]`"),
        "{}",
        run.stderr
    );
}

#[test]
fn site_yaml_language_errors() {
    let e = check_with(
        "site.yaml",
        &Site::fixture("bilingual")
            .read("site.yaml")
            .replace("languages: [fr, en]", "language: en\nlanguages: [fr, en]"),
    );
    assert!(e.contains("site.yaml:8:11: error: `language: en` disagrees with `languages`, whose first (the default) is `fr`"), "{e}");

    let e = check_with(
        "site.yaml",
        &Site::fixture("bilingual")
            .read("site.yaml")
            .replace("name: DNS", "name: {en: DNS}"),
    );
    assert!(
        e.contains("error: `name` has no text in the default language `fr`"),
        "{e}"
    );

    let e = check_with(
        "site.yaml",
        &Site::fixture("bilingual")
            .read("site.yaml")
            .replace("name: DNS", "name: {fr: DNS, de: DNS}"),
    );
    assert!(
        e.contains("error: `name` is given in `de`, which is not one of the site's languages"),
        "{e}"
    );

    let e = check_with(
        "site.yaml",
        &Site::fixture("bilingual")
            .read("site.yaml")
            .replace("languages: [fr, en]", "languages: [fr, en, fr]"),
    );
    assert!(
        e.contains("site.yaml:8:21: error: `languages` names `fr` twice"),
        "{e}"
    );
}

#[test]
fn notify_sends_each_language_its_own_list() {
    let site = Site::fixture("bilingual");
    let mut yaml = site.read("site.yaml");
    yaml.push_str("notify:\n  email:\n    sendmail: /bin/true\n    to:\n      fr: [clients@exemple.test]\n      en: [customers@exemple.test]\n  webhooks:\n    - {kind: slack, url: 'http://127.0.0.1:9/hook', lang: en}\n");
    site.write("site.yaml", &yaml);
    let run = site.vigie(&[
        "notify",
        "--now",
        "2026-11-20T09:50:00+01:00",
        "--since",
        "2026-11-20T09:00:00+01:00",
        "--dry-run",
    ]);
    run.success();
    let out = &run.stdout;
    let email = out
        .find("email (sendmail /bin/true):")
        .unwrap_or_else(|| panic!("{out}"));
    let email_en = out
        .find("email.en (sendmail /bin/true):")
        .unwrap_or_else(|| panic!("{out}"));
    let slack = out.find("slack (").unwrap_or_else(|| panic!("{out}"));
    let (fr, en, hook) = (&out[email..email_en], &out[email_en..slack], &out[slack..]);
    assert!(
        fr.contains("to clients@exemple.test: ") && fr.contains("Panne de la messagerie"),
        "{out}"
    );
    assert!(
        en.contains("to customers@exemple.test: ") && en.contains("Email outage"),
        "{out}"
    );
    assert!(hook.contains("Email outage"), "{out}");

    let mut bad = site.read("site.yaml");
    bad = bad.replace("lang: en}", "lang: de}");
    site.write("site.yaml", &bad);
    let run = site.vigie(&["check", "--now", NOW]);
    run.failure(1);
    assert!(
        run.stderr
            .contains("error: `lang` names `de`, which is not one of the site's languages"),
        "{}",
        run.stderr
    );
}

/// Rebuilds through one set of caches (as `vigie serve` and `vigie watch` do) equal clean
/// builds byte for byte, whatever happens to the translations: a page of one language is
/// never served for another's.
#[test]
fn rebuilds_through_the_caches_equal_clean_builds_in_every_language() {
    let site = Site::fixture("bilingual");
    let now = chrono::DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let mut caches = vigie::pipeline::Caches::new();
    let mut step = |name: &str| -> usize {
        let (_, cached) =
            vigie::pipeline::generate_with(site.root(), now, false, None, &mut caches).unwrap();
        let (_, clean) = vigie::pipeline::generate(site.root(), now, false, None).unwrap();
        assert_eq!(cached.len(), clean.len(), "{name}");
        for (a, b) in cached.iter().zip(&clean) {
            assert_eq!(a.path, b.path, "{name}");
            assert!(
                a.bytes == b.bytes,
                "{name}: {} differs from a clean build",
                a.path
            );
        }
        caches.pages.last_rendered()
    };
    assert_eq!(step("first"), 8, "4 incident pages in each language");
    assert_eq!(step("again"), 0, "nothing changed");
    let untranslated = "incidents/2026-11-05-lenteurs-web.en.md";
    site.write(
        untranslated,
        "---\ntitle: Slow web hosting\n---\nSites answer slowly.\n",
    );
    assert_eq!(
        step("a translation added"),
        1,
        "the English page of that incident only"
    );
    // The same words as the French title and text: only the marks tell them apart.
    site.write(
        untranslated,
        "---\ntitle: Lenteurs de l’hébergement web\n---\nLes sites répondent lentement. Nous surveillons.\n",
    );
    step("a translation with the original's words");
    std::fs::remove_file(site.path(untranslated)).unwrap();
    step("the translation removed");
    // The original of an untranslated incident edited: its French text shows on both.
    let original = "incidents/2026-11-05-lenteurs-web.md";
    let text = site
        .read(original)
        .replace("Nous surveillons.", "C’est réglé.");
    site.write(original, &text);
    assert_eq!(step("the original edited"), 2, "its page in each language");
    let yaml = site.read("site.yaml").replace("en: Email}", "en: Mail}");
    site.write("site.yaml", &yaml);
    assert_eq!(step("an English name changed"), 4, "the English pages only");
}
