//! CMS SignedData (RFC 5652 §5) as ICAO 9303 uses it: EF.SOD (ICAO 9303-10 §4.6.2) and
//! EF.CardSecurity (ICAO 9303-11 §9.2.1), signed by the test document signer with ECDSA over
//! DER-sorted signed attributes, hashed with the signer curve's hash (SHA-256 on P-256,
//! SHA-384 on brainpoolP384r1); the data-group hashes in the LDSSecurityObject are SHA-256.

use cancuoc::internals::codec::tlv::tlv;
use cancuoc::lds::DgNumber;
use sha2::{Digest, Sha256};

use crate::der::{context, octet_string, oid, sequence, set_of, small_integer};
use crate::pki::{Issued, TestPki};

/// id-sha256 2.16.840.1.101.3.4.2.1.
const OID_SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
/// id-signedData 1.2.840.113549.1.7.2.
const OID_SIGNED_DATA: &[u64] = &[1, 2, 840, 113549, 1, 7, 2];
/// id-icao-mrtd-security-ldsSecurityObject 2.23.136.1.1.1.
const OID_LDS_SECURITY_OBJECT: &[u64] = &[2, 23, 136, 1, 1, 1];
/// id-SecurityObject 0.4.0.127.0.7.3.2.1 (BSI TR-03110-3 §A.1.2.5).
pub const OID_SECURITY_OBJECT: &[u64] = &[0, 4, 0, 127, 0, 7, 3, 2, 1];
/// id-contentType 1.2.840.113549.1.9.3.
const OID_CONTENT_TYPE: &[u64] = &[1, 2, 840, 113549, 1, 9, 3];
/// id-messageDigest 1.2.840.113549.1.9.4.
const OID_MESSAGE_DIGEST: &[u64] = &[1, 2, 840, 113549, 1, 9, 4];

/// id-signingTime 1.2.840.113549.1.9.5.
const OID_SIGNING_TIME: &[u64] = &[1, 2, 840, 113549, 1, 9, 5];

/// EF.SOD: `77 { ContentInfo }` around an LDSSecurityObject of SHA-256 hashes of `groups`.
pub fn sod(pki: &TestPki, groups: &[(DgNumber, Vec<u8>)]) -> Vec<u8> {
    sod_signed_at(pki, groups, None)
}

/// [`sod`] with a signingTime signed attribute (UTCTime text, `YYMMDDHHMMSSZ`) when given.
pub fn sod_signed_at(pki: &TestPki, groups: &[(DgNumber, Vec<u8>)], signing_time: Option<&str>) -> Vec<u8> {
    tlv(0x77, &signed_data_at(pki, OID_LDS_SECURITY_OBJECT, &lds_security_object(groups), signing_time))
}

/// The LDSSecurityObject (ICAO 9303-10 §4.6.2.3) of SHA-256 hashes of `groups`.
fn lds_security_object(groups: &[(DgNumber, Vec<u8>)]) -> Vec<u8> {
    let sha256 = sequence(&[oid(OID_SHA256)]);
    let hashes: Vec<Vec<u8>> = groups
        .iter()
        .map(|(n, bytes)| sequence(&[small_integer(u64::from(n.get())), octet_string(&Sha256::digest(bytes))]))
        .collect();
    sequence(&[small_integer(0), sha256, sequence(&hashes)])
}

/// A ContentInfo with SignedData v3 over `content` of type `content_type`, the DS certificate
/// included, one SignerInfo (issuerAndSerialNumber, SHA-256, signed attributes contentType
/// and messageDigest, ecdsa-with-SHA256).
pub fn signed_data(pki: &TestPki, content_type: &[u64], content: &[u8]) -> Vec<u8> {
    signed_data_at(pki, content_type, content, None)
}

/// [`signed_data`] with a signingTime signed attribute (RFC 5652 §11.3) when given.
pub fn signed_data_at(pki: &TestPki, content_type: &[u64], content: &[u8], signing_time: Option<&str>) -> Vec<u8> {
    signed_data_by(&pki.ds, content_type, content, signing_time)
}

/// EF.SOD as [`sod`] makes it, but without the DS certificate in the SignedData (ICAO 9303-12
/// lets a reader take it from the PKD instead): its signature cannot be checked from the card.
pub fn sod_without_certificate(pki: &TestPki, groups: &[(DgNumber, Vec<u8>)]) -> Vec<u8> {
    let content = lds_security_object(groups);
    tlv(0x77, &signed_data_with(&pki.ds, OID_LDS_SECURITY_OBJECT, &content, None, false))
}

/// [`signed_data_at`] signed by `signer` (a document or master-list signer) instead of the DS.
pub fn signed_data_by(signer: &Issued, content_type: &[u64], content: &[u8], signing_time: Option<&str>) -> Vec<u8> {
    signed_data_with(signer, content_type, content, signing_time, true)
}

fn signed_data_with(
    signer: &Issued,
    content_type: &[u64],
    content: &[u8],
    signing_time: Option<&str>,
    with_certificate: bool,
) -> Vec<u8> {
    let curve = signer.key.curve();
    let digest_algorithm = sequence(&[oid(curve.digest_oid())]);
    let mut attributes = vec![
        sequence(&[oid(OID_CONTENT_TYPE), set_of(&[oid(content_type)])]),
        sequence(&[oid(OID_MESSAGE_DIGEST), set_of(&[octet_string(&curve.hash().digest(content))])]),
    ];
    if let Some(time) = signing_time {
        attributes.push(sequence(&[oid(OID_SIGNING_TIME), set_of(&[crate::der::utc_time(time)])]));
    }
    let signed_attributes = set_of(&attributes);
    let signature = signer.key.sign_der(&signed_attributes);
    // [0] IMPLICIT: the SET tag 31 becomes A0 (RFC 5652 §5.3).
    let mut implicit_attributes = signed_attributes.clone();
    if let Some(first) = implicit_attributes.first_mut() {
        *first = 0xA0;
    }
    let signer_info = sequence(&[
        small_integer(1),
        sequence(&[signer.issuer.clone(), signer.serial.clone()]),
        digest_algorithm.clone(),
        implicit_attributes,
        sequence(&[oid(curve.signature_oid())]),
        octet_string(&signature),
    ]);
    let mut parts = vec![
        small_integer(3),
        set_of(&[digest_algorithm]),
        sequence(&[oid(content_type), context(0, &octet_string(content))]),
    ];
    if with_certificate {
        parts.push(context(0, &signer.certificate));
    }
    parts.push(set_of(&[signer_info]));
    let signed = sequence(&parts);
    sequence(&[oid(OID_SIGNED_DATA), context(0, &signed)])
}

/// id-icao-cscaMasterList 2.23.136.1.1.2.
const OID_MASTER_LIST: &[u64] = &[2, 23, 136, 1, 1, 2];

/// Master lists are CMS: written here, beside the SignedData they are, so that `pki` (which
/// issues certificates) needs nothing from `cms` and the two do not import each other.
impl TestPki {
    /// A CSCA master list (ICAO 9303-12 §9: CMS SignedData, eContentType id-icao-cscaMasterList
    /// 2.23.136.1.1.2, content `SEQUENCE { version 0, SET OF Certificate }`) holding
    /// `certificates`, signed by [`TestPki::master_list_signer`] with its certificate included.
    /// With this PKI's own CSCA among `certificates` the list vouches for itself — as anyone's
    /// can.
    pub fn master_list(&self, certificates: &[Vec<u8>]) -> Vec<u8> {
        let content = sequence(&[small_integer(0), set_of(certificates)]);
        signed_data_by(&self.master_list_signer(), OID_MASTER_LIST, &content, None)
    }
}
