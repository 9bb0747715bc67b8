//! Warnings: what builds, but at `now` probably does not say what its author meant. A
//! warning never stops a build; `vigie check` and `vigie build` print them.
//!
//! - A maintenance window still to come that is not announced yet: no output shows it
//!   before its announcement ([`super::timeline::is_announced`]).
//! - A forgotten `end`: an incident ongoing for longer than `ongoing_warning_days`, or a
//!   maintenance past its window.
//! - A text left untranslated in a site of several languages: an incident without its
//!   translation file, or a translation without the announcement or an update; its pages
//!   in that language show the default language's text.
//! - An accent colour for the dark colour scheme that vigie chose: `brand.accent` has too
//!   little contrast there and `brand.accent_dark` is not given.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};

use super::timeline::{announced_at, is_announced, maintenance_end};
use crate::error::Diagnostic;
use crate::model::time::as_written;
use crate::model::{Incident, Site, Written};

/// Every warning about `site` at `now`, file by file (in the order of their paths); print
/// them with [`crate::error::print_warnings`].
pub fn warnings(site: &Site, now: DateTime<Utc>) -> Vec<Diagnostic> {
    // The few incidents with a warning, in the order of their files.
    let mut found: Vec<(&Incident, [Option<Diagnostic>; 2])> = site
        .incidents
        .iter()
        .map(|i| &**i)
        .filter_map(|i| {
            let w = [
                unannounced_maintenance(site, i, now),
                forgotten_end(site, i, now),
            ];
            w.iter().any(Option::is_some).then_some((i, w))
        })
        .collect();
    found.sort_by(|a, b| a.0.source.cmp(&b.0.source));
    let incidents = found.into_iter().flat_map(|(_, w)| w).flatten();
    derived_accent(site)
        .into_iter()
        .chain(incidents)
        .chain(untranslated(site))
        .collect()
}

/// The texts left untranslated, file by file: each incident without a translation into
/// one of the site's other languages (at its title), each translation without the
/// announcement or an update (at its first line).
fn untranslated(site: &Site) -> Vec<Diagnostic> {
    let cfg = &site.config;
    if cfg.languages.len() < 2 {
        return Vec::new();
    }
    // Each warning with its incident's file, sorted by it once found (the few, not the
    // thousands of incidents).
    let mut out: Vec<(&Path, Diagnostic)> = Vec::new();
    let default = cfg.default_lang().code();
    for i in site.incidents.iter().map(|i| &**i) {
        for &lang in cfg.languages.iter().skip(1) {
            let code = lang.code();
            let Some(t) = cfg.translations.get(lang, &i.id) else {
                let file = i.source.with_file_name(format!(
                    "{}.{code}.md",
                    i.source.file_stem().unwrap_or_default().to_string_lossy()
                ));
                out.push((&i.source, at(
                    i,
                    i.positions.title.as_ref(),
                    format!("this incident has no `{code}` translation: its `{code}` pages show it in `{default}`"),
                    format!(
                        "write `{}` with `title:` and the announcement in `{code}` (and `updates:` with `at` and `body` for its updates)",
                        file.display()
                    ),
                )));
                continue;
            };
            let mut missing = Vec::new();
            if t.announcement.is_none() {
                missing.push("the announcement".to_string());
            }
            for p in i.posts.iter().skip(1) {
                if !t.updates.iter().any(|(at, _)| *at == p.at) {
                    missing.push(format!("the update of {}", as_written(p.at, cfg.tz)));
                }
            }
            if missing.is_empty() {
                continue;
            }
            let mut d = Diagnostic::file(
                &t.source,
                format!(
                    "this translation leaves out {}: its `{code}` pages show {} in `{default}`",
                    missing.join(", "),
                    if missing.len() == 1 { "it" } else { "them" }
                ),
            )
            .with_help(if t.announcement.is_none() {
                "write the announcement as the Markdown text after the front matter; an update as an item of `updates:` with the original's `at` and a `body`"
            } else {
                "add each update to `updates:` with the original's `at` and a `body`"
            });
            d.span = t.front.span;
            d.source_line = Some(t.front.line.clone());
            out.push((&i.source, d));
        }
    }
    out.sort_by(|a, b| a.0.cmp(b.0));
    out.into_iter().map(|(_, d)| d).collect()
}

/// The shade of `brand.accent` vigie uses in the dark colour scheme, when it chose one.
fn derived_accent(site: &Site) -> Option<Diagnostic> {
    use crate::load::config::brand::{contrast_against, ratio_text, DARK_BACKGROUNDS};
    let accent = site.config.brand.accent.as_ref()?;
    let place = accent.derived_at.as_ref()?;
    let (given, against) = contrast_against(accent.light, &DARK_BACKGROUNDS);
    let (derived, _) = contrast_against(accent.dark, &DARK_BACKGROUNDS);
    let mut d = Diagnostic::file(
        "site.yaml",
        format!(
            "`brand.accent` {} has a contrast of {}:1 against the theme's dark background {}: the dark colour scheme uses {} instead ({}:1)",
            accent.light.hex(),
            ratio_text(given),
            against.hex(),
            accent.dark.hex(),
            ratio_text(derived)
        ),
    )
    .with_help(format!(
        "a lighter shade of `accent`, which vigie chose; to choose it yourself, write `accent_dark: \"{}\"` (or another colour with at least 4.5:1) under `brand`",
        accent.dark.hex()
    ));
    d.span = place.span;
    d.source_line = Some(place.line.clone());
    Some(d)
}

/// A maintenance window still to come that no output shows yet.
fn unannounced_maintenance(site: &Site, i: &Incident, now: DateTime<Utc>) -> Option<Diagnostic> {
    if !i.is_maintenance() || now >= i.start || is_announced(i, now) {
        return None;
    }
    let tz = site.config.tz;
    let when = as_written(announced_at(i), tz);
    let (place, message) = match &i.positions.published {
        Some(p) => (
            Some(p),
            format!("this maintenance is not announced until its `published` time, {when}"),
        ),
        None if announced_at(i) < i.start => (
            i.positions.start.as_ref(),
            format!("this maintenance is not announced until its first update, {when}"),
        ),
        None => (
            i.positions.start.as_ref(),
            format!("this maintenance is not announced until it starts, {when}"),
        ),
    };
    let help = format!(
        "no page, feed, calendar or API shows it before; to announce it now, write `published: {}` (the current time), or add an update with `status: scheduled` dated now",
        as_written(now, tz)
    );
    Some(at(i, place, message, help))
}

/// An incident left without `end`: ongoing for longer than the site's bound, or a
/// maintenance past its window. Notices end by themselves.
fn forgotten_end(site: &Site, i: &Incident, now: DateTime<Utc>) -> Option<Diagnostic> {
    if i.end.is_some() || i.is_notice() || now < i.start {
        return None;
    }
    let days = site.config.ongoing_warning_days;
    let elapsed = now - i.start;
    let (message, help) = if i.is_maintenance() {
        if now <= maintenance_end(i) {
            return None;
        }
        (
            format!(
                "this maintenance has no `end`, {} after its start",
                how_long(elapsed)
            ),
            "it shows as in progress until it has one: write `end:` with the time the work finished".to_string(),
        )
    } else {
        if elapsed <= Duration::days(i64::from(days)) {
            return None;
        }
        (
            format!(
                "this incident has been ongoing for {}: it has no `end`",
                how_long(elapsed)
            ),
            format!(
                "if it is over, write `end:` with the time it stopped; an incident ongoing for more than {days} day{} is reported (`ongoing_warning_days` in site.yaml)",
                if days == 1 { "" } else { "s" }
            ),
        )
    };
    Some(at(i, i.positions.start.as_ref(), message, help))
}

/// "3 hours", "12 days": whole hours up to two days, whole days beyond.
fn how_long(d: Duration) -> String {
    let (n, unit) = if d < Duration::hours(48) {
        (d.num_hours().max(1), "hour")
    } else {
        (d.num_days(), "day")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A warning about `i`, at `place` in its file when known.
fn at(i: &Incident, place: Option<&Written>, message: String, help: String) -> Diagnostic {
    let mut d = Diagnostic::file(&i.source, message).with_help(help);
    if let Some(w) = place {
        d.span = w.span;
        d.source_line = Some(w.line.clone());
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Level;
    use crate::load::testing::{config_with, t};
    use crate::model::Config;
    use std::path::Path;

    fn config() -> Config {
        config_with(&["web"])
    }

    fn site(text: &str) -> Site {
        let config = config();
        let i =
            crate::load::incident::parse(Path::new("incidents/x.md"), "x", text, &config).unwrap();
        Site {
            config,
            incidents: vec![std::sync::Arc::new(i)],
            files: Vec::new(),
        }
    }

    fn messages(text: &str, now: &str) -> Vec<String> {
        warnings(&site(text), t(now))
            .into_iter()
            .map(|d| d.render_as(Level::Warning, false))
            .collect()
    }

    const FUTURE: &str = "---\ntitle: M\nstart: 2026-12-01 02:00\nend: 2026-12-01 03:00\nseverity: maintenance\n---\n";

    #[test]
    fn a_maintenance_to_come_that_is_not_announced_is_reported_at_its_start() {
        let w = messages(FUTURE, "2026-11-26T10:00:00Z");
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0],
            "incidents/x.md:3:8: warning: this maintenance is not announced until it starts, 2026-12-01 02:00\n  |\n3 | start: 2026-12-01 02:00\n  |        ^^^^^^^^^^^^^^^^\n  = help: no page, feed, calendar or API shows it before; to announce it now, write `published: 2026-11-26 11:00` (the current time), or add an update with `status: scheduled` dated now\n"
        );
    }

    #[test]
    fn a_late_published_is_pointed_at() {
        let text = FUTURE.replace("severity:", "published: 2026-11-30 12:00\nseverity:");
        let w = warnings(&site(&text), t("2026-11-26T10:00:00Z"));
        assert_eq!(w[0].span.line, 5);
        assert_eq!(
            w[0].message,
            "this maintenance is not announced until its `published` time, 2026-11-30 12:00"
        );
    }

    #[test]
    fn an_announced_or_started_maintenance_is_not_reported_as_unannounced() {
        let text = FUTURE.replace("severity:", "published: 2026-11-20 12:00\nseverity:");
        assert!(messages(&text, "2026-11-26T10:00:00Z").is_empty());
        let by_update = FUTURE.replace(
            "severity: maintenance\n",
            "severity: maintenance\nupdates:\n  - {at: 2026-11-25 10:00, status: scheduled, body: b}\n",
        );
        assert!(messages(&by_update, "2026-11-26T10:00:00Z").is_empty());
        let w = warnings(&site(&by_update), t("2026-11-24T10:00:00Z"));
        assert_eq!(
            w[0].message,
            "this maintenance is not announced until its first update, 2026-11-25 10:00"
        );
        assert!(messages(FUTURE, "2026-12-01T01:30:00Z").is_empty());
    }

    #[test]
    fn an_incident_ongoing_for_longer_than_the_bound_is_reported() {
        let text = "---\ntitle: I\nstart: 2026-11-01 10:00\nseverity: degraded\n---\n";
        assert!(messages(text, "2026-11-08T08:59:00Z").is_empty(), "7 days");
        let w = warnings(&site(text), t("2026-11-13T09:00:00Z"));
        assert_eq!(
            w[0].message,
            "this incident has been ongoing for 12 days: it has no `end`"
        );
        assert_eq!((w[0].span.line, w[0].span.column), (3, 8));
        assert!(w[0].help.as_deref().unwrap().contains("more than 7 days"));
        let ended = text.replace("severity:", "end: 2026-11-02 10:00\nseverity:");
        assert!(messages(&ended, "2026-11-13T09:00:00Z").is_empty());
        let notice = text.replace("degraded", "notice");
        assert!(messages(&notice, "2026-11-13T09:00:00Z").is_empty());
    }

    #[test]
    fn a_maintenance_without_end_past_its_hour_is_reported() {
        let text = "---\ntitle: M\nstart: 2026-12-01 02:00\nseverity: maintenance\npublished: 2026-11-20 10:00\n---\n";
        assert!(
            messages(text, "2026-12-01T02:00:00Z").is_empty(),
            "its hour"
        );
        let w = warnings(&site(text), t("2026-12-01T04:00:00Z"));
        assert_eq!(
            w[0].message,
            "this maintenance has no `end`, 3 hours after its start"
        );
        assert!(w[0].render_as(Level::Warning, false).contains("warning: "));
    }

    #[test]
    fn durations_read_in_hours_then_days() {
        assert_eq!(how_long(Duration::minutes(20)), "1 hour");
        assert_eq!(how_long(Duration::hours(47)), "47 hours");
        assert_eq!(how_long(Duration::hours(49)), "2 days");
    }
}
