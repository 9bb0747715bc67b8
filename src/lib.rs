//! vigie: a static status-page and incident announcement generator.
//!
//! A site is a `site.yaml` and Markdown incident files; `vigie build` turns it into a
//! static site. The work is done in four stages, each a module:
//!
//! 1. [`content`] loads the site into a [`model::Site`] (the only reader of the input);
//! 2. [`status`] derives what it means at a moment `now` (pure);
//! 3. [`render`] and [`feeds`] produce every output file in memory;
//! 4. [`output`] writes them, atomically (the only writer of the output).
//!
//! Each subcommand is one function here taking a small options struct.

pub mod announce;
pub mod api;
pub mod badge;
pub mod cache;
pub mod cli;
pub mod config;
pub mod content;
pub mod error;
pub mod feeds;
pub mod i18n;
pub mod ics;
pub mod model;
pub mod new;
pub mod output;
pub mod render;
pub mod serve;
pub mod sitemap;
pub mod status;
pub mod yaml;

/// The most items of a long parallel loop (files to parse, pages to write) that one
/// thread takes in a row. rayon otherwise splits a loop in a few long runs, and the
/// thread that finishes first waits for the other at the end of every stage (about 15 ms
/// of one core idle per stage at 10,000 incidents).
pub(crate) const SMALL_TASKS: usize = 16;

/// The generator of large sites (benchmarks and scale tests), for unit tests.
#[cfg(test)]
#[path = "../tests/support/gen.rs"]
mod test_gen;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use cli::{resolve_now, root_or_cwd, Cli, CliCommand};
use content::LoadOptions;
use error::Error;
use model::Site;
use render::OutputFile;

/// Options of `vigie build`.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub now: DateTime<Utc>,
    pub drafts: bool,
    pub base_url: Option<String>,
}

/// What a build did, for the closing message.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub incidents: usize,
    pub files: usize,
    pub write: output::WriteReport,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        CliCommand::Build {
            root,
            out,
            now,
            drafts,
            base_url,
        } => {
            let root = root_or_cwd(root);
            let out = out.unwrap_or_else(|| root.join("public"));
            let options = BuildOptions {
                root,
                out,
                now: resolve_now(now.as_deref())?,
                drafts,
                base_url,
            };
            let started = std::time::Instant::now();
            let report = build(&options)?;
            let w = &report.write;
            let what = if w.unchanged {
                "unchanged".to_string()
            } else {
                format!("{} written, {} removed", w.written, w.removed)
            };
            println!(
                "built {} incidents into {} ({} files: {what}) in {:.2} s",
                report.incidents,
                options.out.display(),
                report.files,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        CliCommand::Check { root, now } => {
            let root = root_or_cwd(root);
            let (site, files) = generate(&root, resolve_now(now.as_deref())?, true, None)?;
            println!(
                "ok: {} incidents, {} components, {} files would be written; no errors",
                site.incidents.len(),
                site.config.components.len(),
                files.len()
            );
            Ok(())
        }
        CliCommand::New {
            title,
            severity,
            components,
            root,
            now,
        } => {
            let options = new::NewOptions {
                root: root_or_cwd(root),
                title,
                severity,
                components,
                now: resolve_now(now.as_deref())?,
            };
            let path = new::new_incident(&options)?;
            println!("created {}", path.display());
            Ok(())
        }
        CliCommand::Announce {
            id,
            post,
            format,
            root,
            now,
        } => {
            let options = announce::AnnounceOptions {
                root: root_or_cwd(root),
                id,
                post: announce::PostChoice::parse(&post)?,
                format,
                now: resolve_now(now.as_deref())?,
            };
            print!("{}", announce::announce(&options)?);
            Ok(())
        }
        CliCommand::Serve {
            root,
            port,
            bind,
            drafts,
            poll,
        } => serve::serve(&serve::ServeOptions {
            root: root_or_cwd(root),
            port,
            bind,
            drafts,
            poll,
        }),
    }
}

/// Loads, derives and renders the site at `root`: everything but writing.
pub fn generate(
    root: &Path,
    now: DateTime<Utc>,
    drafts: bool,
    base_url: Option<&str>,
) -> Result<(Site, Vec<OutputFile>), Error> {
    generate_with(root, now, drafts, base_url, &mut cache::Caches::unused())
}

/// [`generate`], remembering parsed incidents and rendered incident pages in `caches` from
/// one call to the next (`vigie serve`); the result is always the same as [`generate`]'s.
pub fn generate_with(
    root: &Path,
    now: DateTime<Utc>,
    drafts: bool,
    base_url: Option<&str>,
    caches: &mut cache::Caches,
) -> Result<(Site, Vec<OutputFile>), Error> {
    let mut files = content::list_incident_files(root, false);
    let site = load(root, drafts, base_url, &mut caches.parse, &mut files)?;
    let model = status::derive(&site, now);
    let files = render::site_with(&model, &mut caches.pages)?;
    drop(model);
    Ok((site, files))
}

/// The site at `root`, with `--base-url` applied.
fn load(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
    cache: &mut cache::ParseCache,
    files: &mut content::IncidentFiles,
) -> Result<Site, Error> {
    let mut site = content::load_listed(root, &LoadOptions { drafts }, cache, files)?;
    if let Some(url) = base_url {
        site.config.base_url = config::normalize_base_url(url).ok_or_else(|| {
            Error::Usage(format!("--base-url `{url}` is not an absolute http(s) URL"))
        })?;
    }
    Ok(site)
}

/// `vigie build`: generate the site and replace the output with it, atomically.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    check_output_place(&options.root, &options.out)?;
    // Same inputs, options and program as the build that made the output, and the output
    // untouched since: it is already right, and nothing needs to be parsed or compared.
    // Without such an output, the inputs' metadata is only needed for the next build: it
    // is taken as each file is read.
    let previous = output::current_stamp(&options.out);
    let mut files = content::list_incident_files(&options.root, previous.is_some());
    let others = content::list_other_inputs(&options.root);
    let key = previous
        .as_ref()
        .and_then(|_| build_key(options, &files, &others));
    if let (Some(key), Some(stamp)) = (&key, previous) {
        let mut words = stamp.split(' ');
        if words.next() == Some(key.as_str()) {
            if let (Some(Ok(incidents)), Some(Ok(files))) =
                (words.next().map(str::parse), words.next().map(str::parse))
            {
                let write = output::WriteReport {
                    unchanged: true,
                    ..Default::default()
                };
                return Ok(BuildReport {
                    incidents,
                    files,
                    write,
                });
            }
        }
    }
    let site = load(
        &options.root,
        options.drafts,
        options.base_url.as_deref(),
        &mut cache::ParseCache::unused(),
        &mut files,
    )?;
    // Of the files as they were read.
    let (key, model) = rayon::join(
        || build_key(options, &files, &others),
        || status::derive(&site, options.now),
    );
    // The same files as `generate`'s; each incident page is rendered as it is written.
    let files = render::plan(&model)?;
    let write = match &key {
        Some(key) => {
            let stamp = format!("{key} {} {}", site.incidents.len(), files.len());
            output::write_stamped(&options.out, &files, &stamp)?
        }
        None => output::write(&options.out, &files)?,
    };
    let report = BuildReport {
        incidents: site.incidents.len(),
        files: files.len(),
        write,
    };
    drop(files);
    drop(model);
    // Freeing a hundred thousand allocations takes a noticeable while at 10,000
    // incidents; nothing waits for it.
    std::thread::spawn(move || drop(site));
    Ok(report)
}

/// What decides a build's output: the inputs' fingerprint, the options and this program
/// (its version and its executable's size and time). `None` when an input cannot be read.
fn build_key(
    options: &BuildOptions,
    files: &content::IncidentFiles,
    others: &content::OtherInputs,
) -> Option<String> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    content::fingerprint(&options.root, files, others)?.hash(&mut h);
    (
        options.now,
        options.drafts,
        &options.base_url,
        env!("CARGO_PKG_VERSION"),
    )
        .hash(&mut h);
    let exe = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    (exe.len(), exe.modified().ok()).hash(&mut h);
    Some(format!("{:016x}", h.finish()))
}

/// Refuses an output folder that would hide or destroy the sources.
fn check_output_place(root: &Path, out: &Path) -> Result<(), Error> {
    let root = absolute(root);
    let out = absolute(out);
    let refuse = |why: &str| {
        Err(Error::Usage(format!(
            "refusing --out `{}`: {why}",
            out.display()
        )))
    };
    if out == root {
        return refuse(
            "it is the site's root; the output must be a folder of its own, e.g. public/",
        );
    }
    if root.starts_with(&out) {
        return refuse("it contains the site's sources");
    }
    for sources in ["incidents", "static", "themes"] {
        if out.starts_with(root.join(sources)) {
            return refuse(&format!(
                "it is inside {sources}/, which holds the site's sources"
            ));
        }
    }
    Ok(())
}

/// `path` made absolute and, as far as it exists, free of symbolic links and `..`.
fn absolute(path: &Path) -> PathBuf {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Canonicalize the longest existing ancestor, then add the rest back.
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(c) = std::fs::canonicalize(existing) {
            let mut out = c;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path,
        }
    }
}
