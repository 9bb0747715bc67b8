//! `vigie announce`: one post of an incident, ready to paste or send.
//!
//! The post's Markdown is parsed once into a [`doc::Doc`] (from pulldown-cmark events,
//! with the site's Markdown options) and every format renders that same tree with the
//! same header (title, status, severity, components, when) and footer (author, link to
//! the post, contact lines): [`bbcode`] for forums, [`text`] for plain mail, [`markdown`]
//! for chat tools and git hosting, [`email`] for a whole RFC 5322 message. Nothing is
//! written anywhere: the result is returned as a string.

pub mod bbcode;
pub mod doc;
pub mod email;
pub mod markdown;
pub mod text;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::ValueEnum;

use crate::derive::timeline::latest_public_post;
use crate::derive::{self, StatusModel};
use crate::error::{did_you_mean, Error};
use crate::load::{self, LoadOptions};
use crate::model::{Config, Phase};
use crate::render::feeds::post_url;
use crate::render::i18n::{Lang, Strings};
use crate::render::views::{affected_line, author_line};

/// The output formats of `announce`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnnounceFormat {
    Bbcode,
    Text,
    Markdown,
    Email,
}

/// Options of `vigie announce`.
#[derive(Debug, Clone)]
pub struct AnnounceOptions {
    pub root: PathBuf,
    /// The incident's id.
    pub id: String,
    pub post: PostChoice,
    pub format: AnnounceFormat,
    /// The language to write it in (`--lang`); `None`: the site's default language.
    pub lang: Option<String>,
    /// The moment the announcement is made: decides the incident's status word.
    pub now: DateTime<Utc>,
}

/// Which post of the incident to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostChoice {
    /// The newest post already published at `now` (the announcement if none is).
    Latest,
    /// Post number `n`: 0 is the announcement, then the updates in time order.
    Number(usize),
}

impl PostChoice {
    /// Reads `--post`: `latest` or a number.
    pub fn parse(text: &str) -> Result<PostChoice, Error> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("latest") {
            return Ok(PostChoice::Latest);
        }
        text.parse().map(PostChoice::Number).map_err(|_| {
            Error::Usage(format!(
                "--post `{text}` is neither `latest` nor a post number (0 is the announcement)"
            ))
        })
    }
}

/// `vigie announce`: the chosen post of incident `id`, in the chosen format.
pub fn announce(options: &AnnounceOptions) -> Result<String, Error> {
    // Drafts too: an announcement is often prepared before the incident is published.
    let site = load::load(&options.root, &LoadOptions { drafts: true })?;
    let site = match &options.lang {
        Some(code) => site.in_language(language(&site, code)?),
        None => site,
    };
    let model = derive::derive(&site, options.now);
    let n = find_incident(&model, &options.id)?;
    let k = choose_post(&model, n, options.post)?;
    let a = Announcement::new(&model, n, k);
    Ok(match options.format {
        AnnounceFormat::Bbcode => bbcode::render(&a),
        AnnounceFormat::Text => text::render(&a),
        AnnounceFormat::Markdown => markdown::render(&a),
        AnnounceFormat::Email => email::render(&a),
    })
}

/// The language `--lang` names, if the site has it.
fn language(site: &crate::model::Site, code: &str) -> Result<crate::model::lang::Lang, Error> {
    let languages = &site.config.languages;
    crate::model::lang::Lang::from_code(code)
        .filter(|l| languages.contains(l))
        .ok_or_else(|| {
            let codes: Vec<&str> = languages.iter().map(|l| l.code()).collect();
            Error::Usage(format!(
                "--lang `{code}` is not one of the site's languages\n  = help: use {} (`languages` in site.yaml)",
                codes.join(" or ")
            ))
        })
}

fn find_incident(model: &StatusModel, id: &str) -> Result<usize, Error> {
    let incidents = &model.site.incidents;
    if let Some(n) = incidents.iter().position(|i| i.id == id) {
        return Ok(n);
    }
    let mut message = format!("no incident with the id `{id}`");
    match did_you_mean(id, incidents.iter().map(|i| i.id.as_str())) {
        Some(close) => message.push_str(&format!("\n  = help: did you mean `{close}`?")),
        None => message.push_str(
            "\n  = help: an incident's id is its file name under incidents/, without `.md`",
        ),
    }
    Err(Error::Refused(message))
}

fn choose_post(model: &StatusModel, n: usize, choice: PostChoice) -> Result<usize, Error> {
    let i = &model.site.incidents[n];
    match choice {
        PostChoice::Latest => Ok(latest_public_post(i, model.now).unwrap_or(0)),
        PostChoice::Number(k) if k < i.posts.len() => Ok(k),
        PostChoice::Number(k) => {
            let count = i.posts.len();
            let range = if count == 1 {
                "only post 0, the announcement".to_string()
            } else {
                format!("posts 0 (the announcement) to {}", count - 1)
            };
            Err(Error::Refused(format!(
                "incident `{}` has {count} post{}: there is no post {k}\n  = help: use {range}, or `--post latest`",
                i.id,
                if count == 1 { "" } else { "s" }
            )))
        }
    }
}

/// A labelled fact of the header: "Gravité : Panne majeure".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

/// A way to reach the hoster: "Forum", the text shown and the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactLine {
    pub label: &'static str,
    pub text: String,
    pub url: String,
}

/// What an e-mail needs besides the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFacts {
    /// The site's title, as the sender's name.
    pub sender_name: String,
    /// `contact.email`, else `no-reply@` the host of `base_url`.
    pub from: String,
    /// The host of `base_url`, for message ids.
    pub host: String,
    pub incident_id: String,
    pub anchor: String,
    /// The announcement's anchor, when this post is an update (for threading).
    pub thread_anchor: Option<String>,
    /// The post's time, RFC 5322, in the site's time zone.
    pub date: String,
    /// `list_unsubscribe` of site.yaml.
    pub list_unsubscribe: Vec<String>,
}

/// One post with everything every format shows around it, already in the site's language.
#[derive(Debug, Clone)]
pub struct Announcement {
    pub lang: Lang,
    pub t: &'static Strings,
    pub title: String,
    /// Status, severity, components, when.
    pub facts: Vec<Fact>,
    /// "Annonce", "Mise à jour", "Résolu"…
    pub post_label: &'static str,
    /// When the post was published, in words, with the time zone.
    pub post_time: String,
    /// Who signs the post (its own author, else the incident's): "Élodie (Fondatrice /
    /// Responsable)".
    pub author: Option<String>,
    /// The absolute URL of the post on the incident page.
    pub permalink: String,
    pub contact: Vec<ContactLine>,
    /// The post, parsed.
    pub doc: Doc,
    /// The post as sanitized HTML (for the HTML part of the e-mail).
    pub html: String,
    pub mail: MailFacts,
}

pub use doc::Doc;

impl Announcement {
    /// The facts (state, severity, components, times) as HTML: each a label in bold and
    /// its value, joined by `separator`.
    pub fn facts_html(&self, separator: &str) -> String {
        use crate::render::escape::escape;
        let facts: Vec<String> = self
            .facts
            .iter()
            .map(|f| {
                format!(
                    "<strong>{}</strong> {}",
                    escape(&self.label(f.label)),
                    escape(&f.value)
                )
            })
            .collect();
        facts.join(separator)
    }

    /// Post `k` of incident `n` of the model.
    pub fn new(model: &StatusModel, n: usize, k: usize) -> Announcement {
        let site = model.site;
        let cfg = &site.config;
        let (lang, tz) = (cfg.lang, cfg.tz);
        let t = lang.strings();
        let i = &site.incidents[n];
        let state = &model.incidents[n];
        let p = &i.posts[k];
        let permalink = post_url(site, n, k);

        let facts = facts(model, n);
        let post_label = if k == 0 {
            t.announcement
        } else if i.is_notice() {
            t.update
        } else {
            t.update_status(p.status.unwrap_or(state.post_statuses[k]))
        };

        let address = contact_address(cfg);
        let contact = contact_lines(cfg, address.as_deref());

        let host = cfg.host();
        Announcement {
            lang,
            t,
            title: i.title.clone(),
            facts,
            post_label,
            post_time: lang.datetime(p.at, tz),
            author: author_line(site, i.author_of(k)),
            doc: doc::parse(&p.markdown, &permalink),
            permalink,
            contact,
            html: p.html.clone(),
            mail: MailFacts {
                sender_name: cfg.title.clone(),
                from: address.unwrap_or_else(|| format!("no-reply@{host}")),
                host,
                incident_id: i.id.clone(),
                anchor: p.anchor.clone(),
                thread_anchor: (k > 0).then(|| i.posts[0].anchor.clone()),
                date: p.at.with_timezone(&tz).to_rfc2822(),
                list_unsubscribe: cfg.list_unsubscribe.clone(),
            },
        }
    }

    /// "Gravité :" — a label with the language's colon.
    pub fn label(&self, label: &str) -> String {
        format!("{label}{}", self.t.colon)
    }
}

/// Status, severity, components and when, for incident `n` at the model's `now`.
fn facts(model: &StatusModel, n: usize) -> Vec<Fact> {
    let cfg = &model.site.config;
    let (lang, tz) = (cfg.lang, cfg.tz);
    let t = lang.strings();
    let i = &model.site.incidents[n];
    let state = &model.incidents[n];
    let components: Vec<String> = i
        .impacts
        .iter()
        .filter_map(|imp| {
            let name = &cfg.component(&imp.component)?.name;
            Some(if imp.severity == i.severity {
                name.clone()
            } else {
                format!("{name} ({})", t.severity(imp.severity).to_lowercase())
            })
        })
        .collect();
    let ongoing = state.phase == Phase::Ongoing && i.end.is_none();
    let mut facts = Vec::with_capacity(4);
    // A notice is information: no status word.
    if !i.is_notice() {
        facts.push(Fact {
            label: t.status,
            value: t.update_status(state.status).to_string(),
        });
    }
    let (label, every) = affected_line(model.site, i);
    facts.extend([
        Fact {
            label: t.severity,
            value: t.severity(i.severity).to_string(),
        },
        Fact {
            label,
            value: if i.is_notice() {
                every
            } else {
                components.join(", ")
            },
        },
        Fact {
            label: t.period,
            value: lang.period(i.start, if ongoing { None } else { i.end }, tz),
        },
    ]);
    facts
}

/// `contact.email` without its `mailto:`.
fn contact_address(cfg: &Config) -> Option<String> {
    let mail = cfg.contact.email.as_deref()?;
    Some(mail.strip_prefix("mailto:").unwrap_or(mail).to_string())
}

/// The ways to reach the hoster, from `contact` in site.yaml; `address` is the e-mail.
fn contact_lines(cfg: &Config, address: Option<&str>) -> Vec<ContactLine> {
    let t = cfg.lang.strings();
    let c = &cfg.contact;
    let mut contact = Vec::new();
    for (label, value) in [(t.forum, &c.forum), (t.chat, &c.chat), (t.page, &c.page)] {
        if let Some(v) = value {
            contact.push(ContactLine {
                label,
                text: v.clone(),
                url: v.clone(),
            });
        }
    }
    if let Some(mail) = address {
        contact.push(ContactLine {
            label: t.email,
            text: mail.to_string(),
            url: format!("mailto:{mail}"),
        });
    }
    contact
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_numbers_and_latest_are_read() {
        assert_eq!(PostChoice::parse("latest").unwrap(), PostChoice::Latest);
        assert_eq!(PostChoice::parse("0").unwrap(), PostChoice::Number(0));
        assert!(matches!(PostChoice::parse("-1"), Err(Error::Usage(_))));
        assert!(matches!(PostChoice::parse("last"), Err(Error::Usage(_))));
    }
}
