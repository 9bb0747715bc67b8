//! The site as read from disk: plain data, no behaviour beyond simple accessors.
//!
//! [`crate::load`] fills these structs; [`crate::derive`] derives what they mean at a
//! given moment; [`crate::render`] turns both into files.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub mod config;
pub mod lang;
pub mod time;
pub mod translation;

pub use config::Config;

/// How hard an incident hits a component. Ordered from the mildest to the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Information only; never changes a status.
    Notice,
    Maintenance,
    Degraded,
    PartialOutage,
    MajorOutage,
}

impl Severity {
    /// Every severity, worst first.
    pub const ALL: [Severity; 5] = [
        Severity::MajorOutage,
        Severity::PartialOutage,
        Severity::Degraded,
        Severity::Maintenance,
        Severity::Notice,
    ];

    /// The word used in incident files.
    pub fn keyword(self) -> &'static str {
        match self {
            Severity::MajorOutage => "major-outage",
            Severity::PartialOutage => "partial-outage",
            Severity::Degraded => "degraded",
            Severity::Maintenance => "maintenance",
            Severity::Notice => "notice",
        }
    }

    /// Parses the word used in incident files.
    pub fn from_keyword(word: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.keyword() == word)
    }
}

/// A component's (or the site's) current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Operational,
    /// Hit by an ongoing incident of this severity (never `Notice`).
    Affected(Severity),
}

impl Status {
    /// CSS class and stable machine word: `operational`, `degraded`, `major-outage`…
    pub fn keyword(self) -> &'static str {
        match self {
            Status::Operational => "operational",
            Status::Affected(s) => s.keyword(),
        }
    }
}

/// The status word of one post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UpdateStatus {
    Investigating,
    Identified,
    Monitoring,
    /// Keeps the incident's current status.
    Update,
    Resolved,
    Scheduled,
    InProgress,
    Completed,
}

impl UpdateStatus {
    /// Every status word.
    pub const ALL: [UpdateStatus; 8] = [
        UpdateStatus::Investigating,
        UpdateStatus::Identified,
        UpdateStatus::Monitoring,
        UpdateStatus::Update,
        UpdateStatus::Resolved,
        UpdateStatus::Scheduled,
        UpdateStatus::InProgress,
        UpdateStatus::Completed,
    ];

    /// The word used in incident files.
    pub fn keyword(self) -> &'static str {
        match self {
            UpdateStatus::Investigating => "investigating",
            UpdateStatus::Identified => "identified",
            UpdateStatus::Monitoring => "monitoring",
            UpdateStatus::Update => "update",
            UpdateStatus::Resolved => "resolved",
            UpdateStatus::Scheduled => "scheduled",
            UpdateStatus::InProgress => "in-progress",
            UpdateStatus::Completed => "completed",
        }
    }

    /// Parses the word used in incident files.
    pub fn from_keyword(word: &str) -> Option<UpdateStatus> {
        UpdateStatus::ALL.into_iter().find(|s| s.keyword() == word)
    }
}

/// Where an incident stands relative to `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// `now < start`.
    Scheduled,
    /// `start <= now < end`, or no end.
    Ongoing,
    /// `end <= now`.
    Resolved,
}

/// One component hit by an incident, and how hard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Impact {
    pub component: String,
    pub severity: Severity,
}

/// One post of an incident: the announcement (index 0) or a follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub at: DateTime<Utc>,
    /// The status word given in the file; `None` for the announcement.
    pub status: Option<UpdateStatus>,
    /// The Markdown source.
    pub markdown: String,
    /// The Markdown rendered to sanitized HTML.
    pub html: String,
    /// The Markdown's text without formatting, for excerpts.
    pub text: String,
    /// The anchor of this post on the incident page, unique within the incident.
    pub anchor: String,
    /// Who signs this post, as its `author` is written (an id from `authors` in site.yaml,
    /// or a name); `None` for the announcement and for an update that names nobody, signed
    /// by the incident's author: [`Incident::author_of`] says who signs a post.
    pub author: Option<String>,
}

/// Where a value is written in an incident's file, so that a warning can point at it: its
/// span (line and column from the start of the whole file) and the text of its line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Written {
    pub span: crate::error::Span,
    pub line: String,
}

/// Where the front matter writes the keys that warnings point at; `None` for a key it
/// leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyPositions {
    pub start: Option<Written>,
    pub end: Option<Written>,
    pub published: Option<Written>,
    pub severity: Option<Written>,
    /// The title, which the warning about a missing translation points at.
    pub title: Option<Written>,
}

/// One incident or maintenance, from one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// URL-safe, unique in the site.
    pub id: String,
    /// The file it comes from, relative to the site root.
    pub source: PathBuf,
    pub title: String,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    /// The overall severity.
    pub severity: Severity,
    /// Affected components, in `site.yaml` order.
    pub impacts: Vec<Impact>,
    /// An author id from `site.yaml`, or a free-form name: who signs the announcement, and
    /// the updates that name nobody.
    pub author: Option<String>,
    /// When the incident is announced, and so becomes public: `published` as written,
    /// else the earliest of its start and its updates' times (the load stage applies the
    /// default). [`crate::derive::timeline`] says from it what is public at a moment.
    pub published: DateTime<Utc>,
    pub draft: bool,
    /// The announcement first (at `published`), then the updates in time order.
    pub posts: Vec<Post>,
    /// Where some keys are written in the file, for warnings.
    pub positions: KeyPositions,
    /// In a site seen in a language other than the default, the texts left in the default
    /// language for want of a translation; `None` when every text is in the language the
    /// site is seen in.
    pub untranslated: Option<Box<translation::Untranslated>>,
}

impl Incident {
    /// Whether this is planned maintenance rather than an incident.
    pub fn is_maintenance(&self) -> bool {
        self.severity == Severity::Maintenance
    }

    /// Whether this is a notice: information, not an incident.
    pub fn is_notice(&self) -> bool {
        self.severity == Severity::Notice
    }

    /// The language of a text of this incident (its title, or post `post`) when it is not
    /// the one the site is seen in: a text left untranslated, which the pages mark.
    pub fn fallback_lang(&self, post: Option<usize>) -> Option<lang::Lang> {
        let u = self.untranslated.as_ref()?;
        let left = match post {
            None => u.title,
            Some(k) => u.posts.get(k).copied().unwrap_or(false),
        };
        left.then_some(u.lang)
    }

    /// Who signs post `k` (0 is the announcement): its own author, else the incident's. The
    /// one place where an update without `author` falls back on the incident's.
    pub fn author_of(&self, k: usize) -> Option<&str> {
        self.posts
            .get(k)
            .and_then(|p| p.author.as_deref())
            .or(self.author.as_deref())
    }

    /// The severity this incident has on `component`, if it affects it.
    pub fn severity_on(&self, component: &str) -> Option<Severity> {
        self.impacts
            .iter()
            .find(|i| i.component == component)
            .map(|i| i.severity)
    }
}

/// An incident's results are remembered by its id (`vigie watch`'s page memos).
impl crate::memo::Identified for Incident {
    fn id(&self) -> &str {
        &self.id
    }
}

/// A whole site: the output of the load stage.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// Sorted by start (newest first), then id; shared, so that a rebuild that remembers
    /// an incident (`vigie watch`, `vigie serve`) neither copies nor compares it.
    pub incidents: Vec<Arc<Incident>>,
    /// Files copied as they are: output path (`/`-separated) and bytes, sorted by path.
    pub files: Vec<(String, Vec<u8>)>,
}
