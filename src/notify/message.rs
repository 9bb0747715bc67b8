//! An event as words: the [`Announcement`] of `vigie announce` (same header, words,
//! local times, absolute links), for a post as it is, for the other events with their
//! own label and sentence, threaded under the incident's announcement.

use crate::announce::{doc, Announcement};
use crate::derive::timeline::latest_public_post;
use crate::derive::StatusModel;
use crate::model::lang::Lang;
use crate::render::escape::escape;

use super::events::{Event, EventKind};

/// What every channel sends for one event.
#[derive(Debug, Clone)]
pub struct Message {
    pub event: Event,
    pub a: Announcement,
}

impl Message {
    /// The message of `event` at the model's `now`.
    pub fn new(model: &StatusModel, event: &Event) -> Message {
        let n = event.incident;
        let i = &model.site.incidents[n];
        let cfg = &model.site.config;
        let (lang, tz) = (cfg.lang, cfg.tz);
        let t = lang.strings();
        let k = match event.kind {
            EventKind::Post(k) => k,
            _ => latest_public_post(i, model.now).unwrap_or(0),
        };
        let mut a = Announcement::new(model, n, k);
        let sentence = match &event.kind {
            EventKind::Post(_) => None,
            EventKind::Rescheduled(w) => Some((
                t.notify_rescheduled,
                t.notify_rescheduled_body
                    .replace("{period}", &lang.period(w.start, Some(w.end), tz)),
            )),
            EventKind::Reminder(d) => Some((
                t.notify_reminder,
                t.notify_reminder_body
                    .replace("{delay}", &delay(lang, *d))
                    .replace("{time}", &lang.datetime(i.start, tz)),
            )),
            EventKind::Started => Some((
                t.in_progress,
                t.notify_started_body
                    .replace("{time}", &lang.datetime(event.due, tz)),
            )),
            EventKind::Completed => Some((
                t.completed,
                t.notify_completed_body
                    .replace("{time}", &lang.datetime(event.due, tz)),
            )),
            EventKind::Resolved => Some((
                t.resolved,
                t.notify_resolved_body
                    .replace("{time}", &lang.datetime(event.due, tz)),
            )),
        };
        if let Some((label, sentence)) = sentence {
            let page = format!("{}incidents/{}/", cfg.base_url, i.id);
            a.post_label = label;
            a.post_time = lang.datetime(event.due, tz);
            a.doc = doc::parse(&sentence, &page);
            a.html = format!("<p>{}</p>\n", escape(&sentence));
            a.permalink = page;
            a.author = None;
            a.mail.anchor = event
                .id
                .strip_prefix(&format!("{}.", i.id))
                .unwrap_or(&event.id)
                .to_string();
            a.mail.thread_anchor = Some(i.posts[0].anchor.clone());
            a.mail.date = event.due.with_timezone(&tz).to_rfc2822();
        }
        Message {
            event: event.clone(),
            a,
        }
    }

    /// "Title — Label": the subject of the e-mail, the first line elsewhere.
    pub fn headline(&self) -> String {
        format!("{} — {}", self.a.title, self.a.post_label)
    }

    /// The word for the kind of event, in JSON bodies: `post`, `rescheduled`, `reminder`,
    /// `started`, `completed`, `resolved`.
    pub fn kind_word(&self) -> &'static str {
        match self.event.kind {
            EventKind::Post(_) => "post",
            EventKind::Rescheduled(_) => "rescheduled",
            EventKind::Reminder(_) => "reminder",
            EventKind::Started => "started",
            EventKind::Completed => "completed",
            EventKind::Resolved => "resolved",
        }
    }

    /// The site's language.
    pub fn lang(&self) -> Lang {
        self.a.lang
    }

    /// A short HTML rendering for chat tools that take some (Matrix): the headline, the
    /// facts, the post, the link.
    pub fn chat_html(&self) -> String {
        let a = &self.a;
        let mut out = format!("<h4>{}</h4>\n<p>", escape(&self.headline()));
        out.push_str(&a.facts_html("<br>"));
        out.push_str("</p>\n");
        // The post's HTML was rendered from its Markdown and made safe at load.
        out.push_str(&a.html);
        out.push_str(&format!(
            "<p><a href=\"{url}\">{url}</a></p>",
            url = escape(&a.permalink)
        ));
        out
    }

    /// The post's text without formatting, in one paragraph (for short messages).
    pub fn summary(&self) -> String {
        let mut words = Vec::new();
        for b in &self.a.doc.blocks {
            if let doc::Block::Paragraph(inl) | doc::Block::Plain(inl) = b {
                words.push(doc::plain(inl));
            }
        }
        words
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A reminder's delay in words: whole hours as `24 h`, `1 h`, others as durations are
/// written on pages (`30 min`, `1 h 30`).
fn delay(lang: Lang, d: chrono::Duration) -> String {
    let s = d.num_seconds();
    if s % 3600 == 0 {
        format!("{} h", s / 3600)
    } else {
        lang.duration(s)
    }
}

/// `text` cut to at most `max` characters, ending with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn reminder_delays_read_as_people_write_them() {
        assert_eq!(delay(Lang::Fr, Duration::hours(24)), "24 h");
        assert_eq!(delay(Lang::En, Duration::hours(1)), "1 h");
        assert_eq!(delay(Lang::Fr, Duration::minutes(30)), "30 min");
        assert_eq!(delay(Lang::En, Duration::minutes(90)), "1 h 30 min");
    }

    #[test]
    fn a_posts_message_is_signed_by_the_posts_author_and_an_events_by_nobody() {
        use crate::load::testing::{config_with, site, t};
        let site = site(
            config_with(&["web"]),
            &[(
                "m",
                "---\ntitle: M\nstart: 2026-11-20 10:00\nend: 2026-11-20 11:00\nseverity: maintenance\nauthor: Sam\nupdates:\n  - {at: 2026-11-20 10:30, author: Lee, body: b}\n  - {at: 2026-11-20 10:45, body: c}\n---\na\n",
            )],
        );
        let model = crate::derive::derive(&site, t("2026-11-21T00:00:00Z"));
        let event = |kind| Event {
            id: "m.x".into(),
            incident: 0,
            kind,
            due: t("2026-11-20T10:00:00Z"),
        };
        let author = |kind| Message::new(&model, &event(kind)).a.author;
        assert_eq!(author(EventKind::Post(0)).as_deref(), Some("Sam"));
        assert_eq!(author(EventKind::Post(1)).as_deref(), Some("Lee"));
        assert_eq!(author(EventKind::Post(2)).as_deref(), Some("Sam"));
        assert_eq!(author(EventKind::Completed), None);
    }

    #[test]
    fn truncation_keeps_the_limit_and_marks_the_cut() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("éééééé", 4).chars().count(), 4);
    }
}
