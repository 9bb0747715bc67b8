//! `ingest` in site.yaml: how `vigie ingest` and `vigie receive` map monitoring alerts to
//! components, severities and titles, each checked where it is written.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{did_you_mean, Diagnostic};
use crate::load::text::{self, Lines};
use crate::load::yaml::{self, At, Source};
use crate::model::config::{Component, Ingest};
use crate::model::lang::Lang;
use crate::model::Severity;

/// The keys of `ingest`.
pub const INGEST_KEYS: &[&str] = &[
    "component_label",
    "monitors",
    "severities",
    "publish",
    "title",
];

/// The placeholders a title may hold.
const PLACEHOLDERS: &[&str] = &["summary"];

/// `ingest` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIngest {
    #[serde(default)]
    component_label: Option<At<String>>,
    #[serde(default, deserialize_with = "yaml::blank_as_default")]
    monitors: BTreeMap<String, At<String>>,
    #[serde(default, deserialize_with = "yaml::blank_as_default")]
    severities: BTreeMap<String, At<String>>,
    #[serde(default, deserialize_with = "yaml::plain_bool")]
    publish: bool,
    #[serde(default, deserialize_with = "yaml::blank_as_default")]
    title: BTreeMap<String, At<String>>,
}

/// `ingest` once checked, for a site in `lang`.
pub(super) fn ingest(
    src: &Source,
    raw: At<RawIngest>,
    components: &[Component],
    lang: Lang,
    errors: &mut Vec<Diagnostic>,
) -> Ingest {
    let pos = raw.pos;
    let raw = raw.value;
    let mut ingest = Ingest {
        publish: raw.publish,
        ..Ingest::default()
    };
    if let Some(label) = raw.component_label {
        if !is_label_name(&label.value) {
            errors.push(src.error(
                label.pos,
                format!("`{}` is not an Alertmanager label name", label.value),
                Some("a label name is letters, digits and `_`, not starting with a digit, e.g. `component_label: component`".to_string()),
            ));
        }
        ingest.component_label = label.value;
    }
    let ids: Vec<&str> = components.iter().map(|c| c.id.as_str()).collect();
    for (name, id) in raw.monitors {
        if !ids.contains(&id.value.as_str()) {
            let help = match did_you_mean(&id.value, ids.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!(
                    "each monitor maps to a component id of site.yaml: `{}`",
                    ids.join("`, `")
                ),
            };
            errors.push(src.error(
                id.pos,
                format!("unknown component `{}` for the monitor `{name}`", id.value),
                Some(help),
            ));
        }
        ingest.monitors.insert(name, id.value);
    }
    for (label, word) in raw.severities {
        match Severity::from_keyword(&word.value) {
            Some(s) if s != Severity::Maintenance && s != Severity::Notice => {
                ingest.severities.insert(label, s);
            }
            found => {
                let words = ["major-outage", "partial-outage", "degraded"];
                let help = match (found, did_you_mean(&word.value, words)) {
                    (Some(_), _) => "an alert is an incident: map it to `major-outage`, `partial-outage` or `degraded`".to_string(),
                    (None, Some(close)) => format!("did you mean `{close}`?"),
                    (None, None) => "the severities of an alert are `major-outage`, `partial-outage` and `degraded`".to_string(),
                };
                errors.push(src.error(
                    word.pos,
                    format!(
                        "`{}` is not a severity an alert can have (`{label}`)",
                        word.value
                    ),
                    Some(help),
                ));
            }
        }
    }
    for (code, template) in raw.title {
        let Some(l) = Lang::from_code(&code) else {
            errors.push(src.error(
                template.pos,
                format!("unknown language `{code}` in `ingest.title`"),
                Some("the titles are given by language: `fr` or `en`".to_string()),
            ));
            continue;
        };
        text::check(src, "title", &template, &template.value, Lines::One, errors);
        if let Some(unknown) = unknown_placeholder(&template.value) {
            errors.push(src.error(
                template.pos,
                format!("unknown placeholder `{{{unknown}}}` in `ingest.title`"),
                Some("a title may hold `{summary}`, the alert's summary".to_string()),
            ));
        }
        ingest.title.push((l, template.value));
    }
    if !ingest.title.is_empty() && !ingest.title.iter().any(|(l, _)| *l == lang) {
        errors.push(src.error(
            pos,
            format!(
                "`ingest.title` has no title in `{}`, the site's language",
                lang.code()
            ),
            Some(format!(
                "add `{}: \"…{{summary}}\"` to `title`",
                lang.code()
            )),
        ));
    }
    ingest
}

/// Whether `name` is a Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`.
fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The first `{name}` in `template` that is not a placeholder vigie fills.
fn unknown_placeholder(template: &str) -> Option<String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Some(name.to_string());
        }
        rest = &after[close + 1..];
    }
    None
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::error::Diagnostic;
    use crate::model::config::Config;
    use crate::model::lang::Lang;
    use crate::model::Severity;

    const SITE: &str = "title: T\nbase_url: https://s.example.fr/\nlanguage: fr\ncomponents:\n  - {id: web, name: Web}\n  - {id: mail, name: Mail}\n";

    fn parse(ingest: &str) -> Result<Config, Vec<Diagnostic>> {
        crate::load::config::parse(Path::new("site.yaml"), &format!("{SITE}{ingest}"))
    }

    #[test]
    fn the_block_of_the_documentation_parses_as_written() {
        let c = parse(concat!(
            "ingest:\n",
            "  component_label: component           # Alertmanager label holding a component id\n",
            "  monitors: {\"Mail SMTP\": mail}        # Uptime Kuma monitor name -> component id\n",
            "  severities: {critical: major-outage, warning: partial-outage, info: degraded}\n",
            "  publish: false                       # true: new incidents are not drafts\n",
            "  title: {fr: \"Incident en cours : {summary}\", en: \"Ongoing incident: {summary}\"}\n",
        ))
        .unwrap();
        let i = c.ingest;
        assert_eq!(i.component_label, "component");
        assert_eq!(i.monitors["Mail SMTP"], "mail");
        assert_eq!(i.severities["warning"], Severity::PartialOutage);
        assert!(!i.publish);
        assert!(i
            .title
            .contains(&(Lang::Fr, "Incident en cours : {summary}".to_string())));
    }

    #[test]
    fn without_ingest_the_defaults_hold() {
        let c = parse("").unwrap();
        assert_eq!(c.ingest.component_label, "component");
        assert!(c.ingest.title.is_empty() && !c.ingest.publish);
    }

    #[test]
    fn mistakes_are_pointed_at_with_a_hint() {
        let e = parse("ingest:\n  monitors: {\"Mail SMTP\": mial}\n  severities: {critical: outage, info: maintenance}\n  title: {en: \"Down: {sumary}\"}\n  component_label: \"1x\"\n").unwrap_err();
        let found: Vec<(&str, usize)> = e
            .iter()
            .map(|d| (d.message.as_str(), d.span.line))
            .collect();
        assert_eq!(
            found,
            [
                ("`1x` is not an Alertmanager label name", 11),
                ("unknown component `mial` for the monitor `Mail SMTP`", 8),
                (
                    "`outage` is not a severity an alert can have (`critical`)",
                    9
                ),
                (
                    "`maintenance` is not a severity an alert can have (`info`)",
                    9
                ),
                ("unknown placeholder `{sumary}` in `ingest.title`", 10),
                (
                    "`ingest.title` has no title in `fr`, the site's language",
                    8
                ),
            ]
        );
        assert_eq!(e[1].help.as_deref(), Some("did you mean `mail`?"));
        let e = parse("ingest:\n  publish: yes\n").unwrap_err();
        assert!(e[0].message.contains("`true` or `false`"), "{e:?}");
        assert_eq!(e[0].span.line, 8);
        let e = parse("ingest:\n  titel: {}\n").unwrap_err();
        assert!(e[0].message.contains("`titel`"), "{e:?}");
    }
}
