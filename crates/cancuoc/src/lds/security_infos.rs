//! SecurityInfos, the content of EF.CardAccess and EF.CardSecurity (ICAO 9303-11 §9.2;
//! BSI TR-03110-3 App. A.1): which PACE, Chip Authentication and Terminal Authentication
//! protocols a chip supports, with their parameters.
//!
//! ```text
//! SecurityInfos ::= SET OF SecurityInfo
//! SecurityInfo ::= SEQUENCE { protocol OBJECT IDENTIFIER, requiredData ANY, optionalData ANY OPTIONAL }
//! PACEInfo ::= SEQUENCE { protocol, version INTEGER, parameterId INTEGER OPTIONAL }
//! PACEDomainParameterInfo ::= SEQUENCE { protocol, domainParameter AlgorithmIdentifier, parameterId INTEGER OPTIONAL }
//! ChipAuthenticationInfo ::= SEQUENCE { protocol, version INTEGER, keyId INTEGER OPTIONAL }
//! ChipAuthenticationPublicKeyInfo ::= SEQUENCE { protocol, SubjectPublicKeyInfo, keyId INTEGER OPTIONAL }
//! TerminalAuthenticationInfo ::= SEQUENCE { protocol, version INTEGER, efCVCA FileID OPTIONAL }
//! ```
//!
//! Unknown entries are kept, not fatal: chips list protocols this reader does not speak.

use super::LdsError;
use crate::codec::{ByteReader, DecodeError, DecodeErrorKind};

const TAG_SET: u32 = 0x31;
const TAG_SEQUENCE: u32 = 0x30;
const TAG_INTEGER: u32 = 0x02;
const TAG_OID: u32 = 0x06;
const TAG_OCTET_STRING: u32 = 0x04;

/// id-ecPublicKey 1.2.840.10045.2.1.
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
/// dhpublicnumber 1.2.840.10046.2.1.
const OID_DH_PUBLIC_NUMBER: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3E, 0x02, 0x01];
/// The BSI arc's EC public key type 0.4.0.127.0.7.1.1.5.2.2 (BSI TR-03111 §5.1), used by
/// German test cards for explicit PACE domain parameters.
const OID_BSI_EC_PUBLIC_KEY: &[u8] = &[0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x01, 0x05, 0x02, 0x02];
/// prime-field 1.2.840.10045.1.1.
const OID_PRIME_FIELD: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x01, 0x01];
/// Most entries accepted in one file (real chips list under ten).
const MAX_INFOS: usize = 64;

mod protocol;

use protocol::{ARC_CA, ARC_PACE, ARC_PK, ARC_TA, BSI_PROTOCOLS};
pub use protocol::{KeyAgreement, Mapping, Oid, PaceProtocol, SmCipherKind};
/// PACEInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaceInfo {
    /// The protocol.
    pub protocol: PaceProtocol,
    /// Version (2 for current chips).
    pub version: u32,
    /// Standardized domain parameter ID, or the ID of a PACEDomainParameterInfo.
    pub parameter_id: Option<u32>,
}

/// Explicit domain parameters (BSI TR-03111 §4.1.2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DomainParameters {
    /// An elliptic curve: p, a, b, generator (x, y), order n (big-endian integers).
    Ec {
        /// Field prime.
        p: Vec<u8>,
        /// Coefficient a.
        a: Vec<u8>,
        /// Coefficient b.
        b: Vec<u8>,
        /// Generator x.
        gx: Vec<u8>,
        /// Generator y.
        gy: Vec<u8>,
        /// Order.
        n: Vec<u8>,
    },
    /// A named curve by OID (not a PACE standardized ID).
    NamedCurve(Oid),
    /// An algorithm this reader does not know, by OID.
    Unknown(Oid),
    /// A DH group: p, g, q.
    Dh {
        /// Prime.
        p: Vec<u8>,
        /// Generator.
        g: Vec<u8>,
        /// Subgroup order.
        q: Vec<u8>,
    },
}

/// PACEDomainParameterInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaceDomainParameterInfo {
    /// The protocol family OID (id-PACE-ECDH-GM …).
    pub protocol: Oid,
    /// The parameters.
    pub parameters: DomainParameters,
    /// The ID PACEInfo refers to.
    pub parameter_id: Option<u32>,
}

/// ChipAuthenticationInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipAuthenticationInfo {
    /// The protocol OID (id-CA-ECDH-AES-CBC-CMAC-128 …).
    pub protocol: Oid,
    /// Version.
    pub version: u32,
    /// Key ID.
    pub key_id: Option<u32>,
}

/// ChipAuthenticationPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipAuthenticationPublicKeyInfo {
    /// id-PK-DH or id-PK-ECDH.
    pub protocol: Oid,
    /// The SubjectPublicKeyInfo, exactly as encoded.
    pub public_key_info: Vec<u8>,
    /// Key ID.
    pub key_id: Option<u32>,
}

/// One entry of SecurityInfos.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecurityInfo {
    /// PACEInfo.
    Pace(PaceInfo),
    /// PACEDomainParameterInfo.
    PaceDomainParameters(PaceDomainParameterInfo),
    /// ChipAuthenticationInfo.
    ChipAuthentication(ChipAuthenticationInfo),
    /// ChipAuthenticationPublicKeyInfo.
    ChipAuthenticationPublicKey(ChipAuthenticationPublicKeyInfo),
    /// TerminalAuthenticationInfo.
    TerminalAuthentication {
        /// Version.
        version: u32,
    },
    /// Anything else, kept as encoded.
    Other {
        /// The protocol OID.
        protocol: Oid,
        /// The whole SecurityInfo.
        raw: Vec<u8>,
    },
}

/// The parsed SecurityInfos.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecurityInfos {
    /// The entries in file order.
    pub infos: Vec<SecurityInfo>,
}

impl SecurityInfos {
    /// Parses DG14: `6E { SecurityInfos }` (ICAO 9303-10 §4.7.14).
    ///
    /// # Errors
    /// [`LdsError`] for malformed DER.
    pub fn parse_dg14(bytes: &[u8]) -> Result<Self, LdsError> {
        let mut file = ByteReader::new(bytes, "DG14");
        let dg = file.expect_tlv(0x6E).map_err(LdsError::decode("DG14"))?;
        file.finish_file().map_err(LdsError::decode("DG14"))?;
        Self::parse(dg.value)
    }

    /// Parses EF.CardAccess (a DER SET OF SecurityInfo).
    ///
    /// # Errors
    /// [`LdsError`] for malformed DER; entries of unknown protocols are kept as
    /// [`SecurityInfo::Other`].
    pub fn parse(bytes: &[u8]) -> Result<Self, LdsError> {
        let d = LdsError::decode("EF.CardAccess");
        let mut file = ByteReader::new(bytes, "SecurityInfos");
        let set = file.expect_tlv(TAG_SET).map_err(d)?;
        // Whatever follows the SET is ignored: real cards append garbage or even a status word
        // (`real-samples/openpace/cardaccess-samples`, German test card and Slovenian eID).
        let mut r = set.reader("SecurityInfos");
        let mut infos = Vec::new();
        while !r.is_empty() {
            if infos.len() >= MAX_INFOS {
                return Err(LdsError::Invalid { file: "EF.CardAccess", what: "too many SecurityInfo entries" });
            }
            let entry = r.expect_tlv(TAG_SEQUENCE).map_err(LdsError::decode("EF.CardAccess"))?;
            infos.push(parse_info(entry.reader("SecurityInfo"), entry.raw).map_err(LdsError::decode("EF.CardAccess"))?);
        }
        Ok(Self { infos })
    }

    /// The PACEInfos, in file order.
    pub fn pace(&self) -> impl Iterator<Item = &PaceInfo> {
        self.infos.iter().filter_map(|i| match i {
            SecurityInfo::Pace(p) => Some(p),
            _ => None,
        })
    }

    /// The PACEDomainParameterInfo with `id` (or the only one, when `id` is `None`).
    pub fn pace_domain_parameters(&self, id: Option<u32>) -> Option<&PaceDomainParameterInfo> {
        let mut all = self.infos.iter().filter_map(|i| match i {
            SecurityInfo::PaceDomainParameters(p) => Some(p),
            _ => None,
        });
        match id {
            None => all.next(),
            Some(id) => all.find(|p| p.parameter_id == Some(id) || p.parameter_id.is_none()),
        }
    }
}

fn parse_info(mut r: ByteReader<'_>, raw: &[u8]) -> Result<SecurityInfo, DecodeError> {
    let protocol = Oid(r.expect_tlv(TAG_OID)?.value.to_vec());
    let Some(rest) = protocol.0.strip_prefix(BSI_PROTOCOLS) else {
        return Ok(SecurityInfo::Other { protocol, raw: raw.to_vec() });
    };
    let info = match rest {
        [ARC_PACE, _, _] => match PaceProtocol::from_oid(&protocol) {
            Some(pace) => {
                let version = small_integer(&mut r)?;
                let parameter_id = optional_integer(&mut r)?;
                SecurityInfo::Pace(PaceInfo { protocol: pace, version, parameter_id })
            }
            None => SecurityInfo::Other { protocol, raw: raw.to_vec() },
        },
        [ARC_PACE, _] => {
            let algorithm = r.expect_tlv(TAG_SEQUENCE)?;
            let parameters = domain_parameters(algorithm.reader("AlgorithmIdentifier"))?;
            let parameter_id = optional_integer(&mut r)?;
            SecurityInfo::PaceDomainParameters(PaceDomainParameterInfo { protocol, parameters, parameter_id })
        }
        [ARC_CA, _, _] => {
            let version = small_integer(&mut r)?;
            let key_id = optional_integer(&mut r)?;
            SecurityInfo::ChipAuthentication(ChipAuthenticationInfo { protocol, version, key_id })
        }
        [ARC_PK, _] => {
            let spki = r.expect_tlv(TAG_SEQUENCE)?;
            let key_id = optional_integer(&mut r)?;
            SecurityInfo::ChipAuthenticationPublicKey(ChipAuthenticationPublicKeyInfo {
                protocol,
                public_key_info: spki.raw.to_vec(),
                key_id,
            })
        }
        [ARC_TA, ..] => SecurityInfo::TerminalAuthentication { version: small_integer(&mut r)? },
        _ => SecurityInfo::Other { protocol, raw: raw.to_vec() },
    };
    Ok(info)
}

/// A non-negative INTEGER of at most 32 bits.
fn small_integer(r: &mut ByteReader<'_>) -> Result<u32, DecodeError> {
    let tlv = r.expect_tlv(TAG_INTEGER)?;
    let bad = DecodeError { at: tlv.value_offset, what: "INTEGER", kind: DecodeErrorKind::InvalidValue };
    let value = crate::codec::der_unsigned(tlv.value).ok_or(bad.clone())?;
    if value.len() > 4 {
        return Err(bad);
    }
    Ok(value.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
}

fn optional_integer(r: &mut ByteReader<'_>) -> Result<Option<u32>, DecodeError> {
    if r.peek() == Some(0x02) { small_integer(r).map(Some) } else { Ok(None) }
}

fn integer_bytes(r: &mut ByteReader<'_>) -> Result<Vec<u8>, DecodeError> {
    let tlv = r.expect_tlv(TAG_INTEGER)?;
    crate::codec::der_unsigned(tlv.value).map(<[u8]>::to_vec).ok_or(DecodeError {
        at: tlv.value_offset,
        what: "INTEGER",
        kind: DecodeErrorKind::InvalidValue,
    })
}

/// AlgorithmIdentifier { id-ecPublicKey, ECParameters } or { dhpublicnumber,
/// DomainParameters } (BSI TR-03111 §4.1.2.3; RFC 3279 §2.3.3).
pub(crate) fn domain_parameters(mut r: ByteReader<'_>) -> Result<DomainParameters, DecodeError> {
    let algorithm = r.expect_tlv(TAG_OID)?;
    let invalid = |at| DecodeError { at, what: "domain parameters", kind: DecodeErrorKind::InvalidValue };
    if algorithm.value == OID_EC_PUBLIC_KEY || algorithm.value == OID_BSI_EC_PUBLIC_KEY {
        let params = r.tlv()?;
        if params.tag == TAG_OID {
            return Ok(DomainParameters::NamedCurve(Oid(params.value.to_vec())));
        }
        if params.tag != TAG_SEQUENCE {
            return Err(invalid(params.value_offset));
        }
        let mut ec = params.reader("ECParameters");
        small_integer(&mut ec)?; // version 1
        let mut field = ec.expect_tlv(TAG_SEQUENCE)?.reader("FieldID");
        let field_type = field.expect_tlv(TAG_OID)?;
        if field_type.value != OID_PRIME_FIELD {
            return Err(invalid(field_type.value_offset));
        }
        let p = integer_bytes(&mut field)?;
        let mut curve = ec.expect_tlv(TAG_SEQUENCE)?.reader("Curve");
        let a = curve.expect_tlv(TAG_OCTET_STRING)?.value.to_vec();
        let b = curve.expect_tlv(TAG_OCTET_STRING)?.value.to_vec();
        let base = ec.expect_tlv(TAG_OCTET_STRING)?;
        let n = integer_bytes(&mut ec)?;
        let (prefix, xy) = base.value.split_first().ok_or(invalid(base.value_offset))?;
        if *prefix != 0x04 || xy.len() % 2 != 0 {
            return Err(invalid(base.value_offset));
        }
        let (gx, gy) = xy.split_at(xy.len() / 2);
        Ok(DomainParameters::Ec { p, a, b, gx: gx.to_vec(), gy: gy.to_vec(), n })
    } else if algorithm.value == OID_DH_PUBLIC_NUMBER {
        let mut dh = r.expect_tlv(TAG_SEQUENCE)?.reader("DomainParameters");
        let p = integer_bytes(&mut dh)?;
        let g = integer_bytes(&mut dh)?;
        let q = integer_bytes(&mut dh)?;
        Ok(DomainParameters::Dh { p, g, q })
    } else {
        Ok(DomainParameters::Unknown(Oid(algorithm.value.to_vec())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hex_literal::hex;

    /// The EF.CardAccess that Vietnamese CCCD readers hard-code, decoded in
    /// `docs/research/cccd.md` §1.2: TA v1, CA-ECDH-AES-128 v1, PACE-ECDH-GM-AES-128 v2 ID 13.
    pub(crate) const CCCD_CARD_ACCESS: [u8; 54] = hex!(
        "3134300D060804007F0007020202020101300F060A04007F0007020203020202010130"
        "12060A04007F0007020204020202010202010D"
    );

    #[test]
    fn parses_the_cccd_card_access() {
        let infos = SecurityInfos::parse(&CCCD_CARD_ACCESS).unwrap();
        assert_eq!(infos.infos.len(), 3);
        assert_eq!(infos.infos[0], SecurityInfo::TerminalAuthentication { version: 1 });
        assert!(
            matches!(&infos.infos[1], SecurityInfo::ChipAuthentication(ca) if ca.protocol.dotted() == "0.4.0.127.0.7.2.2.3.2.2")
        );
        let pace: Vec<&PaceInfo> = infos.pace().collect();
        assert_eq!(pace.len(), 1);
        assert_eq!(pace[0].protocol.name(), "PACE-ECDH-GM-AES-128");
        assert_eq!(pace[0].parameter_id, Some(13));
        assert_eq!(pace[0].version, 2);
    }

    /// ICAO 9303-11 App. G.1 and G.2 PACEInfos (`docs/vectors/icao9303-part11.md` §4–5).
    #[test]
    fn parses_the_appendix_g_pace_infos() {
        let g1 = SecurityInfos::parse(&hex!("31143012060A04007F0007020204020202010202010D")).unwrap();
        assert_eq!(g1.pace().next().unwrap().protocol.oid.dotted(), "0.4.0.127.0.7.2.2.4.2.2");
        let g2 = SecurityInfos::parse(&hex!("31143012060A04007F00070202040102020102020100")).unwrap();
        let info = g2.pace().next().unwrap();
        assert_eq!(info.protocol.name(), "PACE-DH-GM-AES-128");
        assert_eq!(info.parameter_id, Some(0));
    }

    #[test]
    fn keeps_unknown_entries_and_rejects_malformed_files() {
        // An unknown protocol (1.3) next to a PACEInfo.
        let file = hex!("31193003060153" "3012060A04007F0007020204020202010202010D");
        let infos = SecurityInfos::parse(&file).unwrap();
        assert!(matches!(infos.infos[0], SecurityInfo::Other { .. }));
        for n in 0..CCCD_CARD_ACCESS.len() {
            assert!(SecurityInfos::parse(&CCCD_CARD_ACCESS[..n]).is_err(), "{n}");
        }
        let mut negative = CCCD_CARD_ACCESS;
        negative[CCCD_CARD_ACCESS.len() - 1] = 0x8D;
        assert!(SecurityInfos::parse(&negative).is_err());
    }

    #[test]
    fn oid_round_trip() {
        let oid = PaceProtocol::oid_for(KeyAgreement::Ecdh, Mapping::Generic, SmCipherKind::Aes256);
        assert_eq!(oid.dotted(), "0.4.0.127.0.7.2.2.4.2.4");
        let p = PaceProtocol::from_oid(&oid).unwrap();
        assert_eq!(p.cipher, SmCipherKind::Aes256);
        assert!(
            PaceProtocol::from_oid(&PaceProtocol::oid_for(
                KeyAgreement::Ecdh,
                Mapping::ChipAuthentication,
                SmCipherKind::Tdes
            ))
            .is_none()
        );
    }
}
