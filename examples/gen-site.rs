//! Writes a realistic generated site of N incidents, for benchmarks:
//! `cargo run --release --example gen-site -- DIR N`, then
//! `vigie build --root DIR --now 2026-11-25T12:00:00+01:00`.
//!
//! With `--components C`, a provider's site instead: C components in ten groups (fewer
//! when C < 10) and N incidents over the last 90 days (the front page's measurements in
//! BENCHMARKS.md: `gen-site DIR 300 --components 120`).

#[path = "../tests/support/gen.rs"]
mod gen;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |k: usize| args.get(k).map(|n| n.replace('_', "").parse::<usize>());
    let components = match (args.get(2).map(String::as_str), number(3), args.get(4)) {
        (None, None, None) => Ok(None),
        (Some("--components"), Some(Ok(c)), None) if c > 0 => Ok(Some(c)),
        _ => Err(()),
    };
    let (Some(dir), Some(Ok(n)), Ok(components)) = (args.first(), number(1), components) else {
        eprintln!(
            "usage: gen-site DIR N [--components C]   (N incidents; DIR empty, missing or generated before;\n\
             with --components, C components in ten groups and N incidents over the last 90 days)"
        );
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let written = match components {
        None => gen::generate(&dir, n),
        Some(c) => gen::generate_provider(&dir, c, c.min(10), n, 90),
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
