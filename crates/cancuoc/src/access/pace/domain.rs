//! The PACE group (ICAO 9303-11 §4.4.3.3): an elliptic curve or a DH group, the mappings of the
//! nonce to a new generator, and the checks on the chip's public values.
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::AccessError;
use super::integrated_prf;
use std::sync::Arc;

use crate::crypto::dh::DhGroup;
use crate::crypto::group::{self, EcGroup};
use crate::lds::security_infos::{DomainParameters, KeyAgreement, PaceInfo, SecurityInfos, SmCipherKind};

/// The PACE group: an elliptic curve or a DH group, with the element type it works on.
#[derive(Debug, Clone)]
pub enum Domain {
    /// ECDH over a curve (`crate::crypto::group`: RustCrypto's for the named curves).
    Ec(Arc<dyn EcGroup>),
    /// DH over a MODP group.
    Dh(Box<DhGroup>),
}

/// A group element: a point, or a DH value (big-endian, the length of p). Wiped on drop and
/// never printed: shared secrets are elements too.
#[derive(Clone)]
pub enum Element {
    /// A curve point, uncompressed SEC1; empty for the identity.
    Point(Zeroizing<Vec<u8>>),
    /// A DH value.
    Value(Vec<u8>),
}

impl Domain {
    /// The domain of a PACEInfo: a standardized parameter ID (0–2 DH, 8–18 ECDH) or the
    /// explicit parameters of the matching PACEDomainParameterInfo (BSI TR-03110-3 §A.2.1).
    ///
    /// # Errors
    /// [`AccessError::Unsupported`] for an unknown ID or unusable explicit parameters.
    pub fn for_info(info: &PaceInfo, infos: &SecurityInfos) -> Result<Self, AccessError> {
        let standard = info.parameter_id.and_then(|id| u8::try_from(id).ok());
        let agreement = info.protocol.agreement;
        if let Some(id) = standard.filter(|id| *id <= 31) {
            let domain = match agreement {
                KeyAgreement::Ecdh => crate::crypto::curves::by_parameter_id(id)
                    .map(|p| group::standard(p).map(Self::Ec).map_err(|_| AccessError::Unsupported("curve constants"))),
                KeyAgreement::Dh => crate::crypto::dh::by_parameter_id(id).map(|p| {
                    DhGroup::standard(p)
                        .map(|g| Self::Dh(Box::new(g)))
                        .map_err(|_| AccessError::Unsupported("DH constants"))
                }),
            };
            if let Some(domain) = domain {
                return domain;
            }
        }
        let explicit = infos
            .pace_domain_parameters(info.parameter_id)
            .ok_or(AccessError::Unsupported("PACE domain parameters not standardized and not given"))?;
        match (&explicit.parameters, agreement) {
            (DomainParameters::Ec { p, a, b, gx, gy, n }, KeyAgreement::Ecdh) => group::explicit(p, a, b, gx, gy, n)
                .map(Self::Ec)
                .map_err(|_| AccessError::Unsupported("explicit PACE curve parameters")),
            (DomainParameters::Dh { p, g, q }, KeyAgreement::Dh) => DhGroup::from_parameters(p, g, q)
                .map(|g| Self::Dh(Box::new(g)))
                .map_err(|_| AccessError::Unsupported("explicit PACE DH parameters")),
            _ => Err(AccessError::Unsupported("PACE domain parameters of another kind")),
        }
    }

    /// The name for the report (`brainpoolP256r1`).
    pub fn name(&self) -> &str {
        match self {
            Self::Ec(c) => c.name(),
            Self::Dh(g) => g.name(),
        }
    }

    /// The group's generator.
    pub fn generator(&self) -> Element {
        match self {
            Self::Ec(c) => point(c.generator()),
            Self::Dh(g) => Element::Value(g.generator()),
        }
    }

    /// A random private key.
    ///
    /// # Errors
    /// [`AccessError::RandomSource`] when the source gives no usable value.
    pub fn random_private(&self, rng: &mut impl CryptoRng) -> Result<Zeroizing<Vec<u8>>, AccessError> {
        let key = match self {
            Self::Ec(c) => group::random_scalar(c.as_ref(), rng),
            Self::Dh(g) => g.random_exponent(rng),
        };
        key.map(Zeroizing::new).ok_or(AccessError::RandomSource)
    }

    /// private · base (or base^private).
    ///
    /// # Errors
    /// [`AccessError::Internal`] for an element of the other kind or a multiplication that
    /// fails (a scalar longer than the field): the terminal's own values, never the card's.
    pub fn multiply(&self, private: &[u8], base: &Element) -> Result<Element, AccessError> {
        match (self, base) {
            (Self::Ec(c), Element::Point(p)) => {
                c.mul(private, p).map(point).map_err(|_| AccessError::Internal("PACE scalar multiplication"))
            }
            (Self::Dh(g), Element::Value(v)) => Ok(Element::Value(g.exp(v, private))),
            _ => Err(AccessError::Internal("PACE element of the other group kind")),
        }
    }

    /// The Generic Mapping: G~ = s·G + H (or g^s · h) (ICAO 9303-11 §4.4.3.3.1).
    ///
    /// # Errors
    /// [`AccessError::Internal`] as [`Domain::multiply`]; a sum that cannot be formed (H the
    /// inverse of s·G gives the identity, refused later as a degenerate generator) is the
    /// curve's answer, not an error here.
    pub fn map_generic(&self, nonce: &[u8], shared: &Element) -> Result<Element, AccessError> {
        match (self, shared) {
            (Self::Ec(c), Element::Point(h)) => {
                let s_g = c.mul(&c.reduce(nonce), &c.generator()).map_err(|_| AccessError::Internal("PACE mapping"))?;
                c.add(&s_g, h).map(point).map_err(|_| AccessError::Internal("PACE mapping"))
            }
            (Self::Dh(g), Element::Value(h)) => Ok(Element::Value(g.mul(&g.exp(&g.generator(), nonce), h))),
            _ => Err(AccessError::Internal("PACE element of the other group kind")),
        }
    }

    /// The Integrated Mapping: G~ = f_G(R_p(s, t)) for ECDH, or R_p^((p−1)/q) for DH
    /// (ICAO 9303-11 §4.4.3.3.2).
    ///
    /// # Errors
    /// [`AccessError::Unsupported`] for a cipher or curve the mapping is not defined for here.
    pub fn map_integrated(&self, cipher: SmCipherKind, s: &[u8], t: &[u8]) -> Result<Element, AccessError> {
        match self {
            Self::Ec(c) => {
                let r = integrated_prf(cipher, s, t, c.field_bits())?;
                let unsupported = |_| AccessError::Unsupported("PACE integrated mapping on a curve with p ≢ 3 (mod 4)");
                let r_p = c.reduce_wide_mod_p(&r).map_err(unsupported)?;
                Ok(point(c.encode_to_curve(&r_p).map_err(unsupported)?))
            }
            Self::Dh(g) => {
                let r = integrated_prf(cipher, s, t, g.p_bits())?;
                g.map_to_subgroup(&r)
                    .map(Element::Value)
                    .map_err(|_| AccessError::CardMisbehaved("PACE integrated mapping"))
            }
        }
    }

    /// Encodes a public element (`04 ‖ X ‖ Y`, or the value padded to p's length).
    ///
    /// # Errors
    /// [`AccessError::CardMisbehaved`] for the point at infinity.
    pub fn encode(&self, element: &Element) -> Result<Vec<u8>, AccessError> {
        match (self, element) {
            (Self::Ec(_), Element::Point(p)) if p.is_empty() => {
                Err(AccessError::CardMisbehaved("PACE (point at infinity)"))
            }
            (Self::Ec(_), Element::Point(p)) => Ok(p.to_vec()),
            (Self::Dh(_), Element::Value(v)) => Ok(v.clone()),
            _ => Err(AccessError::Internal("PACE element of the other group kind")),
        }
    }

    /// Decodes and validates the other side's public element.
    ///
    /// # Errors
    /// [`AccessError::CardMisbehaved`] naming `step` when it is off the curve or outside the
    /// subgroup.
    pub fn decode(&self, bytes: &[u8], step: &'static str) -> Result<Element, AccessError> {
        match self {
            Self::Ec(c) => {
                c.check_point(bytes).map_err(|_| AccessError::CardMisbehaved(step))?;
                Ok(point(bytes.to_vec()))
            }
            Self::Dh(g) => {
                // DH public values travel at p's length; accept a shorter one by left-padding.
                let mut value = vec![0u8; g.p_len().saturating_sub(bytes.len())];
                value.extend_from_slice(bytes);
                g.check_public(&value).map_err(|_| AccessError::CardMisbehaved(step))?;
                Ok(Element::Value(value))
            }
        }
    }

    /// The shared secret of an agreed element: the x-coordinate, or the value
    /// (ICAO 9303-11 §9.7.3).
    ///
    /// # Errors
    /// [`AccessError::CardMisbehaved`] for the point at infinity.
    pub fn shared_secret(&self, element: &Element) -> Result<Zeroizing<Vec<u8>>, AccessError> {
        match (self, element) {
            (Self::Ec(c), Element::Point(p)) => group::x_coordinate(c.as_ref(), p)
                .map(Zeroizing::new)
                .map_err(|_| AccessError::CardMisbehaved("PACE (point at infinity)")),
            (Self::Dh(_), Element::Value(v)) => Ok(Zeroizing::new(v.clone())),
            _ => Err(AccessError::Internal("PACE element of the other group kind")),
        }
    }

    /// True when two elements are equal (a chip echoing our key is an attack: BSI
    /// TR-03110-2 §3.2.2).
    pub fn same(&self, a: &Element, b: &Element) -> bool {
        match (self, a, b) {
            // Encodings are canonical (uncompressed, coordinates below p): equal bytes, equal points.
            (Self::Ec(_), Element::Point(p), Element::Point(q)) => p == q,
            (Self::Dh(_), Element::Value(x), Element::Value(y)) => x == y,
            _ => false,
        }
    }

    /// True for the identity (H = O means a broken mapping).
    pub(super) fn is_degenerate(&self, element: &Element) -> bool {
        match (self, element) {
            (Self::Ec(_), Element::Point(p)) => p.is_empty(),
            (Self::Dh(_), Element::Value(v)) => {
                v.iter().rev().skip(1).all(|b| *b == 0) && v.last().is_some_and(|b| *b <= 1)
            }
            _ => true,
        }
    }
}

/// A point element.
fn point(encoded: Vec<u8>) -> Element {
    Element::Point(Zeroizing::new(encoded))
}

impl std::fmt::Debug for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Point(_) => "Element::Point(..)",
            Self::Value(_) => "Element::Value(..)",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ec() -> Domain {
        let params = crate::crypto::curves::by_parameter_id(13).unwrap();
        Domain::Ec(group::standard(params).unwrap())
    }

    fn dh() -> Domain {
        let params = crate::crypto::dh::by_parameter_id(0).unwrap();
        Domain::Dh(Box::new(DhGroup::standard(params).unwrap()))
    }

    #[test]
    fn arithmetic_that_cannot_be_done_is_an_internal_error_never_a_default_element() {
        let (ec, dh) = (ec(), dh());
        // An element of the other group kind: before, the generator came back.
        assert_eq!(
            ec.multiply(&[1], &dh.generator()).err(),
            Some(AccessError::Internal("PACE element of the other group kind"))
        );
        assert!(matches!(dh.multiply(&[1], &ec.generator()), Err(AccessError::Internal(_))));
        assert!(matches!(ec.map_generic(&[1], &dh.generator()), Err(AccessError::Internal(_))));
        // A scalar longer than any field on a runtime curve (P-192): before, the identity came back.
        let p192 = Domain::Ec(group::standard(crate::crypto::curves::by_parameter_id(8).unwrap()).unwrap());
        assert!(matches!(p192.multiply(&[0xFF; 80], &p192.generator()), Err(AccessError::Internal(_))));
        assert!(matches!(ec.encode(&dh.generator()), Err(AccessError::Internal(_))));
        // What the arithmetic can do it does.
        let two_g = ec.multiply(&[2], &ec.generator()).unwrap();
        let g_plus_g = ec.map_generic(&[1], &ec.generator()).unwrap();
        assert!(ec.same(&two_g, &g_plus_g));
    }

    /// A scalar whose multiple of the generator has an x-coordinate starting with a zero byte.
    fn leading_zero_x(domain: &Domain) -> (Vec<u8>, Element) {
        (1u16..2048)
            .map(|k| k.to_be_bytes().to_vec())
            .map(|k| {
                let point = domain.multiply(&k, &domain.generator()).unwrap();
                (k, point)
            })
            .find(|(_, point)| matches!(point, Element::Point(p) if p.get(1) == Some(&0)))
            .expect("one in 256 multiples has a zero first byte")
    }

    #[test]
    fn a_point_or_secret_with_leading_zero_bytes_keeps_its_full_length() {
        for id in [13u8, 8, 18] {
            let domain = Domain::Ec(group::standard(crate::crypto::curves::by_parameter_id(id).unwrap()).unwrap());
            let Domain::Ec(curve) = &domain else { unreachable!() };
            let field = curve.field_len();
            let (_, point) = leading_zero_x(&domain);
            // The public point: 04 ‖ X ‖ Y, X with its zero byte.
            let encoded = domain.encode(&point).unwrap();
            assert_eq!(encoded.len(), 1 + 2 * field, "curve {id}");
            assert_eq!(encoded.get(1), Some(&0), "curve {id}");
            // The shared secret (the KDF's input, ICAO 9303-11 §9.7.3): all of X.
            let secret = domain.shared_secret(&point).unwrap();
            assert_eq!(secret.len(), field, "curve {id}");
            assert_eq!(secret.first(), Some(&0), "curve {id}");
            // Decoded back, it is the same point.
            assert!(domain.same(&domain.decode(&encoded, "test").unwrap(), &point));
        }
    }
}
