//! The systemd unit shipped in docs/ is one systemd accepts: `systemd-analyze verify` on a
//! copy whose ExecStart runs the vigie under test (verify checks that the binary exists).

use std::fs;
use std::process::Command;

use crate::common::*;

#[test]
fn the_watch_unit_passes_systemd_analyze_verify() {
    require(
        "systemd-analyze",
        Command::new("systemd-analyze").arg("--version"),
        "apt-get install -y systemd",
    );
    let unit = fs::read_to_string(repo().join("docs/vigie-watch.service")).unwrap();
    let exec = unit
        .lines()
        .find(|l| l.starts_with("ExecStart="))
        .expect("the unit has an ExecStart");
    assert!(
        exec.starts_with("ExecStart=/usr/local/bin/vigie watch "),
        "{exec}"
    );
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("vigie-watch.service");
    fs::write(
        &copy,
        unit.replace("/usr/local/bin/vigie", env!("CARGO_BIN_EXE_vigie")),
    )
    .unwrap();
    let run = Run::from(
        Command::new("systemd-analyze")
            .arg("verify")
            .arg(&copy)
            .output()
            .unwrap(),
    );
    run.success();
    // Unknown keys and other mistakes are only warnings: there must be none.
    assert_eq!(run.stderr, "", "systemd-analyze verify warned");
}

#[test]
fn the_watch_unit_s_command_line_is_one_vigie_accepts() {
    let unit = fs::read_to_string(repo().join("docs/vigie-watch.service")).unwrap();
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart=/usr/local/bin/vigie "))
        .unwrap();
    // systemd's quoting here is the shell's: single quotes group the publish command.
    let words = Command::new("sh")
        .arg("-c")
        .arg(format!("for w in {exec}; do printf '%s\\n' \"$w\"; done"))
        .output()
        .unwrap();
    let words: Vec<String> = String::from_utf8(words.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(words[0], "watch");
    assert!(words.iter().any(|w| w == "--publish"), "{words:?}");
    // The arguments parse: with --help added, clap answers before running anything.
    let run = Run::from(vigie().args(&words).arg("--help").output().unwrap());
    run.success();
}
