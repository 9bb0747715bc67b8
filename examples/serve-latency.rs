//! Edit-to-visible latency of `vigie serve` on the example site.
//!
//! `cargo run --release --example serve-latency [ROUNDS]` copies the example site into a
//! temporary folder (in /dev/shm when it exists), serves it, then edits one incident file
//! ROUNDS times and measures, for each edit, the time until the live-reload stream sends
//! `reload` (what makes the browser reload) and until the page itself shows the edit.
//! It also times a full in-memory rebuild (`vigie::generate`). Figures go to BENCHMARKS.md.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

const INCIDENT: &str = "incidents/2024/2024-01-15-nouvelle-page-d-etat.md";
const PAGE: &str = "/incidents/2024-01-15-nouvelle-page-d-etat/";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args().nth(1).map_or(Ok(20), |a| a.parse())?;
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shm = Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm)?
    } else {
        tempfile::tempdir()?
    };
    let root = dir.path();
    std::fs::copy(repo.join("site.yaml"), root.join("site.yaml"))?;
    copy_dir(&repo.join("incidents"), &root.join("incidents"))?;

    // A full rebuild, in memory, as serve does after every change.
    let now = vigie::cli::resolve_now(None)?;
    let mut rebuilds = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        vigie::generate(root, now, true, Some("http://127.0.0.1:8000/"))?;
        rebuilds.push(started.elapsed());
    }
    report("full rebuild (generate)", &mut rebuilds);

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
        if started.elapsed() > Duration::from_secs(10) {
            return Err("vigie serve did not answer".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }

    let original = std::fs::read_to_string(root.join(INCIDENT))?;
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
        std::fs::write(root.join(INCIDENT), format!("{original}\n{marker}\n"))?;
        wait_line(&mut events, "event: reload")?;
        to_reload.push(edited.elapsed());
        while !get(port, PAGE)?.contains(&marker) {
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
