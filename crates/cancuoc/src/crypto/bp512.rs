//! brainpoolP512r1 (RFC 5639 §3.7) as a named curve, in the style of RustCrypto's `bp384`:
//! field and scalar arithmetic from `primefield` on `crypto-bigint`'s constant-time Montgomery
//! form (its `bigint` backend: there is no fiat-crypto code for this prime in a kept crate),
//! points from `primeorder`'s complete formulas. RustCrypto publishes no `bp512` for
//! `elliptic-curve` 0.14, and this is the CSCA curve Vietnam is believed to use ("CSCA
//! ePassport Vietnam" in the German and Dutch master lists): on the generic runtime curve
//! (`crypto::curve`) one ECDSA verification took about 3.6 ms.
//!
//! Constant time where secret: scalar multiplication (`Mul`) is `primeorder`'s constant-time
//! ladder over constant-time field arithmetic, as for the other named curves; ECDSA
//! verification is variable time on public data. The constants are `curves::BRAINPOOL_P512R1`'s.

use elliptic_curve::bigint::{Odd, U512};
use elliptic_curve::consts::U64;
use elliptic_curve::hazmat::FieldArithmetic;
use elliptic_curve::{CurveArithmetic, PrimeCurveArithmetic};
use primeorder::{PrimeCurveParams, mul_backend, point_arithmetic};

use super::curves::BRAINPOOL_P512R1;

/// The curve brainpoolP512r1.
#[derive(Copy, Clone, Debug, Default, Eq, PartialEq, PartialOrd, Ord)]
// `pub`: elliptic-curve's scalar macros name it in public impls. It never leaves the crate:
// only `Arc<dyn EcGroup>` does (`group::standard`), so it has no public path to be named by.
#[allow(unreachable_pub, unnameable_types)]
pub struct BrainpoolP512r1;

const ORDER_HEX: &str = BRAINPOOL_P512R1.n;
const ORDER: Odd<U512> = Odd::<U512>::from_be_hex(ORDER_HEX);
const MODULUS_HEX: &str = BRAINPOOL_P512R1.p;

impl elliptic_curve::Curve for BrainpoolP512r1 {
    type FieldBytesSize = U64;
    type Uint = U512;
    const ORDER: Odd<U512> = ORDER;
}

impl elliptic_curve::PrimeCurve for BrainpoolP512r1 {}

impl elliptic_curve::point::PointCompression for BrainpoolP512r1 {
    const COMPRESS_POINTS: bool = false;
}

/// The field modulo p.
// primefield 0.14's parameter macro calls crypto-bigint's deprecated `Uint::bits`; its types
// stay inside the crate like the curve's.
#[allow(deprecated, unnameable_types)]
mod field {
    // The macros name these.
    use elliptic_curve::bigint::U512;
    #[allow(unused_imports)]
    use elliptic_curve::ff::PrimeField;
    use elliptic_curve::ops::BatchInvert;
    #[allow(unused_imports)]
    use elliptic_curve::subtle::{Choice, ConstantTimeEq, CtOption};

    use super::MODULUS_HEX;

    // The multiplicative generators below are quadratic non-residues (2 mod p, 7 mod n: the
    // smallest), which is what the square-root and root-of-unity constants derived from them need.
    primefield::monty_field_params! {
        name: FieldParams,
        modulus: MODULUS_HEX,
        uint: U512,
        byte_order: primefield::ByteOrder::BigEndian,
        multiplicative_generator: 2,
        doc: "Montgomery parameters for brainpoolP512r1's field modulus"
    }

    primefield::monty_field_element! {
        name: FieldElement,
        params: FieldParams,
        uint: U512,
        doc: "An element of brainpoolP512r1's field, modulo p"
    }

    primefield::monty_field_arithmetic! {
        name: FieldElement,
        params: FieldParams,
        uint: U512
    }

    impl BatchInvert for FieldElement {}
}

/// The scalars, modulo n.
#[allow(deprecated, unnameable_types)]
mod scalar {
    // The macros name these.
    use elliptic_curve::bigint::U512;
    #[allow(unused_imports)]
    use elliptic_curve::ff::PrimeField;
    use elliptic_curve::scalar::{FromUintUnchecked, IsHigh};
    #[allow(unused_imports)]
    use elliptic_curve::subtle::{Choice, ConstantTimeEq, ConstantTimeGreater, CtOption};

    use super::{BrainpoolP512r1, ORDER, ORDER_HEX};

    primefield::monty_field_params! {
        name: ScalarParams,
        modulus: ORDER_HEX,
        uint: U512,
        byte_order: primefield::ByteOrder::BigEndian,
        multiplicative_generator: 7,
        doc: "Montgomery parameters for brainpoolP512r1's scalar modulus"
    }

    primefield::monty_field_element! {
        name: Scalar,
        params: ScalarParams,
        uint: U512,
        doc: "An element of brainpoolP512r1's scalar field, modulo n"
    }

    primefield::monty_field_arithmetic! {
        name: Scalar,
        params: ScalarParams,
        uint: U512
    }

    primefield::monty_field_reduce! {
        name: Scalar,
        params: ScalarParams,
        uint: U512,
    }

    elliptic_curve::scalar_impls!(BrainpoolP512r1, Scalar);

    primeorder::wnaf::impl_wnaf_size_for_scalar!(Scalar);

    impl AsRef<Scalar> for Scalar {
        fn as_ref(&self) -> &Scalar {
            self
        }
    }

    impl FromUintUnchecked for Scalar {
        type Uint = U512;

        fn from_uint_unchecked(uint: Self::Uint) -> Self {
            Self::from_uint_unchecked(uint)
        }
    }

    impl IsHigh for Scalar {
        fn is_high(&self) -> Choice {
            const MODULUS_SHR1: U512 = ORDER.as_ref().shr_vartime(1);
            self.to_canonical().ct_gt(&MODULUS_SHR1)
        }
    }
}

use field::FieldElement;
use scalar::Scalar;

/// A point in affine coordinates.
pub(super) type AffinePoint = primeorder::AffinePoint<BrainpoolP512r1>;
/// A point in projective coordinates.
pub(super) type ProjectivePoint = primeorder::ProjectivePoint<BrainpoolP512r1>;

impl CurveArithmetic for BrainpoolP512r1 {
    type AffinePoint = AffinePoint;
    type ProjectivePoint = ProjectivePoint;
    type Scalar = Scalar;
}

impl FieldArithmetic for BrainpoolP512r1 {
    type FieldElement = FieldElement;
}

impl PrimeCurveArithmetic for BrainpoolP512r1 {
    type CurveGroup = ProjectivePoint;
}

impl PrimeCurveParams for BrainpoolP512r1 {
    type PointArithmetic = point_arithmetic::EquationAIsGeneric;
    type Backend = mul_backend::VariableOnly;

    const EQUATION_A: FieldElement = FieldElement::from_hex_vartime(BRAINPOOL_P512R1.a);
    const EQUATION_B: FieldElement = FieldElement::from_hex_vartime(BRAINPOOL_P512R1.b);
    const GENERATOR: (FieldElement, FieldElement) =
        (FieldElement::from_hex_vartime(BRAINPOOL_P512R1.gx), FieldElement::from_hex_vartime(BRAINPOOL_P512R1.gy));
}

#[cfg(test)]
mod tests {
    use super::{FieldElement, U512};

    primefield::test_primefield!(FieldElement, U512);

    mod scalar {
        use super::super::{Scalar, U512};

        primefield::test_primefield!(Scalar, U512);
    }
}
