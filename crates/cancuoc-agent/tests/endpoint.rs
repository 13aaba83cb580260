//! The endpoint over real sockets, with the built-in virtual CCCD: every route, every
//! refusal (each shown never to reach the card), one read at a time, cancel, timeouts, the
//! remote active-authentication check and navigate-and-return.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use base64ct::{Base64, Encoding};
use cancuoc_agent::{Agent, Settings};
use cancuoc_kit::demo::{DEMO_READER, DemoCards};
use serde_json::Value;

const HIS: &str = "https://his.example.vn";
const TOKEN: &str = "0123456789abcdef0123456789abcdef";
const ID: &str = "001090012345";

fn start(cards: &DemoCards) -> Agent {
    let settings = Settings {
        port: 0,
        origins: vec![HIS.to_owned(), "http://127.0.0.1:9".to_owned()],
        token: TOKEN.to_owned(),
        reader: None,
        trust: cancuoc::TrustStore::new(),
        log: Box::new(|line| eprintln!("agent: {line}")),
    };
    Agent::start(settings, Box::new(cards.clone())).unwrap()
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or("").to_owned()
    }
}

/// Sends one request (with `Connection: close`) and reads the whole answer.
fn send(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    send_to("127.0.0.1", port, method, path, headers, body)
}

fn send_to(ip: &str, port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut stream = TcpStream::connect((ip, port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(90))).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    Answer { status, headers, body: raw[split + 4..].to_vec() }
}

fn host(agent: &Agent) -> String {
    format!("127.0.0.1:{}", agent.port())
}

/// The navigate-and-return flow as a clerk lives it: the navigation to `/v1/checkin?…`
/// (answered with the confirmation page), then the page's form (the ticket, and `answer`).
fn navigate_and_confirm(agent: &Agent, path_and_query: &str, answer: &str) -> (Answer, Answer) {
    let host = host(agent);
    let page = send(agent.port(), "GET", path_and_query, &[("Host", &host)], "");
    let html = String::from_utf8_lossy(&page.body).into_owned();
    let ticket = html
        .split("name=\"ticket\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no ticket in {html}"))
        .to_owned();
    let own = format!("http://{host}");
    let posted = send(
        agent.port(),
        "POST",
        "/v1/checkin/confirm",
        &[("Host", &host), ("Origin", &own), ("Content-Type", "application/x-www-form-urlencoded")],
        &format!("ticket={ticket}&answer={answer}"),
    );
    (page, posted)
}

fn read_as_page(agent: &Agent, body: &str) -> Answer {
    let host = host(agent);
    send(
        agent.port(),
        "POST",
        "/v1/read",
        &[("Host", &host), ("Origin", HIS), ("Content-Type", "application/json")],
        body,
    )
}

#[test]
fn status_names_readers_and_nothing_personal() {
    let cards = DemoCards::default();
    let agent = start(&cards);
    let host = host(&agent);
    let answer = send(agent.port(), "GET", "/v1/status", &[("Host", &host), ("Origin", HIS)], "");
    assert_eq!(answer.status, 200);
    let status = answer.json();
    assert_eq!(status["schema"], "cancuoc-agent/1");
    assert_eq!(status["busy"], false);
    assert_eq!(status["readers"][0]["name"], DEMO_READER);
    assert_eq!(status["readers"][0]["card"], true);
    assert_eq!(answer.header("Access-Control-Allow-Origin"), Some(HIS));
    assert_eq!(answer.header("Vary"), Some("Origin"));
    assert_eq!(cards.commands(), 0, "the status never touches the card");
    let program =
        send(agent.port(), "GET", "/v1/status", &[("Host", &host), ("Authorization", &format!("Bearer {TOKEN}"))], "");
    assert_eq!(program.status, 200);
    assert_eq!(program.header("Access-Control-Allow-Origin"), None);
}

#[test]
fn a_listed_page_reads_the_card_with_the_id_number() {
    let cards = DemoCards::default();
    let agent = start(&cards);
    let started = Instant::now();
    let answer = read_as_page(&agent, &format!(r#"{{"key":{{"id":"{ID}"}},"want":["holder","photo"]}}"#));
    let elapsed = started.elapsed();
    eprintln!("POST /v1/read to response, virtual card, with the photo: {} ms", elapsed.as_millis());
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.header("Access-Control-Allow-Origin"), Some(HIS));
    assert_eq!(answer.header("Cache-Control"), Some("no-store"));
    let body = answer.json();
    assert_eq!(body["checkin"]["so_cccd"], ID);
    assert_eq!(body["checkin"]["ngay_sinh"], "199001150000");
    assert_eq!(body["checkin"]["ngay_sinh_vn"], "15/01/1990");
    assert!(body["checkin"]["gioi_tinh"].is_u64());
    assert_eq!(body["bhxh"]["maThe"], ID);
    assert_eq!(body["bhxh"]["hoTen"], body["checkin"]["ho_ten"]);
    assert!(!body["checkin"]["ho_ten"].as_str().unwrap().is_empty());
    assert_eq!(body["report"]["schema"], "cancuoc/1");
    assert_eq!(body["report"]["holder"]["id_number"], ID);
    let photo = Base64::decode_vec(body["photo"]["base64"].as_str().unwrap()).unwrap();
    assert!(body["photo"]["mime"].as_str().unwrap().starts_with("image/"));
    assert!(photo.len() > 100);
    assert!(body.get("raw").is_none(), "raw files only when asked");
    assert!(cards.commands() > 0);
}

#[test]
fn without_holder_in_want_no_personal_data_comes_back() {
    let cards = DemoCards::default();
    let agent = start(&cards);
    let answer = read_as_page(&agent, r#"{"key":{"can":"012345"},"want":["verification"]}"#);
    assert_eq!(answer.status, 200);
    let body = answer.json();
    assert!(body.get("checkin").is_none() && body.get("bhxh").is_none() && body.get("photo").is_none());
    assert!(body["report"]["holder"]["id_number"].is_null());
    assert!(body["report"]["verification"].is_object());
}

#[test]
fn a_program_with_the_token_reads_and_a_servers_challenge_is_signed() {
    let cards = DemoCards::default();
    let agent = start(&cards);
    let host = host(&agent);
    let challenge = "0011223344556677";
    let answer = send(
        agent.port(),
        "POST",
        "/v1/read",
        &[("Host", &host), ("Authorization", &format!("Bearer {TOKEN}")), ("Content-Type", "application/json")],
        &format!(r#"{{"key":{{"can":"012345"}},"challenge":"{challenge}","want":["verification"]}}"#),
    );
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    let body = answer.json();
    assert_eq!(body["active_authentication"]["challenge"], challenge);
    let raw = body["raw"].as_object().unwrap();
    let mut names: Vec<_> = raw.keys().cloned().collect();
    names.sort();
    assert_eq!(names, ["DG14", "DG15", "SOD"]);
    // The bank's back end, with the library: this chip signed this server's nonce now.
    let dg15 = Base64::decode_vec(raw["DG15"].as_str().unwrap()).unwrap();
    let signature = hex::decode(body["active_authentication"]["signature"].as_str().unwrap()).unwrap();
    let nonce = hex::decode(challenge).unwrap();
    let dg14 = Base64::decode_vec(raw["DG14"].as_str().unwrap()).unwrap();
    cancuoc::verify::active::verify_dg15(&dg15, Some(&dg14), &nonce, &signature).expect("the signature verifies");
    let other = hex::decode("7766554433221100").unwrap();
    assert!(cancuoc::verify::active::verify_dg15(&dg15, Some(&dg14), &other, &signature).is_err());
}

/// A request (method, path, headers) and the status and error code it must get.
type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, u16, &'a str);

#[test]
fn refused_requests_never_reach_the_card() {
    let cards = DemoCards::default();
    let agent = start(&cards);
    let port = agent.port();
    let host = host(&agent);
    let json = ("Content-Type", "application/json");
    let body = format!(r#"{{"key":{{"id":"{ID}"}}}}"#);
    let token = format!("Bearer {TOKEN}");
    let cases: Vec<Case<'_>> = vec![
        ("POST", "/v1/read", vec![("Host", &host), ("Origin", "https://evil.example"), json], 403, "forbidden"),
        ("POST", "/v1/read", vec![("Host", &host), ("Origin", "null"), json], 403, "forbidden"),
        ("POST", "/v1/read", vec![("Host", "evil.example:47390"), ("Origin", HIS), json], 403, "forbidden"),
        ("POST", "/v1/read", vec![("Origin", HIS), json], 403, "forbidden"),
        ("POST", "/v1/read", vec![("Host", &host), json], 403, "forbidden"),
        ("POST", "/v1/read", vec![("Host", &host), ("Authorization", "Bearer nope"), json], 403, "forbidden"),
        ("GET", "/v1/read", vec![("Host", &host), ("Origin", HIS)], 405, "bad_request"),
        (
            "POST",
            "/v1/read",
            vec![("Host", &host), ("Origin", HIS), ("Content-Type", "text/plain")],
            415,
            "bad_request",
        ),
        (
            "POST",
            "/v1/read",
            vec![("Host", &host), ("Origin", HIS), ("Content-Type", "application/x-www-form-urlencoded")],
            415,
            "bad_request",
        ),
        ("POST", "/v1/read", vec![("Host", &host), ("Authorization", &token)], 415, "bad_request"),
        ("GET", "/v1/status", vec![("Host", &host), ("Origin", "https://evil.example")], 403, "forbidden"),
        ("GET", "/v1/last", vec![("Host", &host), ("Origin", HIS)], 404, "not_found"),
        ("POST", "/v1/cancel", vec![("Host", &host), ("Origin", "https://evil.example")], 403, "forbidden"),
    ];
    for (method, path, headers, status, code) in cases {
        let answer = send(port, method, path, &headers, &body);
        assert_eq!((answer.status, answer.code().as_str()), (status, code), "{method} {path} {headers:?}");
        if status == 403 {
            assert_eq!(answer.header("Access-Control-Allow-Origin"), None, "{headers:?}");
        }
        assert!(answer.json()["error"]["message_vi"].is_string());
    }
    // A preflight from an unlisted origin is refused; a listed one is answered for it alone.
    let preflight = |origin: &str| {
        send(
            port,
            "OPTIONS",
            "/v1/read",
            &[
                ("Host", &host),
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type"),
                ("Access-Control-Request-Private-Network", "true"),
            ],
            "",
        )
    };
    assert_eq!(preflight("https://evil.example").status, 403);
    let ok = preflight(HIS);
    assert_eq!(ok.status, 204);
    assert_eq!(ok.header("Access-Control-Allow-Origin"), Some(HIS));
    let named = |name: &str| ok.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count();
    assert_eq!((named("Access-Control-Allow-Origin"), named("Vary")), (1, 1), "{:?}", ok.headers);
    assert_eq!(ok.header("Access-Control-Allow-Private-Network"), Some("true"));
    assert!(ok.header("Access-Control-Allow-Headers").unwrap().contains("Content-Type"));
    // Navigate-and-return to an address that is not listed: no read, no page.
    let checkin = send(
        port,
        "GET",
        &format!("/v1/checkin?id={ID}&return=https%3A%2F%2Fevil.example%2Fsteal&state=1"),
        &[("Host", &host)],
        "",
    );
    assert_eq!((checkin.status, checkin.code().as_str()), (403, "forbidden"));
    assert_eq!(cards.commands(), 0, "a refused request touched the card");
}

#[test]
fn it_listens_on_127_0_0_1_only() {
    let agent = start(&DemoCards::default());
    // 127.0.0.2 is loopback too on Linux: a server bound to 0.0.0.0 or 127/8 would answer.
    if cfg!(target_os = "linux") {
        assert!(TcpStream::connect(("127.0.0.2", agent.port())).is_err());
    }
    assert!(TcpStream::connect(("127.0.0.1", agent.port())).is_ok());
}

#[test]
fn one_read_at_a_time_and_cancel_ends_a_waiting_read() {
    let cards = DemoCards::default();
    cards.set_card_present(false);
    let agent = start(&cards);
    let port = agent.port();
    let first = std::thread::spawn(move || {
        let host = format!("127.0.0.1:{port}");
        send(
            port,
            "POST",
            "/v1/read",
            &[("Host", &host), ("Origin", HIS), ("Content-Type", "application/json")],
            r#"{"key":{"can":"012345"},"wait_seconds":30}"#,
        )
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while agent.reading().is_none() {
        assert!(Instant::now() < deadline, "the first read never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(agent.reading(), Some(cancuoc_agent::Reading::Page(HIS.to_owned())));
    let second = read_as_page(&agent, r#"{"key":{"can":"012345"}}"#);
    assert_eq!((second.status, second.code().as_str()), (409, "busy"));
    let host = host(&agent);
    let status = send(port, "GET", "/v1/status", &[("Host", &host), ("Origin", HIS)], "");
    assert_eq!(status.json()["busy"], true);
    let cancel = send(port, "POST", "/v1/cancel", &[("Host", &host), ("Origin", HIS)], "");
    assert_eq!(cancel.json()["cancelled"], true);
    let first = first.join().unwrap();
    assert_eq!((first.status, first.code().as_str()), (409, "cancelled"));
    assert!(agent.reading().is_none());
    // The slot is free again, and a stale cancel does not end the next read.
    cards.set_card_present(true);
    assert_eq!(read_as_page(&agent, r#"{"key":{"can":"012345"}}"#).status, 200);
}

#[test]
fn no_card_in_time_is_a_timeout_and_a_wrong_can_is_wrong_key() {
    let cards = DemoCards::default();
    let agent = start(&cards);
    let wrong = read_as_page(&agent, r#"{"key":{"can":"999999"}}"#);
    assert_eq!((wrong.status, wrong.code().as_str()), (422, "wrong_key"));
    cards.set_card_present(false);
    let timeout = read_as_page(&agent, r#"{"key":{"can":"012345"},"wait_seconds":1}"#);
    assert_eq!((timeout.status, timeout.code().as_str()), (408, "timeout"));
    let unknown = read_as_page(&agent, r#"{"key":{"can":"012345"},"reader":"Nope","wait_seconds":0}"#);
    assert_eq!((unknown.status, unknown.code().as_str()), (503, "no_reader"));
}

#[test]
fn navigate_and_return_posts_the_record_to_the_listed_address() {
    let cards = DemoCards::default();
    let agent = start(&cards);
    let (page, answer) = navigate_and_confirm(
        &agent,
        &format!("/v1/checkin?id={ID}&return=http%3A%2F%2F127.0.0.1%3A9%2Freturn%3Fvisit%3D7&state=s%3C1%3E"),
        "read",
    );
    assert!(String::from_utf8_lossy(&page.body).contains("http://127.0.0.1:9"), "the page names the site");
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    let html = String::from_utf8(answer.body.clone()).unwrap();
    assert!(answer.header("Content-Type").unwrap().starts_with("text/html"));
    assert!(answer.header("Content-Security-Policy").unwrap().contains("form-action http://127.0.0.1:9;"));
    assert!(html.contains("action=\"http://127.0.0.1:9/return?visit=7\""));
    assert!(html.contains(&format!("name=\"so_cccd\" value=\"{ID}\"")));
    assert!(html.contains("name=\"ngay_sinh\" value=\"199001150000\""));
    assert!(html.contains("name=\"state\" value=\"s&lt;1&gt;\""));
    // A failed read still goes back, with the error code, so the page can say what to do.
    let (_, failed) = navigate_and_confirm(
        &agent,
        "/v1/checkin?can=999999&return=http%3A%2F%2F127.0.0.1%3A9%2Freturn&state=2",
        "read",
    );
    let html = String::from_utf8(failed.body).unwrap();
    assert!(html.contains("name=\"error\" value=\"wrong_key\""), "{html}");
}

#[test]
fn stopping_closes_the_port_at_once_and_it_can_be_taken_again() {
    for _ in 0..5 {
        let agent = start(&DemoCards::default());
        let port = agent.port();
        drop(agent);
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err(), "port {port} still answers");
        let settings = Settings {
            port,
            origins: Vec::new(),
            token: TOKEN.to_owned(),
            reader: None,
            trust: cancuoc::TrustStore::new(),
            log: Box::new(|_| {}),
        };
        let again = Agent::start(settings, Box::new(DemoCards::default())).expect("the same port again");
        assert_eq!(again.port(), port);
    }
}

#[test]
fn a_pace_fallback_is_in_the_answer_and_require_pace_refuses_it() {
    // The chip refuses PACE at MSE:Set AT (6982): with the dates, BAC reads it, and says so.
    let cards = DemoCards::with_faults(cancuoc_sim::Faults {
        refuse_pace: Some(cancuoc::StatusWord(0x6982)),
        ..cancuoc_sim::Faults::default()
    });
    let agent = start(&cards);
    let key = format!(r#""key":{{"id":"{ID}","dob":"1990-01-15","expiry":"2030-01-15"}}"#);
    let answer = read_as_page(&agent, &format!("{{{key}}}"));
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    let body = answer.json();
    assert_eq!(body["report"]["access"]["protocol"], "BAC");
    let fallback = body["report"]["access"]["fallback"].as_str().unwrap_or_default();
    assert!(fallback.starts_with("PACE refused by the card (6982"), "{fallback}");
    // A bank's page asks for PACE: refused, in both languages, no record.
    let answer = read_as_page(&agent, &format!(r#"{{{key},"require_pace":true}}"#));
    assert_eq!(answer.status, 422, "{}", String::from_utf8_lossy(&answer.body));
    assert_eq!(answer.code(), "pace_required");
    let body = answer.json();
    assert!(body["error"]["message"].as_str().unwrap().contains("6982"), "{body}");
    assert!(body["error"]["message_vi"].as_str().unwrap().contains("PACE"), "{body}");
    assert!(body.get("checkin").is_none() && body.get("report").is_none(), "{body}");
    // And a chip that offers PACE passes the requirement.
    let cards = DemoCards::default();
    let agent = start(&cards);
    let answer = read_as_page(&agent, &format!(r#"{{{key},"require_pace":true}}"#));
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    assert!(answer.json()["report"]["access"]["fallback"].is_null());
}

fn specimen() -> cancuoc_sim::IssuedDocument {
    cancuoc_sim::IssuedDocument::issue(&cancuoc_sim::CitizenProfile::specimen(), cancuoc_sim::DEMO_SEED).unwrap()
}

#[test]
fn a_forged_or_cloned_card_is_never_a_success_and_files_no_record() {
    // The specimen's card answers 200 with its verdict (no CSCA given: untrusted).
    let genuine = start(&DemoCards::default());
    let answer = read_as_page(&genuine, &format!(r#"{{"key":{{"id":"{ID}"}},"want":["holder","photo"]}}"#));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["verdict"], "untrusted");
    for (card, verdict) in [
        (specimen().tampered(cancuoc::lds::DgNumber::DG13), "altered"),
        (specimen().cloned(), "cloned"),
        (specimen().without(cancuoc::lds::DgNumber::DG15), "cloned"),
    ] {
        let cards = DemoCards::with_document(card, cancuoc_sim::Faults::default());
        let agent = start(&cards);
        let answer = read_as_page(&agent, &format!(r#"{{"key":{{"id":"{ID}"}},"want":["holder","photo","raw"]}}"#));
        let text = String::from_utf8_lossy(&answer.body).into_owned();
        assert_eq!(answer.status, 422, "{verdict}: {text}");
        let body = answer.json();
        assert_eq!(body["verdict"], verdict, "{text}");
        assert_eq!(body["error"]["code"], "check_failed");
        assert_eq!(body["error"]["verdict"], verdict);
        assert!(body["error"]["message_vi"].as_str().unwrap().contains("không chấp nhận"), "{text}");
        assert!(!body["error"]["reasons"].as_array().unwrap().is_empty(), "{text}");
        for absent in ["checkin", "bhxh", "photo", "raw"] {
            assert!(body.get(absent).is_none(), "{verdict}: {absent} in {text}");
        }
        assert!(body["report"]["holder"]["full_name"].is_null() && body["report"]["holder"]["mother_name"].is_null());
        assert!(!text.contains("Nguyễn Văn Mẫu") && !text.contains("NGUYEN"), "{verdict}: {text}");
        assert_eq!(body["report"]["verdict"], verdict);
        // Navigate-and-return posts the verdict back, and no record.
        let (_, posted) = navigate_and_confirm(
            &agent,
            &format!("/v1/checkin?id={ID}&return=http%3A%2F%2F127.0.0.1%3A9%2Freturn&state=3"),
            "read",
        );
        let html = String::from_utf8(posted.body).unwrap();
        assert!(html.contains("name=\"error\" value=\"check_failed\""), "{html}");
        assert!(html.contains(&format!("name=\"verdict\" value=\"{verdict}\"")), "{html}");
        assert!(!html.contains("so_cccd") && !html.contains("ho_ten"), "{html}");
    }
}

/// Writes `head` (a request without its body, or part of one) and returns the status line of
/// the answer, or `None` when the connection closed or stayed silent for `wait`.
fn raw_status(port: u16, head: &str, wait: Duration) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw).lines().next().map(str::to_owned).filter(|l| l.starts_with("HTTP/1.1"))
}

fn alive(agent: &Agent) -> bool {
    let host = host(agent);
    send(agent.port(), "GET", "/v1/status", &[("Host", &host), ("Origin", HIS)], "").status == 200
}

#[test]
fn a_huge_content_length_is_refused_before_anything_is_allocated() {
    let cards = DemoCards::default();
    let agent = start(&cards);
    let port = agent.port();
    let host = host(&agent);
    let tera = "Content-Length: 1000000000000\r\n";
    for head in [
        // Refused by the gate (a foreign Host, no Origin): its body is never read.
        format!("POST /v1/read HTTP/1.1\r\nHost: evil.example\r\n{tera}\r\n"),
        format!("POST /nowhere HTTP/1.1\r\nHost: {host}\r\n{tera}\r\n"),
        // From the listed page itself: 413 from the declared length.
        format!(
            "POST /v1/read HTTP/1.1\r\nHost: {host}\r\nOrigin: {HIS}\r\nContent-Type: application/json\r\n{tera}\r\n"
        ),
        // Chunked, without a length: cut at 16 KiB.
        format!(
            "POST /v1/read HTTP/1.1\r\nHost: {host}\r\nOrigin: {HIS}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n8000\r\n{}\r\n",
            "x".repeat(0x8000)
        ),
    ] {
        let status = raw_status(port, &head, Duration::from_secs(10));
        let status = status.unwrap_or_else(|| panic!("no answer to {:.80}", head));
        assert!(["403", "404", "413"].iter().any(|code| status.contains(code)), "{status}");
        assert!(alive(&agent), "the endpoint died after {head:.80}");
    }
    assert_eq!(cards.commands(), 0, "no refused request touched the card");
}

#[test]
fn idle_and_slow_connections_do_not_starve_a_listed_page() {
    let cards = DemoCards::default();
    let agent = start(&cards);
    let port = agent.port();
    let host = host(&agent);
    // 40 connections that say nothing, 40 that stop in their headers, 40 that promise a body
    // and never send it: all held open.
    let mut held = Vec::new();
    for i in 0..120 {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        match i % 3 {
            0 => {}
            1 => stream.write_all(b"POST /v1/read HTTP/1.1\r\nHost: ").unwrap(),
            _ => stream
                .write_all(
                    format!("POST /v1/read HTTP/1.1\r\nHost: {host}\r\nOrigin: {HIS}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
                        .as_bytes(),
                )
                .unwrap(),
        }
        held.push(stream);
    }
    let started = Instant::now();
    let answer = read_as_page(&agent, &format!(r#"{{"key":{{"id":"{ID}"}}}}"#));
    assert_eq!(answer.status, 200, "{}", String::from_utf8_lossy(&answer.body));
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    // The held connections are closed by their time limits: headers, then the body.
    let mut stream = held.pop().unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    assert!(String::from_utf8_lossy(&raw).starts_with("HTTP/1.1 408"), "{}", String::from_utf8_lossy(&raw));
    drop(held);
    assert!(alive(&agent));
}

#[test]
fn a_navigation_or_an_image_from_any_page_never_reads_the_card() {
    let cards = DemoCards::default();
    let agent = start(&cards);
    let host = host(&agent);
    let port = agent.port();
    let target = format!("/v1/checkin?id={ID}&return=http%3A%2F%2F127.0.0.1%3A9%2Freturn&state=4&wait_seconds=60");
    // An <img>, a link or a navigation (no Origin): the confirmation page, naming the site; no read.
    let page = send(port, "GET", &target, &[("Host", &host)], "");
    assert_eq!(page.status, 200);
    let html = String::from_utf8_lossy(&page.body).into_owned();
    assert!(html.contains("<span id=\"site\">http://127.0.0.1:9</span>"), "{html}");
    assert_eq!(page.header("X-Frame-Options"), Some("DENY"));
    assert!(page.header("Content-Security-Policy").unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(cards.commands(), 0, "a navigation touched the card");
    let busy = send(port, "GET", "/v1/status", &[("Host", &host), ("Origin", HIS)], "");
    assert_eq!(busy.json()["busy"], false, "nothing holds the read slot");
    let ticket = html.split("name=\"ticket\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let confirm = |origin: &str, body: &str| {
        let form = [("Host", host.as_str()), ("Origin", origin), ("Content-Type", "application/x-www-form-urlencoded")];
        send(port, "POST", "/v1/checkin/confirm", &form, body)
    };
    // A forged confirmation: another page's form, a guessed ticket.
    assert_eq!(confirm("https://evil.example", &format!("ticket={ticket}&answer=read")).status, 403);
    assert_eq!(confirm(&format!("http://{host}"), &format!("ticket={}&answer=read", "0".repeat(64))).status, 403);
    assert_eq!(cards.commands(), 0, "a forged confirmation touched the card");
    // The clerk cancels: the page is told, nothing is read, and the ticket is spent.
    let cancelled = confirm(&format!("http://{host}"), &format!("ticket={ticket}&answer=cancel"));
    assert!(String::from_utf8_lossy(&cancelled.body).contains("name=\"error\" value=\"cancelled\""));
    assert_eq!(cards.commands(), 0);
    assert_eq!(confirm(&format!("http://{host}"), &format!("ticket={ticket}&answer=read")).status, 403, "used once");
    // The clerk confirms a fresh one: the card is read.
    let (_, read) = navigate_and_confirm(&agent, &target, "read");
    assert!(String::from_utf8_lossy(&read.body).contains(&format!("name=\"so_cccd\" value=\"{ID}\"")));
    assert!(cards.commands() > 0);
}

#[test]
fn a_waiting_read_ends_when_its_page_goes_away() {
    let cards = DemoCards::default();
    cards.set_card_present(false);
    let agent = start(&cards);
    let port = agent.port();
    let host = host(&agent);
    let body = format!(r#"{{"key":{{"id":"{ID}"}},"wait_seconds":60}}"#);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let request = format!(
        "POST /v1/read HTTP/1.1\r\nHost: {host}\r\nOrigin: {HIS}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let status = || send(port, "GET", "/v1/status", &[("Host", &host), ("Origin", HIS)], "").json();
    let deadline = Instant::now() + Duration::from_secs(5);
    while status()["busy"] != true {
        assert!(Instant::now() < deadline, "the read did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The page is closed: its connection goes away, and with it the read that held the slot.
    drop(stream);
    let deadline = Instant::now() + Duration::from_secs(10);
    while status()["busy"] == true {
        assert!(Instant::now() < deadline, "the read outlived its page");
        std::thread::sleep(Duration::from_millis(50));
    }
}
