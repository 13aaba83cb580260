//! The hash functions documents name (RFC 5754; ICAO 9303-12 §7.1), by OID, computed with the
//! RustCrypto `sha1` and `sha2` crates.

/// The hash algorithms an LDSSecurityObject may name (RFC 5754; ICAO 9303-12 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgorithm {
    /// SHA-1 (still on older documents).
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// The algorithm of a DigestAlgorithmIdentifier OID.
    pub fn from_oid(oid: &[u8]) -> Option<Self> {
        const SHA2: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02];
        match oid {
            [0x2B, 0x0E, 0x03, 0x02, 0x1A] => Some(Self::Sha1),
            _ => match oid.strip_prefix(SHA2) {
                Some([1]) => Some(Self::Sha256),
                Some([2]) => Some(Self::Sha384),
                Some([3]) => Some(Self::Sha512),
                Some([4]) => Some(Self::Sha224),
                _ => None,
            },
        }
    }

    /// `SHA-256` etc.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA-1",
            Self::Sha224 => "SHA-224",
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        match self {
            Self::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Self::Sha224 => sha2::Sha224::digest(data).to_vec(),
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}
