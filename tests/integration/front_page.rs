//! The front page at any number of components: one drawing of the 90 days per component,
//! its text (the uptime and the incident days as links; in a folded group, one element
//! named by its days), and the groups folded without a script (`collapse_groups`).

use crate::common::*;

/// The `<details>` of the group named `name`, up to its end.
fn group<'a>(index: &'a str, name: &str) -> &'a str {
    let head = format!("<h3>{name}</h3>");
    let at = index
        .find(&head)
        .unwrap_or_else(|| panic!("no group {name}"));
    let start = index[..at].rfind("<details").unwrap();
    let end = at + index[at..].find("</details>").unwrap();
    &index[start..end]
}

fn with_collapse(site: &Site, value: &str) {
    let yaml = site.read("site.yaml");
    site.write("site.yaml", &format!("{yaml}collapse_groups: {value}\n"));
}

#[test]
fn a_group_with_a_member_in_an_incident_stays_open_and_the_others_fold_to_their_line() {
    let site = Site::fixture("ongoing");
    with_collapse(&site, "always");
    site.build().success();
    let index = site.read("public/index.html");
    let platform = group(&index, "Platform");
    assert!(
        platform.starts_with(r#"<details class="group" open>"#),
        "{platform}"
    );
    assert!(platform.contains("Public API"));
    assert!(
        platform.contains("Elevated API error rates"),
        "the member in an incident shows it: {platform}"
    );

    let example = Site::example();
    with_collapse(&example, "always");
    example.build().success();
    let index = example.read("public/index.html");
    for name in ["Hébergement", "Messagerie", "Réseau"] {
        let g = group(&index, name);
        assert!(
            g.starts_with(r#"<details class="group">"#),
            "{name} folds: {g}"
        );
        // The closed line states the group's status and uptime in words.
        let line = &g[..g.find("</summary>").unwrap()];
        assert!(line.contains("Opérationnel"), "{line}");
        assert!(line.contains("% disponibilité"), "{line}");
        // Its components: each named, linked to its page, with its uptime and status, and its
        // 90 days drawn by one element named by its text (no SVG, no list of links).
        assert!(!g.contains("<svg"), "{g}");
        assert!(!g.contains("incident-links"), "{g}");
        let members = g.matches(r#"<div class="component compact">"#).count();
        assert!(members >= 2, "{g}");
        assert_eq!(
            g.matches(r#"<span class="component-uptime">"#).count(),
            members
        );
        assert_eq!(
            g.matches(r#"<div class="strip" role="img" title="90 derniers jours — "#)
                .count(),
            members,
            "{g}"
        );
        // Once under the group's drawings, their ends.
        assert_eq!(g.matches("il y a 90 jours").count(), 1, "{g}");
    }
    // Mail's partial outage of 9 November, the 74th of the 90 days: from 81.11 % of the
    // width to 82.22 %, and named in the text.
    let mail = &index[index
        .find(r#"<a href="components/mail/index.html">Messagerie</a>"#)
        .unwrap()..];
    let strip = &mail[mail.find(r#"<div class="strip""#).unwrap()..];
    let strip = &strip[..strip.find("</div>").unwrap()];
    assert_eq!(
        strip,
        "<div class=\"strip\" role=\"img\" \
         title=\"90 derniers jours — Panne partielle\u{a0}: 9 nov. 2026\" \
         style=\"background:linear-gradient(90deg,#0000 81.11%,var(--partial) 0 82.22%,#0000 0) var(--ok)\">"
    );
    // A quiet component is one colour, and says so.
    let dns = &index[index
        .find(r#"<a href="components/dns/index.html">"#)
        .unwrap()..];
    let strip = &dns[dns.find(r#"<div class="strip""#).unwrap()..];
    assert!(
        strip.starts_with(
            r#"<div class="strip" role="img" title="90 derniers jours — aucune interruption" style="background:var(--ok)">"#
        ),
        "{strip}"
    );
}

#[test]
fn auto_folds_only_past_the_threshold_and_never_never_folds() {
    let example = Site::example();
    example.build().success();
    let index = example.read("public/index.html");
    assert_eq!(index.matches("<details class=\"group\" open>").count(), 3);
    assert!(
        !index.contains("<details class=\"group\">"),
        "7 components: all open"
    );

    let big = Site::example();
    let yaml = big.read("site.yaml");
    let mut extra = String::new();
    for k in 0..20 {
        extra.push_str(&format!(
            "  - id: extra-{k}\n    name: Serveur {k}\n    group: Serveurs\n"
        ));
    }
    let yaml = yaml.replacen("components:\n", &format!("components:\n{extra}"), 1);
    big.write("site.yaml", &yaml);
    big.build().success();
    let index = big.read("public/index.html");
    assert!(
        !index.contains("<details class=\"group\" open>"),
        "27 components: folded"
    );
    assert_eq!(index.matches("<details class=\"group\">").count(), 4);

    with_collapse(&big, "never");
    big.build().success();
    let index = big.read("public/index.html");
    assert_eq!(index.matches("<details class=\"group\" open>").count(), 4);
}

#[test]
fn each_incident_day_of_a_component_is_a_link_to_its_incident_page() {
    let site = Site::example();
    site.build().success();
    let index = site.read("public/index.html");
    let mail = &index[index.find(r#"href="components/mail/index.html""#).unwrap()..];
    let mail = &mail[..mail
        .find(r#"<div class="component">"#)
        .unwrap_or(mail.len())];
    let links = &mail[mail
        .find(r#"<p class="incident-links">"#)
        .expect("incident days")..];
    let links = &links[..links.find("</p>").unwrap()];
    let hrefs: Vec<&str> = links
        .split(r#"<a href=""#)
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert!(!hrefs.is_empty(), "{links}");
    for href in hrefs {
        assert!(href.starts_with("incidents/"), "{href}");
        assert!(
            site.path(&format!("public/{href}")).is_file(),
            "{href} exists"
        );
    }
    // The drawing draws that day, with its text as a tooltip.
    let svg = &mail[mail.find("<svg").unwrap()..mail.find("</svg>").unwrap()];
    assert!(svg.contains("<rect class=\"day-"), "{svg}");
    assert!(svg.contains("<title>"), "{svg}");
}

#[test]
fn a_provider_front_page_of_120_components_draws_every_one_within_its_budget() {
    // What tests/browser/lighthouse.mjs measures: 120 components in ten groups, 300
    // incidents over 90 days, one ongoing.
    let site = Site::empty();
    crate::gen::generate_provider(site.root(), 120, 10, 300, 90).unwrap();
    site.build().success();
    let index = site.read("public/index.html");
    // The budget of the issue: 150 KB, and 1,500 elements (every tag counted, also those
    // of the coming states' templates, which Lighthouse leaves out).
    assert!(index.len() <= 150_000, "{} bytes", index.len());
    let tags = index
        .split('<')
        .skip(1)
        .filter(|t| t.starts_with(|c: char| c.is_ascii_alphabetic()))
        .count();
    assert!(tags <= 1_500, "{tags} elements");
    // Nine groups folded, one open (its member's incident), and every component of each
    // drawn once: an SVG in the open group, a band in the folded ones.
    assert_eq!(index.matches(r#"<details class="group">"#).count(), 9);
    assert_eq!(index.matches(r#"<details class="group" open>"#).count(), 1);
    let components = index.matches(r#"<div class="component">"#).count()
        + index.matches(r#"<div class="component compact">"#).count();
    assert_eq!(components, 120);
    let svgs = index.matches(r#"<svg class="days""#).count();
    let bands = index.matches(r#"<div class="strip" role="img""#).count();
    assert_eq!(
        svgs + bands,
        components,
        "{svgs} drawings and {bands} bands"
    );
    assert_eq!(
        bands,
        index.matches(r#"<div class="component compact">"#).count()
    );
    assert!(
        svgs >= 1 && bands >= 100,
        "{svgs} drawings and {bands} bands"
    );
}
