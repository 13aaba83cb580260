//! Finite-field Diffie-Hellman over the MODP groups with prime-order subgroups of RFC 5114
//! (PACE standardized parameters 0, 1 and 2; BSI TR-03110-3 Table 4), on `crypto-bigint`
//! (2048-bit fixed width, Montgomery form). Public values from outside are checked to lie in
//! the subgroup of order q (1 < y < p − 1 and y^q = 1: BSI TR-03111 §3.2.2.2 for DH).

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{NonZero, Odd, U2048};
use rand_core::CryptoRng;

/// Bytes of the fixed-width integers.
const WIDTH: usize = 256;

type Fe = FixedMontyForm<32>;

/// A group's parameters as hex text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DhParams {
    /// The group's name.
    pub name: &'static str,
    /// The standardized PACE domain parameter ID.
    pub parameter_id: u8,
    /// The prime p.
    pub p: &'static str,
    /// The generator g of the subgroup.
    pub g: &'static str,
    /// The subgroup order q.
    pub q: &'static str,
}

/// Why DH parameters or a public value were rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DhError {
    /// Parameters that do not describe a usable group.
    #[error("invalid Diffie-Hellman parameters")]
    BadParameters,
    /// A public value outside the subgroup.
    #[error("invalid Diffie-Hellman public value")]
    BadPublicValue,
}

/// A group ready for arithmetic.
#[derive(Clone)]
pub struct DhGroup {
    name: String,
    field: FixedMontyParams<32>,
    p: U2048,
    g: U2048,
    q: U2048,
    p_len: usize,
    q_len: usize,
}

impl std::fmt::Debug for DhGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DhGroup({})", self.name)
    }
}

fn to_uint(bytes: &[u8]) -> Option<U2048> {
    super::bigint::from_be(bytes)
}

fn to_bytes(value: &U2048, len: usize) -> Vec<u8> {
    super::bigint::to_be(value, len)
}

impl DhGroup {
    /// The group of standardized parameters.
    ///
    /// # Errors
    /// [`DhError::BadParameters`] if the constants are broken (a test checks each).
    pub fn standard(params: &DhParams) -> Result<Self, DhError> {
        let hex = |h: &str| hex::decode(h).map_err(|_| DhError::BadParameters);
        let mut group = Self::from_parameters(&hex(params.p)?, &hex(params.g)?, &hex(params.q)?)?;
        group.name = params.name.to_owned();
        Ok(group)
    }

    /// A group from explicit p, g, q (big-endian), as in DomainParameters of
    /// PACEDomainParameterInfo (BSI TR-03111 §4.1.2.3.2).
    ///
    /// # Errors
    /// [`DhError::BadParameters`] unless p is odd, at most 2048 bits, and g has order q.
    pub fn from_parameters(p: &[u8], g: &[u8], q: &[u8]) -> Result<Self, DhError> {
        let bad = DhError::BadParameters;
        let p_int = to_uint(p).ok_or(bad)?;
        let modulus = Option::<Odd<U2048>>::from(Odd::new(p_int)).ok_or(bad)?;
        let field = FixedMontyParams::new_vartime(modulus);
        let (g_int, q_int) = (to_uint(g).ok_or(bad)?, to_uint(q).ok_or(bad)?);
        if g_int <= U2048::ONE || g_int >= p_int || q_int <= U2048::ONE {
            return Err(bad);
        }
        let group = Self {
            name: format!("explicit {}-bit group", p_int.bit_width()),
            field,
            p: p_int,
            g: g_int,
            q: q_int,
            p_len: usize::try_from(p_int.bit_width().div_ceil(8)).map_err(|_| bad)?,
            q_len: usize::try_from(q_int.bit_width().div_ceil(8)).map_err(|_| bad)?,
        };
        if group.pow(&g_int, &q_int) != U2048::ONE {
            return Err(bad);
        }
        Ok(group)
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Bytes of a public value (the length of p).
    pub fn p_len(&self) -> usize {
        self.p_len
    }

    fn pow(&self, base: &U2048, exponent: &U2048) -> U2048 {
        Fe::new(base, &self.field).pow(exponent).retrieve()
    }

    /// Bits of p.
    pub fn p_bits(&self) -> u32 {
        self.p.bit_width()
    }

    /// The Integrated Mapping of DH: g~ = (R mod p)^((p − 1)/q) mod p for R of up to 512
    /// bytes (ICAO 9303-11 §4.4.3.3.2).
    ///
    /// # Errors
    /// [`DhError::BadPublicValue`] for a longer input or a degenerate result.
    pub fn map_to_subgroup(&self, r: &[u8]) -> Result<Vec<u8>, DhError> {
        let bad = DhError::BadPublicValue;
        if r.len() > 2 * WIDTH {
            return Err(bad);
        }
        let (high, low) = r.split_at(r.len().saturating_sub(WIDTH));
        let (high, low) = (to_uint(high).ok_or(bad)?, to_uint(low).ok_or(bad)?);
        let p = Option::<NonZero<U2048>>::from(NonZero::new(self.p)).ok_or(bad)?;
        let q = Option::<NonZero<U2048>>::from(NonZero::new(self.q)).ok_or(bad)?;
        let r_p = U2048::rem_wide((low, high), &p);
        let (cofactor, _) = self.p.wrapping_sub(&U2048::ONE).div_rem(&q);
        let mapped = self.pow(&r_p, &cofactor);
        let out = to_bytes(&mapped, self.p_len);
        self.check_public(&out)?;
        Ok(out)
    }

    /// The generator, big-endian, `p_len` bytes.
    pub fn generator(&self) -> Vec<u8> {
        to_bytes(&self.g, self.p_len)
    }

    /// Checks a public value: 1 < y < p − 1 and y^q = 1.
    ///
    /// # Errors
    /// [`DhError::BadPublicValue`].
    pub fn check_public(&self, y: &[u8]) -> Result<(), DhError> {
        let value = to_uint(y).ok_or(DhError::BadPublicValue)?;
        let p_minus_1 = self.p.wrapping_sub(&U2048::ONE);
        if value <= U2048::ONE || value >= p_minus_1 || self.pow(&value, &self.q) != U2048::ONE {
            return Err(DhError::BadPublicValue);
        }
        Ok(())
    }

    /// base^exponent mod p, `p_len` bytes.
    pub fn exp(&self, base: &[u8], exponent: &[u8]) -> Vec<u8> {
        let (b, e) = (to_uint(base).unwrap_or(U2048::ZERO), to_uint(exponent).unwrap_or(U2048::ZERO));
        to_bytes(&self.pow(&b, &e), self.p_len)
    }

    /// a·b mod p, `p_len` bytes.
    pub fn mul(&self, a: &[u8], b: &[u8]) -> Vec<u8> {
        let (a, b) = (to_uint(a).unwrap_or(U2048::ZERO), to_uint(b).unwrap_or(U2048::ZERO));
        let product = Fe::new(&a, &self.field).mul(&Fe::new(&b, &self.field));
        to_bytes(&product.retrieve(), self.p_len)
    }

    /// A random private exponent in [1, q − 1], `q_len` bytes.
    pub fn random_exponent(&self, rng: &mut impl CryptoRng) -> Option<Vec<u8>> {
        super::bigint::random_below(&self.q, self.q.bit_width(), self.q_len, rng)
    }
}

/// Every standardized group, parameter IDs 0 to 2.
pub const ALL: &[DhParams] = &[MODP_1024_160, MODP_2048_224, MODP_2048_256];

/// The standardized group with PACE parameter ID `id` (0..=2).
pub fn by_parameter_id(id: u8) -> Option<&'static DhParams> {
    ALL.iter().find(|g| g.parameter_id == id)
}

/// RFC 5114 §2.1, 1024-bit MODP group with 160-bit prime order subgroup: standardized PACE domain parameter ID 0 (BSI TR-03110-3 Table 4).
pub const MODP_1024_160: DhParams = DhParams {
    name: "1024-bit MODP group with 160-bit prime order subgroup",
    parameter_id: 0,
    p: "B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B616073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BFACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371",
    g: "A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31266FEA1E5C41564B777E690F5504F213160217B4B01B886A5E91547F9E2749F4D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28AD662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5",
    q: "F518AA8781A8DF278ABA4E7D64B7CB9D49462353",
};

/// RFC 5114 §2.2, 2048-bit MODP group with 224-bit prime order subgroup: standardized PACE domain parameter ID 1 (BSI TR-03110-3 Table 4).
pub const MODP_2048_224: DhParams = DhParams {
    name: "2048-bit MODP group with 224-bit prime order subgroup",
    parameter_id: 1,
    p: "AD107E1E9123A9D0D660FAA79559C51FA20D64E5683B9FD1B54B1597B61D0A75E6FA141DF95A56DBAF9A3C407BA1DF15EB3D688A309C180E1DE6B85A1274A0A66D3F8152AD6AC2129037C9EDEFDA4DF8D91E8FEF55B7394B7AD5B7D0B6C12207C9F98D11ED34DBF6C6BA0B2C8BBC27BE6A00E0A0B9C49708B3BF8A317091883681286130BC8985DB1602E714415D9330278273C7DE31EFDC7310F7121FD5A07415987D9ADC0A486DCDF93ACC44328387315D75E198C641A480CD86A1B9E587E8BE60E69CC928B2B9C52172E413042E9B23F10B0E16E79763C9B53DCF4BA80A29E3FB73C16B8E75B97EF363E2FFA31F71CF9DE5384E71B81C0AC4DFFE0C10E64F",
    g: "AC4032EF4F2D9AE39DF30B5C8FFDAC506CDEBE7B89998CAF74866A08CFE4FFE3A6824A4E10B9A6F0DD921F01A70C4AFAAB739D7700C29F52C57DB17C620A8652BE5E9001A8D66AD7C17669101999024AF4D027275AC1348BB8A762D0521BC98AE247150422EA1ED409939D54DA7460CDB5F6C6B250717CBEF180EB34118E98D119529A45D6F834566E3025E316A330EFBB77A86F0C1AB15B051AE3D428C8F8ACB70A8137150B8EEB10E183EDD19963DDD9E263E4770589EF6AA21E7F5F2FF381B539CCE3409D13CD566AFBB48D6C019181E1BCFE94B30269EDFE72FE9B6AA4BD7B5A0F1C71CFFF4C19C418E1F6EC017981BC087F2A7065B384B890D3191F2BFA",
    q: "801C0D34C58D93FE997177101F80535A4738CEBCBF389A99B36371EB",
};

/// RFC 5114 §2.3, 2048-bit MODP group with 256-bit prime order subgroup: standardized PACE domain parameter ID 2 (BSI TR-03110-3 Table 4).
pub const MODP_2048_256: DhParams = DhParams {
    name: "2048-bit MODP group with 256-bit prime order subgroup",
    parameter_id: 2,
    p: "87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8EF6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597",
    g: "3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA12510DBC15077BE463FFF4FED4AAC0BB555BE3A6C1B0C6B47B1BC3773BF7E8C6F62901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193B5045AF2767164E1DFC967C1FB3F2E55A4BD1BFFE83B9C80D052B985D182EA0ADB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C32F63078490F00EF8D647D148D47954515E2327CFEF98C582664B4C0F6CC41659",
    q: "8CF83642A709A097B447997640129DA299B1A47D1EB3750BA308B0FE64F5FBD3",
};
#[cfg(test)]
mod tests {
    use super::*;
    use hex_literal::hex;

    #[test]
    fn every_standard_group_loads() {
        for params in ALL {
            let group = DhGroup::standard(params).unwrap();
            group.check_public(&group.generator()).unwrap();
        }
    }

    /// ICAO 9303-11 App. G.2: mapping and key agreement on parameter ID 0
    /// (`docs/vectors/icao9303-part11.md` §5) [V][X].
    #[test]
    fn generic_mapping_matches_9303_11_g2() {
        let group = DhGroup::standard(&MODP_1024_160).unwrap();
        let sk_map_pcd = hex!("5265030F751F4AD18B08AC565FC7AC952E41618D");
        let pk_map_pcd = group.exp(&group.generator(), &sk_map_pcd);
        assert_eq!(
            pk_map_pcd,
            hex!(
                "23FB3749EA030D2A25B278D2A562047ADE3F01B74F17A15402CB7352CA7D2B3EB71C343DB13D1DEBCE9A3666DBCFC920B49174A602CB47965CAA73DC702489A44D41DB914DE9613DC5E98C94160551C0DF86274B9359BC0490D01B03AD54022DCB4F57FAD6322497D7A1E28D46710F461AFE710FBBBC5F8BA166F4311975EC6C"
            )
        );
        let pk_map_picc = hex!(
            "78879F57225AA8080D52ED0FC890A4B25336F699AA89A2D3A189654AF70729E623EA5738B26381E4DA19E004706FACE7B235C2DBF2F38748312F3C98C2DD4882A41947B324AA1259AC22579DB93F7085655AF30889DBB845D9E6783FE42C9F2449400306254C8AE8EE9DD812A804C0B66E8CAFC14F84D8258950A91B44126EE6"
        );
        group.check_public(&pk_map_picc).unwrap();
        let h = group.exp(&pk_map_picc, &sk_map_pcd);
        let s = hex!("FA5B7E3E49753A0DB9178B7B9BD898C8");
        let g_mapped = group.mul(&group.exp(&group.generator(), &s), &h);
        assert_eq!(
            g_mapped,
            hex!(
                "7C9CBFE98F9FBDDA8D143506FA7D9306F4CB17E3C71707AFF5E1C1A12370249684D64EE37AF44B8DBD9D45BF6023919CBAA027AB97ACC771666C8E98FF483301BFA4872DEDE9034EDFACB70814166B7F360676829B826BEA57291B5AD69FBC84EF1E779032A305803F74341793E869742D401325B37EE8565FFCDEE618342DC5"
            )
        );
    }

    #[test]
    fn rejects_values_outside_the_subgroup() {
        let group = DhGroup::standard(&MODP_1024_160).unwrap();
        assert!(group.check_public(&[1]).is_err());
        assert!(group.check_public(&[0]).is_err());
        assert!(group.check_public(&[2]).is_err());
        assert!(group.check_public(&[0xFF; 300]).is_err());
    }
}
