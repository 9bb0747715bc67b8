//! Interface words in each supported language, and how dates and durations are written.
//!
//! Templates never contain words of their own: they print fields of [`Strings`].

use std::fmt::Write as _;

#[cfg(test)]
use chrono::Locale;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use crate::model::{Phase, Severity, Status, UpdateStatus};

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// The language for a `site.yaml` code (`fr`, `fr-FR`, `en`, `en-GB`…).
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// BCP 47 code for `lang` attributes and feeds.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The interface words.
    pub fn strings(self) -> &'static Strings {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    /// chrono's locale for the language: what the hand-written formatting below matches
    /// (the tests compare both).
    #[cfg(test)]
    fn locale(self) -> Locale {
        match self {
            Lang::Fr => Locale::fr_FR,
            Lang::En => Locale::en_GB,
        }
    }

    /// "samedi 28 octobre 2017, 00:44 CEST".
    ///
    /// Dates are written by hand rather than with chrono's `format_localized`, which parses
    /// its format string on every call: a build formats hundreds of thousands of dates.
    pub fn datetime(self, t: DateTime<Utc>, tz: Tz) -> String {
        let local = tz.from_utc_datetime(&t.naive_utc());
        let mut s = String::with_capacity(40);
        self.push_date(&mut s, local.date_naive());
        s.push_str(", ");
        push_hm(&mut s, local.hour(), local.minute());
        s.push(' ');
        // What chrono writes for `%Z`: the offset's `Display`, which is the zone's
        // abbreviation when it has one (read directly), else the offset in numbers.
        match chrono_tz::OffsetName::abbreviation(local.offset()) {
            Some(name) => s.push_str(name),
            None => {
                let _ = write!(s, "{}", local.offset());
            }
        }
        s
    }

    /// "samedi 28 octobre 2017".
    pub fn date(self, t: DateTime<Utc>, tz: Tz) -> String {
        let local = tz.from_utc_datetime(&t.naive_utc());
        let mut s = String::with_capacity(28);
        self.push_date(&mut s, local.date_naive());
        s
    }

    /// "28 oct. 2017" — short, for lists.
    pub fn short_date(self, t: DateTime<Utc>, tz: Tz) -> String {
        self.short_day(tz.from_utc_datetime(&t.naive_utc()).date_naive())
    }

    /// "28 oct. 2017": a day, short, for lists and uptime bars.
    pub fn short_day(self, d: NaiveDate) -> String {
        let mut s = String::with_capacity(16);
        push_number(&mut s, d.day());
        s.push(' ');
        s.push_str(self.short_months()[d.month0() as usize % 12]);
        s.push(' ');
        push_year(&mut s, d.year());
        s
    }

    /// "samedi 28 octobre 2017" (chrono's `%A %-d %B %Y`).
    fn push_date(self, s: &mut String, d: NaiveDate) {
        let days = match self {
            Lang::Fr => &FR_DAYS,
            Lang::En => &EN_DAYS,
        };
        s.push_str(days[d.weekday().num_days_from_monday() as usize % 7]);
        s.push(' ');
        push_number(s, d.day());
        s.push(' ');
        s.push_str(self.strings().months[d.month0() as usize % 12]);
        s.push(' ');
        push_year(s, d.year());
    }

    /// Abbreviated month names, as chrono's `%b` writes them.
    fn short_months(self) -> &'static [&'static str; 12] {
        match self {
            Lang::Fr => &FR_SHORT_MONTHS,
            Lang::En => &EN_SHORT_MONTHS,
        }
    }

    /// "00:44".
    pub fn time(self, t: DateTime<Utc>, tz: Tz) -> String {
        let local = tz.from_utc_datetime(&t.naive_utc());
        let mut s = String::with_capacity(5);
        push_hm(&mut s, local.hour(), local.minute());
        s
    }

    /// "octobre 2017", capitalised for a heading: "Octobre 2017".
    pub fn month_heading(self, year: i32, month: u32) -> String {
        let name = self.strings().months[(month as usize).saturating_sub(1) % 12];
        format!("{} {year}", capitalize(name))
    }

    /// A duration: "1 h 02", "45 min", "2 j 3 h" (French); "1 h 02 min", "45 min", "2 d 3 h".
    pub fn duration(self, seconds: i64) -> String {
        let minutes = (seconds.max(0) + 30) / 60;
        let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
        match self {
            Lang::Fr if d > 0 => format!("{d} j {h} h"),
            Lang::Fr if h > 0 => format!("{h} h {m:02}"),
            Lang::En if d > 0 => format!("{d} d {h} h"),
            Lang::En if h > 0 => format!("{h} h {m:02} min"),
            _ => format!("{m} min"),
        }
    }

    /// An incident's time span in words: "samedi 28 octobre 2017 de 00:44 à 01:46 (1 h 02)";
    /// both dates when it spans days; "depuis le samedi 28 octobre 2017 à 00:44" without end.
    pub fn period(self, start: DateTime<Utc>, end: Option<DateTime<Utc>>, tz: Tz) -> String {
        let t = self.strings();
        let at =
            |x: DateTime<Utc>| format!("{}{}{}", self.date(x, tz), t.at_time, self.time(x, tz));
        let Some(end) = end else {
            return format!("{} {}", t.since, at(start));
        };
        let duration = self.duration((end - start).num_seconds());
        let local = |x: DateTime<Utc>| tz.from_utc_datetime(&x.naive_utc()).date_naive();
        if local(start) == local(end) {
            format!(
                "{} {} {} {} {} ({duration})",
                self.date(start, tz),
                t.time_from,
                self.time(start, tz),
                t.time_to,
                self.time(end, tz)
            )
        } else {
            format!(
                "{} {} {} {} ({duration})",
                t.date_from,
                at(start),
                t.date_to,
                at(end)
            )
        }
    }

    /// "99,95 %" / "99.95%".
    pub fn percent(self, value: f64) -> String {
        let s = format!("{value:.2}");
        match self {
            Lang::Fr => format!("{}\u{a0}%", s.replace('.', ",")),
            Lang::En => format!("{s}%"),
        }
    }
}

/// Day names from Monday, as chrono's `%A` writes them (`fr_FR`, `en_GB`).
const FR_DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// Abbreviated month names, as chrono's `%b` writes them (`fr_FR`, `en_GB`).
const FR_SHORT_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avril", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const EN_SHORT_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A number without padding (chrono's `%-d`).
fn push_number(s: &mut String, n: u32) {
    if n < 10 {
        s.push(char::from(b'0' + n as u8));
    } else {
        let _ = write!(s, "{n}");
    }
}

/// Two digits.
fn push_2(s: &mut String, n: u32) {
    s.push(char::from(b'0' + (n / 10 % 10) as u8));
    s.push(char::from(b'0' + (n % 10) as u8));
}

/// "00:44" (chrono's `%H:%M`).
fn push_hm(s: &mut String, hour: u32, minute: u32) {
    push_2(s, hour);
    s.push(':');
    push_2(s, minute);
}

/// A year as chrono's `%Y` writes it: four digits at least, a sign beyond 9999.
fn push_year(s: &mut String, year: i32) {
    if (0..=9999).contains(&year) {
        let y = year as u32;
        push_2(s, y / 100);
        push_2(s, y % 100);
    } else {
        let _ = write!(s, "{year:+05}");
    }
}

/// RFC 3339 in UTC, to the second: "2017-10-27T22:44:00Z" (chrono's `%Y-%m-%dT%H:%M:%SZ`).
pub fn iso(t: DateTime<Utc>) -> String {
    let mut s = String::with_capacity(20);
    push_year(&mut s, t.year());
    s.push('-');
    push_2(&mut s, t.month());
    s.push('-');
    push_2(&mut s, t.day());
    s.push('T');
    push_hm(&mut s, t.hour(), t.minute());
    s.push(':');
    push_2(&mut s, t.second());
    s.push('Z');
    s
}

/// An update's anchor: "update-20171027t2244z" (`update-` and chrono's `%Y%m%dt%H%Mz`, in
/// UTC).
pub fn update_anchor(t: DateTime<Utc>) -> String {
    let mut s = String::with_capacity(21);
    s.push_str("update-");
    push_year(&mut s, t.year());
    push_2(&mut s, t.month());
    push_2(&mut s, t.day());
    s.push('t');
    push_2(&mut s, t.hour());
    push_2(&mut s, t.minute());
    s.push('z');
    s
}

/// Upper-cases the first letter.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Every word the interface shows.
#[derive(Debug)]
pub struct Strings {
    /// The colon with the spacing the language wants: "\u{a0}:" in French.
    pub colon: &'static str,
    pub months: [&'static str; 12],
    pub skip_to_content: &'static str,
    pub current_status: &'static str,
    pub all_operational: &'static str,
    pub overall_minor: &'static str,
    pub overall_partial: &'static str,
    pub overall_major: &'static str,
    pub overall_maintenance: &'static str,
    pub operational: &'static str,
    pub degraded: &'static str,
    pub partial_outage: &'static str,
    pub major_outage: &'static str,
    pub maintenance: &'static str,
    pub notice: &'static str,
    pub investigating: &'static str,
    pub identified: &'static str,
    pub monitoring: &'static str,
    pub update: &'static str,
    pub resolved: &'static str,
    pub scheduled: &'static str,
    pub in_progress: &'static str,
    pub completed: &'static str,
    pub phase_scheduled: &'static str,
    pub phase_ongoing: &'static str,
    pub phase_resolved: &'static str,
    pub ongoing_incidents: &'static str,
    pub upcoming_maintenance: &'static str,
    pub recent_history: &'static str,
    pub no_recent_incidents: &'static str,
    pub components: &'static str,
    pub component: &'static str,
    pub uptime_days: &'static str,
    pub uptime: &'static str,
    pub days_ago: &'static str,
    pub today: &'static str,
    pub no_downtime: &'static str,
    pub downtime: &'static str,
    pub no_data: &'static str,
    pub history: &'static str,
    pub history_title: &'static str,
    pub years: &'static str,
    /// Navigation between the months of a year.
    pub months_nav: &'static str,
    /// "12 autres": the incidents of a day left unnamed in an uptime bar.
    pub others: &'static str,
    /// Link from a year's page to one month's full list.
    pub all_of_month: &'static str,
    pub no_incidents: &'static str,
    pub started: &'static str,
    pub ended: &'static str,
    pub not_ended: &'static str,
    pub duration: &'static str,
    pub severity: &'static str,
    pub affected: &'static str,
    pub status: &'static str,
    pub announcement: &'static str,
    pub posted: &'static str,
    pub by: &'static str,
    pub permalink: &'static str,
    pub back_to_status: &'static str,
    pub last_built: &'static str,
    pub times_in: &'static str,
    pub feed_rss: &'static str,
    pub feed_atom: &'static str,
    pub subscribe: &'static str,
    pub calendar: &'static str,
    /// Says what the calendar link is for, next to it.
    pub calendar_hint: &'static str,
    pub api: &'static str,
    pub contact: &'static str,
    pub forum: &'static str,
    pub chat: &'static str,
    pub email: &'static str,
    pub page: &'static str,
    pub incidents_of_component: &'static str,
    pub more_in_history: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub powered_by: &'static str,
    pub incident: &'static str,
    pub planned: &'static str,
    pub previous_year: &'static str,
    pub next_year: &'static str,
    pub pages: &'static str,
    pub feed_description: &'static str,
    /// Announcements: the label of an incident's time span.
    pub period: &'static str,
    /// "de 00:44 à 01:46" / "from 00:44 to 01:46".
    pub time_from: &'static str,
    pub time_to: &'static str,
    /// "du samedi … au dimanche …" / "from Saturday … to Sunday …".
    pub date_from: &'static str,
    pub date_to: &'static str,
    /// Between a date and a time: " à " / ", ".
    pub at_time: &'static str,
    /// "depuis le samedi …" / "since Saturday …".
    pub since: &'static str,
    /// The heading of an announcement's footnotes.
    pub notes: &'static str,
    /// The heading of the list of link addresses in plain-text announcements.
    pub links: &'static str,
}

static FR: Strings = Strings {
    colon: "\u{a0}:",
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    skip_to_content: "Aller au contenu",
    current_status: "État actuel",
    all_operational: "Tous les services fonctionnent normalement",
    overall_minor: "Performances dégradées",
    overall_partial: "Panne partielle",
    overall_major: "Panne majeure",
    overall_maintenance: "Maintenance en cours",
    operational: "Opérationnel",
    degraded: "Performances dégradées",
    partial_outage: "Panne partielle",
    major_outage: "Panne majeure",
    maintenance: "Maintenance",
    notice: "Information",
    investigating: "Enquête en cours",
    identified: "Identifié",
    monitoring: "Sous surveillance",
    update: "Mise à jour",
    resolved: "Résolu",
    scheduled: "Planifiée",
    in_progress: "En cours",
    completed: "Terminée",
    phase_scheduled: "à venir",
    phase_ongoing: "en cours",
    phase_resolved: "terminé",
    ongoing_incidents: "Incidents en cours",
    upcoming_maintenance: "Maintenances prévues",
    recent_history: "Historique récent",
    no_recent_incidents: "Aucun incident ces derniers jours.",
    components: "Services",
    component: "Service",
    uptime_days: "Disponibilité sur 90 jours",
    uptime: "disponibilité",
    days_ago: "il y a 90 jours",
    today: "aujourd’hui",
    no_downtime: "aucune interruption",
    downtime: "interruption",
    no_data: "pas de données",
    history: "Historique",
    history_title: "Historique des incidents",
    years: "Années",
    months_nav: "Mois",
    others: "autres",
    all_of_month: "Tous les incidents du mois",
    no_incidents: "Aucun incident.",
    started: "Début",
    ended: "Fin",
    not_ended: "toujours en cours",
    duration: "Durée",
    severity: "Gravité",
    affected: "Services touchés",
    status: "État",
    announcement: "Annonce",
    posted: "Publié le",
    by: "par",
    permalink: "Lien permanent",
    back_to_status: "Retour à l’état des services",
    last_built: "Page mise à jour le",
    times_in: "Heures données dans le fuseau horaire",
    feed_rss: "Flux RSS",
    feed_atom: "Flux Atom",
    subscribe: "S’abonner",
    calendar: "Calendrier des maintenances",
    calendar_hint: "iCalendar, à ajouter à votre agenda",
    api: "API JSON",
    contact: "Nous contacter",
    forum: "Forum",
    chat: "Discussion",
    email: "Courriel",
    page: "Assistance",
    incidents_of_component: "Incidents",
    more_in_history: "Tous les incidents dans l’historique",
    not_found_title: "Page introuvable",
    not_found_text: "Cette page n’existe pas ou plus.",
    powered_by: "Propulsé par vigie",
    incident: "Incident",
    planned: "Maintenance",
    previous_year: "Année précédente",
    next_year: "Année suivante",
    pages: "Pages",
    feed_description: "Annonces d’incidents et de maintenances",
    period: "Période",
    time_from: "de",
    time_to: "à",
    date_from: "du",
    date_to: "au",
    at_time: " à ",
    since: "depuis le",
    notes: "Notes",
    links: "Liens",
};

static EN: Strings = Strings {
    colon: ":",
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    skip_to_content: "Skip to content",
    current_status: "Current status",
    all_operational: "All systems operational",
    overall_minor: "Degraded performance",
    overall_partial: "Partial outage",
    overall_major: "Major outage",
    overall_maintenance: "Maintenance in progress",
    operational: "Operational",
    degraded: "Degraded performance",
    partial_outage: "Partial outage",
    major_outage: "Major outage",
    maintenance: "Maintenance",
    notice: "Notice",
    investigating: "Investigating",
    identified: "Identified",
    monitoring: "Monitoring",
    update: "Update",
    resolved: "Resolved",
    scheduled: "Scheduled",
    in_progress: "In progress",
    completed: "Completed",
    phase_scheduled: "upcoming",
    phase_ongoing: "ongoing",
    phase_resolved: "over",
    ongoing_incidents: "Ongoing incidents",
    upcoming_maintenance: "Upcoming maintenance",
    recent_history: "Recent history",
    no_recent_incidents: "No incidents in recent days.",
    components: "Services",
    component: "Service",
    uptime_days: "Uptime over 90 days",
    uptime: "uptime",
    days_ago: "90 days ago",
    today: "today",
    no_downtime: "no downtime",
    downtime: "downtime",
    no_data: "no data",
    history: "History",
    history_title: "Incident history",
    years: "Years",
    months_nav: "Months",
    others: "more",
    all_of_month: "All incidents of the month",
    no_incidents: "No incidents.",
    started: "Started",
    ended: "Ended",
    not_ended: "still ongoing",
    duration: "Duration",
    severity: "Severity",
    affected: "Affected services",
    status: "Status",
    announcement: "Announcement",
    posted: "Posted",
    by: "by",
    permalink: "Permalink",
    back_to_status: "Back to current status",
    last_built: "Page updated",
    times_in: "Times are shown in",
    feed_rss: "RSS feed",
    feed_atom: "Atom feed",
    subscribe: "Subscribe",
    calendar: "Maintenance calendar",
    calendar_hint: "iCalendar, to add to your calendar app",
    api: "JSON API",
    contact: "Contact us",
    forum: "Forum",
    chat: "Chat",
    email: "E-mail",
    page: "Support",
    incidents_of_component: "Incidents",
    more_in_history: "All incidents in the history",
    not_found_title: "Page not found",
    not_found_text: "This page does not exist, or no longer does.",
    powered_by: "Powered by vigie",
    incident: "Incident",
    planned: "Maintenance",
    previous_year: "Previous year",
    next_year: "Next year",
    pages: "Pages",
    feed_description: "Incident and maintenance announcements",
    period: "When",
    time_from: "from",
    time_to: "to",
    date_from: "from",
    date_to: "to",
    at_time: ", ",
    since: "since",
    notes: "Notes",
    links: "Links",
};

impl Strings {
    /// The word for a severity.
    pub fn severity(&self, s: Severity) -> &'static str {
        match s {
            Severity::MajorOutage => self.major_outage,
            Severity::PartialOutage => self.partial_outage,
            Severity::Degraded => self.degraded,
            Severity::Maintenance => self.maintenance,
            Severity::Notice => self.notice,
        }
    }

    /// The word for a component's status.
    pub fn status(&self, s: Status) -> &'static str {
        match s {
            Status::Operational => self.operational,
            Status::Affected(sev) => self.severity(sev),
        }
    }

    /// The banner sentence for the site's overall status.
    pub fn overall(&self, s: Status) -> &'static str {
        match s {
            Status::Operational | Status::Affected(Severity::Notice) => self.all_operational,
            Status::Affected(Severity::Degraded) => self.overall_minor,
            Status::Affected(Severity::PartialOutage) => self.overall_partial,
            Status::Affected(Severity::MajorOutage) => self.overall_major,
            Status::Affected(Severity::Maintenance) => self.overall_maintenance,
        }
    }

    /// The word for a post's status.
    pub fn update_status(&self, s: UpdateStatus) -> &'static str {
        match s {
            UpdateStatus::Investigating => self.investigating,
            UpdateStatus::Identified => self.identified,
            UpdateStatus::Monitoring => self.monitoring,
            UpdateStatus::Update => self.update,
            UpdateStatus::Resolved => self.resolved,
            UpdateStatus::Scheduled => self.scheduled,
            UpdateStatus::InProgress => self.in_progress,
            UpdateStatus::Completed => self.completed,
        }
    }

    /// The word for where an incident stands in time.
    pub fn phase(&self, p: Phase) -> &'static str {
        match p {
            Phase::Scheduled => self.phase_scheduled,
            Phase::Ongoing => self.phase_ongoing,
            Phase::Resolved => self.phase_resolved,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn french_dates_use_french_day_and_month_names() {
        let t = Utc.with_ymd_and_hms(2017, 10, 27, 22, 44, 0).unwrap();
        let paris = chrono_tz::Europe::Paris;
        assert_eq!(
            Lang::Fr.datetime(t, paris),
            "samedi 28 octobre 2017, 00:44 CEST"
        );
        assert_eq!(
            Lang::En.datetime(t, paris),
            "Saturday 28 October 2017, 00:44 CEST"
        );
    }

    #[test]
    fn hand_written_dates_match_chrono() {
        let zones = [
            chrono_tz::Europe::Paris,
            chrono_tz::America::New_York,
            chrono_tz::Asia::Kolkata,
            chrono_tz::America::Sao_Paulo,
            chrono_tz::UTC,
        ];
        let mut t = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap();
        // Every day of several years, at hours that move through the day.
        for k in 0..(366 * 5) {
            for tz in zones {
                for lang in [Lang::Fr, Lang::En] {
                    let local = tz.from_utc_datetime(&t.naive_utc());
                    let chrono = |fmt: &str| local.format_localized(fmt, lang.locale()).to_string();
                    assert_eq!(lang.datetime(t, tz), chrono("%A %-d %B %Y, %H:%M %Z"));
                    assert_eq!(lang.date(t, tz), chrono("%A %-d %B %Y"));
                    assert_eq!(lang.short_date(t, tz), chrono("%-d %b %Y"));
                    assert_eq!(lang.time(t, tz), chrono("%H:%M"));
                }
            }
            assert_eq!(iso(t), t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            assert_eq!(
                update_anchor(t),
                format!("update-{}", t.format("%Y%m%dt%H%Mz"))
            );
            t += chrono::Duration::seconds(86_400 + 3_541 * (k % 7));
        }
        for year in [1, 999, 10_000, -5] {
            let d = NaiveDate::from_ymd_opt(year, 3, 4).unwrap();
            assert_eq!(
                Lang::Fr.short_day(d),
                d.format_localized("%-d %b %Y", Locale::fr_FR).to_string()
            );
        }
    }

    #[test]
    fn periods_read_as_sentences() {
        let paris = chrono_tz::Europe::Paris;
        let start = Utc.with_ymd_and_hms(2017, 10, 27, 22, 44, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2017, 10, 27, 23, 46, 0).unwrap();
        assert_eq!(
            Lang::Fr.period(start, Some(end), paris),
            "samedi 28 octobre 2017 de 00:44 à 01:46 (1 h 02)"
        );
        assert_eq!(
            Lang::En.period(start, Some(end), paris),
            "Saturday 28 October 2017 from 00:44 to 01:46 (1 h 02 min)"
        );
        let late = Utc.with_ymd_and_hms(2017, 10, 28, 23, 30, 0).unwrap();
        assert_eq!(
            Lang::Fr.period(start, Some(late), paris),
            "du samedi 28 octobre 2017 à 00:44 au dimanche 29 octobre 2017 à 01:30 (1 j 0 h)"
        );
        assert_eq!(
            Lang::Fr.period(start, None, paris),
            "depuis le samedi 28 octobre 2017 à 00:44"
        );
        assert_eq!(
            Lang::En.period(start, None, paris),
            "since Saturday 28 October 2017, 00:44"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(Lang::Fr.duration(62 * 60), "1 h 02");
        assert_eq!(Lang::Fr.duration(45 * 60), "45 min");
        assert_eq!(Lang::Fr.duration(51 * 3600), "2 j 3 h");
        assert_eq!(Lang::En.duration(62 * 60), "1 h 02 min");
    }

    #[test]
    fn percentages_follow_the_language() {
        assert_eq!(Lang::Fr.percent(99.951), "99,95\u{a0}%");
        assert_eq!(Lang::En.percent(100.0), "100.00%");
    }
}
