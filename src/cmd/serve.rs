//! `vigie serve`: a local preview that rebuilds on change ([`crate::serve`]).

use crate::error::Error;
pub use crate::serve::ServeOptions;

/// Runs `vigie serve` until interrupted.
pub fn run(options: &ServeOptions) -> Result<(), Error> {
    crate::serve::serve(options)
}
