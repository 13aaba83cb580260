//! Runtime elliptic curves: short Weierstrass form y² = x³ + ax + b over any prime field of up
//! to 576 bits, with parameters chosen at run time. Reached only through [`super::group`],
//! which sends the named curves to RustCrypto instead.
//!
//! RustCrypto has no brainpoolP192r1/P224r1/P320r1/P512r1, no P-192/P-224 on `elliptic-curve`
//! 0.14, and no arithmetic for explicit domain parameters (PACEDomainParameterInfo), so PACE and
//! signature checks on those need one small module that serves every curve: this one, on
//! `crypto-bigint`'s Montgomery arithmetic (`FixedMontyForm<9>`, constant time per
//! operation). Points are kept in Jacobian coordinates; scalar multiplication is a Montgomery
//! ladder of one addition and one doubling per bit of the order, registers swapped with
//! constant-time selects. It is not constant time as a whole: [`Curve::add`] and
//! [`Curve::double`] branch on the identity and on equal inputs, so the rounds before the
//! scalar's first set bit differ (the bit length leaks), and reductions modulo n are variable
//! time (`super::group`'s documentation says where that is acceptable). Every point from
//! outside is checked to be on the curve and not the identity before use (BSI TR-03111
//! §3.2.2.1).

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U576};
use subtle::{Choice, ConditionallySelectable};

/// Bytes of the fixed-width integers (576 bits).
pub(super) const WIDTH: usize = 72;

type Fe = FixedMontyForm<9>;

/// A curve's parameters as hex text (uppercase, big-endian), as standards print them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurveParams {
    /// The curve's name.
    pub name: &'static str,
    /// The standardized PACE domain parameter ID (BSI TR-03110-3 Table 4).
    pub parameter_id: u8,
    /// The field prime.
    pub p: &'static str,
    /// Coefficient a.
    pub a: &'static str,
    /// Coefficient b.
    pub b: &'static str,
    /// Generator x.
    pub gx: &'static str,
    /// Generator y.
    pub gy: &'static str,
    /// The generator's (prime) order.
    pub n: &'static str,
}

/// Why curve parameters or a point were rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CurveError {
    /// Parameters that do not describe a usable curve.
    #[error("invalid elliptic curve parameters")]
    BadParameters,
    /// A point that is malformed, not on the curve, or the identity.
    #[error("invalid elliptic curve point")]
    BadPoint,
}

/// A curve ready for arithmetic.
#[derive(Clone)]
pub(crate) struct Curve {
    name: String,
    field: FixedMontyParams<9>,
    p: U576,
    a: Fe,
    b: Fe,
    g: Point,
    n: U576,
    field_len: usize,
    order_len: usize,
    order_bits: u32,
}

impl std::fmt::Debug for Curve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Curve({})", self.name)
    }
}

/// A point in Jacobian coordinates (X/Z², Y/Z³); Z = 0 is the identity.
#[derive(Clone, Copy)]
pub(crate) struct Point {
    x: Fe,
    y: Fe,
    z: Fe,
}

impl std::fmt::Debug for Point {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Point(..)")
    }
}

impl ConditionallySelectable for Point {
    fn conditional_select(a: &Self, b: &Self, choice: Choice) -> Self {
        Self {
            x: Fe::conditional_select(&a.x, &b.x, choice),
            y: Fe::conditional_select(&a.y, &b.y, choice),
            z: Fe::conditional_select(&a.z, &b.z, choice),
        }
    }
}

fn to_uint(bytes: &[u8]) -> Option<U576> {
    super::bigint::from_be(bytes)
}

fn to_bytes(value: &U576, len: usize) -> Vec<u8> {
    super::bigint::to_be(value, len)
}

/// The curve constants' hex (no spaces in them).
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text).ok()
}

impl Curve {
    /// The curve of standardized parameters.
    ///
    /// # Errors
    /// [`CurveError::BadParameters`] if the constants are broken (a test checks every one).
    pub(crate) fn standard(params: &CurveParams) -> Result<Self, CurveError> {
        let hex = |h: &str| decode_hex(h).ok_or(CurveError::BadParameters);
        let mut curve = Self::from_parameters(
            &hex(params.p)?,
            &hex(params.a)?,
            &hex(params.b)?,
            &hex(params.gx)?,
            &hex(params.gy)?,
            &hex(params.n)?,
        )?;
        curve.name = params.name.to_owned();
        Ok(curve)
    }

    /// A curve from explicit parameters (big-endian integers), as in ECParameters of
    /// PACEDomainParameterInfo (BSI TR-03111 §4.1.2.3.1).
    ///
    /// # Errors
    /// [`CurveError::BadParameters`] unless p is an odd number of at most 576 bits above 3,
    /// a and b are below p, the generator is on the curve and n is odd and above 1.
    pub(crate) fn from_parameters(
        p: &[u8],
        a: &[u8],
        b: &[u8],
        gx: &[u8],
        gy: &[u8],
        n: &[u8],
    ) -> Result<Self, CurveError> {
        let bad = CurveError::BadParameters;
        let p_int = to_uint(p).ok_or(bad)?;
        let modulus = Option::<Odd<U576>>::from(Odd::new(p_int)).ok_or(bad)?;
        if p_int <= U576::from_u64(3) {
            return Err(bad);
        }
        let field = FixedMontyParams::new_vartime(modulus);
        let field_len = usize::try_from(p_int.bit_width().div_ceil(8)).map_err(|_| bad)?;
        let element = |bytes: &[u8]| -> Result<Fe, CurveError> {
            let v = to_uint(bytes).ok_or(bad)?;
            if v >= p_int {
                return Err(bad);
            }
            Ok(Fe::new(&v, &field))
        };
        let n_int = to_uint(n).ok_or(bad)?;
        if n_int <= U576::ONE || !bool::from(n_int.is_odd()) {
            return Err(bad);
        }
        let order_bits = n_int.bit_width();
        let order_len = usize::try_from(order_bits.div_ceil(8)).map_err(|_| bad)?;
        let mut curve = Self {
            name: format!("explicit {}-bit curve", p_int.bit_width()),
            a: element(a)?,
            b: element(b)?,
            g: Point { x: Fe::zero(&field), y: Fe::one(&field), z: Fe::zero(&field) },
            field,
            p: p_int,
            n: n_int,
            field_len,
            order_len,
            order_bits,
        };
        let (x, y) = (element(gx)?, element(gy)?);
        if !curve.on_curve(&x, &y) {
            return Err(bad);
        }
        curve.g = Point { x, y, z: Fe::one(&curve.field) };
        Ok(curve)
    }

    /// The curve's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Bytes of a field element (32 for a 256-bit curve, 66 for P-521).
    pub(crate) fn field_len(&self) -> usize {
        self.field_len
    }

    /// The generator.
    pub(crate) fn generator(&self) -> Point {
        self.g
    }

    fn on_curve(&self, x: &Fe, y: &Fe) -> bool {
        let lhs = y.square();
        let rhs = x.square().mul(x).add(&self.a.mul(x)).add(&self.b);
        lhs.retrieve() == rhs.retrieve()
    }

    fn identity(&self) -> Point {
        Point { x: Fe::one(&self.field), y: Fe::one(&self.field), z: Fe::zero(&self.field) }
    }

    fn is_identity(&self, p: &Point) -> bool {
        p.z.retrieve() == U576::ZERO
    }

    /// Decodes an uncompressed point `04 ‖ X ‖ Y` and checks it is on the curve and not the
    /// identity (BSI TR-03111 §3.2.1).
    ///
    /// # Errors
    /// [`CurveError::BadPoint`].
    pub(crate) fn decode_point(&self, bytes: &[u8]) -> Result<Point, CurveError> {
        let bad = CurveError::BadPoint;
        let (prefix, xy) = bytes.split_first().ok_or(bad)?;
        if *prefix != 0x04 || xy.len() != 2 * self.field_len {
            return Err(bad);
        }
        let (xb, yb) = xy.split_at(self.field_len);
        let (x, y) = (to_uint(xb).ok_or(bad)?, to_uint(yb).ok_or(bad)?);
        if x >= self.p || y >= self.p {
            return Err(bad);
        }
        let (x, y) = (Fe::new(&x, &self.field), Fe::new(&y, &self.field));
        if !self.on_curve(&x, &y) {
            return Err(bad);
        }
        Ok(Point { x, y, z: Fe::one(&self.field) })
    }

    /// The affine coordinates of `p`; `None` for the identity.
    fn affine(&self, p: &Point) -> Option<(U576, U576)> {
        if self.is_identity(p) {
            return None;
        }
        let z_inv = Option::<Fe>::from(p.z.invert())?;
        let z2 = z_inv.square();
        let x = p.x.mul(&z2);
        let y = p.y.mul(&z2).mul(&z_inv);
        Some((x.retrieve(), y.retrieve()))
    }

    /// Encodes `p` as `04 ‖ X ‖ Y`.
    ///
    /// # Errors
    /// [`CurveError::BadPoint`] for the identity, which has no encoding here.
    pub(crate) fn encode_point(&self, p: &Point) -> Result<Vec<u8>, CurveError> {
        let (x, y) = self.affine(p).ok_or(CurveError::BadPoint)?;
        let mut out = Vec::with_capacity(1 + 2 * self.field_len);
        out.push(0x04);
        out.extend(to_bytes(&x, self.field_len));
        out.extend(to_bytes(&y, self.field_len));
        Ok(out)
    }

    /// The x-coordinate of `p`, `field_len` bytes: the ECDH shared secret (BSI TR-03111
    /// §4.3.1, ICAO 9303-11 §9.7.3).
    ///
    /// # Errors
    /// [`CurveError::BadPoint`] for the identity.
    pub(crate) fn x_coordinate(&self, p: &Point) -> Result<Vec<u8>, CurveError> {
        let (x, _) = self.affine(p).ok_or(CurveError::BadPoint)?;
        Ok(to_bytes(&x, self.field_len))
    }

    /// True when `p` and `q` are the same point.
    #[cfg(test)]
    pub(crate) fn points_equal(&self, p: &Point, q: &Point) -> bool {
        self.affine(p) == self.affine(q)
    }

    /// P + Q (add-2007-bl, with the doubling and identity cases handled).
    pub(crate) fn add(&self, p: &Point, q: &Point) -> Point {
        if self.is_identity(p) {
            return *q;
        }
        if self.is_identity(q) {
            return *p;
        }
        let z1z1 = p.z.square();
        let z2z2 = q.z.square();
        let u1 = p.x.mul(&z2z2);
        let u2 = q.x.mul(&z1z1);
        let s1 = p.y.mul(&q.z).mul(&z2z2);
        let s2 = q.y.mul(&p.z).mul(&z1z1);
        let h = u2.sub(&u1);
        let r = s2.sub(&s1).double();
        if h.retrieve() == U576::ZERO {
            return if r.retrieve() == U576::ZERO { self.double(p) } else { self.identity() };
        }
        let i = h.double().square();
        let j = h.mul(&i);
        let v = u1.mul(&i);
        let x3 = r.square().sub(&j).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&s1.mul(&j).double());
        let z3 = p.z.add(&q.z).square().sub(&z1z1).sub(&z2z2).mul(&h);
        Point { x: x3, y: y3, z: z3 }
    }

    /// 2P (dbl-2007-bl, any a).
    pub(crate) fn double(&self, p: &Point) -> Point {
        if self.is_identity(p) || p.y.retrieve() == U576::ZERO {
            return self.identity();
        }
        let xx = p.x.square();
        let yy = p.y.square();
        let yyyy = yy.square();
        let zz = p.z.square();
        let s = p.x.add(&yy).square().sub(&xx).sub(&yyyy).double();
        let m = xx.double().add(&xx).add(&self.a.mul(&zz.square()));
        let t = m.square().sub(&s.double());
        let y3 = m.mul(&s.sub(&t)).sub(&yyyy.double().double().double());
        let z3 = p.y.add(&p.z).square().sub(&yy).sub(&zz);
        Point { x: t, y: y3, z: z3 }
    }

    /// k·P for a big-endian scalar `k` (Montgomery ladder over every bit of the order's
    /// width, registers swapped in constant time).
    pub(crate) fn mul(&self, k: &[u8], p: &Point) -> Point {
        let k = to_uint(k).unwrap_or(U576::ZERO);
        let mut r0 = self.identity();
        let mut r1 = *p;
        let bits = self.order_bits.max(k.bit_width());
        for i in (0..bits).rev() {
            let bit = Choice::from(u8::from(k.bit_vartime(i)));
            Point::conditional_swap(&mut r0, &mut r1, bit);
            r1 = self.add(&r0, &r1);
            r0 = self.double(&r0);
            Point::conditional_swap(&mut r0, &mut r1, bit);
        }
        r0
    }

    /// The order n, big-endian.
    pub(crate) fn order(&self) -> Vec<u8> {
        to_bytes(&self.n, self.order_len)
    }

    /// Bits of the field prime.
    pub(crate) fn field_bits(&self) -> u32 {
        self.p.bit_width()
    }
}

mod mapping;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::curves::{ALL, BRAINPOOL_P256R1};
    use hex_literal::hex;

    #[test]
    fn every_standard_curve_has_a_generator_of_order_n() {
        for params in ALL {
            let curve = Curve::standard(params).unwrap();
            let g = curve.generator();
            assert!(curve.is_identity(&curve.mul(&curve.order(), &g)), "{}", params.name);
            let two_g = curve.mul(&[2], &g);
            assert!(curve.points_equal(&two_g, &curve.double(&g)), "{}", params.name);
            assert!(curve.points_equal(&curve.add(&g, &g), &two_g), "{}", params.name);
            let three = curve.add(&two_g, &g);
            assert!(curve.points_equal(&three, &curve.mul(&[3], &g)), "{}", params.name);
            let encoded = curve.encode_point(&three).unwrap();
            assert!(curve.points_equal(&curve.decode_point(&encoded).unwrap(), &three));
        }
    }

    /// RFC 7027 App. A.1, brainpoolP256r1 ECDH (`docs/vectors/icao9303-part11.md` §11) [V].
    #[test]
    fn ecdh_matches_rfc_7027() {
        let curve = Curve::standard(&BRAINPOOL_P256R1).unwrap();
        let da = hex!("81DB1EE100150FF2EA338D708271BE38300CB54241D79950F77B063039804F1D");
        let qa = curve.mul(&da, &curve.generator());
        assert_eq!(
            curve.encode_point(&qa).unwrap(),
            hex!(
                "0444106E913F92BC02A1705D9953A8414DB95E1AAA49E81D9E85F929A8E3100BE58AB4846F11CACCB73CE49CBDD120F5A900A69FD32C272223F789EF10EB089BDC"
            )
        );
        let qb = curve
            .decode_point(&hex!("048D2D688C6CF93E1160AD04CC4429117DC2C41825E1E9FCA0ADDD34E6F1B39F7B990C57520812BE512641E47034832106BC7D3E8DD0E4C7F1136D7006547CEC6A"))
            .unwrap();
        assert_eq!(
            curve.x_coordinate(&curve.mul(&da, &qb)).unwrap(),
            hex!("89AFC39D41D3B327814B80940B042590F96556EC91E6AE7939BCE31F3A18BF2B")
        );
    }

    #[test]
    fn rejects_points_off_the_curve_and_bad_encodings() {
        let curve = Curve::standard(&BRAINPOOL_P256R1).unwrap();
        let mut good = curve.encode_point(&curve.generator()).unwrap();
        assert!(curve.decode_point(&good).is_ok());
        good[40] ^= 1;
        assert_eq!(curve.decode_point(&good).err(), Some(CurveError::BadPoint));
        assert!(curve.decode_point(&good[..64]).is_err());
        assert!(curve.decode_point(&[]).is_err());
        let mut compressed = curve.encode_point(&curve.generator()).unwrap();
        compressed[0] = 0x02;
        assert!(curve.decode_point(&compressed).is_err());
        assert!(curve.encode_point(&curve.identity()).is_err());
    }

    #[test]
    fn rejects_broken_parameters() {
        let p = BRAINPOOL_P256R1;
        let h = |s: &str| hex::decode(s).unwrap();
        assert!(Curve::from_parameters(&h(p.p), &h(p.a), &h(p.b), &h(p.gx), &h(p.gx), &h(p.n)).is_err());
        assert!(Curve::from_parameters(&[4], &[1], &[1], &[1], &[1], &[7]).is_err());
        assert!(Curve::from_parameters(&[0; 80], &[1], &[1], &[1], &[1], &[7]).is_err());
    }
}
