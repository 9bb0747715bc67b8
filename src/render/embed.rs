//! What other sites embed (docs/embed.md): `embed.js`, the banner script, with the words of
//! every language vigie speaks and the site's own; `embed/index.html`, a compact page for
//! an iframe (the current status, the ongoing incidents and the coming maintenances) with
//! its style sheet `assets/embed.css`, light and dark.

use askama::Template;
use serde::Serialize;

use super::pages::ongoing_worst_first;
use super::views::{incident_summary, Badge, IncidentSummary};
use super::{page, OutputFile};
use crate::derive::timeline::is_announced;
use crate::derive::StatusModel;
use crate::error::Error;
use crate::model::lang::Lang;
use crate::model::{Phase, Severity};
use crate::render::headers::META_POLICY;
use crate::render::i18n::Strings;

/// The banner script as the theme writes it; the build puts the words in.
pub const SCRIPT: &str = include_str!("../../themes/default/static/embed.js");
/// The line of [`SCRIPT`] the build replaces with the words.
const WORDS_LINE: &str = "var DATA = {};";
/// The embed page's style sheet.
pub const STYLE: &[u8] = include_bytes!("../../themes/default/static/embed.css");

/// The languages the banner speaks.
const LANGS: [Lang; 2] = [Lang::Fr, Lang::En];

/// The banner's words in one language.
#[derive(Serialize)]
struct Words {
    heading: &'static str,
    colon: &'static str,
    critical: &'static str,
    major: &'static str,
    minor: &'static str,
    maintenance: &'static str,
    upcoming: &'static str,
    page: &'static str,
    close: &'static str,
}

fn words(lang: Lang) -> Words {
    let t = lang.strings();
    let (heading, upcoming, page, close) = match lang {
        Lang::Fr => (
            "État des services",
            "Maintenance prévue",
            "Voir la page d’état",
            "Fermer le bandeau",
        ),
        Lang::En => (
            "Service status",
            "Scheduled maintenance",
            "See the status page",
            "Close the banner",
        ),
    };
    Words {
        heading,
        colon: t.colon,
        critical: t.major_outage,
        major: t.partial_outage,
        minor: t.degraded,
        maintenance: t.overall_maintenance,
        upcoming,
        page,
        close,
    }
}

#[derive(Serialize)]
struct Data {
    lang: &'static str,
    words: std::collections::BTreeMap<&'static str, Words>,
}

/// `embed.js`: the theme's script with the site's language and every language's words.
pub fn script(model: &StatusModel) -> Result<OutputFile, Error> {
    let data = Data {
        lang: model.site.config.lang.code(),
        words: LANGS.iter().map(|&l| (l.code(), words(l))).collect(),
    };
    let json = serde_json::to_string(&data).map_err(|e| Error::Render(format!("embed.js: {e}")))?;
    if !SCRIPT.contains(WORDS_LINE) {
        return Err(Error::Render(format!(
            "embed.js: the theme's script has no `{WORDS_LINE}` line for the words"
        )));
    }
    let text = SCRIPT.replacen(WORDS_LINE, &format!("var DATA = {json};"), 1);
    Ok(OutputFile::new("embed.js", text.into_bytes()))
}

#[derive(Template)]
#[template(path = "embed.html")]
struct EmbedPage<'a> {
    t: &'static Strings,
    lang: &'static str,
    csp: &'static str,
    site_title: &'a str,
    overall: Badge,
    overall_text: &'static str,
    ongoing: Vec<IncidentSummary>,
    upcoming: Vec<IncidentSummary>,
}

/// `embed/index.html` and its style sheet.
pub fn page_files(model: &StatusModel) -> Result<Vec<OutputFile>, Error> {
    let site = model.site;
    let t = site.config.lang.strings();
    let path = "embed/index.html";
    let mut upcoming: Vec<usize> = (0..site.incidents.len())
        .filter(|&n| {
            let i = &site.incidents[n];
            i.severity == Severity::Maintenance
                && model.incidents[n].phase == Phase::Scheduled
                && is_announced(i, model.now)
        })
        .collect();
    upcoming.sort_by_key(|&n| (site.incidents[n].start, site.incidents[n].id.clone()));
    let summaries = |ns: Vec<usize>| -> Vec<IncidentSummary> {
        ns.into_iter()
            .map(|n| incident_summary(model, n, "../"))
            .collect()
    };
    let html = page(
        path,
        EmbedPage {
            t,
            lang: site.config.lang.code(),
            csp: META_POLICY,
            site_title: &site.config.title,
            overall: Badge::status(t, model.overall),
            overall_text: t.overall(model.overall),
            ongoing: summaries(ongoing_worst_first(model)),
            upcoming: summaries(upcoming),
        },
    )?;
    Ok(vec![html, OutputFile::new("assets/embed.css", STYLE)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_holds_the_words_of_every_language_and_the_sites() {
        let cfg = crate::load::testing::config_with(&["mail"]);
        let site = crate::load::testing::site(cfg, &[]);
        let model = crate::derive::derive(&site, crate::load::testing::t("2026-11-25T10:00:00Z"));
        let js = String::from_utf8(script(&model).unwrap().bytes).unwrap();
        assert!(!js.contains(WORDS_LINE));
        let lang = site.config.lang.code();
        assert!(js.contains(&format!(
            r#"var DATA = {{"lang":"{lang}","words":{{"en":{{"heading":"Service status""#
        )));
        assert!(js.contains("\"fr\":{\"heading\":\"État des services\",\"colon\":\"\u{a0}:\""));
        assert!(js.contains(r#""critical":"Panne majeure""#));
    }
}
