//! The C ABI from C: `examples/c/read_card.c` and `examples/c/transport.c` compiled with gcc
//! against the built `libcancuoc_ffi.so`, run on the built-in virtual card, on the virtual card
//! behind pcscd, and — the program's own transport — through the program's own PC/SC calls
//! and through a callback 1 000 times under AddressSanitizer's leak check (and 20 times under
//! valgrind, where it is installed).
//!
//! Needs gcc (with libasan) and the library built first (`cargo build --workspace --bins --lib`,
//! as the README's test command does).

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use support::TestBed;

/// target/<profile>/, where the library is.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}

/// An example of `examples/c`, compiled once per name and flags.
fn compile(source: &str, out: &str, flags: &[&str]) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = target_dir().join("libcancuoc_ffi.so");
    assert!(lib.exists(), "{} is not built: run `cargo build --workspace --bins --lib` first", lib.display());
    let out = target_dir().join(out);
    let status = Command::new("gcc")
        .args(["-Wall", "-Wextra", "-Werror", "-g"])
        .args(flags)
        .arg("-I")
        .arg(root.join("crates/cancuoc-ffi/include"))
        .args(["-I", "/usr/include/PCSC"])
        .arg(root.join("examples/c").join(source))
        .arg("-L")
        .arg(target_dir())
        .args(["-lcancuoc_ffi", "-lpcsclite", "-o"])
        .arg(&out)
        .status()
        .expect("gcc is needed: apt-get install gcc");
    assert!(status.success(), "{source} does not compile");
    out
}

/// The C example, compiled once.
fn example() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| compile("read_card.c", "read_card_c", &[]))
}

fn run(args: &[&str], pcscd_socket: Option<&Path>) -> (i32, serde_json::Value) {
    let mut command = Command::new(example());
    command.args(args).env("LD_LIBRARY_PATH", target_dir());
    if let Some(socket) = pcscd_socket {
        command.env("PCSCLITE_CSOCK_NAME", socket);
    }
    let Output { status, stdout, stderr } = command.output().unwrap();
    let json = serde_json::from_slice(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {} / {}", String::from_utf8_lossy(&stdout), String::from_utf8_lossy(&stderr)));
    (status.code().unwrap_or(-1), json)
}

#[test]
fn c_reads_the_built_in_virtual_card_and_gets_bad_requests_as_code_2() {
    let (code, answer) = run(&["--demo"], None);
    assert_eq!(code, 0, "{answer}");
    assert_eq!(answer["checkin"]["so_cccd"], "001090012345");
    assert_eq!(answer["checkin"]["ho_ten"], "Nguyễn Văn Mẫu");
    assert_eq!(answer["report"]["schema"], "cancuoc/1");
    let (code, answer) = run(&["--demo", "{\"key\":{\"pin\":\"1\"}}"], None);
    assert_eq!((code, answer["error"]["code"].as_str()), (2, Some("bad_request")));
}

#[test]
fn c_lists_readers_and_reads_the_card_behind_pcscd() {
    let bed = TestBed::start(&[]);
    let (code, readers) = run(&["--readers"], Some(&bed.socket()));
    assert_eq!(code, 0, "{readers}");
    assert_eq!(readers["readers"][0]["card"], true);
    let csca = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki/cancuoc-test-csca.der");
    let request = serde_json::json!({"key": {"id": "001090012345"}, "trust": [csca]}).to_string();
    let (code, answer) = run(&[&request], Some(&bed.socket()));
    assert_eq!(code, 0, "{answer}");
    assert_eq!(answer["checkin"]["so_cccd"], "001090012345");
    assert_eq!(answer["report"]["verification"]["passive"]["status"], "valid", "{answer}");
    let (code, answer) = run(&["{\"key\":{\"can\":\"999999\"}}"], Some(&bed.socket()));
    assert_eq!((code, answer["error"]["code"].as_str()), (1, Some("wrong_key")));
}

/// Runs `program` with `args` against the library; its exit code, stdout and stderr.
fn run_program(program: &mut Command, pcscd_socket: Option<&Path>) -> (i32, String, String) {
    program.env("LD_LIBRARY_PATH", target_dir());
    if let Some(socket) = pcscd_socket {
        program.env("PCSCLITE_CSOCK_NAME", socket);
    }
    let Output { status, stdout, stderr } = program.output().unwrap();
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

#[test]
fn c_reads_through_its_own_pcsc_connection_the_same_as_cancuoc_read() {
    let bed = TestBed::start(&[]);
    let program = compile("transport.c", "transport_c", &[]);
    let csca = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pki/cancuoc-test-csca.der");
    let request = serde_json::json!({"key": {"can": "012345"}, "trust": [csca]}).to_string();
    let (code, stdout, stderr) =
        run_program(Command::new(&program).args(["--pcsc", "Virtual PCD 00 00", &request]), Some(&bed.socket()));
    let held: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
    assert_eq!(code, 0, "{held}");
    let (code, read) = run(&[&request], Some(&bed.socket()));
    assert_eq!(code, 0, "{read}");
    // The same record and the same verdicts as the library's own PC/SC read.
    assert_eq!(held["checkin"], read["checkin"]);
    assert_eq!(held["verdict"], read["verdict"]);
    let statuses = |answer: &serde_json::Value| {
        let v = &answer["report"]["verification"];
        [&v["passive"]["status"], &v["chip"]["status"], &v["active"]["status"]].map(|s| s.as_str().map(str::to_owned))
    };
    assert_eq!(statuses(&held), statuses(&read));
    assert_eq!(held["report"]["verification"]["passive"]["status"], "valid", "{held}");
    assert_eq!(held["report"]["access"]["protocol"], read["report"]["access"]["protocol"]);
}

#[test]
fn a_thousand_reads_through_a_c_callback_leak_nothing() {
    // AddressSanitizer's leak check sees every allocation, the library's included (it replaces
    // malloc), and its red zones catch a callback writing past the library's buffers.
    let program = compile("transport.c", "transport_c_asan", &["-fsanitize=address"]);
    let mut command = Command::new(&program);
    command.args(["--virtual", "1000"]).env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0");
    let (code, stdout, stderr) = run_program(&mut command, None);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1000 reads through the callback"), "{stderr}");
    let answer: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(answer["checkin"]["so_cccd"], "001090012345");
    // valgrind checks the library's side too (uninitialised reads, frees), 20 reads (it is slow).
    if Command::new("valgrind").arg("--version").output().is_err() {
        assert!(std::env::var_os("CANCUOC_REQUIRE_BINDINGS").is_none(), "valgrind is needed: apt-get install valgrind");
        eprintln!("skipped: valgrind is not installed");
        return;
    }
    let plain = compile("transport.c", "transport_c", &[]);
    let mut command = Command::new("valgrind");
    command
        .args(["-q", "--leak-check=full", "--show-leak-kinds=definite,indirect"])
        .args(["--errors-for-leak-kinds=definite,indirect", "--error-exitcode=9"])
        .arg(&plain)
        .args(["--virtual", "20"]);
    let (code, _, stderr) = run_program(&mut command, None);
    assert_eq!(code, 0, "{stderr}");
}
