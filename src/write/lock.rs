//! The output's lock: two builds of the same output take turns.

use std::fs;
use std::io;
use std::path::Path;

use crate::error::Error;

/// Held while a build changes the staging folder and swaps it in: two builds of the same
/// output at once (a deploy job and a person, say) take turns, so neither swaps in a
/// staging folder the other is still writing. Released when dropped (or when the process
/// dies: the lock belongs to the open file).
pub(super) struct OutputLock {
    _file: fs::File,
}

impl OutputLock {
    pub(super) fn take(out: &Path) -> Result<OutputLock, Error> {
        let path = super::sibling(out, "vigie-lock");
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            // SAFETY: the descriptor is open for as long as `file` lives.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
                return Err(Error::io(&path, io::Error::last_os_error()));
            }
        }
        Ok(OutputLock { _file: file })
    }
}
