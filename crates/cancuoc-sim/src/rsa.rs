//! RSA signing for the virtual card's Active Authentication: ISO/IEC 9796-2 scheme 1 with
//! SHA-1 and partial message recovery (ICAO 9303-11 §6.1.2.2), with the BSI reference data
//! set's published test key (`assets/PROVENANCE.md`). Test use only: no blinding, no
//! constant-time care.

use cancuoc::internals::codec::ByteReader;
use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
use crypto_bigint::{BoxedUint, Odd};
use sha1::{Digest, Sha1};

use crate::rng::SeededRng;

/// The BSI test chip's AA private key (PKCS#8).
pub const BSI_AA_KEY: &[u8] = include_bytes!("../assets/bsi-aa-rsa1024.pkcs8");
/// The BSI test chip's DG15 (the matching public key).
pub const BSI_DG15: &[u8] = include_bytes!("../assets/bsi-dg15-rsa1024.bin");

/// An RSA private key: modulus and private exponent.
#[derive(Clone)]
pub struct RsaPrivateKey {
    n: Vec<u8>,
    d: Vec<u8>,
}

impl std::fmt::Debug for RsaPrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaPrivateKey({} bytes)", self.n.len())
    }
}

fn magnitude(value: &[u8]) -> Vec<u8> {
    value.iter().copied().skip_while(|b| *b == 0).collect()
}

impl RsaPrivateKey {
    /// Parses PKCS#8 `SEQUENCE { 0, AlgorithmIdentifier, OCTET STRING { RSAPrivateKey } }`
    /// (RFC 5208, RFC 8017 App. A.1.2).
    pub fn from_pkcs8(der: &[u8]) -> Option<Self> {
        let mut r = ByteReader::new(der, "PrivateKeyInfo");
        let mut info = r.expect_tlv(0x30).ok()?.reader("PrivateKeyInfo");
        info.expect_tlv(0x02).ok()?;
        info.expect_tlv(0x30).ok()?;
        let octets = info.expect_tlv(0x04).ok()?;
        let mut key = octets.reader("RSAPrivateKey").expect_tlv(0x30).ok()?.reader("RSAPrivateKey");
        key.expect_tlv(0x02).ok()?; // version
        let n = magnitude(key.expect_tlv(0x02).ok()?.value);
        key.expect_tlv(0x02).ok()?; // e
        let d = magnitude(key.expect_tlv(0x02).ok()?.value);
        Some(Self { n, d })
    }

    /// m^d mod n, `n.len()` bytes.
    fn private_operation(&self, m: &[u8]) -> Option<Vec<u8>> {
        let precision = u32::try_from(self.n.len().div_ceil(8) * 64).ok()?;
        let n = BoxedUint::from_be_slice(&self.n, precision).ok()?;
        let d = BoxedUint::from_be_slice(&self.d, precision).ok()?;
        let m = BoxedUint::from_be_slice(m, precision).ok()?;
        let params = BoxedMontyParams::new_vartime(Option::<Odd<BoxedUint>>::from(Odd::new(n))?);
        let s = BoxedMontyForm::new(m, &params).pow(&d).retrieve();
        let bytes = s.to_be_bytes();
        Some(bytes.get(bytes.len().checked_sub(self.n.len())?..)?.to_vec())
    }

    /// The Active Authentication signature of `challenge`: F = 6A ‖ M1 ‖ SHA-1(M1 ‖ challenge)
    /// ‖ BC with a random M1, then F^d mod n.
    pub fn sign_9796_2(&self, challenge: &[u8], rng: &mut SeededRng) -> Option<Vec<u8>> {
        let k = self.n.len();
        let mut m1 = vec![0u8; k.checked_sub(22)?];
        rng.fill(&mut m1);
        let h = Sha1::new().chain_update(&m1).chain_update(challenge).finalize();
        let mut f = Vec::with_capacity(k);
        f.push(0x6A);
        f.extend_from_slice(&m1);
        f.extend_from_slice(&h);
        f.push(0xBC);
        self.private_operation(&f)
    }
}
