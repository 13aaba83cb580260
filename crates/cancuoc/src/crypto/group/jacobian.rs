//! u1·G + u2·Q for the ECDSA verification of a signer met for the first time (SEC 1 v2 §4.1.4
//! step 5), in Jacobian coordinates (x = X/Z², y = Y/Z³) on any short Weierstrass curve
//! y² = x³ + ax + b.
//!
//! `primeorder`'s points use complete projective formulas: one code path for every input, the
//! right choice for secret scalars, but a doubling costs about 16 field multiplications when a
//! is not −3 (the brainpool curves). Verification handles public data only, so it can take the
//! cheaper incomplete Jacobian formulas with explicit branches on the special cases (EFD's
//! `dbl-2007-bl`, 1M + 8S + 1·a; `add-2007-bl`, 11M + 5S; `madd-2007-bl`, 7M + 4S), an
//! interleaved w-NAF double-and-add (Straus–Shamir: one doubling per bit for both scalars), and
//! a per-process affine table of the generator's odd multiples (mixed additions). The result
//! is compared with r without an inversion ([`Jacobian::x_is_one_of`]). The fixed-base tables
//! of a signer met again (`fixed_base`) add up in the same coordinates. Variable time: public
//! points and public scalars only.

use elliptic_curve::ff::Field;

/// The generator's w-NAF window: 2^(7−2) = 32 affine odd multiples, built once per curve.
pub(super) const GENERATOR_WINDOW: u32 = 7;
/// The signer key's window: 2^(5−2) = 8 odd multiples, built per verification.
const KEY_WINDOW: u32 = 5;

/// An affine point (x, y); the identity has no affine form and never appears in a table.
pub(super) type Affine<F> = (F, F);

/// A point in Jacobian coordinates, the identity flagged (a field comparison costs a full
/// reduction on some curves' field elements, e.g. P-521's: the formulas compare as little as
/// they can).
#[derive(Clone, Copy, Debug)]
pub(super) struct Jacobian<F> {
    x: F,
    y: F,
    z: F,
    infinity: bool,
}

impl<F: Field> Jacobian<F> {
    pub(super) fn identity() -> Self {
        Self { x: F::ONE, y: F::ONE, z: F::ZERO, infinity: true }
    }

    pub(super) fn from_affine((x, y): Affine<F>) -> Self {
        Self { x, y, z: F::ONE, infinity: false }
    }

    fn is_identity(&self) -> bool {
        self.infinity
    }

    fn negate(&self) -> Self {
        Self { y: -self.y, ..*self }
    }

    /// 2·P (EFD `dbl-2007-bl`). No point of the named curves has y = 0 (their order is an odd
    /// prime: no point of order 2), so only the identity needs a branch.
    pub(super) fn double(&self, a: &F) -> Self {
        if self.is_identity() {
            return Self::identity();
        }
        let xx = self.x.square();
        let yy = self.y.square();
        let yyyy = yy.square();
        let zz = self.z.square();
        let s = ((self.x + yy).square() - xx - yyyy).double();
        let m = xx.double() + xx + *a * zz.square();
        let x3 = m.square() - s.double();
        let y3 = m * (s - x3) - yyyy.double().double().double();
        let z3 = (self.y + self.z).square() - yy - zz;
        Self { x: x3, y: y3, z: z3, infinity: false }
    }

    /// P + Q (EFD `add-2007-bl`), with the cases the formula does not cover: either point the
    /// identity, P = Q, P = −Q.
    pub(super) fn add(&self, other: &Self, a: &F) -> Self {
        if self.is_identity() {
            return *other;
        }
        if other.is_identity() {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = other.z.square();
        let u1 = self.x * z2z2;
        let u2 = other.x * z1z1;
        let s1 = self.y * other.z * z2z2;
        let s2 = other.y * self.z * z1z1;
        let h = u2 - u1;
        let r = (s2 - s1).double();
        if h.is_zero_vartime() {
            return if r.is_zero_vartime() { self.double(a) } else { Self::identity() };
        }
        let i = h.double().square();
        let j = h * i;
        let v = u1 * i;
        let x3 = r.square() - j - v.double();
        let y3 = r * (v - x3) - (s1 * j).double();
        let z3 = ((self.z + other.z).square() - z1z1 - z2z2) * h;
        Self { x: x3, y: y3, z: z3, infinity: false }
    }

    /// P + Q for an affine Q (EFD `madd-2007-bl`), special cases as in [`Jacobian::add`].
    pub(super) fn add_affine(&self, (x2, y2): &Affine<F>, a: &F) -> Self {
        if self.is_identity() {
            return Self::from_affine((*x2, *y2));
        }
        let z1z1 = self.z.square();
        let u2 = *x2 * z1z1;
        let s2 = *y2 * self.z * z1z1;
        let h = u2 - self.x;
        let r = (s2 - self.y).double();
        if h.is_zero_vartime() {
            return if r.is_zero_vartime() { self.double(a) } else { Self::identity() };
        }
        let hh = h.square();
        let i = hh.double().double();
        let j = h * i;
        let v = self.x * i;
        let x3 = r.square() - j - v.double();
        let y3 = r * (v - x3) - (self.y * j).double();
        let z3 = (self.z + h).square() - z1z1 - hh;
        Self { x: x3, y: y3, z: z3, infinity: false }
    }

    /// Whether the point's affine x is one of `candidates` (X = c·Z², no inversion); never
    /// for the identity.
    pub(super) fn x_is_one_of(&self, candidates: &[F]) -> bool {
        if self.is_identity() || self.z.is_zero_vartime() {
            return false;
        }
        let zz = self.z.square();
        candidates.iter().any(|c| (*c * zz - self.x).is_zero_vartime())
    }
}

/// The affine forms of `points` with one field inversion for all (Montgomery's trick);
/// `None` if one of them is the identity.
pub(super) fn normalize_all<F: Field>(points: &[Jacobian<F>]) -> Option<Vec<Affine<F>>> {
    // prefix[i] = z₀·…·zᵢ.
    let mut prefix = Vec::with_capacity(points.len());
    let mut product = F::ONE;
    for point in points {
        if point.is_identity() {
            return None;
        }
        product *= point.z;
        prefix.push(product);
    }
    let mut inverse = Option::<F>::from(product.invert())?;
    let mut affine = vec![(F::ZERO, F::ZERO); points.len()];
    for at in (0..points.len()).rev() {
        let point = points.get(at)?;
        // inverse = (z₀·…·z_at)⁻¹: times the prefix before `at` leaves z_at⁻¹.
        let z_inverse = match at.checked_sub(1) {
            Some(before) => inverse * prefix.get(before)?,
            None => inverse,
        };
        inverse *= point.z;
        let zz_inverse = z_inverse.square();
        *affine.get_mut(at)? = (point.x * zz_inverse, point.y * zz_inverse * z_inverse);
    }
    Some(affine)
}

/// P, 3P, 5P, …, (2^(w−1) − 1)·P: the odd multiples a w-NAF digit picks from.
fn odd_multiples<F: Field>(point: Affine<F>, window: u32, a: &F) -> Vec<Jacobian<F>> {
    let count = 1usize << (window - 2);
    let first = Jacobian::from_affine(point);
    let twice = first.double(a);
    let mut multiples = Vec::with_capacity(count);
    let mut next = first;
    for _ in 0..count {
        multiples.push(next);
        next = next.add(&twice, a);
    }
    multiples
}

/// The generator's odd multiples in affine form, for [`lincomb_vartime`]; `None` if one of them
/// is the identity (a generator of order below 2^(w−1): not a curve anyone signs on).
pub(super) fn generator_table<F: Field>(generator: Affine<F>, a: &F) -> Option<Vec<Affine<F>>> {
    normalize_all(&odd_multiples(generator, GENERATOR_WINDOW, a))
}

/// The width-`window` non-adjacent form of the big-endian `k`, least significant digit first:
/// every non-zero digit odd, below 2^(w−1) in magnitude, and followed by at least w − 1 zeros.
fn wnaf(k: &[u8], window: u32) -> Vec<i32> {
    let bits = k.len() * 8;
    let bit = |at: usize| -> i32 {
        k.len().checked_sub(1 + at / 8).and_then(|byte| k.get(byte)).map_or(0, |byte| i32::from((byte >> (at % 8)) & 1))
    };
    let width = 1i32 << window;
    // One digit more than bits: the last carry.
    let mut digits = vec![0i32; bits + 1];
    // A +1 owed at position `at` by the last negative digit.
    let mut carry = 0i32;
    let mut at = 0usize;
    while at <= bits {
        let value = carry + (0..window as usize).fold(0, |sum, i| sum | (bit(at + i) << i));
        if value & 1 == 0 {
            // Bit and carry sum to 0 or 2: a zero digit, and the carry (if any) moves up.
            at += 1;
            continue;
        }
        let digit = if value >= width / 2 { value - width } else { value };
        carry = i32::from(digit < 0);
        if let Some(slot) = digits.get_mut(at) {
            *slot = digit;
        }
        at += window as usize;
    }
    digits
}

/// u1·G + u2·Q, `u1` and `u2` big-endian and below the order, `generator_odd` from
/// [`generator_table`]; `None` only on a malformed table.
pub(super) fn lincomb_vartime<F: Field>(
    a: &F,
    generator_odd: &[Affine<F>],
    u1: &[u8],
    key: Affine<F>,
    u2: &[u8],
) -> Option<Jacobian<F>> {
    let key_odd = odd_multiples(key, KEY_WINDOW, a);
    let (d1, d2) = (wnaf(u1, GENERATOR_WINDOW), wnaf(u2, KEY_WINDOW));
    let top = d1.len().max(d2.len());
    let mut sum = Jacobian::identity();
    for at in (0..top).rev() {
        sum = sum.double(a);
        let digit = d1.get(at).copied().unwrap_or(0);
        if digit != 0 {
            let (x, y) = *generator_odd.get(usize::try_from(digit.unsigned_abs() / 2).ok()?)?;
            sum = sum.add_affine(&(x, if digit > 0 { y } else { -y }), a);
        }
        let digit = d2.get(at).copied().unwrap_or(0);
        if digit != 0 {
            let multiple = key_odd.get(usize::try_from(digit.unsigned_abs() / 2).ok()?)?;
            sum = sum.add(&if digit > 0 { *multiple } else { multiple.negate() }, a);
        }
    }
    Some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Σ dᵢ·2^i of a w-NAF over bytes, as an i128 (short scalars only).
    fn value(digits: &[i32]) -> i128 {
        digits.iter().rev().fold(0i128, |sum, d| sum * 2 + i128::from(*d))
    }

    #[test]
    fn wnaf_digits_add_back_up_and_keep_their_distance() {
        for k in [vec![0u8], vec![1], vec![0xFF], vec![0x80, 0x01], vec![0xAB, 0xCD, 0xEF, 0x12], vec![0xFF; 12]] {
            for window in [2, 5, 7] {
                let digits = wnaf(&k, window);
                let expected = k.iter().fold(0i128, |sum, b| sum * 256 + i128::from(*b));
                assert_eq!(value(&digits), expected, "{k:02X?} w={window}");
                let half = 1i32 << (window - 1);
                let nonzero: Vec<usize> = (0..digits.len()).filter(|i| digits[*i] != 0).collect();
                assert!(nonzero.iter().all(|i| digits[*i] % 2 != 0 && digits[*i].abs() < half), "{digits:?}");
                assert!(nonzero.windows(2).all(|w| w[1] - w[0] >= window as usize), "{digits:?}");
            }
        }
    }
}
