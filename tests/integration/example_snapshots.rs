//! The example site (the repository root) built at the fixed `NOW`, every output file pinned
//! by a snapshot: pages, feeds, the Statuspage-compatible JSON, the calendar, badges,
//! sitemap, robots.txt, assets. A change of one byte anywhere in the output shows as a
//! failing snapshot. The listing carries each file's size, which catches what a text
//! snapshot ignores: line endings (the calendar's CRLF) and trailing newlines.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::common::*;

/// 64-bit FNV-1a: a stable hash for files that are not text.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What a file's snapshot holds: its text, or its size and hash when it is not UTF-8 text.
fn contents(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => text.to_string(),
        _ => format!(
            "binary: {} bytes, FNV-1a {:016x}\n",
            bytes.len(),
            fnv1a(bytes)
        ),
    }
}

#[test]
fn every_file_the_example_site_builds_matches_its_snapshot() {
    let site = Site::example();
    site.build().success();
    let files = snapshot_tree(&site.path("public"));
    assert!(files.len() > 40, "only {} files built", files.len());

    let listing: String = files
        .iter()
        .map(|(path, bytes)| format!("{path} {}\n", bytes.len()))
        .collect();
    insta::assert_snapshot!("paths", listing);

    // Every file is checked before failing, so that one run shows (and, with
    // INSTA_UPDATE, writes) every changed snapshot.
    let mut changed = Vec::new();
    for (path, bytes) in &files {
        let mut settings = insta::Settings::clone_current();
        settings.set_description(format!("public/{path}"));
        settings.set_omit_expression(true);
        let name = path.replace('/', "__");
        let text = contents(bytes);
        let checked = catch_unwind(AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name, text));
        }));
        if checked.is_err() {
            changed.push(path.as_str());
        }
    }
    assert!(
        changed.is_empty(),
        "{} of {} files differ from their snapshots: {}",
        changed.len(),
        files.len(),
        changed.join(", ")
    );
}
