//! Watching the site's sources: `site.yaml`, `incidents/`, `static/` and `themes/*/static/`,
//! never the output folder. Editor temp files are ignored; everything else is a reason to
//! rebuild once the burst of changes has settled. Used by `vigie serve` and `vigie watch`.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{
    self, Event, EventHandler, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
    WatcherKind,
};
use notify_debouncer_full::{
    new_debouncer_opt, DebounceEventResult, Debouncer, NoCache, RecommendedCache,
};

use crate::error::{self, Error};

/// How long the debouncer holds each event before passing it on.
const DEBOUNCE: Duration = Duration::from_millis(100);
/// How often the debouncer looks for events old enough to pass on.
const TICK: Duration = Duration::from_millis(25);
/// How long the main loop waits after a batch for another one before rebuilding: with
/// [`DEBOUNCE`], a burst of changes must be quiet for about 200 ms to make one rebuild.
pub const SETTLE: Duration = Duration::from_millis(100);
/// How often `--poll` scans the sources.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The source folders under the root, watched recursively when they exist.
const FOLDERS: [&str; 3] = ["incidents", "static", "themes"];

enum Inner {
    Events(Debouncer<ContentWatcher<RecommendedWatcher>, RecommendedCache>),
    Poll(Debouncer<ContentWatcher<PollWatcher>, NoCache>),
}

/// A watcher that passes on only events that can mean new content (see
/// [`changes_content`]). inotify reports every file opened under a watched folder, and each
/// rebuild opens every incident file: at 10,000 incidents the debouncer queuing those
/// events, only for the main loop to ignore them, took as much CPU as the rebuild itself.
pub struct ContentWatcher<W>(W);

impl<W: notify::Watcher> notify::Watcher for ContentWatcher<W> {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let filter = move |event: notify::Result<Event>| {
            let wanted = match &event {
                Ok(e) => e.need_rescan() || changes_content(&e.kind),
                Err(_) => true,
            };
            if wanted {
                handler.handle_event(event);
            }
        };
        W::new(filter, config).map(ContentWatcher)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn configure(&mut self, option: notify::Config) -> notify::Result<bool> {
        self.0.configure(option)
    }

    fn kind() -> WatcherKind {
        W::kind()
    }
}

impl Inner {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Inner::Events(d) => d.watch(path, mode),
            Inner::Poll(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) {
        let _ = match self {
            Inner::Events(d) => d.unwatch(path),
            Inner::Poll(d) => d.unwatch(path),
        };
    }
}

/// The watcher of one site, handing debounced batches to a callback.
pub struct Watcher {
    root: PathBuf,
    inner: Inner,
    /// The source folders being watched now.
    watched: BTreeSet<&'static str>,
    /// What the events said changed since [`Watcher::take_changes`].
    changes: crate::load::Changes,
}

impl Watcher {
    /// Starts watching `root` (absolute); `poll` scans instead of using file system events.
    pub fn start(
        root: &Path,
        poll: bool,
        handler: impl FnMut(DebounceEventResult) + Send + 'static,
    ) -> Result<Watcher, Error> {
        let failed = |e: notify::Error| {
            Error::Refused(format!(
                "cannot watch `{}`: {e}; --poll scans instead",
                root.display()
            ))
        };
        let inner = if poll {
            // notify's poller compares modification times in whole seconds: two saves within
            // one second would look unchanged without comparing contents too.
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Inner::Poll(
                new_debouncer_opt(DEBOUNCE, Some(TICK), handler, NoCache, config)
                    .map_err(failed)?,
            )
        } else {
            let config = notify::Config::default();
            Inner::Events(
                new_debouncer_opt(
                    DEBOUNCE,
                    Some(TICK),
                    handler,
                    RecommendedCache::new(),
                    config,
                )
                .map_err(failed)?,
            )
        };
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            inner,
            watched: BTreeSet::new(),
            changes: crate::load::Changes::unknown(),
        };
        // The root itself, not recursively: site.yaml (also when an editor replaces it by a
        // rename) and the creation of a source folder; never public/.
        watcher
            .inner
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(failed)?;
        watcher.refresh();
        Ok(watcher)
    }

    /// Watches the source folders that exist now and were not watched yet (created since,
    /// or deleted and created again).
    pub fn refresh(&mut self) {
        for folder in FOLDERS {
            let path = self.root.join(folder);
            if !path.is_dir() {
                if self.watched.remove(folder) {
                    self.inner.unwatch(&path);
                }
                continue;
            }
            if self.watched.contains(folder) {
                continue;
            }
            // What the folder held before it was watched is not in any event.
            self.changes.lose();
            match self.inner.watch(&path, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.watched.insert(folder);
                }
                Err(e) => error::print_error(&Error::Refused(format!(
                    "cannot watch `{}`: {e}",
                    path.display()
                ))),
            }
        }
    }

    /// What the events said changed in the sources since [`Watcher::take_changes`].
    pub fn changes(&self) -> &crate::load::Changes {
        &self.changes
    }

    /// What the events said changed in the sources since the last call (or since the
    /// watcher started): their paths, or unknown when events were lost.
    pub fn take_changes(&mut self) -> crate::load::Changes {
        std::mem::replace(&mut self.changes, crate::load::Changes::none())
    }

    /// Whether a batch calls for a rebuild. Watcher errors are printed and count as a
    /// change, since events may have been lost. The sources it names are kept for
    /// [`Watcher::take_changes`].
    pub fn is_relevant(&mut self, result: &DebounceEventResult) -> bool {
        match result {
            Ok(events) => {
                let mut relevant = false;
                for event in events {
                    if event.need_rescan() {
                        self.changes.lose();
                        relevant = true;
                    } else if changes_content(&event.kind) {
                        for path in &event.paths {
                            match path.strip_prefix(&self.root) {
                                Ok(rel) if is_source(rel) => {
                                    self.changes.add(rel);
                                    relevant = true;
                                }
                                Ok(_) => {}
                                // Not under the root as watched: not a path to trust.
                                Err(_) => self.changes.lose(),
                            }
                        }
                    }
                    // A source folder deleted and made again needs a new watch.
                    if event
                        .paths
                        .iter()
                        .any(|p| FOLDERS.iter().any(|f| *p == self.root.join(f)))
                    {
                        self.watched.clear();
                    }
                }
                relevant
            }
            Err(errors) => {
                for e in errors {
                    error::print_error(&Error::Refused(format!("watching files: {e}")));
                }
                self.changes.lose();
                true
            }
        }
    }
}

/// Whether an event can mean new content: reading a file (as every rebuild does) cannot.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Whether `rel` (relative to the site root) is a source whose change can change the site.
fn is_source(rel: &Path) -> bool {
    let parts: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str().unwrap_or(""),
            _ => "",
        })
        .collect();
    if parts.is_empty() || parts.iter().any(|p| p.is_empty() || p.starts_with('.')) {
        return false;
    }
    if parts.last().is_some_and(|name| is_editor_temp(name)) {
        return false;
    }
    match parts.as_slice() {
        ["site.yaml"] => true,
        ["incidents", ..] | ["static", ..] | ["themes"] => true,
        // Templates are compiled into vigie: only a theme's static files change the site.
        ["themes", _] => true,
        ["themes", _, "static", ..] => true,
        _ => false,
    }
}

/// Names editors write next to the file being edited: swap, backup, lock and probe files.
fn is_editor_temp(name: &str) -> bool {
    let vim_swap = name.len() > 4 && {
        let tail = &name.as_bytes()[name.len() - 4..];
        tail.starts_with(b".sw") && tail[3].is_ascii_lowercase()
    };
    vim_swap
        || name.ends_with('~')
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
        || name == "4913"
}

/// Watches the site at `root` (polling if `poll`) and hands, on one channel, its batches of
/// changes and Ctrl-C or SIGTERM, for the loops of `serve` and `watch`.
pub fn watch_until_stopped(
    root: &Path,
    poll: bool,
) -> Result<(Watcher, std::sync::mpsc::Receiver<Message>), Error> {
    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = Watcher::start(root, poll, {
        let tx = tx.clone();
        move |result| {
            let _ = tx.send(Message::Changes(result));
        }
    })?;
    ctrlc::set_handler(move || {
        let _ = tx.send(Message::Stop);
    })
    .map_err(|e| Error::Refused(format!("cannot handle Ctrl-C and SIGTERM: {e}")))?;
    Ok((watcher, rx))
}

/// What a loop that watches the sources waits for.
pub enum Message {
    /// A debounced batch of file system events (or watcher errors).
    Changes(notify_debouncer_full::DebounceEventResult),
    /// Ctrl-C or SIGTERM.
    Stop,
}

/// How a burst of changes ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Settled {
    /// Quiet for [`SETTLE`]: time to build.
    Quiet,
    /// Ctrl-C or SIGTERM, or the watcher is gone.
    Stop,
}

/// Waits for a burst of changes to settle: the debouncer delays each event, but a burst
/// longer than its delay still arrives in several batches; they must make one build.
pub fn settle(rx: &std::sync::mpsc::Receiver<Message>, watcher: &mut Watcher) -> Settled {
    use std::sync::mpsc::RecvTimeoutError;
    loop {
        match rx.recv_timeout(SETTLE) {
            Ok(Message::Changes(more)) => {
                watcher.is_relevant(&more);
            }
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return Settled::Stop,
            Err(RecvTimeoutError::Timeout) => return Settled::Quiet,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_the_config_the_incidents_and_the_static_files() {
        for rel in [
            "site.yaml",
            "incidents/2024/a.md",
            "incidents",
            "static/CNAME",
            "themes/default/static/style.css",
            "themes/x",
        ] {
            assert!(is_source(Path::new(rel)), "{rel}");
        }
    }

    #[test]
    fn the_output_templates_and_other_files_are_not_sources() {
        for rel in [
            "public/index.html",
            "public",
            "themes/default/templates/layout.html",
            "README.md",
            "site.yaml.bak2",
        ] {
            assert!(!is_source(Path::new(rel)), "{rel}");
        }
    }

    #[test]
    fn editor_temp_files_are_ignored() {
        for rel in [
            "incidents/.a.md.swp",
            "incidents/a.md.swx",
            "incidents/a.md~",
            "incidents/#a.md#",
            "incidents/.#a.md",
            "incidents/4913",
            "incidents/a.md.tmp",
            "site.yaml~",
            ".site.yaml.swp",
            "static/.git/config",
        ] {
            assert!(!is_source(Path::new(rel)), "{rel}");
        }
    }
}
