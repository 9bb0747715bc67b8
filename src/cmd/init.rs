//! `vigie init`: a new site in a folder, ready to build and to publish from a git host.
//!
//! The starter files are real files in `src/cmd/init/`, compiled in: `site.yaml` (every
//! optional key as a commented example), one resolved example incident, `_template.md`,
//! `static/`, a `.gitignore` for the output, and the CI files that build and publish the
//! site on GitHub Pages and GitLab Pages. It asks nothing; the time zone comes from the
//! system unless given. It refuses a folder that is not empty unless `--force`, and even
//! then it never replaces a file: each is created new, or left as it is.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, DurationRound, Utc};
use chrono_tz::Tz;

use crate::error::{did_you_mean, Error};
use crate::load::text::{self, Lines};
use crate::model::lang::Lang;
use crate::model::time::as_written;

use super::new::yaml_scalar;

const SITE_EN: &str = include_str!("init/site.en.yaml");
const SITE_FR: &str = include_str!("init/site.fr.yaml");
const EXAMPLE_EN: &str = include_str!("init/example.en.md");
const EXAMPLE_FR: &str = include_str!("init/example.fr.md");
const TEMPLATE_EN: &str = include_str!("init/template.en.md");
const TEMPLATE_FR: &str = include_str!("init/template.fr.md");
const GITIGNORE: &str = include_str!("init/gitignore");
const GITHUB_WORKFLOW: &str = include_str!("init/status.yml");
const GITLAB_CI: &str = include_str!("init/gitlab-ci.yml");

/// Where the GitHub workflow is written.
pub const GITHUB_WORKFLOW_PATH: &str = ".github/workflows/status.yml";
/// Where the GitLab pipeline is written.
pub const GITLAB_CI_PATH: &str = ".gitlab-ci.yml";

/// Options of `vigie init`.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The folder of the new site (created when missing).
    pub dir: PathBuf,
    /// The site's title [default: "Service status" in its language].
    pub title: Option<String>,
    /// `fr` or `en` [default: from the system's locale, else `en`].
    pub language: Option<String>,
    /// An IANA time zone [default: the system's, else UTC].
    pub timezone: Option<String>,
    /// Write into a folder that is not empty (never over a file).
    pub force: bool,
    /// The current time: the example incident happened the day before.
    pub now: DateTime<Utc>,
}

/// What `vigie init` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Created {
    /// The files written, relative to the site's folder, in the order written.
    pub written: Vec<String>,
    /// The files that were there already and were left as they are.
    pub kept: Vec<String>,
    pub lang: &'static str,
    pub timezone: String,
}

/// Runs `vigie init` and says what it made and what to do next.
pub fn run(options: &InitOptions) -> Result<(), Error> {
    let created = init(options)?;
    let dir = options.dir.display();
    println!(
        "created a vigie site in {dir} (language {}, time zone {}):",
        created.lang, created.timezone
    );
    for path in &created.written {
        println!("  {path}");
    }
    for path in &created.kept {
        println!("  {path} (already there: left as it is)");
    }
    println!(
        "next: set base_url in site.yaml, then `vigie serve --root {dir}` to preview; `vigie build --root {dir}` builds into {dir}/public"
    );
    Ok(())
}

/// Creates the site's files in `options.dir`.
pub fn init(options: &InitOptions) -> Result<Created, Error> {
    // Files added to a site (--force) follow its site.yaml.
    let existing = crate::load::load_config(&options.dir).ok();
    let lang = match options.language.as_deref() {
        Some(code) => Lang::from_code(code).ok_or_else(|| {
            Error::Usage(format!(
                "--language `{code}` is not a language vigie speaks; use `fr` or `en`"
            ))
        })?,
        None => existing.as_ref().map_or_else(system_language, |c| c.lang),
    };
    let tz = match options.timezone.as_deref() {
        Some(name) => name.trim().parse::<Tz>().map_err(|_| {
            let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
            let hint = did_you_mean(name, names)
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            Error::Usage(format!(
                "--timezone `{name}` is not a time zone; {hint}use an IANA name, e.g. `Europe/Paris` or `UTC`"
            ))
        })?,
        None => existing.as_ref().map_or_else(system_time_zone, |c| c.tz),
    };
    let title = match options.title.as_deref().map(str::trim) {
        Some("") => return Err(Error::Usage("--title is empty".to_string())),
        Some(title) => {
            if let Some(p) = text::problem(title, Lines::One) {
                return Err(Error::Usage(p.message("--title")));
            }
            title.to_string()
        }
        None => match lang {
            Lang::Fr => "État des services".to_string(),
            Lang::En => "Service status".to_string(),
        },
    };
    check_folder(&options.dir, options.force)?;

    // The example: yesterday, from the hour to 40 minutes past, in the site's time zone.
    let hour = options
        .now
        .duration_trunc(Duration::hours(1))
        .unwrap_or(options.now);
    let start = hour - Duration::days(1);
    let end = start + Duration::minutes(40);
    let (site, example, template, slug) = match lang {
        Lang::Fr => (
            SITE_FR,
            EXAMPLE_FR,
            TEMPLATE_FR,
            "retards-distribution-e-mails",
        ),
        Lang::En => (SITE_EN, EXAMPLE_EN, TEMPLATE_EN, "email-delivery-delays"),
    };
    let site = site
        .replace("{{title}}", &yaml_scalar(&title))
        .replace("{{timezone}}", tz.name());
    let example = example
        .replace("{{start}}", &as_written(start, tz))
        .replace("{{end}}", &as_written(end, tz));
    let example_path = format!(
        "incidents/{}-{slug}.md",
        start.with_timezone(&tz).format("%Y-%m-%d")
    );
    let repository = env!("CARGO_PKG_REPOSITORY");
    let (github_git, gitlab_git) = if repository.is_empty() {
        ("${{ vars.VIGIE_GIT }}".to_string(), "\"\"".to_string())
    } else {
        (
            format!("${{{{ vars.VIGIE_GIT || '{repository}' }}}}"),
            repository.to_string(),
        )
    };
    // An example only in a site without incidents.
    let has_incidents = fs::read_dir(options.dir.join("incidents"))
        .is_ok_and(|mut entries| entries.next().is_some());
    let mut files: Vec<(&str, String)> = vec![
        ("site.yaml", site),
        (&example_path, example),
        ("incidents/_template.md", template.to_string()),
        ("static/.gitkeep", String::new()),
        (".gitignore", GITIGNORE.to_string()),
        (
            GITHUB_WORKFLOW_PATH,
            GITHUB_WORKFLOW.replace("{{vigie_git}}", &github_git),
        ),
        (
            GITLAB_CI_PATH,
            GITLAB_CI.replace("{{vigie_git}}", &gitlab_git),
        ),
    ];
    if has_incidents {
        files.remove(1);
    }
    let mut created = Created {
        lang: lang.code(),
        timezone: tz.name().to_string(),
        ..Created::default()
    };
    for (path, text) in files {
        if create_new(&options.dir, path, &text)? {
            created.written.push(path.to_string());
        } else {
            created.kept.push(path.to_string());
        }
    }
    Ok(created)
}

/// `dir` may take a new site: missing, empty (but for a `.git` folder: a new repository),
/// or anything with `force`.
fn check_folder(dir: &Path, force: bool) -> Result<(), Error> {
    match fs::read_dir(dir) {
        Ok(entries) => {
            let mut entries =
                entries.filter(|e| e.as_ref().map_or(true, |e| e.file_name() != ".git"));
            if !force && entries.next().is_some() {
                return Err(Error::Refused(format!(
                    "`{}` is not empty; vigie init makes a site in a new or empty folder (with --force it adds the files that are missing, and never replaces one)",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(Error::Refused(format!(
            "`{}` is a file, not a folder",
            dir.display()
        ))),
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// Writes `text` to `dir/path` as a new file, whole or not at all (a temporary file renamed
/// without replacing: a link, which fails when the name is taken); `false` when a file
/// (or anything) is already there, which is left as it is.
fn create_new(dir: &Path, path: &str, text: &str) -> Result<bool, Error> {
    let target = dir.join(path);
    crate::new_file::create(&target, text.as_bytes(), "init").map_err(|e| Error::io(&target, e))
}

/// `fr` when the system's locale is French, else `en`.
fn system_language() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    if locale.starts_with("fr") {
        Lang::Fr
    } else {
        Lang::En
    }
}

/// The system's time zone: `TZ`, `/etc/timezone`, the target of `/etc/localtime`; UTC
/// when none names a zone vigie knows.
fn system_time_zone() -> Tz {
    let from_env = std::env::var("TZ").ok();
    let from_file = fs::read_to_string("/etc/timezone").ok();
    let from_link = fs::read_link("/etc/localtime")
        .ok()
        .map(|p| p.to_string_lossy().into_owned());
    time_zone_from(
        from_env.as_deref(),
        from_file.as_deref(),
        from_link.as_deref(),
    )
}

/// The first of the system's answers that names a known zone.
fn time_zone_from(env: Option<&str>, file: Option<&str>, link: Option<&str>) -> Tz {
    let env = env.map(|v| v.trim().trim_start_matches(':'));
    let file = file.map(str::trim);
    let link = link.and_then(|l| l.split_once("zoneinfo/").map(|(_, zone)| zone));
    [env, file, link]
        .into_iter()
        .flatten()
        .find_map(|name| name.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_zone_comes_from_tz_then_the_files() {
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(time_zone_from(Some(":Europe/Paris"), None, None), paris);
        assert_eq!(
            time_zone_from(Some("CET-1CEST"), Some("Europe/Paris\n"), None),
            paris
        );
        assert_eq!(
            time_zone_from(None, None, Some("/usr/share/zoneinfo/Europe/Paris")),
            paris
        );
        assert_eq!(time_zone_from(None, Some("Nowhere/Else"), None), Tz::UTC);
    }

    /// Each starter site.yaml with every commented example key written in: the example
    /// of every key, and all of them accepted.
    #[test]
    fn every_optional_key_has_an_example_that_parses() {
        for site in [SITE_EN, SITE_FR] {
            let site = site
                .replace("{{title}}", "T")
                .replace("{{timezone}}", "UTC");
            let all: String = site
                .lines()
                .map(|l| l.strip_prefix("# ").unwrap_or(l))
                .map(|l| format!("{l}\n"))
                .collect();
            let config = crate::load::config::parse(Path::new("site.yaml"), &all)
                .unwrap_or_else(|e| panic!("{e:?}"));
            assert!(config.brand.accent.is_some() && config.notify.is_some());
            for key in crate::load::config::SITE_KEYS {
                assert!(
                    all.lines().any(|l| l.starts_with(&format!("{key}:"))),
                    "no example of `{key}`"
                );
            }
            // As written, it parses too.
            crate::load::config::parse(Path::new("site.yaml"), &site).unwrap();
        }
    }

    /// Each incident template with its commented example keys (after `title:`) written in:
    /// every one accepted, the update signed by its own author.
    #[test]
    fn the_incident_templates_commented_keys_parse() {
        let config = crate::load::testing::config_with(&["web"]);
        for template in [TEMPLATE_EN, TEMPLATE_FR] {
            let mut keys = false;
            let all: String = template
                .lines()
                .map(|l| {
                    keys |= l.starts_with("title:");
                    let l = if keys {
                        l.strip_prefix("# ").unwrap_or(l)
                    } else {
                        l
                    };
                    format!("{l}\n")
                })
                .collect();
            let path = Path::new("incidents/_template.md");
            let i = crate::load::incident::parse(path, "t", &all, &config)
                .unwrap_or_else(|e| panic!("{e:?}\n{all}"));
            assert!(i.end.is_some() && i.author.is_some(), "{all}");
            assert_eq!(i.posts.len(), 2);
            assert_eq!(i.posts[1].author, i.author, "{all}");
            crate::load::incident::parse(path, "t", template, &config).unwrap();
        }
    }
}
