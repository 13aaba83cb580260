//! X.509 certificates and CRLs as passive authentication and the trust store need them
//! (RFC 5280; ICAO 9303-12 §7): the fields a chain check reads, with the exact bytes the issuer
//! signed kept for verification.

use super::cms::Algorithm;
use super::name::NameKey;
use super::signature::{PublicKey, SignatureError, verify};
use crate::codec::ByteReader;
use std::sync::Arc;

use crate::crypto::group::EcGroup;

/// SHA-256 of a DER certificate: the fingerprint issuers publish for their CSCA.
pub fn fingerprint(der: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(der).into()
}

/// A parsed certificate, owning its DER. Its fields are read through getters and written only
/// by [`Certificate::parse`], so a certificate's key, names and validity are always those its
/// DER encodes (a caller cannot pair a trusted DER with another key):
///
/// ```compile_fail
/// let mut cert = cancuoc::trust::Certificate::parse(&[]).unwrap();
/// cert.spki = Vec::new();
/// ```
#[derive(Clone)]
pub struct Certificate {
    /// The DER encoding.
    pub(crate) der: Vec<u8>,
    /// The TBSCertificate, as encoded (what the issuer signed).
    pub(crate) tbs: Vec<u8>,
    /// The subject Name, DER.
    pub(crate) subject: Vec<u8>,
    /// The issuer Name, DER.
    pub(crate) issuer: Vec<u8>,
    /// The subject as text (RFC 4514 style).
    pub(crate) subject_text: String,
    /// The issuer as text.
    pub(crate) issuer_text: String,
    /// The serial number's INTEGER contents.
    pub(crate) serial: Vec<u8>,
    /// notBefore, seconds since 1970.
    pub(crate) not_before: i64,
    /// notAfter, seconds since 1970.
    pub(crate) not_after: i64,
    /// The SubjectPublicKeyInfo, DER.
    pub(crate) spki: Vec<u8>,
    /// The signature algorithm.
    pub(crate) signature_algorithm: Algorithm,
    /// The signature.
    pub(crate) signature: Vec<u8>,
    /// keyUsage digitalSignature / keyCertSign, when the extension is present.
    pub(crate) key_usage: Option<(bool, bool)>,
    /// subjectKeyIdentifier.
    pub(crate) subject_key_id: Option<Vec<u8>>,
    /// authorityKeyIdentifier's keyIdentifier: which of its issuer's keys signed it (mandatory
    /// in ICAO 9303-12 §7.1.1's DS profile and in link certificates).
    pub(crate) authority_key_id: Option<Vec<u8>>,
    /// The subject, prepared for RFC 5280 §7.1 comparison.
    pub(crate) subject_name: NameKey,
    /// The issuer, prepared likewise.
    pub(crate) issuer_name: NameKey,
}

impl std::fmt::Debug for Certificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Certificate({})", self.subject_text)
    }
}

impl Certificate {
    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subject Name, DER.
    pub fn subject_der(&self) -> &[u8] {
        &self.subject
    }

    /// The issuer Name, DER.
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer
    }

    /// The subject as text (RFC 4514 style).
    pub fn subject_text(&self) -> &str {
        &self.subject_text
    }

    /// The issuer as text.
    pub fn issuer_text(&self) -> &str {
        &self.issuer_text
    }

    /// The serial number's INTEGER contents.
    pub fn serial(&self) -> &[u8] {
        &self.serial
    }

    /// notBefore, seconds since 1970.
    pub fn not_before(&self) -> i64 {
        self.not_before
    }

    /// notAfter, seconds since 1970.
    pub fn not_after(&self) -> i64 {
        self.not_after
    }

    /// The SubjectPublicKeyInfo, DER.
    pub fn spki(&self) -> &[u8] {
        &self.spki
    }

    /// keyUsage digitalSignature / keyCertSign, when the extension is present.
    pub fn key_usage(&self) -> Option<(bool, bool)> {
        self.key_usage
    }

    /// subjectKeyIdentifier.
    pub fn subject_key_id(&self) -> Option<&[u8]> {
        self.subject_key_id.as_deref()
    }

    /// authorityKeyIdentifier's keyIdentifier: which of its issuer's keys signed it.
    pub fn authority_key_id(&self) -> Option<&[u8]> {
        self.authority_key_id.as_deref()
    }
    /// Parses a DER certificate with x509-parser (lenient with the encodings found in master
    /// lists), the one ASN.1 reader for certificates; the signature algorithm's parameters are
    /// kept as their TLV, for [`verify`] to read (RSASSA-PSS, RFC 4055 §3.1).
    ///
    /// # Errors
    /// `None` for anything that is not a certificate.
    pub fn parse(der: &[u8]) -> Option<Self> {
        use x509_parser::asn1_rs::ToDer;
        let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
        let algorithm = &cert.signature_algorithm;
        let oid = algorithm.algorithm.as_bytes().to_vec();
        let parameters = match &algorithm.parameters {
            Some(parameters) => Some(parameters.to_der_vec_raw().ok()?),
            None => None,
        };
        let signature = cert.signature_value.data.to_vec();
        let key_usage =
            cert.key_usage().ok().flatten().map(|ku| (ku.value.digital_signature(), ku.value.key_cert_sign()));
        let subject_key_id = cert.iter_extensions().find_map(|e| match e.parsed_extension() {
            x509_parser::extensions::ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0.to_vec()),
            _ => None,
        });
        let authority_key_id = cert.iter_extensions().find_map(|e| match e.parsed_extension() {
            x509_parser::extensions::ParsedExtension::AuthorityKeyIdentifier(aki) => {
                aki.key_identifier.as_ref().map(|id| id.0.to_vec())
            }
            _ => None,
        });
        Some(Self {
            der: cert.as_raw().to_vec(),
            tbs: cert.tbs_certificate.as_ref().to_vec(),
            subject: cert.subject().as_raw().to_vec(),
            issuer: cert.issuer().as_raw().to_vec(),
            subject_text: cert.subject().to_string(),
            issuer_text: cert.issuer().to_string(),
            serial: cert.tbs_certificate.raw_serial().to_vec(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            spki: cert.public_key().raw.to_vec(),
            signature_algorithm: Algorithm { oid, parameters },
            signature,
            key_usage,
            subject_key_id,
            authority_key_id,
            subject_name: NameKey::new(cert.subject().as_raw()),
            issuer_name: NameKey::new(cert.issuer().as_raw()),
        })
    }

    /// The certificate's key (`inherited`: the issuer's curve, for implicitlyCA keys).
    ///
    /// # Errors
    /// As [`PublicKey::from_spki`].
    pub(crate) fn public_key(&self, inherited: Option<&Arc<dyn EcGroup>>) -> Result<PublicKey, SignatureError> {
        PublicKey::from_spki(&self.spki, inherited)
    }

    /// Verifies that `issuer` signed this certificate.
    ///
    /// # Errors
    /// The signature error.
    pub(crate) fn verify_signed_by(&self, issuer_key: &PublicKey) -> Result<String, SignatureError> {
        verify(issuer_key, &self.signature_algorithm, None, &self.tbs, &self.signature)
    }

    /// True when `issuer`'s subject is this certificate's issuer, compared as RFC 5280 §7.1
    /// says ([`super::name`]): string types, case and inner spaces do not matter.
    pub fn named_issuer(&self, issuer: &Certificate) -> bool {
        self.issuer_name == issuer.subject_name
    }

    /// True when the subject and issuer are the same name (a self-issued certificate).
    pub fn is_self_issued(&self) -> bool {
        self.issuer_name == self.subject_name
    }

    /// True for a CSCA certificate that can be a trust anchor: self-issued, and not signed by
    /// another key of the same CSCA. A **link certificate** (ICAO 9303-12 §5.1.1: a new CSCA
    /// key certified by the previous one) is self-issued too, but its authority key
    /// identifier names another key than its subject key identifier: it is a path element,
    /// trusted only through the CSCA certificate that signed it. A certificate between two
    /// differently named CSCAs (a name change) is never an anchor.
    pub fn is_anchor_form(&self) -> bool {
        self.is_self_issued()
            && match (&self.authority_key_id, &self.subject_key_id) {
                (Some(aki), Some(ski)) => aki == ski,
                _ => true,
            }
    }

    /// True when this certificate's key is the one `issued`'s authority key identifier names
    /// (`None` when either identifier is absent: then only the signature can tell).
    pub fn is_key_named_by(&self, issued: &Certificate) -> Option<bool> {
        Some(self.subject_key_id.as_ref()? == issued.authority_key_id.as_ref()?)
    }

    /// True when `at` (seconds since 1970) lies in the validity period.
    pub fn valid_at(&self, at: i64) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// The serial number in hex.
    pub fn serial_hex(&self) -> String {
        crate::codec::encode_hex(crate::codec::der_unsigned(&self.serial).unwrap_or(&self.serial))
    }
}

/// A certificate revocation list (RFC 5280 §5.1): issuer, the revoked serial numbers, and
/// what its signature covers.
#[derive(Debug, Clone)]
pub struct Crl {
    /// The issuer Name, DER.
    pub issuer: Vec<u8>,
    /// The issuer, prepared for RFC 5280 §7.1 comparison.
    pub(crate) issuer_name: NameKey,
    /// The TBSCertList, as encoded.
    pub tbs: Vec<u8>,
    /// The signature algorithm.
    pub(crate) signature_algorithm: Algorithm,
    /// The signature.
    pub signature: Vec<u8>,
    /// The revoked certificates' serial numbers (INTEGER contents).
    pub revoked: Vec<Vec<u8>>,
}

impl Crl {
    /// Parses a DER CRL; `None` for anything else.
    pub fn parse(der: &[u8]) -> Option<Self> {
        let mut r = ByteReader::new(der, "CertificateList");
        let mut list = r.expect_tlv(0x30).ok()?.reader("CertificateList");
        let tbs_tlv = list.expect_tlv(0x30).ok()?;
        let mut alg = list.expect_tlv(0x30).ok()?.reader("AlgorithmIdentifier");
        let oid = alg.expect_tlv(0x06).ok()?.value.to_vec();
        let parameters = if alg.is_empty() { None } else { Some(alg.tlv().ok()?.raw.to_vec()) };
        let signature = list.expect_tlv(0x03).ok()?.value.split_first()?.1.to_vec();
        let mut tbs = tbs_tlv.reader("TBSCertList");
        if tbs.peek() == Some(0x02) {
            tbs.tlv().ok()?; // version
        }
        tbs.expect_tlv(0x30).ok()?; // signature
        let issuer = tbs.expect_tlv(0x30).ok()?.raw.to_vec();
        let this_update = tbs.tlv().ok()?;
        if !matches!(this_update.tag, 0x17 | 0x18) {
            return None;
        }
        if matches!(tbs.peek(), Some(0x17 | 0x18)) {
            tbs.tlv().ok()?; // nextUpdate
        }
        let mut revoked = Vec::new();
        if tbs.peek() == Some(0x30) {
            let mut entries = tbs.tlv().ok()?.reader("revokedCertificates");
            while !entries.is_empty() {
                let mut entry = entries.expect_tlv(0x30).ok()?.reader("revokedCertificate");
                revoked.push(entry.expect_tlv(0x02).ok()?.value.to_vec());
            }
        }
        Some(Self {
            issuer_name: NameKey::new(&issuer),
            issuer,
            tbs: tbs_tlv.raw.to_vec(),
            signature_algorithm: Algorithm { oid, parameters },
            signature,
            revoked,
        })
    }
}
