//! `vigie notify`: deliver what is new to the channels of site.yaml ([`crate::notify`]).

use crate::error::Error;
pub use crate::notify::NotifyOptions;
use crate::notify::{run as notify, summary};

/// Runs `vigie notify`: one line per message sent, then a summary; an error naming each
/// channel that failed (the next run retries them).
pub fn run(options: &NotifyOptions) -> Result<(), Error> {
    let report = notify(options)?;
    if options.dry_run {
        println!("dry run: nothing sent, nothing recorded");
        return Ok(());
    }
    println!("{}", summary(&report));
    if report.failed.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = report
        .failed
        .iter()
        .map(|(name, why)| format!("channel `{name}`: {why}"))
        .collect();
    Err(Error::Refused(format!(
        "{}\n  = help: what was delivered is recorded in `{}`; the next run retries the rest",
        lines.join("\n"),
        options.ledger.display()
    )))
}
