//! The channels: e-mail (SMTP with lettre, or a local `sendmail`) and the webhooks
//! (generic signed JSON, Slack-compatible, Discord, Matrix, Mastodon, over ureq with
//! rustls). A channel is set up once a run (its secrets read from the environment), then
//! delivers one [`Message`] at a time.

use std::path::Path;
use std::time::Duration;

use hmac::{Hmac, Mac};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, SendmailTransport, SmtpTransport, Transport};
use serde_json::json;
use sha2::Sha256;

use super::message::{truncate, Message};
use crate::announce::{email, markdown, text};
use crate::derive::StatusModel;
use crate::load::config::notify::{is_loopback, smtp_problem, url_problem};
use crate::model::config::{Email, MailTransport, Notify, Setting, Webhook, WebhookKind};
use crate::model::lang::Lang;
use crate::model::Severity;
use crate::render::api::page_and_incident;

/// How long one delivery may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The header carrying the generic webhook's signature: `sha256=` and the hex HMAC.
pub const SIGNATURE_HEADER: &str = "X-Vigie-Signature";

/// Discord's limits (messages: content 2000 characters; embeds: title 256, description
/// 4096).
const DISCORD_CONTENT: usize = 2000;
const DISCORD_TITLE: usize = 256;
const DISCORD_DESCRIPTION: usize = 4096;
/// Mastodon's default limit of a status, and the most of it a headline takes.
const MASTODON_STATUS: usize = 500;
const MASTODON_HEADLINE: usize = 200;
/// Slack advises keeping `text` under 4000 characters.
const SLACK_TEXT: usize = 3900;

/// One configured channel, as site.yaml describes it. E-mail is one channel per
/// language: `email` for the default language's addresses, `email.<code>` for another's.
#[derive(Debug, Clone)]
pub enum Spec<'a> {
    Email(Box<std::borrow::Cow<'a, Email>>, Option<Lang>),
    Webhook(&'a Webhook),
}

impl Spec<'_> {
    /// The channel's name, in messages and in the ledger.
    pub fn name(&self) -> String {
        match self {
            Spec::Email(_, None) => "email".to_string(),
            Spec::Email(_, Some(l)) => format!("email.{}", l.code()),
            Spec::Webhook(w) => w.name.clone(),
        }
    }

    /// The language of its messages; `None`: the site's default language.
    pub fn lang(&self) -> Option<Lang> {
        match self {
            Spec::Email(_, l) => *l,
            Spec::Webhook(w) => w.lang,
        }
    }
}

/// Every channel of `notify`, e-mail first (the default language's, then the others').
pub fn specs(notify: &Notify) -> Vec<Spec<'_>> {
    let mut out: Vec<Spec> = Vec::new();
    if let Some(e) = &notify.email {
        if !e.to.is_empty() || !e.to_by_component.is_empty() {
            out.push(Spec::Email(Box::new(std::borrow::Cow::Borrowed(e)), None));
        }
        for (l, to) in &e.to_by_lang {
            let email = Email {
                to: to.clone(),
                to_by_lang: Default::default(),
                to_by_component: Default::default(),
                ..e.clone()
            };
            out.push(Spec::Email(
                Box::new(std::borrow::Cow::Owned(email)),
                Some(*l),
            ));
        }
    }
    out.extend(notify.webhooks.iter().map(Spec::Webhook));
    out
}

/// The value of the environment variable `name`, or why it cannot be had.
fn env(name: &str) -> Result<String, String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(v),
        Ok(_) => Err(format!("the environment variable `{name}` is empty")),
        Err(_) => Err(format!("the environment variable `{name}` is not set")),
    }
}

/// The environment variables of `notify` that are not set, with their channels.
pub fn missing_env(notify: &Notify) -> Vec<(String, String)> {
    notify
        .env_names()
        .into_iter()
        .filter(|(_, name)| env(name).is_err())
        .collect()
}

/// A channel ready to deliver.
pub enum Channel {
    Smtp {
        transport: SmtpTransport,
        email: Email,
    },
    Sendmail {
        transport: SendmailTransport,
        email: Email,
    },
    Http {
        agent: ureq::Agent,
        webhook: Webhook,
        /// The URL (generic, slack, discord) or the server's base URL (matrix, mastodon).
        url: String,
        secret: Option<String>,
        token: Option<String>,
    },
}

impl Channel {
    /// Sets up the channel of `spec`: reads its secrets, checks its address. The error
    /// says what is missing.
    pub fn open(spec: &Spec, site_host: &str, root: &Path) -> Result<Channel, String> {
        match spec {
            Spec::Email(e, _) => open_email(e, site_host, root),
            Spec::Webhook(w) => {
                let url = match &w.url {
                    Setting::Value(u) => u.clone(),
                    Setting::Env(name) => {
                        let u = env(name)?;
                        if let Some(problem) = url_problem(&u, w.insecure) {
                            return Err(format!("{problem} (from `{name}`)"));
                        }
                        u
                    }
                };
                let secret = w.secret_env.as_deref().map(env).transpose()?;
                let token = w.token_env.as_deref().map(env).transpose()?;
                let mut tls = ureq::tls::TlsConfig::builder();
                if let Some(path) = &w.ca_file {
                    tls = tls.root_certs(root_certs(&root.join(path))?);
                }
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .tls_config(tls.build())
                    .timeout_global(Some(TIMEOUT))
                    .http_status_as_error(false)
                    .max_redirects(0)
                    .user_agent(concat!("vigie/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .into();
                Ok(Channel::Http {
                    agent,
                    webhook: (*w).clone(),
                    url,
                    secret,
                    token,
                })
            }
        }
    }

    /// Delivers `m`; the error says what the server answered.
    pub fn deliver(&self, model: &StatusModel, m: &Message) -> Result<(), String> {
        match self {
            Channel::Smtp { transport, email } => {
                let (envelope, bytes) = mail(email, &recipients(email, model, m), m)?;
                transport
                    .send_raw(&envelope, &bytes)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            Channel::Sendmail { transport, email } => {
                let (envelope, bytes) = mail(email, &recipients(email, model, m), m)?;
                transport
                    .send_raw(&envelope, &bytes)
                    .map_err(|e| e.to_string())
            }
            Channel::Http {
                agent,
                webhook,
                url,
                secret,
                token,
            } => {
                let request = http_request(model, webhook, url, m);
                let mut req = match request.method {
                    "PUT" => agent.put(&request.url),
                    _ => agent.post(&request.url),
                }
                .header("Content-Type", "application/json");
                for (name, value) in &request.headers {
                    req = req.header(*name, value);
                }
                if let Some(secret) = secret {
                    req = req.header(SIGNATURE_HEADER, signature(secret, &request.body));
                }
                if let Some(token) = token {
                    req = req.header("Authorization", format!("Bearer {token}"));
                }
                let mut response = req.send(&request.body[..]).map_err(|e| e.to_string())?;
                let status = response.status();
                if status.is_success() {
                    Ok(())
                } else {
                    let body = response.body_mut().read_to_string().unwrap_or_default();
                    Err(format!(
                        "the server answered {status}{}",
                        if body.trim().is_empty() {
                            String::new()
                        } else {
                            format!(": {}", truncate(body.trim(), 200))
                        }
                    ))
                }
            }
        }
    }
}

/// The certificate authorities of the PEM file at `path`, to trust instead of the usual
/// ones.
fn root_certs(path: &Path) -> Result<ureq::tls::RootCerts, String> {
    let pem =
        std::fs::read(path).map_err(|err| format!("`ca_file` `{}`: {err}", path.display()))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        if let ureq::tls::PemItem::Certificate(c) =
            item.map_err(|err| format!("`ca_file` `{}`: {err}", path.display()))?
        {
            certs.push(c);
        }
    }
    if certs.is_empty() {
        return Err(format!(
            "`ca_file` `{}` holds no PEM certificate",
            path.display()
        ));
    }
    Ok(ureq::tls::RootCerts::new_with_certs(&certs))
}

fn open_email(e: &Email, site_host: &str, root: &Path) -> Result<Channel, String> {
    let credentials = match (&e.username_env, &e.password_env) {
        (Some(u), Some(p)) => Some(Credentials::new(env(u)?, env(p)?)),
        _ => None,
    };
    match &e.transport {
        MailTransport::Sendmail(path) => Ok(Channel::Sendmail {
            transport: SendmailTransport::new_with_command(path),
            email: e.clone(),
        }),
        MailTransport::Smtp(url) => {
            if let Some(problem) = smtp_problem(url) {
                return Err(problem);
            }
            let parsed = url::Url::parse(url).map_err(|err| err.to_string())?;
            let host = parsed.host_str().unwrap_or_default().to_string();
            let host = host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string();
            let ca = match &e.ca_file {
                Some(path) => {
                    let path = root.join(path);
                    let pem = std::fs::read(&path)
                        .map_err(|err| format!("`ca_file` `{}`: {err}", path.display()))?;
                    Some(Certificate::from_pem(&pem).map_err(|err| {
                        format!(
                            "`ca_file` `{}` is not a PEM certificate: {err}",
                            path.display()
                        )
                    })?)
                }
                None => None,
            };
            let tls = |host: &str| {
                let mut b = TlsParameters::builder(host.to_string());
                if let Some(ca) = &ca {
                    b = b.add_root_certificate(ca.clone());
                }
                b.build_rustls().map_err(|e| e.to_string())
            };
            let (port, security) = if parsed.scheme() == "smtps" {
                (465, Tls::Wrapper(tls(&host)?))
            } else if is_loopback(&host) && ca.is_none() {
                (587, Tls::None)
            } else if e.insecure {
                (587, Tls::Opportunistic(tls(&host)?))
            } else {
                (587, Tls::Required(tls(&host)?))
            };
            let mut builder = SmtpTransport::builder_dangerous(host)
                .port(parsed.port().unwrap_or(port))
                .tls(security)
                .timeout(Some(TIMEOUT))
                .hello_name(ClientId::Domain(site_host.to_string()));
            if let Some(c) = credentials {
                builder = builder.credentials(c);
            }
            Ok(Channel::Smtp {
                transport: builder.build(),
                email: e.clone(),
            })
        }
    }
}

/// The recipients of `m`: `to`, then the lists of the components the incident touches;
/// an address in several lists once.
pub fn recipients(e: &Email, model: &StatusModel, m: &Message) -> Vec<String> {
    let i = &model.site.incidents[m.event.incident];
    let mut out: Vec<String> = Vec::new();
    let lists = std::iter::once(&e.to).chain(
        i.impacts
            .iter()
            .filter_map(|imp| e.to_by_component.get(&imp.component)),
    );
    for list in lists {
        for a in list {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(a)) {
                out.push(a.clone());
            }
        }
    }
    out
}

/// The envelope and bytes of the e-mail of `m`: the message of `vigie announce --format
/// email`, from `from` when site.yaml sets it, with a `To` header.
fn mail(e: &Email, recipients: &[String], m: &Message) -> Result<(Envelope, Vec<u8>), String> {
    let to = recipients
        .iter()
        .map(|a| a.parse::<Address>().map_err(|err| format!("`{a}`: {err}")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut a = m.a.clone();
    if let Some(from) = &e.from {
        a.mail.from = from.clone();
    }
    let from = a
        .mail
        .from
        .parse::<Address>()
        .map_err(|err| format!("the sender `{}`: {err}", a.mail.from))?;
    let envelope = Envelope::new(Some(from), to).map_err(|err| err.to_string())?;
    let mut bytes = format!("To: {}\r\n", recipients.join(",\r\n "));
    bytes.push_str(&email::render(&a));
    Ok((envelope, bytes.into_bytes()))
}

/// One HTTP request of a webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    /// Headers besides `Content-Type`, the signature and the token.
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// The request `webhook` sends for `m`; `url` is its resolved address.
pub fn http_request(model: &StatusModel, webhook: &Webhook, url: &str, m: &Message) -> HttpRequest {
    let id = &m.event.id;
    let (method, url, body) = match webhook.kind {
        WebhookKind::Generic => ("POST", url.to_string(), generic_body(model, m)),
        WebhookKind::Slack => ("POST", url.to_string(), slack_body(m)),
        WebhookKind::Discord => ("POST", url.to_string(), discord_body(model, m)),
        WebhookKind::Matrix => {
            let room = webhook.room.as_deref().unwrap_or_default();
            let url = format!(
                "{}/_matrix/client/v3/rooms/{}/send/m.room.message/{}",
                url.trim_end_matches('/'),
                segment(room),
                segment(id)
            );
            ("PUT", url, matrix_body(m))
        }
        WebhookKind::Mastodon => {
            let url = format!("{}/api/v1/statuses", url.trim_end_matches('/'));
            ("POST", url, mastodon_body(m))
        }
    };
    let mut headers = vec![("Idempotency-Key", id.clone())];
    if webhook.kind == WebhookKind::Generic {
        headers.push(("X-Vigie-Event", id.clone()));
    }
    HttpRequest {
        method,
        url,
        headers,
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

/// What a path segment keeps as it is: the unreserved characters of RFC 3986.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `text` as one URL path segment.
fn segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

/// `sha256=` and the hex HMAC-SHA256 of `body` under `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    // An HMAC takes a key of any length.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// The generic body: as a Statuspage webhook, `page` and `incident` (with its
/// `incident_updates`, newest first), plus what vigie says about the event.
fn generic_body(model: &StatusModel, m: &Message) -> serde_json::Value {
    let (page, incident) = page_and_incident(model, m.event.incident);
    json!({
        "meta": {
            "event_id": m.event.id,
            "event": m.kind_word(),
            "due_at": m.event.due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
        "page": page,
        "incident": incident,
        "message": {
            "subject": m.headline(),
            "text": text::render(&m.a),
            "url": m.a.permalink,
            "language": m.lang().code(),
        },
    })
}

/// Slack's `text`, with `&`, `<` and `>` escaped as Slack asks.
fn slack_body(m: &Message) -> serde_json::Value {
    let plain = text::render(&m.a);
    let text = format!("*{}*\n{}", m.headline(), without_title(&plain));
    let text = truncate(&text, SLACK_TEXT)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    json!({ "text": text })
}

/// The plain text without its title and the line of `=` under it, which Slack would show
/// as they are, and which the headline in bold already says.
fn without_title(text: &str) -> &str {
    let mut lines = text.splitn(3, '\n');
    match (lines.next(), lines.next(), lines.next()) {
        (Some(_), Some(rule), Some(rest)) if !rule.is_empty() && rule.chars().all(|c| c == '=') => {
            rest.trim_start_matches('\n')
        }
        _ => text,
    }
}

/// The colour of a Discord embed for the incident's severity.
fn color(s: Severity) -> u32 {
    match s {
        Severity::MajorOutage => 0xd6_3a_3a,
        Severity::PartialOutage => 0xe8_7b_1e,
        Severity::Degraded => 0xe8_c3_1e,
        Severity::Maintenance => 0x3a_7b_d6,
        Severity::Notice => 0x7a_7a_7a,
    }
}

/// Discord: one embed with the post in Markdown, within Discord's limits, and no
/// mention pinging anyone.
fn discord_body(model: &StatusModel, m: &Message) -> serde_json::Value {
    let severity = model.site.incidents[m.event.incident].severity;
    json!({
        "content": truncate(&m.headline(), DISCORD_CONTENT),
        "embeds": [{
            "title": truncate(&m.headline(), DISCORD_TITLE),
            "url": m.a.permalink,
            "description": truncate(&markdown::render(&m.a), DISCORD_DESCRIPTION),
            "timestamp": m.event.due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "color": color(severity),
        }],
        "allowed_mentions": { "parse": [] },
    })
}

/// Matrix: an `m.notice` (bots' messages) with plain text and HTML.
fn matrix_body(m: &Message) -> serde_json::Value {
    json!({
        "msgtype": "m.notice",
        "body": text::render(&m.a),
        "format": "org.matrix.custom.html",
        "formatted_body": m.chat_html(),
    })
}

/// Mastodon: the headline, the post's text cut to fit, the link, within 500 characters.
fn mastodon_body(m: &Message) -> serde_json::Value {
    let link = &m.a.permalink;
    // The link always fits: the headline gives way first, then the text.
    let head = truncate(
        &m.headline(),
        MASTODON_STATUS
            .saturating_sub(link.chars().count() + 2)
            .min(MASTODON_HEADLINE),
    );
    let room = MASTODON_STATUS.saturating_sub(head.chars().count() + link.chars().count() + 4);
    let mut status = head;
    let summary = m.summary();
    if room > 1 && !summary.is_empty() {
        status.push_str("\n\n");
        status.push_str(&truncate(&summary, room));
    }
    status.push_str("\n\n");
    status.push_str(link);
    json!({
        "status": status,
        "visibility": "public",
        "language": m.lang().code(),
    })
}

/// Where `spec` would send, for `--dry-run` (secrets left out).
pub fn destination(spec: &Spec) -> String {
    match spec {
        Spec::Email(e, _) => match &e.transport {
            MailTransport::Smtp(url) => format!("SMTP {url}"),
            MailTransport::Sendmail(path) => format!("sendmail {path}"),
        },
        Spec::Webhook(w) => {
            let url = match &w.url {
                Setting::Value(u) => u.clone(),
                Setting::Env(name) => format!("${name}"),
            };
            match w.kind {
                WebhookKind::Matrix => format!(
                    "Matrix {url}, room {}",
                    w.room.as_deref().unwrap_or_default()
                ),
                WebhookKind::Mastodon => format!("Mastodon {url}"),
                kind => format!("{} webhook {url}", kind.keyword()),
            }
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn slack_text_leaves_out_the_underlined_title() {
        assert_eq!(
            without_title("Coupure\n=======\n\nÉtat : en cours\n"),
            "État : en cours\n"
        );
        assert_eq!(without_title("Coupure\nsuite\n"), "Coupure\nsuite\n");
        assert_eq!(without_title("seul"), "seul");
    }

    use super::*;

    #[test]
    fn the_signature_is_the_hex_hmac_sha256_of_the_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
