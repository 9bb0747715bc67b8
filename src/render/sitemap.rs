//! `sitemap.xml` (the sitemaps.org protocol) and `robots.txt`, for search engines.
//!
//! The sitemap lists the absolute URL of every HTML page of the output but the 404 page
//! and the iframe page `embed/index.html` (a piece of other sites, not a page to find),
//! in the folder form pages use for their canonical link (`incidents/x/`, not
//! `incidents/x/index.html`).

use crate::model::Site;
use crate::render::escape::escape;
use crate::render::OutputFile;

/// The sitemap of the pages among `paths` (every other output file) and a `robots.txt`
/// pointing at it.
pub fn all<'p>(site: &Site, paths: impl Iterator<Item = &'p str>) -> Vec<OutputFile> {
    let base = &site.config.base_url;
    // Pages in the folder form of their URL (`incidents/x/`), sorted as the URLs are.
    let mut folders: Vec<&str> = paths
        .filter(|p| p.ends_with(".html") && *p != "404.html" && *p != "embed/index.html")
        .map(|p| p.strip_suffix("index.html").unwrap_or(p))
        .collect();
    folders.sort_unstable();
    folders.dedup();
    let base = escape(base);
    let mut xml = String::with_capacity(folders.len() * (base.len() + 80));
    let cfg = &site.config;
    let several = cfg.languages.len() > 1;
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
    if several {
        xml.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    xml.push_str(">\n");
    // A URL of the site: its folder (`incidents/x/`) after the base URL, escaped when it
    // needs to be (ids are URL-safe, but a site's own files may have any name).
    let push_url = |xml: &mut String, folder: &str| {
        xml.push_str(&base);
        if folder.contains(['&', '<', '>', '"', '\'']) {
            xml.push_str(&escape(folder));
        } else {
            xml.push_str(folder);
        }
    };
    // The pages, to tell which languages have a page.
    let listed: rustc_hash::FxHashSet<&str> = if several {
        folders.iter().copied().collect()
    } else {
        Default::default()
    };
    let mut other = String::new();
    for folder in &folders {
        xml.push_str("<url><loc>");
        push_url(&mut xml, folder);
        xml.push_str("</loc>");
        if several {
            // The same page in every language that has it, this one included.
            let rest = cfg
                .languages
                .iter()
                .find_map(|&l| {
                    let prefix = cfg.prefix_of(l);
                    (!prefix.is_empty())
                        .then(|| folder.strip_prefix(prefix))
                        .flatten()
                })
                .unwrap_or(folder);
            for &l in &cfg.languages {
                other.clear();
                other.push_str(cfg.prefix_of(l));
                other.push_str(rest);
                if listed.contains(other.as_str()) {
                    xml.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
                    xml.push_str(l.code());
                    xml.push_str("\" href=\"");
                    push_url(&mut xml, &other);
                    xml.push_str("\"/>");
                }
            }
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    let base = &site.config.base_url;
    let robots = format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n");
    vec![
        OutputFile::new("sitemap.xml", xml),
        OutputFile::new("robots.txt", robots),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_urls_are_absolute_folders_and_the_404_page_is_left_out() {
        let site = crate::model::Site {
            config: crate::load::config::parse(
                std::path::Path::new("site.yaml"),
                "title: T\nbase_url: https://example.fr/status/\ncomponents:\n  - id: web\n    name: Web\n",
            )
            .unwrap(),
            incidents: vec![],
            files: vec![],
        };
        let files = [
            "index.html",
            "404.html",
            "incidents/a/index.html",
            "feed.xml",
            "about.html",
        ]
        .map(|p| OutputFile::new(p, ""));
        let out = all(&site, files.iter().map(|f| f.path.as_str()));
        let xml = String::from_utf8(out[0].bytes.clone()).unwrap();
        assert!(xml.contains("<loc>https://example.fr/status/</loc>"));
        assert!(xml.contains("<loc>https://example.fr/status/incidents/a/</loc>"));
        assert!(xml.contains("<loc>https://example.fr/status/about.html</loc>"));
        assert!(!xml.contains("404") && !xml.contains("feed.xml"));
        let robots = String::from_utf8(out[1].bytes.clone()).unwrap();
        assert!(robots.contains("Sitemap: https://example.fr/status/sitemap.xml"));
    }
}
