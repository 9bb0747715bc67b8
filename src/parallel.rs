//! How long parallel loops are cut up.

/// The most items of a long parallel loop (files to parse, pages to write) that one
/// thread takes in a row. rayon otherwise splits a loop in a few long runs, and the
/// thread that finishes first waits for the other at the end of every stage (about 15 ms
/// of one core idle per stage at 10,000 incidents).
pub const SMALL_TASKS: usize = 16;
