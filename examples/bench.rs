//! The build benchmark: `cargo run --release --example bench -- [N...]` (default 1000 10000
//! 50000). For each N it generates a site in /dev/shm, then measures, with the release
//! `vigie` binary:
//!
//! - a full build into an empty output, several times (median), each followed by the
//!   floor: `cp -r` of the produced tree, in the same run so that both see the same load;
//! - a second build with nothing changed (it must rewrite no file: inodes and mtimes are
//!   compared), then builds after editing one incident (the first one mirrors the output
//!   with hard links, the next ones reuse the staging folder);
//! - the peak memory (`/usr/bin/time -v`, "Maximum resident set size") and the largest
//!   HTML page, which must stay under 512 KB;
//! - the time of each stage of a full build (list, load, derive, render, write: `vigie
//!   build`'s own, which renders each incident page as it writes it), in this process.
//!
//! `BENCH_LANGUAGES=fr,en` benches a site in those languages (gen-site's `--languages`);
//! `BENCH_RUNS` sets the number of full builds per N (default 5, 3 above 20,000);
//! `BENCH_DIR` the working folder (default /dev/shm/vigie-bench); `BENCH_VIGIE` another
//! `vigie` binary to time (an older build, to compare under the same load; the in-process
//! stages are always those of this checkout).

#[path = "../tests/support/gen.rs"]
mod gen;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

const MAX_PAGE: u64 = 512 * 1024;

/// One run of the `vigie` binary.
struct Run {
    wall: Duration,
    cpu: Duration,
    rss_kb: u64,
}

/// The figures for one N.
struct Figures {
    n: usize,
    files: usize,
    full: Duration,
    full_cpu: Duration,
    floor: Duration,
    unchanged: Duration,
    first_edit: Duration,
    first_edit_written: usize,
    next_edit: Duration,
    next_edit_written: usize,
    rss_kb: u64,
    largest: (u64, String),
    stages: Vec<(&'static str, Duration)>,
    watch: Watch,
}

/// `vigie watch`'s rebuilds, in this process, with its caches.
struct Watch {
    /// One incident edited (median of three edits), and the files written.
    edit: Duration,
    edit_written: usize,
    /// The stages of the median edit's rebuild.
    edit_stages: Vec<(&'static str, Duration)>,
    /// `now` moved past the site's next change (median of three), and the files written.
    transition: Duration,
    transition_written: usize,
    transition_stages: Vec<(&'static str, Duration)>,
}

fn main() -> ExitCode {
    let ns: Vec<usize> = {
        let given: Vec<usize> = std::env::args()
            .skip(1)
            .filter_map(|a| a.replace('_', "").parse().ok())
            .collect();
        if given.is_empty() {
            vec![1_000, 10_000, 50_000]
        } else {
            given
        }
    };
    let vigie = match vigie_binary() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if !Path::new("/usr/bin/time").exists() {
        eprintln!("error: /usr/bin/time is missing (apt-get install -y time)");
        return ExitCode::FAILURE;
    }
    let base =
        PathBuf::from(std::env::var("BENCH_DIR").unwrap_or_else(|_| "/dev/shm/vigie-bench".into()));
    if !base.starts_with("/dev/shm") {
        eprintln!(
            "warning: {} is not in /dev/shm; disk figures are only indicative",
            base.display()
        );
    }
    let mut all = Vec::new();
    let mut failed = false;
    for &n in &ns {
        match bench(&vigie, &base, n) {
            Ok(f) => {
                print_figures(&f);
                if f.largest.0 > MAX_PAGE {
                    eprintln!(
                        "FAIL: {} is {} bytes, over {MAX_PAGE}",
                        f.largest.1, f.largest.0
                    );
                    failed = true;
                }
                all.push(f);
            }
            Err(e) => {
                eprintln!("error at N = {n}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    print_goals(&all);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The release binary next to this example, built first when run through cargo.
fn vigie_binary() -> Result<PathBuf, String> {
    if let Ok(given) = std::env::var("BENCH_VIGIE") {
        let bin = PathBuf::from(given);
        return if bin.is_file() {
            Ok(bin)
        } else {
            Err(format!("BENCH_VIGIE: {} is not a file", bin.display()))
        };
    }
    if let Ok(cargo) = std::env::var("CARGO") {
        let ok = Command::new(cargo)
            .args(["build", "--release", "--quiet", "--bin", "vigie"])
            .status()
            .map_err(|e| e.to_string())?;
        if !ok.success() {
            return Err("cargo build --release failed".into());
        }
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("vigie"))
        .ok_or("no target folder")?;
    if !bin.is_file() {
        return Err(format!(
            "{} is missing: run `cargo build --release` first",
            bin.display()
        ));
    }
    Ok(bin)
}

fn bench(vigie: &Path, base: &Path, n: usize) -> Result<Figures, String> {
    let site = base.join(format!("site-{n}"));
    let out = base.join(format!("out-{n}"));
    let copy = base.join(format!("copy-{n}"));
    eprintln!("N = {n}: generating {}", site.display());
    gen::generate(&site, n).map_err(|e| e.to_string())?;
    if let Ok(list) = std::env::var("BENCH_LANGUAGES") {
        let list: Vec<&str> = list.split(',').collect();
        gen::add_languages(&site, n, &list).map_err(|e| e.to_string())?;
    }
    let runs = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(if n > 20_000 { 3 } else { 5 });

    let (mut full, mut cpu, mut floor, mut rss) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for r in 0..runs {
        remove(&out)?;
        remove(&vigie::write::staging_dir(&out))?;
        remove(&copy)?;
        let run = build(vigie, &site, &out)?;
        let started = Instant::now();
        let ok = Command::new("cp")
            .arg("-r")
            .arg(&out)
            .arg(&copy)
            .status()
            .map_err(|e| e.to_string())?;
        floor.push(started.elapsed());
        if !ok.success() {
            return Err("cp -r failed".into());
        }
        eprintln!(
            "  run {}: build {:.3} s, cp -r {:.3} s",
            r + 1,
            run.wall.as_secs_f64(),
            floor[r].as_secs_f64()
        );
        full.push(run.wall);
        cpu.push(run.cpu);
        rss = rss.max(run.rss_kb);
    }
    remove(&copy)?;

    let before = snapshot(&out)?;
    let files = before.len();
    let largest = largest_html(&out)?;
    let unchanged = build(vigie, &site, &out)?;
    let after = snapshot(&out)?;
    if before != after {
        let touched = before
            .iter()
            .filter(|(p, v)| after.get(*p) != Some(v))
            .count();
        return Err(format!(
            "a build with nothing changed touched {touched} files"
        ));
    }

    // Edit one resolved incident (the 11th newest), twice.
    let (path, text) = gen::incident(n, 10.min(n.saturating_sub(1)));
    let mut edits = Vec::new();
    for k in 1..=2 {
        fs::write(
            site.join(&path),
            format!("{text}\nPrécision ajoutée ({k}).\n"),
        )
        .map_err(|e| e.to_string())?;
        let before = snapshot(&out)?;
        let run = build(vigie, &site, &out)?;
        let after = snapshot(&out)?;
        let written = after
            .iter()
            .filter(|(p, v)| before.get(*p) != Some(v))
            .count();
        edits.push((run.wall, written));
    }
    fs::write(site.join(&path), &text).map_err(|e| e.to_string())?;

    let stages = stages(&site, &base.join(format!("stages-{n}")))?;
    let watch = watch(&site, &base.join(format!("watch-{n}")), &path, &text)?;
    Ok(Figures {
        n,
        files,
        full: median(&mut full),
        full_cpu: median(&mut cpu),
        floor: median(&mut floor),
        unchanged: unchanged.wall,
        first_edit: edits[0].0,
        first_edit_written: edits[0].1,
        next_edit: edits[1].0,
        next_edit_written: edits[1].1,
        rss_kb: rss,
        largest,
        stages,
        watch,
    })
}

/// One rebuild: its time, the files it wrote, the site's next change, its stages.
type Rebuilt = (
    Duration,
    usize,
    Option<DateTime<Utc>>,
    Vec<(&'static str, Duration)>,
);

/// The rebuilds of `vigie watch` (`build_with` and the caches it keeps), in this process:
/// a first build into an empty folder, then three edits of `incident` (timed, median) and
/// a build past the site's next change. Each must write only the files whose bytes
/// changed: checked against a snapshot of inodes and modification times.
fn watch(site: &Path, out: &Path, incident: &str, text: &str) -> Result<Watch, String> {
    use vigie::cmd::build::{build_with, BuildOptions};
    remove(out)?;
    remove(&vigie::write::staging_dir(out))?;
    let now = DateTime::parse_from_rfc3339(gen::NOW)
        .map_err(|e| e.to_string())?
        .to_utc();
    let mut options = BuildOptions {
        root: site.to_path_buf(),
        out: out.to_path_buf(),
        now,
        drafts: false,
        base_url: None,
    };
    let mut caches = vigie::pipeline::Caches::new();
    // What `vigie watch`'s watcher reports before each rebuild: the edited incident file,
    // or nothing (a transition).
    let edited = || {
        let mut changes = vigie::load::Changes::none();
        changes.add(Path::new(incident));
        changes
    };
    let mut rebuild = |options: &BuildOptions, changes| -> Result<Rebuilt, String> {
        caches.changes = changes;
        let before = if out.exists() {
            snapshot(out)?
        } else {
            BTreeMap::new()
        };
        let t = Instant::now();
        let report = build_with(options, &mut caches).map_err(|e| format!("{e:?}"))?;
        let took = t.elapsed();
        // What `vigie watch` does between builds.
        vigie::write::check_staging(out, &mut caches.manifests).map_err(|e| format!("{e:?}"))?;
        let after = snapshot(out)?;
        let changed = after
            .iter()
            .filter(|(p, v)| before.get(*p) != Some(v))
            .count();
        if changed != report.write.written {
            return Err(format!(
                "{changed} files changed, {} reported written",
                report.write.written
            ));
        }
        if report.write.read_back > 0 {
            return Err(format!("{} files read back", report.write.read_back));
        }
        Ok((
            took,
            report.write.written,
            report.next_change,
            report.stages,
        ))
    };
    rebuild(&options, vigie::load::Changes::unknown())?;
    let mut edits = Vec::new();
    let mut written = 0;
    for k in 1..=3 {
        fs::write(site.join(incident), format!("{text}\nSuivi ({k}).\n"))
            .map_err(|e| e.to_string())?;
        let (took, w, _, stages) = rebuild(&options, edited())?;
        edits.push((took, stages));
        written = w;
    }
    fs::write(site.join(incident), text).map_err(|e| e.to_string())?;
    let (_, _, mut next, _) = rebuild(&options, edited())?;
    // The next three changes of the site, each passed by one rebuild.
    let mut transitions = Vec::new();
    for _ in 0..3 {
        let at = next.ok_or("the generated site has no next change")?;
        options.now = at + chrono::Duration::seconds(1);
        let (took, written, after, stages) = rebuild(&options, vigie::load::Changes::none())?;
        transitions.push((took, written, stages));
        next = after;
    }
    transitions.sort_by_key(|(took, _, _)| *took);
    let (transition, transition_written, transition_stages) =
        transitions.swap_remove(transitions.len() / 2);
    remove(out)?;
    remove(&vigie::write::staging_dir(out))?;
    edits.sort_by_key(|(took, _)| *took);
    let (edit, edit_stages) = edits.swap_remove(edits.len() / 2);
    Ok(Watch {
        edit,
        edit_written: written,
        edit_stages,
        transition,
        transition_written,
        transition_stages,
    })
}

/// Runs `vigie build` under `/usr/bin/time -v`.
fn build(vigie: &Path, site: &Path, out: &Path) -> Result<Run, String> {
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(vigie)
        .args(["build", "--now", gen::NOW, "--root"])
        .arg(site)
        .arg("--out")
        .arg(out)
        .output()
        .map_err(|e| e.to_string())?;
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("vigie build failed:\n{stderr}"));
    }
    let field = |name: &str| -> f64 {
        stderr
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix(name)
                    .and_then(|v| v.trim().parse().ok())
            })
            .unwrap_or(0.0)
    };
    let cpu = field("User time (seconds):") + field("System time (seconds):");
    Ok(Run {
        wall,
        cpu: Duration::from_secs_f64(cpu),
        rss_kb: field("Maximum resident set size (kbytes):") as u64,
    })
}

/// The stages of a full build into an empty folder, timed in this process: `vigie
/// build`'s own pipeline (every language of the site), with nothing remembered.
fn stages(site: &Path, out: &Path) -> Result<Vec<(&'static str, Duration)>, String> {
    use vigie::cmd::build::{build_with, BuildOptions};
    remove(out)?;
    remove(&vigie::write::staging_dir(out))?;
    let now = DateTime::parse_from_rfc3339(gen::NOW)
        .map_err(|e| e.to_string())?
        .to_utc();
    let options = BuildOptions {
        root: site.to_path_buf(),
        out: out.to_path_buf(),
        now,
        drafts: false,
        base_url: None,
    };
    let report = build_with(&options, &mut vigie::pipeline::Caches::unused())
        .map_err(|e| format!("{e:?}"))?;
    remove(out)?;
    Ok(report.stages)
}

/// Path → (inode, mtime) of every file under `dir`.
fn snapshot(dir: &Path) -> Result<BTreeMap<PathBuf, (u64, i64, i64)>, String> {
    let mut map = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_type().is_file() {
            let m = entry.metadata().map_err(|e| e.to_string())?;
            map.insert(
                entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap_or(entry.path())
                    .to_path_buf(),
                (m.ino(), m.mtime(), m.mtime_nsec()),
            );
        }
    }
    Ok(map)
}

fn largest_html(dir: &Path) -> Result<(u64, String), String> {
    let mut largest = (0, String::new());
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.path().extension().is_some_and(|x| x == "html") {
            let len = entry.metadata().map_err(|e| e.to_string())?.len();
            if len > largest.0 {
                largest = (
                    len,
                    entry
                        .path()
                        .strip_prefix(dir)
                        .unwrap_or(entry.path())
                        .display()
                        .to_string(),
                );
            }
        }
    }
    Ok(largest)
}

fn remove(path: &Path) -> Result<(), String> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn s(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn print_figures(f: &Figures) {
    println!("\n### {} incidents ({} files)\n", f.n, f.files);
    println!("| measure | figure |\n| --- | --- |");
    println!(
        "| full build, empty output (median, wall) | {} |",
        s(f.full)
    );
    println!(
        "| full build, CPU time (user + sys, median) | {} |",
        s(f.full_cpu)
    );
    println!("| floor: `cp -r` of the output (median) | {} |", s(f.floor));
    println!(
        "| full build / floor | {:.2}× |",
        f.full.as_secs_f64() / f.floor.as_secs_f64()
    );
    println!(
        "| second build, nothing changed (no file rewritten) | {} ({:.0} % of full) |",
        s(f.unchanged),
        100.0 * f.unchanged.as_secs_f64() / f.full.as_secs_f64()
    );
    println!(
        "| one incident edited, first time (hard-link mirror) | {} ({} files written) |",
        s(f.first_edit),
        f.first_edit_written
    );
    println!(
        "| one incident edited again (staging reused) | {} ({} files written) |",
        s(f.next_edit),
        f.next_edit_written
    );
    println!(
        "| peak memory (max RSS) | {:.0} MB |",
        f.rss_kb as f64 / 1024.0
    );
    println!(
        "| largest HTML page | {:.0} KB (`{}`) |",
        f.largest.0 as f64 / 1024.0,
        f.largest.1
    );
    let stages = |stages: &[(&str, Duration)]| -> String {
        let each: Vec<String> = stages
            .iter()
            .map(|(name, d)| format!("{name} {:.3}", d.as_secs_f64()))
            .collect();
        each.join(", ")
    };
    println!("| stages, in-process (s) | {} |", stages(&f.stages));
    let w = &f.watch;
    println!(
        "| `vigie watch` rebuild, one incident edited (median of 3) | {} ({:.0} % of full; {} files written; {}) |",
        s(w.edit),
        100.0 * w.edit.as_secs_f64() / f.full.as_secs_f64(),
        w.edit_written,
        stages(&w.edit_stages)
    );
    println!(
        "| `vigie watch` rebuild, past the next change (median of 3) | {} ({:.0} % of full; {} files written; {}) |",
        s(w.transition),
        100.0 * w.transition.as_secs_f64() / f.full.as_secs_f64(),
        w.transition_written,
        stages(&w.transition_stages)
    );
}

fn print_goals(all: &[Figures]) {
    let at = |n: usize| all.iter().find(|f| f.n == n);
    println!("\n### Goals\n");
    if let Some(f) = at(10_000) {
        let ratio = f.full.as_secs_f64() / f.floor.as_secs_f64();
        println!(
            "- 10,000 full build / floor: {ratio:.2}× (goal ≤ 1.5×): {}",
            verdict(ratio <= 1.5)
        );
        println!(
            "- 10,000 full build {} (Zola, 10,000 bare pages: 1.8 s): {}",
            s(f.full),
            verdict(f.full.as_secs_f64() < 1.8)
        );
        println!(
            "- 10,000 peak memory {:.0} MB (goal < 200 MB): {}",
            f.rss_kb as f64 / 1024.0,
            verdict(f.rss_kb < 200 * 1024)
        );
        let q = f.unchanged.as_secs_f64() / f.full.as_secs_f64();
        println!(
            "- 10,000 unchanged rebuild {:.0} % of full (goal < 25 %): {}",
            q * 100.0,
            verdict(q < 0.25)
        );
        for (what, d) in [
            ("one incident edited", f.watch.edit),
            ("past the next change", f.watch.transition),
        ] {
            let q = d.as_secs_f64() / f.full.as_secs_f64();
            println!(
                "- 10,000 `vigie watch` rebuild, {what}: {:.0} % of full (goal < 25 %): {}",
                q * 100.0,
                verdict(q < 0.25)
            );
        }
        if let Some(g) = at(50_000) {
            let r = g.full.as_secs_f64() / f.full.as_secs_f64();
            println!(
                "- 50,000 / 10,000 full build: {r:.2}× (goal ≤ 5.5×): {}",
                verdict(r <= 5.5)
            );
        }
    }
    for f in all {
        println!(
            "- {}: largest HTML page {:.0} KB (limit 512 KB): {}",
            f.n,
            f.largest.0 as f64 / 1024.0,
            verdict(f.largest.0 <= MAX_PAGE)
        );
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}
