//! The files a render produces: [`OutputFile`] (a path and its bytes) and [`Planned`] (an
//! incident page rendered only when its bytes are asked for), both [`Source`]s for the
//! write stage.

use std::borrow::Cow;
use std::sync::Arc;

use super::incident_page;
use super::views::ChromeParts;
use crate::derive::StatusModel;
use crate::error::Error;

/// A file to write: its path under the output (`/`-separated) and its bytes, which may be
/// made only when asked (and then asked for again if a comparison and a write both need
/// them).
pub trait Source: Sync {
    fn path(&self) -> &str;
    fn bytes(&self) -> Result<Cow<'_, [u8]>, Error>;
    /// The [`content_hash`] of the bytes, when it is known without making them.
    fn known_hash(&self) -> Option<u128> {
        None
    }
}

/// The hash of a file's bytes that the write stage records and compares (XXH3, 128 bits):
/// two files with the same hash are taken to hold the same bytes.
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

impl Source for OutputFile {
    fn path(&self) -> &str {
        &self.path
    }

    fn bytes(&self) -> Result<Cow<'_, [u8]>, Error> {
        Ok(Cow::Borrowed(&self.bytes))
    }
}

/// One file of the output: a path relative to the output root, `/`-separated, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// One file of the output as a render plans it: its bytes, or an incident page to render
/// when its bytes are asked for. `vigie build` writes from a plan ([`plan`]), so that each
/// incident page is rendered by the task that writes it and ten thousand of them are never
/// all in memory at once.
pub struct Planned<'m> {
    pub path: String,
    pub body: Body<'m>,
}

/// What a [`Planned`] file holds.
pub enum Body<'m> {
    Bytes(Vec<u8>),
    /// Bytes kept from an earlier render (`vigie watch`), with their [`content_hash`].
    Shared(Arc<[u8]>, u128),
    /// The page of `model.site.incidents[n]`, with the layout parts incident pages share.
    Incident(&'m StatusModel<'m>, usize, Arc<ChromeParts>),
}

impl<'m> Planned<'m> {
    pub(super) fn file(f: OutputFile) -> Planned<'m> {
        Planned {
            path: f.path,
            body: Body::Bytes(f.bytes),
        }
    }

    /// The file, rendered if it was not yet.
    pub fn into_file(self) -> Result<OutputFile, Error> {
        match self.body {
            Body::Bytes(bytes) => Ok(OutputFile {
                path: self.path,
                bytes,
            }),
            Body::Shared(bytes, _) => Ok(OutputFile {
                path: self.path,
                bytes: bytes.to_vec(),
            }),
            Body::Incident(model, n, parts) => incident_page(&self.path, model, n, &parts),
        }
    }
}

impl Source for Planned<'_> {
    fn path(&self) -> &str {
        &self.path
    }

    fn bytes(&self) -> Result<Cow<'_, [u8]>, Error> {
        match &self.body {
            Body::Bytes(bytes) => Ok(Cow::Borrowed(bytes)),
            Body::Shared(bytes, _) => Ok(Cow::Borrowed(bytes)),
            Body::Incident(model, n, parts) => {
                incident_page(&self.path, model, *n, parts).map(|f| Cow::Owned(f.bytes))
            }
        }
    }

    fn known_hash(&self) -> Option<u128> {
        match &self.body {
            Body::Shared(_, hash) => Some(*hash),
            _ => None,
        }
    }
}
