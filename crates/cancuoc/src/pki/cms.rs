//! CMS SignedData as passive authentication needs it (RFC 5652 §5; ICAO 9303-10 §4.6.2):
//! the encapsulated content, the certificates, and each SignerInfo with the **original bytes**
//! of its signed attributes (the signature covers them as encoded; `der` would re-sort a SET
//! OF: `docs/research/crates.md` §2). DER and BER (indefinite lengths) are read.

use crate::codec::{ByteReader, DecodeError, DecodeErrorKind};
use crate::lds::card_security::OID_SIGNED_DATA;

/// id-messageDigest 1.2.840.113549.1.9.4.
pub const OID_MESSAGE_DIGEST: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x04];
/// id-contentType 1.2.840.113549.1.9.3.
pub const OID_CONTENT_TYPE: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x03];
/// id-signingTime 1.2.840.113549.1.9.5 (RFC 5652 §11.3).
pub const OID_SIGNING_TIME: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05];
/// Most certificates or signers taken from one SignedData (master lists hold hundreds of
/// certificates, but inside their content, not here).
const MAX_ITEMS: usize = 64;

/// How a SignerInfo names its certificate (RFC 5652 §5.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerId {
    /// Issuer Name (DER) and serial number (INTEGER contents).
    IssuerAndSerial {
        /// The issuer's DER Name.
        issuer: Vec<u8>,
        /// The serial's INTEGER contents.
        serial: Vec<u8>,
    },
    /// The subject key identifier.
    SubjectKeyIdentifier(Vec<u8>),
}

/// An algorithm: OID and raw parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Algorithm {
    /// The OID's content bytes.
    pub oid: Vec<u8>,
    /// The parameters, TLV as encoded, if any.
    pub parameters: Option<Vec<u8>>,
}

/// One SignerInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerInfo {
    /// The signer.
    pub sid: SignerId,
    /// The digest algorithm.
    pub digest_algorithm: Algorithm,
    /// The signed attributes, as encoded, with the SET tag 31 in place of `[0]` (what the
    /// signature covers: RFC 5652 §5.4).
    pub signed_attributes: Option<Vec<u8>>,
    /// The messageDigest attribute's value.
    pub message_digest: Option<Vec<u8>>,
    /// The contentType attribute's value (OID content bytes).
    pub content_type: Option<Vec<u8>>,
    /// The signingTime attribute (seconds since 1970), when present and readable; most SODs
    /// carry none.
    pub signing_time: Option<i64>,
    /// The signature algorithm.
    pub signature_algorithm: Algorithm,
    /// The signature.
    pub signature: Vec<u8>,
}

/// A parsed SignedData.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedData {
    /// eContentType (OID content bytes).
    pub content_type: Vec<u8>,
    /// eContent.
    pub content: Vec<u8>,
    /// The certificates, DER.
    pub certificates: Vec<Vec<u8>>,
    /// The signers.
    pub signers: Vec<SignerInfo>,
}

fn invalid(at: usize, what: &'static str) -> DecodeError {
    DecodeError { at, what, kind: DecodeErrorKind::InvalidValue }
}

fn algorithm(r: &mut ByteReader<'_>) -> Result<Algorithm, DecodeError> {
    let mut a = r.expect_ber_tlv(0x30)?.reader("AlgorithmIdentifier");
    let oid = a.expect_tlv(0x06)?.value.to_vec();
    let parameters = if a.is_empty() { None } else { Some(a.ber_tlv()?.raw.to_vec()) };
    Ok(Algorithm { oid, parameters })
}

impl SignedData {
    /// Parses a ContentInfo holding SignedData.
    ///
    /// # Errors
    /// A [`DecodeError`] for a malformed structure or another content type.
    pub fn parse(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = ByteReader::new(bytes, "CMS ContentInfo");
        let mut ci = r.expect_ber_tlv(0x30)?.reader("CMS ContentInfo");
        let content_type = ci.expect_tlv(0x06)?;
        if content_type.value != OID_SIGNED_DATA {
            return Err(invalid(content_type.value_offset, "CMS content type"));
        }
        let mut sd = ci.expect_ber_tlv(0xA0)?.reader("SignedData").expect_ber_tlv(0x30)?.reader("SignedData");
        sd.expect_tlv(0x02)?; // version
        sd.expect_ber_tlv(0x31)?; // digestAlgorithms
        let mut encap = sd.expect_ber_tlv(0x30)?.reader("EncapsulatedContentInfo");
        let e_content_type = encap.expect_tlv(0x06)?.value.to_vec();
        let mut content = Vec::new();
        if !encap.is_empty() {
            let explicit = encap.expect_ber_tlv(0xA0)?;
            let octets = explicit.reader("eContent").ber_tlv()?;
            match octets.tag {
                0x04 => content = octets.value.to_vec(),
                0x24 => {
                    let mut segments = octets.reader("eContent");
                    while !segments.is_empty() {
                        content.extend_from_slice(segments.expect_tlv(0x04)?.value);
                    }
                }
                _ => return Err(invalid(octets.value_offset, "eContent")),
            }
        }
        let mut certificates = Vec::new();
        let mut signers = Vec::new();
        while !sd.is_empty() {
            let item = sd.ber_tlv()?;
            match item.tag {
                0xA0 => {
                    let mut certs = item.reader("certificates");
                    while !certs.is_empty() && certificates.len() < MAX_ITEMS {
                        certificates.push(certs.ber_tlv()?.raw.to_vec());
                    }
                }
                0xA1 => {} // CRLs
                0x31 => {
                    let mut infos = item.reader("signerInfos");
                    while !infos.is_empty() && signers.len() < MAX_ITEMS {
                        signers.push(signer_info(infos.expect_ber_tlv(0x30)?.reader("SignerInfo"))?);
                    }
                }
                _ => return Err(invalid(item.value_offset, "SignedData field")),
            }
        }
        Ok(Self { content_type: e_content_type, content, certificates, signers })
    }
}

fn signer_info(mut r: ByteReader<'_>) -> Result<SignerInfo, DecodeError> {
    r.expect_tlv(0x02)?; // version
    let sid_tlv = r.ber_tlv()?;
    let sid = match sid_tlv.tag {
        0x30 => {
            let mut s = sid_tlv.reader("IssuerAndSerialNumber");
            let issuer = s.expect_ber_tlv(0x30)?.raw.to_vec();
            let serial = s.expect_tlv(0x02)?.value.to_vec();
            SignerId::IssuerAndSerial { issuer, serial }
        }
        0x80 => SignerId::SubjectKeyIdentifier(sid_tlv.value.to_vec()),
        _ => return Err(invalid(sid_tlv.value_offset, "SignerIdentifier")),
    };
    let digest_algorithm = algorithm(&mut r)?;
    let (mut signed_attributes, mut message_digest, mut content_type, mut signing_time) = (None, None, None, None);
    if r.peek() == Some(0xA0) {
        let attrs = r.tlv()?;
        let mut raw = attrs.raw.to_vec();
        if let Some(first) = raw.first_mut() {
            *first = 0x31;
        }
        signed_attributes = Some(raw);
        let mut list = attrs.reader("signedAttrs");
        while !list.is_empty() {
            let mut attr = list.expect_tlv(0x30)?.reader("Attribute");
            let oid = attr.expect_tlv(0x06)?.value;
            let mut values = attr.expect_tlv(0x31)?.reader("AttributeValues");
            let value = values.tlv()?;
            if oid == OID_MESSAGE_DIGEST && value.tag == 0x04 {
                message_digest = Some(value.value.to_vec());
            } else if oid == OID_CONTENT_TYPE && value.tag == 0x06 {
                content_type = Some(value.value.to_vec());
            } else if oid == OID_SIGNING_TIME {
                signing_time = crate::codec::time::asn1_time(value.tag, value.value);
            }
        }
    }
    let signature_algorithm = algorithm(&mut r)?;
    let signature = r.expect_tlv(0x04)?.value.to_vec();
    Ok(SignerInfo {
        sid,
        digest_algorithm,
        signed_attributes,
        message_digest,
        content_type,
        signing_time,
        signature_algorithm,
        signature,
    })
}
