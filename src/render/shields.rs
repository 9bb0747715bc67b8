//! The shields.io endpoint badges: `api/shields.json` for the site and
//! `api/shields/<component>.json` for each component, in the format shields.io's endpoint
//! badge reads (`https://img.shields.io/endpoint?url=…`): `schemaVersion` 1, `label`,
//! `message`, `color`, with the words and colours of `badge.svg`.

use serde::Serialize;

use crate::derive::StatusModel;
use crate::error::Error;
use crate::model::Status;
use crate::render::badge::colour;
use crate::render::OutputFile;

/// How long shields.io may keep a badge, in seconds: its own minimum for endpoint badges.
pub const CACHE_SECONDS: u32 = 300;

/// One endpoint badge.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint<'a> {
    pub schema_version: u8,
    pub label: &'a str,
    pub message: &'a str,
    /// The badge's colour, hexadecimal without `#`, as shields.io reads it.
    pub color: &'a str,
    pub cache_seconds: u32,
}

fn endpoint(
    path: String,
    label: &str,
    model: &StatusModel,
    s: Status,
) -> Result<OutputFile, Error> {
    let t = model.site.config.lang.strings();
    let badge = Endpoint {
        schema_version: 1,
        label,
        message: t.status(s),
        color: colour(s).trim_start_matches('#'),
        cache_seconds: CACHE_SECONDS,
    };
    let mut text =
        serde_json::to_string_pretty(&badge).map_err(|e| Error::Render(format!("{path}: {e}")))?;
    text.push('\n');
    Ok(OutputFile::new(path, text.into_bytes()))
}

/// `api/shields.json` and one `api/shields/<id>.json` per component.
pub fn all(model: &StatusModel) -> Result<Vec<OutputFile>, Error> {
    let cfg = &model.site.config;
    let t = cfg.lang.strings();
    let mut files = vec![endpoint(
        "api/shields.json".into(),
        t.status,
        model,
        model.overall,
    )?];
    for (k, c) in cfg.components.iter().enumerate() {
        files.push(endpoint(
            format!("api/shields/{}.json", c.id),
            &c.name,
            model,
            model.components[k].status,
        )?);
    }
    Ok(files)
}
