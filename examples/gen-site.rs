//! Writes a realistic generated site of N incidents, for benchmarks:
//! `cargo run --release --example gen-site -- DIR N`, then
//! `vigie build --root DIR --now 2026-11-25T12:00:00+01:00`.
//!
//! With `--components C`, a provider's site instead: C components in ten groups (fewer
//! when C < 10) and N incidents over the last 90 days (the front page's measurements in
//! BENCHMARKS.md: `gen-site DIR 300 --components 120`).
//!
//! With `--languages fr,en`, a site in French and English: English translation files for
//! nine incidents in ten, some with updates left untranslated.

#[path = "../tests/support/gen.rs"]
mod gen;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--languages fr,en`, anywhere.
    let languages = match args.iter().position(|a| a == "--languages") {
        Some(k) if k + 1 < args.len() => {
            let list: Vec<String> = args[k + 1].split(',').map(str::to_string).collect();
            args.drain(k..k + 2);
            Some(list)
        }
        Some(_) => {
            eprintln!("--languages needs a list, e.g. `--languages fr,en`");
            return ExitCode::from(2);
        }
        None => None,
    };
    let number = |k: usize| args.get(k).map(|n| n.replace('_', "").parse::<usize>());
    let components = match (args.get(2).map(String::as_str), number(3), args.get(4)) {
        (None, None, None) => Ok(None),
        (Some("--components"), Some(Ok(c)), None) if c > 0 => Ok(Some(c)),
        _ => Err(()),
    };
    let (Some(dir), Some(Ok(n)), Ok(components)) = (args.first(), number(1), components) else {
        eprintln!(
            "usage: gen-site DIR N [--components C] [--languages fr,en]   (N incidents; DIR empty, missing or generated before;\n\
             with --components, C components in ten groups and N incidents over the last 90 days)"
        );
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let written = match components {
        None => gen::generate(&dir, n),
        Some(c) => gen::generate_provider(&dir, c, c.min(10), n, 90),
    };
    let written = match (written, &languages) {
        (Ok(()), Some(list)) if components.is_none() => {
            let list: Vec<&str> = list.iter().map(String::as_str).collect();
            gen::add_languages(&dir, n, &list)
        }
        (Ok(()), Some(_)) => Err(std::io::Error::other(
            "--languages goes with the default site, not --components",
        )),
        (written, _) => written,
    };
    match written {
        Ok(()) => {
            println!(
                "wrote {n} incidents into {} (build it with --now {})",
                dir.display(),
                gen::NOW
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
