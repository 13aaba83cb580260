//! The words of the desk screen, in Vietnamese (the default) and English.

/// The screen's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt.
    Vi,
    /// English.
    En,
}

/// One text in both languages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Text {
    pub(crate) vi: &'static str,
    pub(crate) en: &'static str,
}

impl Text {
    pub(crate) fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Vi => self.vi,
            Lang::En => self.en,
        }
    }
}

/// The banner for a failed read: what to do next, in the words of the table every front end
/// uses (`cancuoc_kit::error`: the endpoint's `message_vi`, the end of the CLI's error line).
pub(crate) fn error(code: cancuoc_kit::error::Code) -> Text {
    let advice = code.advice();
    Text { vi: advice.vi, en: advice.en }
}

macro_rules! texts {
    ($($name:ident: $vi:literal, $en:literal;)*) => {
        $(pub(crate) const $name: Text = Text { vi: $vi, en: $en };)*
    };
}

texts! {
    TITLE: "Đọc căn cước gắn chip", "Chip ID card reader";
    DEMO: "Chế độ thử: thẻ ảo", "Demo: virtual card";
    READER: "Đầu đọc", "Reader";
    READER_AUTO: "Tự chọn (đầu đọc có thẻ)", "Automatic (the reader with a card)";
    CARD_PRESENT: "● Có thẻ", "● Card present";
    CARD_ABSENT: "○ Chưa có thẻ", "○ No card";
    NO_SERVICE: "Dịch vụ thẻ (pcscd) chưa chạy — khởi động dịch vụ pcscd", "The smart-card service (pcscd) is not running — start pcscd";
    NO_READERS: "Chưa thấy đầu đọc nào — cắm đầu đọc thẻ", "No reader found — plug in the card reader";
    MODE_CLINIC: "Phòng khám: tự đọc khi đặt thẻ", "Clinic: read when a card is placed";
    MODE_BANK: "Ngân hàng: đọc khi bấm nút", "Bank: read on the button";
    DOWNGRADE: "⚠ Thẻ không được đọc bằng PACE mà bằng BAC, kém an toàn hơn", "⚠ The card was read with BAC, not PACE: less secure";
    DEMO_PLACE: "Đặt thẻ demo lên", "Place the demo card";
    DEMO_REMOVE: "Lấy thẻ demo ra", "Remove the demo card";
    PLACE_CARD: "Đặt thẻ lên đầu đọc để đọc", "Place the card on the reader to read it";
    SETTINGS_FAILED: "Không lưu được lựa chọn", "Could not remember the choice";
    ID: "Số định danh (12 số)", "ID number (12 digits)";
    DOB: "Ngày sinh (dd/mm/yyyy)", "Date of birth (dd/mm/yyyy or YYYY-MM-DD)";
    EXPIRY: "Ngày hết hạn (dd/mm/yyyy)", "Date of expiry (dd/mm/yyyy or YYYY-MM-DD)";
    QR: "Mã QR trên thẻ", "Card QR code";
    MRZ: "Hộ chiếu: số, ngày sinh, ngày hết hạn (YYMMDD)", "Passport: number, birth, expiry (YYMMDD)";
    READ: "Đọc thẻ", "Read card";
    CLEAR: "Xóa", "Clear";
    COPY: "Sao chép JSON", "Copy JSON";
    SAVE: "Lưu hồ sơ đọc thẻ", "Save the dump";
    EXPORT_JSON: "Xuất hồ sơ JSON", "Export record as JSON";
    EXPORT_CSV: "Xuất hồ sơ CSV", "Export record as CSV";
    SAVED: "Đã lưu vào", "Saved to";
    PRINT_SUMMARY: "In phiếu tóm tắt", "Print summary";
    PRINT: "In", "Print";
    OPEN_TO_PRINT: "không mở được trình duyệt: mở tệp này để in", "no browser could be opened: open this file to print";
    SUMMARY_TITLE: "Phiếu thông tin đọc từ chip căn cước", "Summary of the ID card chip";
    READ_AT: "Đọc lúc", "Read at";
    PHOTO: "Ảnh trong chip", "Chip photo";
    SAVE_FAILED: "Không lưu được — kiểm tra thư mục lưu (--save-dir) có ghi được không", "Could not save — check that the save folder (--save-dir) can be written";
    READING: "Đang đọc", "Reading";
    BAD_ID: "Số định danh phải có đúng 12 chữ số", "The ID number has exactly 12 digits";
    BAD_DATE: "Ngày phải có dạng dd/mm/yyyy (ví dụ 15/01/1990)", "Dates are dd/mm/yyyy or YYYY-MM-DD";
    BAD_QR: "Không đọc được mã QR", "The QR text is not a CCCD's";
    BAD_MRZ: "Nhập số hộ chiếu, ngày sinh, ngày hết hạn (YYMMDD), cách nhau bằng dấu phẩy", "Enter the passport number, date of birth and date of expiry (YYMMDD), separated by commas";
    NO_KEY: "Nhập số định danh, mã QR hoặc dữ liệu hộ chiếu", "Enter the ID number, the QR text or the passport data";
    FULL_NAME: "Họ và tên", "Full name";
    ID_NUMBER: "Số định danh", "ID number";
    DATE_OF_BIRTH: "Ngày sinh", "Date of birth";
    SEX: "Giới tính", "Sex";
    NATIONALITY: "Quốc tịch", "Nationality";
    ETHNICITY: "Dân tộc", "Ethnicity";
    RELIGION: "Tôn giáo", "Religion";
    PLACE_OF_ORIGIN: "Quê quán", "Place of origin";
    RESIDENCE: "Nơi thường trú", "Place of residence";
    MARKS: "Đặc điểm nhận dạng", "Identifying marks";
    DATE_OF_ISSUE: "Ngày cấp", "Date of issue";
    DATE_OF_EXPIRY: "Có giá trị đến", "Valid until";
    FATHER: "Cha", "Father";
    MOTHER: "Mẹ", "Mother";
    SPOUSE: "Vợ/chồng", "Spouse";
    OLD_ID: "Số CMND cũ", "Old ID number";
    MALE: "Nam", "Male";
    FEMALE: "Nữ", "Female";
    GENUINE: "Thẻ thật", "Genuine";
    GENUINE_WHY: "Dữ liệu đúng chữ ký của cơ quan cấp, chip xác thực được", "The data carry the issuer's signature and the chip proved itself";
    UNTRUSTED: "Nguyên vẹn, chưa xác minh nguồn", "Intact, issuer not verified";
    UNTRUSTED_WHY: "Chữ ký và dữ liệu khớp nhau, nhưng chưa có chứng thư gốc (CSCA) để xác minh", "Signature and data agree, but no CSCA certificate is configured to vouch for the issuer";
    ALTERED: "Dữ liệu bị sửa đổi", "Data altered";
    CLONE: "Chip giả (bản sao)", "Cloned chip";
    EXPIRED: "Chứng thư đã hết hạn", "Certificate expired";
    REVOKED: "Chứng thư đã bị thu hồi", "Certificate revoked";
    BAD_CERTIFICATE: "Chứng thư không hợp lệ", "Certificate not valid";
    CLONE_WHY: "Chip không chứng minh được khóa của thẻ gốc", "The chip could not prove it holds the original card's key";
    NOT_CHECKED: "Chưa kiểm tra", "Not checked";
    IGNORED: "không dùng: EF.SOD không ký nhóm dữ liệu này (có thể là dữ liệu cài thêm)", "not used: EF.SOD does not sign this data group (possibly injected data)";
    PUT_BACK: "Đặt lại thẻ để đọc tiếp", "Put the card back to go on reading";
    WEB: "Cho phép trang web đọc thẻ", "Let web pages read the card";
    WEB_PORT: "cổng", "port";
    WEB_ALLOWED: "Trang được phép", "Allowed pages";
    WEB_NONE: "chưa có trang nào được phép — quản trị viên thêm địa chỉ vào agent.origins", "no page is allowed yet — the administrator lists origins in agent.origins";
    WEB_READING: "đang đọc thẻ", "is reading the card";
    WEB_PROGRAM: "Một chương trình trên máy này", "A program on this computer";
    WEB_CANCEL: "Hủy", "Cancel";
    WEB_FAILED: "Không bật được đọc thẻ cho trang web", "Could not let web pages read";
}
