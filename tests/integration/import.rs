//! `vigie import`: cState sites (YAML and TOML) and Statuspage API files, from disk and
//! from a page served on loopback, into sites that `vigie check` accepts; twice without
//! change; never replacing a file without `--force`; and the round trip of the example
//! site through its own API.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::{copy_dir, repo, snapshot_tree, vigie, Run, Site, NOW};

/// `vigie import ARGS` (no `--root`: import takes `--into`).
fn import(args: &[&str]) -> Run {
    Run::from(vigie().arg("import").args(args).output().unwrap())
}

fn fixture(name: &str) -> String {
    repo()
        .join("tests/fixtures/import")
        .join(name)
        .display()
        .to_string()
}

/// The site at `root` as `vigie check` reads it, drafts included.
fn loaded(root: &Path) -> vigie::model::Site {
    vigie::load::load(root, &vigie::load::LoadOptions { drafts: true })
        .unwrap_or_else(|e| panic!("{e:?}"))
}

/// Posts (announcements and updates) of a loaded site.
fn posts(site: &vigie::model::Site) -> usize {
    site.incidents.iter().map(|i| i.posts.len()).sum()
}

/// The issues of a cState fixture and their posts, counted from the source on their own:
/// each `track` shortcode is a post, and so is the text before the first tracked
/// paragraph, or the whole body of an issue without one.
fn cstate_counts(dir: &str) -> (usize, usize) {
    let mut issues = 0;
    let mut posts = 0;
    for entry in fs::read_dir(Path::new(dir).join("content/issues")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('_') {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let fence = &text[..3];
        let body = text[3..].split_once(&format!("\n{fence}\n")).unwrap().1;
        issues += 1;
        let tracks = body.matches("{{< track").count();
        let first = body.find("{{< track").unwrap_or(body.len());
        // The paragraph holding the first track starts after the last blank line before it.
        let before = &body[..first];
        let before = before.rfind("\n\n").map_or("", |k| &before[..k]);
        posts += tracks + usize::from(tracks == 0 || !before.trim().is_empty());
    }
    (issues, posts)
}

#[test]
fn a_cstate_site_in_yaml_imports_into_a_site_vigie_checks() {
    let out = Site::empty();
    let into = out.root().display().to_string();
    let src = fixture("cstate");
    let run = import(&[
        "cstate",
        &src,
        "--into",
        &into,
        "--timezone",
        "Europe/Paris",
    ]);
    run.success();
    out.vigie(&["check", "--now", NOW]).success();
    let site = loaded(out.root());
    let (issues, posts_in_source) = cstate_counts(&src);
    assert_eq!(
        (site.incidents.len(), posts(&site)),
        (issues, posts_in_source)
    );
    assert_eq!((issues, posts_in_source), (5, 12));
    assert!(
        run.stdout.contains("import of the cState site"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(": 5 incidents, 12 posts\n"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("dates written without a time zone are read in Europe/Paris (--timezone)"));

    // Systems and categories: components with their groups and descriptions.
    let c = &site.config;
    let ids: Vec<&str> = c.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["site-web", "api", "messagerie", "dns", "webmail"]);
    assert_eq!(c.components[0].group.as_deref(), Some("Hébergement"));
    assert_eq!(c.components[0].description.as_deref(), Some("Sites et PHP"));
    assert_eq!(
        c.components[3].group, None,
        "an untitled category is no group"
    );
    assert_eq!(c.tz, chrono_tz::Europe::Paris);
    assert_eq!(c.title, "Exemple Hébergement : état des services");
    assert_eq!(c.lang, vigie::model::lang::Lang::Fr);

    // An issue without zone, read in Paris; tracked posts newest first in the file.
    let api = site
        .incidents
        .iter()
        .find(|i| i.id == "2018-06-13-api-lente")
        .unwrap();
    assert_eq!(api.title, "Lenteurs : l'API « v2 » répond mal #urgent");
    assert_eq!(vigie::model::time::iso(api.start), "2018-06-13T12:14:00Z");
    assert_eq!(
        vigie::model::time::iso(api.end.unwrap()),
        "2018-06-13T13:44:00Z"
    );
    assert_eq!(api.severity, vigie::model::Severity::PartialOutage);
    use vigie::model::UpdateStatus::*;
    let statuses: Vec<_> = api.posts.iter().map(|p| p.status).collect();
    assert_eq!(statuses, [None, Some(Identified), Some(Resolved)]);
    assert_eq!(
        api.posts[0].markdown.trim(),
        "L'API répond en plusieurs secondes. Nous cherchons la cause."
    );

    // With a zone; text before the first tracked paragraph is the announcement; an
    // unknown prefix and an unknown shortcode are kept as text.
    let dns = site
        .incidents
        .iter()
        .find(|i| i.id == "2019-03-01-panne-dns")
        .unwrap();
    assert_eq!(vigie::model::time::iso(dns.start), "2019-03-01T08:00:00Z");
    assert_eq!(dns.severity, vigie::model::Severity::MajorOutage);
    assert!(dns.posts[0].markdown.contains("{{< figure src="));
    assert_eq!(dns.posts.len(), 4);
    assert!(dns.posts[3].markdown.starts_with("*Postmortem* - "));
    assert_eq!(
        dns.end,
        Some(dns.posts[2].at),
        "ends at its `resolved` post"
    );
    assert!(run.stdout.contains(
        "content/issues/panne-dns.md: shortcode kept as text: {{< figure src=\"/carte-reseau.png\" alt=\"Carte du réseau\" >}}"
    ));

    // Every severity; informational is a notice; drafts stay drafts.
    let by_id = |id: &str| site.incidents.iter().find(|i| i.id == id).unwrap();
    assert_eq!(
        by_id("2020-01-15-nouvelle-adresse").severity,
        vigie::model::Severity::Notice
    );
    assert!(by_id("2021-05-05-brouillon").draft);
    let webmail = by_id("2022-02-02-webmail");
    assert_eq!(webmail.end, None, "not resolved: ongoing");
    assert_eq!(webmail.posts[2].status, Some(Monitoring), "French prefixes");
    assert!(run
        .stdout
        .contains("`Webmail` is not among the systems: added as the component `webmail`"));
}

#[test]
fn a_cstate_site_in_toml_imports_into_a_site_vigie_checks() {
    let out = Site::empty();
    let into = out.root().display().to_string();
    let src = fixture("cstate-toml");
    import(&["cstate", &src, "--into", &into]).success();
    out.vigie(&["check", "--now", NOW]).success();
    let site = loaded(out.root());
    assert_eq!((site.incidents.len(), posts(&site)), cstate_counts(&src));
    assert_eq!(site.config.tz, chrono_tz::UTC, "the default time zone");
    let ids: Vec<&str> = site
        .config
        .components
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(ids, ["gateway", "frontend", "control-panel"]);
    let gateway = site
        .incidents
        .iter()
        .find(|i| i.id == "2023-04-01-gateway-outage")
        .unwrap();
    assert_eq!(
        vigie::model::time::iso(gateway.start),
        "2023-04-01T10:00:00Z"
    );
    assert_eq!(
        vigie::model::time::iso(gateway.end.unwrap()),
        "2023-04-01T11:30:00Z"
    );
    // A TOML local date and time, read in the default zone.
    let frontend = site
        .incidents
        .iter()
        .find(|i| i.id == "2023-05-01-frontend")
        .unwrap();
    assert_eq!(
        vigie::model::time::iso(frontend.start),
        "2023-05-01T08:00:00Z"
    );
    assert_eq!(
        frontend.posts[1].status,
        Some(vigie::model::UpdateStatus::Update)
    );
}

#[test]
fn importing_twice_changes_nothing() {
    let out = Site::empty();
    let into = out.root().display().to_string();
    let src = fixture("cstate");
    import(&["cstate", &src, "--into", &into]).success();
    let before = snapshot_tree(out.root());
    let again = import(&["cstate", &src, "--into", &into]);
    again.success();
    assert_eq!(snapshot_tree(out.root()), before);
    assert!(
        again
            .stdout
            .contains("0 written, 0 replaced, 6 identical, 0 kept"),
        "{}",
        again.stdout
    );
    let files = again.stdout.split("\nfiles (6):\n").nth(1).unwrap();
    assert_eq!(
        files
            .lines()
            .filter(|l| l.starts_with("  identical  "))
            .count(),
        6
    );
}

#[test]
fn a_file_moved_in_the_site_is_the_one_compared() {
    let out = Site::empty();
    let into = out.root().display().to_string();
    let src = fixture("cstate");
    import(&["cstate", &src, "--into", &into]).success();
    // Moved under another folder, with its name: the same id.
    fs::create_dir_all(out.path("incidents/archives")).unwrap();
    fs::rename(
        out.path("incidents/2018/2018-06-13-api-lente.md"),
        out.path("incidents/archives/2018-06-13-API-lente.md"),
    )
    .unwrap();
    let run = import(&["cstate", &src, "--into", &into]);
    run.success();
    assert!(run
        .stdout
        .contains("  identical  incidents/archives/2018-06-13-API-lente.md\n"));
    assert!(!out.path("incidents/2018/2018-06-13-api-lente.md").exists());
}

#[test]
fn a_dry_run_writes_nothing() {
    let out = Site::empty();
    let into = out.root().join("new").display().to_string();
    let run = import(&["cstate", &fixture("cstate"), "--into", &into, "--dry-run"]);
    run.success();
    assert!(!out.path("new").exists());
    assert!(run.stdout.contains("(dry run: nothing written)"));
    assert!(
        run.stdout.contains("  would write  site.yaml\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_file_that_differs_is_kept_unless_forced() {
    let out = Site::empty();
    let into = out.root().display().to_string();
    let src = fixture("cstate");
    import(&["cstate", &src, "--into", &into]).success();
    let rel = "incidents/2018/2018-06-13-api-lente.md";
    let edited = out
        .read(rel)
        .replace("Nous cherchons la cause.", "Édité à la main.");
    out.write(rel, &edited);

    let run = import(&["cstate", &src, "--into", &into]);
    run.failure(1);
    assert_eq!(out.read(rel), edited, "kept");
    assert!(
        run.stdout.lines().any(|l| l.starts_with("  kept ")
            && l.ends_with(&format!(
                " {rel} (it exists and differs; --force replaces it)"
            ))),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains(&format!(
            "{rel}: error: already exists and differs from what the import gives; not replaced"
        )),
        "{}",
        run.stderr
    );

    let forced = import(&["cstate", &src, "--into", &into, "--force"]);
    forced.success();
    assert!(out.read(rel).contains("Nous cherchons la cause."));
    assert!(
        forced.stdout.contains(&format!("  replaced   {rel}\n")),
        "{}",
        forced.stdout
    );
}

#[test]
fn an_issue_that_cannot_be_read_is_named_and_the_rest_imported() {
    let src = Site::empty();
    copy_dir(Path::new(&fixture("cstate")), src.root());
    src.write(
        "content/issues/2024-01-01-cassé.md",
        "---\ntitle: [pas fermé\ndate: 2024-01-01\n---\n",
    );
    fs::write(
        src.path("content/issues/latin1.md"),
        b"---\ntitle: caf\xe9\n---\n",
    )
    .unwrap();
    let out = Site::empty();
    let into = out.root().display().to_string();
    let run = import(&["cstate", &src.root().display().to_string(), "--into", &into]);
    run.failure(1);
    assert!(
        run.stderr.contains("content/issues/2024-01-01-cassé.md:2:"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("content/issues/latin1.md: error: the file is not valid UTF-8"));
    assert!(run.stderr.contains("2 errors in 2 files"), "{}", run.stderr);
    assert!(run.stdout.contains("6 written"), "{}", run.stdout);
    out.vigie(&["check", "--now", NOW]).success();
    assert_eq!(loaded(out.root()).incidents.len(), 5);
}

#[test]
fn a_wrong_time_zone_or_source_is_refused() {
    let out = Site::empty();
    let into = out.root().display().to_string();
    let run = import(&[
        "cstate",
        &fixture("cstate"),
        "--into",
        &into,
        "--timezone",
        "Europe/Pari",
    ]);
    run.failure(2);
    assert!(
        run.stderr.contains("did you mean `Europe/Paris`?"),
        "{}",
        run.stderr
    );
    let run = import(&["cstate", &fixture("statuspage"), "--into", &into]);
    run.failure(1);
    assert!(run
        .stderr
        .contains("not a cState site: no config.yml, config.toml or hugo.toml here"));
    assert_eq!(fs::read_dir(out.root()).unwrap().count(), 0);
}

/// Incidents and posts in Statuspage API files, counted from the JSON: each incident
/// once (incidents.json lists maintenances too), each update, and each post-mortem.
fn statuspage_counts(dir: &str) -> (usize, usize) {
    let mut seen = Vec::new();
    let mut posts = 0;
    for (file, key) in [
        ("incidents.json", "incidents"),
        ("scheduled-maintenances.json", "scheduled_maintenances"),
    ] {
        let v: Value =
            serde_json::from_str(&fs::read_to_string(Path::new(dir).join(file)).unwrap()).unwrap();
        for i in v[key].as_array().unwrap() {
            let id = i["id"].as_str().unwrap().to_string();
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            posts += i["incident_updates"].as_array().unwrap().len().max(1);
            posts += usize::from(i["postmortem_body"].as_str().is_some_and(|b| !b.is_empty()));
        }
    }
    (seen.len(), posts)
}

#[test]
fn statuspage_files_import_into_a_site_vigie_checks() {
    let out = Site::empty();
    let into = out.root().display().to_string();
    let dir = fixture("statuspage");
    let files: Vec<String> = [
        "incidents.json",
        "scheduled-maintenances.json",
        "components.json",
    ]
    .iter()
    .map(|f| format!("{dir}/{f}"))
    .collect();
    let mut args = vec!["statuspage"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--into", &into]);
    let run = import(&args);
    run.success();
    out.vigie(&["check", "--now", NOW]).success();
    let site = loaded(out.root());
    assert_eq!(
        (site.incidents.len(), posts(&site)),
        statuspage_counts(&dir)
    );
    assert_eq!(statuspage_counts(&dir), (6, 16));

    let c = &site.config;
    assert_eq!(c.title, "Atlas Hosting");
    assert_eq!(c.base_url, "https://status.atlas-hosting.example/");
    assert_eq!(c.tz, chrono_tz::Europe::Paris);
    let ids: Vec<&str> = c.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["api", "website", "email-smtp-imap"]);
    assert_eq!(c.components[0].group.as_deref(), Some("Infrastructure"));

    use vigie::model::{Severity, UpdateStatus::*};
    let by_id = |id: &str| site.incidents.iter().find(|i| i.id == id).unwrap();
    let api = by_id("2024-03-05-elevated-api-error-rates");
    assert_eq!(api.severity, Severity::PartialOutage, "impact major");
    assert_eq!(
        api.severity_on("api"),
        Some(Severity::MajorOutage),
        "its worst"
    );
    assert_eq!(api.severity_on("website"), Some(Severity::Degraded));
    let statuses: Vec<_> = api.posts.iter().map(|p| p.status).collect();
    assert_eq!(
        statuses,
        [
            None,
            Some(Identified),
            Some(Monitoring),
            Some(Update),
            Some(Resolved)
        ],
        "the same status again is an update"
    );
    let slow = by_id("2024-11-20-slow-website-in-the-paris-region");
    assert_eq!(slow.end, None, "still identified: ongoing");
    // Its announcement says `identified`, which vigie does not keep (it says
    // investigating): the update that says `identified` again changes the status.
    assert_eq!(slow.posts[1].status, Some(Identified));
    let mail = by_id("2024-06-01-email-delivery-outage-connection-refused-mail");
    assert_eq!(
        mail.title,
        "Email delivery outage: \"Connection refused\" #mail"
    );
    assert!(mail
        .posts
        .last()
        .unwrap()
        .markdown
        .starts_with("## What happened"));
    let notice = by_id("2024-09-02-new-ip-addresses-for-outgoing-mail");
    assert_eq!(notice.severity, Severity::Notice, "impact none");
    assert!(notice.impacts.is_empty());
    let upgrade = by_id("2024-04-10-database-upgrade");
    assert_eq!(upgrade.severity, Severity::Maintenance);
    let statuses: Vec<_> = upgrade.posts.iter().map(|p| p.status).collect();
    assert_eq!(statuses, [None, Some(InProgress), Some(Completed)]);
    let routers = by_id("2024-12-03-network-maintenance-core-routers");
    assert_eq!(
        vigie::model::time::iso(routers.published),
        "2024-11-18T08:00:00Z",
        "announced ahead"
    );
    assert_eq!(
        vigie::model::time::iso(routers.end.unwrap()),
        "2024-12-04T02:00:00Z"
    );

    assert!(run.stdout.contains(
        "p31zjtct2jer: its components' statuses changed from update to update: each keeps the worst"
    ));
    assert!(run.stdout.contains(
        "9lq3vdhd2ykf: the first update's status `identified` is not kept: vigie says `investigating` of an announcement made then"
    ));
    assert!(run
        .stdout
        .contains("yv1q8sbmz4kq: its post-mortem is an update"));
}

#[test]
fn into_a_site_of_its_own_components_are_matched_by_id_then_name() {
    let out = Site::empty();
    let own = "title: Atlas\nbase_url: https://status.atlas.example/\ncomponents:\n  - {id: api, name: Public API}\n  - {id: site, name: WEBSITE}\n";
    out.write("site.yaml", own);
    let into = out.root().display().to_string();
    let run = import(&["statuspage", &fixture("statuspage"), "--into", &into]);
    run.success();
    assert_eq!(out.read("site.yaml"), own, "kept");
    assert!(
        run.stdout.contains(
            "site.yaml is already there and differs: it is kept, and the source's components are matched with its own (by id, then by name); not found there, and left out of the incidents: email-smtp-imap"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("language"), "site.yaml is not written");
    out.vigie(&["check", "--now", NOW]).success();
    let site = loaded(out.root());
    let by_id = |id: &str| site.incidents.iter().find(|i| i.id == id).unwrap();
    let api = by_id("2024-03-05-elevated-api-error-rates");
    let ids: Vec<&str> = api.impacts.iter().map(|i| i.component.as_str()).collect();
    assert_eq!(ids, ["api", "site"]);
    assert!(
        by_id("2024-06-01-email-delivery-outage-connection-refused-mail")
            .impacts
            .is_empty()
    );
}

/// A page's API served on loopback: `/api/v2/<file>` from `dir`, 404 for the rest.
fn serve(dir: String) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let address = format!("http://{}", server.server_addr());
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let name = request.url().trim_start_matches("/api/v2/").to_string();
            let path = Path::new(&dir).join(&name);
            let response = if !name.contains('/') && path.is_file() {
                tiny_http::Response::from_data(fs::read(path).unwrap())
            } else {
                tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404)
            };
            let _ = request.respond(response);
        }
    });
    address
}

#[test]
fn a_statuspage_page_is_fetched_from_its_address() {
    let from_files = Site::empty();
    import(&[
        "statuspage",
        &fixture("statuspage"),
        "--into",
        &from_files.root().display().to_string(),
    ])
    .success();

    let address = serve(fixture("statuspage"));
    let out = Site::empty();
    let run = import(&[
        "statuspage",
        &format!("{address}/"),
        "--into",
        &out.root().display().to_string(),
    ]);
    run.success();
    out.vigie(&["check", "--now", NOW]).success();
    let incidents = |s: &Site| snapshot_tree(&s.path("incidents"));
    assert_eq!(incidents(&out), incidents(&from_files));
    assert_eq!(incidents(&out).len(), 6);

    // A page that answers nothing is named; nothing is written.
    let empty = Site::empty();
    let gone = serve(empty.root().display().to_string());
    let run = import(&[
        "statuspage",
        &gone,
        "--into",
        &empty.root().display().to_string(),
    ]);
    run.failure(1);
    assert!(
        run.stderr.contains(&format!(
            "{gone}/api/v2/incidents.json: error: cannot fetch: the server answered 404"
        )),
        "{}",
        run.stderr
    );
}

/// Removes from the API file `v` the fields the report lists as worked out by vigie: a
/// field `x` from each incident, `incident_updates[].x` from each update, `page` from the
/// file.
fn without(v: &mut Value, list: &str, fields: &[String]) {
    let obj = v.as_object_mut().unwrap();
    if fields.iter().any(|f| f == "page") {
        obj.remove("page");
    }
    for i in obj.get_mut(list).unwrap().as_array_mut().unwrap() {
        let i = i.as_object_mut().unwrap();
        for f in fields {
            match f.strip_prefix("incident_updates[].") {
                Some(u) => {
                    for update in i["incident_updates"].as_array_mut().unwrap() {
                        update.as_object_mut().unwrap().remove(u);
                    }
                }
                None => {
                    i.remove(f);
                }
            }
        }
    }
}

#[test]
fn the_example_site_round_trips_through_its_api() {
    let source = Site::example();
    source.build().success();
    let out = Site::empty();
    fs::copy(repo().join("site.yaml"), out.path("site.yaml")).unwrap();
    let api = source.path("public/api/v2").display().to_string();
    let run = import(&[
        "statuspage",
        &api,
        "--into",
        &out.root().display().to_string(),
    ]);
    run.success();
    assert!(
        run.stdout.contains("  kept     site.yaml"),
        "{}",
        run.stdout
    );
    out.build().success();

    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("fields vigie works out when it builds, not imported: "))
        .unwrap();
    let fields: Vec<String> = line
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(fields.contains(&"updated_at".to_string()), "{fields:?}");
    assert!(
        !fields.contains(&"id".to_string()),
        "a vigie page keeps its ids"
    );
    for (file, list) in [
        ("incidents.json", "incidents"),
        ("scheduled-maintenances.json", "scheduled_maintenances"),
    ] {
        let read = |s: &Site| -> Value {
            serde_json::from_str(&s.read(&format!("public/api/v2/{file}"))).unwrap()
        };
        let (mut before, mut after) = (read(&source), read(&out));
        assert!(!before[list].as_array().unwrap().is_empty());
        without(&mut before, list, &fields);
        without(&mut after, list, &fields);
        assert_eq!(after, before, "{file}");
    }
    // Nothing was lost on the way: the whole files are the same too.
    assert_eq!(
        out.read("public/api/v2/incidents.json"),
        source.read("public/api/v2/incidents.json")
    );
}
