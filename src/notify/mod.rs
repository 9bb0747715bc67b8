//! `vigie notify`: every new post, and the other events of an incident's life, delivered
//! once to each channel of `notify` in site.yaml.
//!
//! A run loads the site (no drafts), works out the events due at `now` ([`events`]),
//! compares them with the ledger of what each channel already got ([`ledger`]), then
//! delivers the rest, oldest first, recording each delivery in the ledger as soon as it
//! is made. A channel that fails stops for this run (so that its subscribers never get
//! an update before the post it follows) and is retried on the next; the others go on.
//! A channel's first run sends nothing old: it starts the channel's record at `now` (or
//! `--since`).

pub mod channel;
pub mod events;
pub mod ledger;
pub mod message;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::derive;
use crate::error::Error;
use crate::load::{self, LoadOptions};
use crate::model::lang::Lang;

use channel::{destination, specs, Channel, Spec};
use events::{events, new_windows, Event};
use ledger::{Ledger, LedgerLock, Outcome};
use message::Message;

/// Where the ledger lives, under the site's folder, unless `--ledger` says otherwise.
pub const LEDGER: &str = ".vigie/notified";

/// Options of `vigie notify`.
#[derive(Debug, Clone)]
pub struct NotifyOptions {
    pub root: PathBuf,
    pub now: DateTime<Utc>,
    /// Print what would be sent; change nothing.
    pub dry_run: bool,
    /// Events due before this are recorded, not sent (a channel's first run: instead of
    /// `now`).
    pub since: Option<DateTime<Utc>>,
    /// The ledger's path [default: `<root>/.vigie/notified`].
    pub ledger: PathBuf,
}

/// What a run did, channel by channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// (channel, event id) delivered, in order.
    pub sent: Vec<(String, String)>,
    /// How many events were recorded without being sent (too old, or before `--since`).
    pub skipped: usize,
    /// Channels seen for the first time, with how many past events they leave aside.
    pub started: Vec<(String, usize)>,
    /// Channels that failed, with why.
    pub failed: Vec<(String, String)>,
}

/// One event for one channel: what to do with it.
enum Plan {
    Send,
    Skip,
}

/// Runs `vigie notify`, printing what it sends (or would send) on standard output.
pub fn run(options: &NotifyOptions) -> Result<Report, Error> {
    let site = load::load(&options.root, &LoadOptions { drafts: false })?;
    let Some(notify) = site.config.notify.as_ref() else {
        return Err(Error::Refused(
            "site.yaml has no `notify`: there is nowhere to send\n  = help: add `notify:` with `email:` or `webhooks:` (docs/notify.md)".to_string(),
        ));
    };
    let now = options.now;
    // The site in each of its languages, for the channels that speak another than the
    // default; the events are the same in every language.
    let others = crate::pipeline::translated(&site);
    let models = crate::pipeline::models(&site, &others, now);
    let model = &models[0];
    let model_of = |spec: &Spec| -> &derive::StatusModel {
        spec.lang()
            .and_then(|l| models.iter().find(|m| m.site.config.lang == l))
            .unwrap_or(model)
    };
    // A dry run changes nothing, and so neither waits for nor blocks a real one.
    let _lock = if options.dry_run {
        None
    } else {
        Some(LedgerLock::take(&options.ledger)?)
    };
    let mut ledger = Ledger::read(&options.ledger)?;
    for (id, window) in new_windows(model, &ledger.windows) {
        ledger.windows.entry(id).or_default().push((window, now));
    }
    let due = events(model, &ledger.windows, &notify.reminders);
    let specs = specs(notify);
    let mut report = Report::default();

    // What each channel has to do.
    let mut plans: Vec<Vec<(usize, Plan)>> = Vec::with_capacity(specs.len());
    for spec in &specs {
        let name = &spec.name();
        let start = match ledger.starts.get(name) {
            Some(start) => *start,
            None => {
                let start = options.since.unwrap_or(now);
                ledger.starts.insert(name.to_string(), start);
                let old = due.iter().filter(|e| e.due < start).count();
                report.started.push((name.to_string(), old));
                start
            }
        };
        let too_old = now - notify.max_age;
        let plan = due
            .iter()
            .enumerate()
            .filter(|(_, e)| e.due >= start && !ledger.has(name, &e.id))
            .map(|(k, e)| {
                let skip = e.due < too_old || options.since.is_some_and(|s| e.due < s);
                (k, if skip { Plan::Skip } else { Plan::Send })
            })
            .collect();
        plans.push(plan);
    }

    if options.dry_run {
        dry_run(&model_of, &specs, &plans, &due, &report);
        return Ok(report);
    }

    for (spec, plan) in specs.iter().zip(&plans) {
        for (k, p) in plan {
            if let Plan::Skip = p {
                ledger.record(&spec.name(), &due[*k].id, Outcome::Skipped, now);
                report.skipped += 1;
            }
        }
    }
    ledger.write(&options.ledger)?;

    let host = site.config.host();
    let mut channels: Vec<Option<Channel>> = Vec::with_capacity(specs.len());
    for spec in &specs {
        let needed = plans[channels.len()]
            .iter()
            .any(|(_, p)| matches!(p, Plan::Send));
        channels.push(if needed {
            match Channel::open(spec, &host, &options.root) {
                Ok(c) => Some(c),
                Err(why) => {
                    report.failed.push((spec.name(), why));
                    None
                }
            }
        } else {
            None
        });
    }

    // Oldest event first, to every channel that still has it to send.
    let sends: HashSet<(usize, usize)> = plans
        .iter()
        .enumerate()
        .flat_map(|(c, plan)| {
            plan.iter()
                .filter(|(_, p)| matches!(p, Plan::Send))
                .map(move |(k, _)| (c, *k))
        })
        .collect();
    let mut messages: HashMap<(usize, Option<Lang>), Message> = HashMap::new();
    for (k, event) in due.iter().enumerate() {
        for (c, spec) in specs.iter().enumerate() {
            let name = &spec.name();
            if !sends.contains(&(c, k)) || report.failed.iter().any(|(f, _)| f == name) {
                continue;
            }
            let Some(channel) = &channels[c] else {
                continue;
            };
            let model = model_of(spec);
            let m = messages
                .entry((k, spec.lang()))
                .or_insert_with(|| Message::new(model, event));
            match channel.deliver(model, m) {
                Ok(()) => {
                    ledger.record(name, &event.id, Outcome::Sent, now);
                    ledger.write(&options.ledger)?;
                    println!("sent to {name}: {} ({})", event.id, m.headline());
                    report.sent.push((name.to_string(), event.id.clone()));
                }
                Err(why) => {
                    report
                        .failed
                        .push((name.to_string(), format!("{}: {why}", event.id)));
                }
            }
        }
    }
    Ok(report)
}

/// Prints, channel by channel, what a run would send.
fn dry_run<'m>(
    model_of: &dyn Fn(&Spec) -> &'m derive::StatusModel<'m>,
    specs: &[Spec],
    plans: &[Vec<(usize, Plan)>],
    due: &[Event],
    report: &Report,
) {
    for (spec, plan) in specs.iter().zip(plans) {
        let name = &spec.name();
        let model = model_of(spec);
        println!("{name} ({}):", destination(spec));
        if let Some((_, old)) = report.started.iter().find(|(n, _)| n == name) {
            println!("  first run: {old} past events would be recorded, not sent");
        }
        let mut any = false;
        for (k, p) in plan {
            let e = &due[*k];
            let m = Message::new(model, e);
            match p {
                Plan::Send => {
                    any = true;
                    match spec {
                        Spec::Email(mail, _) => println!(
                            "  would send {} to {}: {}",
                            e.id,
                            channel::recipients(mail, model, &m).join(", "),
                            m.headline()
                        ),
                        Spec::Webhook(_) => println!("  would send {}: {}", e.id, m.headline()),
                    }
                }
                Plan::Skip => println!(
                    "  would record {} without sending (too old, or before --since)",
                    e.id
                ),
            }
        }
        if !any {
            println!("  nothing to send");
        }
    }
}

/// The closing line of a run: what was sent, recorded, skipped.
pub fn summary(report: &Report) -> String {
    let mut parts = vec![format!(
        "{} message{} sent",
        report.sent.len(),
        if report.sent.len() == 1 { "" } else { "s" }
    )];
    if report.skipped > 0 {
        parts.push(format!(
            "{} too old or before --since, recorded without sending",
            report.skipped
        ));
    }
    for (name, old) in &report.started {
        parts.push(format!(
            "first run of `{name}`: {old} past event{} left aside",
            if *old == 1 { "" } else { "s" }
        ));
    }
    parts.join("; ")
}

/// `t` in RFC 3339, to the second, in UTC.
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}
