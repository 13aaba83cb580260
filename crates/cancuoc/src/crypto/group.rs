//! Elliptic-curve groups behind one trait, [`EcGroup`]: the only way the rest of the crate
//! reaches curve arithmetic, for ECDH (PACE, chip authentication) and ECDSA (passive and
//! active authentication).
//!
//! Two implementations:
//! - **Named curves** through RustCrypto (`p256`, `p384`, `p521`, `bp256`, `bp384`, and
//!   brainpoolP512r1 built from RustCrypto's `primefield` and `primeorder` in `crypto::bp512`):
//!   NIST P-256, P-384, P-521, brainpoolP256r1, P384r1 and P512r1, whether a key names them by
//!   OID or spells out their parameters ([`explicit`] recognises them).
//! - **Runtime curves** (`crypto::curve`, `crypto-bigint` Montgomery arithmetic) for the rest:
//!   brainpoolP192r1, P224r1, P320r1, NIST P-192 and P-224 (no RustCrypto release on
//!   `elliptic-curve` 0.14; no issuer in the real samples uses them) and explicit parameters
//!   that match no named curve.
//!
//! Points travel as uncompressed SEC1 encodings (`04 ‖ X ‖ Y`, checked to lie on the curve when
//! they come in); the identity, which has no such encoding, is the empty one.
//!
//! # Constant time
//! - Named curves: scalar multiplication by a secret (PACE and CA keys, [`EcGroup::mul`]) is
//!   RustCrypto's constant-time `Mul`; turning the scalar's bytes into a field scalar branches
//!   only on whether they are below n (they are: keys are drawn below n, nonces reduced).
//!   ECDSA verification is variable time, on public data.
//! - Runtime curves: the Montgomery ladder runs as many rounds as the order has bits and swaps
//!   registers with constant-time selects over constant-time Montgomery arithmetic, but the
//!   point addition and doubling branch on the identity and on equal inputs, so the rounds
//!   before the scalar's first set bit take another path: the ladder leaks the scalar's bit
//!   length, and the reductions modulo n ([`EcGroup::reduce`], [`EcGroup::scalar_div`]) are
//!   variable time. These curves serve PACE with ephemeral single-use keys on the few chips that
//!   offer them, and signature checks on public data.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use elliptic_curve::ff::Field as _;
use elliptic_curve::group::Group as _;
use elliptic_curve::ops::Invert;
use elliptic_curve::sec1::{FromSec1Point, ModulusSize, Sec1Point, ToSec1Point};
use elliptic_curve::{FieldBytes, FieldBytesSize, PrimeField};
use primeorder::PrimeCurveParams;
use rand_core::CryptoRng;

use super::curve::{Curve, CurveError, CurveParams};
use super::curves;

mod ecdsa;
mod fixed_base;
mod jacobian;

use fixed_base::{FixedBase, KeyTables};
use jacobian::Affine;

/// An elliptic-curve group: the arithmetic PACE, chip authentication and ECDSA need.
///
/// Points are uncompressed SEC1 encodings and the empty slice is the identity; scalars are
/// big-endian.
pub trait EcGroup: Send + Sync + std::fmt::Debug {
    /// The curve's name (`brainpoolP256r1`, `NIST P-256`, `explicit 256-bit curve`).
    fn name(&self) -> &str;
    /// Bytes of a field element (32 for a 256-bit curve, 66 for P-521).
    fn field_len(&self) -> usize;
    /// Bits of the field prime.
    fn field_bits(&self) -> u32;
    /// The group order n, big-endian.
    fn order(&self) -> Vec<u8>;
    /// The generator.
    fn generator(&self) -> Vec<u8>;
    /// Checks an encoded point: uncompressed, on the curve, not the identity (BSI TR-03111
    /// §3.2.2.1).
    ///
    /// # Errors
    /// [`CurveError::BadPoint`].
    fn check_point(&self, point: &[u8]) -> Result<(), CurveError>;
    /// k · P.
    ///
    /// # Errors
    /// [`CurveError::BadPoint`] for a bad `point`, [`CurveError::BadParameters`] for a scalar
    /// longer than the field.
    fn mul(&self, k: &[u8], point: &[u8]) -> Result<Vec<u8>, CurveError>;
    /// P + Q.
    ///
    /// # Errors
    /// [`CurveError::BadPoint`] for a bad point.
    fn add(&self, p: &[u8], q: &[u8]) -> Result<Vec<u8>, CurveError>;
    /// `k mod n`, as long as n.
    fn reduce(&self, k: &[u8]) -> Vec<u8>;
    /// `r mod p` for up to 144 bytes (PACE-IM's R_p: ICAO 9303-11 §4.4.3.3.2).
    ///
    /// # Errors
    /// [`CurveError::BadParameters`] for a longer input.
    fn reduce_wide_mod_p(&self, r: &[u8]) -> Result<Vec<u8>, CurveError>;
    /// PACE-IM's point encoding f_G of the field element `t` (ICAO 9303-11 App. B.2).
    ///
    /// # Errors
    /// [`CurveError::BadParameters`] when the map is undefined for the curve.
    fn encode_to_curve(&self, t: &[u8]) -> Result<Vec<u8>, CurveError>;
    /// a · b⁻¹ mod n (PACE-CAM: ICAO 9303-11 §4.4.3.5).
    ///
    /// # Errors
    /// [`CurveError::BadParameters`] when b is 0 mod n.
    fn scalar_div(&self, a: &[u8], b: &[u8]) -> Result<Vec<u8>, CurveError>;
    /// Verifies the ECDSA signature (r, s) over `digest` with the public point `q` (SEC 1
    /// §4.1.4; BSI TR-03111 §4.2.1.2): the digest's leftmost ⌈log₂ n⌉ bits, any digest length.
    fn verify_ecdsa(&self, q: &[u8], digest: &[u8], r: &[u8], s: &[u8]) -> bool;
    /// True when RustCrypto's arithmetic serves this group (false: the runtime curves).
    fn is_named(&self) -> bool;
}

/// The x-coordinate of a point, `field_len` bytes: the ECDH shared secret (BSI TR-03111
/// §4.3.1, ICAO 9303-11 §9.7.3).
///
/// # Errors
/// [`CurveError::BadPoint`] for the identity or a malformed encoding.
pub fn x_coordinate(group: &dyn EcGroup, point: &[u8]) -> Result<Vec<u8>, CurveError> {
    point.get(1..=group.field_len()).map(<[u8]>::to_vec).ok_or(CurveError::BadPoint)
}

/// A uniformly random scalar in [1, n − 1], as long as n.
pub fn random_scalar(group: &dyn EcGroup, rng: &mut impl CryptoRng) -> Option<Vec<u8>> {
    let order = group.order();
    let n = super::bigint::from_be::<9>(&order)?;
    super::bigint::random_below(&n, n.bit_width(), order.len(), rng)
}

/// The group of a standardized curve: RustCrypto's for the named ones, the runtime curve for
/// the others.
///
/// # Errors
/// [`CurveError::BadParameters`] if the constants are broken (a test checks every one).
pub fn standard(params: &'static CurveParams) -> Result<Arc<dyn EcGroup>, CurveError> {
    // One group per standardized curve for the whole process, so that what it precomputes (the
    // generator's table, the tables of signer keys: `fixed_base`) serves every key and thread.
    type Groups = HashMap<(u8, &'static str), Arc<dyn EcGroup>>;
    static GROUPS: LazyLock<Mutex<Groups>> = LazyLock::new(Default::default);
    let key = (params.parameter_id, params.name);
    if let Some(group) = GROUPS.lock().ok().and_then(|groups| groups.get(&key).cloned()) {
        return Ok(group);
    }
    let group = build_standard(params)?;
    if let Ok(mut groups) = GROUPS.lock() {
        groups.insert(key, group.clone());
    }
    Ok(group)
}

fn build_standard(params: &'static CurveParams) -> Result<Arc<dyn EcGroup>, CurveError> {
    Ok(match params.parameter_id {
        12 => Arc::new(Named::<p256::NistP256>::new(params)?),
        13 => Arc::new(Named::<bp256::BrainpoolP256r1>::new(params)?),
        15 => Arc::new(Named::<p384::NistP384>::new(params)?),
        16 => Arc::new(Named::<bp384::BrainpoolP384r1>::new(params)?),
        17 => Arc::new(Named::<super::bp512::BrainpoolP512r1>::new(params)?),
        18 => Arc::new(Named::<p521::NistP521>::new(params)?),
        _ => Arc::new(Curve::standard(params)?),
    })
}

/// The runtime curve of standardized parameters, even where RustCrypto serves them: the
/// comparisons of the tests and benchmarks (`cargo bench -p cancuoc-sim --bench crypto`).
///
/// # Errors
/// As [`standard`].
pub fn runtime(params: &'static CurveParams) -> Result<Arc<dyn EcGroup>, CurveError> {
    Ok(Arc::new(Curve::standard(params)?))
}

/// The group of explicit parameters (big-endian integers: ECParameters of a key or of
/// PACEDomainParameterInfo, BSI TR-03111 §4.1.2.3.1). Parameters equal to a standardized
/// curve's are that curve.
///
/// # Errors
/// [`CurveError::BadParameters`] for parameters that describe no usable curve.
pub fn explicit(p: &[u8], a: &[u8], b: &[u8], gx: &[u8], gy: &[u8], n: &[u8]) -> Result<Arc<dyn EcGroup>, CurveError> {
    let trim = |bytes: &[u8]| bytes.iter().skip_while(|b| **b == 0).copied().collect::<Vec<u8>>();
    let given = [p, a, b, gx, gy, n].map(trim);
    for params in curves::ALL {
        let known: Option<Vec<Vec<u8>>> = [params.p, params.a, params.b, params.gx, params.gy, params.n]
            .iter()
            .map(|h| hex::decode(h).ok().map(|v| trim(&v)))
            .collect();
        if known.as_deref() == Some(&given[..]) {
            return standard(params);
        }
    }
    Ok(Arc::new(Curve::from_parameters(p, a, b, gx, gy, n)?))
}

/// A curve RustCrypto implements; the runtime curve of the same parameters serves the rare
/// operations RustCrypto's API does not reach (PACE-IM's field map, wide reductions).
struct Named<C: PrimeCurveParams> {
    params: &'static CurveParams,
    /// The same curve on the runtime arithmetic, built with the group: a curve whose constants
    /// do not make one is refused at construction, never met later as an empty default.
    runtime: Curve,
    /// n, big-endian.
    order: Vec<u8>,
    /// The generator's fixed-base table, built at the first verification that has a signer's.
    generator_table: OnceLock<Option<FixedBase<C::FieldElement>>>,
    /// The signer keys' tables.
    keys: KeyTables<FixedBase<C::FieldElement>>,
    /// The generator's odd multiples for a signer met once (`jacobian`), built at the first
    /// verification.
    generator_odd: OnceLock<Option<Vec<Affine<C::FieldElement>>>>,
}

impl<C: PrimeCurveParams> std::fmt::Debug for Named<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Named({})", self.params.name)
    }
}

impl<C> Named<C>
where
    C: PrimeCurveParams,
    FieldBytesSize<C>: ModulusSize,
    C::AffinePoint: FromSec1Point<C> + ToSec1Point<C>,
    C::ProjectivePoint: Send + Sync,
{
    fn new(params: &'static CurveParams) -> Result<Self, CurveError> {
        let runtime = Curve::standard(params)?;
        let order = hex::decode(params.n).map_err(|_| CurveError::BadParameters)?;
        Ok(Self {
            params,
            runtime,
            order,
            generator_table: OnceLock::new(),
            keys: KeyTables::new(),
            generator_odd: OnceLock::new(),
        })
    }

    fn field_bytes_len() -> usize {
        FieldBytes::<C>::default().len()
    }

    /// The point, `None` for the identity (the empty encoding).
    fn decode(point: &[u8]) -> Result<Option<C::ProjectivePoint>, CurveError> {
        if point.is_empty() {
            return Ok(None);
        }
        if point.first() != Some(&0x04) || point.len() != 1 + 2 * Self::field_bytes_len() {
            return Err(CurveError::BadPoint);
        }
        let encoded = Sec1Point::<C>::from_bytes(point).map_err(|_| CurveError::BadPoint)?;
        let affine =
            Option::<C::AffinePoint>::from(C::AffinePoint::from_sec1_point(&encoded)).ok_or(CurveError::BadPoint)?;
        Ok(Some(affine.into()))
    }

    fn encode(point: &C::ProjectivePoint) -> Vec<u8> {
        if bool::from(point.is_identity()) {
            return Vec::new();
        }
        point.to_affine().to_sec1_point(false).as_bytes().to_vec()
    }

    /// A scalar below n from big-endian bytes (leading zeros ignored); `None` when it is not
    /// below n or longer than the field.
    fn scalar(bytes: &[u8]) -> Option<C::Scalar> {
        Option::from(C::Scalar::from_repr(Self::field_bytes(bytes)?))
    }

    /// Big-endian bytes left-padded to the field's width (leading zeros ignored); `None` when
    /// they are longer.
    fn field_bytes(bytes: &[u8]) -> Option<FieldBytes<C>> {
        let significant = bytes.get(bytes.iter().take_while(|b| **b == 0).count()..)?;
        let mut repr = FieldBytes::<C>::default();
        let start = repr.len().checked_sub(significant.len())?;
        repr.get_mut(start..)?.copy_from_slice(significant);
        Some(repr)
    }
}

impl<C> EcGroup for Named<C>
where
    C: PrimeCurveParams,
    FieldBytesSize<C>: ModulusSize,
    C::AffinePoint: FromSec1Point<C> + ToSec1Point<C>,
    C::ProjectivePoint: Send + Sync,
{
    fn name(&self) -> &str {
        self.params.name
    }

    fn field_len(&self) -> usize {
        Self::field_bytes_len()
    }

    fn field_bits(&self) -> u32 {
        self.runtime.field_bits()
    }

    fn order(&self) -> Vec<u8> {
        self.order.clone()
    }

    fn generator(&self) -> Vec<u8> {
        Self::encode(&C::ProjectivePoint::generator())
    }

    fn check_point(&self, point: &[u8]) -> Result<(), CurveError> {
        match Self::decode(point)? {
            Some(_) => Ok(()),
            None => Err(CurveError::BadPoint),
        }
    }

    fn mul(&self, k: &[u8], point: &[u8]) -> Result<Vec<u8>, CurveError> {
        let Some(point) = Self::decode(point)? else { return Ok(Vec::new()) };
        let scalar = match Self::scalar(k) {
            Some(scalar) => scalar,
            // Not below n: reduce first (variable time; keys and reduced nonces never come here).
            None => Self::scalar(&self.reduce(k)).ok_or(CurveError::BadParameters)?,
        };
        Ok(Self::encode(&(point * scalar)))
    }

    fn add(&self, p: &[u8], q: &[u8]) -> Result<Vec<u8>, CurveError> {
        match (Self::decode(p)?, Self::decode(q)?) {
            (Some(p), Some(q)) => Ok(Self::encode(&(p + q))),
            (Some(p), None) => Ok(Self::encode(&p)),
            (None, Some(q)) => Ok(Self::encode(&q)),
            (None, None) => Ok(Vec::new()),
        }
    }

    fn reduce(&self, k: &[u8]) -> Vec<u8> {
        self.runtime.reduce(k)
    }

    fn reduce_wide_mod_p(&self, r: &[u8]) -> Result<Vec<u8>, CurveError> {
        self.runtime.reduce_wide_mod_p(r)
    }

    fn encode_to_curve(&self, t: &[u8]) -> Result<Vec<u8>, CurveError> {
        self.runtime.encode_point(&self.runtime.encode_to_curve(t)?)
    }

    fn scalar_div(&self, a: &[u8], b: &[u8]) -> Result<Vec<u8>, CurveError> {
        let bad = CurveError::BadParameters;
        let a = Self::scalar(&self.reduce(a)).ok_or(bad)?;
        let b = Self::scalar(&self.reduce(b)).ok_or(bad)?;
        let inverse = Option::<C::Scalar>::from(<C::Scalar as Invert>::invert(&b)).ok_or(bad)?;
        let quotient: FieldBytes<C> = (a * inverse).into();
        let order_len = self.order().len();
        Ok(quotient.get(quotient.len().saturating_sub(order_len)..).unwrap_or_default().to_vec())
    }

    fn verify_ecdsa(&self, q: &[u8], digest: &[u8], r: &[u8], s: &[u8]) -> bool {
        // Checked on the curve; `lincomb` takes the coordinates from the same bytes.
        let Ok(Some(_)) = Self::decode(q) else { return false };
        let (Some(r), Some(s)) = (Self::scalar(r), Self::scalar(s)) else { return false };
        if bool::from(r.is_zero()) || bool::from(s.is_zero()) {
            return false;
        }
        let Some(e) = Self::scalar(&self.runtime.digest_to_scalar(digest)) else {
            return false;
        };
        let Some(w) = Option::<C::Scalar>::from(<C::Scalar as Invert>::invert_vartime(&s)) else { return false };
        let (u1, u2) = (e * w, r * w);
        match self.lincomb(q, &u1, &u2) {
            // x(u1·G + u2·Q) mod n = r, compared without an inversion.
            Some(point) => point.x_is_one_of(&self.x_candidates(&r)),
            None => false,
        }
    }

    fn is_named(&self) -> bool {
        true
    }
}

/// The SEC1 encoding of `point`, or the empty encoding for the identity: the only point
/// [`Curve::encode_point`] has no encoding for (every group here encodes the identity as empty).
fn encode_or_identity(curve: &Curve, point: &super::curve::Point) -> Vec<u8> {
    curve.encode_point(point).unwrap_or_else(|_| Vec::new())
}

/// The runtime curves, points converted at the boundary.
impl EcGroup for Curve {
    fn name(&self) -> &str {
        Curve::name(self)
    }

    fn field_len(&self) -> usize {
        Curve::field_len(self)
    }

    fn field_bits(&self) -> u32 {
        Curve::field_bits(self)
    }

    fn order(&self) -> Vec<u8> {
        Curve::order(self)
    }

    fn generator(&self) -> Vec<u8> {
        encode_or_identity(self, &Curve::generator(self))
    }

    fn check_point(&self, point: &[u8]) -> Result<(), CurveError> {
        self.decode_point(point).map(|_| ())
    }

    fn mul(&self, k: &[u8], point: &[u8]) -> Result<Vec<u8>, CurveError> {
        if point.is_empty() {
            return Ok(Vec::new());
        }
        if k.iter().skip_while(|b| **b == 0).count() > super::curve::WIDTH {
            return Err(CurveError::BadParameters);
        }
        let product = Curve::mul(self, k, &self.decode_point(point)?);
        Ok(encode_or_identity(self, &product))
    }

    fn add(&self, p: &[u8], q: &[u8]) -> Result<Vec<u8>, CurveError> {
        let decode = |bytes: &[u8]| if bytes.is_empty() { Ok(None) } else { self.decode_point(bytes).map(Some) };
        let sum = match (decode(p)?, decode(q)?) {
            (Some(p), Some(q)) => Curve::add(self, &p, &q),
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => return Ok(Vec::new()),
        };
        Ok(encode_or_identity(self, &sum))
    }

    fn reduce(&self, k: &[u8]) -> Vec<u8> {
        Curve::reduce(self, k)
    }

    fn reduce_wide_mod_p(&self, r: &[u8]) -> Result<Vec<u8>, CurveError> {
        Curve::reduce_wide_mod_p(self, r)
    }

    fn encode_to_curve(&self, t: &[u8]) -> Result<Vec<u8>, CurveError> {
        self.encode_point(&Curve::encode_to_curve(self, t)?)
    }

    fn scalar_div(&self, a: &[u8], b: &[u8]) -> Result<Vec<u8>, CurveError> {
        Curve::scalar_div(self, a, b)
    }

    fn verify_ecdsa(&self, q: &[u8], digest: &[u8], r: &[u8], s: &[u8]) -> bool {
        self.decode_point(q).is_ok_and(|q| Curve::verify_ecdsa(self, &q, digest, r, s))
    }

    fn is_named(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests;
