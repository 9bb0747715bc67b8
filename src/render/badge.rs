//! Status badges: `badge.svg` for the site and `components/<id>/badge.svg` for each
//! component, small SVG images to put in a README, an intranet page or a forum signature.
//!
//! A badge says its status in words (the site's language) as well as in colour, and
//! carries a `<title>`, `role="img"` and an `aria-label` for screen readers.

use crate::derive::StatusModel;
use crate::model::{Severity, Status};
use crate::render::escape::escape;
use crate::render::OutputFile;

/// Height of a badge, in pixels.
const HEIGHT: u32 = 20;
/// Space on each side of a text, in pixels.
const PADDING: u32 = 6;

/// The background colour of a status: the theme's colours, dark enough for white text.
pub fn colour(s: Status) -> &'static str {
    match s {
        Status::Operational | Status::Affected(Severity::Notice) => "#1a7345",
        Status::Affected(Severity::Maintenance) => "#2c5fa8",
        Status::Affected(Severity::Degraded) => "#8a5a00",
        Status::Affected(Severity::PartialOutage) => "#a84300",
        Status::Affected(Severity::MajorOutage) => "#b3261e",
    }
}

/// The width a text takes at 11 px in Verdana, estimated: narrow letters, wide capitals.
/// The text is then stretched or squeezed to exactly that width (`textLength`), so a wrong
/// guess only changes the spacing, never overflows the badge.
fn text_width(text: &str) -> u32 {
    let tenths: u32 = text
        .chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '\'' | '.' | ',' | ':' | ';' | '!' | '|' | ' ' => 35,
            'f' | 't' | 'r' | 'I' => 45,
            'm' | 'w' | 'M' | 'W' => 95,
            c if c.is_uppercase() => 75,
            _ => 65,
        })
        .sum();
    tenths.div_ceil(10)
}

/// The SVG of a badge reading `label | word` on the colour of `status`.
pub fn svg(label: &str, word: &str, status: Status) -> String {
    let (lw, ww) = (text_width(label), text_width(word));
    let (left, right) = (lw + 2 * PADDING, ww + 2 * PADDING);
    let total = left + right;
    let name = escape(&format!("{label}: {word}"));
    let (label, word) = (escape(label), escape(word));
    let colour = colour(status);
    let font = "Verdana,Geneva,DejaVu Sans,sans-serif";
    // Centres in tenths of a pixel, as the texts are scaled by 0.1 to get crisp hinting.
    let (lx, wx) = (left * 5, left * 10 + right * 5);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{HEIGHT}" viewBox="0 0 {total} {HEIGHT}" role="img" aria-label="{name}">
<title>{name}</title>
<clipPath id="r"><rect width="{total}" height="{HEIGHT}" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)">
<rect width="{left}" height="{HEIGHT}" fill="#555"/>
<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{colour}"/>
</g>
<g fill="#fff" text-anchor="middle" font-family="{font}" font-size="110" transform="scale(.1)">
<text x="{lx}" y="140" textLength="{lt}" lengthAdjust="spacingAndGlyphs">{label}</text>
<text x="{wx}" y="140" textLength="{wt}" lengthAdjust="spacingAndGlyphs">{word}</text>
</g>
</svg>
"##,
        lt = lw * 10,
        wt = ww * 10,
    )
}

/// `badge.svg` and one `components/<id>/badge.svg` per component.
pub fn all(model: &StatusModel) -> Vec<OutputFile> {
    let cfg = &model.site.config;
    let t = cfg.lang.strings();
    let mut files = vec![OutputFile::new(
        "badge.svg",
        svg(t.status, t.status(model.overall), model.overall),
    )];
    for (k, c) in cfg.components.iter().enumerate() {
        let s = model.components[k].status;
        files.push(OutputFile::new(
            format!("components/{}/badge.svg", c.id),
            svg(&c.name, t.status(s), s),
        ));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_names_its_status_for_screen_readers() {
        let s = svg(
            "Messagerie",
            "Panne majeure",
            Status::Affected(Severity::MajorOutage),
        );
        assert!(s.contains(r#"role="img""#));
        assert!(s.contains(r#"aria-label="Messagerie: Panne majeure""#));
        assert!(s.contains("<title>Messagerie: Panne majeure</title>"));
        assert!(s.contains("#b3261e"));
    }

    #[test]
    fn badge_text_is_escaped() {
        let s = svg("R&D <lab>", "OK", Status::Operational);
        assert!(s.contains("R&amp;D &lt;lab&gt;"));
        assert!(!s.contains("<lab>"));
    }

    #[test]
    fn longer_words_make_wider_badges() {
        let width = |s: &str| -> u32 {
            let w = s.split("width=\"").nth(1).unwrap();
            w[..w.find('"').unwrap()].parse().unwrap()
        };
        assert!(
            width(&svg("État", "Panne partielle", Status::Operational))
                > width(&svg("État", "OK", Status::Operational))
        );
    }
}
