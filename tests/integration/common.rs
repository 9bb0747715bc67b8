//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixed moment every test builds at.
pub const NOW: &str = "2026-11-25T12:00:00+01:00";

/// The repository root (the example site).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site copied into a fresh temporary folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// Copies `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Site {
        let site = Site::empty();
        copy_dir(&repo().join("tests/fixtures").join(name), site.root());
        site
    }

    /// Copies the example site (site.yaml, incidents/, static/ of the repository).
    pub fn example() -> Site {
        let site = Site::empty();
        fs::copy(repo().join("site.yaml"), site.root().join("site.yaml")).unwrap();
        copy_dir(&repo().join("incidents"), &site.root().join("incidents"));
        if repo().join("static").is_dir() {
            copy_dir(&repo().join("static"), &site.root().join("static"));
        }
        site
    }

    pub fn empty() -> Site {
        Site {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
    }

    /// Runs `vigie ARGS --root <site>` (the root flag is added when the command takes it).
    pub fn vigie(&self, args: &[&str]) -> Run {
        let mut cmd = vigie();
        cmd.args(args)
            .arg("--root")
            .arg(self.root())
            .env_remove("SOURCE_DATE_EPOCH");
        Run::from(cmd.output().unwrap())
    }

    /// `vigie build --now NOW`.
    pub fn build(&self) -> Run {
        self.vigie(&["build", "--now", NOW])
    }
}

/// The binary under test, with a clean environment for colours.
pub fn vigie() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vigie"));
    cmd.env("NO_COLOR", "1");
    cmd
}

/// The outcome of a run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn success(&self) -> &Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn failure(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Standard error with the temporary site path replaced by `[SITE]`.
    pub fn stderr_in(&self, site: &Site) -> String {
        self.stderr
            .replace(&site.root().display().to_string(), "[SITE]")
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, relative and sorted, with its bytes.
pub fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}

/// Fails with how to install `tool` when it is missing: checkers never skip silently.
#[track_caller]
pub fn require(tool: &str, check: &mut Command, install: &str) {
    match check.output() {
        Ok(o) if o.status.success() => {}
        _ => panic!("{tool} is needed by this test and is missing; install it with `{install}` (tests/run does it)"),
    }
}

/// Runs a Python snippet with `args`, failing with an install hint when a module is missing.
#[track_caller]
pub fn python(script: &str, args: &[&str], modules: &[&str]) -> Run {
    for m in modules {
        require(
            &format!("the Python module {m}"),
            Command::new("python3").args(["-c", &format!("import {m}")]),
            &format!("python3 -m pip install {m}"),
        );
    }
    Run::from(
        Command::new("python3")
            .arg("-c")
            .arg(script)
            .args(args)
            .output()
            .unwrap(),
    )
}

/// `html` without the theme's script tags (`<script src="…assets/live.js" …></script>`,
/// external, with no body): what is left must hold no `<script` at all.
pub fn without_theme_script(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(k) = rest.find("<script") {
        out.push_str(&rest[..k]);
        let tag = rest[k..]
            .find("</script>")
            .map(|e| &rest[k..k + e + "</script>".len()]);
        match tag.filter(|t| is_theme_script(t)) {
            Some(t) => rest = &rest[k + t.len()..],
            None => {
                out.push_str("<script");
                rest = &rest[k + "<script".len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `tag` (from `<script` to `</script>`) is the theme's script: an address under
/// `assets/`, relative to the page's folder, and nothing between the tags.
pub fn is_theme_script(tag: &str) -> bool {
    let Some(rest) = tag.strip_prefix("<script src=\"") else {
        return false;
    };
    let src = &rest[..rest.find('"').unwrap_or(0)];
    let opening = &tag[..tag.find('>').unwrap_or(0) + 1];
    src.trim_start_matches("../") == "assets/live.js"
        && opening.len() + "</script>".len() == tag.len()
        && !opening[1..].contains('<')
}
