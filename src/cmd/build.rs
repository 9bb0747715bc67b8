//! `vigie build`: the site's stages chained, the output replaced atomically, and nothing
//! done at all when the output already holds this build.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::derive;
use crate::error::{print_warnings, Diagnostic, Error};
use crate::load;
use crate::pipeline::{load_site, Caches};
use crate::render;
use crate::write::{self, Stamp, WriteReport};

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
    pub write: WriteReport,
    /// When the site will next say something else ([`derive::next_change`]).
    pub next_change: Option<DateTime<Utc>>,
    /// The site's warnings at `now`; none when the output was already this build's, since
    /// nothing was read.
    pub warnings: Vec<Diagnostic>,
    /// How long each stage took: `list`, `load`, `derive`, `render`, `write` (for the
    /// benchmark; empty when the output was already this build's).
    pub stages: Vec<(&'static str, std::time::Duration)>,
}

impl BuildReport {
    /// The closing message: `built … in 0.25 s`, then `next change: …` on a line of its own.
    pub fn message(&self, out: &Path, elapsed: std::time::Duration) -> String {
        let w = &self.write;
        let what = if w.unchanged {
            "unchanged".to_string()
        } else {
            format!("{} written, {} removed", w.written, w.removed)
        };
        let next = self
            .next_change
            .map_or_else(|| "none".to_string(), crate::model::time::iso);
        format!(
            "built {} incidents into {} ({} files: {what}) in {:.2} s\nnext change: {next}",
            self.incidents,
            out.display(),
            self.files,
            elapsed.as_secs_f64()
        )
    }
}

/// Runs `vigie build` and says what it did.
pub fn run(options: &BuildOptions) -> Result<(), Error> {
    let started = std::time::Instant::now();
    let report = build(options)?;
    // On standard error, before the closing lines: standard output stays as it was.
    print_warnings(&report.warnings);
    println!("{}", report.message(&options.out, started.elapsed()));
    Ok(())
}

/// `vigie build`: generate the site and replace the output with it, atomically.
pub fn build(options: &BuildOptions) -> Result<BuildReport, Error> {
    build_with(options, &mut Caches::unused())
}

/// [`build`], remembering parsed incidents and rendered incident pages in `caches` from
/// one build to the next (`vigie watch`, which builds when something changed): the output
/// is the same as [`build`]'s.
pub fn build_with(options: &BuildOptions, caches: &mut Caches) -> Result<BuildReport, Error> {
    check_output_place(&options.root, &options.out)?;
    let mut clock = StageClock::start();
    // Same inputs, options and program as the build that made the output, and the output
    // untouched since: it is already right, and nothing needs to be parsed or compared.
    // Without such an output, the inputs' metadata is only needed for the next build: it
    // is taken as each file is read. A build that remembers is called because something
    // changed: it goes the whole way at once (the write still finds an unchanged output).
    let previous = if caches.parse.keeps() {
        None
    } else {
        write::current_stamp(&options.out)
    };
    // A build that remembers parses lists the files' metadata too: a file listed as it was
    // when it was parsed is not read again. When a watcher says what changed since the
    // last build, only those paths are looked at again.
    let changes = std::mem::take(&mut caches.changes);
    let kept = caches.listing.take();
    let relisted = kept.and_then(|files| files.relisted(&options.root, &changes));
    let mut files = relisted.unwrap_or_else(|| {
        load::list_incident_files(&options.root, previous.is_some() || caches.parse.keeps())
    });
    let others = load::list_other_inputs(&options.root);
    if let Some(previous) = previous {
        if build_key(options, &files, &others) == Some(previous.key) {
            // The output is exactly what that build wrote, `api/build.json` included.
            if let Some(next_change) = recorded_next_change(&options.out) {
                return Ok(BuildReport {
                    incidents: previous.incidents,
                    files: previous.files,
                    write: WriteReport {
                        unchanged: true,
                        ..Default::default()
                    },
                    next_change,
                    warnings: Vec::new(),
                    stages: Vec::new(),
                });
            }
        }
    }
    clock.lap("list");
    let site = load_site(
        &options.root,
        options.drafts,
        options.base_url.as_deref(),
        &mut caches.parse,
        &mut files,
    )?;
    clock.lap("load");
    // The site in its other languages.
    let translated = crate::pipeline::translated_with(&site, &mut caches.translated);
    // The files as they were read.
    let listed = files;
    let (key, models) = rayon::join(
        || build_key(options, &listed, &others),
        || crate::pipeline::models(&site, &translated, options.now),
    );
    let model = &models[0];
    clock.lap("derive");
    // The same files as `generate`'s; each incident page is rendered as it is written.
    let files = render::plan_with(&models, &mut caches.pages)?;
    clock.lap("render");
    let write = match key {
        Some(key) => {
            let stamp = Stamp {
                key,
                incidents: site.incidents.len(),
                files: files.len(),
            };
            write::write_stamped(&options.out, &files, &stamp, &mut caches.manifests)?
        }
        None => write::write(&options.out, &files)?,
    };
    clock.lap("write");
    let report = BuildReport {
        incidents: site.incidents.len(),
        files: files.len(),
        write,
        next_change: model.next_change(),
        warnings: derive::warnings::warnings(&site, options.now),
        stages: clock.stages,
    };
    drop(files);
    drop(models);
    if caches.parse.keeps() {
        caches.listing = Some(listed);
    }
    // Freeing a hundred thousand allocations (twice as many in two languages) takes a
    // noticeable while at 10,000 incidents; nothing waits for it.
    std::thread::spawn(move || drop((site, translated)));
    Ok(report)
}

/// The time of each stage of a build, as it goes.
struct StageClock {
    last: std::time::Instant,
    stages: Vec<(&'static str, std::time::Duration)>,
}

impl StageClock {
    fn start() -> StageClock {
        StageClock {
            last: std::time::Instant::now(),
            stages: Vec::new(),
        }
    }

    /// Ends stage `name`, and starts the next.
    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.stages.push((name, now - self.last));
        self.last = now;
    }
}

/// The next change recorded in the output's `api/build.json`; `None` when the file is
/// missing or unreadable (the build then goes the long way and computes it).
fn recorded_next_change(out: &Path) -> Option<Option<DateTime<Utc>>> {
    let bytes = std::fs::read(out.join(render::build_info::PATH)).ok()?;
    render::build_info::recorded_next_change(&bytes)
}

/// What decides a build's output: the inputs' fingerprint, the options and this program
/// (its version and its executable's size and time). `None` when an input cannot be read.
fn build_key(
    options: &BuildOptions,
    files: &load::IncidentFiles,
    others: &load::OtherInputs,
) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    load::fingerprint(&options.root, files, others)?.hash(&mut h);
    (
        options.now,
        options.drafts,
        &options.base_url,
        env!("CARGO_PKG_VERSION"),
    )
        .hash(&mut h);
    let exe = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    (exe.len(), exe.modified().ok()).hash(&mut h);
    Some(h.finish())
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
