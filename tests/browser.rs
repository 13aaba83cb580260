//! The local endpoint in a real browser: headless Chromium opens a test hospital page served
//! from a second loopback origin; the page `fetch`es `POST /v1/read` from `cancuoc serve`,
//! which reads the virtual card through pcscd + vpcd; the page shows the name. The same page
//! from an origin that is not allowed is refused and the card sees no APDU. Navigate-and-
//! return (for plain-http intranet pages) runs in the browser too.
//!
//! Needs what tests/pcscd.rs needs, and Debian's `chromium` (the README's test command
//! installs it).

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::{TestBed, binary};

const NAME: &str = "Nguyễn Văn Mẫu";

/// The test hospital page: reads the card through the endpoint and shows the name or the
/// error, as a HIS page would.
const HIS_PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>HIS</title></head><body>
<div id="out">waiting</div>
<script>
const agent = new URLSearchParams(location.search).get("agent");
fetch("http://127.0.0.1:" + agent + "/v1/read", {
  method: "POST",
  headers: {"Content-Type": "application/json"},
  body: JSON.stringify({key: {id: "001090012345"}, want: ["holder"]})
}).then(r => r.json())
  .then(j => { document.getElementById("out").textContent = j.checkin ? "name:" + j.checkin.ho_ten : "error:" + j.error.code; })
  .catch(e => { document.getElementById("out").textContent = "failed:" + e.name; });
</script></body></html>"#;

fn chromium() -> PathBuf {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!("chromium is not installed: apt-get install --no-install-recommends chromium (or run scripts/test)")
        })
}

/// A tiny hospital web server on 127.0.0.1: `GET /his.html` is the page, `POST /return`
/// shows the form fields it got back.
struct His {
    port: u16,
}

impl His {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || serve_his(stream));
            }
        });
        Self { port }
    }

    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn serve_his(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut length = 0;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    let _ = reader.read_exact(&mut body);
    let page = if line.starts_with("POST /return") {
        let fields: Vec<String> = String::from_utf8_lossy(&body)
            .split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                format!("{name}={}", decode(value))
            })
            .collect();
        let text = fields.join(";").replace('&', "&amp;").replace('<', "&lt;");
        format!("<!DOCTYPE html><html><body><div id=\"out\">returned:{text}</div></body></html>")
    } else {
        HIS_PAGE.to_owned()
    };
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.write_all(answer.as_bytes());
}

fn decode(text: &str) -> String {
    let mut out = Vec::new();
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex: String = [bytes.next().unwrap_or(b'0'), bytes.next().unwrap_or(b'0')]
                    .iter()
                    .map(|b| char::from(*b))
                    .collect();
                out.push(u8::from_str_radix(&hex, 16).unwrap_or(b'?'));
            }
            _ => out.push(b),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `cancuoc serve` on the bed's pcscd, allowing `origins`; stopped on drop.
struct Serve {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Serve {
    fn start(bed: &TestBed, origins: &[&str]) -> Self {
        let config = bed.dir.join("config");
        let mut command = Command::new(binary("cancuoc"));
        command.args(["serve", "--port", "0"]);
        for origin in origins {
            command.args(["--allow-origin", origin]);
        }
        let mut child = command
            .env("PCSCLITE_CSOCK_NAME", bed.socket())
            .env("XDG_CONFIG_HOME", &config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run cancuoc serve");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let (sink, port_line) = (log.clone(), std::sync::mpsc::channel());
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("cancuoc serve: listening on http://127.0.0.1:") {
                    let _ = port_line.0.send(rest.split(' ').next().unwrap_or("").parse::<u16>().unwrap_or(0));
                }
                sink.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let port = port_line.1.recv_timeout(Duration::from_secs(30)).expect("cancuoc serve did not start");
        let written = std::fs::read_to_string(config.join("cancuoc/agent.port")).unwrap();
        assert_eq!(written.trim(), port.to_string(), "agent.port names the port");
        Self { child, port, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The log once it holds `text` (lines arrive on their own thread), or as it is after 10 s.
    fn log_with(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.log().contains(text) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.log()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Loads `url` in headless Chromium and returns the DOM once the page and its requests have
/// settled (virtual time waits for pending fetches and navigations).
fn dom(url: &str, profile: &Path) -> String {
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--virtual-time-budget=30000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run chromium");
    let deadline = Instant::now() + Duration::from_secs(90);
    while matches!(child.try_wait(), Ok(None)) {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish loading {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    out
}

#[test]
fn a_listed_page_reads_the_card_in_chromium_and_an_unlisted_one_is_refused() {
    let bed = TestBed::start(&[]);
    let (his, other) = (His::start(), His::start());
    let serve = Serve::start(&bed, &[&his.origin()]);
    let log = serve.log_with("plain http");
    assert!(log.contains("plain http"), "an http:// origin is warned about: {log}");
    // From an origin that is not allowed: the preflight is refused, the read never sent.
    let before = bed.apdus_answered();
    let refused = dom(&format!("{}/his.html?agent={}", other.origin(), serve.port), &bed.dir.join("chrome-other"));
    assert!(refused.contains("failed:TypeError"), "{refused}");
    assert_eq!(bed.apdus_answered(), before, "a refused page reached the card; log: {}", serve.log());
    let log = serve.log_with("OPTIONS /v1/read -> 403");
    assert!(log.contains("OPTIONS /v1/read -> 403"), "{log}");
    // From the listed origin: the name.
    let started = Instant::now();
    let page = dom(&format!("{}/his.html?agent={}", his.origin(), serve.port), &bed.dir.join("chrome-his"));
    eprintln!("chromium: page load to name through pcscd: {} ms", started.elapsed().as_millis());
    assert!(page.contains(&format!("name:{NAME}")), "{page}\nlog: {}", serve.log());
    assert!(bed.apdus_answered() > before);
    let log = serve.log_with("POST /v1/read -> 200");
    for line in log.lines().filter(|l| l.contains("POST /v1/read -> 200")) {
        eprintln!("POST to response through pcscd + vpcd: {line}");
    }
    assert!(!log.contains(NAME) && !log.contains("001090012345"), "personal data in the log: {log}");
}

/// POSTs `body` as a form to `path` on the endpoint, as the confirmation page's button does;
/// the answer's body.
fn post_form(port: u16, path: &str, body: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(90))).unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    raw.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default()
}

#[test]
fn navigate_and_return_asks_the_clerk_then_brings_the_record_back_in_chromium() {
    let bed = TestBed::start(&[]);
    let his = His::start();
    let serve = Serve::start(&bed, &[&his.origin()]);
    let return_to = format!("{}/return", his.origin()).replace(':', "%3A").replace('/', "%2F");
    let url = format!("http://127.0.0.1:{}/v1/checkin?id=001090012345&return={return_to}&state=visit-42", serve.port);
    // The navigation (a link, an <img>, a redirect from any page) reads nothing: the page names
    // the site the record would go to and waits for the clerk.
    let before = bed.apdus_answered();
    let page = dom(&url, &bed.dir.join("chrome-checkin"));
    assert!(page.contains(&format!("<span id=\"site\">{}</span>", his.origin())), "{page}\nlog: {}", serve.log());
    assert_eq!(bed.apdus_answered(), before, "a navigation read the card");
    // The clerk's click (the page's own form), then the page that posts the record back,
    // loaded in Chromium: the record reaches the listed address.
    let ticket = page.split("name=\"ticket\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
    let post_back = post_form(serve.port, "/v1/checkin/confirm", &format!("ticket={ticket}&answer=read"));
    assert!(bed.apdus_answered() > before);
    let file = bed.dir.join("post-back.html");
    std::fs::write(&file, post_back).unwrap();
    let back = dom(&format!("file://{}", file.display()), &bed.dir.join("chrome-back"));
    assert!(back.contains("returned:so_cccd=001090012345;"), "{back}\nlog: {}", serve.log());
    assert!(back.contains(&format!("ho_ten={NAME};")), "{back}");
    assert!(back.contains("ngay_sinh=199001150000;"), "{back}");
    assert!(back.contains("verdict=untrusted;"), "{back}");
    assert!(back.contains("state=visit-42"), "{back}");
}

#[test]
fn a_tampered_card_reaches_the_page_as_check_failed_and_never_as_a_name() {
    // DG13 (the mother's name, the address…) changed after signing.
    let bed = TestBed::start(&["--tamper", "13"]);
    let his = His::start();
    let serve = Serve::start(&bed, &[&his.origin()]);
    let page = dom(&format!("{}/his.html?agent={}", his.origin(), serve.port), &bed.dir.join("chrome-tampered"));
    assert!(page.contains("<div id=\"out\">error:check_failed</div>"), "{page}\nlog: {}", serve.log());
    assert!(!page.contains(&format!("name:{NAME}")), "a forged record reached the page: {page}");
    let log = serve.log_with("POST /v1/read -> 422");
    assert!(log.contains("POST /v1/read -> 422"), "{log}");
}
