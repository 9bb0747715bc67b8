//! Prometheus Alertmanager's webhook (payload version 4) into an [`Alert`]: one incident
//! per alert group (`groupKey`); the label `ingest.component_label` names the components,
//! `severity` maps through `ingest.severities`, the annotations `summary` and `description`
//! give the title and the first text.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{to_second, Alert, Format, Malformed};
use crate::model::config::Config;
use crate::model::Severity;

/// The webhook body, as Alertmanager sends it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    version: String,
    group_key: String,
    status: String,
    #[serde(default)]
    common_annotations: BTreeMap<String, String>,
    alerts: Vec<RawAlert>,
}

/// One alert of the group.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAlert {
    status: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    starts_at: String,
    #[serde(default)]
    ends_at: Option<String>,
}

/// Reads an Alertmanager webhook body.
pub fn parse(body: &[u8], config: &Config) -> Result<Alert, Malformed> {
    let p: Payload = serde_json::from_slice(body).map_err(|e| {
        Malformed(format!(
            "the body is not an Alertmanager webhook payload: {e}"
        ))
    })?;
    if p.version != "4" {
        return Err(Malformed(format!(
            "the payload is of version `{}`; vigie reads Alertmanager's version 4",
            p.version
        )));
    }
    let firing = match p.status.as_str() {
        "firing" => true,
        "resolved" => false,
        other => {
            return Err(Malformed(format!(
                "the group's status is `{other}`, neither `firing` nor `resolved`"
            )))
        }
    };
    if p.alerts.is_empty() {
        return Err(Malformed("the payload holds no alert".to_string()));
    }
    // A firing group speaks of its firing alerts; a resolved one of all.
    let alerts: Vec<&RawAlert> = p
        .alerts
        .iter()
        .filter(|a| !firing || a.status == "firing")
        .collect();
    let alerts = if alerts.is_empty() {
        p.alerts.iter().collect()
    } else {
        alerts
    };
    let ingest = &config.ingest;
    let mut notes = Vec::new();
    let mut wanted = Vec::new();
    let mut severity = None;
    let mut start: Option<DateTime<Utc>> = None;
    let mut end: Option<DateTime<Utc>> = None;
    for a in &alerts {
        let s = time(&a.starts_at, "startsAt")?;
        start = Some(start.map_or(s, |t| t.min(s)));
        if let Some(e) = a.ends_at.as_deref().filter(|_| !firing) {
            let e = time(e, "endsAt")?;
            end = Some(end.map_or(e, |t| t.max(e)));
        }
        match a.labels.get(&ingest.component_label) {
            Some(id) => wanted.push(id.clone()),
            None => notes.push(format!(
                "an alert has no label `{}` naming its component",
                ingest.component_label
            )),
        }
        let s = match a.labels.get("severity") {
            Some(label) => ingest.severities.get(label).copied().unwrap_or_else(|| {
                notes.push(format!(
                    "the severity `{label}` is not in `ingest.severities`: written as major-outage"
                ));
                Severity::MajorOutage
            }),
            None => Severity::MajorOutage,
        };
        severity = Some(severity.map_or(s, |w: Severity| w.max(s)));
    }
    let components = super::components(config, wanted, &mut notes);
    let annotation = |name: &str| {
        p.common_annotations
            .get(name)
            .or_else(|| alerts.iter().find_map(|a| a.annotations.get(name)))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let summary = annotation("summary")
        .or_else(|| {
            alerts
                .iter()
                .find_map(|a| a.labels.get("alertname").cloned())
        })
        .unwrap_or_else(|| p.group_key.clone());
    notes.dedup();
    Ok(Alert {
        format: Format::Alertmanager,
        key: p.group_key,
        firing,
        start: start.unwrap_or_default(),
        end,
        components,
        severity: severity.unwrap_or(Severity::MajorOutage),
        summary: super::one_line(&summary, 150),
        description: annotation("description"),
        notes,
    })
}

/// An RFC 3339 time of the payload, to the second.
fn time(text: &str, field: &str) -> Result<DateTime<Utc>, Malformed> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| to_second(t.with_timezone(&Utc)))
        .map_err(|_| Malformed(format!("`{field}` `{text}` is not an RFC 3339 time")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::testing::t;

    fn config() -> Config {
        crate::load::config::parse(
            std::path::Path::new("site.yaml"),
            "title: T\nbase_url: https://s.example.fr/\ncomponents:\n  - {id: web, name: Web}\n  - {id: mail, name: Mail}\ningest:\n  severities: {critical: major-outage, warning: partial-outage}\n",
        )
        .unwrap()
    }

    const FIXTURE: &str = include_str!("../../tests/fixtures/ingest/alertmanager-firing.json");

    #[test]
    fn the_documented_sample_reads_as_one_alert() {
        let a = parse(FIXTURE.as_bytes(), &config()).unwrap();
        assert!(a.firing);
        assert_eq!(a.components, ["mail"]);
        assert_eq!(a.severity, Severity::PartialOutage);
        assert_eq!(a.start, t("2026-11-25T10:02:13Z"));
        assert_eq!(a.summary, "Le serveur SMTP refuse les connexions");
    }

    #[test]
    fn a_wrong_version_or_status_is_malformed() {
        let e = parse(FIXTURE.replace("\"4\"", "\"3\"").as_bytes(), &config()).unwrap_err();
        assert!(e.0.contains("version `3`"), "{e}");
        let e = parse(b"{}", &config()).unwrap_err();
        assert!(e.0.starts_with("the body is not an Alertmanager"), "{e}");
    }
}
