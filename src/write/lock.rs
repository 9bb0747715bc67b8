//! The output's lock: two builds of the same output take turns.

use std::path::Path;

use crate::error::Error;
use crate::file_lock::FileLock;

/// Held while a build changes the staging folder and swaps it in: two builds of the same
/// output at once (a deploy job and a person, say) take turns, so neither swaps in a
/// staging folder the other is still writing.
pub(super) struct OutputLock {
    _lock: FileLock,
}

impl OutputLock {
    pub(super) fn take(out: &Path) -> Result<OutputLock, Error> {
        let path = super::sibling(out, "vigie-lock");
        Ok(OutputLock {
            _lock: FileLock::take(&path)?,
        })
    }
}
