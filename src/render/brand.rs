//! The site's brand on its pages ([`BrandView`], for the shared layout) and its accent
//! colour as a style sheet of its own, `assets/brand.css`, linked after the theme's: the
//! pages carry no inline style, so a strict Content-Security-Policy (`style-src 'self'`)
//! keeps working.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use super::file::OutputFile;
use crate::model::config::{Brand, Config};

/// The path of the accent colour's style sheet.
pub const BRAND_CSS: &str = "assets/brand.css";

/// What a path segment may not hold as it is in an `href` or `src`.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// The brand as the layout shows it: addresses relative to the site's root, ready for
/// `href` and `src`.
#[derive(Debug, Clone, Default)]
pub struct BrandView<'a> {
    pub logo: Option<String>,
    pub logo_dark: Option<String>,
    pub logo_alt: &'a str,
    /// The company's site.
    pub url: Option<&'a str>,
    /// The text of the link to the company's site when there is no logo to carry it:
    /// `logo_alt`, else the site's host.
    pub url_label: String,
    /// The favicon's address and media type.
    pub favicon: Option<(String, String)>,
    /// The footer text: safe HTML, made by the load's Markdown renderer.
    pub footer_html: Option<&'a str>,
    /// The site-wide notice: safe HTML, made the same way.
    pub notice_html: Option<&'a str>,
    /// Whether `assets/brand.css` is built (an accent colour is set).
    pub css: bool,
    /// Whether the site has `static/custom.css`.
    pub custom_css: bool,
}

impl<'a> BrandView<'a> {
    /// The view of `config`'s brand and notice.
    pub fn of(config: &'a Config) -> BrandView<'a> {
        let b: &'a Brand = &config.brand;
        let url_label = match (&b.logo_alt, &b.url) {
            (Some(alt), _) => alt.clone(),
            (None, Some(url)) => url::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| url.clone()),
            _ => String::new(),
        };
        BrandView {
            logo: b.logo.as_deref().map(href),
            logo_dark: b.logo_dark.as_deref().map(href),
            logo_alt: b.logo_alt.as_deref().unwrap_or_default(),
            url: b.url.as_deref(),
            url_label,
            favicon: b.favicon.as_deref().map(|f| {
                let kind = mime_guess::from_path(f)
                    .first()
                    .map_or_else(|| "image/png".to_string(), |m| m.essence_str().to_string());
                (href(f), kind)
            }),
            footer_html: b.footer_html.as_deref(),
            notice_html: config.notice_html.as_deref(),
            css: b.accent.is_some(),
            custom_css: b.custom_css,
        }
    }
}

/// A path of the output, each segment percent-encoded where an address needs it.
fn href(path: &str) -> String {
    path.split('/')
        .map(|segment| utf8_percent_encode(segment, PATH).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// `assets/brand.css`, when the site sets an accent colour: the theme's custom properties
/// for links (`--link`) and the accent (`--accent`), in each colour scheme.
pub fn stylesheet(config: &Config) -> Option<OutputFile> {
    let accent = config.brand.accent.as_ref()?;
    let css = format!(
        "/* The accent colour of site.yaml (brand.accent, brand.accent_dark), written by vigie. */\n\
         :root {{ --accent: {light}; --link: {light}; }}\n\
         @media (prefers-color-scheme: dark) {{\n  :root {{ --accent: {dark}; --link: {dark}; }}\n}}\n",
        light = accent.light.hex(),
        dark = accent.dark.hex()
    );
    Some(OutputFile::new(BRAND_CSS, css.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded_segment_by_segment() {
        assert_eq!(href("img/logo.svg"), "img/logo.svg");
        assert_eq!(href("mon logo#1.png"), "mon%20logo%231.png");
        assert_eq!(href("é/a%b.png"), "%C3%A9/a%25b.png");
    }
}
