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

/// `collapse_groups` in site.yaml: when the front page folds a group of components to its
/// one line (name, status, uptime). A group with a member that is not operational is
/// always open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CollapseGroups {
    /// Fold the operational groups once the site has more than
    /// [`CollapseGroups::AUTO_THRESHOLD`] components.
    #[default]
    Auto,
    /// Fold every operational group.
    Always,
    /// Never fold a group.
    Never,
}

impl CollapseGroups {
    /// Above this many components, `auto` folds the operational groups: up to it, a front
    /// page with every uptime drawing stays short enough to read at a glance.
    pub const AUTO_THRESHOLD: usize = 20;

    /// The value for a `site.yaml` keyword.
    pub fn from_keyword(word: &str) -> Option<CollapseGroups> {
        match word {
            "auto" => Some(CollapseGroups::Auto),
            "always" => Some(CollapseGroups::Always),
            "never" => Some(CollapseGroups::Never),
            _ => None,
        }
    }

    /// Whether an operational group is folded on a site of `components` components.
    pub fn folds(self, components: usize) -> bool {
        match self {
            CollapseGroups::Auto => components > CollapseGroups::AUTO_THRESHOLD,
            CollapseGroups::Always => true,
            CollapseGroups::Never => false,
        }
    }
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    /// Absolute, always ending with `/`.
    pub base_url: String,
    /// The language the site is seen in: the default language (the first of `languages`)
    /// as loaded, another in [`crate::model::Site::in_language`].
    pub lang: Lang,
    /// The languages of the site, the default first (`languages`, or `language` alone).
    pub languages: Vec<Lang>,
    /// The texts of site.yaml in each language but the default.
    pub localized: Vec<(Lang, super::translation::ConfigTexts)>,
    /// The incidents' translation files.
    pub translations: std::sync::Arc<super::translation::Translations>,
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
    /// When the front page folds the groups of components (`collapse_groups`).
    pub collapse_groups: CollapseGroups,
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
    /// Where `vigie notify` delivers new posts; `None` when site.yaml has no `notify`.
    pub notify: Option<Notify>,
    /// The hoster's own identity on every page (`brand`); all empty when not given.
    pub brand: Brand,
    /// A site-wide notice shown at the top of every page (`notice`), as safe HTML.
    pub notice_html: Option<String>,
    /// How `vigie ingest` and `vigie receive` turn alerts into incidents (`ingest`); the
    /// defaults when site.yaml has no `ingest`.
    pub ingest: Ingest,
}

/// `ingest` in site.yaml: how monitoring alerts map to components, severities and titles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingest {
    /// The Alertmanager label holding a component id (default `component`).
    pub component_label: String,
    /// Uptime Kuma monitor names to component ids.
    pub monitors: BTreeMap<String, String>,
    /// Values of the alert's `severity` label to vigie severities.
    pub severities: BTreeMap<String, super::Severity>,
    /// Whether new incidents are published at once rather than written as drafts.
    pub publish: bool,
    /// The title of a new incident by language, with `{summary}` standing for the alert's
    /// summary; the site's language is taken, else `{summary}` alone.
    pub title: Vec<(Lang, String)>,
}

impl Default for Ingest {
    fn default() -> Ingest {
        Ingest {
            component_label: "component".to_string(),
            monitors: BTreeMap::new(),
            severities: BTreeMap::new(),
            publish: false,
            title: Vec::new(),
        }
    }
}

/// A colour written `#rrggbb` (or `#rgb`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, in lower case.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The accent colour of each colour scheme, checked against the theme's backgrounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accent {
    /// `brand.accent`: links and the header in the light scheme.
    pub light: Rgb,
    /// `brand.accent_dark`, or a lighter shade of `light` that vigie derived.
    pub dark: Rgb,
    /// When `dark` was derived: where `accent` is written (a warning points there).
    pub derived_at: Option<super::Written>,
}

/// `brand` in site.yaml. Paths are those of the output (a file's path under `static/`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Brand {
    /// The logo (`brand.logo`), shown in the header.
    pub logo: Option<String>,
    /// The logo for the dark colour scheme (`brand.logo_dark`).
    pub logo_dark: Option<String>,
    /// The logo's text alternative; always given with a logo.
    pub logo_alt: Option<String>,
    /// The company's own site, which the logo links to.
    pub url: Option<String>,
    pub accent: Option<Accent>,
    /// The favicon, in place of the theme's.
    pub favicon: Option<String>,
    /// The footer text, as safe HTML.
    pub footer_html: Option<String>,
    /// Whether the site has a `static/custom.css`, linked after the theme's style sheet
    /// (set by the load, which lists `static/`).
    pub custom_css: bool,
}

/// `notify` in site.yaml: the channels that receive every new post, and when reminders go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notify {
    pub email: Option<Email>,
    pub webhooks: Vec<Webhook>,
    /// How long before a maintenance window each reminder goes, longest first (default
    /// 24 h and 1 h).
    pub reminders: Vec<chrono::Duration>,
    /// An event older than this when first seen is recorded, not sent (default 24 h).
    pub max_age: chrono::Duration,
}

/// How e-mail leaves: an SMTP server or a local `sendmail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// `smtp://host[:port]` (STARTTLS, required but to loopback) or `smtps://host[:port]`
    /// (TLS from the start).
    Smtp(String),
    /// The path of a `sendmail`-compatible program.
    Sendmail(String),
}

/// `notify.email`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub transport: MailTransport,
    /// The names of the environment variables holding the SMTP user and password.
    pub username_env: Option<String>,
    pub password_env: Option<String>,
    /// The sender address; `None`: `contact.email`, else `no-reply@` the site's host.
    pub from: Option<String>,
    /// Addresses that receive every event, in the default language.
    pub to: Vec<String>,
    /// Addresses that receive every event in another of the site's languages (`to` as a
    /// mapping by language).
    pub to_by_lang: BTreeMap<Lang, Vec<String>>,
    /// Addresses that also receive the events of the incidents touching a component.
    pub to_by_component: BTreeMap<String, Vec<String>>,
    /// Plain `smtp://` without STARTTLS to a host that is not loopback.
    pub insecure: bool,
    /// A PEM file of a certificate authority to trust besides the usual ones (a mail
    /// server with a certificate of its own); relative to the site's folder. With it,
    /// `smtp://` to loopback requires STARTTLS too.
    pub ca_file: Option<String>,
}

/// The kinds of webhook `notify.webhooks` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookKind {
    /// JSON in the shape of a Statuspage incident, signed with HMAC-SHA256.
    Generic,
    /// Slack-compatible incoming webhooks (Slack, Mattermost, Rocket.Chat).
    Slack,
    Discord,
    Matrix,
    Mastodon,
}

impl WebhookKind {
    /// Every kind, in the order the documentation gives them.
    pub const ALL: [WebhookKind; 5] = [
        WebhookKind::Generic,
        WebhookKind::Slack,
        WebhookKind::Discord,
        WebhookKind::Matrix,
        WebhookKind::Mastodon,
    ];

    /// The word used in site.yaml.
    pub fn keyword(self) -> &'static str {
        match self {
            WebhookKind::Generic => "generic",
            WebhookKind::Slack => "slack",
            WebhookKind::Discord => "discord",
            WebhookKind::Matrix => "matrix",
            WebhookKind::Mastodon => "mastodon",
        }
    }

    /// Parses the word used in site.yaml.
    pub fn from_keyword(word: &str) -> Option<WebhookKind> {
        WebhookKind::ALL.into_iter().find(|k| k.keyword() == word)
    }
}

/// A value written in site.yaml, or the name of the environment variable holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting {
    Value(String),
    Env(String),
}

/// One entry of `notify.webhooks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub kind: WebhookKind,
    /// The channel's name in messages and in the record of deliveries: `name`, else the
    /// kind (two entries of one kind need names).
    pub name: String,
    /// Where to send: the URL for generic, slack and discord; the homeserver for matrix;
    /// the instance for mastodon.
    pub url: Setting,
    /// The HMAC key of a generic webhook.
    pub secret_env: Option<String>,
    /// The access token of matrix and mastodon.
    pub token_env: Option<String>,
    /// The Matrix room id or alias.
    pub room: Option<String>,
    /// The language of its messages (`lang`); `None`: the site's default language.
    pub lang: Option<Lang>,
    /// Plain `http://` to a host that is not loopback.
    pub insecure: bool,
    /// A PEM file of the certificate authorities to trust instead of the usual ones (a
    /// server of your own); relative to the site's folder.
    pub ca_file: Option<String>,
}

impl Notify {
    /// The names of every environment variable the channels read, with the channel that
    /// reads each.
    pub fn env_names(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(e) = &self.email {
            for name in [&e.username_env, &e.password_env].into_iter().flatten() {
                out.push(("email".to_string(), name.clone()));
            }
        }
        for w in &self.webhooks {
            if let Setting::Env(name) = &w.url {
                out.push((w.name.clone(), name.clone()));
            }
            for name in [&w.secret_env, &w.token_env].into_iter().flatten() {
                out.push((w.name.clone(), name.clone()));
            }
        }
        out
    }
}

impl Config {
    /// The default language: the first of `languages`.
    pub fn default_lang(&self) -> Lang {
        self.languages.first().copied().unwrap_or(self.lang)
    }

    /// The folder of the pages in `lang` from the site's root: empty for the default
    /// language, else its code and `/` (`en/`).
    pub fn prefix_of(&self, lang: Lang) -> &'static str {
        if lang == self.default_lang() {
            ""
        } else {
            match lang {
                Lang::Fr => "fr/",
                Lang::En => "en/",
            }
        }
    }

    /// The folder of the pages in the language the site is seen in (see [`Config::prefix_of`]).
    pub fn prefix(&self) -> &'static str {
        self.prefix_of(self.lang)
    }

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
