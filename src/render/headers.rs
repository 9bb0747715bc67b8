//! The site's security and cross-origin policy: the Content-Security-Policy every page
//! carries in a `<meta http-equiv>` ([`META_POLICY`]), and `_headers`, the file Netlify and
//! Cloudflare Pages read to send HTTP headers: the same policy with `frame-ancestors`
//! (which only a header can carry), and `Access-Control-Allow-Origin: *` on what other
//! sites read (the JSON under `api/`, `embed.js`). `docs/embed.md` gives the same lines
//! for nginx and Apache.

use crate::render::OutputFile;

/// The policy of every page, as the `<meta>` carries it: scripts, styles, fonts and
/// requests only from the site itself, no inline script or `<style>`, no plugin; images
/// also over https (a post's Markdown may show one) and as `data:` URLs. Style attributes
/// are allowed (`style-src-attr`), for the two the pages hold: the alignment of a Markdown
/// table's columns (`style="text-align:right"`), the only style the sanitizer lets through,
/// and the gradient of a folded group's component on the front page
/// ([`crate::render::views::StripView`]), made of classes and numbers only.
pub const META_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
style-src-attr 'unsafe-inline'; img-src 'self' https: data:; font-src 'self'; \
connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

/// The policy of a page that other sites may not frame (every page but `embed/`).
pub fn framed_by_none() -> String {
    format!("{META_POLICY}; frame-ancestors 'none'")
}

/// The path `_headers` has in the output.
pub const PATH: &str = "_headers";

/// `_headers` for the output whose files are `paths`: the policy on every page, with
/// `frame-ancestors 'none'` everywhere but under `embed/` (rules by top-level folder and
/// root page, since Netlify and Cloudflare Pages both apply every rule that matches a path,
/// and one `/*` rule would forbid framing `embed/` too), and the cross-origin reads.
pub fn file<'p>(paths: impl Iterator<Item = &'p str>) -> OutputFile {
    // The pages at the root, and the folders that hold pages (each once, though ten
    // thousand pages are in `incidents/`).
    let mut root_pages: Vec<&str> = Vec::new();
    let mut folder_names: Vec<&str> = Vec::new();
    for p in paths.filter(|p| p.ends_with(".html")) {
        match p.split_once('/') {
            Some(("embed", _)) => {}
            Some((folder, _)) => {
                if folder_names.last() != Some(&folder) {
                    folder_names.push(folder);
                }
            }
            None => root_pages.push(p),
        }
    }
    let mut roots: Vec<String> = Vec::new();
    for p in root_pages {
        if p == "index.html" {
            roots.extend(["/".to_string(), "/index.html".into()]);
        } else {
            roots.push(format!("/{p}"));
        }
    }
    roots.sort_unstable();
    roots.dedup();
    folder_names.sort_unstable();
    folder_names.dedup();
    let mut folders: Vec<String> = folder_names.iter().map(|f| format!("/{f}/*")).collect();
    // In the order of the rules, which is not quite that of the names (`/a-b/*` < `/a/*`).
    folders.sort_unstable();
    let framed_by_none = framed_by_none();
    let mut text = String::from(
        "# Written by vigie: the HTTP headers of the site, for Netlify and Cloudflare Pages.\n\
         # docs/embed.md gives the same for nginx and Apache.\n\
         /*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n\
         /api/*\n  Access-Control-Allow-Origin: *\n\
         /embed.js\n  Access-Control-Allow-Origin: *\n",
    );
    for rule in roots.iter().chain(&folders) {
        text.push_str(&format!(
            "{rule}\n  Content-Security-Policy: {framed_by_none}\n  X-Frame-Options: DENY\n"
        ));
    }
    text.push_str(&format!(
        "/embed/*\n  Content-Security-Policy: {META_POLICY}; frame-ancestors *\n"
    ));
    OutputFile::new(PATH, text.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(paths: &[&str]) -> String {
        String::from_utf8(file(paths.iter().copied()).bytes).unwrap()
    }

    #[test]
    fn every_folder_of_pages_but_embed_is_framed_by_none() {
        let t = text(&[
            "index.html",
            "404.html",
            "incidents/a/index.html",
            "incidents/b/index.html",
            "embed/index.html",
            "api/v2/summary.json",
            "assets/style.css",
        ]);
        for rule in ["/\n", "/index.html\n", "/404.html\n", "/incidents/*\n"] {
            let at = t
                .find(&format!("\n{rule}"))
                .unwrap_or_else(|| panic!("{rule} in {t}"));
            assert!(t[at..]
                .lines()
                .nth(2)
                .unwrap()
                .contains("frame-ancestors 'none'"));
        }
        assert_eq!(t.matches("/incidents/*").count(), 1);
        assert!(!t.contains("/assets/*"));
        assert!(t.contains("/embed/*\n  Content-Security-Policy: default-src 'self';"));
        assert!(t.contains("frame-ancestors *\n"));
        assert!(t.contains("/api/*\n  Access-Control-Allow-Origin: *\n"));
    }

    #[test]
    fn the_meta_policy_leaves_out_what_only_a_header_can_carry() {
        assert!(!META_POLICY.contains("frame-ancestors"));
        assert!(META_POLICY.contains("script-src 'self';"));
        assert!(META_POLICY.contains("object-src 'none'"));
        assert!(!META_POLICY.contains("unsafe-eval"));
    }
}
