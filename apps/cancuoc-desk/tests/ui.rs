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
    // Dates as Vietnamese documents write them.
    harness.get_by_label("15/01/1990");
    assert!(harness.query_by_label("1990-01-15").is_none());
}

#[test]
fn with_the_test_csca_the_card_is_genuine_and_english_works() {
    let csca = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/pki/cancuoc-test-csca.der")).unwrap();
    let mut trust = cancuoc::TrustStore::new();
    trust.add_file("csca", &csca).unwrap();
    let mut harness = harness(Options { trust, ..Options::default() });
    read_demo(&mut harness);
    harness.get_by_label("Thẻ thật");
    harness.get_by_label("EN").click();
    harness.run_steps(2);
    harness.get_by_label("Genuine");
    harness.get_by_label("Full name");
    // ISO dates in English.
    harness.get_by_label("1990-01-15");
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
fn someone_working_with_the_result_keeps_it_on_screen() {
    let mut harness = harness(Options { auto_clear: Duration::from_millis(1500), ..Options::default() });
    read_demo(&mut harness);
    std::thread::sleep(Duration::from_millis(1000));
    harness.get_by_label("Nguyễn Văn Mẫu").hover();
    harness.run_steps(2);
    std::thread::sleep(Duration::from_millis(1000));
    harness.run_steps(2);
    assert!(harness.state().shown_name().is_some(), "2 s after the read but 1 s after the last input");
    std::thread::sleep(Duration::from_millis(1600));
    harness.run_steps(2);
    assert!(harness.state().shown_name().is_none(), "idle longer than the clear time");
}

#[test]
fn a_card_lifted_mid_read_is_waited_for_and_the_read_goes_on_and_a_bad_id_is_flagged() {
    // The demo card is lifted during DG2 (APDU 11 of 17) and put back 0.8 s later.
    let faults = cancuoc_sim::Faults { tear_after: Some(10), ..cancuoc_sim::Faults::default() };
    let mut harness = harness(Options { source: Source::Demo(faults.into()), ..Options::default() });
    type_id(&mut harness, "001090012345");
    harness.get_by_label("Đọc thẻ").click();
    let deadline = Instant::now() + Duration::from_secs(30);
    while harness.query_by_label("Đặt lại thẻ để đọc tiếp").is_none() {
        assert!(Instant::now() < deadline, "no put-back banner");
        std::thread::sleep(Duration::from_millis(20));
        harness.run_steps(1);
    }
    // The read goes on where it stopped and ends as an untorn one does.
    wait(&mut harness);
    harness.get_by_label("Nguyễn Văn Mẫu");
    assert!(harness.query_by_label("Đặt lại thẻ để đọc tiếp").is_none());
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
    for name in ["SOD.bin", "DG1.bin", "DG2.bin", "DG13.bin", "photo.jpg", "report.json"] {
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

#[test]
fn clinic_mode_reads_when_the_demo_card_is_placed_and_clears_the_id_for_the_next() {
    use cancuoc_desk::settings::Mode;
    let mut harness = harness(Options { demo_card_present: false, mode: Some(Mode::Clinic), ..Options::default() });
    harness.get_by_label("○ Chưa có thẻ");
    type_id(&mut harness, "001090012345");
    // The ID is in, no card yet: the screen says what to do and nothing is read.
    harness.get_by_label("Đặt thẻ lên đầu đọc để đọc");
    assert_eq!(harness.state().reads_started(), 0);
    harness.get_by_label("Đặt thẻ demo lên").click();
    wait(&mut harness);
    assert_eq!(harness.state().reads_started(), 1, "the card's arrival started the read");
    assert_eq!(harness.state().shown_name().as_deref(), Some("Nguyễn Văn Mẫu"));
    harness.get_by_label("● Có thẻ");
    assert_eq!(harness.state().id_input(), "", "no ID lingers for the next card");
    // The card stays on the reader: it is not read again.
    harness.run_steps(5);
    assert_eq!(harness.state().reads_started(), 1);
}

#[test]
fn bank_mode_reads_on_the_button_only() {
    use cancuoc_desk::settings::Mode;
    let mut harness = harness(Options { mode: Some(Mode::Bank), ..Options::default() });
    type_id(&mut harness, "001090012345");
    harness.run_steps(5);
    assert_eq!(harness.state().reads_started(), 0, "bank mode waits for the teller");
    harness.get_by_label("Đọc thẻ").click();
    wait(&mut harness);
    assert_eq!(harness.state().shown_name().as_deref(), Some("Nguyễn Văn Mẫu"));
    // Bank mode keeps the input (the teller may read the same card again).
    assert_eq!(harness.state().id_input(), "001090012345");
    // The demo card taken off: a read says there is no card.
    harness.get_by_label("Lấy thẻ demo ra").click();
    harness.run_steps(2);
    harness.get_by_label("Đọc thẻ").click();
    harness.run_steps(2);
    harness.get_by_label("Chưa có thẻ trên đầu đọc: đặt thẻ lên đầu đọc.");
}

fn temp_path(tag: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    std::env::temp_dir().join(format!("cancuoc-desk-{tag}-{}-{nanos}", std::process::id()))
}

fn two_readers(a_card: bool, b_card: bool) -> cancuoc_desk::presence::Snapshot {
    use cancuoc_desk::presence::{ReaderInfo, Snapshot};
    Snapshot::Readers(vec![
        ReaderInfo { name: "Reader A".to_owned(), card_present: a_card, atr: Vec::new() },
        ReaderInfo { name: "Reader B".to_owned(), card_present: b_card, atr: Vec::new() },
    ])
}

#[test]
fn the_reader_picker_shows_live_presence_and_remembers_the_choice() {
    use cancuoc_desk::presence::Watch;
    use cancuoc_desk::settings::{Mode, Settings};
    let settings = temp_path("settings").join("desk");
    let (watch, hand) = Watch::manual(two_readers(false, true));
    let options = Options {
        source: Source::Reader(None),
        watch: Some(watch),
        settings_path: Some(settings.clone()),
        mode: Some(Mode::Bank),
        ..Options::default()
    };
    let mut screen = harness(options);
    // Automatic: the reader holding a card.
    screen.get_by_role_and_label(Role::ComboBox, "Đầu đọc").click();
    screen.run_steps(2);
    screen.get_by_label("● Reader B");
    screen.get_by_label("○ Reader A").click();
    screen.run_steps(2);
    screen.get_by_label("○ Chưa có thẻ");
    assert_eq!(
        Settings::load(&settings),
        Settings { reader: Some("Reader A".to_owned()), mode: Mode::Bank, web: false }
    );
    // A card placed on A shows at the next look.
    hand.set_card("Reader A", true);
    screen.run_steps(2);
    screen.get_by_label("● Có thẻ");
    screen.get_by_role_and_label(Role::ComboBox, "Đầu đọc").click();
    screen.run_steps(2);
    screen.get_by_label("● Reader A").click();
    screen.run_steps(2);
    // The mode switch is remembered too, and a new screen starts with both.
    screen.get_by_label("Phòng khám: tự đọc khi đặt thẻ").click();
    screen.run_steps(2);
    assert_eq!(Settings::load(&settings).mode, Mode::Clinic);
    // Only B holds a card: "automatic" would find it, the remembered A does not.
    let (watch, _hand) = Watch::manual(two_readers(false, true));
    let again = harness(Options {
        source: Source::Reader(None),
        watch: Some(watch),
        settings_path: Some(settings.clone()),
        ..Options::default()
    });
    assert_eq!(again.state().mode(), Mode::Clinic);
    assert!(!again.state().card_present(), "Reader A is remembered, and it has no card");
    std::fs::remove_dir_all(settings.parent().unwrap()).unwrap();
}

#[test]
fn in_clinic_mode_a_card_arriving_on_the_chosen_reader_starts_the_read() {
    use cancuoc_desk::presence::Watch;
    use cancuoc_desk::settings::Mode;
    let (watch, hand) = Watch::manual(two_readers(false, true));
    let options = Options {
        source: Source::Reader(Some("Reader A".to_owned())),
        watch: Some(watch),
        mode: Some(Mode::Clinic),
        ..Options::default()
    };
    let mut harness = harness(options);
    type_id(&mut harness, "001090012345");
    harness.run_steps(3);
    // A card on B does not count: A was chosen.
    assert_eq!(harness.state().reads_started(), 0);
    hand.set_card("Reader A", true);
    harness.run_steps(2);
    // The read went to PC/SC (not running in this test, so it fails — with its banner).
    assert_eq!(harness.state().reads_started(), 1);
    wait(&mut harness);
    // The words of every front end's error table (cancuoc_kit::error).
    harness.get_by_label("Không tìm thấy đầu đọc thẻ: cắm đầu đọc và thử lại.");
    // Not again for the same card; again once it was taken off and put back.
    harness.run_steps(3);
    assert_eq!(harness.state().reads_started(), 1);
    hand.set_card("Reader A", false);
    harness.run_steps(2);
    hand.set_card("Reader A", true);
    harness.run_steps(2);
    assert_eq!(harness.state().reads_started(), 2);
}

#[test]
fn no_service_and_no_reader_each_say_what_to_do() {
    use cancuoc_desk::presence::{Snapshot, Watch};
    let (watch, hand) = Watch::manual(Snapshot::NoService);
    let mut harness = harness(Options { source: Source::Reader(None), watch: Some(watch), ..Options::default() });
    harness.get_by_label("Dịch vụ thẻ (pcscd) chưa chạy — khởi động dịch vụ pcscd");
    hand.set(Snapshot::Readers(Vec::new()));
    harness.run_steps(2);
    harness.get_by_label("Chưa thấy đầu đọc nào — cắm đầu đọc thẻ");
}

#[test]
fn the_print_summary_is_one_page_with_the_photo_fields_and_verdict() {
    let (_harness, parent) = read_and_press("summary", &["In phiếu tóm tắt"]);
    let names: Vec<String> =
        std::fs::read_dir(&parent).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("cancuoc-summary-") && names[0].ends_with(".html"), "{names:?}");
    let html = std::fs::read_to_string(parent.join(&names[0])).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains(r#"<html lang="vi">"#));
    for expected in [
        "Nguyễn Văn Mẫu",
        "001090012345",
        "Số 1 phố Tràng Tiền",
        "Nguyên vẹn, chưa xác minh nguồn",
        "data:image/png;base64,iVBORw0KGgo",
        "@media print",
    ] {
        assert!(html.contains(expected), "the summary lacks {expected:?}");
    }
    // As the clerk prints it: headless Chromium renders it to one A4 page (PDF) and a picture.
    let page = parent.join(&names[0]);
    let pdf = parent.join("summary.pdf");
    let png = parent.join("summary.png");
    chromium(&["--print-to-pdf-no-header", &format!("--print-to-pdf={}", pdf.display())], &page, &parent);
    chromium(&["--window-size=900,1200", &format!("--screenshot={}", png.display())], &page, &parent);
    let pdf_bytes = std::fs::read(&pdf).unwrap();
    assert!(pdf_bytes.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf_bytes);
    let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
    assert_eq!(pages, 1, "the summary prints on one page");
    let picture = image::open(&png).unwrap().to_rgba8();
    assert_eq!((picture.width(), picture.height()), (900, 1200));
    // Not a blank page: the photo and the text put dark pixels on it.
    let dark = picture.pixels().filter(|p| p.0[0] < 80 && p.0[1] < 80 && p.0[2] < 80).count();
    assert!(dark > 2000, "{dark} dark pixels");
    let artifacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::copy(&png, artifacts.join("cancuoc-desk-summary.png")).unwrap();
    std::fs::copy(&pdf, artifacts.join("cancuoc-desk-summary.pdf")).unwrap();
    std::fs::remove_dir_all(&parent).unwrap();
}

/// Runs headless Chromium on a local page with `args`, in its own profile under `dir`.
fn chromium(args: &[&str], page: &std::path::Path, dir: &std::path::Path) {
    let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or_else(|| {
            panic!("chromium is not installed: apt-get install --no-install-recommends chromium (or run scripts/test)")
        });
    let status = std::process::Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"])
        .arg(format!("--user-data-dir={}", dir.join("chrome").display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "chromium {args:?} failed");
}

/// Every letter of Vietnamese, precomposed (NFC, as DG13 carries them): 12 vowels × 6 tones and
/// đ, in both cases.
const VIETNAMESE_LETTERS: &str = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ\
                                  AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬEÈÉẺẼẸÊỀẾỂỄỆIÌÍỈĨỊOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢUÙÚỦŨỤƯỪỨỬỮỰYỲÝỶỸỴĐ";

#[test]
fn the_screen_font_has_a_glyph_for_every_vietnamese_letter() {
    use eframe::egui::{Context, FontId, RawInput};
    let missing = |ctx: &Context, text: &str| -> Vec<char> {
        let font = FontId::proportional(16.0);
        ctx.fonts_mut(|fonts| text.chars().filter(|c| !c.is_whitespace() && !fonts.has_glyph(&font, *c)).collect())
    };
    let ctx = Context::default();
    ctx.run_ui(RawInput::default(), |_| {}).textures_delta.clear();
    // egui's own fonts lack some (what made the app embed DejaVu Sans): the check can fail.
    assert!(!missing(&ctx, VIETNAMESE_LETTERS).is_empty(), "egui's default fonts now cover Vietnamese");
    cancuoc_desk::app::install_fonts(&ctx);
    ctx.run_ui(RawInput::default(), |_| {}).textures_delta.clear();
    assert_eq!(missing(&ctx, VIETNAMESE_LETTERS), Vec::<char>::new());
    assert_eq!(missing(&ctx, "Nguyễn Thị Ánh Tuyết Đặng Hữu Phước"), Vec::<char>::new());
}

#[test]
fn a_scanned_qr_code_fills_the_fields_and_reads_in_clinic_mode() {
    use cancuoc_desk::settings::Mode;
    // Bank mode first, so the fields can be looked at before any read.
    let mut harness = harness(Options { mode: Some(Mode::Bank), ..Options::default() });
    // A keyboard-wedge scanner types the card's QR text into the focused field.
    let qr = "001090012345|123456789|Nguyễn Văn Mẫu|15011990|Nam|Số 1 phố Tràng Tiền, Hà Nội|10042021";
    harness.get_by_role_and_label(Role::TextInput, "Mã QR trên thẻ").focus();
    harness.run_steps(1);
    harness.get_by_role_and_label(Role::TextInput, "Mã QR trên thẻ").type_text(qr);
    harness.run_steps(2);
    assert_eq!(harness.state().id_input(), "001090012345", "the ID is filled from the scan");
    assert_eq!(harness.state().dob_input(), "15/01/1990", "the date as Vietnamese forms write it");
    assert_eq!(harness.state().reads_started(), 0);
    // In clinic mode the scan is all it takes: the card is on the reader.
    harness.get_by_label("Phòng khám: tự đọc khi đặt thẻ").click();
    wait(&mut harness);
    assert_eq!(harness.state().reads_started(), 1);
    assert_eq!(harness.state().shown_name().as_deref(), Some("Nguyễn Văn Mẫu"));
}

/// A harness reading this virtual card's files, with the test CSCA as trust anchor.
fn harness_for(document: cancuoc_sim::IssuedDocument) -> Harness<'static, DeskApp> {
    let csca = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/pki/cancuoc-test-csca.der")).unwrap();
    let mut trust = cancuoc::TrustStore::new();
    trust.add_file("csca", &csca).unwrap();
    let card = cancuoc_kit::demo::DemoCards::with_document(document, cancuoc_sim::Faults::default());
    harness(Options { source: Source::Demo(card), trust, ..Options::default() })
}

fn specimen() -> cancuoc_sim::IssuedDocument {
    cancuoc_sim::IssuedDocument::issue(&cancuoc_sim::CitizenProfile::specimen(), cancuoc_sim::DEMO_SEED).unwrap()
}

#[test]
fn a_forged_card_shows_only_the_signed_data() {
    // EF.COM lists a DG11 naming someone else, which EF.SOD does not sign. The desk takes the
    // list from EF.SOD and does not read EF.COM: DG11 is never asked for.
    let forged = specimen().with_unsigned_dg11("EVIL<<MALLORY", "19000101");
    let mut harness = harness_for(forged.clone());
    read_demo(&mut harness);
    // What is shown is what the issuer signed: genuine.
    harness.get_by_label("Thẻ thật");
    harness.get_by_label("Nguyễn Văn Mẫu");
    assert!(harness.query_by_label_contains("EVIL").is_none());
    assert!(harness.query_by_label_contains("MALLORY").is_none());
    assert!(harness.query_by_label_contains("DG11").is_none());
    // The same chip withholding the DG13 its EF.SOD lists: never genuine.
    let mut harness = harness_for(forged.without(cancuoc::lds::DgNumber::DG13));
    read_demo(&mut harness);
    assert!(harness.query_by_label("Thẻ thật").is_none());
    harness.get_by_label("Dữ liệu bị sửa đổi");
    harness.get_by_label_contains("withholds DG13");
}

#[test]
fn a_chip_that_withholds_dg15_is_shown_as_a_clone() {
    let mut harness = harness_for(specimen().without(cancuoc::lds::DgNumber::DG15));
    read_demo(&mut harness);
    harness.get_by_label("Chip giả (bản sao)");
    assert!(harness.query_by_label("Thẻ thật").is_none());
    // No record to file for it; the dump stays, for the fraud report.
    assert!(harness.query_by_label("Xuất hồ sơ JSON").is_none());
    assert!(harness.query_by_label("Xuất hồ sơ CSV").is_none());
    harness.get_by_label("Lưu hồ sơ đọc thẻ");
}

#[test]
fn a_pace_refusal_is_a_warning_at_the_clinic_and_refused_in_bank_mode() {
    use cancuoc_desk::settings::Mode;
    let csca = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/pki/cancuoc-test-csca.der")).unwrap();
    let refusing = || {
        let faults = cancuoc_sim::Faults { refuse_pace: Some(cancuoc::StatusWord(0x6982)), ..Default::default() };
        Source::Demo(faults.into())
    };
    let trust = || {
        let mut trust = cancuoc::TrustStore::new();
        trust.add_file("csca", &csca).unwrap();
        trust
    };
    // The card's QR code gives the date of birth: BAC can be tried with it.
    let type_qr = |harness: &mut Harness<'static, DeskApp>| {
        let qr = "001090012345|123456789|Nguyễn Văn Mẫu|15011990|Nam|Số 1 phố Tràng Tiền, Hà Nội|10042021";
        harness.get_by_role_and_label(Role::TextInput, "Mã QR trên thẻ").focus();
        harness.run_steps(1);
        harness.get_by_role_and_label(Role::TextInput, "Mã QR trên thẻ").type_text(qr);
        harness.run_steps(2);
    };
    // The clinic reads with BAC and says so under the badge (the scan starts the read).
    let mut clinic = harness(Options { source: refusing(), trust: trust(), ..Options::default() });
    type_qr(&mut clinic);
    wait(&mut clinic);
    clinic.get_by_label("Thẻ thật");
    clinic.get_by_label_contains("không được đọc bằng PACE");
    clinic.get_by_label_contains("PACE refused by the card (6982");
    // The bank refuses it: no data, the reason in the banner.
    let mut bank =
        harness(Options { source: refusing(), trust: trust(), mode: Some(Mode::Bank), ..Options::default() });
    type_qr(&mut bank);
    bank.get_by_label("Đọc thẻ").click();
    wait(&mut bank);
    bank.get_by_label_contains("quầy này yêu cầu PACE");
    assert!(bank.state().shown_name().is_none());
}

#[test]
fn a_card_whose_signature_cannot_be_checked_says_not_checked_and_why() {
    let mut card = specimen();
    let groups: Vec<_> = [1u8, 2, 13, 14, 15]
        .into_iter()
        .map(|n| cancuoc::lds::DgNumber::new(n).unwrap())
        .map(|dg| (dg, card.files[&dg.fid()].clone()))
        .collect();
    let pki = cancuoc_sim::pki::TestPki::generate(cancuoc_sim::DEMO_SEED);
    card.files.insert(0x011D, cancuoc_sim::cms::sod_without_certificate(&pki, &groups));
    let mut harness = harness_for(card);
    read_demo(&mut harness);
    harness.get_by_label("Chưa kiểm tra");
    harness.get_by_label_contains("no document signer certificate");
    assert!(harness.query_by_label("Dữ liệu bị sửa đổi").is_none());
}

/// One HTTP request to the desk's endpoint; the status and the body.
fn http(port: u16, method: &str, path: &str, origin: &str, body: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer.split(' ').nth(1).unwrap().parse().unwrap();
    (status, answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default())
}

#[test]
fn the_web_switch_serves_pages_shows_who_reads_cancels_and_is_remembered() {
    let dir = temp_path("web");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("agent.origins"), "https://his.example.vn\n").unwrap();
    let settings = dir.join("desk");
    let options = || Options {
        settings_path: Some(settings.clone()),
        web_port: 0,
        web_config_dir: Some(dir.clone()),
        ..Options::default()
    };
    let mut desk = harness(options());
    assert_eq!(desk.state().web_port(), None, "off by default");
    desk.get_by_label("Cho phép trang web đọc thẻ").click();
    desk.run_steps(2);
    let port = desk.state().web_port().expect("the endpoint runs");
    desk.get_by_label_contains("https://his.example.vn");
    assert!(std::fs::read_to_string(&settings).unwrap().contains("web=on"));
    assert_eq!(std::fs::read_to_string(dir.join("agent.port")).unwrap().trim(), port.to_string());
    // A listed page reads the (virtual) card.
    let (status, body) = http(port, "POST", "/v1/read", "https://his.example.vn", r#"{"key":{"can":"012345"}}"#);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"so_cccd\":\"001090012345\""), "{body}");
    // While a page waits for a card, the desk names it; Cancel ends that read.
    let waiting = std::thread::spawn(move || {
        http(
            port,
            "POST",
            "/v1/read",
            "https://his.example.vn",
            r#"{"key":{"can":"012345"},"reader":"Absent","wait_seconds":30}"#,
        )
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while desk.state().web_reading().is_none() {
        assert!(Instant::now() < deadline, "the page's read never showed");
        std::thread::sleep(Duration::from_millis(20));
        desk.run_steps(1);
    }
    desk.run_steps(2);
    desk.get_by_label("https://his.example.vn đang đọc thẻ");
    desk.get_by_label("Hủy").click();
    desk.run_steps(2);
    let (status, body) = waiting.join().unwrap();
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("\"cancelled\""), "{body}");
    // Remembered: a new desk starts it again; switched off, the port closes.
    drop(desk);
    let mut desk = harness(options());
    let port = desk.state().web_port().expect("remembered");
    desk.get_by_label("Cho phép trang web đọc thẻ").click();
    desk.run_steps(2);
    assert_eq!(desk.state().web_port(), None);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "the endpoint stopped");
    assert!(std::fs::read_to_string(&settings).unwrap().contains("web=off"));
}

/// The labels of the controls a clerk needs on screen after a read.
const CONTROLS_VI: [&str; 12] = [
    "Đọc thẻ",
    "Xóa",
    "Phòng khám: tự đọc khi đặt thẻ",
    "Ngân hàng: đọc khi bấm nút",
    "● Có thẻ",
    "Lấy thẻ demo ra",
    "Cho phép trang web đọc thẻ",
    "Sao chép JSON",
    "Lưu hồ sơ đọc thẻ",
    "Xuất hồ sơ JSON",
    "Xuất hồ sơ CSV",
    "In phiếu tóm tắt",
];
const CONTROLS_EN: [&str; 12] = [
    "Read card",
    "Clear",
    "Clinic: read when a card is placed",
    "Bank: read on the button",
    "● Card present",
    "Remove the demo card",
    "Let web pages read the card",
    "Copy JSON",
    "Save the dump",
    "Export record as JSON",
    "Export record as CSV",
    "Print summary",
];

/// Every control inside the window and none covering another.
fn assert_all_visible(harness: &Harness<'static, DeskApp>, labels: &[&str], size: eframe::egui::Vec2) {
    let window = eframe::egui::Rect::from_min_size(eframe::egui::Pos2::ZERO, size);
    let rects: Vec<(&str, eframe::egui::Rect)> =
        labels.iter().map(|label| (*label, harness.get_by_label(label).rect())).collect();
    for (label, rect) in &rects {
        assert!(window.contains_rect(*rect), "{label:?} at {rect:?} is outside the {size:?} window");
    }
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in &rects[i + 1..] {
            assert!(!ra.shrink(1.0).intersects(rb.shrink(1.0)), "{a:?} {ra:?} covers {b:?} {rb:?}");
        }
    }
}

#[test]
fn at_1000_by_760_every_control_is_visible_in_both_languages() {
    let size = eframe::egui::vec2(1000.0, 760.0);
    let mut harness = Harness::new_ui_state(|ui, app: &mut DeskApp| app.draw(ui), DeskApp::new(Options::default()));
    harness.set_size(size);
    harness.run_steps(2);
    read_demo(&mut harness);
    assert_all_visible(&harness, &CONTROLS_VI, size);
    harness.get_by_label("EN").click();
    harness.run_steps(3);
    assert_all_visible(&harness, &CONTROLS_EN, size);
}

#[test]
fn at_1000_by_760_the_reader_row_fits_in_both_languages() {
    use cancuoc_desk::presence::{ReaderInfo, Snapshot, Watch};
    let size = eframe::egui::vec2(1000.0, 760.0);
    // A real reader's long name, as Windows lists it, holding a card.
    let name = "ACS ACR1252 1S CL Reader PICC 0";
    let (watch, _hand) = Watch::manual(Snapshot::Readers(vec![ReaderInfo {
        name: name.to_owned(),
        card_present: true,
        atr: Vec::new(),
    }]));
    let options = Options { source: Source::Reader(Some(name.to_owned())), watch: Some(watch), ..Options::default() };
    let mut harness = Harness::new_ui_state(|ui, app: &mut DeskApp| app.draw(ui), DeskApp::new(options));
    harness.set_size(size);
    harness.run_steps(3);
    let vi = ["Phòng khám: tự đọc khi đặt thẻ", "Ngân hàng: đọc khi bấm nút", "● Có thẻ", "Đọc thẻ", "Xóa"];
    assert_all_visible(&harness, &vi, size);
    harness.get_by_label("EN").click();
    harness.run_steps(3);
    let en = ["Clinic: read when a card is placed", "Bank: read on the button", "● Card present", "Read card", "Clear"];
    assert_all_visible(&harness, &en, size);
}
