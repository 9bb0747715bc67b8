//! Writes a realistic generated site of N incidents, for benchmarks:
//! `cargo run --release --example gen-site -- DIR N`, then
//! `vigie build --root DIR --now 2026-11-25T12:00:00+01:00`.

#[path = "../tests/support/gen.rs"]
mod gen;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(Ok(n)), None) = (
        args.first(),
        args.get(1).map(|n| n.replace('_', "").parse::<usize>()),
        args.get(2),
    ) else {
        eprintln!("usage: gen-site DIR N   (N incidents; DIR empty, missing or generated before)");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    match gen::generate(&dir, n) {
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
