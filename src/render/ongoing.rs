//! `ongoing/index.html` (then `ongoing/2/index.html`… beyond [`PAGE`] incidents): every
//! ongoing incident, worst first, when the front page lists only the worst
//! `front_page_ongoing` of them. Not written when the front page shows them all.

use askama::Template;

use super::chrome::chrome;
use super::pages::ongoing_worst_first;
use super::views::{incident_summary, Chrome, IncidentSummary};
use super::{page, root_of, OutputFile};
use crate::derive::StatusModel;
use crate::error::Error;

/// How many incidents one page lists.
const PAGE: usize = 100;

/// A link to one of the pages.
struct PageLink {
    label: String,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "ongoing.html")]
struct OngoingPage<'a> {
    c: Chrome<'a>,
    heading: String,
    entries: Vec<IncidentSummary>,
    /// Every page, when there are several.
    pages: Vec<PageLink>,
}

/// The address of page `k` (from 0), relative to `root`.
pub(super) fn page_href(root: &str, k: usize) -> String {
    match k {
        0 => format!("{root}ongoing/index.html"),
        k => format!("{root}ongoing/{}/index.html", k + 1),
    }
}

/// The pages of every ongoing incident; none when the front page lists them all.
pub fn all(model: &StatusModel) -> Result<Vec<OutputFile>, Error> {
    let ongoing = ongoing_worst_first(model);
    if ongoing.len() <= model.site.config.front_page_ongoing {
        return Ok(Vec::new());
    }
    let t = model.site.config.lang.strings();
    let chunks: Vec<&[usize]> = ongoing.chunks(PAGE).collect();
    chunks
        .iter()
        .enumerate()
        .map(|(k, ns)| {
            let path = page_href("", k);
            let root = root_of(&path);
            let pages = if chunks.len() < 2 {
                Vec::new()
            } else {
                (0..chunks.len())
                    .map(|j| PageLink {
                        label: (j + 1).to_string(),
                        href: page_href(&root, j),
                        current: j == k,
                    })
                    .collect()
            };
            page(
                &path,
                OngoingPage {
                    c: chrome(model, &path, true),
                    heading: format!("{} ({})", t.all_ongoing, ongoing.len()),
                    entries: ns
                        .iter()
                        .map(|&n| incident_summary(model, n, &root))
                        .collect(),
                    pages,
                },
            )
        })
        .collect()
}
