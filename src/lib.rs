//! vigie: a static status-page and incident announcement generator.
//!
//! A site is a `site.yaml` and Markdown incident files; `vigie build` turns it into a
//! static site. The work is done in four stages, each a module:
//!
//! 1. [`content`] loads the site into a [`model::Site`];
//! 2. [`status`] derives what it means at a moment `now`;
//! 3. [`render`] produces every output file in memory;
//! 4. [`output`] writes them, atomically.

pub mod config;
pub mod content;
pub mod error;
pub mod i18n;
pub mod model;
pub mod status;
pub mod yaml;
