//! vigie: a static status-page and incident announcement generator.
//!
//! A site is a `site.yaml` and Markdown incident files; `vigie build` turns it into a
//! static site. The work is done in four stages, each a folder, each using only the ones
//! before it (ARCHITECTURE.md):
//!
//! 1. [`load`] reads the site into a [`model::Site`] (the only reader of the input);
//! 2. [`derive`] works out what it means at a moment `now` (pure);
//! 3. [`render`] produces every output file in memory;
//! 4. [`write`] writes them, atomically (the only writer of the output).
//!
//! [`cmd`] has one module per command; [`run`] turns a parsed command line into the
//! command's options. [`serve`] (the preview) and [`publish`] (`vigie watch`) share the
//! watching of the sources ([`watch`]).

pub mod announce;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod derive;
pub mod error;
pub mod file_lock;
pub mod import;
pub mod ingest;
pub mod load;
pub mod memo;
pub mod model;
pub mod new_file;
pub mod notify;
pub mod parallel;
pub mod pipeline;
pub mod publish;
pub mod render;
pub mod serve;
pub mod watch;
pub mod write;

use cli::{root_or_cwd, Cli, CliCommand, ImportFrom};
use clock::resolve_now;
use error::Error;

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
            cmd::build::run(&cmd::build::BuildOptions {
                out: out.unwrap_or_else(|| root.join("public")),
                root,
                now: resolve_now(now.as_deref())?,
                drafts,
                base_url,
            })
        }
        CliCommand::Check { root, now } => cmd::check::run(&cmd::check::CheckOptions {
            root: root_or_cwd(root),
            now: resolve_now(now.as_deref())?,
        }),
        CliCommand::Init {
            dir,
            title,
            language,
            timezone,
            force,
            now,
        } => cmd::init::run(&cmd::init::InitOptions {
            dir: root_or_cwd(dir),
            title,
            language,
            timezone,
            force,
            now: resolve_now(now.as_deref())?,
        }),
        CliCommand::New {
            title,
            severity,
            components,
            start,
            end,
            root,
            now,
        } => cmd::new::run(&cmd::new::NewOptions {
            root: root_or_cwd(root),
            title,
            severity,
            components,
            start,
            end,
            now: resolve_now(now.as_deref())?,
        }),
        CliCommand::Announce {
            id,
            post,
            format,
            lang,
            root,
            now,
        } => cmd::announce::run(&cmd::announce::AnnounceOptions {
            root: root_or_cwd(root),
            id,
            post: announce::PostChoice::parse(&post)?,
            format,
            lang,
            now: resolve_now(now.as_deref())?,
        }),
        CliCommand::Notify {
            root,
            now,
            dry_run,
            since,
            ledger,
        } => {
            let root = root_or_cwd(root);
            let since = since
                .map(|s| {
                    chrono::DateTime::parse_from_rfc3339(s.trim())
                        .map(|t| t.with_timezone(&chrono::Utc))
                        .map_err(|_| Error::Usage(format!("--since `{s}` is not an RFC 3339 time; write e.g. 2026-11-20T12:00:00+01:00")))
                })
                .transpose()?;
            cmd::notify::run(&cmd::notify::NotifyOptions {
                ledger: ledger.unwrap_or_else(|| root.join(notify::LEDGER)),
                root,
                now: resolve_now(now.as_deref())?,
                dry_run,
                since,
            })
        }
        CliCommand::Watch {
            root,
            out,
            publish,
            max_wait,
            retry_delay,
            poll,
            notify,
            now,
        } => {
            if let Some(now) = now {
                return Err(Error::Usage(format!(
                    "`vigie watch` builds at the current time and again at each change: it takes no --now (`{now}`); `vigie build --now TIME` builds for a fixed moment"
                )));
            }
            let max_wait = cmd::watch::duration("--max-wait", &max_wait)?;
            if max_wait < std::time::Duration::from_secs(1) {
                return Err(Error::Usage("--max-wait must be at least 1s".to_string()));
            }
            let retry_delay = cmd::watch::duration("--retry-delay", &retry_delay)?;
            if retry_delay.is_zero() {
                return Err(Error::Usage(
                    "--retry-delay must be more than 0s".to_string(),
                ));
            }
            let root = root_or_cwd(root);
            cmd::watch::run(&cmd::watch::WatchOptions {
                out: out.unwrap_or_else(|| root.join("public")),
                root,
                publish,
                max_wait,
                retry_delay,
                poll,
                notify,
            })
        }
        CliCommand::Ingest { format, root, now } => cmd::ingest::run(&cmd::ingest::IngestOptions {
            root: root_or_cwd(root),
            format,
            now: resolve_now(now.as_deref())?,
        }),
        CliCommand::Receive {
            listen,
            token_env,
            root,
            then,
        } => cmd::receive::run(&cmd::receive::ReceiveOptions {
            root: root_or_cwd(root),
            listen: listen.parse().map_err(|_| {
                Error::Usage(format!(
                    "--listen `{listen}` is not an address and port, e.g. 127.0.0.1:9095"
                ))
            })?,
            token: cmd::receive::token_from_env(&token_env)?,
            then,
        }),
        CliCommand::Import { from } => cmd::import::run(&import_options(from)?),
        CliCommand::Serve {
            root,
            port,
            bind,
            drafts,
            poll,
        } => cmd::serve::run(&cmd::serve::ServeOptions {
            root: root_or_cwd(root),
            port,
            bind,
            drafts,
            poll,
        }),
    }
}

/// `vigie import`'s options, its time zone checked.
fn import_options(from: ImportFrom) -> Result<cmd::import::ImportOptions, Error> {
    let (source, target) = match from {
        ImportFrom::Cstate {
            src,
            target,
            timezone,
        } => {
            let tz = timezone.trim().parse::<chrono_tz::Tz>().map_err(|_| {
                let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
                let hint = error::did_you_mean(timezone.trim(), names)
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                Error::Usage(format!(
                    "--timezone `{timezone}` is not a time zone; {hint}write an IANA name such as Europe/Paris or UTC"
                ))
            })?;
            (
                cmd::import::ImportSource::Cstate { src, timezone: tz },
                target,
            )
        }
        ImportFrom::Statuspage { sources, target } => {
            (cmd::import::ImportSource::Statuspage { sources }, target)
        }
    };
    Ok(cmd::import::ImportOptions {
        source,
        into: root_or_cwd(target.into),
        dry_run: target.dry_run,
        force: target.force,
    })
}
