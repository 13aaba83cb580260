//! The curve arithmetic PACE and signatures need beyond the group law: reductions modulo p
//! and n, PACE-IM's encoding to the curve (ICAO 9303-11 §4.4.3.3.2, the simplified SWU map of
//! BSI TR-03111 §4.3.3), scalar division (for PACE-CAM) and ECDSA verification (BSI TR-03111
//! §4.2.1.2).

use crypto_bigint::modular::FixedMontyParams;
use crypto_bigint::{NonZero, Odd, U576};

use super::{Curve, CurveError, Fe, Point, WIDTH, to_bytes, to_uint};

impl Curve {
    /// `r mod p` for an integer of up to 144 bytes (PACE-IM's R_p: ICAO 9303-11 §4.4.3.3.2).
    ///
    /// # Errors
    /// [`CurveError::BadParameters`] for a longer input.
    pub(crate) fn reduce_wide_mod_p(&self, r: &[u8]) -> Result<Vec<u8>, CurveError> {
        if r.len() > 2 * WIDTH {
            return Err(CurveError::BadParameters);
        }
        let split = r.len().saturating_sub(WIDTH);
        let (high, low) = r.split_at(split);
        let (high, low) =
            (to_uint(high).ok_or(CurveError::BadParameters)?, to_uint(low).ok_or(CurveError::BadParameters)?);
        let p = Option::<NonZero<U576>>::from(NonZero::new(self.p)).ok_or(CurveError::BadParameters)?;
        Ok(to_bytes(&U576::rem_wide((low, high), &p), self.field_len))
    }

    /// The point encoding f_G of PACE Integrated Mapping for p ≡ 3 (mod 4): the simplified
    /// SWU map of Brier et al. in affine coordinates (ICAO 9303-11 App. B.2, BSI TR-03111
    /// §4.4.2). `t` is a field element (big-endian).
    ///
    /// # Errors
    /// [`CurveError::BadParameters`] when p ≢ 3 (mod 4) or a = 0 (the map is undefined).
    pub(crate) fn encode_to_curve(&self, t: &[u8]) -> Result<Point, CurveError> {
        let bad = CurveError::BadParameters;
        if self.p.as_words().first().is_none_or(|w| w & 3 != 3) || self.a.retrieve() == U576::ZERO {
            return Err(bad);
        }
        let t_int = to_uint(t).ok_or(bad)?;
        if t_int >= self.p {
            return Err(bad);
        }
        let t = Fe::new(&t_int, &self.field);
        let one = Fe::one(&self.field);
        let alpha = t.square().neg();
        let alpha_sum = alpha.add(&alpha.square());
        let denominator = Option::<Fe>::from(self.a.mul(&alpha_sum).invert()).ok_or(bad)?;
        let x2 = self.b.neg().mul(&one.add(&alpha_sum)).mul(&denominator);
        let x3 = alpha.mul(&x2);
        let h2 = x2.square().mul(&x2).add(&self.a.mul(&x2)).add(&self.b);
        let u = t.square().mul(&t).mul(&h2);
        // A = h2^(p − 1 − (p + 1)/4).
        let quarter = self.p.wrapping_add(&U576::ONE).shr_vartime(2);
        let exponent = self.p.wrapping_sub(&U576::ONE).wrapping_sub(&quarter);
        let a_value = h2.pow(&exponent);
        let (x, y) = if a_value.square().mul(&h2).retrieve() == U576::ONE {
            (x2, a_value.mul(&h2))
        } else {
            (x3, a_value.mul(&u))
        };
        if !self.on_curve(&x, &y) {
            return Err(bad);
        }
        Ok(Point { x, y, z: one })
    }

    /// a · b⁻¹ mod n, both big-endian scalars (the chip's CAM data: ICAO 9303-11 §4.4.3.5).
    ///
    /// # Errors
    /// [`CurveError::BadParameters`] when b is 0 mod n.
    pub(crate) fn scalar_div(&self, a: &[u8], b: &[u8]) -> Result<Vec<u8>, CurveError> {
        let bad = CurveError::BadParameters;
        let modulus = Option::<Odd<U576>>::from(Odd::new(self.n)).ok_or(bad)?;
        let params = FixedMontyParams::new_vartime(modulus);
        let n = Option::<NonZero<U576>>::from(NonZero::new(self.n)).ok_or(bad)?;
        let a = Fe::new(&to_uint(a).ok_or(bad)?.rem_vartime(&n), &params);
        let b = Fe::new(&to_uint(b).ok_or(bad)?.rem_vartime(&n), &params);
        let inverse = Option::<Fe>::from(b.invert()).ok_or(bad)?;
        Ok(to_bytes(&a.mul(&inverse).retrieve(), self.order_len))
    }

    /// Verifies an ECDSA signature (r, s) over `digest` with the public point `q` (SEC 1
    /// §4.1.4, ANSI X9.62): e = the digest's leftmost ⌈log₂ n⌉ bits, u₁ = e·s⁻¹, u₂ = r·s⁻¹,
    /// R = u₁·G + u₂·Q, valid when x(R) mod n = r. Works for any curve, explicit parameters
    /// included, which is what real CSCA and DS keys need.
    pub(crate) fn verify_ecdsa(&self, q: &Point, digest: &[u8], r: &[u8], s: &[u8]) -> bool {
        let (Some(r_int), Some(s_int)) = (to_uint(r), to_uint(s)) else { return false };
        if r_int == U576::ZERO || s_int == U576::ZERO || r_int >= self.n || s_int >= self.n {
            return false;
        }
        let e_bytes = self.digest_to_scalar(digest);
        let (Ok(u1), Ok(u2)) = (self.scalar_div(&e_bytes, s), self.scalar_div(r, s)) else { return false };
        let point = self.add(&self.mul(&u1, &self.g), &self.mul(&u2, q));
        let Ok(x) = self.x_coordinate(&point) else { return false };
        to_uint(&self.reduce(&x)) == Some(r_int)
    }

    /// ECDSA's e: the digest's leftmost ⌈log₂ n⌉ bits as an integer, reduced mod n, as long as
    /// n (SEC 1 §4.1.4 step 3; any digest length, SHA-1 on P-521 included).
    pub(crate) fn digest_to_scalar(&self, digest: &[u8]) -> Vec<u8> {
        let digest = digest.get(..digest.len().min(WIDTH)).unwrap_or_default();
        let mut e = to_uint(digest).unwrap_or(U576::ZERO);
        let digest_bits = u32::try_from(digest.len() * 8).unwrap_or(0);
        if digest_bits > self.order_bits {
            e = e.shr_vartime(digest_bits - self.order_bits);
        }
        self.reduce(&to_bytes(&e, WIDTH))
    }

    /// `k mod n` for a scalar given as bytes, `order_len` long (for a nonce s used as a scalar).
    pub(crate) fn reduce(&self, k: &[u8]) -> Vec<u8> {
        let value = to_uint(k).unwrap_or(U576::ZERO);
        let n = Option::<NonZero<U576>>::from(NonZero::new(self.n)).unwrap_or(NonZero::<U576>::ONE);
        to_bytes(&value.rem_vartime(&n), self.order_len)
    }
}
