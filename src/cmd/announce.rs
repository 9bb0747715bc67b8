//! `vigie announce`: one post, printed ready to paste or send ([`crate::announce`]).

pub use crate::announce::AnnounceOptions;
use crate::error::Error;

/// Runs `vigie announce`: the post on standard output.
pub fn run(options: &AnnounceOptions) -> Result<(), Error> {
    print!("{}", crate::announce::announce(options)?);
    Ok(())
}
