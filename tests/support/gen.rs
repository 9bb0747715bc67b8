//! A generator of large, realistic vigie sites, for benchmarks and scale tests.
//!
//! Shared by `examples/gen-site.rs`, `examples/bench.rs` and the integration tests (each
//! includes this file with `#[path]`). Deterministic: the same `n` gives the same files,
//! byte for byte, from a small hand-written PRNG (no `rand`).
//!
//! The site: ten components in four groups, French, Europe/Paris; `n` incidents spread
//! over the ten years before [`NOW`], about one in ten a maintenance, three still ongoing
//! and one maintenance upcoming; 0 to 4 updates each, Markdown bodies with lists and links,
//! `components` as a list, a mapping or absent. Files under `incidents/<year>/`.

#![allow(dead_code)]

use std::fs;
use std::io;
use std::path::Path;

/// The moment the generated site is meant to be built at (as `--now`).
pub const NOW: &str = "2026-11-25T12:00:00+01:00";

/// The file that marks a folder as a generated site, so that it may be generated again.
pub const MARKER: &str = ".vigie-gen-site";

const COMPONENTS: &[(&str, &str, &str)] = &[
    ("web", "Hébergement web", "Hébergement"),
    ("php", "PHP et applications", "Hébergement"),
    ("databases", "Bases de données", "Hébergement"),
    ("mail", "Messagerie", "Messagerie"),
    ("webmail", "Webmail", "Messagerie"),
    ("smtp", "Envoi (SMTP)", "Messagerie"),
    ("dns", "DNS", "Réseau"),
    ("network", "Connectivité réseau", "Réseau"),
    ("backups", "Sauvegardes", "Réseau"),
    ("panel", "Espace client", ""),
];

const SEVERITIES: &[&str] = &["major-outage", "partial-outage", "degraded", "notice"];

const SUBJECTS: &[&str] = &[
    "Lenteurs sur l'hébergement web",
    "Indisponibilité de la messagerie",
    "Erreurs 502 sur une partie des sites",
    "Retards de distribution des courriels",
    "Panne d'un serveur de bases de données",
    "Perte de connectivité sur un routeur",
    "Résolution DNS intermittente",
    "Espace client inaccessible",
    "Échec des sauvegardes nocturnes",
    "Saturation d'une baie de stockage",
    "Certificats TLS expirés sur le webmail",
    "Attaque par déni de service",
];

const MAINTENANCES: &[&str] = &[
    "Mise à jour des serveurs web",
    "Migration des serveurs de messagerie",
    "Remplacement d'un commutateur",
    "Mise à jour de PostgreSQL",
    "Changement des serveurs DNS",
];

const SENTENCES: &[&str] = &[
    "Nos équipes ont été alertées par la supervision quelques minutes après le début du problème.",
    "Une partie des clients hébergés sur ce serveur ne peut plus accéder à ses sites.",
    "Les courriels entrants sont conservés par les serveurs expéditeurs et seront remis dès le retour à la normale.",
    "Nous avons identifié la cause : un disque défaillant ralentissait toute la grappe de stockage.",
    "Le fournisseur réseau a confirmé un incident sur son cœur de réseau à Paris.",
    "Aucune donnée n'a été perdue, et les sauvegardes de la nuit sont intactes.",
    "Nous suivons la situation de près et publierons un nouveau point dans l'heure.",
    "Les temps de réponse sont revenus à leur niveau habituel depuis une vingtaine de minutes.",
    "Toutes nos excuses pour la gêne occasionnée ; merci pour votre patience.",
    "Le service **reste accessible**, mais avec des temps de réponse dégradés.",
    "Si le problème persiste de votre côté, videz le cache de votre navigateur.",
    "La bascule vers le serveur de secours a pris plus de temps que prévu.",
];

const LINKS: &[(&str, &str)] = &[
    (
        "le forum des annonces",
        "https://forum.example.fr/c/annonces-officielles",
    ),
    ("notre page de contact", "https://www.example.fr/contact"),
    (
        "la documentation",
        "https://docs.example.fr/messagerie/configuration",
    ),
];

/// A small, fast, seeded PRNG (SplitMix64): enough for varied test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A naive local time, in minutes since 1970-01-01 00:00 (proleptic Gregorian).
fn civil(minutes: i64) -> (i64, u32, u32, u32, u32) {
    let days = minutes.div_euclid(1440);
    let rest = minutes.rem_euclid(1440);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, (rest / 60) as u32, (rest % 60) as u32)
}

fn stamp(minutes: i64) -> String {
    let (y, m, d, h, mi) = civil(minutes);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}")
}

/// Minutes since 1970 of 2026-11-25 00:00, the day of [`NOW`].
const TODAY: i64 = 20_782 * 1440;
const TEN_YEARS: i64 = 3652 * 1440;

/// `site.yaml` of the generated site.
pub fn site_yaml() -> String {
    let mut s = String::from(
        "title: Hébergeur Exemple — état des services\n\
         description: État des services, incidents et maintenances (site généré pour les mesures).\n\
         base_url: https://status.example.fr/\n\
         language: fr\n\
         timezone: Europe/Paris\n\
         components:\n",
    );
    for (id, name, group) in COMPONENTS {
        s.push_str(&format!("  - id: {id}\n    name: {name}\n"));
        if !group.is_empty() {
            s.push_str(&format!("    group: {group}\n"));
        }
    }
    s.push_str(
        "contact:\n  forum: https://forum.example.fr/c/annonces-officielles\n  email: support@example.fr\n\
         authors:\n  elodie:\n    name: Élodie\n    role: Fondatrice / Responsable\n  karim:\n    name: Karim\n    role: Administrateur système\n",
    );
    s
}

fn paragraph(rng: &mut Rng, sentences: u64) -> String {
    let mut p = String::new();
    for k in 0..sentences {
        if k > 0 {
            p.push(if k % 2 == 0 { '\n' } else { ' ' });
        }
        let sentence = rng.pick::<&str>(SENTENCES);
        p.push_str(sentence);
    }
    p
}

/// A Markdown body of realistic length: paragraphs, sometimes a list and a link.
fn body(rng: &mut Rng, long: bool) -> String {
    let count = 2 + rng.below(3);
    let mut b = paragraph(rng, count);
    if long || rng.chance(30) {
        b.push_str("\n\nCe que nous savons :\n\n");
        for _ in 0..2 + rng.below(3) {
            let s = *rng.pick(SENTENCES);
            b.push_str(&format!("- {s}\n"));
        }
    }
    if rng.chance(40) {
        let (text, url) = rng.pick(LINKS);
        b.push_str(&format!(
            "\n\nPour toute question, passez par [{text}]({url})."
        ));
    }
    if long {
        b.push_str("\n\n");
        let count = 2 + rng.below(2);
        b.push_str(&paragraph(rng, count));
    }
    b.push('\n');
    b
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("      {l}\n")
            }
        })
        .collect()
}

fn slug(title: &str) -> String {
    let mut s = String::new();
    for c in title.chars() {
        let c = match c {
            'é' | 'è' | 'ê' | 'É' => 'e',
            'à' => 'a',
            'œ' => 'o',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_matches('-').to_string()
}

/// What [`incident_with`] varies besides the default site; the default gives exactly the
/// files of [`incident`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The share (percent) of incidents left without `end`, as a forgotten end would be.
    pub open_percent: u64,
    /// Vary how incidents are announced: maintenance by a `scheduled` update days before
    /// its start and no `published`, by its start alone, or announced late; incidents
    /// published after their end, or with a post before their start; notices without end.
    pub announcements: bool,
}

/// The `k`-th of `n` incidents: its path under the site root and its text.
pub fn incident(n: usize, k: usize) -> (String, String) {
    incident_with(n, k, &Options::default())
}

/// [`incident`], varied by `options`. What the options change is drawn from a generator
/// of its own, so that the default draws stay those of [`incident`].
pub fn incident_with(n: usize, k: usize, options: &Options) -> (String, String) {
    let mut extra = Rng::new(0xa11c_e000 + k as u64);
    // 0: as by default; 1 to 3: the variants above.
    let variant = if options.announcements {
        extra.below(4)
    } else {
        0
    };
    let open = options.open_percent > 0 && extra.chance(options.open_percent);
    let mut rng = Rng::new(0x5eed_0000 + k as u64);
    let maintenance = rng.chance(10);
    // Three ongoing incidents and one upcoming maintenance, at the start of the list.
    let (ongoing, upcoming) = (k < 3, k == 3);
    let maintenance = (maintenance || upcoming) && !ongoing;
    // Spread evenly over ten years, with some jitter; the day's time between 06:00 and
    // 20:00 so that no local time falls in a daylight-saving gap.
    let day = if upcoming {
        TODAY + 9 * 1440
    } else if ongoing {
        TODAY - k as i64 * 1440
    } else {
        let slot = TEN_YEARS * (k as i64) / (n.max(1) as i64);
        (TODAY - 1440 - slot) / 1440 * 1440
    };
    let start = day + 360 + rng.below(14 * 60) as i64;
    let start = if ongoing {
        (day + 6 * 60 + k as i64 * 7).min(TODAY + 10 * 60)
    } else {
        start
    };
    let duration = if maintenance {
        60 * (1 + rng.below(4)) as i64
    } else {
        10 + rng.below(240) as i64
    };
    // Keep the end on the same day (before 23:59), or whole days later.
    let mut end = (start + duration).min(day + 1439);
    if !maintenance && rng.chance(3) {
        end = start + 1440 * (1 + rng.below(2)) as i64;
    }
    let title = if maintenance {
        rng.pick(MAINTENANCES)
    } else {
        rng.pick(SUBJECTS)
    };
    let severity = if maintenance {
        "maintenance"
    } else {
        rng.pick(SEVERITIES)
    };
    // Variant 3 of an incident: a notice without end, which leaves the front page by itself.
    let notice = variant == 3 && !maintenance;
    let severity = if notice { "notice" } else { severity };
    let mut front = format!("---\ntitle: {title}\nstart: {}\n", stamp(start));
    if !ongoing && !open && !notice {
        front.push_str(&format!("end: {}\n", stamp(end)));
    }
    front.push_str(&format!("severity: {severity}\n"));
    match rng.below(10) {
        0..=1 => {} // every component
        2..=7 => {
            let a = rng.below(COMPONENTS.len() as u64) as usize;
            let b = rng.below(COMPONENTS.len() as u64) as usize;
            let ids: Vec<&str> = if a == b {
                vec![COMPONENTS[a].0]
            } else {
                vec![COMPONENTS[a].0, COMPONENTS[b].0]
            };
            front.push_str(&format!("components: [{}]\n", ids.join(", ")));
        }
        _ => {
            let a = rng.below(COMPONENTS.len() as u64) as usize;
            let b = (a + 1 + rng.below(COMPONENTS.len() as u64 - 1) as usize) % COMPONENTS.len();
            let worse = if maintenance {
                "maintenance"
            } else {
                "partial-outage"
            };
            front.push_str(&format!(
                "components:\n  {}: {worse}\n  {}: degraded\n",
                COMPONENTS[a].0, COMPONENTS[b].0
            ));
        }
    }
    if rng.chance(70) {
        front.push_str(&format!(
            "author: {}\n",
            if rng.chance(50) { "elodie" } else { "karim" }
        ));
    }
    match (maintenance, variant) {
        (true, 0) => front.push_str(&format!("published: {}\n", stamp(start - 7 * 1440 + 60))),
        // Announced by the `scheduled` update below, or at its start.
        (true, 1 | 2) => {}
        // Announced late, an hour after its start.
        (true, _) => front.push_str(&format!("published: {}\n", stamp(start + 60))),
        // A post-mortem, published two hours after the end.
        (false, 1) => front.push_str(&format!("published: {}\n", stamp(end + 120))),
        (false, _) => {}
    }
    let updates = if ongoing { 1 } else { rng.below(5) };
    // Written before the start: a maintenance's `scheduled` update three days ahead, an
    // incident's post an hour ahead (its announcement then comes with it).
    let early = match (maintenance, variant) {
        (true, 1) => Some((start - 3 * 1440, "scheduled")),
        (false, 2) => Some((start - 60, "update")),
        _ => None,
    };
    if updates > 0 || early.is_some() {
        front.push_str("updates:\n");
    }
    if let Some((at, status)) = early {
        front.push_str(&format!(
            "  - at: {}\n    status: {status}\n    body: Prévu.\n",
            stamp(at)
        ));
    }
    if updates > 0 {
        for u in 0..updates {
            let last = u + 1 == updates && !ongoing;
            let at = if last {
                end
            } else {
                start + (end - start).max(4) * (u as i64 + 1) / (updates as i64 + 1)
            };
            // Out of the small hours, where daylight-saving changes make local times
            // ambiguous or missing.
            let at = if (60..240).contains(&at.rem_euclid(1440)) {
                at + 240
            } else {
                at
            };
            let status = match (maintenance, last) {
                (true, true) => "completed",
                (true, false) => "in-progress",
                (false, true) => "resolved",
                (false, false) => *rng.pick(&["identified", "monitoring", "update"]),
            };
            front.push_str(&format!(
                "  - at: {}\n    status: {status}\n    body: |\n{}",
                stamp(at),
                indent(&body(&mut rng, false))
            ));
        }
    }
    front.push_str("---\n");
    let long = rng.chance(25);
    front.push_str(&body(&mut rng, long));
    let (y, m, d, _, _) = civil(start);
    let path = format!("incidents/{y}/{y:04}-{m:02}-{d:02}-{}-{k}.md", slug(title));
    (path, front)
}

/// Writes a site of `n` incidents into `dir`, which must be missing, empty or a site this
/// generator wrote before (it is then replaced).
pub fn generate(dir: &Path, n: usize) -> io::Result<()> {
    generate_with(dir, n, &Options::default())
}

/// [`generate`], with the incidents of [`incident_with`].
pub fn generate_with(dir: &Path, n: usize, options: &Options) -> io::Result<()> {
    if dir.exists() {
        let empty = fs::read_dir(dir)?.next().is_none();
        if !empty && !dir.join(MARKER).is_file() {
            return Err(io::Error::other(format!(
                "`{}` is not empty and was not written by gen-site; refusing to write into it",
                dir.display()
            )));
        }
        if dir.join("incidents").exists() {
            fs::remove_dir_all(dir.join("incidents"))?;
        }
    }
    fs::create_dir_all(dir)?;
    fs::write(dir.join(MARKER), format!("{n}\n"))?;
    fs::write(dir.join("site.yaml"), site_yaml())?;
    for k in 0..n {
        let (path, text) = incident_with(n, k, options);
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, text)?;
    }
    Ok(())
}

/// Makes the site of `n` incidents that [`generate`] wrote into `dir` a site in the
/// languages `languages` (the first, `fr`, the default; the others `en`): `languages` in
/// site.yaml, and an English translation file beside nine incidents in ten, all with their
/// updates translated but one in ten, which has its first update only (the rest is left to
/// fall back to French, as a busy team would).
pub fn add_languages(dir: &Path, n: usize, languages: &[&str]) -> io::Result<()> {
    let yaml = fs::read_to_string(dir.join("site.yaml"))?;
    let yaml = yaml.replace(
        "language: fr\n",
        &format!("languages: [{}]\n", languages.join(", ")),
    );
    fs::write(dir.join("site.yaml"), yaml)?;
    for lang in languages.iter().skip(1) {
        for k in (0..n).filter(|k| k % 10 != 7) {
            let (path, text) = incident(n, k);
            let ats: Vec<&str> = text
                .lines()
                .filter_map(|l| l.strip_prefix("  - at: "))
                .collect();
            let keep = if k % 10 == 3 {
                ats.len().min(1)
            } else {
                ats.len()
            };
            let mut t = format!("---\ntitle: Incident {k} ({lang})\n");
            if keep > 0 {
                t.push_str("updates:\n");
                for at in &ats[..keep] {
                    t.push_str(&format!(
                        "  - at: {at}\n    body: |\n      The team keeps working on it; the next update follows within the hour.\n"
                    ));
                }
            }
            t.push_str("---\nSome of our customers are affected. We are looking into it and will post what we find here.\n");
            let path = dir.join(path.replace(".md", &format!(".{lang}.md")));
            fs::write(path, t)?;
        }
    }
    Ok(())
}

/// The groups of a provider's site ([`generate_provider`]), each with the kind of its
/// members.
const PROVIDER_GROUPS: &[(&str, &str)] = &[
    ("Hébergement web", "Grappe web"),
    ("Messagerie", "Serveur de messagerie"),
    ("Bases de données", "Grappe de bases"),
    ("Serveurs dédiés", "Baie"),
    ("Cloud public", "Région"),
    ("Stockage objet", "Zone de stockage"),
    ("Réseau", "Point de présence"),
    ("DNS", "Serveur de noms"),
    ("Sauvegardes", "Coffre de sauvegarde"),
    ("Services en ligne", "Service"),
];

/// `site.yaml` of a provider's site: `components` components spread evenly over `groups`
/// groups (ten at most).
pub fn provider_site_yaml(components: usize, groups: usize) -> String {
    let groups = groups.clamp(1, PROVIDER_GROUPS.len());
    let mut s = String::from(
        "title: Fournisseur Exemple — état des services\n\
         base_url: https://status.example.fr/\n\
         language: fr\n\
         timezone: Europe/Paris\n\
         components:\n",
    );
    for k in 0..components {
        let g = k * groups / components.max(1);
        let (group, kind) = PROVIDER_GROUPS[g];
        let first = (g * components).div_ceil(groups);
        s.push_str(&format!(
            "  - id: c{k:03}\n    name: {kind} {:02}\n    group: {group}\n",
            k - first + 1
        ));
    }
    s.push_str("contact:\n  email: support@example.fr\n");
    s
}

/// Writes a provider's site into `dir` (as [`generate`] does): `components` components in
/// `groups` groups and `n` incidents over the `days` days before [`NOW`], each on one to
/// three components of one group, about one in ten a maintenance; the first is ongoing.
pub fn generate_provider(
    dir: &Path,
    components: usize,
    groups: usize,
    n: usize,
    days: i64,
) -> io::Result<()> {
    generate_with(dir, 0, &Options::default())?;
    fs::write(dir.join(MARKER), format!("{n} {components}\n"))?;
    fs::write(
        dir.join("site.yaml"),
        provider_site_yaml(components, groups),
    )?;
    let groups = groups.clamp(1, PROVIDER_GROUPS.len());
    let dir = dir.join("incidents");
    fs::create_dir_all(&dir)?;
    for k in 0..n {
        let mut rng = Rng::new(0x9a0e_0000 + k as u64);
        let ongoing = k == 0;
        let maintenance = !ongoing && rng.chance(10);
        let day = TODAY - 1440 * (1 + rng.below(days.max(1) as u64) as i64);
        let start = if ongoing {
            TODAY + 9 * 60
        } else {
            day + 360 + rng.below(14 * 60) as i64
        };
        let end = (start + 10 + rng.below(180) as i64).min(day + 1439);
        let g = rng.below(groups as u64) as usize;
        let first = (g * components).div_ceil(groups);
        let last = ((g + 1) * components).div_ceil(groups);
        let size = (last - first).max(1);
        let a = first + rng.below(size as u64) as usize;
        let count = 1 + rng.below(3) as usize;
        let ids: Vec<String> = (0..count)
            .map(|j| format!("c{:03}", first + (a - first + j) % size))
            .collect();
        let (title, severity) = if maintenance {
            (*rng.pick(MAINTENANCES), "maintenance")
        } else {
            (*rng.pick(SUBJECTS), *rng.pick(&SEVERITIES[..3]))
        };
        let mut text = format!("---\ntitle: {title}\nstart: {}\n", stamp(start));
        if !ongoing {
            text.push_str(&format!("end: {}\n", stamp(end)));
        }
        text.push_str(&format!(
            "severity: {severity}\ncomponents: [{}]\n---\n{}",
            ids.join(", "),
            body(&mut rng, false)
        ));
        let (y, m, d, _, _) = civil(start);
        fs::write(
            dir.join(format!("{y:04}-{m:02}-{d:02}-{}-{k}.md", slug(title))),
            text,
        )?;
    }
    Ok(())
}
