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
//! command's options.

pub mod announce;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod derive;
pub mod error;
pub mod load;
pub mod memo;
pub mod model;
pub mod parallel;
pub mod pipeline;
pub mod render;
pub mod serve;
pub mod write;

use cli::{root_or_cwd, Cli, CliCommand};
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
            root,
            now,
        } => cmd::announce::run(&cmd::announce::AnnounceOptions {
            root: root_or_cwd(root),
            id,
            post: announce::PostChoice::parse(&post)?,
            format,
            now: resolve_now(now.as_deref())?,
        }),
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
