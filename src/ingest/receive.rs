//! `vigie receive`'s HTTP endpoint: `POST /alertmanager`, `/uptime-kuma` and `/json`, each
//! body applied as `vigie ingest` applies it. Requests are answered one at a time, so that
//! two alerts never write the site at once; each needs the bearer token (401 without),
//! a body of at most [`MAX_BODY`] bytes (413) of its format (400).

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tiny_http::{Header, Method, Request, Response, Server};

use super::{ingest, Failure, Format, MAX_BODY};
use crate::error::Error;

/// A listening endpoint.
pub struct Endpoint {
    server: Server,
    token: String,
}

impl Endpoint {
    /// Listens on `addr` for requests carrying `token`.
    pub fn listen(addr: SocketAddr, token: String) -> Result<Endpoint, Error> {
        let server = Server::http(addr)
            .map_err(|e| Error::Refused(format!("cannot listen on {addr}: {e}")))?;
        Ok(Endpoint { server, token })
    }

    /// The address it listens on.
    pub fn addr(&self) -> Option<SocketAddr> {
        self.server.server_addr().to_ip()
    }

    /// Answers requests one after the other, for the site at `root`, until the server
    /// stops; `changed` is called with the file after each change; `now` gives the time of
    /// each request.
    pub fn run(
        &self,
        root: &Path,
        now: &dyn Fn() -> Result<chrono::DateTime<chrono::Utc>, Error>,
        changed: &mut dyn FnMut(&Path),
    ) {
        for mut request in self.server.incoming_requests() {
            let parts = read_parts(&mut request, &self.token);
            let (status, text, file) = self.answer_of(root, now, parts);
            let (method, url) = (request.method().to_string(), request.url().to_string());
            let mut response = Response::from_string(format!("{text}\n")).with_status_code(status);
            if let Ok(h) = Header::from_bytes("Content-Type", "text/plain; charset=utf-8") {
                response.add_header(h);
            }
            if status == 401 {
                if let Ok(h) = Header::from_bytes("WWW-Authenticate", "Bearer realm=\"vigie\"") {
                    response.add_header(h);
                }
            }
            println!("{method} {url} {status}: {}", text.replace('\n', "; "));
            if let Err(e) = request.respond(response) {
                eprintln!("warning: could not answer {method} {url}: {e}");
            }
            if let Some(file) = file {
                changed(&file);
            }
        }
    }

    fn answer_of(
        &self,
        root: &Path,
        now: &dyn Fn() -> Result<chrono::DateTime<chrono::Utc>, Error>,
        parts: Parts,
    ) -> (u16, String, Option<PathBuf>) {
        if !parts.authorized(&self.token) {
            return (
                401,
                "a bearer token is required: `Authorization: Bearer <token>`".to_string(),
                None,
            );
        }
        let Some(format) = parts.path.strip_prefix('/').and_then(Format::from_keyword) else {
            return (
                404,
                format!(
                    "no such endpoint `{}`; POST to /alertmanager, /uptime-kuma or /json",
                    parts.path
                ),
                None,
            );
        };
        if parts.method != Method::Post {
            return (405, format!("{} takes POST only", parts.path), None);
        }
        let body = match parts.body {
            Body::Read(b) => b,
            Body::TooLarge => {
                return (
                    413,
                    format!("the body is larger than {MAX_BODY} bytes"),
                    None,
                )
            }
            Body::Failed(e) => return (400, format!("the body could not be read: {e}"), None),
        };
        let now = match now() {
            Ok(now) => now,
            Err(e) => return (500, e.to_string(), None),
        };
        match ingest(root, format, &body, now) {
            Ok(done) => {
                let mut text = done.outcome.to_string();
                for note in &done.notes {
                    text.push_str(&format!("\nnote: {note}"));
                }
                (200, text, done.outcome.changed().map(Path::to_path_buf))
            }
            Err(Failure::Malformed(m)) => (400, m.0, None),
            Err(Failure::Site(e)) => (500, e.to_string(), None),
        }
    }
}

/// What the answer depends on, read from the request.
struct Parts {
    method: Method,
    path: String,
    authorization: Option<String>,
    body: Body,
}

enum Body {
    Read(Vec<u8>),
    TooLarge,
    Failed(std::io::Error),
}

impl Parts {
    /// Whether the request carries `Bearer <token>`, compared in constant time (digests of
    /// equal length, every byte looked at).
    fn authorized(&self, token: &str) -> bool {
        // The scheme's name is case-insensitive (RFC 9110).
        let given = self
            .authorization
            .as_deref()
            .and_then(|a| a.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token)
            .unwrap_or_default();
        let (a, b) = (Sha256::digest(given.trim()), Sha256::digest(token));
        let diff = a.iter().zip(b.iter()).fold(0u8, |d, (x, y)| d | (x ^ y));
        !given.is_empty() && diff == 0
    }
}

/// The parts of `request`; its body read, up to the limit, only when the token is right.
fn read_parts(request: &mut Request, token: &str) -> Parts {
    let authorization = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .map(|h| h.value.as_str().to_string());
    let mut parts = Parts {
        method: request.method().clone(),
        path: request
            .url()
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string(),
        authorization,
        body: Body::Read(Vec::new()),
    };
    if !parts.authorized(token) {
        return parts;
    }
    parts.body = if request.body_length().is_some_and(|n| n > MAX_BODY) {
        Body::TooLarge
    } else {
        let mut body = Vec::new();
        match request
            .as_reader()
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut body)
        {
            Ok(_) if body.len() > MAX_BODY => Body::TooLarge,
            Ok(_) => Body::Read(body),
            Err(e) => Body::Failed(e),
        }
    };
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(authorization: Option<&str>) -> Parts {
        Parts {
            method: Method::Post,
            path: "/json".into(),
            authorization: authorization.map(str::to_string),
            body: Body::Read(Vec::new()),
        }
    }

    #[test]
    fn only_the_bearer_token_itself_is_let_in() {
        assert!(parts(Some("Bearer t0ken")).authorized("t0ken"));
        assert!(parts(Some("bearer  t0ken ")).authorized("t0ken"));
        for refused in [
            None,
            Some("t0ken"),
            Some("Basic t0ken"),
            Some("Bearer t0ke"),
            Some("Bearer "),
            Some("Bearer t0kenx"),
        ] {
            assert!(!parts(refused).authorized("t0ken"), "{refused:?}");
        }
    }
}
