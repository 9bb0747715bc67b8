//! `vigie serve`: a local preview that rebuilds on change and reloads the browser.
//!
//! The site is generated in memory ([`crate::pipeline::generate_with`]) and served from a map of
//! output paths to bytes; `public/` is never written, so a preview never replaces what is
//! deployed. A watcher ([`watch`]) rebuilds the site after each burst of changes. A rebuild
//! runs every stage of a clean build, but keeps the parse of each incident file and each
//! rendered incident page from one rebuild to the next ([`crate::memo`]), and reuses those
//! whose inputs are unchanged: on a site of 10,000 incidents an edit then costs a few
//! hundred milliseconds instead of a second and more (BENCHMARKS.md). A failed rebuild
//! prints the usual diagnostics and keeps the last good site; the page shows them in an
//! overlay until the file is fixed ([`http`]).

mod http;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::Duration;

use crate::error::{self, Error};
use crate::pipeline::Caches;
use crate::render::OutputFile;
use crate::watch;

/// Options of `vigie serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site's folder.
    pub root: PathBuf,
    /// The port to listen on; 0 lets the system choose one.
    pub port: u16,
    /// The address to listen on (127.0.0.1 unless the user asks otherwise).
    pub bind: String,
    /// Include incidents marked `draft: true`.
    pub drafts: bool,
    /// Watch by polling instead of file system events.
    pub poll: bool,
}

/// How many worker threads answer ordinary requests (live-reload streams get their own).
const WORKERS: usize = 4;

/// The site being served and the outcome of the latest build, shared by every thread.
pub(crate) struct Live {
    root: PathBuf,
    drafts: bool,
    base_url: String,
    /// The files of the last good build.
    files: RwLock<Arc<Served>>,
    /// What rebuilds remember of each other.
    caches: Mutex<Caches>,
    state: Mutex<BuildState>,
    /// Signalled whenever `state` changes.
    changed: Condvar,
    /// Open live-reload streams, to keep their threads bounded.
    streams: AtomicUsize,
}

/// The files of one good build, as built: the live-reload script is added to HTML pages as
/// they are served, so that a rebuild does not have to copy every page to add it.
#[derive(Debug, Default)]
pub(crate) struct Served {
    /// The build they come from (0: none yet).
    pub generation: u64,
    /// Output path -> bytes.
    pub files: HashMap<String, Vec<u8>>,
}

/// The outcome of the latest build.
#[derive(Debug, Clone, Default)]
pub(crate) struct BuildState {
    /// Counts every build attempt, good or not.
    pub generation: u64,
    /// The generation whose files are served (0: no good build yet).
    pub good_generation: u64,
    /// The diagnostics of the latest build when it failed, as plain text.
    pub error: Option<String>,
    /// Set when the server shuts down, to end the live-reload streams.
    pub stopping: bool,
}

impl Live {
    fn new(root: PathBuf, drafts: bool, base_url: String) -> Live {
        Live {
            root,
            drafts,
            base_url,
            files: RwLock::new(Arc::new(Served::default())),
            caches: Mutex::new(Caches::new()),
            state: Mutex::new(BuildState::default()),
            changed: Condvar::new(),
            streams: AtomicUsize::new(0),
        }
    }

    /// The files of the last good build.
    pub(crate) fn files(&self) -> Arc<Served> {
        // A poisoned lock still holds a complete map: it is only ever replaced whole.
        Arc::clone(&self.files.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// A copy of the latest build's outcome.
    pub(crate) fn state(&self) -> BuildState {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until the state differs from `seen` generation or `timeout` passes.
    pub(crate) fn wait_change(&self, seen: u64, timeout: Duration) -> BuildState {
        let guard = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, timeout, |s| s.generation == seen && !s.stopping)
            .unwrap_or_else(PoisonError::into_inner);
        guard.clone()
    }

    /// Generates the site again, reusing what is unchanged since the last rebuild. On
    /// success the served files are replaced at once; on failure the diagnostics are
    /// printed and the last good files stay.
    pub(crate) fn rebuild(&self) -> Result<Rebuilt, Error> {
        let mut caches = self.caches.lock().unwrap_or_else(PoisonError::into_inner);
        // `now` is read at every rebuild so that a preview left open stays current.
        let result = crate::clock::resolve_now(None).and_then(|now| {
            crate::pipeline::generate_with(
                &self.root,
                now,
                self.drafts,
                Some(&self.base_url),
                &mut caches,
            )
        });
        let (parsed, rendered) = (caches.parse.last_parsed(), caches.pages.last_rendered());
        drop(caches);
        // The site and the files replaced are freed once the browsers have been told: at
        // 10,000 incidents that takes a few tens of milliseconds.
        let mut leftovers = None;
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.generation += 1;
        let outcome = match result {
            Ok((site, files)) => {
                let count = files.len();
                let served = Served {
                    generation: state.generation,
                    files: served_files(files),
                };
                let mut current = self.files.write().unwrap_or_else(PoisonError::into_inner);
                let replaced = std::mem::replace(&mut *current, Arc::new(served));
                drop(current);
                leftovers = Some((site, replaced));
                state.good_generation = state.generation;
                state.error = None;
                Ok(Rebuilt {
                    files: count,
                    parsed,
                    rendered,
                })
            }
            Err(e) => {
                state.error = Some(error_text(&e));
                Err(e)
            }
        };
        drop(state);
        self.changed.notify_all();
        drop(leftovers);
        outcome
    }

    fn stop(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .stopping = true;
        self.changed.notify_all();
    }
}

/// What a good rebuild did, for its message.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rebuilt {
    files: usize,
    /// Incident files parsed again (the others were unchanged).
    parsed: usize,
    /// Incident pages rendered again.
    rendered: usize,
}

/// The output files by path.
fn served_files(files: Vec<OutputFile>) -> HashMap<String, Vec<u8>> {
    files.into_iter().map(|f| (f.path, f.bytes)).collect()
}

/// The same text `error::print_error` prints, without colour, for the page overlay.
pub(crate) fn error_text(e: &Error) -> String {
    match e {
        Error::Content(diagnostics) => {
            let mut text: String = diagnostics.iter().map(|d| d.render(false) + "\n").collect();
            text.push_str(&error::summary(diagnostics));
            text
        }
        other => format!("error: {other}"),
    }
}

/// The address pages are previewed at, for `base_url` and the start message.
fn preview_url(addr: SocketAddr) -> String {
    let ip = addr.ip();
    let ip = if ip.is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        ip
    };
    match ip {
        IpAddr::V4(v4) => format!("http://{v4}:{}/", addr.port()),
        IpAddr::V6(v6) => format!("http://[{v6}]:{}/", addr.port()),
    }
}

/// `vigie serve`: builds, serves on `bind:port` and rebuilds on change until Ctrl-C.
pub fn serve(options: &ServeOptions) -> Result<(), Error> {
    if !options.root.is_dir() {
        return Err(Error::Usage(format!(
            "--root `{}` is not a folder",
            options.root.display()
        )));
    }
    // Events carry absolute paths: compare them with an absolute root.
    let root = std::fs::canonicalize(&options.root).map_err(|e| Error::io(&options.root, e))?;
    let (server, url) = listen(options)?;
    let live = Arc::new(Live::new(root.clone(), options.drafts, url.clone()));
    let (mut watcher, rx) = watch::watch_until_stopped(&root, options.poll)?;

    match live.rebuild() {
        Ok(done) => println!("built {} files in memory", done.files),
        Err(e) => error::print_error(&e),
    }
    // Printed before the first answer, so whoever sees the site answer has seen this line.
    println!("serving {url} — Ctrl-C to stop");
    let server = Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, live) = (Arc::clone(&server), Arc::clone(&live));
            std::thread::spawn(move || http::answer_requests(&server, &live))
        })
        .collect();

    while let Ok(watch::Message::Changes(result)) = rx.recv() {
        if !watcher.is_relevant(&result) {
            continue;
        }
        if watch::settle(&rx, &mut watcher) == watch::Settled::Stop {
            break;
        }
        watcher.refresh();
        rebuild(&live);
    }

    live.stop();
    for _ in &workers {
        server.unblock();
    }
    for worker in workers {
        let _ = worker.join();
    }
    println!("stopped");
    Ok(())
}

/// The server listening on `--bind`:`--port`, and the address to print.
fn listen(options: &ServeOptions) -> Result<(tiny_http::Server, String), Error> {
    let ip: IpAddr = options.bind.parse().map_err(|_| {
        Error::Usage(format!(
            "--bind `{}` is not an IP address (e.g. 127.0.0.1)",
            options.bind
        ))
    })?;
    let wanted = SocketAddr::new(ip, options.port);
    let server = tiny_http::Server::http(wanted)
        .map_err(|e| Error::Refused(format!("cannot listen on {wanted}: {e}")))?;
    let addr = server.server_addr().to_ip().unwrap_or(wanted);
    Ok((server, preview_url(addr)))
}

/// Rebuilds after a change and says how it went.
fn rebuild(live: &Live) {
    let started = std::time::Instant::now();
    match live.rebuild() {
        Ok(done) => println!(
            "rebuilt {} files in {} ms ({} incident files parsed, {} incident pages rendered)",
            done.files,
            started.elapsed().as_millis(),
            done.parsed,
            done.rendered
        ),
        Err(e) => {
            error::print_error(&e);
            println!("serving the last good build until this is fixed");
        }
    }
}
