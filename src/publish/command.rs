//! The publish command: run with `sh -c` in the site's folder, the output folder in
//! `$VIGIE_OUT`, its standard error kept to be shown when it fails.

use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

/// The variable holding the output folder (absolute) in the publish command's environment.
pub const OUT_VARIABLE: &str = "VIGIE_OUT";

/// How a publish went.
#[derive(Debug)]
pub enum Outcome {
    /// Exit status 0; what it wrote to standard error, if anything.
    Done { stderr: String },
    /// It ran and failed (`status` is not a success), or could not be started
    /// (`status` is `None`, and `stderr` says why).
    Failed {
        status: Option<ExitStatus>,
        stderr: String,
    },
}

/// Runs `command` through `sh -c` in `root`, with `out` (absolute) in `$VIGIE_OUT`; its
/// standard output goes to vigie's, its standard error is collected.
pub fn publish(command: &str, root: &Path, out: &Path) -> Outcome {
    let child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(root)
        .env(OUT_VARIABLE, out)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            return Outcome::Failed {
                status: None,
                stderr: format!("cannot start `sh`: {e}"),
            }
        }
    };
    let mut stderr = Vec::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_end(&mut stderr);
    }
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    match child.wait() {
        Ok(status) if status.success() => Outcome::Done { stderr },
        Ok(status) => Outcome::Failed {
            status: Some(status),
            stderr,
        },
        Err(e) => Outcome::Failed {
            status: None,
            stderr: format!("{stderr}waiting for the command failed: {e}"),
        },
    }
}

/// What a failure says: `exit status 3`, `killed by signal 15`…
pub fn describe(status: Option<ExitStatus>) -> String {
    let Some(status) = status else {
        return "it could not run".to_string();
    };
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    status.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_runs_in_the_site_s_folder_with_the_output_in_its_environment() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let outcome = publish(
            "printf '%s %s' \"$PWD\" \"$VIGIE_OUT\" > seen",
            root.path(),
            &out,
        );
        assert!(matches!(outcome, Outcome::Done { .. }), "{outcome:?}");
        let seen = std::fs::read_to_string(root.path().join("seen")).unwrap();
        let pwd = std::fs::canonicalize(root.path()).unwrap();
        assert_eq!(seen, format!("{} {}", pwd.display(), out.display()));
    }

    #[test]
    fn a_failure_keeps_its_status_and_its_standard_error() {
        let root = tempfile::tempdir().unwrap();
        let outcome = publish(
            "echo 'host unreachable' >&2; exit 3",
            root.path(),
            root.path(),
        );
        match outcome {
            Outcome::Failed { status, stderr } => {
                assert_eq!(describe(status), "exit status 3");
                assert_eq!(stderr, "host unreachable\n");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_command_killed_by_a_signal_says_so() {
        let root = tempfile::tempdir().unwrap();
        match publish("kill -TERM $$", root.path(), root.path()) {
            Outcome::Failed { status, .. } => {
                assert_eq!(describe(status), "killed by signal 15")
            }
            other => panic!("{other:?}"),
        }
    }
}
