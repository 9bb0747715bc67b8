//! The site's configuration, as `site.yaml` gives it once validated
//! ([`crate::load::config`] reads it).

use std::collections::BTreeMap;

use super::lang::Lang;
use chrono_tz::Tz;

/// Where customers can reach the hoster; each is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// The forum, or its announcements section.
    pub forum: Option<String>,
    /// A chat room or channel.
    pub chat: Option<String>,
    /// A support e-mail address.
    pub email: Option<String>,
    /// A support or contact page.
    pub page: Option<String>,
}

impl Contact {
    /// Whether no way of contact is given.
    pub fn is_empty(&self) -> bool {
        self.forum.is_none() && self.chat.is_none() && self.email.is_none() && self.page.is_none()
    }
}

/// Someone who signs announcements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// The name shown.
    pub name: String,
    /// What they do, e.g. "Fondatrice / Responsable".
    pub role: Option<String>,
}

/// One component customers care about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub id: String,
    pub name: String,
    pub group: Option<String>,
    pub description: Option<String>,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    /// Absolute, always ending with `/`.
    pub base_url: String,
    pub lang: Lang,
    pub tz: Tz,
    /// In the order of `site.yaml`.
    pub components: Vec<Component>,
    pub contact: Contact,
    pub authors: BTreeMap<String, Author>,
    pub theme: String,
    /// How many days of past incidents the front page lists.
    pub history_days: u32,
    /// How many posts the feeds carry.
    pub feed_items: usize,
    /// How many incidents a component page lists before linking to the archive.
    pub component_incidents: usize,
    /// How many ongoing incidents the front page lists, worst first, before linking to the
    /// page of all of them.
    pub front_page_ongoing: usize,
    /// How many days a notice without `end` stays on the front page.
    pub notice_days: u32,
    /// After how many days an incident still without `end` is warned about.
    pub ongoing_warning_days: u32,
    /// Where readers of announcement e-mails unsubscribe (`mailto:` or `https:` URLs),
    /// sent as the `List-Unsubscribe` header (RFC 2369); empty: no header.
    pub list_unsubscribe: Vec<String>,
}

impl Config {
    /// The component with this id.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    /// Position of a component in `site.yaml`, for stable ordering.
    pub fn component_index(&self, id: &str) -> usize {
        self.components
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX)
    }

    /// The host of `base_url`, without credentials or port: `status.example.fr`, `[::1]`.
    pub fn host(&self) -> String {
        host(&self.base_url)
    }

    /// The path of `base_url`, from its first `/`: `/`, `/status/`.
    pub fn base_path(&self) -> String {
        parse(&self.base_url).map_or_else(|| "/".to_string(), |u| u.path().to_string())
    }

    /// The host, port and path of `base_url`, with `-` for `/`, as one URL segment:
    /// `status.example.fr`, `example.fr-status`, `127.0.0.1:8080`.
    pub fn site_key(&self) -> String {
        site_key(&self.base_url)
    }
}

/// The host of an absolute URL, without credentials or port.
fn host(url: &str) -> String {
    parse(url)
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// See [`Config::site_key`].
fn site_key(url: &str) -> String {
    {
        let Some(u) = parse(url) else {
            return String::new();
        };
        let mut key = u.host_str().unwrap_or_default().to_string();
        if let Some(port) = u.port() {
            key.push_str(&format!(":{port}"));
        }
        key.push_str(u.path().trim_end_matches('/'));
        key.replace('/', "-")
    }
}

/// `url` parsed, if it is an absolute URL.
fn parse(url: &str) -> Option<url::Url> {
    url::Url::parse(url).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_drops_scheme_credentials_port_and_path() {
        assert_eq!(host("https://status.example.fr/"), "status.example.fr");
        assert_eq!(host("http://user@Example.org:8080/status/"), "example.org");
        assert_eq!(host("http://[::1]:8080/"), "[::1]");
        assert_eq!(host("http://[2001:db8::7]/status/"), "[2001:db8::7]");
    }

    #[test]
    fn the_site_key_is_one_segment() {
        assert_eq!(site_key("https://status.example.fr/"), "status.example.fr");
        assert_eq!(site_key("https://example.fr/status/"), "example.fr-status");
        assert_eq!(site_key("http://user:pw@[::1]:8080/a/b/"), "[::1]:8080-a-b");
    }
}
