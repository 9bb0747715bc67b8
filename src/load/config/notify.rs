//! `notify` in site.yaml: the channels of `vigie notify`, checked where they are written.
//! Secrets are never read here: only the names of the environment variables that hold
//! them (`vigie check` and `vigie notify` say which are missing).

use crate::model::lang::Lang;
use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;

use chrono::Duration;

use super::{At, RawEmail, RawNotify, RawWebhook};
use crate::error::{did_you_mean, Diagnostic};
use crate::load::yaml::Source;
use crate::model::config::{
    Component, Email, MailTransport, Notify, Setting, Webhook, WebhookKind,
};

/// `notify` once checked.
pub(super) fn notify(
    src: &Source,
    raw: At<RawNotify>,
    components: &[Component],
    languages: &[Lang],
    errors: &mut Vec<Diagnostic>,
) -> Notify {
    let raw_pos = raw.pos;
    let raw = raw.value;
    let email = raw
        .email
        .and_then(|e| email(src, e, components, languages, errors));
    let mut names: HashSet<String> = HashSet::new();
    if email.is_some() {
        names.insert("email".to_string());
    }
    let webhooks: Vec<Webhook> = raw
        .webhooks
        .into_iter()
        .filter_map(|w| webhook(src, w, &mut names, languages, errors))
        .collect();
    if email.is_none() && webhooks.is_empty() && errors.is_empty() {
        errors.push(src.error(
            raw_pos,
            "`notify` has no channel",
            Some("add `email:` or `webhooks:`, or remove `notify`".to_string()),
        ));
    }
    let mut reminders: Vec<Duration> = match raw.reminders {
        None => vec![Duration::hours(24), Duration::hours(1)],
        Some(list) => list
            .iter()
            .filter_map(|r| positive_duration(src, "reminders", r, errors))
            .collect(),
    };
    reminders.sort_by(|a, b| b.cmp(a));
    reminders.dedup();
    let max_age = raw
        .max_age
        .as_ref()
        .and_then(|a| positive_duration(src, "max_age", a, errors))
        .unwrap_or_else(|| Duration::hours(24));
    Notify {
        email,
        webhooks,
        reminders,
        max_age,
    }
}

/// A duration such as `24h`, `30m`, `2d` or `90s`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let number: i64 = text[..text.len() - unit.len_utf8()].trim().parse().ok()?;
    match unit {
        's' => Duration::try_seconds(number),
        'm' => Duration::try_minutes(number),
        'h' => Duration::try_hours(number),
        'd' => Duration::try_days(number),
        _ => None,
    }
}

fn positive_duration(
    src: &Source,
    key: &str,
    value: &At<String>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Duration> {
    match parse_duration(&value.value) {
        Some(d) if d > Duration::zero() => Some(d),
        _ => {
            errors.push(src.error(
                value.pos,
                format!("`{}` in `{key}` is not a duration", value.value),
                Some("write a number and a unit: `24h`, `30m`, `2d`, `90s`".to_string()),
            ));
            None
        }
    }
}

/// Whether `name` can name an environment variable: `[A-Za-z_][A-Za-z0-9_]*`.
fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn env_name(src: &Source, key: &str, value: At<String>, errors: &mut Vec<Diagnostic>) -> String {
    if !is_env_name(&value.value) {
        errors.push(src.error(
            value.pos,
            format!("`{key}` must name an environment variable, not `{}`", value.value),
            Some(format!(
                "write the variable's name (letters, digits and `_`), e.g. `{key}: VIGIE_SECRET`, and set the secret in the environment, never in site.yaml"
            )),
        ));
    }
    value.value
}

/// Whether `host` (from a parsed URL) is this machine: `localhost`, 127.0.0.0/8 or ::1.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Why an http(s) URL written for a channel cannot be used, if it cannot: not absolute,
/// not http(s), or plain http to a host that is not loopback without `insecure`.
pub fn url_problem(url: &str, insecure: bool) -> Option<String> {
    let Ok(parsed) = url::Url::parse(url.trim()) else {
        return Some(format!("`{url}` is not an absolute URL"));
    };
    let host = parsed.host_str().unwrap_or_default();
    match parsed.scheme() {
        "https" if !host.is_empty() => None,
        "http" if !host.is_empty() && (insecure || is_loopback(host)) => None,
        "http" if !host.is_empty() => Some(format!(
            "`{url}` is plain http to `{host}`: only https is allowed beyond this machine"
        )),
        _ => Some(format!("`{url}` is not an http(s) URL")),
    }
}

/// Whether `address` is an e-mail address lettre accepts.
fn is_address(address: &str) -> bool {
    address.parse::<lettre::Address>().is_ok()
}

fn address(src: &Source, key: &str, a: &At<String>, errors: &mut Vec<Diagnostic>) {
    if !is_address(&a.value) {
        errors.push(src.error(
            a.pos,
            format!("`{}` in `{key}` is not an e-mail address", a.value),
            Some("write a bare address, e.g. `clients@lists.example.fr`".to_string()),
        ));
    }
}

fn email(
    src: &Source,
    raw: At<RawEmail>,
    components: &[Component],
    languages: &[Lang],
    errors: &mut Vec<Diagnostic>,
) -> Option<Email> {
    let pos = raw.pos;
    let raw = raw.value;
    let before = errors.len();
    let transport = match (raw.smtp, raw.sendmail) {
        (Some(smtp), None) => {
            if let Some(problem) = smtp_problem(&smtp.value) {
                let help = if problem.contains("secrets") {
                    "write `smtp://host:587` and name the environment variables holding them in `username_env` and `password_env`"
                } else {
                    "write `smtp://host:587` (STARTTLS) or `smtps://host:465` (TLS); plain SMTP is only for loopback, or with `insecure: true`"
                };
                errors.push(src.error(smtp.pos, problem, Some(help.to_string())));
            }
            MailTransport::Smtp(smtp.value.trim().to_string())
        }
        (None, Some(sendmail)) => {
            if sendmail.value.trim().is_empty() {
                errors.push(src.error(
                    sendmail.pos,
                    "`sendmail` is empty",
                    Some(
                        "write the program's path, e.g. `sendmail: /usr/sbin/sendmail`".to_string(),
                    ),
                ));
            }
            MailTransport::Sendmail(sendmail.value)
        }
        (Some(smtp), Some(_)) => {
            errors.push(src.error(
                smtp.pos,
                "`notify.email` has both `smtp` and `sendmail`",
                Some("keep one: the SMTP server, or the local sendmail".to_string()),
            ));
            return None;
        }
        (None, None) => {
            errors.push(
                src.error(
                    pos,
                    "`notify.email` says neither `smtp` nor `sendmail`",
                    Some(
                        "add `smtp: smtps://mail.example.fr:465` or `sendmail: /usr/sbin/sendmail`"
                            .to_string(),
                    ),
                ),
            );
            return None;
        }
    };
    let username_env = raw
        .username_env
        .map(|v| env_name(src, "username_env", v, errors));
    let password_env = raw
        .password_env
        .map(|v| env_name(src, "password_env", v, errors));
    if username_env.is_some() != password_env.is_some() {
        errors.push(src.error(
            pos,
            "`notify.email` has a user without a password, or a password without a user",
            Some("give both `username_env` and `password_env`, or neither".to_string()),
        ));
    }
    if let Some(from) = &raw.from {
        address(src, "from", from, errors);
    }
    let (to, to_by_lang) = recipients(src, raw.to, languages, errors);
    let mut to_by_component = BTreeMap::new();
    if let Some(map) = raw.to_by_component {
        for (id, list) in map.value {
            if !components.iter().any(|c| c.id == id) {
                let ids = components.iter().map(|c| c.id.as_str());
                let help = match did_you_mean(&id, ids) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => {
                        "the keys of `to_by_component` are component ids of site.yaml".to_string()
                    }
                };
                errors.push(src.error(
                    map.pos,
                    format!("unknown component `{id}` in `to_by_component`"),
                    Some(help),
                ));
            }
            for a in &list {
                address(src, "to_by_component", a, errors);
            }
            to_by_component.insert(id, list.into_iter().map(|a| a.value).collect::<Vec<_>>());
        }
    }
    if to.is_empty()
        && to_by_lang.values().all(Vec::is_empty)
        && to_by_component.values().all(Vec::is_empty)
    {
        errors.push(src.error(
            pos,
            "`notify.email` has no recipient",
            Some("add `to: [clients@lists.example.fr]` or `to_by_component`".to_string()),
        ));
    }
    if let Some(ca) = raw.ca_file.as_ref().filter(|c| c.value.trim().is_empty()) {
        errors.push(src.error(
            ca.pos,
            "`ca_file` is empty",
            Some("write the path of a PEM file, relative to the site's folder, or remove `ca_file`".to_string()),
        ));
    }
    (errors.len() == before).then(|| Email {
        transport,
        username_env,
        password_env,
        from: raw.from.map(|f| f.value),
        to,
        to_by_lang,
        to_by_component,
        insecure: raw.insecure,
        ca_file: raw.ca_file.map(|c| c.value),
    })
}

/// Why an `smtp` URL cannot be used, if it cannot.
pub fn smtp_problem(url: &str) -> Option<String> {
    let Ok(parsed) = url::Url::parse(url.trim()) else {
        return Some(format!("`{url}` is not an SMTP URL"));
    };
    let host = parsed.host_str().unwrap_or_default();
    if host.is_empty() {
        return Some(format!("`{url}` has no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some(
            "the `smtp` URL holds a user or a password: secrets are never written in site.yaml"
                .to_string(),
        );
    }
    match parsed.scheme() {
        "smtp" | "smtps" => None,
        other => Some(format!(
            "`{url}` is a `{other}` URL, not `smtp://` or `smtps://`"
        )),
    }
}

fn webhook(
    src: &Source,
    raw: At<RawWebhook>,
    names: &mut HashSet<String>,
    languages: &[Lang],
    errors: &mut Vec<Diagnostic>,
) -> Option<Webhook> {
    let pos = raw.pos;
    let raw = raw.value;
    let lang = raw
        .lang
        .as_ref()
        .and_then(|code| declared(src, code, "lang", languages, errors));
    let Some(kind) = WebhookKind::from_keyword(&raw.kind.value) else {
        let kinds = WebhookKind::ALL.map(WebhookKind::keyword);
        let help = match did_you_mean(&raw.kind.value, kinds) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("the kinds are `{}`", kinds.join("`, `")),
        };
        errors.push(src.error(
            raw.kind.pos,
            format!("unknown webhook kind `{}`", raw.kind.value),
            Some(help),
        ));
        return None;
    };
    let word = kind.keyword();
    let before = errors.len();
    // The keys each kind takes; any other is an error naming the kind.
    let (url_key, takes): (&str, &[&str]) = match kind {
        WebhookKind::Generic => ("url", &["secret_env"]),
        WebhookKind::Slack | WebhookKind::Discord => ("url", &[]),
        WebhookKind::Matrix => ("homeserver", &["room", "token_env"]),
        WebhookKind::Mastodon => ("instance", &["token_env"]),
    };
    let given: [(&str, &Option<At<String>>); 6] = [
        ("url", &raw.url),
        ("secret_env", &raw.secret_env),
        ("homeserver", &raw.homeserver),
        ("room", &raw.room),
        ("instance", &raw.instance),
        ("token_env", &raw.token_env),
    ];
    for (key, value) in given {
        if let Some(v) = value {
            if key != url_key && !takes.contains(&key) {
                errors.push(src.error(
                    v.pos,
                    format!("a `{word}` webhook takes no `{key}`"),
                    Some(format!("a `{word}` webhook takes {}", keys_of(kind))),
                ));
            }
        }
    }
    let written = match url_key {
        "homeserver" => raw.homeserver,
        "instance" => raw.instance,
        _ => raw.url,
    };
    let url = match (written, raw.url_env) {
        (Some(u), None) => {
            if let Some(problem) = url_problem(&u.value, raw.insecure) {
                errors.push(src.error(
                    u.pos,
                    problem,
                    Some("write an `https://` URL; plain `http://` is for loopback, or with `insecure: true`".to_string()),
                ));
            }
            Setting::Value(u.value.trim().to_string())
        }
        (None, Some(env)) => Setting::Env(env_name(src, "url_env", env, errors)),
        (Some(u), Some(_)) => {
            errors.push(src.error(
                u.pos,
                format!("a `{word}` webhook has both `{url_key}` and `url_env`"),
                Some("keep one: the URL, or the environment variable holding it".to_string()),
            ));
            Setting::Value(u.value)
        }
        (None, None) => {
            errors.push(src.error(
                pos,
                format!("a `{word}` webhook needs `{url_key}` or `url_env`"),
                Some(format!("a `{word}` webhook takes {}", keys_of(kind))),
            ));
            Setting::Value(String::new())
        }
    };
    let mut required = |key: &str, value: Option<At<String>>| {
        if value.is_none() && takes.contains(&key) && key != "secret_env" {
            errors.push(src.error(
                pos,
                format!("a `{word}` webhook needs `{key}`"),
                Some(format!("a `{word}` webhook takes {}", keys_of(kind))),
            ));
        }
        value
    };
    let room = required("room", raw.room);
    let token_env = required("token_env", raw.token_env);
    let token_env = token_env.map(|t| env_name(src, "token_env", t, errors));
    let room = room.map(|r| {
        if !r.value.starts_with('!') || !r.value.contains(':') {
            errors.push(src.error(
                r.pos,
                format!("`{}` is not a Matrix room id", r.value),
                Some("write the room's id, `!…:server` (in the room's advanced settings), not its alias".to_string()),
            ));
        }
        r.value
    });
    let secret_env = raw
        .secret_env
        .map(|s| env_name(src, "secret_env", s, errors));
    let name = match raw.name {
        Some(n) => {
            if !super::is_valid_id(&n.value) {
                errors.push(src.error(
                    n.pos,
                    format!("invalid channel name `{}`", n.value),
                    Some("channel names use only lower-case letters, digits and `-`".to_string()),
                ));
            } else if !names.insert(n.value.clone()) {
                errors.push(src.error(
                    n.pos,
                    format!("two channels are named `{}`", n.value),
                    Some("give each channel a `name` of its own".to_string()),
                ));
            }
            n.value
        }
        None => {
            if !names.insert(word.to_string()) {
                errors.push(src.error(
                    raw.kind.pos,
                    format!("a second `{word}` webhook needs a `name`"),
                    Some(format!("the record of deliveries tells channels apart by name: add e.g. `name: {word}-2`")),
                ));
            }
            word.to_string()
        }
    };
    if let Some(ca) = raw.ca_file.as_ref().filter(|c| c.value.trim().is_empty()) {
        errors.push(src.error(
            ca.pos,
            "`ca_file` is empty",
            Some("write the path of a PEM file, relative to the site's folder, or remove `ca_file`".to_string()),
        ));
    }
    (errors.len() == before).then_some(Webhook {
        kind,
        name,
        url,
        secret_env,
        token_env,
        room,
        lang,
        insecure: raw.insecure,
        ca_file: raw.ca_file.map(|c| c.value),
    })
}

/// `to` of `notify.email` as written: a list of addresses (the default language's), or a
/// mapping from language code to a list of addresses.
#[derive(Debug)]
pub(super) enum RawTo {
    List(Vec<At<String>>),
    ByLang(Vec<(At<String>, Vec<At<String>>)>),
}

impl<'de> serde::Deserialize<'de> for RawTo {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawTo;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a list of addresses, or a mapping from language code to a list of addresses",
                )
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawTo, A::Error> {
                let mut out = Vec::new();
                while let Some(a) = seq.next_element::<At<String>>()? {
                    out.push(a);
                }
                Ok(RawTo::List(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawTo, A::Error> {
                let mut out = Vec::new();
                while let Some(pair) = map.next_entry::<At<String>, Vec<At<String>>>()? {
                    out.push(pair);
                }
                Ok(RawTo::ByLang(out))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<RawTo, E> {
                Ok(RawTo::List(Vec::new()))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// The language `code` names, when it is one of the site's; else an error about `key`.
fn declared(
    src: &Source,
    code: &At<String>,
    key: &str,
    languages: &[Lang],
    errors: &mut Vec<Diagnostic>,
) -> Option<Lang> {
    let lang = Lang::from_code(&code.value).filter(|l| languages.contains(l));
    if lang.is_none() {
        let codes: Vec<&str> = languages.iter().map(|l| l.code()).collect();
        errors.push(src.error(
            code.pos,
            format!(
                "`{key}` names `{}`, which is not one of the site's languages",
                code.value
            ),
            Some(format!(
                "the site's languages are {} (`languages` in site.yaml)",
                codes.join(", ")
            )),
        ));
    }
    lang
}

/// The addresses of `to` in the default language, and in each other language.
fn recipients(
    src: &Source,
    raw: Option<At<RawTo>>,
    languages: &[Lang],
    errors: &mut Vec<Diagnostic>,
) -> (Vec<String>, BTreeMap<Lang, Vec<String>>) {
    let mut to = Vec::new();
    let mut by_lang = BTreeMap::new();
    let Some(raw) = raw else {
        return (to, by_lang);
    };
    let default = languages.first().copied();
    match raw.value {
        RawTo::List(list) => {
            for a in &list {
                address(src, "to", a, errors);
            }
            to = list.into_iter().map(|a| a.value).collect();
        }
        RawTo::ByLang(pairs) => {
            for (code, list) in pairs {
                for a in &list {
                    address(src, "to", a, errors);
                }
                let list: Vec<String> = list.into_iter().map(|a| a.value).collect();
                match declared(src, &code, "to", languages, errors) {
                    Some(l) if Some(l) == default => to = list,
                    Some(l) => {
                        by_lang.insert(l, list);
                    }
                    None => {}
                }
            }
        }
    }
    (to, by_lang)
}

/// The keys a kind of webhook takes, for hints.
fn keys_of(kind: WebhookKind) -> &'static str {
    match kind {
        WebhookKind::Generic => "`url` or `url_env`, and `secret_env` to sign its requests",
        WebhookKind::Slack | WebhookKind::Discord => "`url` or `url_env`",
        WebhookKind::Matrix => "`homeserver` (or `url_env`), `room` and `token_env`",
        WebhookKind::Mastodon => "`instance` (or `url_env`) and `token_env`",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Config;
    use std::path::Path;

    const SITE: &str = "title: T\nbase_url: https://s.example.fr/\ncomponents:\n  - {id: web, name: Web}\n  - {id: mail, name: Mail}\n";

    /// The shape of `notify` the documentation gives, as written there.
    const DOCUMENTED: &str = r#"notify:
  email:
    smtp: smtp://mail.example.fr:587      # or smtps://…:465, or sendmail: /usr/sbin/sendmail
    username_env: VIGIE_SMTP_USER          # optional
    password_env: VIGIE_SMTP_PASSWORD      # optional
    from: annonces@example.fr              # default: contact.email
    to: [clients@listes.example.fr]
    to_by_component: {mail: [mail-abonnes@listes.example.fr]}   # optional
  webhooks:
    - {kind: generic, url: https://hooks.example.fr/status, secret_env: VIGIE_HOOK_SECRET}
    - {kind: slack, url_env: VIGIE_SLACK_URL}
    - {kind: discord, url_env: VIGIE_DISCORD_URL}
    - {kind: matrix, homeserver: https://matrix.example.fr, room: "!abc:example.fr", token_env: VIGIE_MATRIX_TOKEN}
    - {kind: mastodon, instance: https://mastodon.example.fr, token_env: VIGIE_MASTODON_TOKEN}
  reminders: [24h, 1h]
"#;

    fn parse(notify: &str) -> Result<Config, Vec<Diagnostic>> {
        crate::load::config::parse(Path::new("site.yaml"), &format!("{SITE}{notify}"))
    }

    fn messages(notify: &str) -> Vec<String> {
        parse(notify)
            .unwrap_err()
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn the_documented_shape_is_read_as_written() {
        let n = parse(DOCUMENTED).unwrap().notify.unwrap();
        let e = n.email.unwrap();
        assert_eq!(
            e.transport,
            MailTransport::Smtp("smtp://mail.example.fr:587".into())
        );
        assert_eq!(e.username_env.as_deref(), Some("VIGIE_SMTP_USER"));
        assert_eq!(e.to, ["clients@listes.example.fr"]);
        assert_eq!(
            e.to_by_component["mail"],
            ["mail-abonnes@listes.example.fr"]
        );
        let kinds: Vec<&str> = n.webhooks.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(kinds, ["generic", "slack", "discord", "matrix", "mastodon"]);
        assert_eq!(n.webhooks[1].url, Setting::Env("VIGIE_SLACK_URL".into()));
        assert_eq!(n.webhooks[3].room.as_deref(), Some("!abc:example.fr"));
        assert_eq!(n.reminders, [Duration::hours(24), Duration::hours(1)]);
        assert_eq!(n.max_age, Duration::hours(24));
    }

    #[test]
    fn an_unknown_kind_is_named_with_a_suggestion() {
        let e = parse("notify:\n  webhooks:\n    - {kind: slak, url: https://h.example/x}\n")
            .unwrap_err();
        assert_eq!(e[0].message, "unknown webhook kind `slak`");
        assert_eq!(e[0].help.as_deref(), Some("did you mean `slack`?"));
        assert_eq!(e[0].span.line, 8);
    }

    #[test]
    fn plain_http_and_smtp_go_only_to_loopback_unless_insecure() {
        assert_eq!(
            messages("notify:\n  webhooks:\n    - {kind: slack, url: http://hooks.example.fr/x}\n"),
            ["`http://hooks.example.fr/x` is plain http to `hooks.example.fr`: only https is allowed beyond this machine"]
        );
        assert!(parse("notify:\n  webhooks:\n    - {kind: slack, url: http://hooks.example.fr/x, insecure: true}\n    - {kind: discord, url: http://127.0.0.1:9/x}\n").is_ok());
        assert!(url_problem("http://[::1]:8080/", false).is_none());
        assert!(url_problem("http://localhost/", false).is_none());
        assert_eq!(
            messages("notify:\n  email: {smtp: 'smtps://me:pw@mail.example.fr', to: [a@b.fr]}\n"),
            ["the `smtp` URL holds a user or a password: secrets are never written in site.yaml"]
        );
        assert_eq!(
            messages("notify:\n  email: {smtp: 'http://mail.example.fr', to: [a@b.fr]}\n"),
            ["`http://mail.example.fr` is a `http` URL, not `smtp://` or `smtps://`"]
        );
    }

    #[test]
    fn each_kind_says_what_it_misses_and_what_it_does_not_take() {
        assert_eq!(
            messages("notify:\n  webhooks:\n    - {kind: matrix, homeserver: https://m.example.fr, secret_env: S}\n"),
            [
                "a `matrix` webhook takes no `secret_env`",
                "a `matrix` webhook needs `room`",
                "a `matrix` webhook needs `token_env`"
            ]
        );
        assert_eq!(
            messages("notify:\n  webhooks:\n    - {kind: matrix, homeserver: https://m.example.fr, room: '#ops:example.fr', token_env: T}\n"),
            ["`#ops:example.fr` is not a Matrix room id"]
        );
        assert_eq!(
            messages("notify:\n  webhooks:\n    - {kind: slack, url_env: 'my url'}\n"),
            ["`url_env` must name an environment variable, not `my url`"]
        );
        assert_eq!(
            messages("notify:\n  webhooks:\n    - {kind: slack, url_env: A}\n    - {kind: slack, url_env: B}\n"),
            ["a second `slack` webhook needs a `name`"]
        );
    }

    #[test]
    fn e_mail_needs_one_transport_valid_addresses_and_known_components() {
        assert_eq!(
            messages("notify:\n  email: {to: [a@b.fr]}\n"),
            ["`notify.email` says neither `smtp` nor `sendmail`"]
        );
        assert_eq!(
            messages("notify:\n  email: {sendmail: /usr/sbin/sendmail, to: [nobody], to_by_component: {wbe: [a@b.fr]}}\n"),
            [
                "`nobody` in `to` is not an e-mail address",
                "unknown component `wbe` in `to_by_component`"
            ]
        );
        assert_eq!(
            messages(
                "notify:\n  email: {sendmail: /usr/sbin/sendmail, to: [a@b.fr], password_env: P}\n"
            ),
            ["`notify.email` has a user without a password, or a password without a user"]
        );
    }

    #[test]
    fn durations_are_a_number_and_a_unit() {
        assert_eq!(parse_duration("24h"), Some(Duration::hours(24)));
        assert_eq!(parse_duration("90s"), Some(Duration::seconds(90)));
        assert_eq!(parse_duration("2d"), Some(Duration::days(2)));
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration("1w"), None);
        assert_eq!(
            messages(
                "notify:\n  email: {sendmail: /bin/true, to: [a@b.fr]}\n  reminders: [1h, soon]\n"
            ),
            ["`soon` in `reminders` is not a duration"]
        );
        let n = parse("notify:\n  email: {sendmail: /bin/true, to: [a@b.fr]}\n  reminders: [1h, 2d, 1h]\n  max_age: 3h\n").unwrap().notify.unwrap();
        assert_eq!(n.reminders, [Duration::days(2), Duration::hours(1)]);
        assert_eq!(n.max_age, Duration::hours(3));
    }
}
