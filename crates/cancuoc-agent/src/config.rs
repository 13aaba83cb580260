//! Where the endpoint keeps its files, and the origins it lets in.
//!
//! The config folder is `$XDG_CONFIG_HOME/cancuoc/`, else `~/.config/cancuoc/`; on Windows
//! `%APPDATA%\cancuoc\`. It holds `agent.port` (the port the endpoint listens on, written at
//! each start, for programs to find it), `agent.token` (the bearer token of clients that send
//! no `Origin`, created on first start, readable by the user only) and `agent.origins` (the
//! web origins allowed to read, one per line, `#` for comments; set by the administrator).

use std::io::Write;
use std::path::{Path, PathBuf};

/// The default port: below Windows' dynamic range (49152) and clear of the known card agents
/// (24727, 8000, 5200, 3001, 9898, 37200; `docs/research/integration.md` §1).
pub const DEFAULT_PORT: u16 = 47390;

/// The config folder, or `None` when the environment names no home.
pub fn config_dir() -> Option<PathBuf> {
    if cfg!(windows) {
        return std::env::var_os("APPDATA").map(|d| PathBuf::from(d).join("cancuoc"));
    }
    let xdg = std::env::var_os("XDG_CONFIG_HOME").filter(|d| !d.is_empty()).map(PathBuf::from);
    xdg.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config"))).map(|d| d.join("cancuoc"))
}

/// The bearer token of `dir/agent.token`, and why an unsafe file was replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token.
    pub value: String,
    /// When the file was not safe to use and a new token was made: why (for a warning).
    pub replaced: Option<String>,
}

/// Why `path` cannot be trusted to hold the token, or `None` when it can: it must be a regular
/// file (not a symlink), on Unix owned by the owner of its folder and readable by nobody else
/// (mode 0600 or stricter), and hold a token of at least 32 characters that is not a short
/// pattern repeated.
fn token_file_problem(dir: &Path, path: &Path, token: &str) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() {
        return Some("it is not a regular file (a symbolic link?)".to_owned());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Some(format!("other users may read it (mode {mode:o}; it must be 600)"));
        }
        if std::fs::metadata(dir).is_ok_and(|d| d.uid() != meta.uid()) {
            return Some("it belongs to another user than its folder".to_owned());
        }
    }
    let _ = dir;
    if token.len() < 32 {
        return Some("it holds fewer than 32 characters".to_owned());
    }
    let bytes = token.as_bytes();
    let periodic = (1..=bytes.len() / 2).any(|p| bytes.iter().zip(bytes.iter().skip(p)).all(|(a, b)| a == b));
    if periodic {
        return Some("it is a short pattern repeated, which anyone can guess".to_owned());
    }
    None
}

/// The token in `dir/agent.token`, made (32 random bytes, hex) when absent — or when the file
/// is not safe ([`Token::replaced`] says why: a symlink, a file others may read or that another
/// user owns, a short or guessable token). On Unix the file is created with mode 0600; on
/// Windows the per-user `%APPDATA%` is already the user's only.
///
/// # Errors
/// When the folder or the file cannot be read or written, or the system has no randomness.
pub fn load_or_create_token(dir: &Path) -> std::io::Result<Token> {
    let path = dir.join("agent.token");
    let mut replaced = None;
    if std::fs::symlink_metadata(&path).is_ok() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let token = text.trim().to_owned();
        match token_file_problem(dir, &path, &token) {
            None => return Ok(Token { value: token, replaced: None }),
            Some(why) => replaced = Some(format!("{} was not used: {why}; a new token was made", path.display())),
        }
    }
    std::fs::create_dir_all(dir)?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(format!("no randomness for the token: {e}")))?;
    let token = hex::encode(bytes);
    let _ = std::fs::remove_file(&path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(&path)?.write_all(token.as_bytes())?;
    Ok(Token { value: token, replaced })
}

/// Writes `dir/agent.port`.
///
/// # Errors
/// When the folder or the file cannot be written.
pub fn write_port(dir: &Path, port: u16) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("agent.port"), format!("{port}\n"))
}

/// The origins of `dir/agent.origins`; none when the file is absent.
///
/// # Errors
/// A line that is not an origin, with its number.
pub fn read_origins_file(dir: &Path) -> Result<Vec<String>, String> {
    let Ok(text) = std::fs::read_to_string(dir.join("agent.origins")) else { return Ok(Vec::new()) };
    let mut origins = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if !line.is_empty() {
            origins.push(normalize_origin(line).map_err(|e| format!("agent.origins line {}: {e}", n + 1))?);
        }
    }
    Ok(origins)
}

/// An origin as browsers send it (RFC 6454 §6.1): `scheme://host[:port]`, lower case, the
/// default port left out. Only `http` and `https`; no path, query, user or wildcard.
///
/// # Errors
/// What is wrong with `text`.
pub fn normalize_origin(text: &str) -> Result<String, String> {
    let text = text.trim().trim_end_matches('/');
    let bad = |why: &str| Err(format!("{text:?} is not an origin like https://his.example.vn: {why}"));
    let Some((scheme, authority)) = text.split_once("://") else { return bad("no scheme") };
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return bad("only http and https"),
    };
    if authority.is_empty()
        || !authority.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        || authority.starts_with(':')
    {
        return bad("the host has characters an origin cannot have (a path, a user, a wildcard?)");
    }
    let authority = authority.to_ascii_lowercase();
    // An IPv6 literal keeps its colons; the port follows the last `]` or the only `:`.
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') && (host.ends_with(']') || !host.contains(':')) => (host, Some(port)),
        _ => (authority.as_str(), None),
    };
    if host.is_empty() {
        return bad("no host");
    }
    match port {
        Some(p) if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().is_err() => {
            bad("bad port")
        }
        Some(p) if p == default_port => Ok(format!("{scheme}://{host}")),
        Some(p) => Ok(format!("{scheme}://{host}:{p}")),
        None => Ok(format!("{scheme}://{host}")),
    }
}

/// The origin of an absolute `http`/`https` URL (for a return address), normalised.
///
/// # Errors
/// When `url` is not an absolute http(s) URL or names a user.
pub fn origin_of_url(url: &str) -> Result<String, String> {
    if url.bytes().any(|b| b.is_ascii_control() || b == b' ' || b == b'\\') {
        return Err("the return address has spaces, control characters or backslashes".to_owned());
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("the return address is not absolute".to_owned());
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if authority.contains('@') {
        return Err("the return address names a user".to_owned());
    }
    normalize_origin(&format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_as_browsers_send_them() {
        for (text, want) in [
            ("https://HIS.example.vn", "https://his.example.vn"),
            ("https://his.example.vn:443/", "https://his.example.vn"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://localhost:80", "http://localhost"),
            ("https://[::1]:8443", "https://[::1]:8443"),
        ] {
            assert_eq!(normalize_origin(text).as_deref(), Ok(want), "{text}");
        }
        for text in [
            "*",
            "null",
            "his.example.vn",
            "ftp://his.example.vn",
            "https://his.example.vn/path",
            "https://user@his.example.vn",
            "https://*.example.vn",
            "https://his.example.vn:99999",
            "https://his.example.vn:",
            "https://",
            "https://:443",
        ] {
            assert!(normalize_origin(text).is_err(), "{text}");
        }
    }

    #[test]
    fn a_return_address_gives_its_origin_and_never_a_users() {
        assert_eq!(origin_of_url("https://his.example.vn/checkin?x=1").as_deref(), Ok("https://his.example.vn"));
        assert_eq!(origin_of_url("http://127.0.0.1:9000/return").as_deref(), Ok("http://127.0.0.1:9000"));
        for url in [
            "https://his.example.vn@evil.example/x",
            "//evil.example/x",
            "https://evil.example\\@his.example.vn/",
            "javascript:alert(1)",
            "https://his.example.vn /x",
        ] {
            assert!(origin_of_url(url).is_err(), "{url}");
        }
    }

    #[test]
    fn the_token_is_made_once_and_private() {
        let dir = std::env::temp_dir().join(format!("cancuoc-agent-token-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = load_or_create_token(&dir).unwrap();
        assert_eq!(first.value.len(), 64);
        assert_eq!(first.replaced, None);
        assert_eq!(load_or_create_token(&dir).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("agent.token")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Unsafe files are replaced, with a reason, never used.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.join("agent.token");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let token = load_or_create_token(&dir).unwrap();
            assert_ne!(token.value, first.value, "a world-readable token is not used");
            assert!(token.replaced.unwrap().contains("mode 644"));
            let target = dir.join("elsewhere");
            std::fs::write(&target, "f".repeat(64)).unwrap();
            std::fs::remove_file(&path).unwrap();
            std::os::unix::fs::symlink(&target, &path).unwrap();
            let token = load_or_create_token(&dir).unwrap();
            assert!(token.replaced.unwrap().contains("not a regular file"));
            assert_eq!(std::fs::read_to_string(&target).unwrap(), "f".repeat(64), "the link's target is left alone");
            assert!(std::fs::symlink_metadata(&path).unwrap().file_type().is_file());
        }
        for trivial in ["0123456789abcdef0123456789abcdef", "short"] {
            std::fs::remove_file(dir.join("agent.token")).unwrap();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options.open(dir.join("agent.token")).unwrap().write_all(trivial.as_bytes()).unwrap();
            let token = load_or_create_token(&dir).unwrap();
            assert_ne!(token.value, trivial);
            assert!(token.replaced.is_some(), "{trivial}");
        }
        std::fs::write(dir.join("agent.origins"), "# the HIS\nhttps://HIS.example.vn/ \n\n").unwrap();
        assert_eq!(read_origins_file(&dir), Ok(vec!["https://his.example.vn".to_owned()]));
        std::fs::write(dir.join("agent.origins"), "https://his.example.vn/path\n").unwrap();
        assert!(read_origins_file(&dir).unwrap_err().contains("line 1"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
