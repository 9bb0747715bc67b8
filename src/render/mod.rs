//! The render stage: the model becomes every output file, in memory. No I/O here.
//!
//! Each kind of page has one template struct; its template lives in
//! `themes/default/templates/` and is compiled into the binary by askama.

pub mod api;
pub mod badge;
pub mod brand;
pub mod build_info;
pub mod cache;
mod chrome;
pub mod dates;
pub mod embed;
pub mod escape;
pub mod feeds;
pub mod file;
pub mod headers;
mod history;
pub mod i18n;
pub mod ics;
pub mod live;
mod ongoing;
mod pages;
pub mod shields;
pub mod sitemap;
pub mod views;

pub use file::{content_hash, Body, OutputFile, Planned, Source};

use std::sync::Arc;

use askama::Template;
use rayon::prelude::*;

use crate::derive::StatusModel;
use crate::error::Error;
use crate::memo::{Kept, Memo};
use crate::model::Site;
use cache::{ArchiveMemo, EventMemo, PageCache, PageKey, PageMemo, SummaryMemo};
use chrome::incident_parts;
use history::history;
use pages::{component, incident, index, not_found};
use views::*;

/// The default theme's static files, compiled in; a site's `themes/default/static/` or
/// `static/` files with the same path replace them.
pub const THEME_ASSETS: &[(&str, &[u8])] = &[
    (
        "assets/style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "assets/favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
    ("assets/live.js", live::SCRIPT),
];

/// Renders every file of the site, from the model of each of its languages, the default
/// first (one model for a site of one language; see [`models`]).
pub fn site(model: &StatusModel) -> Result<Vec<OutputFile>, Error> {
    sites(std::slice::from_ref(model))
}

/// [`site`] of a site in several languages: `models` holds one model per language, the
/// default first.
pub fn sites(models: &[StatusModel]) -> Result<Vec<OutputFile>, Error> {
    sites_with(models, &mut PageCache::unused())
}

/// [`sites`], taking from `cache` the incident pages whose inputs have not changed since it
/// rendered them, and leaving in it exactly the incident pages of this render. The files
/// are the same as [`sites`]'s.
pub fn sites_with(models: &[StatusModel], cache: &mut PageCache) -> Result<Vec<OutputFile>, Error> {
    let planned = cached(models, cache)?;
    planned.into_iter().map(Planned::into_file).collect()
}

/// Every file of the sites of `models`, the incident pages rendered or taken from `cache`.
fn cached<'m>(
    models: &'m [StatusModel<'m>],
    cache: &mut PageCache,
) -> Result<Vec<Planned<'m>>, Error> {
    let mut all = Vec::new();
    for model in models {
        let (pages, memos) = split(of_language(cache, model));
        all.extend(language_files(model, memos, || {
            incident_pages(model, pages)
        })?);
    }
    let sitemap = cache.keeps().then_some(&mut cache.sitemap);
    Ok(finish(models, all, sitemap))
}

/// [`sites_with`] of a site of one language.
pub fn site_with(model: &StatusModel, cache: &mut PageCache) -> Result<Vec<OutputFile>, Error> {
    sites_with(std::slice::from_ref(model), cache)
}

/// The cache of the pages in the language of `model`.
fn of_language<'c>(cache: &'c mut PageCache, model: &StatusModel) -> &'c mut PageCache {
    let cfg = &model.site.config;
    cache.of(cfg.lang, cfg.default_lang(), &cfg.languages)
}

/// [`plan`], for a build that keeps `cache` from one run to the next (`vigie watch`): the
/// incident pages come rendered, from the cache when their inputs have not changed, with
/// the hash of their bytes, so that the write stage neither renders nor hashes them again.
/// With a cache that keeps nothing, [`plan`] itself.
pub fn plan_with<'m>(
    models: &'m [StatusModel<'m>],
    cache: &mut PageCache,
) -> Result<Vec<Planned<'m>>, Error> {
    if !cache.keeps() {
        return plan(models);
    }
    cached(models, cache)
}

/// Every file of the site, sorted by path, as [`sites`] renders them, except that the
/// incident pages are left to render when their bytes are asked for.
pub fn plan<'m>(models: &'m [StatusModel<'m>]) -> Result<Vec<Planned<'m>>, Error> {
    let mut all = Vec::new();
    for model in models {
        let parts = incident_parts(model)?;
        let memos = Memos {
            summaries: &mut crate::memo::ListMemo::unused(),
            archive: &mut Memo::unused(),
            events: &mut Memo::unused(),
        };
        let prefix = model.site.config.prefix();
        all.extend(language_files(model, memos, || {
            Ok(model
                .site
                .incidents
                .iter()
                .enumerate()
                .filter(|(n, _)| model.incidents[*n].announced)
                .map(|(n, i)| Planned {
                    path: incident_path(prefix, &i.id),
                    body: Body::Incident(model, n, parts.clone()),
                })
                .collect())
        })?);
    }
    Ok(finish(models, all, None))
}

/// The memos of the aggregate files, for [`language_files`].
struct Memos<'c> {
    summaries: &'c mut SummaryMemo,
    archive: &'c mut ArchiveMemo,
    events: &'c mut EventMemo,
}

/// The incident pages' memo of `cache`, and the others.
fn split(cache: &mut PageCache) -> (&mut PageMemo, Memos<'_>) {
    let memos = Memos {
        summaries: &mut cache.summaries,
        archive: &mut cache.archive,
        events: &mut cache.events,
    };
    (&mut cache.pages, memos)
}

/// The files of the site in the language of `model`, with the incident pages that
/// `incident_pages` gives: every file in the default language; in another, under its
/// folder (`en/`), the pages and the feeds only (the API, the calendar, the badges, the
/// embed and the assets are the default language's).
fn language_files<'m>(
    model: &'m StatusModel<'m>,
    memos: Memos,
    incident_pages: impl FnOnce() -> Result<Vec<Planned<'m>>, Error> + Send,
) -> Result<Vec<Planned<'m>>, Error> {
    let site = model.site;
    let prefix = site.config.prefix();
    let default = prefix.is_empty();
    // Four groups of about equal cost at 10,000 incidents, rendered side by side (each
    // group in parallel inside where it can be): the incident pages; the other pages;
    // the feeds; the API and the calendar.
    let ((incidents, pages), (feeds, api_ics)) = rayon::join(
        || {
            rayon::join(incident_pages, || -> Result<Vec<Planned<'m>>, Error> {
                // The site at its next transitions, for the pages that show a current
                // state (see `live`).
                let later = live::models(model);
                let mut files: Vec<OutputFile> = vec![page("index.html", index(model, &later)?)?];
                if default {
                    files.push(page("404.html", not_found(model))?);
                }
                files.extend(ongoing::all(model)?);
                for k in 0..site.config.components.len() {
                    let id = &site.config.components[k].id;
                    files.push(page(
                        &format!("components/{id}/index.html"),
                        component(model, k, &later)?,
                    )?);
                }
                let mut files: Vec<Planned> = files.into_iter().map(Planned::file).collect();
                files.extend(history(model, memos.summaries, memos.archive)?);
                Ok(files)
            })
        },
        || {
            let (feeds, (api, ics)) = rayon::join(
                || feeds::all(model),
                || {
                    if !default {
                        return (Ok(Vec::new()), None);
                    }
                    let (api, ics) = rayon::join(
                        || crate::render::api::all(model),
                        || crate::render::ics::calendar_with(model, memos.events),
                    );
                    (api, Some(ics))
                },
            );
            (feeds, api.map(|api| (api, ics)))
        },
    );
    let mut files = pages?;
    files.extend(feeds?.into_iter().map(Planned::file));
    if !default {
        for f in &mut files {
            f.path = format!("{prefix}{}", f.path);
        }
        files.extend(incidents?);
        return Ok(files);
    }
    let mut planned = files;
    let mut files = Vec::new();
    let (api, ics) = api_ics?;
    files.extend(api);
    files.extend(ics);
    files.push(build_info::file(model)?);
    files.extend(crate::render::badge::all(model));
    files.extend(shields::all(model)?);
    files.push(embed::script(model)?);
    files.extend(embed::page_files(model)?);
    for (path, bytes) in THEME_ASSETS {
        files.push(OutputFile::new(*path, *bytes));
    }
    files.extend(brand::stylesheet(&site.config));
    planned.extend(files.into_iter().map(Planned::file));
    let mut files = planned;
    files.extend(incidents?);
    // Site files last: they replace theme files of the same path.
    for (path, bytes) in &site.files {
        files.retain(|f| &f.path != path);
        files.push(Planned::file(OutputFile::new(path.clone(), bytes.clone())));
    }
    Ok(files)
}

/// The files of every language together, with the sitemap, `robots.txt` and `_headers`
/// (unless the site brings its own), sorted by path; the sitemap's files from `memo` when
/// it has them for the same paths.
fn finish<'m>(
    models: &[StatusModel],
    mut files: Vec<Planned<'m>>,
    memo: Option<&mut cache::SitemapMemo>,
) -> Vec<Planned<'m>> {
    let Some(model) = models.first() else {
        return files;
    };
    let site = model.site;
    files.par_sort_by(|a, b| a.path.cmp(&b.path));
    let find =
        |files: &[Planned], path: &str| files.binary_search_by(|f| f.path.as_str().cmp(path));
    // After the site's files, so that their HTML pages are listed, unless they bring a
    // sitemap.xml or robots.txt of their own; and the headers of every page, unless the
    // site brings a `_headers` of its own. Side by side: each reads every path.
    let (sitemap, rules) = rayon::join(
        || sitemap_files(site, &files, memo),
        || {
            find(&files, headers::PATH)
                .is_err()
                .then(|| headers::file(files.iter().map(|f| f.path.as_str())))
                .map(Planned::file)
        },
    );
    for f in sitemap.into_iter().chain(rules) {
        if let Err(at) = find(&files, &f.path) {
            files.insert(at, f);
        }
    }
    files
}

/// The sitemap and `robots.txt` of the site whose files are `files` (sorted by path): from
/// `memo` when it made them from the same configuration and paths (a digest of both), else
/// made now (and kept in `memo`).
fn sitemap_files<'m>(
    site: &Site,
    files: &[Planned],
    memo: Option<&mut cache::SitemapMemo>,
) -> Vec<Planned<'m>> {
    let paths = || files.iter().map(|f| f.path.as_str());
    let Some(memo) = memo else {
        let made = crate::render::sitemap::all(site, paths());
        return made.into_iter().map(Planned::file).collect();
    };
    let mut digest = xxhash_rust::xxh3::Xxh3::new();
    digest.update(format!("{:?}", site.config).as_bytes());
    for path in paths() {
        // Each path after its length: no two lists of paths give the same bytes.
        digest.update(&(path.len() as u64).to_le_bytes());
        digest.update(path.as_bytes());
    }
    let digest = digest.digest128();
    let planned = |made: &[(String, Arc<[u8]>, u128)]| -> Vec<Planned<'m>> {
        made.iter()
            .map(|(path, bytes, hash)| Planned {
                path: path.clone(),
                body: Body::Shared(Arc::clone(bytes), *hash),
            })
            .collect()
    };
    if let Some((_, made)) = memo.as_ref().filter(|(seen, _)| *seen == digest) {
        return planned(made);
    }
    let made: Vec<(String, Arc<[u8]>, u128)> = crate::render::sitemap::all(site, paths())
        .into_iter()
        .map(|f| {
            let hash = content_hash(&f.bytes);
            (f.path, f.bytes.into(), hash)
        })
        .collect();
    let files = planned(&made);
    *memo = Some((digest, made));
    files
}

/// Every `incidents/<id>/index.html` of an announced incident (the others have no page
/// yet), rendered or taken from `cache`; when `cache` keeps them, as shared bytes with
/// their hash.
fn incident_pages<'m>(
    model: &StatusModel,
    cache: &mut PageMemo,
) -> Result<Vec<Planned<'m>>, Error> {
    let site = model.site;
    let old = cache.start(|| format!("{:?}", site.config));
    let keep = cache.keeps();
    let parts = incident_parts(model)?;
    let announced: Vec<usize> = (0..site.incidents.len())
        .filter(|&n| model.incidents[n].announced)
        .collect();
    // Each page, and what the memo keeps of it.
    let pages: Vec<(usize, Planned<'m>, Kept<cache::Page>)> = announced
        .par_iter()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|&n| {
            let (i, st) = (&site.incidents[n], &model.incidents[n]);
            let path = incident_path(site.config.prefix(), &i.id);
            if let Some((k, seen)) = old
                .get(n, i)
                .filter(|(_, p)| p.key.matches(i, st, &site.config, model.now))
            {
                let body = Body::Shared(seen.bytes.clone(), seen.hash);
                return Ok((n, Planned { path, body }, Kept::Remembered(k)));
            }
            let file = incident_page(&path, model, n, &parts)?;
            if !keep {
                let body = Body::Bytes(file.bytes);
                return Ok((n, Planned { path, body }, Kept::Made(None)));
            }
            let hash = content_hash(&file.bytes);
            let bytes: Arc<[u8]> = file.bytes.into();
            let seen = cache::Page {
                key: PageKey::of(i, st, &site.config, model.now),
                bytes: Arc::clone(&bytes),
                hash,
            };
            let body = Body::Shared(bytes, hash);
            Ok((n, Planned { path, body }, Kept::Made(Some(seen))))
        })
        .collect::<Result<_, Error>>()?;
    let rendered = pages
        .iter()
        .filter(|(_, _, kept)| matches!(kept, Kept::Made(_)))
        .count();
    let (files, kept): (Vec<Planned>, Vec<_>) = pages
        .into_iter()
        .map(|(n, file, kept)| (file, (n, kept)))
        .unzip();
    cache.finish(old, &site.incidents, kept, rendered);
    Ok(files)
}

/// The output path of the page of the incident `id`, under `prefix` (the language's folder):
/// `<prefix>incidents/<id>/index.html`, made at its exact size (ten thousand of them per
/// build).
fn incident_path(prefix: &str, id: &str) -> String {
    const FOLDER: &str = "incidents/";
    const PAGE: &str = "/index.html";
    let mut path = String::with_capacity(prefix.len() + FOLDER.len() + id.len() + PAGE.len());
    for part in [prefix, FOLDER, id, PAGE] {
        path.push_str(part);
    }
    path
}

/// The page of incident `n` at `path`, with the layout parts all incident pages share;
/// written into a buffer sized for its posts (the bulk of it) and the rest, so that it
/// neither grows nor needs copying.
fn incident_page(
    path: &str,
    model: &StatusModel,
    n: usize,
    parts: &std::sync::Arc<ChromeParts>,
) -> Result<OutputFile, Error> {
    let posts: usize = model.site.incidents[n]
        .posts
        .iter()
        .map(|p| p.html.len() + 512)
        .sum();
    let chrome = parts.head.len() + parts.header.len() + parts.footer.len();
    let mut html = String::with_capacity(posts + chrome + 2048);
    incident(model, n, parts)?
        .render_into(&mut html)
        .map_err(|e| Error::Render(format!("{path}: {e}")))?;
    Ok(OutputFile::new(path, html.into_bytes()))
}

/// `template` rendered: into a buffer that each thread keeps from one page to the next
/// (a page never grows a fresh buffer, page by page), then copied at its exact size.
fn page(path: &str, template: impl Template) -> Result<OutputFile, Error> {
    thread_local! {
        static BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        template
            .render_into(buffer)
            .map_err(|e| Error::Render(format!("{path}: {e}")))?;
        let bytes = buffer.as_bytes().to_vec();
        // A very large page (the front page of a long history) is not kept.
        if buffer.capacity() > 1 << 20 {
            *buffer = String::new();
        }
        Ok(OutputFile::new(path, bytes))
    })
}

/// `"../"` repeated once per folder in `path`.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The absolute URL of a page from its folder path (`incidents/x/`), in the language the
/// site is seen in.
pub fn absolute(site: &Site, folder: &str) -> String {
    format!("{}{}{folder}", site.config.base_url, site.config.prefix())
}
