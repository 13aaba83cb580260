//! ECDSA verification's arithmetic for the named curves (SEC 1 v2 §4.1.4 steps 5–7): u1·G + u2·Q
//! through the signer's fixed-base table or the once-only double-and-add, and x(R) mod n = r
//! compared without an inversion. Variable time, public data only.

use elliptic_curve::FieldBytes;
use elliptic_curve::ff::PrimeField;
use primeorder::PrimeCurveParams;

use super::Named;
use super::fixed_base::FixedBase;
use super::jacobian::{self, Affine, Jacobian};
use crate::crypto::bigint;

impl<C: PrimeCurveParams> Named<C> {
    /// The affine coordinates of an uncompressed SEC1 point (checked on the curve by the caller).
    pub(super) fn coordinates(q: &[u8]) -> Option<Affine<C::FieldElement>> {
        let len = Self::field_bytes_len();
        let coordinate = |at: usize| {
            let bytes = q.get(at..at.checked_add(len)?)?;
            Option::<C::FieldElement>::from(C::FieldElement::from_repr(FieldBytes::<C>::try_from(bytes).ok()?))
        };
        Some((coordinate(1)?, coordinate(1 + len)?))
    }

    /// u1·G + u2·Q for the key `q` (uncompressed, checked on the curve): through the fixed-base
    /// tables when the key has one (met before), else by one interleaved double-and-add.
    pub(super) fn lincomb(&self, q: &[u8], u1: &C::Scalar, u2: &C::Scalar) -> Option<Jacobian<C::FieldElement>> {
        let a = C::EQUATION_A;
        let key = Self::coordinates(q)?;
        let len = Self::field_bytes_len();
        match self.keys.table(q, || FixedBase::new(key, len, &a)) {
            // A signer met before: additions only.
            Some(key_table) => {
                let generator_table =
                    self.generator_table.get_or_init(|| FixedBase::new(C::GENERATOR, len, &a)).as_ref()?;
                let sum = generator_table.add_mul_vartime(&u1.to_repr(), Jacobian::identity(), &a)?;
                key_table.add_mul_vartime(&u2.to_repr(), sum, &a)
            }
            // A signer met once: one doubling per bit for both scalars.
            None => {
                let generator_odd =
                    self.generator_odd.get_or_init(|| jacobian::generator_table(C::GENERATOR, &a)).as_ref()?;
                jacobian::lincomb_vartime(&a, generator_odd, &u1.to_repr(), key, &u2.to_repr())
            }
        }
    }

    /// The field elements whose reduction modulo n is r: r itself and r + n when below p (the
    /// named curves have cofactor 1, so p < 2n and no other).
    pub(super) fn x_candidates(&self, r: &C::Scalar) -> Vec<C::FieldElement> {
        let r_bytes: FieldBytes<C> = (*r).into();
        // r + n in 576 bits: both below 2^521, no overflow.
        let r_plus_n = match (bigint::from_be::<9>(&r_bytes), bigint::from_be::<9>(&self.order)) {
            (Some(r), Some(n)) => Some(bigint::to_be(&r.wrapping_add(&n), 72)),
            _ => None,
        };
        let as_field = |bytes: &[u8]| Option::from(C::FieldElement::from_repr(Self::field_bytes(bytes)?));
        [Some(r_bytes.to_vec()), r_plus_n].into_iter().flatten().filter_map(|bytes| as_field(&bytes)).collect()
    }
}
