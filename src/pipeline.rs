//! The stages chained for `vigie check`, `vigie serve` and `vigie announce`: load →
//! derive → render, everything in memory, nothing written. `vigie build` chains the same
//! stages itself ([`crate::cmd::build`]), rendering incident pages as they are written.

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::derive;
use crate::error::Error;
use crate::load::cache::ParseCache;
use crate::load::{self, config, LoadOptions};
use crate::model::translation::TranslatedCache;
use crate::model::Site;
use crate::render::cache::PageCache;
use crate::render::{self, OutputFile};
use crate::write::KeptManifests;

/// The caches of a rebuild.
#[derive(Debug, Default)]
pub struct Caches {
    pub parse: ParseCache,
    pub pages: PageCache,
    /// The output's manifests as the last build saved them (`vigie build` only).
    pub manifests: KeptManifests,
    /// The incident files as the last build read them (`vigie build` only)…
    pub listing: Option<load::IncidentFiles>,
    /// …and what changed in the sources since, when a watcher says (`vigie watch`): the
    /// next build lists again only those paths. Unknown by default, and after each build.
    pub changes: load::Changes,
    /// The incidents as seen in the site's other languages.
    pub translated: TranslatedCache,
}

impl Caches {
    /// Caches that remember results from one rebuild to the next.
    pub fn new() -> Caches {
        Caches {
            parse: ParseCache::new(),
            pages: PageCache::new(),
            manifests: KeptManifests::new(),
            listing: None,
            changes: load::Changes::unknown(),
            translated: TranslatedCache::new(),
        }
    }

    /// Caches that remember nothing: a clean build, without the cost of remembering.
    pub fn unused() -> Caches {
        Caches {
            parse: ParseCache::unused(),
            pages: PageCache::unused(),
            manifests: KeptManifests::unused(),
            listing: None,
            changes: load::Changes::unknown(),
            translated: TranslatedCache::unused(),
        }
    }
}

/// Loads, derives and renders the site at `root`: everything but writing.
pub fn generate(
    root: &Path,
    now: DateTime<Utc>,
    drafts: bool,
    base_url: Option<&str>,
) -> Result<(Site, Vec<OutputFile>), Error> {
    generate_with(root, now, drafts, base_url, &mut Caches::unused())
}

/// [`generate`], remembering parsed incidents and rendered incident pages in `caches` from
/// one call to the next (`vigie serve`); the result is always the same as [`generate`]'s.
pub fn generate_with(
    root: &Path,
    now: DateTime<Utc>,
    drafts: bool,
    base_url: Option<&str>,
    caches: &mut Caches,
) -> Result<(Site, Vec<OutputFile>), Error> {
    let mut files = load::list_incident_files(root, caches.parse.keeps());
    let site = load_site(root, drafts, base_url, &mut caches.parse, &mut files)?;
    let others = translated_with(&site, &mut caches.translated);
    let models = models(&site, &others, now);
    let files = render::sites_with(&models, &mut caches.pages)?;
    drop(models);
    Ok((site, files))
}

/// The site as seen in each of its languages but the default (none for a site of one
/// language): see [`Site::in_language`].
pub fn translated(site: &Site) -> Vec<Site> {
    translated_with(site, &mut TranslatedCache::unused())
}

/// [`translated`], remembering the incidents of each language in `cache` from one call to
/// the next (see [`Site::in_language_with`]).
pub fn translated_with(site: &Site, cache: &mut TranslatedCache) -> Vec<Site> {
    let languages = &site.config.languages;
    languages
        .iter()
        .skip(1)
        .map(|&l| site.in_language_with(l, cache))
        .collect()
}

/// The models of `site` at `now` in each of its languages, the default first, the others
/// from `others` (see [`translated`]).
pub fn models<'s>(
    site: &'s Site,
    others: &'s [Site],
    now: DateTime<Utc>,
) -> Vec<derive::StatusModel<'s>> {
    let first = derive::derive(site, now);
    let seen: Vec<_> = others.iter().map(|s| first.seen_in(s)).collect();
    std::iter::once(first).chain(seen).collect()
}

/// The site at `root`, from the incident files listed in `files`, with `--base-url`
/// applied.
pub fn load_site(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
    cache: &mut ParseCache,
    files: &mut load::IncidentFiles,
) -> Result<Site, Error> {
    let mut site = load::load_listed(root, &LoadOptions { drafts }, cache, files)?;
    if let Some(url) = base_url {
        site.config.base_url = config::normalize_base_url(url).ok_or_else(|| {
            Error::Usage(format!("--base-url `{url}` is not an absolute http(s) URL"))
        })?;
    }
    Ok(site)
}
