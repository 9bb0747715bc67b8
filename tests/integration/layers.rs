//! The stages' order holds in the code: every `crate::` path in `src/` names an earlier
//! layer, a leaf, or the module's own folder (ARCHITECTURE.md, "The rule on imports").

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, from the bottom: a module may use the modules of earlier lines only (and
/// its own). A new top-level module of `src/` must be added here and in ARCHITECTURE.md.
const LAYERS: &[&[&str]] = &[
    &["error", "memo", "parallel"],
    &["clock", "file_lock", "new_file"],
    &["model"],
    &["load"],
    &["derive"],
    &["render"],
    &["write"],
    &["pipeline"],
    &["watch"],
    &["announce", "import", "ingest", "publish", "serve"],
    &["notify"],
    &["cmd"],
    &["cli"],
    &["lib", "main"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a file of `src/` belongs to: `load` for `src/load/incident.rs`,
/// `cli` for `src/cli.rs`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of `text` without its comments and string literals, line by line.
fn code_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_string = false;
    for line in text.lines() {
        let mut code = String::new();
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if in_string {
                if c == '\\' {
                    chars.next();
                } else if c == '"' {
                    in_string = false;
                }
                continue;
            }
            match c {
                '"' => in_string = true,
                '/' if chars.peek() == Some(&'/') => break,
                '\'' => {
                    // A char literal such as '"' or '\'' (lifetimes have no closing quote).
                    let rest: String = chars.clone().take(3).collect();
                    if rest.starts_with('\\') {
                        chars.next();
                        chars.next();
                        chars.next();
                    } else if rest.chars().nth(1) == Some('\'') {
                        chars.next();
                        chars.next();
                    }
                }
                c => code.push(c),
            }
        }
        lines.push(code);
    }
    lines
}

/// The top-level modules named by `crate::` paths in `code`, with `use crate::{a, b}`
/// lists opened.
fn crate_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().last();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `my_crate::`
        }
        if let Some(list) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in list.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => items.push(std::mem::take(&mut item)),
                    _ if depth == 0 => item.push(c),
                    _ => {}
                }
            }
            items.push(item);
            for item in items {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
    }
    found
}

#[test]
fn every_import_points_to_an_earlier_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = BTreeSet::new();
    for file in &files {
        let module = module_of(&src, file);
        let Some(layer) = layer_of(&module) else {
            wrong.insert(format!(
                "src/{module} is in no layer: add it to LAYERS in {} and to ARCHITECTURE.md",
                file!()
            ));
            continue;
        };
        let text = fs::read_to_string(file).unwrap();
        // A multi-line `use crate::{…}` is read as one line.
        let code = code_lines(&text).join(" ");
        for used in crate_paths(&code) {
            if used == module || used.is_empty() {
                continue;
            }
            match layer_of(&used) {
                Some(l) if l < layer => {}
                _ => {
                    wrong.insert(format!(
                        "{} uses crate::{used}, which is not below `{module}`",
                        file.strip_prefix(src.parent().unwrap()).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers (ARCHITECTURE.md):\n{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_import_reader_sees_lists_and_skips_comments_and_strings() {
    let code = code_lines(
        "use crate::{load::{self, cache}, model::Site};\n// crate::cmd\nlet s = \"crate::cmd\";\nlet c = '\"'; x(crate::derive::derive);",
    )
    .join(" ");
    assert_eq!(crate_paths(&code), ["load", "model", "derive"]);
}
