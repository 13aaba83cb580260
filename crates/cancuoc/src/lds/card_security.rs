//! EF.CardSecurity: SecurityInfos inside a CMS SignedData signed by the document signer
//! (ICAO 9303-11 §9.2.1, BSI TR-03110-3 §A.1.2; RFC 5652 §5.1). This module takes out the
//! encapsulated SecurityInfos and the chip's Chip Authentication public keys; verifying the
//! signature is passive authentication's job.
//!
//! ```text
//! ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
//! SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo, certificates [0] OPTIONAL, crls [1] OPTIONAL, signerInfos SET }
//! EncapsulatedContentInfo ::= SEQUENCE { eContentType id-SecurityObject, eContent [0] EXPLICIT OCTET STRING }
//! ```

use super::LdsError;
use super::security_infos::{SecurityInfo, SecurityInfos};
use crate::codec::ByteReader;

/// id-signedData 1.2.840.113549.1.7.2.
pub const OID_SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];

/// The SecurityInfos of EF.CardSecurity.
///
/// # Errors
/// [`LdsError`] for a malformed CMS structure or SecurityInfos.
pub fn security_infos(bytes: &[u8]) -> Result<SecurityInfos, LdsError> {
    SecurityInfos::parse(&encapsulated_content(bytes, "EF.CardSecurity")?)
}

/// The eContent of a CMS SignedData ContentInfo (EF.CardSecurity, and EF.SOD's value), in
/// DER or BER (indefinite lengths, a constructed OCTET STRING).
///
/// # Errors
/// [`LdsError`] naming `file` for a malformed structure.
pub fn encapsulated_content(bytes: &[u8], file: &'static str) -> Result<Vec<u8>, LdsError> {
    let d = || LdsError::decode(file);
    let mut r = ByteReader::new(bytes, "CMS ContentInfo");
    let content_info = r.expect_ber_tlv(0x30).map_err(d())?;
    let mut ci = content_info.reader("CMS ContentInfo");
    let content_type = ci.expect_tlv(0x06).map_err(d())?;
    if content_type.value != OID_SIGNED_DATA {
        return Err(LdsError::Invalid { file, what: "not a CMS SignedData" });
    }
    let explicit = ci.expect_ber_tlv(0xA0).map_err(d())?;
    let mut signed_data = explicit.reader("SignedData").expect_ber_tlv(0x30).map_err(d())?.reader("SignedData");
    signed_data.expect_tlv(0x02).map_err(d())?; // version
    signed_data.expect_ber_tlv(0x31).map_err(d())?; // digestAlgorithms
    let mut encap = signed_data.expect_ber_tlv(0x30).map_err(d())?.reader("EncapsulatedContentInfo");
    encap.expect_tlv(0x06).map_err(d())?; // eContentType
    let e_content = encap.expect_ber_tlv(0xA0).map_err(d())?;
    let octets = e_content.reader("eContent").ber_tlv().map_err(d())?;
    match octets.tag {
        0x04 => Ok(octets.value.to_vec()),
        // A constructed OCTET STRING: the concatenated values of its segments (X.690 §8.7.3).
        0x24 => {
            let mut out = Vec::new();
            let mut segments = octets.reader("eContent");
            while !segments.is_empty() {
                out.extend_from_slice(segments.expect_tlv(0x04).map_err(d())?.value);
            }
            Ok(out)
        }
        _ => Err(LdsError::Invalid { file, what: "eContent is not an OCTET STRING" }),
    }
}

/// The EC public points (`04 ‖ X ‖ Y`) of the ChipAuthenticationPublicKeyInfos: the BIT
/// STRING of each SubjectPublicKeyInfo (RFC 5480 §2.2).
pub fn chip_authentication_points(infos: &SecurityInfos) -> Vec<Vec<u8>> {
    infos
        .infos
        .iter()
        .filter_map(|info| match info {
            SecurityInfo::ChipAuthenticationPublicKey(key) => {
                let mut r = ByteReader::new(&key.public_key_info, "SubjectPublicKeyInfo");
                let mut spki = r.expect_tlv(0x30).ok()?.reader("SubjectPublicKeyInfo");
                spki.expect_tlv(0x30).ok()?;
                let bits = spki.expect_tlv(0x03).ok()?;
                match bits.value.split_first() {
                    Some((0, point)) if point.first() == Some(&0x04) => Some(point.to_vec()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}
