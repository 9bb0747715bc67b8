//! [`FileLock`]: an exclusive lock on a file, so that two runs on the same thing (a build of
//! one output, a notify run on one ledger) take turns.

use std::fs;
use std::path::Path;

use crate::error::Error;

/// Held while alive: the lock is released when it is dropped, or when the process dies
/// (the lock belongs to the open file).
pub struct FileLock {
    _file: fs::File,
}

impl FileLock {
    /// Takes the lock on the file at `path` (made, with its folder, if missing), waiting
    /// while another process holds it.
    pub fn take(path: &Path) -> Result<FileLock, Error> {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            // SAFETY: the descriptor is open for as long as `file` lives.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
                return Err(Error::io(path, std::io::Error::last_os_error()));
            }
        }
        Ok(FileLock { _file: file })
    }
}
