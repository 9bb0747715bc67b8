//! The layout every page shares (head, header, footer): [`Chrome`], and its parts rendered
//! once for all the pages that share them.

use askama::Template;

use super::brand::BrandView;
use super::views::{Alternate, Chrome, ChromeParts, LinkView, TimeView};
use super::{absolute, root_of};
use crate::derive::StatusModel;
use crate::error::Error;

pub(super) fn chrome<'a>(model: &'a StatusModel<'a>, path: &str, with_built: bool) -> Chrome<'a> {
    let mut c = chrome_sharing(model, path, None);
    c.contact = contact_links(model);
    let cfg = &model.site.config;
    c.built = with_built.then(|| TimeView::new(cfg.lang, cfg.tz, model.now));
    c
}

/// [`chrome`] without a build time, with the layout `parts` given when they are: then the
/// fields only the parts show (the contact links) are left empty.
pub(super) fn chrome_sharing<'a>(
    model: &'a StatusModel<'a>,
    path: &str,
    parts: Option<&std::sync::Arc<ChromeParts>>,
) -> Chrome<'a> {
    let site = model.site;
    let cfg = &site.config;
    let t = cfg.lang.strings();
    let folder = path.strip_suffix("index.html").unwrap_or(path);
    let root = root_of(path);
    let site_root = format!("{}{root}", root_of(cfg.prefix()));
    let alternates = if cfg.languages.len() > 1 {
        cfg.languages
            .iter()
            .map(|&l| Alternate {
                code: l.code(),
                name: l.own_name(),
                href: format!("{site_root}{}{path}", cfg.prefix_of(l)),
                url: format!("{}{}{folder}", cfg.base_url, cfg.prefix_of(l)),
                current: l == cfg.lang,
            })
            .collect()
    } else {
        Vec::new()
    };
    let c = Chrome {
        t,
        lang: cfg.lang.code(),
        site_title: &cfg.title,
        root,
        site_root,
        alternates,
        canonical: absolute(site, folder),
        description: cfg
            .description
            .clone()
            .unwrap_or_else(|| t.feed_description.to_string()),
        built: None,
        tz_name: cfg.tz.name(),
        contact: Vec::new(),
        extra_feed: None,
        live: true,
        brand: BrandView::of(cfg),
        parts: std::cell::OnceCell::new(),
    };
    if let Some(parts) = parts {
        let _ = c.parts.set(parts.clone());
    }
    c
}

/// The footer's contact links, from `contact` in site.yaml.
fn contact_links(model: &StatusModel) -> Vec<LinkView> {
    let cfg = &model.site.config;
    let t = cfg.lang.strings();
    let mut contact = Vec::new();
    let c = &cfg.contact;
    for (label, value) in [(t.forum, &c.forum), (t.chat, &c.chat), (t.page, &c.page)] {
        if let Some(v) = value {
            contact.push(LinkView {
                label: label.to_string(),
                href: v.clone(),
            });
        }
    }
    if let Some(mail) = &c.email {
        contact.push(LinkView {
            label: format!("{} ({mail})", t.email),
            href: if mail.starts_with("mailto:") {
                mail.clone()
            } else {
                format!("mailto:{mail}")
            },
        });
    }
    contact
}

#[derive(Template)]
#[template(path = "_head.html")]
struct HeadPart<'a> {
    c: &'a Chrome<'a>,
}

#[derive(Template)]
#[template(path = "_header.html")]
struct HeaderPart<'a> {
    c: &'a Chrome<'a>,
}

#[derive(Template)]
#[template(path = "_footer.html")]
struct FooterPart<'a> {
    c: &'a Chrome<'a>,
}

impl Chrome<'_> {
    /// The parts of the layout for this chrome, rendered the first time they are asked for.
    pub fn parts(&self) -> askama::Result<&std::sync::Arc<ChromeParts>> {
        if let Some(parts) = self.parts.get() {
            return Ok(parts);
        }
        let parts = std::sync::Arc::new(ChromeParts {
            head: HeadPart { c: self }.render()?,
            header: HeaderPart { c: self }.render()?,
            footer: FooterPart { c: self }.render()?,
        });
        Ok(self.parts.get_or_init(|| parts))
    }
}

/// The layout parts every incident page shares (same depth, no build time, no page feed).
pub(super) fn incident_parts(model: &StatusModel) -> Result<std::sync::Arc<ChromeParts>, Error> {
    chrome(model, "incidents/x/index.html", false)
        .parts()
        .cloned()
        .map_err(|e| Error::Render(format!("incidents/: {e}")))
}
