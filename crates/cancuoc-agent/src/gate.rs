//! Who may use the endpoint, decided from the request's headers before anything else happens
//! (`docs/DESIGN.md` §3.5). Pure functions, so every refusal is tested without a socket.
//!
//! - `Host` must be `127.0.0.1:PORT` or `localhost:PORT`: a page on a rebinding DNS name that
//!   resolves to 127.0.0.1 is refused.
//! - A request with an `Origin` (a browser) needs that exact origin on the allow-list.
//! - A request without one (a desk program) needs `Authorization: Bearer TOKEN`.
//! - CORS answers name only the listed origin (`Vary: Origin`), never `*`.

use subtle::ConstantTimeEq;

use cancuoc_kit::error::{ApiError, Code};

/// The headers the gate looks at.
#[derive(Debug, Clone, Default)]
pub struct RequestHeaders {
    /// `Host`.
    pub host: Option<String>,
    /// `Origin`.
    pub origin: Option<String>,
    /// `Authorization`.
    pub authorization: Option<String>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Access-Control-Request-Private-Network` (older Chromes' preflight).
    pub private_network: bool,
}

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A page of this allow-listed origin.
    Page(String),
    /// A program on the desk holding the token.
    Program,
    /// A top-level navigation (no `Origin`, no token): only the navigate-and-return route
    /// admits it, and that one answers only to an allow-listed address.
    Navigation,
}

/// The allow-lists.
#[derive(Debug, Clone)]
pub struct Gate {
    port: u16,
    origins: Vec<String>,
    token: String,
}

impl Gate {
    /// A gate for the endpoint on `port`, letting in `origins` (normalised) and programs with
    /// `token`.
    pub fn new(port: u16, origins: Vec<String>, token: String) -> Self {
        Self { port, origins, token }
    }

    /// True when `origin` is on the allow-list.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }

    /// Checks `Host`, then `Origin` or the token.
    ///
    /// # Errors
    /// `forbidden`, saying which check failed.
    pub fn admit(&self, headers: &RequestHeaders) -> Result<Caller, ApiError> {
        self.check_host(headers.host.as_deref())?;
        if let Some(origin) = &headers.origin {
            return if self.allows_origin(origin) {
                Ok(Caller::Page(origin.clone()))
            } else {
                Err(ApiError::new(
                    Code::Forbidden,
                    format!("the origin {origin} is not allowed: add it with --allow-origin or to agent.origins"),
                ))
            };
        }
        match headers.authorization.as_deref().and_then(|a| a.strip_prefix("Bearer ")) {
            Some(token) if bool::from(token.trim().as_bytes().ct_eq(self.token.as_bytes())) => Ok(Caller::Program),
            Some(_) => Err(ApiError::new(Code::Forbidden, "the bearer token is wrong: use the one in agent.token")),
            None => Ok(Caller::Navigation),
        }
    }

    /// Checks a request from the endpoint's own confirmation page (the navigate-and-return
    /// flow's `POST /v1/checkin/confirm`): `Host` as for [`Gate::admit`], and an `Origin` that
    /// is the endpoint's own or none. What proves the clerk confirmed is the one-time ticket
    /// the page carries, which no other page can read.
    ///
    /// # Errors
    /// `forbidden` for another host or origin.
    pub fn admit_own_page(&self, headers: &RequestHeaders) -> Result<Caller, ApiError> {
        self.check_host(headers.host.as_deref())?;
        let port = self.port;
        match headers.origin.as_deref().map(str::to_ascii_lowercase) {
            None => Ok(Caller::Navigation),
            Some(origin)
                if origin == format!("http://127.0.0.1:{port}") || origin == format!("http://localhost:{port}") =>
            {
                Ok(Caller::Navigation)
            }
            Some(origin) => Err(ApiError::new(
                Code::Forbidden,
                format!("only the endpoint's own confirmation page may confirm a read (not {origin})"),
            )),
        }
    }

    fn check_host(&self, host: Option<&str>) -> Result<(), ApiError> {
        let host = host.unwrap_or("").to_ascii_lowercase();
        let port = self.port;
        if host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}") {
            Ok(())
        } else {
            Err(ApiError::new(
                Code::Forbidden,
                format!("the Host header must be 127.0.0.1:{port} or localhost:{port} (got {host:?})"),
            ))
        }
    }

    /// The answer to a CORS preflight (`OPTIONS`): its headers for a listed origin.
    ///
    /// # Errors
    /// `forbidden` for another origin or host, or without an `Origin`.
    pub fn preflight(&self, headers: &RequestHeaders) -> Result<Vec<(&'static str, String)>, ApiError> {
        let Caller::Page(origin) = self.admit(headers)? else {
            return Err(ApiError::new(Code::Forbidden, "a preflight needs an Origin"));
        };
        let mut out = cors_headers(&Caller::Page(origin));
        out.push(("Access-Control-Allow-Methods", "GET, POST, OPTIONS".to_owned()));
        out.push(("Access-Control-Allow-Headers", "Content-Type, Authorization".to_owned()));
        out.push(("Access-Control-Max-Age", "600".to_owned()));
        if headers.private_network {
            out.push(("Access-Control-Allow-Private-Network", "true".to_owned()));
        }
        Ok(out)
    }
}

/// The CORS headers of an answer to `caller`: the page's own origin, never `*`.
pub fn cors_headers(caller: &Caller) -> Vec<(&'static str, String)> {
    match caller {
        Caller::Page(origin) => vec![("Access-Control-Allow-Origin", origin.clone()), ("Vary", "Origin".to_owned())],
        Caller::Program | Caller::Navigation => vec![("Vary", "Origin".to_owned())],
    }
}

/// True for `application/json`, with or without parameters.
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type.and_then(|t| t.split(';').next()).is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    fn gate() -> Gate {
        Gate::new(47390, vec!["https://his.example.vn".to_owned()], TOKEN.to_owned())
    }

    fn headers(host: &str, origin: Option<&str>, authorization: Option<&str>) -> RequestHeaders {
        RequestHeaders {
            host: Some(host.to_owned()),
            origin: origin.map(str::to_owned),
            authorization: authorization.map(str::to_owned),
            ..RequestHeaders::default()
        }
    }

    #[test]
    fn listed_pages_and_token_holders_are_let_in() {
        let page = gate().admit(&headers("127.0.0.1:47390", Some("https://his.example.vn"), None));
        assert_eq!(page, Ok(Caller::Page("https://his.example.vn".to_owned())));
        let program = gate().admit(&headers("localhost:47390", None, Some(&format!("Bearer {TOKEN}"))));
        assert_eq!(program, Ok(Caller::Program));
        assert_eq!(gate().admit(&headers("LOCALHOST:47390", None, None)), Ok(Caller::Navigation));
    }

    #[test]
    fn other_hosts_origins_and_tokens_are_forbidden() {
        for h in [
            headers("evil.example:47390", Some("https://his.example.vn"), None),
            headers("127.0.0.1", Some("https://his.example.vn"), None),
            headers("127.0.0.1:47391", None, Some(&format!("Bearer {TOKEN}"))),
            headers("127.0.0.1:47390", Some("https://evil.example"), None),
            headers("127.0.0.1:47390", Some("https://his.example.vn.evil.example"), None),
            headers("127.0.0.1:47390", Some("http://his.example.vn"), None),
            headers("127.0.0.1:47390", Some("null"), None),
            // A listed token does not make an unlisted origin acceptable.
            headers("127.0.0.1:47390", Some("https://evil.example"), Some(&format!("Bearer {TOKEN}"))),
            headers("127.0.0.1:47390", None, Some("Bearer wrong")),
            headers("127.0.0.1:47390", None, Some(&format!("Bearer {}", &TOKEN[1..]))),
        ] {
            let refused = gate().admit(&h).unwrap_err();
            assert_eq!(refused.code, Code::Forbidden, "{h:?}");
        }
        let no_host = RequestHeaders { host: None, ..RequestHeaders::default() };
        assert_eq!(gate().admit(&no_host).unwrap_err().code, Code::Forbidden);
    }

    #[test]
    fn preflights_answer_only_listed_origins_and_never_a_wildcard() {
        let mut h = headers("127.0.0.1:47390", Some("https://his.example.vn"), None);
        h.private_network = true;
        let answer = gate().preflight(&h).unwrap();
        assert!(answer.contains(&("Access-Control-Allow-Origin", "https://his.example.vn".to_owned())));
        assert!(answer.contains(&("Vary", "Origin".to_owned())));
        assert!(answer.contains(&("Access-Control-Allow-Private-Network", "true".to_owned())));
        assert!(answer.iter().all(|(_, v)| v != "*"));
        let evil = headers("127.0.0.1:47390", Some("https://evil.example"), None);
        assert_eq!(gate().preflight(&evil).unwrap_err().code, Code::Forbidden);
        let none = headers("127.0.0.1:47390", None, None);
        assert_eq!(gate().preflight(&none).unwrap_err().code, Code::Forbidden);
    }

    #[test]
    fn only_json_bodies_count_as_json() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("Application/JSON; charset=utf-8")));
        for t in [None, Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("multipart/form-data")] {
            assert!(!is_json(t), "{t:?}");
        }
    }
}
