//! The JSON API under `api/v2/`: the files, field names, shapes and status words of the
//! public Statuspage API v2, so that scripts and dashboards written for Statuspage read a
//! vigie site unchanged. `docs/api.md` documents how vigie's words map onto Statuspage's.
//!
//! Everything is derived from the model at `now`; nothing reads the clock. Times that say
//! when something changed come from the incident files (posts, starts, ends), never from
//! `now`, so that a rebuild with nothing new gives the same bytes.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::derive::timeline::{
    announced_at, is_announced, last_change, maintenance_end, over_at, public_posts,
};
use crate::derive::StatusModel;
use crate::error::Error;
use crate::load::incident_id;
use crate::model::{Incident, Phase, Severity, Site, Status, UpdateStatus};
use crate::render::views::iso;
use crate::render::OutputFile;

/// How many incidents `incidents.json` and `scheduled-maintenances.json` list, as Statuspage.
pub const RECENT_LIMIT: usize = 50;

/// The page a response is about.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PageJson {
    pub id: String,
    pub name: String,
    pub url: String,
    pub time_zone: String,
    pub updated_at: String,
}

/// The rolled-up status of the whole page.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StatusJson {
    /// `none`, `minor`, `major`, `critical` or `maintenance`.
    pub indicator: &'static str,
    pub description: &'static str,
}

/// A component, or a group of components (`group: true`, with the ids of its members).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ComponentJson {
    pub id: String,
    pub name: String,
    /// `operational`, `degraded_performance`, `partial_outage`, `major_outage`,
    /// `under_maintenance`.
    pub status: &'static str,
    pub created_at: String,
    pub updated_at: String,
    pub position: usize,
    pub description: Option<String>,
    pub showcase: bool,
    pub start_date: Option<String>,
    pub group_id: Option<String>,
    pub page_id: String,
    pub group: bool,
    pub only_show_if_degraded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<String>>,
}

/// How a post changed a component, as Statuspage records it on an update.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AffectedComponentJson {
    pub code: String,
    pub name: String,
    pub old_status: &'static str,
    pub new_status: &'static str,
}

/// One post of an incident.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IncidentUpdateJson {
    pub id: String,
    pub status: &'static str,
    /// The post's Markdown source.
    pub body: String,
    pub incident_id: String,
    pub created_at: String,
    pub updated_at: String,
    pub display_at: String,
    pub affected_components: Option<Vec<AffectedComponentJson>>,
}

/// An incident or a scheduled maintenance.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct IncidentJson {
    pub id: String,
    pub name: String,
    /// Incidents: `investigating`, `identified`, `monitoring`, `resolved`; maintenances:
    /// `scheduled`, `in_progress`, `verifying`, `completed`.
    pub status: &'static str,
    pub created_at: String,
    pub updated_at: String,
    pub monitoring_at: Option<String>,
    pub resolved_at: Option<String>,
    /// `none`, `minor`, `major`, `critical`, or `maintenance` for maintenances.
    pub impact: &'static str,
    /// The absolute URL of the incident's page.
    pub shortlink: String,
    pub started_at: String,
    pub page_id: String,
    /// Newest first, as Statuspage lists them.
    pub incident_updates: Vec<IncidentUpdateJson>,
    pub components: Vec<ComponentJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_for: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_until: Option<String>,
}

#[derive(Serialize)]
struct Summary<'a> {
    page: &'a PageJson,
    components: &'a [ComponentJson],
    incidents: Vec<&'a IncidentJson>,
    scheduled_maintenances: Vec<&'a IncidentJson>,
    status: &'a StatusJson,
}

#[derive(Serialize)]
struct PageStatus<'a> {
    page: &'a PageJson,
    status: &'a StatusJson,
}

#[derive(Serialize)]
struct Components<'a> {
    page: &'a PageJson,
    components: &'a [ComponentJson],
}

#[derive(Serialize)]
struct Incidents<'a> {
    page: &'a PageJson,
    incidents: Vec<&'a IncidentJson>,
}

#[derive(Serialize)]
struct Maintenances<'a> {
    page: &'a PageJson,
    scheduled_maintenances: Vec<&'a IncidentJson>,
}

/// Statuspage's word for a component's status.
pub fn component_status(s: Status) -> &'static str {
    match s {
        Status::Operational | Status::Affected(Severity::Notice) => "operational",
        Status::Affected(Severity::Maintenance) => "under_maintenance",
        Status::Affected(Severity::Degraded) => "degraded_performance",
        Status::Affected(Severity::PartialOutage) => "partial_outage",
        Status::Affected(Severity::MajorOutage) => "major_outage",
    }
}

/// Statuspage's impact for an incident's overall severity.
pub fn impact(s: Severity) -> &'static str {
    match s {
        Severity::Notice => "none",
        Severity::Degraded => "minor",
        Severity::PartialOutage => "major",
        Severity::MajorOutage => "critical",
        Severity::Maintenance => "maintenance",
    }
}

/// The page's `status.indicator` and `status.description` for the site's overall status.
pub fn indicator(s: Status) -> StatusJson {
    let (indicator, description) = match s {
        Status::Operational | Status::Affected(Severity::Notice) => {
            ("none", "All Systems Operational")
        }
        Status::Affected(Severity::Degraded) => ("minor", "Minor Service Outage"),
        Status::Affected(Severity::PartialOutage) => ("major", "Partial System Outage"),
        Status::Affected(Severity::MajorOutage) => ("critical", "Major Service Outage"),
        Status::Affected(Severity::Maintenance) => ("maintenance", "Service Under Maintenance"),
    };
    StatusJson {
        indicator,
        description,
    }
}

/// Statuspage's status word for vigie's status of an incident (or of one of its posts).
pub fn incident_status(s: UpdateStatus) -> &'static str {
    match s {
        UpdateStatus::Investigating | UpdateStatus::Update | UpdateStatus::Scheduled => {
            "investigating"
        }
        UpdateStatus::Identified | UpdateStatus::InProgress => "identified",
        UpdateStatus::Monitoring => "monitoring",
        UpdateStatus::Resolved | UpdateStatus::Completed => "resolved",
    }
}

/// Statuspage's status word for vigie's status of a maintenance (or of one of its posts).
pub fn maintenance_status(s: UpdateStatus) -> &'static str {
    match s {
        UpdateStatus::Scheduled => "scheduled",
        UpdateStatus::InProgress
        | UpdateStatus::Investigating
        | UpdateStatus::Identified
        | UpdateStatus::Update => "in_progress",
        UpdateStatus::Monitoring => "verifying",
        UpdateStatus::Resolved | UpdateStatus::Completed => "completed",
    }
}

/// Statuspage's status word for a notice (or one of its posts): `monitoring` while it is on
/// the front page, `resolved` once it has left it, so that no client counts it as an open
/// problem after that.
pub fn notice_status(s: UpdateStatus) -> &'static str {
    match s {
        UpdateStatus::Resolved => "resolved",
        _ => "monitoring",
    }
}

fn status_word(i: &Incident, s: UpdateStatus) -> &'static str {
    if i.is_notice() {
        notice_status(s)
    } else if i.is_maintenance() {
        maintenance_status(s)
    } else {
        incident_status(s)
    }
}

/// Stands for "never": the Unix epoch, for a site with no incident at all.
fn epoch() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

/// The page's id: the host and path of `base_url`, `/` replaced by `-` so that it stays
/// one URL segment, as Statuspage's opaque ids are.
pub fn page_id(site: &Site) -> String {
    site.config.site_key()
}

/// The page and incident `n` as the API shows them at the model's `now` (for the
/// generic webhook of `vigie notify`, whose body has the shape of Statuspage's).
pub fn page_and_incident(model: &StatusModel, n: usize) -> (PageJson, IncidentJson) {
    let page = page(model);
    let components = components(model, &page.id);
    let incident = incident(model, n, &page.id, &components);
    (page, incident)
}

/// Builds every response once, then the files share them.
struct Api {
    page: PageJson,
    status: StatusJson,
    components: Vec<ComponentJson>,
    /// Announced incidents (not maintenances), newest first: the RECENT_LIMIT newest,
    /// then only the unresolved ones.
    incidents: Vec<IncidentJson>,
    /// Announced maintenances, newest first: the RECENT_LIMIT newest, then only the ones
    /// not completed.
    maintenances: Vec<IncidentJson>,
}

/// The `page` object every response starts with.
fn page(model: &StatusModel) -> PageJson {
    let site = model.site;
    let cfg = &site.config;
    PageJson {
        id: page_id(site),
        name: cfg.title.clone(),
        url: cfg.base_url.clone(),
        time_zone: cfg.tz.name().to_string(),
        updated_at: iso(last_change(model).unwrap_or_else(epoch)),
    }
}

fn build(model: &StatusModel) -> Api {
    let site = model.site;
    let page = page(model);
    let components = components(model, &page.id);
    let mut incidents = Vec::new();
    let mut maintenances = Vec::new();
    for (n, i) in site.incidents.iter().enumerate() {
        if !model.incidents[n].announced {
            continue;
        }
        let (list, closed) = if i.is_maintenance() {
            (&mut maintenances, "completed")
        } else {
            (&mut incidents, "resolved")
        };
        // `all` writes the RECENT_LIMIT newest of each list and the open ones: the others
        // are not built (a long history would otherwise build thousands for nothing).
        // While fewer than RECENT_LIMIT are built, every one is, so the newest are kept.
        if list.len() < RECENT_LIMIT || status_word(i, model.incidents[n].status) != closed {
            list.push(incident(model, n, &page.id, &components));
        }
    }
    Api {
        page,
        status: indicator(model.overall),
        components,
        incidents,
        maintenances,
    }
}

/// The components in `site.yaml` order, each group as a component of its own placed
/// before its members (where its first member is), as Statuspage lists them.
fn components(model: &StatusModel, page_id: &str) -> Vec<ComponentJson> {
    let site = model.site;
    let cfg = &site.config;
    let created = site
        .incidents
        .iter()
        .filter(|i| is_announced(i, model.now))
        .flat_map(|i| [i.start, announced_at(i)])
        .min()
        .unwrap_or_else(epoch);
    let mut out: Vec<ComponentJson> = Vec::new();
    let mut seen_groups: Vec<&str> = Vec::new();
    let component_json = |k: usize, group_id: Option<String>| -> ComponentJson {
        let c = &cfg.components[k];
        let state = &model.components[k];
        let last = model.last_changes();
        let updated = state
            .incidents
            .iter()
            .filter_map(|&n| last[n])
            .max()
            .unwrap_or(created);
        ComponentJson {
            id: c.id.clone(),
            name: c.name.clone(),
            status: component_status(state.status),
            created_at: iso(created),
            updated_at: iso(updated.max(created)),
            position: 0,
            description: c.description.clone(),
            showcase: true,
            start_date: None,
            group_id,
            page_id: page_id.to_string(),
            group: false,
            only_show_if_degraded: false,
            components: None,
        }
    };
    for (k, c) in cfg.components.iter().enumerate() {
        match &c.group {
            None => out.push(component_json(k, None)),
            Some(g) if seen_groups.contains(&g.as_str()) => {}
            Some(g) => {
                seen_groups.push(g);
                let gid = group_id(g);
                let members: Vec<usize> = (0..cfg.components.len())
                    .filter(|&m| cfg.components[m].group.as_deref() == Some(g))
                    .collect();
                let children: Vec<ComponentJson> = members
                    .iter()
                    .map(|&m| component_json(m, Some(gid.clone())))
                    .collect();
                let worst = members
                    .iter()
                    .map(|&m| model.components[m].status)
                    .max()
                    .unwrap_or(Status::Operational);
                out.push(ComponentJson {
                    id: gid,
                    name: g.clone(),
                    status: component_status(worst),
                    created_at: iso(created),
                    updated_at: children
                        .iter()
                        .map(|c| c.updated_at.clone())
                        .max()
                        .unwrap_or_else(|| iso(created)),
                    position: 0,
                    description: None,
                    showcase: false,
                    start_date: None,
                    group_id: None,
                    page_id: page_id.to_string(),
                    group: true,
                    only_show_if_degraded: false,
                    components: Some(children.iter().map(|c| c.id.clone()).collect()),
                });
                out.extend(children);
            }
        }
    }
    for (p, c) in out.iter_mut().enumerate() {
        c.position = p + 1;
    }
    out
}

/// The id of a group's component: `group-` and its name made URL-safe (component ids
/// never start with it unless a site chooses so; groups come before members anyway).
pub fn group_id(name: &str) -> String {
    format!("group-{}", incident_id(name))
}

fn incident(model: &StatusModel, n: usize, page_id: &str, all: &[ComponentJson]) -> IncidentJson {
    let site = model.site;
    let i = &site.incidents[n];
    let st = &model.incidents[n];
    let now = model.now;
    let id = i.id.clone();
    let posts: Vec<usize> = public_posts(i, now).collect();
    let updated = model.last_changes()[n].unwrap_or_else(|| announced_at(i));
    let updates = incident_updates(model, n, &posts);
    let monitoring_at = posts
        .iter()
        .find(|&&k| st.post_statuses[k] == UpdateStatus::Monitoring)
        .map(|&k| iso(i.posts[k].at));
    let resolved_at = match st.phase {
        Phase::Resolved => over_at(i, &site.config).map(iso),
        _ => None,
    };
    let components = i
        .impacts
        .iter()
        .filter_map(|imp| {
            all.iter()
                .find(|c| !c.group && c.id == imp.component)
                .cloned()
        })
        .collect();
    let (scheduled_for, scheduled_until) = if i.is_maintenance() {
        (Some(iso(i.start)), Some(iso(maintenance_end(i))))
    } else {
        (None, None)
    };
    IncidentJson {
        name: i.title.clone(),
        status: status_word(i, st.status),
        created_at: iso(announced_at(i)),
        updated_at: iso(updated),
        monitoring_at,
        resolved_at,
        impact: impact(i.severity),
        shortlink: format!("{}incidents/{id}/", site.config.base_url),
        started_at: iso(i.start),
        page_id: page_id.to_string(),
        incident_updates: updates,
        components,
        scheduled_for,
        scheduled_until,
        id,
    }
}

/// The published posts `posts` of incident `n`, newest first; the announcement with the
/// components it touched.
fn incident_updates(model: &StatusModel, n: usize, posts: &[usize]) -> Vec<IncidentUpdateJson> {
    let site = model.site;
    let i = &site.incidents[n];
    let st = &model.incidents[n];
    let announced_status = |sev: Severity| -> &'static str {
        if i.is_maintenance() && i.posts[0].at < i.start {
            // A maintenance announced ahead leaves components operational until it starts.
            "operational"
        } else {
            component_status(Status::Affected(sev))
        }
    };
    let affected = || {
        i.impacts
            .iter()
            .filter_map(|imp| {
                let c = site.config.component(&imp.component)?;
                Some(AffectedComponentJson {
                    code: c.id.clone(),
                    name: c.name.clone(),
                    old_status: "operational",
                    new_status: announced_status(imp.severity),
                })
            })
            .collect()
    };
    posts
        .iter()
        .rev()
        .map(|&k| {
            let p = &i.posts[k];
            IncidentUpdateJson {
                id: format!("{}-{}", i.id, p.anchor),
                status: status_word(i, st.post_statuses[k]),
                body: p.markdown.trim().to_string(),
                incident_id: i.id.clone(),
                created_at: iso(p.at),
                updated_at: iso(p.at),
                display_at: iso(p.at),
                affected_components: (k == 0).then(affected),
            }
        })
        .collect()
}

fn json(path: &str, value: &impl Serialize) -> Result<OutputFile, Error> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|e| Error::Render(format!("{path}: {e}")))?;
    text.push('\n');
    Ok(OutputFile::new(path, text.into_bytes()))
}

/// Every file of the API, under `api/v2/`.
pub fn all(model: &StatusModel) -> Result<Vec<OutputFile>, Error> {
    let api = build(model);
    let page = &api.page;
    let unresolved: Vec<&IncidentJson> = api
        .incidents
        .iter()
        .filter(|i| i.status != "resolved")
        .collect();
    let upcoming: Vec<&IncidentJson> = api
        .maintenances
        .iter()
        .filter(|m| m.status == "scheduled")
        .collect();
    let active: Vec<&IncidentJson> = api
        .maintenances
        .iter()
        .filter(|m| matches!(m.status, "in_progress" | "verifying"))
        .collect();
    let open_maintenances: Vec<&IncidentJson> = api
        .maintenances
        .iter()
        .filter(|m| m.status != "completed")
        .collect();
    Ok(vec![
        json(
            "api/v2/summary.json",
            &Summary {
                page,
                components: &api.components,
                incidents: unresolved.clone(),
                scheduled_maintenances: open_maintenances,
                status: &api.status,
            },
        )?,
        json(
            "api/v2/status.json",
            &PageStatus {
                page,
                status: &api.status,
            },
        )?,
        json(
            "api/v2/components.json",
            &Components {
                page,
                components: &api.components,
            },
        )?,
        json(
            "api/v2/incidents.json",
            &Incidents {
                page,
                incidents: api.incidents.iter().take(RECENT_LIMIT).collect(),
            },
        )?,
        json(
            "api/v2/incidents/unresolved.json",
            &Incidents {
                page,
                incidents: unresolved,
            },
        )?,
        json(
            "api/v2/scheduled-maintenances.json",
            &Maintenances {
                page,
                scheduled_maintenances: api.maintenances.iter().take(RECENT_LIMIT).collect(),
            },
        )?,
        json(
            "api/v2/scheduled-maintenances/upcoming.json",
            &Maintenances {
                page,
                scheduled_maintenances: upcoming,
            },
        )?,
        json(
            "api/v2/scheduled-maintenances/active.json",
            &Maintenances {
                page,
                scheduled_maintenances: active,
            },
        )?,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_map_to_statuspage_component_statuses() {
        assert_eq!(component_status(Status::Operational), "operational");
        assert_eq!(
            component_status(Status::Affected(Severity::Degraded)),
            "degraded_performance"
        );
        assert_eq!(
            component_status(Status::Affected(Severity::PartialOutage)),
            "partial_outage"
        );
        assert_eq!(
            component_status(Status::Affected(Severity::MajorOutage)),
            "major_outage"
        );
        assert_eq!(
            component_status(Status::Affected(Severity::Maintenance)),
            "under_maintenance"
        );
        assert_eq!(
            component_status(Status::Affected(Severity::Notice)),
            "operational"
        );
    }

    #[test]
    fn severities_map_to_statuspage_impacts() {
        assert_eq!(impact(Severity::Notice), "none");
        assert_eq!(impact(Severity::Degraded), "minor");
        assert_eq!(impact(Severity::PartialOutage), "major");
        assert_eq!(impact(Severity::MajorOutage), "critical");
        assert_eq!(impact(Severity::Maintenance), "maintenance");
    }

    #[test]
    fn the_page_indicator_follows_the_worst_component() {
        let words: Vec<&str> = [
            Status::Operational,
            Status::Affected(Severity::Maintenance),
            Status::Affected(Severity::Degraded),
            Status::Affected(Severity::PartialOutage),
            Status::Affected(Severity::MajorOutage),
        ]
        .into_iter()
        .map(|s| indicator(s).indicator)
        .collect();
        assert_eq!(words, ["none", "maintenance", "minor", "major", "critical"]);
        assert_eq!(
            indicator(Status::Operational).description,
            "All Systems Operational"
        );
    }

    const INCIDENT_WORDS: [&str; 4] = ["investigating", "identified", "monitoring", "resolved"];

    #[test]
    fn incident_words_stay_in_the_incident_vocabulary() {
        for s in UpdateStatus::ALL {
            assert!(
                ["investigating", "identified", "monitoring", "resolved"]
                    .contains(&incident_status(s)),
                "{s:?}"
            );
            assert!(
                ["scheduled", "in_progress", "verifying", "completed"]
                    .contains(&maintenance_status(s)),
                "{s:?}"
            );
        }
        assert_eq!(incident_status(UpdateStatus::Identified), "identified");
        assert_eq!(incident_status(UpdateStatus::Monitoring), "monitoring");
        assert_eq!(maintenance_status(UpdateStatus::InProgress), "in_progress");
        assert_eq!(maintenance_status(UpdateStatus::Monitoring), "verifying");
        assert_eq!(maintenance_status(UpdateStatus::Completed), "completed");
    }

    #[test]
    fn a_notice_is_monitoring_while_shown_then_resolved() {
        assert_eq!(notice_status(UpdateStatus::Update), "monitoring");
        assert_eq!(notice_status(UpdateStatus::Resolved), "resolved");
        for s in UpdateStatus::ALL {
            assert!(INCIDENT_WORDS.contains(&notice_status(s)), "{s:?}");
        }
    }

    #[test]
    fn group_ids_are_url_safe() {
        assert_eq!(group_id("Hébergement"), "group-hebergement");
        assert_eq!(group_id("Réseau & DNS"), "group-reseau-dns");
    }
}
