//! The load stage: `site.yaml` and every incident file under `incidents/`, read into a
//! [`Site`]. This is the only code that reads the input tree.

pub mod cache;
pub mod config;
pub mod digest;
mod fingerprint;
pub mod incident;
mod listing;
pub mod markdown;
pub mod text;
pub mod time;
pub mod translation;
mod walk;
pub mod yaml;

#[cfg(test)]
pub mod testing;

pub use fingerprint::fingerprint;
use fingerprint::{file_stamp, other_inputs, Stamp};
pub use listing::Changes;
use walk::{incident_files, Found};

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Diagnostic, Error};
use crate::model::Config;
use crate::model::{Incident, Site};
use cache::{Looked, Outcome, ParseCache, Parsed, ParsedFile};

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Keep incidents marked `draft: true`.
    pub drafts: bool,
}

/// The incident files under a site's `incidents/` (and the errors met listing them), as
/// [`list_incident_files`] found them.
#[derive(Debug)]
pub struct IncidentFiles(Found);

/// Lists the incident files of the site at `root`, for [`fingerprint`] and
/// [`load_listed`], so that a build lists them once; with their metadata if `stamps`
/// (otherwise [`load_listed`] records it as it reads them).
pub fn list_incident_files(root: &Path, stamps: bool) -> IncidentFiles {
    IncidentFiles(incident_files(root, stamps))
}

/// `site.yaml` and the files under `themes/` and `static/`, with their metadata, as
/// [`list_other_inputs`] found them (`None` when one could not be read).
pub struct OtherInputs(Option<Vec<(PathBuf, Stamp)>>);

/// The inputs of the site at `root` other than incident files, with their metadata, for
/// [`fingerprint`]: taken before the load reads them.
pub fn list_other_inputs(root: &Path) -> OtherInputs {
    OtherInputs(other_inputs(root))
}

/// Reads and parses the site at `root`. All content errors are returned together.
pub fn load(root: &Path, options: &LoadOptions) -> Result<Site, Error> {
    load_with(root, options, &mut ParseCache::unused())
}

/// [`load`], taking from `cache` the incidents of files whose bytes it has seen under the
/// same `site.yaml`, and leaving in it exactly the files found now. The result, errors
/// included, is the same as [`load`]'s: only the parse of a file is remembered, keyed by
/// its path and exact bytes; every check across files runs again.
pub fn load_with(
    root: &Path,
    options: &LoadOptions,
    cache: &mut ParseCache,
) -> Result<Site, Error> {
    load_listed(root, options, cache, &mut list_incident_files(root, false))
}

/// [`load_with`], with the incident files already listed.
/// The metadata of each file it reads replaces that of the listing in `files`, so that
/// a [`fingerprint`] taken afterwards describes exactly the bytes parsed.
pub fn load_listed(
    root: &Path,
    options: &LoadOptions,
    cache: &mut ParseCache,
    files: &mut IncidentFiles,
) -> Result<Site, Error> {
    cache.begin();
    let (config_bytes, config) = read_config(root)?;

    let files = &mut files.0;
    let mut diagnostics = std::mem::take(&mut files.errors);
    // The translation files aside: each is read once its original is.
    let (mut originals, mut translated, order) = split_translations(files);
    let mut incidents = Vec::with_capacity(originals.paths.len());
    let mut failed = Vec::new();
    let parsed = parse_all(root, &config, &config_bytes, cache, &mut originals);

    for (result, path) in parsed.into_iter().zip(&originals.paths) {
        match result {
            Ok(incident) => incidents.push(incident),
            Err(mut d) => {
                diagnostics.append(&mut d);
                failed.push(path.strip_prefix(root).unwrap_or(path).to_path_buf());
            }
        }
    }
    let (translations, mut errors) = translation::read_all(
        root,
        &mut translated,
        &incidents,
        &failed,
        (&config, &config_bytes),
        &mut cache.translations,
    );
    diagnostics.append(&mut errors);
    merge_translations(files, originals, translated, &order);
    diagnostics.extend(duplicate_ids(&incidents));

    if !diagnostics.is_empty() {
        return Err(Error::Content(diagnostics));
    }
    if !options.drafts {
        incidents.retain(|i| !i.draft);
    }
    sort_incidents(&mut incidents);
    let files = static_files(root, &config.theme)?;

    let mut config = config;
    config.brand.custom_css = files.iter().any(|(path, _)| path == CUSTOM_CSS);
    config.translations = Arc::new(crate::model::translation::Translations::new(translations));
    Ok(Site {
        config,
        incidents,
        files,
    })
}

/// The files of `files` split into incident files and translation files (`x.en.md`, see
/// [`translation`]), each with its listed metadata, and which of the two each file went to.
fn split_translations(files: &mut Found) -> (Found, Found, Vec<bool>) {
    let mut originals = Found::default();
    let mut translated = Found::default();
    let mut order = Vec::with_capacity(files.paths.len());
    let stamps = std::mem::take(&mut files.stamps);
    let with_stamps = !stamps.is_empty();
    for (n, path) in std::mem::take(&mut files.paths).into_iter().enumerate() {
        let is_translation = translation::translation_of(&path).is_some();
        let to = if is_translation {
            &mut translated
        } else {
            &mut originals
        };
        to.paths.push(path);
        if with_stamps {
            to.stamps.push(stamps.get(n).copied().flatten());
        }
        order.push(is_translation);
    }
    (originals, translated, order)
}

/// The two halves of [`split_translations`] put back in the listing's order, with the
/// metadata of the files as they were read.
fn merge_translations(files: &mut Found, originals: Found, translated: Found, order: &[bool]) {
    let with_stamps = !originals.stamps.is_empty() || !translated.stamps.is_empty();
    let mut o = originals.paths.into_iter().zip(pad(originals.stamps));
    let mut t = translated.paths.into_iter().zip(pad(translated.stamps));
    for &is_translation in order {
        let next = if is_translation { t.next() } else { o.next() };
        if let Some((path, stamp)) = next {
            files.paths.push(path);
            if with_stamps {
                files.stamps.push(stamp);
            }
        }
    }
}

/// `stamps`, then `None` for ever.
fn pad(stamps: Vec<Option<Stamp>>) -> impl Iterator<Item = Option<Stamp>> {
    stamps.into_iter().chain(std::iter::repeat(None))
}

/// The output path of the site's own style sheet (`static/custom.css`), linked after the
/// theme's on every page when it is there.
pub const CUSTOM_CSS: &str = "custom.css";

/// Every file of `files` parsed (or taken from `cache`), in order; `files` gets the
/// metadata of each file as it was read, and `cache` exactly the files of this load.
fn parse_all(
    root: &Path,
    config: &Config,
    config_bytes: &[u8],
    cache: &mut ParseCache,
    files: &mut Found,
) -> Vec<Parsed> {
    let cache = &mut cache.incidents;
    let mut old = cache.start(|| (root.to_path_buf(), config_bytes.to_vec()));
    let keep = cache.keeps();
    // The metadata the listing found, when it looked (see `list_incident_files`).
    let listed = std::mem::take(&mut files.stamps);
    let listed = |n: usize| listed.get(n).copied().flatten();
    let looked_at = std::time::SystemTime::now();
    // Small pieces of work (see `crate::parallel::SMALL_TASKS`), so that both threads
    // finish together.
    let outcomes: Vec<(Outcome<Parsed, Parsed>, Option<Stamp>)> = files
        .paths
        .par_iter()
        .enumerate()
        .with_max_len(crate::parallel::SMALL_TASKS)
        .map(|(n, path)| {
            let (bytes, stamp, settled) =
                match cache::look(root, path, listed(n), old.get(path), looked_at) {
                    Looked::Same(seen, stamp, changed) => {
                        let outcome = Outcome::Remembered(seen.made.clone(), changed);
                        return (outcome, Some(stamp));
                    }
                    Looked::Unreadable(d) => return (Outcome::Made(Err(d), None), None),
                    Looked::New(bytes, stamp, settled) => (bytes, stamp, settled),
                };
            if keep {
                let result = parse_incident(root, path, bytes.clone(), config);
                let file = ParsedFile {
                    bytes,
                    stamp: settled,
                    made: result.clone(),
                };
                (Outcome::Made(result, Some(file)), Some(stamp))
            } else {
                let result = parse_incident(root, path, bytes, config);
                (Outcome::Made(result, None), Some(stamp))
            }
        })
        .collect();
    files.stamps.clear();
    // The files remembered stay where they are; the new parses take their place.
    let mut parsed = 0;
    let mut results = Vec::with_capacity(outcomes.len());
    // The files of this load that the cache holds: all but those unreadable now.
    let mut held = Vec::with_capacity(if keep { outcomes.len() } else { 0 });
    for (path, (outcome, stamp)) in files.paths.iter().zip(outcomes) {
        files.stamps.push(stamp);
        results.push(outcome.settle(path, &mut old, &mut held, &mut parsed));
    }
    cache.finish_in_place(old, held.into_iter(), parsed);
    results
}

/// The theme's `static/` files (under `assets/`), then the site's `static/` files (at the
/// output root), sorted by output path; a later file replaces an earlier one.
fn static_files(root: &Path, theme: &str) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut files = std::collections::BTreeMap::new();
    for (dir, prefix) in [
        (root.join("themes").join(theme).join("static"), "assets/"),
        (root.join("static"), ""),
    ] {
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(&dir).to_path_buf();
                Error::Io {
                    path,
                    source: e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("symbolic link loop")),
                }
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if rel.iter().any(|part| part.starts_with('.')) {
                continue;
            }
            let bytes = fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            files.insert(format!("{prefix}{}", rel.join("/")), bytes);
        }
    }
    Ok(files.into_iter().collect())
}

/// Newest start first, then id: the one order every list starts from.
pub fn sort_incidents(incidents: &mut Vec<Arc<Incident>>) {
    // The starts side by side, read once each: sorting them touches each incident only
    // where two start together.
    let mut keys: Vec<(std::cmp::Reverse<chrono::DateTime<chrono::Utc>>, usize)> = incidents
        .iter()
        .enumerate()
        .map(|(n, i)| (std::cmp::Reverse(i.start), n))
        .collect();
    keys.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| incidents[a.1].id.cmp(&incidents[b.1].id))
            .then(a.1.cmp(&b.1))
    });
    let mut slots: Vec<Option<Arc<Incident>>> =
        std::mem::take(incidents).into_iter().map(Some).collect();
    incidents.extend(keys.iter().filter_map(|&(_, n)| slots[n].take()));
}

/// Reads and validates `site.yaml`.
pub fn load_config(root: &Path) -> Result<Config, Error> {
    read_config(root).map(|(_, config)| config)
}

/// `site.yaml`'s bytes and the configuration they give.
fn read_config(root: &Path) -> Result<(Vec<u8>, Config), Error> {
    let path = root.join("site.yaml");
    let shown = PathBuf::from("site.yaml");
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Content(vec![Diagnostic::file(
                shown,
                "no site.yaml in the site's root",
            )
            .with_help(format!(
                "run vigie in a site's folder, or pass --root; looked in `{}`",
                root.display()
            ))]))
        }
        Err(e) => {
            return Err(Error::Content(vec![Diagnostic::file(
                shown,
                format!("cannot read site.yaml: {e}"),
            )]))
        }
    };
    let text = decode(&shown, bytes.clone()).map_err(|d| Error::Content(vec![d]))?;
    let config = config::parse_in(Some(root), &shown, &text).map_err(Error::Content)?;
    Ok((bytes, config))
}

/// The bytes of one incident file, or the diagnostic of a file that cannot be read.
pub(super) fn read_incident(root: &Path, path: &Path) -> Result<(Vec<u8>, Stamp), Vec<Diagnostic>> {
    // What `fs::read` does, keeping the metadata it asks for the size.
    let read = || -> std::io::Result<(Vec<u8>, Stamp)> {
        use std::io::Read;
        let mut file = fs::File::open(path)?;
        let meta = file.metadata()?;
        let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
        file.read_to_end(&mut bytes)?;
        Ok((bytes, file_stamp(&meta)))
    };
    read().map_err(|e| {
        let shown = path.strip_prefix(root).unwrap_or(path);
        vec![Diagnostic::file(
            shown,
            format!("cannot read the file: {e}"),
        )]
    })
}

/// Parses the `bytes` of one incident file, relative to `root` in diagnostics.
fn parse_incident(root: &Path, path: &Path, bytes: Vec<u8>, config: &Config) -> Parsed {
    let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let text = decode(&shown, bytes).map_err(|d| vec![d])?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let id = incident_id(&stem);
    if id.is_empty() {
        return Err(vec![Diagnostic::file(
            &shown,
            format!("the file name `{stem}` gives an empty id"),
        )
        .with_help(
            "name the file with letters or digits, e.g. `2017-10-28-panne-reseau.md`",
        )]);
    }
    incident::parse(&shown, &id, &text, config).map(std::sync::Arc::new)
}

/// The file's text, or a diagnostic pointing at the first byte that is not UTF-8.
pub(super) fn decode(shown: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(valid.rsplit(|&b| b == b'\n').next().unwrap_or(&[]))
            .chars()
            .count()
            + 1;
        let mut d = Diagnostic::file(
            shown,
            format!("the file is not valid UTF-8 (line {line}, column {column})"),
        );
        d.span = crate::error::Span::new(line, column, 1);
        d.with_help("save the file as UTF-8 (most editors have it under \"encoding\")")
    })
}

/// The incident id for a file stem: accents folded, lower case, `[a-z0-9-]`.
pub fn incident_id(stem: &str) -> String {
    // NFKD leaves ASCII as it is.
    if stem.is_ascii() {
        fold_id(stem.chars(), stem.len())
    } else {
        fold_id(stem.nfkd(), stem.len())
    }
}

/// [`incident_id`] of the decomposed characters `chars`.
fn fold_id(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut id = String::with_capacity(len);
    for c in chars {
        let c = match c {
            'œ' | 'Œ' => {
                id.push('o');
                'e'
            }
            'æ' | 'Æ' => {
                id.push('a');
                'e'
            }
            'ß' => {
                id.push('s');
                's'
            }
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if unicode_normalization::char::is_combining_mark(c) {
            continue;
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    id
}

/// One diagnostic per id shared by several files, naming all of them.
fn duplicate_ids(incidents: &[Arc<Incident>]) -> Vec<Diagnostic> {
    // Nearly always none: one pass tells, before the sort that groups them for the message.
    let mut seen = rustc_hash::FxHashSet::default();
    seen.reserve(incidents.len());
    if incidents.iter().all(|i| seen.insert(i.id.as_str())) {
        return Vec::new();
    }
    // Sorted by id, then path: files that share an id are next to each other.
    let mut ids: Vec<(&str, &Path)> = incidents
        .iter()
        .map(|i| (i.id.as_str(), i.source.as_path()))
        .collect();
    ids.par_sort_unstable();
    let mut out: Vec<Diagnostic> = ids
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|group| group.len() > 1)
        .map(|group| {
            let others: Vec<String> = group[1..]
                .iter()
                .map(|(_, p)| format!("`{}`", p.display()))
                .collect();
            Diagnostic::file(
                group[0].1,
                format!(
                    "the id `{}` is also the id of {}",
                    group[0].0,
                    others.join(", ")
                ),
            )
            .with_help(
                "ids come from file names (accents and case folded); rename one of the files",
            )
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_fold_accents_case_and_punctuation() {
        assert_eq!(
            incident_id("2017-10-28-Panne réseau"),
            "2017-10-28-panne-reseau"
        );
        assert_eq!(incident_id("Œuvre d'été__x"), "oeuvre-d-ete-x");
        assert_eq!(incident_id("---"), "");
        assert_eq!(incident_id("日本"), "");
    }
}
