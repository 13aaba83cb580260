//! The PC/SC test bed shared by the end-to-end tests: pcscd with vsmartcard's vpcd driver and
//! the virtual card `cancuoc-vcard`, in a private mount and network namespace
//! (`docs/research/testbed.md`), and the built binaries.

// Each test file uses its own part of the bed.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const VPCD_DRIVER: &str = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
/// No test command may take longer: vpcd never times out (testbed.md pitfall 2).
pub(crate) const COMMAND_DEADLINE: Duration = Duration::from_secs(60);

static BEDS: AtomicUsize = AtomicUsize::new(0);

/// The built binaries, next to this test's executable (target/<profile>/).
pub(crate) fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(Path::parent).expect("target directory");
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built: run `cargo build --workspace --bins` first (the README's test command does)",
        path.display()
    );
    path
}

pub(crate) fn pcscd() -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin"] {
        let path = Path::new(dir).join("pcscd");
        if path.exists() {
            return path;
        }
    }
    panic!(
        "pcscd is not installed: apt-get install --no-install-recommends pcscd vsmartcard-vpcd (or run scripts/test)"
    );
}

/// pcscd + one virtual card in a private namespace; stopped by PID on drop.
pub(crate) struct TestBed {
    pub(crate) dir: PathBuf,
    namespace: Child,
    pcscd: Option<Child>,
    card: Option<Child>,
}

impl TestBed {
    pub(crate) fn start(card_args: &[&str]) -> Self {
        let mut bed = Self::start_without_service();
        bed.start_service(card_args);
        bed
    }

    /// The namespace and folders only: the smart-card service is not running yet (as on a
    /// Windows desk whose last reader was unplugged); [`TestBed::start_service`] starts it.
    pub(crate) fn start_without_service() -> Self {
        assert!(
            Path::new(VPCD_DRIVER).exists(),
            "vpcd driver missing: apt-get install --no-install-recommends vsmartcard-vpcd"
        );
        let n = BEDS.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("cancuoc-e2e-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("run")).unwrap();
        std::fs::create_dir_all(dir.join("conf")).unwrap();
        std::fs::write(
            dir.join("conf/vpcd"),
            format!(
                "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:0x8C7B\nLIBPATH {VPCD_DRIVER}\nCHANNELID 0x8C7B\n"
            ),
        )
        .unwrap();
        let ready = dir.join("ns.ready");
        let script = format!(
            "ip link set lo up && mkdir -p /run/pcscd && mount --bind '{}' /run/pcscd && touch '{}' && exec sleep infinity",
            dir.join("run").display(),
            ready.display()
        );
        let namespace = spawn_namespace(&script);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ready.exists() {
            assert!(Instant::now() < deadline, "the test namespace did not come up (is unshare allowed here?)");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { dir, namespace, pcscd: None, card: None }
    }

    /// Starts pcscd and the virtual card with `card_args`, and waits until the card shows.
    pub(crate) fn start_service(&mut self, card_args: &[&str]) {
        self.start_pcscd();
        self.start_card(card_args);
        self.wait_for_card();
    }

    /// Starts pcscd in the bed's namespace, with the vpcd reader and no card yet.
    pub(crate) fn start_pcscd(&mut self) {
        let pcscd = self
            .in_namespace(&pcscd())
            .args(["--foreground", "-c"])
            .arg(self.dir.join("conf"))
            .stdin(Stdio::null())
            .stdout(self.log("pcscd.log"))
            .stderr(self.log("pcscd.err"))
            .spawn()
            .expect("start pcscd");
        self.pcscd = Some(pcscd);
    }

    /// Places the virtual card (`cancuoc-vcard` with `card_args`) on the vpcd reader, counting
    /// the APDUs it answers; returns without waiting for pcscd to see it.
    pub(crate) fn start_card(&mut self, card_args: &[&str]) {
        let card = self
            .in_namespace(&binary("cancuoc-vcard"))
            .args(["--port", "35963"])
            .arg("--count-apdus")
            .arg(self.dir.join("apdus"))
            .args(card_args)
            .stdin(Stdio::null())
            .stdout(self.log("card.log"))
            .stderr(self.log("card.err"))
            .spawn()
            .expect("start cancuoc-vcard");
        self.card = Some(card);
    }

    /// Takes the virtual card away (its process ends; vpcd reports no card).
    pub(crate) fn stop_card(&mut self) {
        if let Some(mut card) = self.card.take() {
            let _ = card.kill();
            let _ = card.wait();
        }
    }

    /// `program` run inside the bed's mount and network namespaces.
    fn in_namespace(&self, program: &Path) -> Command {
        let mut command = Command::new("nsenter");
        command.args(["-t", &self.namespace.id().to_string(), "-m", "-n"]).arg(program);
        command
    }

    fn log(&self, name: &str) -> std::fs::File {
        std::fs::File::create(self.dir.join(name)).expect("create a log file in the bed")
    }

    pub(crate) fn apdus_answered(&self) -> usize {
        std::fs::read_to_string(self.dir.join("apdus")).ok().and_then(|t| t.trim().parse().ok()).unwrap_or(0)
    }

    pub(crate) fn socket(&self) -> PathBuf {
        self.dir.join("run/pcscd.comm")
    }

    /// Polls `cancuoc readers` until the virtual card shows (pcscd takes ~1 s to start).
    pub(crate) fn wait_for_card(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = self.cancuoc(&["readers"]);
            if String::from_utf8_lossy(&out.stdout).contains("card present") {
                return;
            }
            if Instant::now() > deadline {
                let card_log = std::fs::read_to_string(self.dir.join("card.err")).unwrap_or_default();
                panic!(
                    "the virtual card never appeared; readers said {:?}, card said {card_log:?}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs the built `cancuoc` against this bed's pcscd, with a deadline.
    pub(crate) fn cancuoc(&self, args: &[&str]) -> Output {
        wait_with_deadline(self.spawn_cancuoc(args))
    }

    /// Starts the built `cancuoc` against this bed's pcscd (stdout and stderr piped).
    pub(crate) fn spawn_cancuoc(&self, args: &[&str]) -> Child {
        Command::new(binary("cancuoc"))
            .args(args)
            .env("PCSCLITE_CSOCK_NAME", self.socket())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run cancuoc")
    }
}

pub(crate) fn spawn_namespace(script: &str) -> Child {
    let try_spawn = |extra: &[&str]| {
        Command::new("unshare")
            .args(extra)
            .args(["--mount", "--net", "sh", "-c", script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    };
    // As root a plain namespace; otherwise a user namespace that maps us to root.
    let mut child = try_spawn(&[]).expect("unshare (util-linux) is needed");
    std::thread::sleep(Duration::from_millis(50));
    if let Ok(Some(_)) = child.try_wait() {
        child = try_spawn(&["--user", "--map-root-user"]).expect("unshare");
    }
    child
}

pub(crate) fn wait_with_deadline(mut child: Child) -> Output {
    let deadline = Instant::now() + COMMAND_DEADLINE;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => return child.wait_with_output().expect("collect output"),
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                panic!("cancuoc hung for {COMMAND_DEADLINE:?}");
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for cancuoc: {e}"),
        }
    }
}

impl Drop for TestBed {
    fn drop(&mut self) {
        // Card, then pcscd (SIGTERM, so it removes its socket), then the namespace holder.
        if let Some(card) = &mut self.card {
            let _ = card.kill();
            let _ = card.wait();
        }
        if let Some(pcscd) = &mut self.pcscd {
            let _ = Command::new("kill").args(["-TERM", &pcscd.id().to_string()]).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while matches!(pcscd.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = pcscd.kill();
            let _ = pcscd.wait();
        }
        let _ = self.namespace.kill();
        let _ = self.namespace.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn json(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "exit {:?}, stderr: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON report on stdout")
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
