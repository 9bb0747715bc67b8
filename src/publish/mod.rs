//! `vigie watch`: keeps a published site true. It builds at once, then again whenever a
//! source changes ([`crate::watch`]), when the site's next change comes
//! ([`crate::derive::next_change`]) and at least every `max_wait` (a clock that jumps, or a
//! change of the sources gone unseen, is caught that way). After every build that changed
//! files it runs the publish command ([`command`]); one that fails is tried again after a
//! growing delay ([`schedule`]), and a newer build replaces it. A build that fails prints
//! its diagnostics and leaves the output as it was. Ctrl-C or SIGTERM stop it between two
//! builds.
//!
//! The build itself is passed in (the `build` command's, from [`crate::cmd::watch`]): this
//! loop only decides when to build and when to publish.

pub mod command;
pub mod schedule;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::error::{self, Error};
use crate::load::digest::SourceDigest;
use crate::load::Changes;
use crate::watch;
use command::Outcome;
use schedule::{retry_delay, Retry, Schedule};

/// Options of `vigie watch`.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The site's folder.
    pub root: PathBuf,
    /// Where the site is built.
    pub out: PathBuf,
    /// The shell command that publishes the output, if any.
    pub publish: Option<String>,
    /// The longest wait between two builds.
    pub max_wait: Duration,
    /// The wait before the first retry of a failed publish (doubled at each failure).
    pub retry_delay: Duration,
    /// Watch by polling instead of file system events.
    pub poll: bool,
    /// Run `vigie notify` whenever the published site is up to date (see [`watch`]).
    pub notify: bool,
}

/// What one build did, as the loop needs to know it.
#[derive(Debug, Clone)]
pub struct Built {
    /// Whether any output file was written or removed.
    pub changed: bool,
    /// When the site will next say something else.
    pub next_change: Option<DateTime<Utc>>,
    /// What to print about it.
    pub message: String,
}

/// Runs `vigie watch` until Ctrl-C or SIGTERM, building with `build` at the moment given.
/// With `options.notify`, runs `notify` at the moment given whenever the published site is
/// up to date: after a successful publish (after a build, without a publish command), and
/// after a build that changed nothing while no publish waits to be retried. `notify`
/// prints what it did and says what failed; its own record makes a second run send nothing.
/// After a build that changed the output, once it is published, `settle` does what makes
/// the next build cheaper while nothing happens.
pub fn watch(
    options: &WatchOptions,
    build: impl FnMut(DateTime<Utc>, Changes) -> Result<Built, Error>,
    settle: impl FnMut(),
    notify: impl FnMut(DateTime<Utc>) -> Result<(), Error>,
) -> Result<(), Error> {
    if !options.root.is_dir() {
        return Err(Error::Usage(format!(
            "--root `{}` is not a folder",
            options.root.display()
        )));
    }
    // Events carry absolute paths: compare them with an absolute root.
    let root = std::fs::canonicalize(&options.root).map_err(|e| Error::io(&options.root, e))?;
    let out = std::path::absolute(&options.out).map_err(|e| Error::io(&options.out, e))?;
    let (mut watcher, rx) = watch::watch_until_stopped(&root, options.poll)?;

    let mut publisher = Publisher {
        root: &root,
        out: &out,
        options,
        build,
        settle,
        notify,
        digest: SourceDigest::new(),
        last_good: false,
        schedule: Schedule {
            next_change: None,
            last_build: Instant::now(),
            max_wait: options.max_wait,
            retry: None,
        },
    };
    publisher.digest.look(&root);
    publisher.build(watcher.take_changes())?;
    println!("watching {} — Ctrl-C to stop", root.display());

    loop {
        let wait = publisher.schedule.wait(clock()?, Instant::now());
        match rx.recv_timeout(wait) {
            Ok(watch::Message::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Ok(watch::Message::Changes(result)) => {
                if !watcher.is_relevant(&result) {
                    continue;
                }
                if watch::settle(&rx, &mut watcher) == watch::Settled::Stop {
                    break;
                }
                watcher.refresh();
                // A file saved again as it was, or touched, changes nothing: no build, so
                // nothing to publish. After a failed build, any event is worth a try.
                if !publisher.digest.look_with(&root, watcher.changes()) && publisher.last_good {
                    println!("no change in the sources");
                    continue;
                }
                publisher.build(watcher.take_changes())?;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if publisher.schedule.build_due(clock()?, Instant::now()) {
                    publisher.digest.look_with(&root, watcher.changes());
                    publisher.build(watcher.take_changes())?;
                } else if publisher.schedule.retry_due(Instant::now()) {
                    publisher.publish();
                }
            }
        }
    }
    println!("stopped");
    Ok(())
}

/// The loop's state between two events.
struct Publisher<'a, B, S, N> {
    root: &'a Path,
    out: &'a Path,
    options: &'a WatchOptions,
    build: B,
    settle: S,
    notify: N,
    /// What the sources held at the last look.
    digest: SourceDigest,
    /// Whether the last build succeeded.
    last_good: bool,
    schedule: Schedule,
}

impl<B, S, N> Publisher<'_, B, S, N>
where
    B: FnMut(DateTime<Utc>, Changes) -> Result<Built, Error>,
    S: FnMut(),
    N: FnMut(DateTime<Utc>) -> Result<(), Error>,
{
    /// Builds at the current time, the sources having changed by `changes` since the last
    /// build, then publishes if that changed files. A build that fails is reported and the
    /// loop goes on, unless the command line itself is wrong.
    fn build(&mut self, changes: Changes) -> Result<(), Error> {
        let now = clock()?;
        let result = (self.build)(now, changes);
        self.schedule.last_build = Instant::now();
        match result {
            Ok(built) => {
                println!("{}", built.message);
                self.last_good = true;
                self.schedule.next_change = built.next_change;
                if built.changed {
                    // This build replaces any publish still waiting to be retried.
                    self.publish();
                    if self.options.publish.is_none() {
                        self.notify(now);
                    }
                    (self.settle)();
                } else if self.schedule.retry.is_none() {
                    // The published site is this build: what is due (a reminder) goes out.
                    self.notify(now);
                }
            }
            Err(e @ Error::Usage(_)) => return Err(e),
            Err(e) => {
                error::print_error(&e);
                println!(
                    "{} keeps the last good build until this is fixed",
                    self.out.display()
                );
                self.last_good = false;
                // Until a source changes (or the longest wait passes): building again at
                // once would fail the same way.
                self.schedule.next_change = None;
            }
        }
        Ok(())
    }

    /// Runs `vigie notify` at `now`, when asked to; a failure is said, and the loop goes on
    /// (the next run retries what was not delivered).
    fn notify(&mut self, now: DateTime<Utc>) {
        if !self.options.notify {
            return;
        }
        if let Err(e) = (self.notify)(now) {
            error::print_error(&e);
        }
    }

    /// Runs the publish command, if there is one, and schedules a retry if it fails.
    fn publish(&mut self) {
        let Some(command) = &self.options.publish else {
            return;
        };
        let started = Instant::now();
        match command::publish(command, self.root, self.out) {
            Outcome::Done { stderr } => {
                eprint!("{stderr}");
                println!("published in {:.2} s", started.elapsed().as_secs_f64());
                self.schedule.retry = None;
                if let Ok(now) = clock() {
                    self.notify(now);
                }
            }
            Outcome::Failed { status, stderr } => {
                let failures = self.schedule.retry.map_or(0, |r| r.failures) + 1;
                let delay = retry_delay(self.options.retry_delay, failures);
                let mut message = format!(
                    "the publish command failed ({}): {command}",
                    command::describe(status)
                );
                for line in stderr.lines() {
                    message.push_str("\n  | ");
                    message.push_str(line);
                }
                message.push_str(&format!(
                    "\n  = retrying in {} (attempt {} failed)",
                    human(delay),
                    failures
                ));
                error::print_error(&Error::Refused(message));
                self.schedule.retry = Some(Retry {
                    failures,
                    due: Instant::now() + delay,
                });
            }
        }
    }
}

/// The current time. `vigie watch` refuses `SOURCE_DATE_EPOCH` before it starts, so this
/// is the clock.
fn clock() -> Result<DateTime<Utc>, Error> {
    crate::clock::resolve_now(None)
}

/// A delay as a person says it: `10 s`, `2 min 40 s`, `10 min`.
fn human(d: Duration) -> String {
    let secs = d.as_secs();
    match (secs / 60, secs % 60) {
        (0, 0) => format!("{} ms", d.as_millis()),
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_are_said_in_seconds_and_minutes() {
        let s = Duration::from_secs;
        assert_eq!(human(s(10)), "10 s");
        assert_eq!(human(s(160)), "2 min 40 s");
        assert_eq!(human(s(600)), "10 min");
        assert_eq!(human(Duration::from_millis(250)), "250 ms");
    }
}
