//! Edit-to-visible latency of `vigie serve`, on the example site or a generated one.
//!
//! `cargo run --release --example serve-latency [ROUNDS] [N]` copies the example site (or,
//! with N, writes a generated site of N incidents with `tests/support/gen.rs`) into a
//! temporary folder (in /dev/shm when it exists), serves it, then edits one incident file
//! ROUNDS times and measures, for each edit, the time until the live-reload stream sends
//! `reload` (what makes the browser reload) and until the page itself shows the edit.
//! It also times a full in-memory rebuild (`vigie::pipeline::generate`) and its stages. Figures go
//! to BENCHMARKS.md.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

#[path = "../tests/support/gen.rs"]
mod gen;

const INCIDENT: &str = "incidents/2024/2024-01-15-nouvelle-page-d-etat.md";
const PAGE: &str = "/incidents/2024-01-15-nouvelle-page-d-etat/";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args().nth(1).map_or(Ok(20), |a| a.parse())?;
    let generated: Option<usize> = std::env::args()
        .nth(2)
        .map(|a| a.replace('_', "").parse())
        .transpose()?;
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)?
    } else {
        tempfile::tempdir()?
    };
    let root = dir.path();
    let (incident, page) = match generated {
        None => {
            std::fs::copy(repo.join("site.yaml"), root.join("site.yaml"))?;
            copy_dir(&repo.join("incidents"), &root.join("incidents"))?;
            (INCIDENT.to_string(), PAGE.to_string())
        }
        Some(n) => {
            let started = Instant::now();
            gen::generate(root, n)?;
            println!(
                "generated {n} incidents in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            // An incident from the middle of the list: resolved, on no page but its own
            // and its year's history.
            let (path, _) = gen::incident(n, n / 2);
            let stem = Path::new(&path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let page = format!("/incidents/{}/", vigie::load::incident_id(&stem));
            (path, page)
        }
    };
    println!("editing {incident}, watching {page}");

    // A full rebuild, in memory, as a clean build does, and its stages.
    let now = vigie::clock::resolve_now(None)?;
    let base_url = "http://127.0.0.1:8000/";
    let full_rounds = if generated.is_some() { 5 } else { rounds };
    let (mut rebuilds, mut loads, mut derives, mut renders) = (vec![], vec![], vec![], vec![]);
    for _ in 0..full_rounds {
        let started = Instant::now();
        vigie::pipeline::generate(root, now, true, Some(base_url))?;
        rebuilds.push(started.elapsed());
        let started = Instant::now();
        let site = vigie::load::load(root, &vigie::load::LoadOptions { drafts: true })?;
        loads.push(started.elapsed());
        let started = Instant::now();
        let model = vigie::derive::derive(&site, now);
        derives.push(started.elapsed());
        let started = Instant::now();
        vigie::render::site(&model)?;
        renders.push(started.elapsed());
    }
    report("full rebuild (generate)", &mut rebuilds);
    report("  load", &mut loads);
    report("  derive", &mut derives);
    report("  render", &mut renders);

    // The same stages through the caches serve keeps, after editing one incident file.
    let mut caches = vigie::pipeline::Caches::new();
    vigie::pipeline::generate_with(root, now, true, Some(base_url), &mut caches)?;
    let original = std::fs::read_to_string(root.join(&incident))?;
    let (mut rebuilds, mut loads, mut derives, mut renders) = (vec![], vec![], vec![], vec![]);
    for round in 0..full_rounds {
        std::fs::write(
            root.join(&incident),
            format!("{original}\nÉtape {round}.\n"),
        )?;
        let started = Instant::now();
        let mut site = vigie::load::load_with(
            root,
            &vigie::load::LoadOptions { drafts: true },
            &mut caches.parse,
        )?;
        site.config.base_url = base_url.to_string();
        loads.push(started.elapsed());
        let derived = Instant::now();
        let model = vigie::derive::derive(&site, now);
        derives.push(derived.elapsed());
        let rendered = Instant::now();
        vigie::render::site_with(&model, &mut caches.pages)?;
        renders.push(rendered.elapsed());
        rebuilds.push(started.elapsed());
    }
    std::fs::write(root.join(&incident), &original)?;
    report("cached rebuild after one edit", &mut rebuilds);
    report("  load", &mut loads);
    report("  derive", &mut derives);
    report("  render", &mut renders);

    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let options = vigie::serve::ServeOptions {
        root: root.to_path_buf(),
        port,
        bind: "127.0.0.1".into(),
        drafts: true,
        poll: false,
    };
    std::thread::spawn(move || vigie::serve::serve(&options));
    let started = Instant::now();
    while get(port, "/__vigie/status").is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            return Err("vigie serve did not answer".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }

    let original = std::fs::read_to_string(root.join(&incident))?;
    let mut to_reload = Vec::new();
    let mut to_page = Vec::new();
    for round in 0..rounds {
        let mut events = BufReader::new(TcpStream::connect(("127.0.0.1", port))?);
        events
            .get_mut()
            .set_read_timeout(Some(Duration::from_secs(10)))?;
        write!(
            events.get_mut(),
            "GET /__vigie/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )?;
        wait_line(&mut events, "event: status")?;
        // Let the previous round's events settle so each edit stands alone.
        std::thread::sleep(Duration::from_millis(400));

        let marker = format!("Mesure de latence {round}.");
        let edited = Instant::now();
        std::fs::write(root.join(&incident), format!("{original}\n{marker}\n"))?;
        wait_line(&mut events, "event: reload")?;
        to_reload.push(edited.elapsed());
        while !get(port, &page)?.contains(&marker) {
            if edited.elapsed() > Duration::from_secs(10) {
                return Err("the edit never showed".into());
            }
        }
        to_page.push(edited.elapsed());
    }
    report("edit -> reload event", &mut to_reload);
    report("edit -> page shows the edit", &mut to_page);
    Ok(())
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what}: median {:.1} ms, min {:.1} ms, max {:.1} ms ({} runs)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

fn wait_line(reader: &mut impl BufRead, wanted: &str) -> std::io::Result<()> {
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other(format!(
                "stream closed before `{wanted}`"
            )));
        }
        if line.trim_end() == wanted {
            return Ok(());
        }
    }
}

fn get(port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut body = String::new();
    stream.read_to_string(&mut body)?;
    Ok(body)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()))?;
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}
