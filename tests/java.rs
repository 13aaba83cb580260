//! The Java wrapper from Java: `bindings/java/src/cancuoc/Cancuoc.java` compiled with javac
//! against JNA (warnings as errors), and its tests (`bindings/java/test`) run on the JVM with the
//! built `libcancuoc_ffi.so`: the built-in virtual card, the virtual card behind a Java callback
//! (`Cancuoc.readTransport`), and callbacks that throw or answer garbage.
//!
//! Needs a JDK and JNA (`default-jdk-headless`, `libjna-java`: scripts/setup-debian --bindings);
//! without them the test says it skipped, unless `CANCUOC_REQUIRE_BINDINGS` is set (scripts/test
//! sets it).

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's JNA (libjna-java).
const JNA: &str = "/usr/share/java/jna.jar";

/// target/<profile>/, where the library is.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}

fn run(command: &mut Command) -> String {
    let out = command.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{command:?} failed:\n{text}");
    text
}

#[test]
fn the_java_wrapper_reads_through_a_java_callback_and_survives_bad_ones() {
    let present =
        Command::new("javac").arg("-version").output().is_ok_and(|o| o.status.success()) && Path::new(JNA).exists();
    if !present {
        assert!(
            std::env::var_os("CANCUOC_REQUIRE_BINDINGS").is_none(),
            "a JDK or JNA is missing: scripts/setup-debian --bindings installs default-jdk-headless and libjna-java"
        );
        eprintln!("skipped: no JDK or JNA (scripts/setup-debian --bindings)");
        return;
    }
    let lib = target_dir().join("libcancuoc_ffi.so");
    assert!(lib.exists(), "{} is not built: run `cargo build --workspace --bins --lib` first", lib.display());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let classes = std::env::temp_dir().join(format!("cancuoc-java-{}", std::process::id()));
    run(Command::new("javac")
        .args(["-Xlint:all", "-Werror", "-d"])
        .arg(&classes)
        .args(["-cp", JNA])
        .arg(root.join("bindings/java/src/cancuoc/Cancuoc.java"))
        .arg(root.join("bindings/java/test/CancuocTest.java")));
    let output = run(Command::new("java")
        .arg("-cp")
        .arg(format!("{JNA}:{}", classes.display()))
        .arg(format!("-Djna.library.path={}", target_dir().display()))
        .arg("CancuocTest")
        .arg(root.join("fixtures/pki/cancuoc-test-csca.der")));
    assert!(
        output.contains("ok   transport: every APDU through the callback") && output.contains("all passed"),
        "{output}"
    );
    let _ = std::fs::remove_dir_all(&classes);
}
