//! One module per command: its options, what it does, and what it says when done.
//! [`crate::run`] turns the parsed command line into these options.

pub mod announce;
pub mod build;
pub mod check;
pub mod import;
pub mod ingest;
pub mod init;
pub mod new;
pub mod notify;
pub mod receive;
pub mod serve;
pub mod watch;
