//! What an import did, for the person who runs it: what it mapped (each file written and
//! what it comes from), what it approximated, what it dropped, and what became of each
//! file. Printed on standard output; the files it could not read are errors, printed
//! apart.

use std::fmt::Write as _;

/// One line of the report: the file (or entry) it is about, and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub about: String,
    pub text: String,
    /// About a value of the `site.yaml` the import makes: moot when the site's own is kept.
    pub site: bool,
}

/// What became of one file of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Created (or, with `--dry-run`, would be).
    Written,
    /// Replaced by `--force` (or would be).
    Replaced,
    /// Already there with the same bytes: nothing to do.
    Identical,
    /// Already there, different, and not replaced (no `--force`).
    Kept,
}

impl FileState {
    fn word(self, dry_run: bool) -> &'static str {
        match (self, dry_run) {
            (FileState::Written, false) => "written",
            (FileState::Written, true) => "would write",
            (FileState::Replaced, false) => "replaced",
            (FileState::Replaced, true) => "would replace",
            (FileState::Identical, _) => "identical",
            (FileState::Kept, _) => "kept",
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// What was read: "the cState site `old-status`".
    pub source: String,
    /// Facts about the whole import (the time zone of dates written without one…).
    pub notes: Vec<String>,
    pub mapped: Vec<Entry>,
    pub approximated: Vec<Entry>,
    pub dropped: Vec<Entry>,
    /// Each file of the output, in the order written.
    pub files: Vec<(FileState, String)>,
    /// Incidents and posts (announcements and updates) read from the source.
    pub incidents: usize,
    pub posts: usize,
}

impl Report {
    /// A report on `source`.
    pub fn new(source: impl Into<String>) -> Report {
        Report {
            source: source.into(),
            ..Report::default()
        }
    }

    pub fn approximate(&mut self, about: impl Into<String>, text: impl Into<String>) {
        self.approximated.push(Entry {
            about: about.into(),
            text: text.into(),
            site: false,
        });
    }

    /// An approximation in the `site.yaml` the import makes.
    pub fn approximate_site(&mut self, about: impl Into<String>, text: impl Into<String>) {
        self.approximated.push(Entry {
            about: about.into(),
            text: text.into(),
            site: true,
        });
    }

    pub fn drop(&mut self, about: impl Into<String>, text: impl Into<String>) {
        self.dropped.push(Entry {
            about: about.into(),
            text: text.into(),
            site: false,
        });
    }

    pub fn map(&mut self, about: impl Into<String>, text: impl Into<String>) {
        self.mapped.push(Entry {
            about: about.into(),
            text: text.into(),
            site: false,
        });
    }

    /// How many files ended in `state`.
    pub fn count(&self, state: FileState) -> usize {
        self.files.iter().filter(|(s, _)| *s == state).count()
    }

    /// The report as printed, for a run into `into` (`dry_run`: nothing was written).
    pub fn render(&self, into: &str, dry_run: bool) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "import of {} into `{into}`{}: {} incident{}, {} post{}",
            self.source,
            if dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            },
            self.incidents,
            plural(self.incidents),
            self.posts,
            plural(self.posts),
        );
        for note in &self.notes {
            let _ = writeln!(out, "{note}");
        }
        for (title, entries, sep) in [
            ("mapped", &self.mapped, "  <- "),
            ("approximated", &self.approximated, ": "),
            ("dropped", &self.dropped, ": "),
        ] {
            let _ = writeln!(out, "\n{title} ({}):", entries.len());
            if entries.is_empty() {
                let _ = writeln!(out, "  nothing");
            }
            for e in entries {
                let _ = writeln!(out, "  {}{sep}{}", e.about, e.text);
            }
        }
        let _ = writeln!(out, "\nfiles ({}):", self.files.len());
        let width = self
            .files
            .iter()
            .map(|(s, _)| s.word(dry_run).len())
            .max()
            .unwrap_or(0);
        for (state, path) in &self.files {
            let word = state.word(dry_run);
            let why = if *state == FileState::Kept {
                " (it exists and differs; --force replaces it)"
            } else {
                ""
            };
            let _ = writeln!(out, "  {word:width$}  {path}{why}");
        }
        let counts: Vec<String> = [
            FileState::Written,
            FileState::Replaced,
            FileState::Identical,
            FileState::Kept,
        ]
        .into_iter()
        .map(|s| format!("{} {}", self.count(s), s.word(dry_run)))
        .collect();
        let _ = writeln!(out, "{}", counts.join(", "));
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_groups_what_was_mapped_approximated_and_dropped() {
        let mut r = Report::new("the cState site `old`");
        r.incidents = 1;
        r.posts = 2;
        r.notes.push("dates without a zone are read in UTC".into());
        r.map("incidents/2020/a.md", "content/issues/a.md");
        r.approximate("content/issues/a.md", "`severity` missing: partial-outage");
        r.files.push((FileState::Written, "site.yaml".into()));
        r.files
            .push((FileState::Kept, "incidents/2020/a.md".into()));
        assert_eq!(
            r.render("new", false),
            "import of the cState site `old` into `new`: 1 incident, 2 posts\n\
             dates without a zone are read in UTC\n\
             \nmapped (1):\n  incidents/2020/a.md  <- content/issues/a.md\n\
             \napproximated (1):\n  content/issues/a.md: `severity` missing: partial-outage\n\
             \ndropped (0):\n  nothing\n\
             \nfiles (2):\n  written  site.yaml\n  kept     incidents/2020/a.md (it exists and differs; --force replaces it)\n\
             1 written, 0 replaced, 0 identical, 1 kept\n"
        );
        assert!(r.render("new", true).contains("would write  site.yaml"));
    }
}
