//! The document signer certificate's chain to a CSCA of the trust store, and the validity of
//! each certificate of the path (ICAO 9303-12 §5.1, §7.1.1; RFC 5280 §6.1.3): the last step
//! of passive authentication ([`super::passive`]).

use crate::pki::certificate::Certificate;
use crate::trust::TrustStore;
use crate::verify::status::ChainStatus;

/// The moments the chain is checked at.
#[derive(Debug, Clone, Copy)]
pub(super) struct Times {
    /// The chosen date (`--at`, default today); `None` skips this check.
    pub(super) at: Option<i64>,
    /// EF.SOD's signingTime, when it has one.
    pub(super) signed_at: Option<i64>,
}

fn day(seconds: i64) -> String {
    crate::codec::time::CalendarDate::from_unix(seconds).iso()
}

/// The validity checks of one path, DS first (ICAO 9303-12 §5.1, §7.1.1; RFC 5280 §6.1.3's
/// shell model), in the order a reader of the report needs them:
/// 1. at signing: the certificate that issued the DS certificate (the CSCA, or the link
///    certificate of the CSCA key that signed it) was valid when it did (the DS certificate's
///    notBefore), and, when EF.SOD carries a signingTime, the DS certificate and its issuer
///    were valid when the document was signed;
/// 2. at the chosen date: every certificate of the path valid then (ICAO sizes the DS
///    certificate's validity to cover every document it signed, so an expired DS certificate
///    means an expired document).
fn validity_problem(ds: &Certificate, issuers: &[&Certificate], times: Times) -> Option<String> {
    let issuer = issuers.first()?;
    if !issuer.valid_at(ds.not_before) {
        return Some(format!(
            "the CSCA certificate (valid {} to {}) was not valid when it issued the document signer certificate on {}",
            day(issuer.not_before),
            day(issuer.not_after),
            day(ds.not_before)
        ));
    }
    if let Some(signed) = times.signed_at {
        for (who, cert) in [("document signer", ds), ("CSCA", *issuer)] {
            if !cert.valid_at(signed) {
                return Some(format!(
                    "EF.SOD was signed on {}, outside the {who} certificate's validity ({} to {})",
                    day(signed),
                    day(cert.not_before),
                    day(cert.not_after)
                ));
            }
        }
    }
    let at = times.at?;
    let path = std::iter::once(("document signer", ds)).chain(issuers.iter().enumerate().map(|(i, c)| {
        let who = if i + 1 == issuers.len() { "CSCA" } else { "CSCA link" };
        (who, *c)
    }));
    for (who, cert) in path {
        if !cert.valid_at(at) {
            return Some(format!(
                "the {who} certificate is outside its validity period ({} to {}) on {}",
                day(cert.not_before),
                day(cert.not_after),
                day(at)
            ));
        }
    }
    None
}

fn hex(bytes: &[u8]) -> String {
    crate::codec::encode_hex(bytes)
}

/// DS → CSCA, built as PKIX builds paths ([`crate::trust::TrustStore::issuer_paths`]): the
/// CSCA key the DS certificate's authority key identifier names first, every CSCA of the
/// issuer's name after it (string type and case do not matter), link certificates between a
/// CSCA's keys as path elements. The first path that passes every check makes the chain
/// `trusted`; else the first path's failure is reported. Without a path:
/// - `invalid` when the key the authority key identifier names is in the store and refuses
///   the signature (a forged or altered DS certificate);
/// - `unsupported` when a candidate's check could not be performed;
/// - otherwise `no_anchor`: the store lacks the CSCA generation that issued the DS
///   certificate (missing is not forged), and the problem names the key identifier looked for.
pub(super) fn chain(
    ds: &Certificate,
    trust: &TrustStore,
    times: Times,
    problems: &mut Vec<String>,
) -> (ChainStatus, Option<String>) {
    let search = trust.issuer_paths(ds);
    let mut first_failure: Option<(ChainStatus, String, String)> = None;
    for issuers in &search.paths {
        let Some(anchor) = issuers.last() else { continue };
        let issuer = issuers.first().copied().unwrap_or(anchor);
        let failure = if ds.key_usage.is_some_and(|(digital_signature, _)| !digital_signature) {
            Some((ChainStatus::Invalid, "the document signer certificate is not for digital signatures".to_owned()))
        } else if trust.is_revoked(issuer, &ds.serial) {
            Some((ChainStatus::Revoked, "the document signer certificate is revoked by its CSCA's CRL".to_owned()))
        } else {
            validity_problem(ds, issuers, times).map(|why| (ChainStatus::Expired, why))
        };
        match failure {
            None => return (ChainStatus::Trusted, Some(anchor.subject_text.clone())),
            Some((status, why)) => {
                first_failure.get_or_insert((status, why, anchor.subject_text.clone()));
            }
        }
    }
    if let Some((status, why, anchor)) = first_failure {
        problems.push(why);
        return (status, Some(anchor));
    }
    let key_id = ds.authority_key_id.as_deref().map(|id| format!(" (authority key identifier {})", hex(id)));
    if search.named_key_refused {
        problems.push(format!(
            "the document signer certificate's signature does not verify under the CSCA key it names{}: the certificate was altered or forged",
            key_id.unwrap_or_default()
        ));
        return (ChainStatus::Invalid, None);
    }
    if let Some(what) = search.unsupported {
        problems.push(format!(
            "the CSCA's key or its signature on the document signer certificate cannot be checked here: unsupported {what}"
        ));
        return (ChainStatus::Unsupported, None);
    }
    let mut why = format!(
        "no CSCA key in the trust store issued the document signer certificate: looked for \"{}\"{}",
        ds.issuer_text,
        key_id.unwrap_or_default()
    );
    if search.same_name_refused > 0 {
        why.push_str(&format!(
            "; the store holds {} certificate(s) of that name, with other keys (another CSCA generation: add the one that issued this document, or the link certificate to it)",
            search.same_name_refused
        ));
    }
    for link in &search.dangling {
        why.push_str(&format!(
            "; the link certificate \"{}\" (valid {} to {}) leads to a CSCA key the store does not hold",
            link.subject_text,
            day(link.not_before),
            day(link.not_after)
        ));
    }
    problems.push(why);
    (ChainStatus::NoAnchor, None)
}
