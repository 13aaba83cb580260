//! Certification paths as PKIX builds them (RFC 5280 §6.1, RFC 4158 §3), for ICAO trust
//! (ICAO 9303-12 §5.1): from a certificate up to a trust anchor through the certificates of a
//! pool, so that a CSCA key rollover is a path, not a forgery.
//!
//! - **Candidates** for a certificate's issuer are the pool's certificates whose subject is its
//!   issuer name, compared as RFC 5280 §7.1 says ([`crate::pki::name`]); the one whose subject
//!   key identifier equals the certificate's authority key identifier is tried first, every
//!   other one after it (CSCAs keep their name across keys, and not every issuer computes key
//!   identifiers the same way).
//! - A candidate whose key verifies the signature ends the path when it is an anchor
//!   ([`Certificate::is_anchor_form`] and whatever the caller requires), or extends it when
//!   it is a **link certificate** (a new CSCA key certified by the old one) or another
//!   intermediate, up to [`MAX_DEPTH`] certificates.
//! - What the search met is kept for the verdict: whether the key the authority key
//!   identifier names refused the signature (a forged certificate), whether a check could
//!   not be performed, and which link certificates led nowhere.

use crate::pki::certificate::Certificate;
use crate::pki::signature::SignatureError;

/// Most issuers above a certificate in one path (a link chain of three rollovers, then the
/// anchor): bounds the work a hostile pool can cause.
pub(crate) const MAX_DEPTH: usize = 4;
/// Most complete paths collected: the first that passes every check wins.
const MAX_PATHS: usize = 8;

/// What a search found.
#[derive(Debug, Default)]
pub(crate) struct Search<'a> {
    /// Complete paths: the issuers above the certificate, nearest first, the last an anchor;
    /// every signature along each verifies.
    pub(crate) paths: Vec<Vec<&'a Certificate>>,
    /// The issuer key the certificate's authority key identifier names is in the pool and
    /// does not verify its signature.
    pub(crate) named_key_refused: bool,
    /// Pool certificates with the issuer's name whose key did not verify the signature.
    pub(crate) same_name_refused: usize,
    /// A candidate's check could not be performed here (what), at the first level.
    pub(crate) unsupported: Option<&'static str>,
    /// Intermediates (link certificates) whose signature verified but that reach no anchor.
    pub(crate) dangling: Vec<&'a Certificate>,
}

/// How the search judges each step: whether `issuer`'s key signed `cert` (the trust store
/// caches it), and whether a certificate is an anchor.
pub(crate) struct Rules<'r> {
    /// Verifies that the second certificate's key signed the first.
    pub(crate) signed_by: &'r dyn Fn(&Certificate, &Certificate) -> Result<(), SignatureError>,
    /// True for a certificate that may end a path.
    pub(crate) is_anchor: &'r dyn Fn(&Certificate) -> bool,
}

/// Every path from `cert` up to an anchor of `pool`.
pub(crate) fn search<'a>(cert: &Certificate, pool: &[&'a Certificate], rules: &Rules<'_>) -> Search<'a> {
    let mut found = Search::default();
    let mut above = Vec::new();
    extend(cert, pool, rules, &mut above, &mut found);
    found
}

/// `cert`'s issuer candidates, the one its authority key identifier names first.
fn candidates<'a>(cert: &Certificate, pool: &[&'a Certificate]) -> Vec<&'a Certificate> {
    let mut named: Vec<&'a Certificate> =
        pool.iter().copied().filter(|c| cert.named_issuer(c) && c.der != cert.der).collect();
    // true (named) first, then unknown, then another key.
    named.sort_by_key(|c| match c.is_key_named_by(cert) {
        Some(true) => 0,
        None => 1,
        Some(false) => 2,
    });
    named
}

fn extend<'a>(
    cert: &Certificate,
    pool: &[&'a Certificate],
    rules: &Rules<'_>,
    above: &mut Vec<&'a Certificate>,
    found: &mut Search<'a>,
) {
    let first_level = above.is_empty();
    for issuer in candidates(cert, pool) {
        if found.paths.len() >= MAX_PATHS {
            return;
        }
        // A path never visits a certificate twice (a pool may hold loops of link certificates).
        if above.iter().any(|c| c.der == issuer.der) {
            continue;
        }
        match (rules.signed_by)(cert, issuer) {
            Ok(()) => {}
            Err(SignatureError::Unsupported(what)) => {
                if first_level && issuer.is_key_named_by(cert) != Some(false) {
                    found.unsupported.get_or_insert(what);
                }
                continue;
            }
            Err(_) => {
                if first_level {
                    found.same_name_refused += 1;
                    found.named_key_refused |= issuer.is_key_named_by(cert) == Some(true);
                }
                continue;
            }
        }
        above.push(issuer);
        let before = found.paths.len();
        if (rules.is_anchor)(issuer) {
            found.paths.push(above.clone());
        } else if above.len() < MAX_DEPTH {
            extend(issuer, pool, rules, above, found);
        }
        // An intermediate that verified but led to no anchor: named in the verdict.
        if found.paths.len() == before && !found.dangling.iter().any(|c| c.der == issuer.der) {
            found.dangling.push(issuer);
        }
        above.pop();
    }
}
