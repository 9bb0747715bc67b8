//! `brand` and `notice` in site.yaml: the hoster's logo, link, accent colour, favicon and
//! footer, and the site-wide notice; each checked (files under `static/`, colours with
//! enough contrast against the theme's backgrounds, Markdown without headings).

use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::error::Diagnostic;
use crate::load::markdown;
use crate::load::text::{self, Lines};
use crate::load::yaml::{At, Source};
use crate::model::config::{Accent, Brand, Rgb};
use crate::model::Written;

/// The keys of `brand`.
pub const BRAND_KEYS: &[&str] = &[
    "logo",
    "logo_dark",
    "logo_alt",
    "url",
    "accent",
    "accent_dark",
    "favicon",
    "footer",
];

/// The backgrounds the accent colour is shown on in the light colour scheme: the theme's
/// `--bg` and `--card` (a test holds them to `themes/default/static/style.css`).
pub const LIGHT_BACKGROUNDS: [Rgb; 2] = [Rgb(0xff, 0xff, 0xff), Rgb(0xf5, 0xf7, 0xf9)];

/// The same in the dark colour scheme.
pub const DARK_BACKGROUNDS: [Rgb; 2] = [Rgb(0x14, 0x17, 0x1b), Rgb(0x1d, 0x22, 0x28)];

/// The contrast WCAG 2 level AA asks of text: 4.5:1.
pub const AA: f64 = 4.5;

/// The formats a logo may have, by file extension.
const LOGO_FORMATS: &[&str] = &["svg", "png", "jpg", "jpeg", "gif", "webp", "avif"];

/// The formats a favicon may have.
const FAVICON_FORMATS: &[&str] = &["svg", "png", "ico", "gif"];

/// `brand` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBrand {
    #[serde(default)]
    logo: Option<At<String>>,
    #[serde(default)]
    logo_dark: Option<At<String>>,
    #[serde(default)]
    logo_alt: Option<At<String>>,
    #[serde(default)]
    url: Option<At<String>>,
    #[serde(default, deserialize_with = "given")]
    accent: Option<At<Option<String>>>,
    #[serde(default, deserialize_with = "given")]
    accent_dark: Option<At<Option<String>>>,
    #[serde(default)]
    favicon: Option<At<String>>,
    #[serde(default)]
    footer: Option<At<String>>,
}

/// A key that is written, even blank: `accent: #0b5cad` without quotes is a key whose
/// value YAML reads as a comment, which must not pass for no accent at all.
fn given<'de, D, T>(deserializer: D) -> Result<Option<At<Option<T>>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    At::<Option<T>>::deserialize(deserializer).map(Some)
}

/// `brand`, checked; `root` is the site's folder, where the files it names must be (not
/// looked at when `None`).
pub fn brand(
    src: &Source,
    raw: RawBrand,
    root: Option<&Path>,
    errors: &mut Vec<Diagnostic>,
) -> Brand {
    let logo = raw
        .logo
        .as_ref()
        .and_then(|l| static_file(src, "brand.logo", l, LOGO_FORMATS, root, errors));
    let logo_dark = raw
        .logo_dark
        .as_ref()
        .and_then(|l| static_file(src, "brand.logo_dark", l, LOGO_FORMATS, root, errors));
    let favicon = raw
        .favicon
        .as_ref()
        .and_then(|f| static_file(src, "brand.favicon", f, FAVICON_FORMATS, root, errors));
    let logo_alt = raw.logo_alt.as_ref().and_then(|alt| {
        text::check(src, "logo_alt", alt, &alt.value, Lines::One, errors);
        let alt = alt.value.trim();
        (!alt.is_empty()).then(|| alt.to_string())
    });
    if let Some(l) = &raw.logo {
        if logo_alt.is_none() {
            errors.push(src.error(
                l.pos,
                "`brand.logo` has no text alternative",
                Some("add `logo_alt:` with what the logo says, usually the company's name, e.g. `logo_alt: FranceServ`: screen readers read it, and browsers show it when the image cannot load".to_string()),
            ));
        }
    }
    if let (Some(d), None) = (&raw.logo_dark, &raw.logo) {
        errors.push(
            src.error(
                d.pos,
                "`brand.logo_dark` is given without `brand.logo`",
                Some(
                    "`logo_dark` replaces `logo` in the dark colour scheme: give `logo` too"
                        .to_string(),
                ),
            ),
        );
    }
    if let (Some(alt), None, None) = (&raw.logo_alt, &raw.logo, &raw.url) {
        errors.push(src.error(
            alt.pos,
            "`brand.logo_alt` names a logo or a link, and `brand` has neither",
            Some("add `logo:` (a file under static/) or `url:` (the company's own site), or remove `logo_alt`".to_string()),
        ));
    }
    let url = raw.url.as_ref().and_then(|u| company_url(src, u, errors));
    let accent = accent(src, raw.accent.as_ref(), raw.accent_dark.as_ref(), errors);
    let footer_html = raw
        .footer
        .as_ref()
        .and_then(|f| short_markdown(src, "brand.footer", f, "footer-", errors));
    Brand {
        logo,
        logo_dark,
        logo_alt,
        url,
        accent,
        favicon,
        footer_html,
        custom_css: false,
    }
}

/// `notice`: a short Markdown text shown at the top of every page, as safe HTML.
pub fn notice(src: &Source, raw: &At<String>, errors: &mut Vec<Diagnostic>) -> Option<String> {
    short_markdown(src, "notice", raw, "notice-", errors)
}

/// The path in the output of a file named under `static/` (`static/img/logo.svg` →
/// `img/logo.svg`): a plain relative path, one of `formats`, and a file that is there.
fn static_file(
    src: &Source,
    key: &str,
    value: &At<String>,
    formats: &[&str],
    root: Option<&Path>,
    errors: &mut Vec<Diagnostic>,
) -> Option<String> {
    let path = value.value.trim();
    let inside = path.strip_prefix("static/").filter(|rest| {
        !rest.is_empty()
            && !rest.contains('\\')
            && rest
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..")
    });
    let Some(rest) = inside else {
        errors.push(src.error(
            value.pos,
            format!("`{key}` must be a file under `static/`, not `{path}`"),
            Some("put the file in the site's `static/` folder and write its path from the site's folder, e.g. `static/logo.svg`".to_string()),
        ));
        return None;
    };
    if rest.split('/').any(|part| part.starts_with('.')) {
        errors.push(src.error(
            value.pos,
            format!("`{key}` names a hidden file, `{path}`, which is not published"),
            Some("files and folders under static/ whose name starts with `.` are left out of the site: rename it".to_string()),
        ));
        return None;
    }
    let extension = rest
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !formats.contains(&extension.as_str()) {
        errors.push(src.error(
            value.pos,
            format!("`{key}` must be an image in one of the formats {}, not `{path}`", formats.join(", ")),
            Some("browsers show these formats; convert the file, and name it with its format's extension".to_string()),
        ));
        return None;
    }
    if let Some(root) = root {
        if !root.join(path).is_file() {
            errors.push(src.error(
                value.pos,
                format!("`{key}`: there is no file `{path}`"),
                Some(format!(
                    "files under static/ are published as they are; put the file at `{path}` in the site's folder, or correct the path"
                )),
            ));
            return None;
        }
    }
    Some(rest.to_string())
}

/// `brand.url`: an absolute http(s) URL.
fn company_url(src: &Source, value: &At<String>, errors: &mut Vec<Diagnostic>) -> Option<String> {
    let url = value.value.trim();
    let parsed = url::Url::parse(url).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str().is_some_and(|h| !h.is_empty())
            && !url.contains(char::is_whitespace)
    });
    match parsed {
        Some(u) => Some(u.to_string()),
        None => {
            errors.push(src.error(
                value.pos,
                format!("`brand.url` must be an absolute http(s) URL, not `{url}`"),
                Some("write the address of the company's own site, e.g. `https://www.example.fr/`".to_string()),
            ));
            None
        }
    }
}

/// `accent` and `accent_dark`, each with enough contrast in its colour scheme; without
/// `accent_dark`, a lighter shade of `accent` when `accent` has too little on dark.
fn accent(
    src: &Source,
    light: Option<&At<Option<String>>>,
    dark: Option<&At<Option<String>>>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Accent> {
    let light_at = light?;
    let light = colour(src, "brand.accent", light_at, errors)?;
    let dark_given = match dark {
        Some(d) => Some(colour(src, "brand.accent_dark", d, errors)?),
        None => None,
    };
    let mut fine = true;
    let (ratio, against) = contrast_against(light, &LIGHT_BACKGROUNDS);
    if ratio < AA {
        fine = false;
        let better = shade_passing(light, Rgb(0, 0, 0), &LIGHT_BACKGROUNDS);
        errors.push(src.error(
            light_at.pos,
            format!(
                "`brand.accent` {} has a contrast of {}:1 against the theme's light background {}: WCAG AA needs 4.5:1",
                light.hex(),
                ratio_text(ratio),
                against.hex()
            ),
            Some(format!(
                "links and the header are written in this colour, and too light a colour is hard to read: choose a darker one, e.g. `accent: \"{}\"` ({}:1)",
                better.hex(),
                ratio_text(contrast_against(better, &LIGHT_BACKGROUNDS).0)
            )),
        ));
    }
    let (dark, derived_at) = match (dark_given, dark) {
        (Some(colour), Some(at)) => {
            let (ratio, against) = contrast_against(colour, &DARK_BACKGROUNDS);
            if ratio < AA {
                fine = false;
                let better = shade_passing(colour, Rgb(0xff, 0xff, 0xff), &DARK_BACKGROUNDS);
                errors.push(src.error(
                    at.pos,
                    format!(
                        "`brand.accent_dark` {} has a contrast of {}:1 against the theme's dark background {}: WCAG AA needs 4.5:1",
                        colour.hex(),
                        ratio_text(ratio),
                        against.hex()
                    ),
                    Some(format!(
                        "in the dark colour scheme, links and the header are written in this colour: choose a lighter one, e.g. `accent_dark: \"{}\"` ({}:1)",
                        better.hex(),
                        ratio_text(contrast_against(better, &DARK_BACKGROUNDS).0)
                    )),
                ));
            }
            (colour, None)
        }
        _ if contrast_against(light, &DARK_BACKGROUNDS).0 >= AA => (light, None),
        _ => {
            let derived = shade_passing(light, Rgb(0xff, 0xff, 0xff), &DARK_BACKGROUNDS);
            let d = src.error(light_at.pos, "", None);
            let at = Written {
                span: d.span,
                line: d.source_line.unwrap_or_default(),
            };
            (derived, Some(at))
        }
    };
    fine.then_some(Accent {
        light,
        dark,
        derived_at,
    })
}

/// A colour written `#rgb` or `#rrggbb`.
fn colour(
    src: &Source,
    key: &str,
    value: &At<Option<String>>,
    errors: &mut Vec<Diagnostic>,
) -> Option<Rgb> {
    let Some(text) = value.value.as_deref().map(str::trim) else {
        errors.push(src.error(
            value.pos,
            format!("`{key}` is empty"),
            Some(format!(
                "write the colour in quotes, e.g. `{}: \"#0b5cad\"`: without them, YAML reads what follows `#` as a comment",
                key.trim_start_matches("brand.")
            )),
        ));
        return None;
    };
    let parsed = parse_colour(text);
    if parsed.is_none() {
        errors.push(src.error(
            value.pos,
            format!("`{key}` must be a colour written `#rgb` or `#rrggbb`, not `{text}`"),
            Some(format!(
                "write its hexadecimal code in quotes, e.g. `{}: \"#0b5cad\"`",
                key.trim_start_matches("brand.")
            )),
        ));
    }
    parsed
}

/// `#rgb` or `#rrggbb`, in either case.
pub fn parse_colour(text: &str) -> Option<Rgb> {
    let hex = text.strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize, len: usize| u8::from_str_radix(&hex[i..i + len], 16).ok();
    match hex.len() {
        3 => Some(Rgb(digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
        6 => Some(Rgb(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
        _ => None,
    }
}

/// The relative luminance of WCAG 2.
fn luminance(c: Rgb) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
}

/// The contrast ratio of WCAG 2 between two colours, from 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The lowest contrast of `c` against `backgrounds`, with the background that gives it.
pub fn contrast_against(c: Rgb, backgrounds: &[Rgb]) -> (f64, Rgb) {
    backgrounds
        .iter()
        .map(|&b| (contrast(c, b), b))
        .fold(
            (f64::INFINITY, c),
            |low, x| if x.0 < low.0 { x } else { low },
        )
}

/// `c` mixed with `toward` (black or white) by the smallest step of 1 % that gives a
/// contrast of at least 4.5:1 against every one of `backgrounds`.
pub fn shade_passing(c: Rgb, toward: Rgb, backgrounds: &[Rgb]) -> Rgb {
    let mix =
        |a: u8, b: u8, t: f64| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    (0..=100)
        .map(|step| {
            let t = f64::from(step) / 100.0;
            Rgb(
                mix(c.0, toward.0, t),
                mix(c.1, toward.1, t),
                mix(c.2, toward.2, t),
            )
        })
        .find(|&shade| contrast_against(shade, backgrounds).0 >= AA)
        .unwrap_or(toward)
}

/// A ratio as messages write it: two decimals, rounded down, so that a colour just short
/// of 4.5 never reads "4.50".
pub fn ratio_text(ratio: f64) -> String {
    format!("{:.2}", (ratio * 100.0).floor() / 100.0)
}

/// A short Markdown text (`key`), as safe HTML; `None` when blank. Headings are refused:
/// the text sits inside a page whose headings it would break.
fn short_markdown(
    src: &Source,
    key: &str,
    value: &At<String>,
    prefix: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<String> {
    let name = key.rsplit('.').next().unwrap_or(key);
    text::check(src, name, value, &value.value, Lines::Many, errors);
    let text = value.value.trim();
    if text.is_empty() {
        return None;
    }
    let heading = pulldown_cmark::Parser::new_ext(text, markdown::options()).any(|e| {
        matches!(
            e,
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Heading { .. })
        )
    });
    if heading {
        errors.push(src.error(
            value.pos,
            format!("`{key}` holds a heading"),
            Some("it is a short text shown on every page: write it without `#` titles (or `===`/`---` underlines)".to_string()),
        ));
        return None;
    }
    Some(markdown::to_html(text, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_read_in_both_lengths_and_cases() {
        assert_eq!(parse_colour("#0b5cad"), Some(Rgb(0x0b, 0x5c, 0xad)));
        assert_eq!(parse_colour("#0B5CAD"), Some(Rgb(0x0b, 0x5c, 0xad)));
        assert_eq!(parse_colour("#fa0"), Some(Rgb(0xff, 0xaa, 0x00)));
        for bad in [
            "0b5cad", "#0b5ca", "#0b5cadd", "#ggg", "blue", "#", "#+1f", "#éé",
        ] {
            assert_eq!(parse_colour(bad), None, "{bad}");
        }
    }

    #[test]
    fn contrast_ratios_are_those_of_wcag() {
        let white = Rgb(255, 255, 255);
        assert!((contrast(Rgb(0, 0, 0), white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // #777777 on white is the classic near miss: 4.48:1.
        assert_eq!(ratio_text(contrast(Rgb(0x77, 0x77, 0x77), white)), "4.47");
        assert_eq!(ratio_text(contrast(Rgb(0x76, 0x76, 0x76), white)), "4.54");
        assert_eq!(contrast(Rgb(1, 2, 3), white), contrast(white, Rgb(1, 2, 3)));
    }

    #[test]
    fn a_shade_that_passes_is_the_nearest_one() {
        let accent = Rgb(0x0b, 0x5c, 0xad);
        let dark = shade_passing(accent, Rgb(255, 255, 255), &DARK_BACKGROUNDS);
        assert!(contrast_against(dark, &DARK_BACKGROUNDS).0 >= AA);
        let mix = |t: f64| {
            let m = |a: u8| (f64::from(a) + (255.0 - f64::from(a)) * t).round() as u8;
            Rgb(m(accent.0), m(accent.1), m(accent.2))
        };
        // One step less light does not pass.
        let step = (0..=100)
            .find(|&s| mix(f64::from(s) / 100.0) == dark)
            .unwrap();
        assert!(contrast_against(mix(f64::from(step - 1) / 100.0), &DARK_BACKGROUNDS).0 < AA);
        // A colour that passes already is kept.
        assert_eq!(
            shade_passing(accent, Rgb(0, 0, 0), &LIGHT_BACKGROUNDS),
            accent
        );
    }

    #[test]
    fn the_backgrounds_are_the_themes() {
        let css = include_str!("../../../themes/default/static/style.css");
        let (light, dark) = css.split_once("prefers-color-scheme: dark").unwrap();
        for (part, colours) in [(light, LIGHT_BACKGROUNDS), (dark, DARK_BACKGROUNDS)] {
            let [bg, card] = colours;
            assert!(
                part.contains(&format!("--bg: {};", bg.hex())),
                "{}",
                bg.hex()
            );
            assert!(
                part.contains(&format!("--card: {};", card.hex())),
                "{}",
                card.hex()
            );
        }
    }
}
