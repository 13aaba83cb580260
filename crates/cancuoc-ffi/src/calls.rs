//! What each C entry point does, in safe Rust: parse the request, run the read every front end
//! runs (`cancuoc_kit::answer`, or check a dump), answer JSON with the CLI's exit code. Other language bindings written in Rust
//! (the Python module, `bindings/python`) call these instead of the C functions: the same
//! requests, answers and codes, without the C strings. Run them through [`guarded`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use base64ct::{Base64, Encoding};
use cancuoc::{Checks, TrustStore};
use cancuoc_kit::cards::Cards;
use cancuoc_kit::error::{ApiError, Code};
use cancuoc_kit::request::parse_body;

use crate::held::{HeldCard, HintedLink, LinkHints};
use serde_json::{Map, Value, json};

/// The reads under way, each with its own cancel flag and the caller's `cancel_token`: a
/// cancel ends the reads it names and no other, from any thread.
static READS: LazyLock<Mutex<Vec<RunningRead>>> = LazyLock::new(|| Mutex::new(Vec::new()));

/// A read under way.
struct RunningRead {
    flag: Arc<AtomicBool>,
    token: Option<String>,
}

/// A read's registration in [`READS`], removed when the read ends.
struct Registered(Arc<AtomicBool>);

impl Registered {
    fn new(token: Option<String>) -> Self {
        let flag = Arc::new(AtomicBool::new(false));
        if let Ok(mut reads) = READS.lock() {
            reads.push(RunningRead { flag: flag.clone(), token });
        }
        Self(flag)
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut reads) = READS.lock() {
            reads.retain(|read| !Arc::ptr_eq(&read.flag, &self.0));
        }
    }
}

/// The specimen's ID number: the demo's key when the request names none.
const DEMO_ID: &str = "001090012345";

/// An answer: the JSON and the return code.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// 0 ok, 1 error, 2 bad request, 3 read but a check failed.
    pub code: i32,
    /// The answer.
    pub json: Value,
}

impl Outcome {
    fn ok(json: Value) -> Self {
        Self { code: 0, json }
    }

    /// The answer of a card or dump that was read (`verdict`, the report, what was asked);
    /// when a check failed, code 3 and the endpoint's failed answer
    /// ([`cancuoc_kit::answer::failed_body`]: `verdict`, `error` with code `check_failed`, the
    /// verdict and the reasons in both languages, the report without the holder's data, no
    /// record), with the same `error` object also as `check_failed` (its name before 0.2).
    fn read(mut json: Value, check_failed: bool) -> Self {
        if !check_failed {
            return Self::ok(json);
        }
        if let Value::Object(object) = &mut json {
            let error = object.get("error").cloned().unwrap_or(Value::Null);
            object.insert("check_failed".to_owned(), error);
        }
        Self { code: 3, json }
    }

    /// Names what trust loading skipped (`"trust_warnings":[…]`), so that an `untrusted` verdict
    /// from a folder with an unusable file is not a mystery; nothing is added when all was used.
    fn with_trust_warnings(mut self, warnings: Vec<String>) -> Self {
        if !warnings.is_empty()
            && let Value::Object(object) = &mut self.json
        {
            object.insert("trust_warnings".to_owned(), json!(warnings));
        }
        self
    }

    fn error(error: &ApiError) -> Self {
        let code = if error.code == Code::BadRequest { 2 } else { 1 };
        Self { code, json: error.body() }
    }

    /// A malformed request.
    pub fn bad_request(message: &str) -> Self {
        Self::error(&ApiError::new(Code::BadRequest, message))
    }

    /// A panic caught at the boundary.
    pub fn internal() -> Self {
        Self::error(&ApiError::new(Code::Internal, "internal error in cancuoc (a bug: please report it)"))
    }
}

/// Runs `call` with its panics caught: a caught panic answers `internal` (code 1).
pub fn guarded(call: impl FnOnce() -> Outcome) -> Outcome {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)).unwrap_or_else(|_| Outcome::internal())
}

/// The readers and whether each holds a card (`cancuoc_readers`).
pub fn readers() -> Outcome {
    let cards = match system_cards() {
        Ok(cards) => cards,
        Err(e) => return Outcome::error(&e),
    };
    match cards.readers() {
        Ok(list) => {
            let readers: Vec<Value> =
                list.into_iter().map(|r| json!({"name": r.name, "card": r.card_present})).collect();
            Outcome::ok(json!({ "readers": readers }))
        }
        Err(e) => Outcome::error(&ApiError::from_read(&cancuoc::Error::Transport(e), false)),
    }
}

/// The system's PC/SC readers, or why this build has none (built without the feature `pcsc`,
/// for a platform without PC/SC).
fn system_cards() -> Result<&'static dyn Cards, ApiError> {
    #[cfg(feature = "pcsc")]
    return Ok(&cancuoc_kit::cards::PcscCards);
    #[cfg(not(feature = "pcsc"))]
    Err(ApiError::new(
        Code::NoReader,
        "this build of cancuoc has no PC/SC readers (a build for a phone): hand the card over with cancuoc_read_transport",
    ))
}

/// Ends the read under way: it answers `cancelled` (`cancuoc_cancel`).
pub fn cancel() {
    if let Ok(reads) = READS.lock() {
        for read in reads.iter() {
            read.flag.store(true, Ordering::SeqCst);
        }
    }
}

/// Ends the reads under way whose request named `token` as its `cancel_token`
/// (`cancuoc_cancel_read`); how many it ended.
pub fn cancel_read(token: &str) -> usize {
    let Ok(reads) = READS.lock() else { return 0 };
    let named: Vec<&RunningRead> = reads.iter().filter(|read| read.token.as_deref() == Some(token)).collect();
    for read in &named {
        read.flag.store(true, Ordering::SeqCst);
    }
    named.len()
}

/// Reads and checks the card on a reader; `request` as for `cancuoc_read` (`cancuoc_read`).
pub fn read(request: &str) -> Outcome {
    match system_cards() {
        Ok(cards) => read_with(cards, request, Source::Readers),
        Err(e) => Outcome::error(&e),
    }
}

/// Reads the built-in virtual CCCD; `request` as for `cancuoc_read`, all optional (`cancuoc_demo`).
/// A library built without the feature `demo` has no virtual card: `no_reader`, saying so.
pub fn demo(request: &str) -> Outcome {
    #[cfg(feature = "demo")]
    return read_with(&cancuoc_kit::demo::DemoCards::default(), request, Source::Demo);
    #[cfg(not(feature = "demo"))]
    {
        let _ = request;
        Outcome::error(&ApiError::new(
            Code::NoReader,
            "this build of cancuoc has no virtual card: build cancuoc-ffi with the feature demo to try it",
        ))
    }
}

/// Reads and checks the card the caller holds behind `link` (`cancuoc_read_transport`, Python's
/// `read(transport=…)`): `request` as for `cancuoc_read`, without `reader` or `wait_seconds`
/// (the card is there: the caller hands it over).
pub fn read_held(request: &str, link: Box<dyn cancuoc::Transport + Send>) -> Outcome {
    let mut object = match request_object(request) {
        Ok(object) => object,
        Err(outcome) => return outcome,
    };
    let hints = match object.remove("link") {
        None | Some(Value::Null) => LinkHints::default(),
        Some(link) => match link_hints(&link) {
            Ok(hints) => hints,
            Err(message) => return Outcome::bad_request(&message),
        },
    };
    let card = HeldCard::new(Box::new(HintedLink::new(link, hints)));
    read_object(&card, object, Source::Held)
}

/// The request's `"link"`: what the caller knows of its link to the card.
fn link_hints(link: &Value) -> Result<LinkHints, String> {
    const FORM: &str =
        r#"link: {"max_apdu_data":N,"extended_length":true|false,"atr":"HEX","card_access":"BASE64"}, each optional"#;
    let Value::Object(fields) = link else { return Err(FORM.to_owned()) };
    let mut hints = LinkHints::default();
    for (name, value) in fields {
        match (name.as_str(), value) {
            (_, Value::Null) => {}
            ("max_apdu_data", Value::Number(n)) => {
                hints.max_apdu_data = Some(
                    n.as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .filter(|n| (1..=65_536).contains(n))
                        .ok_or("link.max_apdu_data: 1 to 65536")?,
                );
            }
            ("extended_length", Value::Bool(b)) => hints.extended_length = Some(*b),
            ("atr", Value::String(hex)) => {
                hints.atr =
                    Some(hex::decode(hex).ok().filter(|atr| atr.len() <= 33).ok_or("link.atr: up to 33 bytes in hex")?);
            }
            ("card_access", Value::String(text)) => {
                let bytes = Base64::decode_vec(text).map_err(|_| "link.card_access: base64".to_owned())?;
                if bytes.is_empty() || bytes.len() > 4096 {
                    return Err("link.card_access: 1 to 4096 bytes".to_owned());
                }
                hints.card_access = Some(bytes);
            }
            _ => return Err(format!("{FORM} (not {name:?} = {value})")),
        }
    }
    Ok(hints)
}

/// Where a read's card comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A PC/SC reader.
    Readers,
    /// The built-in virtual card: the specimen's key unless the request names one.
    Demo,
    /// The caller's transport.
    Held,
}

fn read_with(cards: &dyn Cards, request: &str, source: Source) -> Outcome {
    match request_object(request) {
        Ok(object) => read_object(cards, object, source),
        Err(outcome) => outcome,
    }
}

fn read_object(cards: &dyn Cards, mut object: Map<String, Value>, source: Source) -> Outcome {
    if source == Source::Demo && !object.contains_key("key") {
        object.insert("key".to_owned(), json!({ "id": DEMO_ID }));
    }
    if source == Source::Held {
        for field in ["reader", "wait_seconds"] {
            if object.get(field).is_some_and(|value| !value.is_null()) {
                return Outcome::bad_request(&format!(
                    "{field}: not with a transport (the caller holds the card and hands it over)"
                ));
            }
        }
        object.insert("wait_seconds".to_owned(), json!(0));
    }
    let (trust, warnings) = match take_trust(&mut object) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let token = match object.remove("cancel_token") {
        None | Some(Value::Null) => None,
        Some(Value::String(token)) if !token.is_empty() && token.len() <= 128 => Some(token),
        Some(_) => return Outcome::bad_request("cancel_token: a string of 1 to 128 characters"),
    };
    let body = Value::Object(object).to_string();
    let request = match parse_body(body.as_bytes()) {
        Ok(request) => request,
        Err(e) => return Outcome::error(&e),
    };
    let registered = Registered::new(token);
    match cancuoc_kit::answer::perform(cards, &trust, &request, &registered.0) {
        Ok(answer) => Outcome::read(answer.body, answer.check_failed).with_trust_warnings(warnings),
        Err(e) => Outcome::error(&e),
    }
}

/// Checks a saved dump: `{"dir"}` or `{"files"}` with `trust` and `at` (`cancuoc_verify`).
pub fn verify(request: &str) -> Outcome {
    let mut object = match request_object(request) {
        Ok(object) => object,
        Err(outcome) => return outcome,
    };
    let (trust, warnings) = match take_trust(&mut object) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let now = cancuoc_kit::clock::now();
    let at = match object.remove("at") {
        None | Some(Value::Null) => now,
        Some(Value::String(text)) => match cancuoc::report::parse_instant(&text) {
            Some(at) => at,
            None => return Outcome::bad_request("at: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"),
        },
        Some(_) => return Outcome::bad_request("at: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"),
    };
    let (files, report_json) = match (object.remove("dir"), object.remove("files")) {
        (Some(Value::String(dir)), None) => match cancuoc_kit::dump::read_dir(std::path::Path::new(&dir)) {
            Ok(found) => found,
            Err(message) => return Outcome::error(&ApiError::new(Code::FileError, message)),
        },
        (None, Some(Value::Object(files))) => match decode_files(&files) {
            Ok(files) => (files, None),
            Err(message) => return Outcome::bad_request(&message),
        },
        _ => return Outcome::bad_request("give \"dir\":\"PATH\" or \"files\":{\"SOD\":\"base64\",…}"),
    };
    if let Some(name) = object.keys().next() {
        return Outcome::bad_request(&format!("unknown field {name:?}"));
    }
    let checks = Checks::at_instant(&trust, now).at_time(at);
    let Some(inspection) = cancuoc::inspect_dump(files, report_json.as_deref(), &checks) else {
        return Outcome::error(&ApiError::new(
            Code::FileError,
            "no dump: give the folder `cancuoc read --out` wrote, or its DGn and SOD files",
        ));
    };
    let report = inspection.report();
    Outcome::read(cancuoc_kit::answer::dump_body(report), report.check_failed()).with_trust_warnings(warnings)
}

/// The request as a JSON object; empty text is `{}`.
fn request_object(request: &str) -> Result<Map<String, Value>, Outcome> {
    if request.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str(request) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(Value::Null) => Ok(Map::new()),
        _ => Err(Outcome::bad_request("the request is not a JSON object")),
    }
}

/// Removes `"trust":[PATH…]` from the request and loads it by the rules every front end
/// follows (`cancuoc_kit::trust`): certificates, CRLs, master lists anchored by a certificate
/// beside them, folders walked four levels deep (their unusable files skipped, each named in
/// the warnings).
fn take_trust(object: &mut Map<String, Value>) -> Result<(TrustStore, Vec<String>), Outcome> {
    let paths: Vec<std::path::PathBuf> = match object.remove("trust") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|v| v.as_str().map(std::path::PathBuf::from))
            .collect::<Option<_>>()
            .ok_or_else(|| Outcome::bad_request("trust: a list of paths"))?,
        Some(_) => return Err(Outcome::bad_request("trust: a list of paths")),
    };
    let sources = cancuoc_kit::trust::TrustSources { paths, ..Default::default() };
    cancuoc_kit::trust::load(&sources)
        .map(|loaded| (loaded.store, loaded.warnings))
        .map_err(|e| Outcome::error(&ApiError::new(Code::FileError, format!("trust: {e}"))))
}

/// `{"SOD":"base64",…}` as dump files (`SOD.bin`, …).
fn decode_files(files: &Map<String, Value>) -> Result<Vec<(String, Vec<u8>)>, String> {
    files
        .iter()
        .map(|(name, value)| {
            let text = value.as_str().ok_or_else(|| format!("files.{name}: base64 text"))?;
            let bytes = Base64::decode_vec(text).map_err(|_| format!("files.{name}: not base64"))?;
            Ok((format!("{name}.bin"), bytes))
        })
        .collect()
}

#[cfg(all(test, feature = "demo"))]
mod tests {
    use cancuoc_kit::demo::DemoCards;

    use super::*;

    #[test]
    fn a_cancel_token_ends_its_own_read_and_no_other() {
        let absent = DemoCards::default();
        absent.set_card_present(false);
        let request = |wait: u64, token: &str| {
            format!(r#"{{"key":{{"id":"001090012345"}},"wait_seconds":{wait},"cancel_token":"{token}"}}"#)
        };
        let (a, b) = (absent.clone(), absent.clone());
        let (first_request, second_request) = (request(20, "first"), request(2, "second"));
        let first = std::thread::spawn(move || read_with(&a, &first_request, Source::Readers));
        let second = std::thread::spawn(move || read_with(&b, &second_request, Source::Readers));
        let registered = |token: &str| READS.lock().unwrap().iter().any(|r| r.token.as_deref() == Some(token));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !(registered("first") && registered("second")) {
            assert!(std::time::Instant::now() < deadline, "the reads did not start");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(cancel_read("first"), 1);
        let first = first.join().unwrap();
        assert_eq!(first.json["error"]["code"], "cancelled", "{}", first.json);
        // The other read was not touched: it ends by its own wait.
        let second = second.join().unwrap();
        assert_ne!(second.json["error"]["code"], "cancelled", "{}", second.json);
        assert_eq!(cancel_read("first"), 0, "a finished read is no longer listed");
        assert_eq!(demo(r#"{"cancel_token":7}"#).code, 2);
    }

    #[test]
    fn the_demo_reads_the_specimen_and_gives_the_projections() {
        let outcome = demo("");
        assert_eq!(outcome.code, 0, "{}", outcome.json);
        assert_eq!(outcome.json["checkin"]["so_cccd"], DEMO_ID);
        assert_eq!(outcome.json["report"]["schema"], "cancuoc/1");
        let outcome = demo(r#"{"key":{"can":"012345"},"want":["verification"]}"#);
        assert_eq!(outcome.code, 0);
        assert!(outcome.json.get("checkin").is_none());
    }

    #[test]
    fn bad_requests_are_code_2_and_wrong_keys_code_1() {
        for request in ["[1]", "not json", r#"{"key":{"can":"012345"},"extra":1}"#, r#"{"trust":"x"}"#] {
            let outcome = demo(request);
            assert_eq!(outcome.code, 2, "{request}: {}", outcome.json);
            assert_eq!(outcome.json["error"]["code"], "bad_request");
        }
        let wrong = demo(r#"{"key":{"can":"999999"}}"#);
        assert_eq!((wrong.code, wrong.json["error"]["code"].as_str()), (1, Some("wrong_key")));
        let missing = demo(r#"{"trust":["/nonexistent/csca.der"]}"#);
        assert_eq!((missing.code, missing.json["error"]["code"].as_str()), (1, Some("file_error")));
        assert!(missing.json["error"]["message_vi"].is_string());
    }

    #[test]
    fn a_dump_verifies_from_its_files_and_a_changed_byte_fails_the_check() {
        let read = demo(r#"{"want":["raw"]}"#);
        let raw = read.json["raw"].as_object().unwrap().clone();
        // Raw files are every file of the chip: EF.COM is read for them.
        assert!(raw.contains_key("COM") && raw.contains_key("SOD"), "{:?}", raw.keys());
        let request = json!({ "files": raw }).to_string();
        let outcome = verify(&request);
        assert_eq!(outcome.code, 0, "{}", outcome.json);
        assert_eq!(outcome.json["checkin"]["so_cccd"], DEMO_ID);
        let mut dg1 = Base64::decode_vec(raw["DG1"].as_str().unwrap()).unwrap();
        let last = dg1.len() - 1;
        dg1[last] ^= 1;
        let raw_files = raw.clone();
        let mut altered = raw;
        altered.insert("DG1".to_owned(), Value::String(Base64::encode_string(&dg1)));
        let outcome = verify(&json!({ "files": altered }).to_string());
        assert_eq!(outcome.code, 3, "{}", outcome.json);
        let failed = &outcome.json["check_failed"];
        assert_eq!(failed["code"], "check_failed");
        assert!(failed["reasons"][0].as_str().unwrap().contains("DG1 "), "{failed}");
        assert!(failed["message"].as_str().unwrap().contains("DG1 ") && failed["message_vi"].is_string());
        // The same answer as the endpoint's: the verdict, the error, no record to file.
        assert_eq!(outcome.json["verdict"], "altered");
        assert_eq!(outcome.json["error"], *failed);
        assert_eq!(failed["verdict"], "altered");
        assert!(outcome.json.get("checkin").is_none() && outcome.json.get("bhxh").is_none(), "{}", outcome.json);
        assert!(outcome.json["report"]["holder"]["full_name"].is_null(), "{}", outcome.json);
        let passed = verify(&json!({ "files": raw_files }).to_string()).json;
        assert!(passed.get("check_failed").is_none() && passed.get("error").is_none());
        assert!(passed["verdict"].is_string() && passed["checkin"].is_object(), "{passed}");
        assert_eq!(verify(r#"{"dir":"/x","files":{}}"#).code, 2);
        // A trust folder with an unusable file: the answer names it.
        let folder = std::env::temp_dir().join(format!("cancuoc-ffi-trust-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("notes.txt"), b"not a certificate").unwrap();
        let request = json!({ "files": raw_files, "trust": [folder.display().to_string()] }).to_string();
        let warned = verify(&request).json;
        assert!(warned["trust_warnings"][0].as_str().unwrap().contains("notes.txt"), "{warned}");
        std::fs::remove_dir_all(&folder).unwrap();
        assert_eq!(verify(r#"{"files":{"SOD":"%%"}}"#).code, 2);
    }
}
