//! Feeds: one entry per post (the announcement and each update), newest first, as the
//! posts of a forum's announcements section.

use askama::Template;
use chrono::{DateTime, Utc};

use rayon::prelude::*;

use crate::derive::timeline::public_posts;
use crate::derive::StatusModel;
use crate::error::Error;
use crate::model::Site;
use crate::render::escape::escape;
use crate::render::views::{affected_line, author_line};
use crate::render::OutputFile;

/// One post, ready for any feed format.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    /// "Titre de l'incident — Identifié".
    pub title: String,
    /// The absolute permalink of the post (incident page and anchor); also its id.
    pub link: String,
    pub at: DateTime<Utc>,
    /// Who signs the post: its own author, else the incident's.
    pub author: Option<String>,
    /// Component names, as categories.
    pub categories: Vec<String>,
    /// The post as HTML: a line of facts, then the sanitized body.
    pub html: String,
}

impl FeedEntry {
    /// RFC 822 date, as RSS wants it.
    pub fn rfc822(&self) -> String {
        self.at.to_rfc2822()
    }

    /// RFC 3339 in UTC, as Atom wants it.
    pub fn iso(&self) -> String {
        crate::render::views::iso(self.at)
    }
}

/// Every public post ([`crate::derive::timeline::public_posts`]) of the incidents for
/// which `keep` holds, newest first, at most `limit`.
pub fn entries(model: &StatusModel, keep: impl Fn(usize) -> bool, limit: usize) -> Vec<FeedEntry> {
    entries_of(model, &by_newest_post(model), keep, limit)
}

/// A public post as a feed orders it: its time, its incident, its number.
type PostKey = (DateTime<Utc>, usize, usize);

/// The incidents with a public post, by the time of their newest public post, newest
/// first: a feed looks at them in this order, and stops at the first whose newest post is
/// older than every post it already keeps.
fn by_newest_post(model: &StatusModel) -> Vec<(DateTime<Utc>, usize)> {
    let mut order: Vec<(DateTime<Utc>, usize)> = model
        .incidents
        .iter()
        .enumerate()
        .filter_map(|(n, st)| Some((st.newest_post?, n)))
        .collect();
    order.sort_unstable_by_key(|o| std::cmp::Reverse(o.0));
    order
}

/// The feed entries of the `limit` newest public posts of the incidents for which `keep`
/// holds, `order` being [`by_newest_post`]: newest first; between posts of the same time,
/// by incident id, then the later post first. A total order (ids are unique), so that
/// each feed holds exactly the first posts of the site's list that it keeps. Only the
/// incidents that can hold one of them are looked at, and only those posts are sorted.
fn entries_of(
    model: &StatusModel,
    order: &[(DateTime<Utc>, usize)],
    keep: impl Fn(usize) -> bool,
    limit: usize,
) -> Vec<FeedEntry> {
    if limit == 0 {
        return Vec::new();
    }
    let site = model.site;
    let order_posts = |a: &PostKey, b: &PostKey| {
        b.0.cmp(&a.0)
            .then_with(|| site.incidents[a.1].id.cmp(&site.incidents[b.1].id))
            .then_with(|| b.2.cmp(&a.2))
    };
    let mut posts: Vec<PostKey> = Vec::new();
    // The time of the `limit`-th newest post kept when it was last found: every post
    // older than it is out (it only grows as more are kept, so a stale one is safe).
    let mut oldest_in: Option<DateTime<Utc>> = None;
    let mut found_at = 0;
    for &(newest, n) in order {
        if oldest_in.is_some_and(|t| newest < t) {
            break;
        }
        if !keep(n) {
            continue;
        }
        let i = &site.incidents[n];
        posts.extend(public_posts(i, model.now).map(|k| (i.posts[k].at, n, k)));
        if posts.len() >= limit && posts.len() >= 2 * found_at {
            posts.select_nth_unstable_by(limit - 1, order_posts);
            posts.truncate(limit);
            oldest_in = Some(posts[limit - 1].0);
            found_at = posts.len();
        }
    }
    if posts.len() > limit {
        posts.select_nth_unstable_by(limit - 1, order_posts);
    }
    posts.truncate(limit);
    posts.sort_unstable_by(order_posts);
    posts
        .into_iter()
        .map(|(_, n, k)| entry(model, n, k))
        .collect()
}

fn entry(model: &StatusModel, n: usize, k: usize) -> FeedEntry {
    let site = model.site;
    let (lang, tz) = (site.config.lang, site.config.tz);
    let t = lang.strings();
    let i = &site.incidents[n];
    let p = &i.posts[k];
    let effective = model.incidents[n].post_statuses[k];
    let word = match p.status {
        // A notice has no status word: it is information, then updates to it.
        _ if i.is_notice() && k == 0 => t.notice,
        _ if i.is_notice() => t.update,
        Some(s) if k > 0 => t.update_status(s),
        _ => t.update_status(effective),
    };
    let col = t.colon;
    let mut facts = format!(
        "{}{col} {} — {}{col} {}",
        t.severity,
        t.severity(i.severity),
        t.started,
        lang.datetime(i.start, tz)
    );
    if let Some(end) = i.end {
        facts.push_str(&format!(" — {}{col} {}", t.ended, lang.datetime(end, tz)));
    }
    let categories: Vec<String> = i
        .impacts
        .iter()
        .filter_map(|imp| {
            site.config
                .component(&imp.component)
                .map(|c| c.name.clone())
        })
        .collect();
    let (label, names) = affected_line(site, i);
    let facts = format!(
        "<p><strong>{}</strong><br>{}</p>\n",
        escape(&facts),
        escape(&format!("{label}{col} {names}"))
    );
    FeedEntry {
        title: format!("{} — {word}", i.title),
        link: post_url(site, n, k),
        at: p.at,
        author: author_line(site, i.author_of(k)),
        categories,
        // A post left in the default language says so, as on the page.
        html: match i.fallback_lang(Some(k)) {
            Some(l) => format!("{facts}<div lang=\"{}\">\n{}</div>\n", l.code(), p.html),
            None => format!("{facts}{}", p.html),
        },
    }
}

/// The absolute URL of post `k` of incident `n`.
pub fn post_url(site: &Site, n: usize, k: usize) -> String {
    let i = &site.incidents[n];
    format!(
        "{}{}incidents/{}/#{}",
        site.config.base_url,
        site.config.prefix(),
        i.id,
        i.posts[k].anchor
    )
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct RssFeed<'a> {
    title: &'a str,
    /// The page the feed is about.
    link: String,
    description: String,
    lang: &'static str,
    self_url: String,
    /// The date of the newest entry; absent when there is none, so that an unchanged feed
    /// stays byte-identical from one build to the next.
    last_build: Option<String>,
    items: Vec<FeedEntry>,
}

#[derive(Template)]
#[template(path = "atom.xml")]
struct AtomFeed<'a> {
    /// The feed's permanent id: the site's URL.
    id: &'a str,
    title: &'a str,
    subtitle: String,
    lang: &'static str,
    link: &'a str,
    self_url: String,
    /// The newest entry's date; for a feed with no entry yet, the latest change of the
    /// site, else the Unix epoch: never `now`, so an unchanged feed keeps its bytes.
    updated: String,
    /// Who the feed is by when an entry names nobody: the site.
    author: &'a str,
    items: Vec<FeedEntry>,
}

/// The site's feeds: `feed.xml`, `atom.xml` and one RSS feed per component.
pub fn all(model: &StatusModel) -> Result<Vec<OutputFile>, Error> {
    let site = model.site;
    let cfg = &site.config;
    let t = cfg.lang.strings();
    let mut files = Vec::new();
    let order = by_newest_post(model);
    let items = entries_of(model, &order, |_| true, cfg.feed_items);
    let description = cfg
        .description
        .clone()
        .unwrap_or_else(|| t.feed_description.to_string());
    let updated = items
        .first()
        .map(|e| e.at)
        .or_else(|| crate::derive::timeline::last_change(model))
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    // The address of the pages in the site's language.
    let base = format!("{}{}", cfg.base_url, cfg.prefix());
    let atom = AtomFeed {
        id: &base,
        title: &cfg.title,
        subtitle: description.clone(),
        lang: cfg.lang.code(),
        link: &base,
        self_url: format!("{base}atom.xml"),
        updated: crate::render::views::iso(updated),
        author: &cfg.title,
        items: items.clone(),
    };
    let xml = atom
        .render()
        .map_err(|e| Error::Render(format!("atom.xml: {e}")))?;
    files.push(OutputFile::new("atom.xml", xml.into_bytes()));
    files.push(rss(
        "feed.xml",
        RssFeed {
            title: &cfg.title,
            link: base.clone(),
            description,
            lang: cfg.lang.code(),
            self_url: format!("{base}feed.xml"),
            last_build: items.first().map(FeedEntry::rfc822),
            items,
        },
    )?);
    // One feed per component, side by side, in the components' order.
    let per_component: Vec<Result<OutputFile, Error>> = cfg
        .components
        .par_iter()
        .enumerate()
        .map(|(k, c)| {
            let mut mine = vec![false; site.incidents.len()];
            for &n in &model.components[k].incidents {
                mine[n] = true;
            }
            let items = entries_of(model, &order, |n| mine[n], cfg.feed_items);
            let path = format!("components/{}/feed.xml", c.id);
            rss(
                &path,
                RssFeed {
                    title: &format!("{} — {}", c.name, cfg.title),
                    link: format!("{base}components/{}/", c.id),
                    description: format!("{} — {}", cfg.title, c.name),
                    lang: cfg.lang.code(),
                    self_url: format!("{base}{path}"),
                    last_build: items.first().map(FeedEntry::rfc822),
                    items,
                },
            )
        })
        .collect();
    for file in per_component {
        files.push(file?);
    }
    Ok(files)
}

fn rss(path: &str, feed: RssFeed) -> Result<OutputFile, Error> {
    let xml = feed
        .render()
        .map_err(|e| Error::Render(format!("{path}: {e}")))?;
    Ok(OutputFile::new(path, xml.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::testing::{config_with, site};
    use proptest::prelude::*;

    /// An incident file: its start, its updates (half hours after a base day, so that
    /// posts of the same time are common), its component, maybe a `published` earlier
    /// than all.
    fn file(start: u32, updates: &[u32], component: &str, early: bool) -> String {
        let at = |m: u32| {
            (crate::load::testing::t("2026-01-01T00:00:00Z")
                + chrono::Duration::minutes(30 * i64::from(m)))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
        };
        let mut text = format!(
            "---\ntitle: T\nstart: {}\nseverity: degraded\ncomponents: [{component}]\n",
            at(start)
        );
        if early {
            text.push_str(&format!("published: {}\n", at(start.saturating_sub(3))));
        }
        if !updates.is_empty() {
            text.push_str("updates:\n");
            for u in updates {
                text.push_str(&format!("  - at: {}\n    body: u\n", at(start + u)));
            }
        }
        text.push_str("---\nA.\n");
        text
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// The feeds keep exactly the newest posts a full sort of every public post keeps.
        #[test]
        fn a_feed_holds_the_newest_posts_of_a_full_sort(
            incidents in prop::collection::vec(
                (0u32..20, prop::collection::vec(0u32..10, 0..4), prop::sample::select(vec!["web", "mail"]), any::<bool>()),
                0..40),
            now in 0i64..30,
            limit in 0usize..12,
        ) {
            let texts: Vec<(String, String)> = incidents
                .iter()
                .enumerate()
                .map(|(n, (s, u, c, e))| (format!("i{:02}", n % 37), file(*s, u, c, *e)))
                .collect();
            let mut seen = std::collections::HashSet::new();
            let files: Vec<(&str, &str)> = texts
                .iter()
                .filter(|(id, _)| seen.insert(id.clone()))
                .map(|(id, t)| (id.as_str(), t.as_str()))
                .collect();
            let s = site(config_with(&["web", "mail"]), &files);
            let now = crate::load::testing::t("2026-01-01T00:00:00Z") + chrono::Duration::minutes(30 * now);
            let model = crate::derive::derive(&s, now);
            for component in [None, Some("web")] {
                let keep = |n: usize| component.is_none_or(|c| s.incidents[n].severity_on(c).is_some());
                let mut all: Vec<PostKey> = (0..s.incidents.len())
                    .filter(|&n| keep(n))
                    .flat_map(|n| {
                        let i = &s.incidents[n];
                        public_posts(i, now).map(move |k| (i.posts[k].at, n, k))
                    })
                    .collect();
                all.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| s.incidents[a.1].id.cmp(&s.incidents[b.1].id)).then_with(|| b.2.cmp(&a.2)));
                all.truncate(limit);
                let expected: Vec<String> = all.iter().map(|&(_, n, k)| post_url(&s, n, k)).collect();
                let got: Vec<String> = entries(&model, keep, limit).into_iter().map(|e| e.link).collect();
                prop_assert_eq!(got, expected);
            }
        }
    }
}
