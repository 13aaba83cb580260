//! The named curves (RustCrypto) and the runtime curves of the same parameters must agree on
//! every operation; points from outside are checked on both.

use std::sync::Arc;

use super::jacobian::Jacobian;
use super::*;
use crate::crypto::curves::{ALL, BRAINPOOL_P256R1, BRAINPOOL_P320R1, P256, P521};
use crate::crypto::hash::HashAlgorithm;

/// Scalars of every shape: small, large, n − 1, n, above n, the field's width.
fn scalars(group: &dyn EcGroup) -> Vec<Vec<u8>> {
    let order = group.order();
    let mut below = order.clone();
    if let Some(last) = below.last_mut() {
        *last = last.wrapping_sub(1);
    }
    let mut above = order.clone();
    above.insert(0, 0);
    if let Some(last) = above.last_mut() {
        *last = last.wrapping_add(5);
    }
    let hashed: Vec<Vec<u8>> =
        (0u8..4).map(|i| HashAlgorithm::Sha512.digest(&[i])[..group.field_len().min(64)].to_vec()).collect();
    [vec![vec![1], vec![2], vec![0x01, 0x00], below, order, above], hashed].concat()
}

fn named_curves() -> Vec<&'static CurveParams> {
    ALL.iter().filter(|p| standard(p).unwrap().is_named()).collect()
}

#[test]
fn the_named_curves_are_rustcryptos_five_and_brainpool_p512r1() {
    let names: Vec<&str> = named_curves().iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        ["NIST P-256", "brainpoolP256r1", "NIST P-384", "brainpoolP384r1", "brainpoolP512r1", "NIST P-521"]
    );
    assert!(!standard(&BRAINPOOL_P320R1).unwrap().is_named());
}

#[test]
fn named_and_runtime_arithmetic_agree() {
    for params in named_curves() {
        let named = standard(params).unwrap();
        let runtime = Curve::standard(params).unwrap();
        let g = named.generator();
        assert_eq!(g, EcGroup::generator(&runtime), "{}", params.name);
        for k in scalars(named.as_ref()) {
            let (a, b) = (named.mul(&k, &g).unwrap(), EcGroup::mul(&runtime, &k, &g).unwrap());
            assert_eq!(a, b, "{}: {}", params.name, hex::encode(&k));
            assert_eq!(named.reduce(&k), EcGroup::reduce(&runtime, &k), "{}", params.name);
            if !a.is_empty() {
                let sum = named.add(&a, &g).unwrap();
                assert_eq!(sum, EcGroup::add(&runtime, &a, &g).unwrap(), "{}", params.name);
                assert_eq!(named.add(&a, &a).unwrap(), named.mul(&[2], &a).unwrap(), "{}", params.name);
                let div = named.scalar_div(&k, &[3]).unwrap();
                assert_eq!(div, EcGroup::scalar_div(&runtime, &k, &[3]).unwrap(), "{}", params.name);
            }
        }
        // n·G is the identity, the empty encoding; adding it changes nothing.
        assert!(named.mul(&named.order(), &g).unwrap().is_empty(), "{}", params.name);
        assert_eq!(named.add(&g, &[]).unwrap(), g);
        assert!(named.mul(&[5], &[]).unwrap().is_empty());
        let minus_g = named.mul(&scalars(named.as_ref())[3], &g).unwrap();
        assert!(named.add(&g, &minus_g).unwrap().is_empty(), "{}", params.name);
    }
}

#[test]
fn points_from_outside_are_checked() {
    for params in [&BRAINPOOL_P256R1, &BRAINPOOL_P320R1, &P521] {
        let group = standard(params).unwrap();
        let mut point = group.mul(&[7], &group.generator()).unwrap();
        assert!(group.check_point(&point).is_ok());
        assert_eq!(x_coordinate(group.as_ref(), &point).unwrap().len(), group.field_len());
        assert!(group.check_point(&[]).is_err(), "the identity");
        assert!(group.check_point(&point[..point.len() - 1]).is_err(), "short");
        let mut compressed = point.clone();
        compressed[0] = 0x02;
        assert!(group.check_point(&compressed).is_err(), "compressed");
        let last = point.len() - 1;
        point[last] ^= 1;
        assert!(group.check_point(&point).is_err(), "off the curve");
        assert!(group.mul(&[2], &point).is_err(), "{}", params.name);
        assert!(group.add(&group.generator(), &point).is_err(), "{}", params.name);
        // The x-coordinate of a point above p is not a field element.
        let mut above_p = vec![0x04];
        above_p.extend(vec![0xFF; 2 * group.field_len()]);
        assert!(group.check_point(&above_p).is_err(), "{}", params.name);
    }
}

#[test]
fn explicit_parameters_equal_to_a_named_curve_take_the_named_path() {
    let h = |s: &str| hex::decode(s).unwrap();
    let p = P256;
    let with_zeros = [vec![0u8], h(p.p)].concat();
    let group = explicit(&with_zeros, &h(p.a), &h(p.b), &h(p.gx), &h(p.gy), &h(p.n)).unwrap();
    assert!(group.is_named());
    assert_eq!(group.name(), "NIST P-256");
    let b = BRAINPOOL_P320R1;
    let runtime = explicit(&h(b.p), &h(b.a), &h(b.b), &h(b.gx), &h(b.gy), &h(b.n)).unwrap();
    assert!(!runtime.is_named());
    assert_eq!(runtime.name(), "brainpoolP320r1");
    // Another generator on P-256 (2G) is not P-256's parameters: the runtime path.
    let two_g = group.mul(&[2], &group.generator()).unwrap();
    let (x, y) = two_g[1..].split_at(32);
    let other = explicit(&h(p.p), &h(p.a), &h(p.b), x, y, &h(p.n)).unwrap();
    assert!(!other.is_named());
    assert!(explicit(&h(p.p), &h(p.a), &h(p.b), &h(p.gx), &h(p.gx), &h(p.n)).is_err());
}

#[test]
fn ecdsa_agrees_on_both_paths_and_refuses_bad_values() {
    // A signature made here from the definition: k·G's x mod n = r, s = k⁻¹(e + r·d).
    for params in named_curves() {
        let named = standard(params).unwrap();
        let runtime = Curve::standard(params).unwrap();
        let d = HashAlgorithm::Sha256.digest(b"private");
        let q = named.mul(&d, &named.generator()).unwrap();
        let digest = HashAlgorithm::Sha1.digest(b"message");
        let (r, s) = sign(named.as_ref(), &runtime, &d, &digest, b"nonce");
        assert!(named.verify_ecdsa(&q, &digest, &r, &s), "{}", params.name);
        assert!(EcGroup::verify_ecdsa(&runtime, &q, &digest, &r, &s), "{}", params.name);
        let mut wrong = digest.clone();
        wrong[0] ^= 1;
        assert!(!named.verify_ecdsa(&q, &wrong, &r, &s), "{}", params.name);
        assert!(!named.verify_ecdsa(&q, &digest, &s, &r), "{}", params.name);
        assert!(!named.verify_ecdsa(&q, &digest, &[0], &s), "{}: r = 0", params.name);
        assert!(!named.verify_ecdsa(&q, &digest, &named.order(), &s), "{}: r = n", params.name);
        assert!(!named.verify_ecdsa(&[], &digest, &r, &s), "{}: no key", params.name);
    }
}

#[test]
fn a_signer_met_again_verifies_through_its_tables_and_still_refuses_forgeries() {
    for params in named_curves() {
        let named = standard(params).unwrap();
        let runtime = Curve::standard(params).unwrap();
        // A key of its own per curve, so that no other test has seen it.
        let d = HashAlgorithm::Sha256.digest(b"a signer met again");
        let q = named.mul(&d, &named.generator()).unwrap();
        // First use: the windowed path; second: the key's table is built; then tables only.
        for round in 0..6u8 {
            let digest = HashAlgorithm::Sha256.digest(&[round; 3]);
            let (r, s) = sign(named.as_ref(), &runtime, &d, &digest, &[round, 1]);
            assert!(named.verify_ecdsa(&q, &digest, &r, &s), "{} round {round}", params.name);
            let mut wrong = digest.clone();
            wrong[0] ^= 1;
            assert!(!named.verify_ecdsa(&q, &wrong, &r, &s), "{} round {round}", params.name);
            assert!(!named.verify_ecdsa(&q, &digest, &s, &r), "{} round {round}", params.name);
            assert!(!named.verify_ecdsa(&named.generator(), &digest, &r, &s), "{}: another key", params.name);
        }
        // The same group serves every caller: the tables outlive one key parse.
        assert!(Arc::ptr_eq(&named, &standard(params).unwrap()));
    }
}

/// u1·G + u2·Q on both verification paths (Jacobian coordinates: the interleaved
/// double-and-add of a signer met once, the affine fixed-base tables of one met again) against
/// `primeorder`'s complete formulas, on the inputs that take the incomplete formulas' special
/// branches: Q = ±G and 2G (partial sums meet the point being added: P = Q doubles, P = −Q is
/// the identity), zero scalars, u2·Q = −u1·G (the identity: no x matches), and scalars spanning
/// the order.
fn verification_paths_agree<C>(params: &'static CurveParams)
where
    C: PrimeCurveParams,
    FieldBytesSize<C>: ModulusSize,
    C::AffinePoint: FromSec1Point<C> + ToSec1Point<C>,
    C::ProjectivePoint: Send + Sync,
{
    let a = C::EQUATION_A;
    let len = Named::<C>::field_bytes_len();
    let generator_odd = jacobian::generator_table(C::GENERATOR, &a).unwrap();
    let generator_table = FixedBase::new(C::GENERATOR, len, &a).unwrap();
    let g = C::ProjectivePoint::generator();
    let wide = C::Scalar::from(0x1234_5678_9ABC_DEF1u64);
    let wide = wide * wide * wide * wide * wide;
    let mut scalars: Vec<C::Scalar> = [0u64, 1, 2, 3, 31, 64].map(C::Scalar::from).to_vec();
    scalars.extend([wide, -wide, -C::Scalar::ONE]);
    for key in [g, -g, g.double(), g * wide] {
        let key = Named::<C>::coordinates(&Named::<C>::encode(&key)).unwrap();
        let key_table = FixedBase::new(key, len, &a).unwrap();
        for u1 in &scalars {
            for u2 in &scalars {
                let (k1, k2) = (u1.to_repr(), u2.to_repr());
                let once = jacobian::lincomb_vartime(&a, &generator_odd, &k1, key, &k2).unwrap();
                let sum = generator_table.add_mul_vartime(&k1, Jacobian::identity(), &a).unwrap();
                let again = key_table.add_mul_vartime(&k2, sum, &a).unwrap();
                let expected = g * u1 + C::ProjectivePoint::from(affine_point::<C>(key)) * u2;
                for got in [once, again] {
                    let got_affine = jacobian::normalize_all(&[got]).map(|points| points[0]);
                    if bool::from(expected.is_identity()) {
                        assert_eq!(got_affine, None, "{}", params.name);
                        assert!(!got.x_is_one_of(&[C::FieldElement::ZERO, C::FieldElement::ONE]), "{}", params.name);
                    } else {
                        let expected = Named::<C>::coordinates(&Named::<C>::encode(&expected)).unwrap();
                        assert_eq!(got_affine, Some(expected), "{}", params.name);
                        assert!(got.x_is_one_of(&[expected.1, expected.0]), "{}", params.name);
                        assert!(!got.x_is_one_of(&[expected.1]), "{}", params.name);
                    }
                }
            }
        }
    }
}

/// The point of affine coordinates `(x, y)`.
fn affine_point<C>((x, y): Affine<C::FieldElement>) -> C::AffinePoint
where
    C: PrimeCurveParams,
    FieldBytesSize<C>: ModulusSize,
    C::AffinePoint: FromSec1Point<C>,
{
    let encoded = [vec![0x04], x.to_repr().to_vec(), y.to_repr().to_vec()].concat();
    let point = Sec1Point::<C>::from_bytes(&encoded).unwrap();
    Option::from(C::AffinePoint::from_sec1_point(&point)).unwrap()
}

#[test]
fn both_verification_paths_sum_as_the_complete_formulas_do() {
    use crate::crypto::curves::{BRAINPOOL_P384R1, BRAINPOOL_P512R1, P384};
    verification_paths_agree::<p256::NistP256>(&P256);
    verification_paths_agree::<bp256::BrainpoolP256r1>(&BRAINPOOL_P256R1);
    verification_paths_agree::<p384::NistP384>(&P384);
    verification_paths_agree::<bp384::BrainpoolP384r1>(&BRAINPOOL_P384R1);
    verification_paths_agree::<crate::crypto::bp512::BrainpoolP512r1>(&BRAINPOOL_P512R1);
    verification_paths_agree::<p521::NistP521>(&P521);
}

/// An ECDSA signature (r, s) by the key `d` over `digest`, made from the definition with the
/// nonce SHA-256(`nonce`): r = (k·G)ₓ mod n, s = k⁻¹(e + r·d).
fn sign(named: &dyn EcGroup, runtime: &Curve, d: &[u8], digest: &[u8], nonce: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let k = HashAlgorithm::Sha256.digest(nonce);
    let e = runtime.digest_to_scalar(digest);
    let r = named.reduce(&x_coordinate(named, &named.mul(&k, &named.generator()).unwrap()).unwrap());
    let s = named.scalar_div(&runtime.reduce(&sum(&e, &product(runtime, &r, d))), &k).unwrap();
    (r, s)
}

/// a · b mod n on the runtime curve (a = (a·b)·1⁻¹).
fn product(curve: &Curve, a: &[u8], b: &[u8]) -> Vec<u8> {
    let b_inverse = curve.scalar_div(&[1], b).unwrap();
    curve.scalar_div(a, &b_inverse).unwrap()
}

/// a + b as big-endian integers (scalars of at most 66 bytes: no overflow at 576 bits).
fn sum(a: &[u8], b: &[u8]) -> Vec<u8> {
    let wide = |x: &[u8]| crate::crypto::bigint::from_be::<9>(x).unwrap();
    crate::crypto::bigint::to_be(&wide(a).wrapping_add(&wide(b)), 72)
}
