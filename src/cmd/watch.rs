//! `vigie watch`: the `build` command run again whenever the site would say something else,
//! and the output published after each build that changed it ([`crate::publish`]).

use std::time::{Duration, Instant};

use super::build::{build_with, BuildOptions};
use crate::error::Error;
use crate::publish::Built;
pub use crate::publish::WatchOptions;

/// Runs `vigie watch` until Ctrl-C or SIGTERM.
pub fn run(options: &WatchOptions) -> Result<(), Error> {
    // The one clock setting besides `--now`: a pinned time would never reach the next
    // change.
    if let Some(epoch) = std::env::var_os("SOURCE_DATE_EPOCH") {
        return Err(Error::Usage(format!(
            "SOURCE_DATE_EPOCH is set ({}), but `vigie watch` builds at the current time: unset it",
            epoch.to_string_lossy()
        )));
    }
    if options.notify {
        let config = crate::load::load_config(&options.root)?;
        if config.notify.is_none() {
            return Err(Error::Usage(
                "--notify: site.yaml has no `notify`, so there is nowhere to send; add `notify:` with `email:` or `webhooks:` (docs/notify.md), or leave out --notify".to_string(),
            ));
        }
    }
    // Parses, incident pages and manifests kept from one build to the next; the build and
    // the work between builds take turns with them.
    let caches = std::cell::RefCell::new(crate::pipeline::Caches::new());
    crate::publish::watch(
        options,
        |now, changes| {
            let started = Instant::now();
            let mut caches = caches.borrow_mut();
            caches.changes = changes;
            let report = build_with(
                &BuildOptions {
                    root: options.root.clone(),
                    out: options.out.clone(),
                    now,
                    drafts: false,
                    base_url: None,
                },
                &mut caches,
            )?;
            let w = &report.write;
            Ok(Built {
                changed: !w.unchanged && (w.written > 0 || w.removed > 0),
                next_change: report.next_change,
                message: report.message(&options.out, started.elapsed()),
            })
        },
        || {
            // While nothing happens: the old output, now the staging folder, checked
            // against its manifest, so that the next build trusts it as it is. On
            // failure, that build checks it itself.
            let manifests = &mut caches.borrow_mut().manifests;
            let _ = crate::write::check_staging(&options.out, manifests);
        },
        |now| {
            super::notify::run(&super::notify::NotifyOptions {
                root: options.root.clone(),
                now,
                dry_run: false,
                since: None,
                ledger: options.root.join(crate::notify::LEDGER),
            })
        },
    )
}

/// Reads a duration given to `option`: a number and a unit (`ms`, `s`, `m` or `min`, `h`,
/// `d`), or several (`1h30m`).
pub fn duration(option: &str, text: &str) -> Result<Duration, Error> {
    parse_duration(text).ok_or_else(|| {
        Error::Usage(format!(
            "{option} `{text}` is not a duration; write e.g. 1h, 30m, 90s or 1h30m"
        ))
    })
}

fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let number: u64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => Duration::from_millis(1),
            "s" => Duration::from_secs(1),
            "m" | "min" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            "d" => Duration::from_secs(86_400),
            _ => return None,
        };
        total = total.checked_add(unit.checked_mul(u32::try_from(number).ok()?)?)?;
        rest = rest[unit_len..].trim_start();
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_a_unit_and_can_be_combined() {
        let s = Duration::from_secs;
        assert_eq!(parse_duration("1h"), Some(s(3600)));
        assert_eq!(parse_duration("30m"), Some(s(1800)));
        assert_eq!(parse_duration("30min"), Some(s(1800)));
        assert_eq!(parse_duration("90s"), Some(s(90)));
        assert_eq!(parse_duration("1h30m"), Some(s(5400)));
        assert_eq!(parse_duration("1h 30m"), Some(s(5400)));
        assert_eq!(parse_duration("2d"), Some(s(172_800)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        for bad in ["", "10", "h", "1 hour", "-1s", "1.5h", "1h30"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
