//! The bilingual error table every front end uses: a stable `code` for programs (the endpoint's
//! `error.code`, the C ABI's and the bindings'), its HTTP status, and what the clerk should do,
//! in Vietnamese and in English — the end of the CLI's error line and the desk's banner say the same
//! (`docs/DESIGN.md` §3.5).

use cancuoc::ErrorClass;
use serde_json::json;

/// What went wrong, as the `error.code` of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// No reader, or the smart-card service is down.
    NoReader,
    /// No card came within the wait.
    NoCard,
    /// The access key does not open this card, or is malformed.
    WrongKey,
    /// The card was taken away during the read.
    CardRemoved,
    /// Another read is under way.
    Busy,
    /// The read was cancelled (`POST /v1/cancel`, or at the desk).
    Cancelled,
    /// No card came within `wait_seconds`.
    Timeout,
    /// The request's origin, host or token is not allowed.
    Forbidden,
    /// The request is malformed (method, content type, body).
    BadRequest,
    /// The card answered, but not as a readable identity document.
    CardError,
    /// The chip's answers prove it is not a genuine chip (inconsistent PACE answers, a
    /// protected answer whose MAC does not verify): no retry, no record.
    NotGenuine,
    /// PACE was required (`"require_pace": true`) and the card would have been read with
    /// BAC (it offers no PACE, declines it, or its EF.CardAccess is malformed).
    PaceRequired,
    /// No such route.
    NotFound,
    /// A trust file or a saved dump could not be read or used (the C ABI and the bindings,
    /// which take paths).
    FileError,
    /// A bug in cancuoc (a panic stopped at the C boundary).
    Internal,
    /// The card (or dump) was read, but a check failed: forged, altered, cloned, expired,
    /// revoked. The answer carries the verdict and the reasons, never the holder's record.
    CheckFailed,
}

impl Code {
    /// The `error.code` word.
    pub fn word(self) -> &'static str {
        match self {
            Self::NoReader => "no_reader",
            Self::NoCard => "no_card",
            Self::WrongKey => "wrong_key",
            Self::CardRemoved => "card_removed",
            Self::Busy => "busy",
            Self::Cancelled => "cancelled",
            Self::Timeout => "timeout",
            Self::Forbidden => "forbidden",
            Self::BadRequest => "bad_request",
            Self::CardError => "card_error",
            Self::NotGenuine => "not_genuine",
            Self::PaceRequired => "pace_required",
            Self::NotFound => "not_found",
            Self::FileError => "file_error",
            Self::Internal => "internal",
            Self::CheckFailed => "check_failed",
        }
    }

    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            Self::NoReader => 503,
            Self::NoCard | Self::NotFound => 404,
            Self::WrongKey | Self::NotGenuine | Self::PaceRequired | Self::CheckFailed => 422,
            Self::CardRemoved => 410,
            Self::Busy | Self::Cancelled => 409,
            Self::Timeout => 408,
            Self::Forbidden => 403,
            Self::BadRequest => 400,
            Self::CardError => 502,
            Self::FileError | Self::Internal => 500,
        }
    }

    /// The code of a read's failure, by its class: inconsistent answers from the chip are
    /// `not_genuine` (no retry), a card that would be read with BAC where PACE is required
    /// `pace_required`.
    pub fn of_error(error: &cancuoc::Error) -> Self {
        if let cancuoc::Error::Access(cancuoc::access::AccessError::PaceRequired { .. }) = error {
            return Self::PaceRequired;
        }
        match error.class() {
            ErrorClass::WrongKey => Self::WrongKey,
            ErrorClass::Tampered => Self::NotGenuine,
            ErrorClass::CardRemoved | ErrorClass::DifferentCard => Self::CardRemoved,
            ErrorClass::NoReader => match error {
                cancuoc::Error::Transport(cancuoc::TransportError::NoCard) => Self::NoCard,
                _ => Self::NoReader,
            },
            _ => Self::CardError,
        }
    }

    /// What the clerk should do, in both languages.
    pub fn advice(self) -> Advice {
        Advice { vi: self.vietnamese(), en: self.english() }
    }

    /// What the clerk should do, in English.
    fn english(self) -> &'static str {
        match self {
            Self::NoReader => "No card reader found: plug in the reader and try again.",
            Self::NoCard => "No card on the reader: place the card on the reader.",
            Self::WrongKey => "The ID number, CAN or dates do not match the card: check what was entered.",
            Self::CardRemoved => "The card was taken away during the read: put it back and read again.",
            Self::Busy => "Another card is being read: wait for it to finish, then try again.",
            Self::Cancelled => "The read was cancelled.",
            Self::Timeout => "No card came in time: place the card on the reader and try again.",
            Self::Forbidden => {
                "This page may not read the card: ask the administrator to add its address to the allowed list."
            }
            Self::BadRequest => "The request is not valid: tell the software's technical team.",
            Self::CardError => {
                "The card could not be read: put it back and try again; if it fails again, the card may not be supported."
            }
            Self::NotGenuine => {
                "The chip answered inconsistently: it may not be a genuine card. Do not use this card; do not read it again."
            }
            Self::PaceRequired => {
                "The card cannot be read with PACE (only with BAC, which is weaker): this desk requires PACE; do not use this card for the transaction."
            }
            Self::NotFound => "No such function.",
            Self::FileError => {
                "A certificate file or saved card could not be read: check the path and the file, then try again."
            }
            Self::Internal => "Internal error in cancuoc: tell the technical team.",
            Self::CheckFailed => "The card failed a check: do not accept it.",
        }
    }

    /// What the clerk should do, in Vietnamese.
    fn vietnamese(self) -> &'static str {
        match self {
            Self::NoReader => "Không tìm thấy đầu đọc thẻ: cắm đầu đọc và thử lại.",
            Self::NoCard => "Chưa có thẻ trên đầu đọc: đặt thẻ lên đầu đọc.",
            Self::WrongKey => "Số CCCD, CAN hoặc ngày tháng không khớp với thẻ: kiểm tra lại thông tin nhập.",
            Self::CardRemoved => "Thẻ đã bị nhấc ra khi đang đọc: đặt lại thẻ và đọc lại.",
            Self::Busy => "Đang đọc một thẻ khác: chờ xong rồi thử lại.",
            Self::Cancelled => "Đã hủy đọc thẻ.",
            Self::Timeout => "Hết thời gian chờ thẻ: đặt thẻ lên đầu đọc rồi thử lại.",
            Self::Forbidden => {
                "Trang này không được phép đọc thẻ: nhờ quản trị viên thêm địa chỉ trang vào danh sách cho phép."
            }
            Self::BadRequest => "Yêu cầu không hợp lệ: báo cho bộ phận kỹ thuật của phần mềm.",
            Self::CardError => "Không đọc được thẻ: đặt lại thẻ và thử lại; nếu vẫn lỗi, thẻ có thể không được hỗ trợ.",
            Self::NotGenuine => {
                "Chip trả lời không nhất quán: có thể không phải thẻ thật. Không dùng thẻ này; không đọc lại."
            }
            Self::PaceRequired => {
                "Thẻ không đọc được bằng PACE (chỉ đọc được bằng BAC, kém an toàn): quầy này yêu cầu PACE, không dùng thẻ này để giao dịch."
            }
            Self::NotFound => "Không có chức năng này.",
            Self::FileError => "Không đọc được tệp chứng thư hoặc hồ sơ thẻ: kiểm tra đường dẫn và tệp, rồi thử lại.",
            Self::Internal => "Lỗi bên trong cancuoc: hãy báo cho bộ phận kỹ thuật.",
            Self::CheckFailed => "Thẻ không qua được kiểm tra: không chấp nhận thẻ này.",
        }
    }
}

/// What the clerk should do after an error, in both languages ([`Code::advice`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advice {
    /// Tiếng Việt.
    pub vi: &'static str,
    /// English.
    pub en: &'static str,
}

/// What the clerk is told of a failed check, in Vietnamese, by the report's verdict word.
fn verdict_vietnamese(verdict: cancuoc::Verdict) -> &'static str {
    use cancuoc::Verdict;
    match verdict {
        Verdict::Altered => {
            "Dữ liệu trên chip đã bị sửa đổi, bị thêm hoặc bị giữ lại: không chấp nhận thẻ này, không lưu hồ sơ."
        }
        Verdict::Cloned => {
            "Chip không chứng minh được là chip gốc (có thể là thẻ sao chép): không chấp nhận thẻ này, không lưu hồ sơ."
        }
        Verdict::Expired => {
            "Dữ liệu đúng nhưng chứng thư ký của thẻ đã hết hạn: không chấp nhận thẻ này; đề nghị công dân làm lại thẻ."
        }
        Verdict::Revoked => "Chứng thư ký của thẻ đã bị cơ quan cấp thu hồi: không chấp nhận thẻ này, không lưu hồ sơ.",
        Verdict::BadCertificate => "Chứng thư ký của thẻ không hợp lệ: không chấp nhận thẻ này, không lưu hồ sơ.",
        _ => "Thẻ không qua được kiểm tra: không chấp nhận thẻ này.",
    }
}

/// The `error` object of a read whose check failed: `{"code":"check_failed","verdict",
/// "message","message_vi","reasons"}`, the same in the endpoint, the C ABI and the bindings.
pub fn check_failed(report: &cancuoc::Report) -> serde_json::Value {
    let verdict = report.verdict();
    let reasons = report.verdict_reasons();
    let why = if reasons.is_empty() { "see the report's verification".to_owned() } else { reasons.join("; ") };
    json!({
        "code": Code::CheckFailed.word(),
        "verdict": verdict.as_str(),
        "message": format!("the card failed a check (verdict {}): do not accept it, do not file its record. {why}", verdict.as_str()),
        "message_vi": verdict_vietnamese(verdict),
        "reasons": reasons,
    })
}

/// An error response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The code.
    pub code: Code,
    /// The English message: what happened and what to do.
    pub message: String,
}

impl ApiError {
    /// An error with an English message.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    /// The response body: `{"error":{"code","message","message_vi"}}`.
    pub fn body(&self) -> serde_json::Value {
        json!({"error": {"code": self.code.word(), "message": self.message, "message_vi": self.code.vietnamese()}})
    }

    /// A read's failure, by its class; `cancelled` wins when the read was cancelled.
    pub fn from_read(error: &cancuoc::Error, cancelled: bool) -> Self {
        if cancelled {
            return Self::new(Code::Cancelled, "the read was cancelled");
        }
        Self::new(Code::of_error(error), error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_status_and_both_languages() {
        let all = [
            Code::NoReader,
            Code::NoCard,
            Code::WrongKey,
            Code::CardRemoved,
            Code::Busy,
            Code::Cancelled,
            Code::Timeout,
            Code::Forbidden,
            Code::BadRequest,
            Code::CardError,
            Code::NotGenuine,
            Code::PaceRequired,
            Code::NotFound,
            Code::FileError,
            Code::Internal,
            Code::CheckFailed,
        ];
        for code in all {
            let body = ApiError::new(code, "x").body();
            assert_eq!(body["error"]["code"], code.word());
            assert!((400..600).contains(&code.status()));
            assert!(!body["error"]["message_vi"].as_str().unwrap_or_default().is_empty());
            assert!(!code.advice().en.is_empty() && code.advice().vi != code.advice().en);
        }
    }

    #[test]
    fn read_failures_map_to_codes() {
        let removed = cancuoc::Error::Transport(cancuoc::TransportError::CardRemoved);
        assert_eq!(ApiError::from_read(&removed, false).code, Code::CardRemoved);
        assert_eq!(ApiError::from_read(&removed, true).code, Code::Cancelled);
        let no_card = cancuoc::Error::Transport(cancuoc::TransportError::NoCard);
        assert_eq!(ApiError::from_read(&no_card, false).code, Code::NoCard);
        let no_service = cancuoc::Error::Transport(cancuoc::TransportError::NoService);
        assert_eq!(ApiError::from_read(&no_service, false).code, Code::NoReader);
        assert_eq!(ApiError::from_read(&cancuoc::Error::NotADocument, false).code, Code::CardError);
    }
}
