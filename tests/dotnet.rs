//! The .NET wrapper from C#: `bindings/dotnet/Cancuoc.cs` compiled by Mono's mcs against the
//! .NET Framework 4.5 reference assemblies (with its XML docs, warnings as errors), checked
//! to use only types .NET Standard 2.0 has, and its tests (`bindings/dotnet/tests`) run under
//! mono with the built `libcancuoc_ffi.so`: on the built-in virtual card, on dumps, and on the
//! virtual card behind pcscd.
//!
//! Needs `mono-devel` and `mono-runtime` (scripts/setup-debian --bindings); without them the
//! test says it skipped, unless `CANCUOC_REQUIRE_BINDINGS` is set (scripts/test sets it).

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::TestBed;

/// The .NET Framework 4.5 reference assemblies of mono-devel.
const NET45: &str = "/usr/lib/mono/4.5-api";
/// .NET Standard 2.0's netstandard.dll (type forwarders), as .NET Framework 4.7.1 ships it.
const NETSTANDARD20: &str = "/usr/lib/mono/4.7.1-api/Facades/netstandard.dll";

/// target/<profile>/, where the library is.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// True when Mono's compiler, runtime and reference assemblies are here; otherwise says the
/// test skipped (or fails, when the bindings are required).
fn mono_present() -> bool {
    let present = ["/usr/bin/mcs", "/usr/bin/mono", "/usr/bin/ikdasm", NETSTANDARD20]
        .iter()
        .chain(&[NET45])
        .all(|p| Path::new(p).exists());
    if !present {
        assert!(
            std::env::var_os("CANCUOC_REQUIRE_BINDINGS").is_none(),
            "Mono is missing: scripts/setup-debian --bindings installs mono-devel and mono-runtime"
        );
        eprintln!("skipped: Mono is not installed (scripts/setup-debian --bindings)");
    }
    present
}

fn run(command: &mut Command) -> String {
    let out = command.output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{command:?} failed:\n{text}");
    text
}

/// Compiles the wrapper for .NET Framework 4.5 and the tests against it; returns the tests'
/// executable.
fn build(dir: &Path) -> PathBuf {
    let library = dir.join("Cancuoc.dll");
    let reference = |name: &str| format!("-r:{NET45}/{name}");
    run(Command::new("mcs")
        .args(["-nologo", "-warnaserror", "-target:library", "-nostdlib"])
        .args(["mscorlib.dll", "System.dll", "System.Runtime.Serialization.dll", "System.Xml.dll"].map(reference))
        .arg(format!("-doc:{}", dir.join("Cancuoc.xml").display()))
        .arg(format!("-out:{}", library.display()))
        .arg(root().join("bindings/dotnet/Cancuoc.cs")));
    let tests = dir.join("CancuocTests.exe");
    run(Command::new("mcs")
        .args(["-nologo", "-warnaserror", "-sdk:4.5", "-r:System.Runtime.Serialization.dll"])
        .arg(format!("-r:{}", library.display()))
        .arg(format!("-out:{}", tests.display()))
        .arg(root().join("bindings/dotnet/tests/CancuocTests.cs")));
    tests
}

/// The framework types an assembly's IL names (`[mscorlib]System.IO.Stream` → `System.IO.Stream`).
fn types_named(il: &str) -> BTreeSet<String> {
    let mut types = BTreeSet::new();
    for piece in il.split('[').skip(1) {
        let Some((assembly, rest)) = piece.split_once(']') else { continue };
        if assembly.is_empty() || !assembly.chars().all(|c| c.is_ascii_alphanumeric() || c == '.') {
            continue;
        }
        let name: String =
            rest.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '`')).collect();
        if name.contains('.') {
            types.insert(name);
        }
    }
    types
}

#[test]
fn the_dotnet_wrapper_builds_for_net45_and_netstandard20_and_passes_its_tests() {
    if !mono_present() {
        return;
    }
    let lib = target_dir().join("libcancuoc_ffi.so");
    assert!(lib.exists(), "{} is not built: run `cargo build --workspace --bins --lib` first", lib.display());
    let dir = std::env::temp_dir().join(format!("cancuoc-dotnet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tests = build(&dir);

    // .NET Standard 2.0: every framework type the wrapper names is one netstandard.dll has.
    let used = types_named(&run(Command::new("ikdasm").arg(dir.join("Cancuoc.dll"))));
    let standard = run(Command::new("ikdasm").arg(NETSTANDARD20));
    assert!(standard.contains(".ver 2:0:0:0"), "not .NET Standard 2.0's netstandard.dll");
    let forwarded: BTreeSet<&str> =
        standard.lines().filter_map(|l| l.trim().strip_prefix(".class extern forwarder ")).collect();
    let missing: Vec<&String> = used.iter().filter(|t| !forwarded.contains(t.as_str())).collect();
    assert!(used.contains("System.Runtime.InteropServices.Marshal"), "{used:?}");
    assert!(missing.is_empty(), "not in .NET Standard 2.0: {missing:?}");

    // The tests, on the built-in card and dumps, then on the virtual card behind pcscd.
    let csca = root().join("fixtures/pki/cancuoc-test-csca.der");
    let output = run(Command::new("mono").arg(&tests).arg(&csca).env("LD_LIBRARY_PATH", target_dir()));
    assert!(output.contains("all passed"), "{output}");
    let bed = TestBed::start(&[]);
    let output = run(Command::new("mono")
        .arg(&tests)
        .arg(&csca)
        .arg("Virtual PCD 00 00")
        .env("LD_LIBRARY_PATH", target_dir())
        .env("PCSCLITE_CSOCK_NAME", bed.socket()));
    assert!(output.contains("ok   pcscd read: passive valid") && output.contains("all passed"), "{output}");
    drop(bed);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn il_type_names_are_read_with_their_namespaces() {
    let il = "call void [mscorlib]System.Buffer::BlockCopy(class [mscorlib]System.Array, int32)\n\
              newobj instance void [System.Runtime.Serialization]System.Runtime.Serialization.Json.DataContractJsonSerializer::.ctor()\n\
              .param [1]  [out] x";
    let types = types_named(il);
    let expected = ["System.Array", "System.Buffer", "System.Runtime.Serialization.Json.DataContractJsonSerializer"];
    assert_eq!(types.iter().map(String::as_str).collect::<Vec<_>>(), expected);
}
