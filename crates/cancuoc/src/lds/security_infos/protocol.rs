//! The protocol identifiers of SecurityInfos (BSI TR-03110-3 App. A.1; ICAO 9303-11 §9.2.3):
//! object identifiers, PACE's mapping, key agreement and cipher, and the PACE OIDs that
//! combine them.

/// bsi-de protocols 0.4.0.127.0.7.2.2 (DER content bytes).
pub(super) const BSI_PROTOCOLS: &[u8] = &[0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02];
/// Arc of id-PK (0.4.0.127.0.7.2.2.1), id-TA (.2), id-CA (.3), id-PACE (.4).
pub(super) const ARC_PK: u8 = 1;
pub(super) const ARC_TA: u8 = 2;
pub(super) const ARC_CA: u8 = 3;
pub(super) const ARC_PACE: u8 = 4;

/// An object identifier, as its DER content bytes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Oid(pub Vec<u8>);

impl Oid {
    /// The dotted form, e.g. `0.4.0.127.0.7.2.2.4.2.2`.
    pub fn dotted(&self) -> String {
        let mut arcs: Vec<u64> = Vec::new();
        let mut value: u64 = 0;
        for b in &self.0 {
            value = (value << 7) | u64::from(b & 0x7F);
            if b & 0x80 == 0 {
                if arcs.is_empty() {
                    let first = (value / 40).min(2);
                    arcs.push(first);
                    arcs.push(value - first * 40);
                } else {
                    arcs.push(value);
                }
                value = 0;
            }
        }
        arcs.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
    }
}

impl std::fmt::Debug for Oid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Oid({})", self.dotted())
    }
}

impl std::fmt::Display for Oid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.dotted())
    }
}

/// PACE's mapping of the nonce to a generator (ICAO 9303-11 §4.4.3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mapping {
    /// Generic Mapping.
    Generic,
    /// Integrated Mapping.
    Integrated,
    /// Chip Authentication Mapping (ECDH only).
    ChipAuthentication,
}

/// The key agreement of a protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyAgreement {
    /// Finite-field Diffie-Hellman.
    Dh,
    /// Elliptic-curve Diffie-Hellman.
    Ecdh,
}

/// The secure-messaging cipher a protocol leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SmCipherKind {
    /// 2-key 3DES, retail MAC.
    Tdes,
    /// AES-128, CMAC.
    Aes128,
    /// AES-192, CMAC.
    Aes192,
    /// AES-256, CMAC.
    Aes256,
}

impl SmCipherKind {
    fn from_arc(arc: u8) -> Option<Self> {
        match arc {
            1 => Some(Self::Tdes),
            2 => Some(Self::Aes128),
            3 => Some(Self::Aes192),
            4 => Some(Self::Aes256),
            _ => None,
        }
    }

    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Self::Tdes | Self::Aes128 => 16,
            Self::Aes192 => 24,
            Self::Aes256 => 32,
        }
    }

    /// `3DES`, `AES-128`, …
    pub fn name(self) -> &'static str {
        match self {
            Self::Tdes => "3DES",
            Self::Aes128 => "AES-128",
            Self::Aes192 => "AES-192",
            Self::Aes256 => "AES-256",
        }
    }
}

/// A PACE protocol OID decoded: id-PACE-{DH,ECDH}-{GM,IM,CAM}-{3DES,AES-…}
/// (ICAO 9303-11 §9.2.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaceProtocol {
    /// The OID.
    pub oid: Oid,
    /// The mapping.
    pub mapping: Mapping,
    /// The key agreement.
    pub agreement: KeyAgreement,
    /// The cipher.
    pub cipher: SmCipherKind,
}

impl PaceProtocol {
    /// Decodes a PACE protocol OID; `None` for anything else.
    pub fn from_oid(oid: &Oid) -> Option<Self> {
        let rest = oid.0.strip_prefix(BSI_PROTOCOLS)?;
        let [ARC_PACE, family, cipher] = rest else { return None };
        let (agreement, mapping) = match family {
            1 => (KeyAgreement::Dh, Mapping::Generic),
            2 => (KeyAgreement::Ecdh, Mapping::Generic),
            3 => (KeyAgreement::Dh, Mapping::Integrated),
            4 => (KeyAgreement::Ecdh, Mapping::Integrated),
            6 => (KeyAgreement::Ecdh, Mapping::ChipAuthentication),
            _ => return None,
        };
        let cipher = SmCipherKind::from_arc(*cipher)?;
        if mapping == Mapping::ChipAuthentication && cipher == SmCipherKind::Tdes {
            return None;
        }
        Some(Self { oid: oid.clone(), mapping, agreement, cipher })
    }

    /// The OID of a protocol.
    pub fn oid_for(agreement: KeyAgreement, mapping: Mapping, cipher: SmCipherKind) -> Oid {
        let family = match (agreement, mapping) {
            (KeyAgreement::Dh, Mapping::Generic) => 1,
            (KeyAgreement::Ecdh, Mapping::Generic) => 2,
            (KeyAgreement::Dh, Mapping::Integrated) => 3,
            (KeyAgreement::Ecdh, Mapping::Integrated) => 4,
            (_, Mapping::ChipAuthentication) => 6,
        };
        let cipher = match cipher {
            SmCipherKind::Tdes => 1,
            SmCipherKind::Aes128 => 2,
            SmCipherKind::Aes192 => 3,
            SmCipherKind::Aes256 => 4,
        };
        Oid([BSI_PROTOCOLS, &[ARC_PACE, family, cipher]].concat())
    }

    /// The report's name: `PACE-ECDH-GM-AES-128`.
    pub fn name(&self) -> String {
        let agreement = match self.agreement {
            KeyAgreement::Dh => "DH",
            KeyAgreement::Ecdh => "ECDH",
        };
        let mapping = match self.mapping {
            Mapping::Generic => "GM",
            Mapping::Integrated => "IM",
            Mapping::ChipAuthentication => "CAM",
        };
        format!("PACE-{agreement}-{mapping}-{}", self.cipher.name())
    }
}
