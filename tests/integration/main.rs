//! Integration tests: the built `vigie` binary run on fixture sites.
//!
//! One test binary, one module per feature. Fixture sites live in `tests/fixtures/<case>/`
//! and are copied into a temporary folder before each run.

mod common;
/// The site generator shared with `examples/gen-site.rs` and the benchmark.
#[path = "../support/gen.rs"]
mod gen;

mod announce;
mod api;
mod atomic;
mod authors;
mod branding;
mod build;
mod cli;
mod deploy;
mod embed;
mod errors;
mod example_snapshots;
mod feeds;
mod front_page;
mod hostile;
mod import;
mod ingest;
mod init;
mod languages;
mod layers;
mod live;
mod next_change;
mod notify;
mod receive;
mod scale;
mod serve;
mod serve_cache;
mod systemd;
mod timeline;
mod warnings;
mod watch;
