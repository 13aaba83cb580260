//! UI tests with egui_kittest (no GPU, no display): type the ID, read the demo card, find the
//! citizen's name and the verdict by their labels; Clear empties the screen; a removed card
//! shows its banner.

// A test harness fails loudly: unwrap, expect and panic are how it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::time::{Duration, Instant};

use cancuoc_desk::worker::Source;
use cancuoc_desk::{DeskApp, Options};
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness(options: Options) -> Harness<'static, DeskApp> {
    let mut harness = Harness::new_ui_state(|ui, app: &mut DeskApp| app.draw(ui), DeskApp::new(options));
    harness.set_size(eframe::egui::vec2(1000.0, 900.0));
    harness.run_steps(2);
    harness
}

/// Steps until the read finishes (the worker runs on its own thread).
fn wait(harness: &mut Harness<'static, DeskApp>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    harness.run_steps(2);
    while harness.state().is_reading() {
        assert!(Instant::now() < deadline, "the read did not finish");
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
    harness.run_steps(3);
}

fn type_id(harness: &mut Harness<'static, DeskApp>, text: &str) {
    harness.get_by_role_and_label(Role::TextInput, "Số định danh (12 số)").focus();
    harness.run_steps(1);
    harness.get_by_role_and_label(Role::TextInput, "Số định danh (12 số)").type_text(text);
    harness.run_steps(2);
}

fn read_demo(harness: &mut Harness<'static, DeskApp>) {
    type_id(harness, "001090012345");
    harness.get_by_label("Đọc thẻ").click();
    wait(harness);
}

#[test]
fn reading_the_demo_card_shows_the_citizen_and_the_verdict() {
    let mut harness = harness(Options::default());
    read_demo(&mut harness);
    assert_eq!(harness.state().shown_name().as_deref(), Some("Nguyễn Văn Mẫu"));
    harness.get_by_label("Nguyễn Văn Mẫu");
    harness.get_by_label("Họ và tên");
    // No CSCA configured: intact, but the issuer is not verified.
    harness.get_by_label("Nguyên vẹn, chưa xác minh nguồn");
    harness.get_by_label("Sao chép JSON");
}

#[test]
fn with_the_test_csca_the_card_is_genuine_and_english_works() {
    let csca = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/pki/cancuoc-test-csca.der")).unwrap();
    let mut harness = harness(Options { trust: vec![("csca".to_owned(), csca)], ..Options::default() });
    read_demo(&mut harness);
    harness.get_by_label("Thẻ thật");
    harness.get_by_label("EN").click();
    harness.run_steps(2);
    harness.get_by_label("Genuine");
    harness.get_by_label("Full name");
}

#[test]
fn clear_empties_the_screen() {
    let mut harness = harness(Options::default());
    read_demo(&mut harness);
    harness.get_by_label("Xóa").click();
    harness.run_steps(3);
    assert!(harness.state().shown_name().is_none());
    assert!(harness.query_by_label("Nguyễn Văn Mẫu").is_none());
}

#[test]
fn the_result_clears_itself_after_the_idle_time() {
    let mut harness = harness(Options { auto_clear: Duration::from_millis(300), ..Options::default() });
    read_demo(&mut harness);
    assert!(harness.state().shown_name().is_some());
    std::thread::sleep(Duration::from_millis(400));
    harness.run_steps(2);
    assert!(harness.state().shown_name().is_none());
}

#[test]
fn a_removed_card_shows_its_banner_and_a_bad_id_is_flagged_as_typed() {
    let faults = cancuoc_sim::Faults { tear_after: Some(12), ..cancuoc_sim::Faults::default() };
    let mut harness = harness(Options { source: Source::Demo(faults), ..Options::default() });
    read_demo(&mut harness);
    harness.get_by_label("Thẻ bị rút ra — đặt lại thẻ lên đầu đọc");
    harness.get_by_label("Xóa").click();
    harness.run_steps(2);
    type_id(&mut harness, "12345");
    harness.get_by_label("Số định danh phải có đúng 12 chữ số");
}

/// Reads the demo card with saving into a folder of the test's own (not yet created: the app
/// must create it), then presses the buttons labelled `buttons`.
fn read_and_press(tag: &str, buttons: &[&str]) -> (Harness<'static, DeskApp>, std::path::PathBuf) {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let parent = std::env::temp_dir().join(format!("cancuoc-desk-{tag}-{}-{nanos}", std::process::id()));
    let mut harness = harness(Options { save_dir: parent.clone(), ..Options::default() });
    read_demo(&mut harness);
    for label in buttons {
        harness.get_by_label(label).click();
        harness.run_steps(3);
    }
    (harness, parent)
}

#[test]
fn save_writes_the_dump_of_the_read() {
    let (harness, parent) = read_and_press("dump", &["Lưu hồ sơ đọc thẻ"]);
    let folders: Vec<_> = std::fs::read_dir(&parent).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(folders.len(), 1, "one folder a save");
    let dir = &folders[0];
    // No personal data in the path: the folder is named by the clock.
    assert!(dir.file_name().unwrap().to_str().unwrap().starts_with("cancuoc-20"));
    for name in ["COM.bin", "SOD.bin", "DG1.bin", "DG2.bin", "DG13.bin", "photo.jpg", "report.json"] {
        assert!(dir.join(name).is_file(), "{name} missing from the dump");
    }
    let report = std::fs::read_to_string(dir.join("report.json")).unwrap();
    assert!(report.contains("photo.jpg"), "report.json names the photo file");
    // The files are the chip's bytes: the core rebuilds the citizen from them.
    let files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            (path.file_name().unwrap().to_str().unwrap().to_owned(), std::fs::read(&path).unwrap())
        })
        .collect();
    let doc = cancuoc::Document::from_dump_files(files.iter().map(|(n, b)| (n.as_str(), b.clone())));
    assert_eq!(doc.cccd().unwrap().unwrap().full_name(), Some("Nguyễn Văn Mẫu"));
    harness.get_by_label_contains("Đã lưu vào");
    std::fs::remove_dir_all(&parent).unwrap();
}

#[test]
fn the_record_exports_as_csv_and_json() {
    let (_harness, parent) = read_and_press("record", &["Xuất hồ sơ CSV", "Xuất hồ sơ JSON"]);
    let mut names: Vec<String> =
        std::fs::read_dir(&parent).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].starts_with("cancuoc-record-") && names[0].ends_with(".csv"), "{names:?}");
    assert!(names[1].ends_with(".json"), "{names:?}");
    let csv = std::fs::read_to_string(parent.join(&names[0])).unwrap();
    let mut lines = csv.split("\r\n");
    assert_eq!(lines.next(), Some(cancuoc::record::FIELDS.join(",").as_str()));
    assert!(lines.next().unwrap().starts_with("001090012345,Nguyễn Văn Mẫu,1990-01-15,"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(parent.join(&names[1])).unwrap()).unwrap();
    assert_eq!(json["full_name"], "Nguyễn Văn Mẫu");
    // No CSCA configured: the hashes match but the signer is not anchored.
    assert_eq!(json["passive_authentication"], "untrusted");
    std::fs::remove_dir_all(&parent).unwrap();
}

#[test]
fn a_save_that_fails_says_so_and_what_to_check() {
    // The save folder's place is taken by a file: nothing can be created there.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let blocker = std::env::temp_dir().join(format!("cancuoc-desk-blocker-{}-{nanos}", std::process::id()));
    std::fs::write(&blocker, b"not a folder").unwrap();
    let mut harness = harness(Options { save_dir: blocker.clone(), ..Options::default() });
    read_demo(&mut harness);
    harness.get_by_label("Lưu hồ sơ đọc thẻ").click();
    harness.run_steps(3);
    harness.get_by_label_contains("kiểm tra thư mục lưu (--save-dir)");
    std::fs::remove_file(&blocker).unwrap();
}
