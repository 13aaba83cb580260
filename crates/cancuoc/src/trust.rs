//! The trust store (DESIGN.md §2 `trust`): CSCA certificates from DER or PEM files and from
//! CSCA master lists (ICAO 9303-12 §9; CMS SignedData with eContentType id-icao-cscaMasterList
//! 2.23.136.1.1.2 and content `SEQUENCE { version, SET OF Certificate }`), and CRLs. Bytes in,
//! no file I/O: the apps read the files.
//!
//! **A master list is a container, not an anchor.** Anyone can make a list that vouches for
//! itself: a self-made "CSCA … Vietnam" that certifies the list's signer and sits inside the
//! list. So a list's certificates count only when its signature verifies and its signer is
//! certified by a CSCA the user supplied directly — a certificate added with
//! [`TrustStore::add_certificate`] (not one taken from another list), or a certificate whose
//! SHA-256 fingerprint the user pinned with [`TrustStore::pin_fingerprint`] after comparing it
//! with the issuer's published one. Otherwise [`TrustError::MasterListUnanchored`] names the
//! CSCA and its fingerprint to check.

mod path;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use thiserror::Error;

use crate::codec::ByteReader;
use crate::crypto::hash::HashAlgorithm;
pub use crate::pki::certificate::{Certificate, Crl, fingerprint};
use crate::pki::cms::SignedData;
use crate::pki::signature::{SignatureError, verify};

/// id-icao-cscaMasterList 2.23.136.1.1.2.
const OID_MASTER_LIST: &[u8] = &[0x67, 0x81, 0x08, 0x01, 0x01, 0x02];
/// Most certificates taken from one master list (the DE list holds about 500).
const MAX_MASTER_LIST_CERTS: usize = 5000;

// Certificates, PEM files, master lists and CRLs are told apart by their structure.

/// Why a trust file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TrustError {
    /// Not a certificate, PEM file or master list.
    #[error("{0}: not a certificate (DER or PEM), a CSCA master list or a CRL")]
    Unrecognised(String),
    /// A master list whose signature or signer does not verify.
    #[error("{name}: the master list's signature does not verify ({why}); nothing imported")]
    MasterListSignature {
        /// The file.
        name: String,
        /// What failed.
        why: &'static str,
    },
    /// A master list whose signer no directly supplied CSCA certifies: it vouches for nothing.
    #[error(
        "{name}: a master list vouches for nothing by itself, and its signer is certified by {csca}, which was not given as a trust anchor; nothing imported"
    )]
    MasterListUnanchored {
        /// The file.
        name: String,
        /// The CSCA that certifies the list's signer, as the list names it.
        csca: ListCsca,
    },
}

/// The CSCA that certifies a master list's signer: what the user must check against the
/// issuer's published fingerprint before anchoring the list on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCsca {
    /// Its subject (RFC 4514 style).
    pub subject: String,
    /// SHA-256 of its DER certificate, lower-case hex; `None` when the list does not hold it.
    pub fingerprint: Option<String>,
}

impl std::fmt::Display for ListCsca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.fingerprint {
            Some(fingerprint) => write!(f, "\"{}\" (SHA-256 {fingerprint})", self.subject),
            None => write!(f, "\"{}\" (not in the list)", self.subject),
        }
    }
}

/// Reads a SHA-256 fingerprint typed by a person: 64 hex digits, upper or lower case, with or
/// without `:` or spaces between bytes. `None` for anything else.
pub fn parse_fingerprint(text: &str) -> Option<[u8; 32]> {
    let digits: String = text.chars().filter(|c| !matches!(c, ':' | ' ')).collect();
    let bytes = crate::codec::decode_hex(&digits)?;
    bytes.try_into().ok()
}

/// The CSCA certificates a verification may chain to.
///
/// ```
/// use cancuoc::TrustStore;
/// let mut store = TrustStore::new();
/// // Files are told apart by their content: certificates (DER or PEM), CRLs, master lists.
/// assert!(store.add_file("notes.txt", b"not a certificate").is_err());
/// // A master list counts only on a CSCA you vouch for: its certificate, or its fingerprint.
/// store.pin_fingerprint(cancuoc::trust::parse_fingerprint(&"ab".repeat(32)).unwrap());
/// assert!(store.is_empty());
/// ```
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
    /// How many of `anchors`, from the start, were supplied directly (not from a master list).
    supplied: usize,
    /// SHA-256 fingerprints of CSCA certificates the user vouched for, to anchor master lists.
    pinned: Vec<[u8; 32]>,
    crls: Vec<Crl>,
    /// Certificates that could not be parsed, with why (master lists hold a few).
    pub skipped: Vec<String>,
    /// Signature checks already made, shared by the store's clones and threads.
    checked: SignatureCache,
    /// Document signer certificates already parsed, shared the same way.
    parsed: CertificateCache,
}

/// The certificates EF.SODs carry, parsed once each: a back office's dumps carry a handful of
/// DS certificates between them, and parsing one (x509-parser, names to text) cost about 4 % of
/// a dump's verification. Keyed by the whole encoding, so an altered certificate is parsed
/// afresh.
#[derive(Debug, Clone, Default)]
struct CertificateCache(Arc<Mutex<HashMap<Vec<u8>, Certificate>>>);

/// Most certificates kept; past that, the cache starts over.
const MAX_CACHED_CERTIFICATES: usize = 256;

impl CertificateCache {
    fn parse(&self, der: &[u8]) -> Option<Certificate> {
        if let Some(found) = self.0.lock().ok().and_then(|map| map.get(der).cloned()) {
            return Some(found);
        }
        let parsed = Certificate::parse(der)?;
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_CACHED_CERTIFICATES {
                map.clear();
            }
            map.insert(der.to_vec(), parsed.clone());
        }
        Some(parsed)
    }
}

/// The outcome of each signature check between two certificates (a DS certificate under a
/// CSCA's key, a CRL under its CSCA's key), keyed by SHA-256 over both encodings whole: a back
/// office verifying thousands of cards signed by a handful of DS certificates checks each DS
/// certificate's signature once. Only the signature's outcome is kept: dates, key usage and
/// revocation are judged again for every document.
#[derive(Debug, Clone, Default)]
struct SignatureCache(Arc<Mutex<HashMap<[u8; 32], SignatureOutcome>>>);

/// A signature check's outcome.
type SignatureOutcome = Result<(), SignatureError>;

/// Most outcomes kept (a few KB each in the worst case); past that, the cache starts over.
const MAX_CACHED_SIGNATURES: usize = 4096;

impl SignatureCache {
    fn key(signer: &[u8], signed: &[u8]) -> [u8; 32] {
        let length = u64::try_from(signer.len()).unwrap_or(u64::MAX).to_be_bytes();
        let digest = HashAlgorithm::Sha256.digest(&[&length[..], signer, signed].concat());
        digest.try_into().unwrap_or([0; 32])
    }

    /// The cached outcome for `(signer, signed)`, or `check`'s, then kept.
    fn get_or_check(
        &self,
        signer: &[u8],
        signed: &[u8],
        check: impl FnOnce() -> Result<(), SignatureError>,
    ) -> Result<(), SignatureError> {
        let key = Self::key(signer, signed);
        if let Some(found) = self.0.lock().ok().and_then(|map| map.get(&key).cloned()) {
            return found;
        }
        let outcome = check();
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_CACHED_SIGNATURES {
                map.clear();
            }
            map.insert(key, outcome.clone());
        }
        outcome
    }
}

impl TrustStore {
    /// The certificate encoded as `der` (an EF.SOD's), parsed once per store and its clones.
    pub(crate) fn parse_certificate(&self, der: &[u8]) -> Option<Certificate> {
        self.parsed.parse(der)
    }

    /// An empty store: chains end in `no_anchor`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The certificates: CSCA certificates that can anchor a chain
    /// ([`Certificate::is_anchor_form`]) and the link certificates between CSCA keys, which
    /// count only on a path to one of them.
    pub fn anchors(&self) -> &[Certificate] {
        &self.anchors
    }

    /// Every certification path from `cert` (a document signer's) to a CSCA of the store, each
    /// signature along it verified ([`path`]): the issuers, nearest first, the last an anchor.
    pub(crate) fn issuer_paths(&self, cert: &Certificate) -> path::Search<'_> {
        let pool: Vec<&Certificate> = self.anchors.iter().collect();
        let rules = path::Rules {
            signed_by: &|cert, issuer| self.verify_issued_by(cert, issuer),
            is_anchor: &Certificate::is_anchor_form,
        };
        path::search(cert, &pool, &rules)
    }

    /// The certificates of the store whose subject is `cert`'s issuer name (RFC 5280 §7.1).
    pub(crate) fn named_issuers<'a>(&'a self, cert: &'a Certificate) -> impl Iterator<Item = &'a Certificate> + 'a {
        self.anchors.iter().filter(move |c| cert.named_issuer(c))
    }

    /// The CRLs.
    pub fn crls(&self) -> &[Crl] {
        &self.crls
    }

    /// True when a CRL of `csca` lists `serial` (RFC 5280 §6.3): a CRL whose issuer is
    /// `csca`'s name (RFC 5280 §7.1 comparison) and whose signature verifies under **any key of
    /// that CSCA** the store holds (its self-signed certificates and link certificates: a CSCA
    /// signs its CRLs with its current key, whichever generation the document signer was
    /// issued under).
    pub fn is_revoked(&self, csca: &Certificate, serial: &[u8]) -> bool {
        let keys: Vec<&Certificate> = self.anchors.iter().filter(|c| c.subject_name == csca.subject_name).collect();
        self.crls.iter().filter(|crl| crl.issuer_name == csca.subject_name).any(|crl| {
            crl.revoked.iter().any(|s| s.as_slice() == serial) && keys.iter().any(|key| self.signed_crl(key, crl))
        })
    }

    /// True when `csca`'s key signed `crl` (the outcome is cached).
    fn signed_crl(&self, csca: &Certificate, crl: &Crl) -> bool {
        let signed = [&crl.tbs[..], &crl.signature[..]].concat();
        self.checked
            .get_or_check(&csca.der, &signed, || {
                let key = csca.public_key(None)?;
                verify(&key, &crl.signature_algorithm, None, &crl.tbs, &crl.signature).map(|_| ())
            })
            .is_ok()
    }

    /// Verifies that `csca`'s key signed the certificate `ds`, once per pair for the store and
    /// its clones (ICAO 9303-12 §7.1.1's chain step; the outcome is cached).
    ///
    /// # Errors
    /// The signature's error: the CSCA's key or the algorithm unsupported, or no match.
    pub(crate) fn verify_issued_by(&self, ds: &Certificate, csca: &Certificate) -> Result<(), SignatureError> {
        self.checked.get_or_check(&csca.der, &ds.der, || {
            let key = csca.public_key(None)?;
            ds.verify_signed_by(&key).map(|_| ())
        })
    }

    /// True without anchors.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// Adds a DER certificate the user supplied directly: a trust anchor, and one that can
    /// anchor a master list.
    ///
    /// # Errors
    /// [`TrustError::Unrecognised`] when it does not parse.
    pub fn add_certificate(&mut self, name: &str, der: &[u8]) -> Result<(), TrustError> {
        let cert = Certificate::parse(der).ok_or_else(|| TrustError::Unrecognised(name.to_owned()))?;
        match self.anchors.iter().position(|a| a.der == cert.der) {
            // Already supplied: nothing to do.
            Some(i) if i < self.supplied => {}
            // Taken from a master list before: now supplied too.
            Some(i) => {
                let cert = self.anchors.remove(i);
                self.anchors.insert(self.supplied, cert);
                self.supplied += 1;
            }
            None => {
                self.anchors.insert(self.supplied, cert);
                self.supplied += 1;
            }
        }
        Ok(())
    }

    /// Vouches for the CSCA certificate whose DER has this SHA-256 fingerprint, so master
    /// lists whose signer it certifies are imported ([`fingerprint`], [`parse_fingerprint`]).
    pub fn pin_fingerprint(&mut self, sha256: [u8; 32]) {
        if !self.pinned.contains(&sha256) {
            self.pinned.push(sha256);
        }
    }

    /// Adds several files, certificates and CRLs first and master lists last, so a list can
    /// be anchored on a certificate given after it. Returns each file's outcome, in the order
    /// given.
    pub fn add_files(&mut self, files: &[(String, Vec<u8>)]) -> Vec<Result<usize, TrustError>> {
        let mut outcomes: Vec<Option<Result<usize, TrustError>>> = files.iter().map(|_| None).collect();
        for lists in [false, true] {
            for ((name, bytes), outcome) in files.iter().zip(outcomes.iter_mut()) {
                if is_master_list(bytes) == lists {
                    *outcome = Some(self.add_file(name, bytes));
                }
            }
        }
        outcomes.into_iter().map(|o| o.unwrap_or(Ok(0))).collect()
    }

    /// Adds what a file holds: a DER certificate, PEM certificates, a CRL, or a CSCA master
    /// list (anchored as the module docs say). Returns how many certificates were added.
    ///
    /// # Errors
    /// [`TrustError`] for an unrecognised file or a master list that does not verify or that
    /// no supplied CSCA anchors.
    pub fn add_file(&mut self, name: &str, bytes: &[u8]) -> Result<usize, TrustError> {
        if let Ok(text) = std::str::from_utf8(bytes)
            && text.contains("-----BEGIN CERTIFICATE-----")
        {
            let mut added = 0;
            for der in pem_certificates(text) {
                self.add_certificate(name, &der)?;
                added += 1;
            }
            return Ok(added);
        }
        if let Ok(signed) = SignedData::parse(bytes)
            && signed.content_type == OID_MASTER_LIST
        {
            return self.add_master_list(name, &signed);
        }
        if Certificate::parse(bytes).is_none()
            && let Some(crl) = Crl::parse(bytes)
        {
            self.crls.push(crl);
            return Ok(0);
        }
        self.add_certificate(name, bytes).map(|()| 1)
    }

    /// Imports a master list after checking its signature (the signer's certificate must be
    /// in the SignedData and verify the signature over the signed attributes, whose message
    /// digest must match the content) and its anchor (a directly supplied or pinned CSCA must
    /// certify the signer).
    fn add_master_list(&mut self, name: &str, signed: &SignedData) -> Result<usize, TrustError> {
        let fail = |why| TrustError::MasterListSignature { name: name.to_owned(), why };
        let signer = signed.signers.first().ok_or(fail("no signer"))?;
        let signer_cert = crate::pki::signer::find_signer_certificate(&signed.certificates, &signer.sid)
            .ok_or(fail("no signer certificate"))?;
        let key = signer_cert.public_key(None).map_err(|_| fail("unusable signer key"))?;
        crate::pki::signer::check_signer(signed, signer, &key).map_err(|problem| fail(problem.as_str()))?;
        let mut r = ByteReader::new(&signed.content, "CscaMasterList");
        let mut list = r.expect_tlv(0x30).map_err(|_| fail("malformed content"))?.reader("CscaMasterList");
        list.expect_tlv(0x02).map_err(|_| fail("malformed content"))?;
        let mut set = list.expect_tlv(0x31).map_err(|_| fail("malformed content"))?.reader("certList");
        let mut certs = Vec::new();
        let mut skipped = Vec::new();
        while !set.is_empty() && certs.len() < MAX_MASTER_LIST_CERTS {
            let Ok(tlv) = set.tlv() else {
                skipped.push(format!("{name}: a malformed entry ends the list"));
                break;
            };
            match Certificate::parse(tlv.raw) {
                Some(cert) => certs.push(cert),
                None => skipped.push(format!("{name}: entry at byte {} is not a certificate", tlv.value_offset)),
            }
        }
        // The signer's path: through the list's own certificates (a link certificate, the
        // CSCA's other keys) to a CSCA the user supplied or pinned, names compared as RFC 5280
        // §7.1 says (a list signer's issuer is often encoded in another string type than its
        // CSCA's subject).
        let supplied = self.anchors.get(..self.supplied).unwrap_or_default();
        let pool: Vec<&Certificate> = supplied.iter().chain(certs.iter()).collect();
        let is_anchor =
            |c: &Certificate| supplied.iter().any(|s| s.der == c.der) || self.pinned.contains(&fingerprint(&c.der));
        let rules =
            path::Rules { signed_by: &|cert, issuer| self.verify_issued_by(cert, issuer), is_anchor: &is_anchor };
        let anchored = !path::search(&signer_cert, &pool, &rules).paths.is_empty();
        if !anchored {
            let certifies_signer = |csca: &&Certificate| {
                signer_cert.named_issuer(csca) && self.verify_issued_by(&signer_cert, csca).is_ok()
            };
            let in_list: Vec<&Certificate> = certs.iter().filter(certifies_signer).collect();
            let csca = match in_list.first() {
                Some(c) => ListCsca { subject: c.subject_text.clone(), fingerprint: Some(hex(&fingerprint(&c.der))) },
                None => ListCsca { subject: signer_cert.issuer_text.clone(), fingerprint: None },
            };
            return Err(TrustError::MasterListUnanchored { name: name.to_owned(), csca });
        }
        let before = self.anchors.len();
        for cert in certs {
            if !self.anchors.iter().any(|a| a.der == cert.der) {
                self.anchors.push(cert);
            }
        }
        self.skipped.extend(skipped);
        Ok(self.anchors.len() - before)
    }
}

/// True when `bytes` are a CMS SignedData holding a CSCA master list.
fn is_master_list(bytes: &[u8]) -> bool {
    SignedData::parse(bytes).is_ok_and(|signed| signed.content_type == OID_MASTER_LIST)
}

fn hex(bytes: &[u8]) -> String {
    crate::codec::encode_hex(bytes).to_lowercase()
}

/// The DER certificates of PEM text.
fn pem_certificates(text: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut inside = None::<String>;
    for line in text.lines() {
        let line = line.trim();
        if line == "-----BEGIN CERTIFICATE-----" {
            inside = Some(String::new());
        } else if line == "-----END CERTIFICATE-----" {
            if let Some(b64) = inside.take() {
                out.extend(base64_decode(&b64));
            }
        } else if let Some(b64) = &mut inside {
            b64.push_str(line);
        }
    }
    out
}

/// Standard base64 (RFC 4648 §4) of a PEM body, line breaks and padding as PEM has them;
/// `None` for invalid text. Decoded by `base64ct` (RustCrypto), constant time.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64ct::Encoding;
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64ct::Base64::decode_vec(&compact).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_pem() {
        assert_eq!(base64_decode("TWFu").unwrap(), b"Man");
        assert_eq!(base64_decode("TWE=").unwrap(), b"Ma");
        assert!(base64_decode("T*").is_none());
        let pem = "-----BEGIN CERTIFICATE-----\nTWFu\n-----END CERTIFICATE-----\n";
        assert_eq!(pem_certificates(pem), vec![b"Man".to_vec()]);
    }

    #[test]
    fn certificates_are_parsed_once_per_store_and_an_altered_one_afresh() {
        let der = include_bytes!("../../../fixtures/pki/cancuoc-test-csca.der");
        let store = TrustStore::new();
        let clone = store.clone();
        let first = store.parse_certificate(der).unwrap();
        assert_eq!(clone.parse_certificate(der).unwrap().der, first.der);
        assert_eq!(store.parsed.0.lock().unwrap().len(), 1, "the clone shares the parse");
        let mut altered = der.to_vec();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(store.parse_certificate(&altered).unwrap().der, altered);
        assert_eq!(store.parse_certificate(der).unwrap().der, der.to_vec());
        assert!(store.parse_certificate(b"not a certificate").is_none());
    }

    #[test]
    fn garbage_is_not_a_trust_file() {
        let mut store = TrustStore::new();
        assert!(store.add_file("x", b"hello").is_err());
        assert!(store.is_empty());
    }
}
