//! Navigate-and-return for HIS pages on plain-`http://` intranets, which Chrome's Local
//! Network Access does not let `fetch` the loopback: the page navigates to
//! `GET /v1/checkin?return=URL&state=S&id=…`, the endpoint reads the card and answers a page
//! that posts the check-in record and `state` back to `URL` (whose origin must be on the
//! allow-list), as AusweisApp's eID-Client answers with a redirect
//! (`docs/research/integration.md` Recommendation A.5b).
//!
//! The page's Content-Security-Policy lets it run only its own one-line script and submit
//! forms only to the return origin.

use base64ct::{Base64, Encoding};
use cancuoc::record::escape_html as escape;
use sha2::{Digest, Sha256};

/// The page's only script.
const SUBMIT: &str = "document.forms[0].submit();";

/// The page posting `fields` to `return_to`, and its Content-Security-Policy.
pub(crate) fn post_back(return_to: &str, return_origin: &str, fields: &[(&str, String)]) -> (String, String) {
    let inputs: String = fields
        .iter()
        .map(|(name, value)| format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(name), escape(value)))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>cancuoc</title></head><body>\
         <form method=\"post\" action=\"{}\">{inputs}\
         <p>Đang gửi thông tin thẻ về phần mềm… / Sending the card's data back…</p>\
         <noscript><button type=\"submit\">Gửi / Send</button></noscript></form>\
         <script>{SUBMIT}</script></body></html>",
        escape(return_to)
    );
    let hash = Base64::encode_string(&Sha256::digest(SUBMIT.as_bytes()));
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{hash}'; form-action {return_origin}; base-uri 'none'; frame-ancestors 'none'"
    );
    (html, csp)
}

/// The confirmation page of navigate-and-return: it names the site the record goes to and
/// reads nothing; the clerk's click POSTs `ticket` to `/v1/checkin/confirm`. No script, no
/// framing (`frame-ancestors 'none'`: no page can lay it under a decoy and steal the click),
/// forms only to the endpoint itself. Returns the page and its Content-Security-Policy.
pub(crate) fn confirm(return_origin: &str, ticket: &str) -> (String, String) {
    let site = escape(return_origin);
    let html = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>cancuoc: đọc thẻ?</title></head>\
         <body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\">\
         <h1>Đọc thẻ và gửi thông tin về <span id=\"site\">{site}</span>?</h1>\
         <p>Read the card on this desk's reader and send the holder's data to <b>{site}</b>?</p>\
         <p>Chỉ bấm nếu bạn vừa mở trang này từ phần mềm của cơ sở mình. / Only if you just came here from your own system.</p>\
         <form method=\"post\" action=\"/v1/checkin/confirm\">\
         <input type=\"hidden\" name=\"ticket\" value=\"{}\">\
         <button type=\"submit\" name=\"answer\" value=\"read\" style=\"font-size:1.4em\">Đọc thẻ / Read the card</button> \
         <button type=\"submit\" name=\"answer\" value=\"cancel\">Hủy / Cancel</button></form></body></html>",
        escape(ticket)
    );
    let csp =
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
            .to_owned();
    (html, csp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_break_out_of_the_form() {
        let (html, csp) = post_back(
            "https://his.example.vn/back?a=1&b=\"x\"",
            "https://his.example.vn",
            &[("ho_ten", "\"><script>alert(1)</script>".to_owned()), ("state", "a'b".to_owned())],
        );
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""));
        assert!(html.contains("action=\"https://his.example.vn/back?a=1&amp;b=&quot;x&quot;\""));
        assert!(html.contains("value=\"a&#39;b\""));
        assert_eq!(html.matches("<script>").count(), 1);
        assert!(csp.contains("form-action https://his.example.vn;"));
        assert!(csp.starts_with("default-src 'none'; script-src 'sha256-"));
    }
}
