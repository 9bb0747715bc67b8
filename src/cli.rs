//! The command line as clap reads it. [`crate::run`] then turns a [`Cli`] into a command's
//! validated options (resolved paths, parsed times).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::announce::AnnounceFormat;

/// vigie: a static status page and incident announcements, from Markdown files.
#[derive(Debug, Parser)]
#[command(name = "vigie", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: CliCommand,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// The site's folder, holding site.yaml and incidents/ [default: the current folder].
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Where to write the site [default: <root>/public].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The moment to build for, RFC 3339 (e.g. 2026-11-20T12:00:00+01:00).
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        /// Include incidents marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Use this base URL instead of site.yaml's (for previews).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Validate the site and report every error; write nothing.
    Check {
        /// The site's folder, holding site.yaml and incidents/ [default: the current folder].
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The moment to check for, RFC 3339.
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    /// Create a new site: site.yaml, an example incident, static/, and the CI files that
    /// publish it on GitHub Pages and GitLab Pages.
    Init {
        /// The folder of the new site, created when missing [default: the current folder].
        dir: Option<PathBuf>,
        /// The site's title [default: "Service status", or "État des services" in French].
        #[arg(long, value_name = "T")]
        title: Option<String>,
        /// The language of the pages, fr or en [default: the system's when French, else en].
        #[arg(long, value_name = "fr|en")]
        language: Option<String>,
        /// The site's IANA time zone, e.g. Europe/Paris [default: the system's, from TZ,
        /// /etc/timezone or /etc/localtime, else UTC].
        #[arg(long, value_name = "ZONE")]
        timezone: Option<String>,
        /// Write into a folder that is not empty, adding the files that are missing; an
        /// existing file is never replaced.
        #[arg(long)]
        force: bool,
        /// The current time, RFC 3339: the example incident happened the day before
        /// [default: the clock].
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    /// Create incidents/YYYY-MM-DD-<slug>.md, starting now or at --start.
    New {
        /// The incident's title.
        title: String,
        /// major-outage, partial-outage, degraded, maintenance or notice. A maintenance is
        /// written with `published:` at the current time, so that it is announced at once.
        #[arg(long, default_value = "major-outage")]
        severity: String,
        /// Affected component ids, comma-separated [default: all].
        #[arg(long, value_delimiter = ',', value_name = "IDS")]
        components: Vec<String>,
        /// When it starts, as incident files write times: `YYYY-MM-DD HH:MM` in the site's
        /// time zone, or RFC 3339 [default: the current time].
        #[arg(long, value_name = "TIME")]
        start: Option<String>,
        /// When it ends, written the same way [default: no end].
        #[arg(long, value_name = "TIME")]
        end: Option<String>,
        /// The site's folder, holding site.yaml and incidents/ [default: the current folder].
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The current time, RFC 3339: the start without --start, a maintenance's
        /// `published` [default: the clock].
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    /// Build, serve on 127.0.0.1, rebuild and reload on change.
    Serve {
        /// The site's folder, holding site.yaml and incidents/ [default: the current folder].
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// The address to listen on; only change it if you mean to share the preview.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Include incidents marked `draft: true` [default: yes in serve].
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "BOOL")]
        drafts: bool,
        /// Watch by polling instead of file system events (for network or container mounts).
        #[arg(long)]
        poll: bool,
    },
    /// Build now, then again whenever a source changes or the site's next change comes;
    /// publish after each build that changed files.
    Watch {
        /// The site's folder, holding site.yaml and incidents/ [default: the current folder].
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// Where to write the site [default: <root>/public].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// A shell command run after each build that changed files, in the site's folder,
        /// with the output folder in $VIGIE_OUT (e.g. 'rsync -a --delete "$VIGIE_OUT/"
        /// host:/var/www/status/').
        #[arg(long, value_name = "CMD")]
        publish: Option<String>,
        /// The longest wait between two builds, e.g. 1h, 30m, 90s.
        #[arg(long, default_value = "1h", value_name = "DURATION")]
        max_wait: String,
        /// The wait before retrying a failed publish, doubled at each failure up to 10 min.
        #[arg(long, default_value = "10s", value_name = "DURATION")]
        retry_delay: String,
        /// Watch by polling instead of file system events (for network or container mounts).
        #[arg(long)]
        poll: bool,
        /// Run `vigie notify` once the site is published: after each successful publish
        /// (after each build without --publish), and after each build that finds the site
        /// unchanged, so that reminders go out at most --max-wait late.
        #[arg(long)]
        notify: bool,
        /// Not taken: `vigie watch` builds at the current time (kept to say so clearly).
        #[arg(long, value_name = "TIME", hide = true)]
        now: Option<String>,
    },
    /// Send what is new (posts, reminders, reschedulings, ends) once to each channel of
    /// `notify` in site.yaml.
    Notify {
        /// The site's folder, holding site.yaml and incidents/ [default: the current folder].
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The moment to notify at, RFC 3339 [default: the clock].
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
        /// Print what would be sent, channel by channel; send and record nothing.
        #[arg(long)]
        dry_run: bool,
        /// Record, without sending, what was due before this time, RFC 3339 (on a first
        /// run, send what came after it).
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// The record of what was delivered; keep it between runs [default:
        /// <root>/.vigie/notified].
        #[arg(long, value_name = "FILE")]
        ledger: Option<PathBuf>,
    },
    /// Write a vigie site from a cState site or a Statuspage page: site.yaml and one
    /// incident file per incident, then a report of what was mapped, approximated and
    /// dropped. Never replaces a file without --force.
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// Read one monitoring webhook body on standard input and open, or close, the incident
    /// it speaks of (a draft unless `ingest.publish`); say why when it changes nothing.
    Ingest {
        /// The sender's format.
        #[arg(value_enum)]
        format: crate::ingest::Format,
        /// The site's folder, holding site.yaml and incidents/ [default: the current folder].
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The moment the alert is received, RFC 3339 [default: the clock].
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
    /// Serve `vigie ingest` as a webhook endpoint: POST /alertmanager, /uptime-kuma and
    /// /json, with a bearer token, one request at a time.
    Receive {
        /// The address and port to listen on; keep it on loopback behind a proxy.
        #[arg(long, default_value = "127.0.0.1:9095", value_name = "ADDR:PORT")]
        listen: String,
        /// The environment variable holding the bearer token requests must carry.
        #[arg(long, value_name = "NAME")]
        token_env: String,
        /// The site's folder, holding site.yaml and incidents/ [default: the current folder].
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// A shell command run after each change, in the site's folder, with the changed
        /// file in $VIGIE_CHANGED and $1 (e.g. 'git add -A && git commit -m "$1" && git push').
        #[arg(long, value_name = "CMD")]
        then: Option<String>,
    },
    /// Print one post of an incident, ready for a forum, a mail or a chat.
    Announce {
        /// The incident's id (its file name without .md).
        id: String,
        /// Which post: 0 is the announcement, `latest` the newest.
        #[arg(long, default_value = "latest")]
        post: String,
        /// bbcode for a forum, markdown for a chat, text for a plain mail, email for a
        /// complete message to pipe to sendmail.
        #[arg(long, value_enum, default_value_t = AnnounceFormat::Text)]
        format: AnnounceFormat,
        /// The language to write it in, one of the site's `languages` [default: the
        /// site's default language].
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
        /// The site's folder, holding site.yaml and incidents/ [default: the current folder].
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The moment to announce at, RFC 3339 (dates the e-mail).
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
}

/// Where `vigie import` reads from.
#[derive(Debug, Subcommand)]
pub enum ImportFrom {
    /// A cState site (the Hugo theme): its config.yml or config.toml, and content/issues/.
    Cstate {
        /// The cState site's folder.
        #[arg(value_name = "SRC")]
        src: PathBuf,
        #[command(flatten)]
        target: ImportTarget,
        /// The time zone of dates written without one (an IANA name, e.g. Europe/Paris);
        /// also the new site's time zone.
        #[arg(long, default_value = "UTC", value_name = "ZONE")]
        timezone: String,
    },
    /// A Statuspage page: its address (https://status.example.com), or its API files
    /// (incidents.json, scheduled-maintenances.json, components.json) or a folder of them.
    Statuspage {
        #[arg(required = true, value_name = "URL|FILE")]
        sources: Vec<String>,
        #[command(flatten)]
        target: ImportTarget,
    },
}

/// Where and how `vigie import` writes.
#[derive(Debug, clap::Args)]
pub struct ImportTarget {
    /// The vigie site's folder, created if needed [default: the current folder].
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// Print the report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace files that exist and differ from what the import gives.
    #[arg(long)]
    pub force: bool,
}

/// The site root: `--root` or the current directory.
pub fn root_or_cwd(root: Option<PathBuf>) -> PathBuf {
    root.unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
