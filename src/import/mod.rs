//! `vigie import`: a site written from another status page's data. Each source has its
//! reader, which turns what it finds into a [`Draft`] (the site and its incidents as vigie
//! writes them) and a [`Report`] of what it mapped, approximated and dropped: a cState site
//! (`cstate.rs`) or a Statuspage page's public API (`statuspage.rs`). The writer
//! (`writer.rs`) turns the draft into `site.yaml` and incident files, checks each with the
//! loader before writing it, and writes only what is new, never replacing a file without
//! `--force`. `report.rs` prints what was done.

pub mod cstate;
pub mod report;
pub mod statuspage;
pub mod writer;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::error::Diagnostic;
use crate::model::{Severity, UpdateStatus};

pub use report::Report;
pub use writer::{write, Options, Outcome};

/// A site as the import will write it.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub site: SiteDraft,
    /// In the order the source gives them; the writer sorts nothing.
    pub incidents: Vec<IncidentDraft>,
}

/// `site.yaml` as the source gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteDraft {
    /// The file it comes from, for the report (`config.yml`, `incidents.json`).
    pub source: String,
    pub title: String,
    pub description: Option<String>,
    pub base_url: String,
    /// `fr` or `en`.
    pub language: String,
    pub timezone: Tz,
    pub components: Vec<ComponentDraft>,
}

/// One component of `site.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentDraft {
    /// A valid vigie id, unique in the draft.
    pub id: String,
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
}

/// The components an incident names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affects {
    /// Each at the incident's severity (an empty list: none).
    List(Vec<String>),
    /// Each at its own severity.
    Map(Vec<(String, Severity)>),
}

impl Affects {
    /// The ids named, in order.
    pub fn ids(&self) -> Vec<&str> {
        match self {
            Affects::List(ids) => ids.iter().map(String::as_str).collect(),
            Affects::Map(pairs) => pairs.iter().map(|(id, _)| id.as_str()).collect(),
        }
    }
}

/// One incident file as the import will write it.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentDraft {
    /// Where it comes from, for the report: a file (`content/issues/x.md`) or an entry of
    /// one (`incidents.json: p31zjtct2jer`).
    pub source: String,
    /// The file's name without `.md`: the incident's id. Made unique by the writer.
    pub stem: String,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub severity: Severity,
    pub affects: Affects,
    /// Written only when it is not the default (the earliest of start and updates).
    pub published: Option<DateTime<Utc>>,
    pub draft: bool,
    /// The announcement's Markdown.
    pub body: String,
    /// In time order.
    pub updates: Vec<UpdateDraft>,
}

/// One follow-up post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateDraft {
    pub at: DateTime<Utc>,
    /// `None` writes no `status` (an update that keeps the status).
    pub status: Option<UpdateStatus>,
    pub body: String,
}

/// What a reader found: the draft, what it made of the source, and the files it could not
/// read (the rest is imported all the same).
#[derive(Debug)]
pub struct Read {
    pub draft: Draft,
    pub report: Report,
    pub errors: Vec<Diagnostic>,
}

/// `ids` made unique by `-2`, `-3`… on the ones already taken, in order.
pub(crate) fn unique(id: String, taken: &mut Vec<String>) -> String {
    let mut candidate = id.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{id}-{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// A vigie id made from a name: accents folded, `[a-z0-9-]`; `fallback` when nothing is
/// left.
pub(crate) fn slug(name: &str, fallback: &str) -> String {
    let id = crate::load::incident_id(name);
    if id.is_empty() {
        fallback.to_string()
    } else {
        // Long titles make long addresses: cut at a word.
        let mut cut: String = id.chars().take(60).collect();
        if id.len() > 60 {
            if let Some(dash) = cut.rfind('-') {
                cut.truncate(dash);
            }
        }
        cut.trim_end_matches('-').to_string()
    }
}
