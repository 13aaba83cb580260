//! The C ABI from C: `examples/c/read_card.c` compiled with gcc against the built
//! `libcancuoc_ffi.so`, run on the built-in virtual card and on the virtual card behind pcscd.
//!
//! Needs gcc and the library built first (`cargo build --workspace --bins --lib`, as the
//! README's test command does).

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

/// The C example, compiled once.
fn example() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let lib = target_dir().join("libcancuoc_ffi.so");
        assert!(lib.exists(), "{} is not built: run `cargo build --workspace --bins --lib` first", lib.display());
        let out = target_dir().join("read_card_c");
        let status = Command::new("gcc")
            .args(["-Wall", "-Wextra", "-Werror", "-I"])
            .arg(root.join("crates/cancuoc-ffi/include"))
            .arg(root.join("examples/c/read_card.c"))
            .arg("-L")
            .arg(target_dir())
            .args(["-lcancuoc_ffi", "-o"])
            .arg(&out)
            .status()
            .expect("gcc is needed: apt-get install gcc");
        assert!(status.success(), "the C example does not compile");
        out
    })
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
