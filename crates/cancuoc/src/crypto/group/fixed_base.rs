//! Fixed-base tables for the points a verifier meets again and again: the generator of each
//! named curve, and the public keys of the document signers whose signatures a process checks
//! more than once (one DS key signs thousands of documents: a back office re-verifying dumps,
//! a desk reading the cards of one issuing period).
//!
//! A table holds d · 16^i · P for d in 1..=8 and every radix-16 position i of a scalar, so that
//! k · P is one addition per non-zero signed digit of k — about 2·⌈bits/8⌉ additions and no
//! doubling, where a windowed multiplication needs a doubling per bit. The multiples are kept
//! in affine form (one inversion for the whole table), so each addition is a mixed Jacobian
//! one (`jacobian`, 7M + 4S). Building one costs about as much as three verifications; a key
//! gets its table on its second signature ([`KeyTables`]), bounded to [`MAX_KEY_TABLES`] keys
//! per curve (the oldest goes first). Variable time: only for public points and public scalars
//! (ECDSA verification).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use elliptic_curve::ff::Field;

use super::jacobian::{Affine, Jacobian, normalize_all};

/// How many signer keys keep a table, per curve: at most about 130 KB each (brainpoolP512r1,
/// 129 rows of 8 affine points of 128 bytes), so about 4 MB per curve at worst.
pub(super) const MAX_KEY_TABLES: usize = 32;

/// The multiples of one point a fixed-base multiplication adds up.
pub(super) struct FixedBase<F> {
    /// `rows[i][d - 1]` = d · 16^i · P.
    rows: Vec<[Affine<F>; 8]>,
}

impl<F: Field> FixedBase<F> {
    /// The table of `point` for scalars of up to `scalar_len` bytes on the curve with
    /// coefficient `a`; `None` if a multiple is the identity (a point of small order).
    pub(super) fn new(point: Affine<F>, scalar_len: usize, a: &F) -> Option<Self> {
        // A signed radix-16 recoding of n bytes has 2n digits and a carry.
        let positions = 2 * scalar_len + 1;
        let mut multiples = Vec::with_capacity(8 * positions);
        let mut base = Jacobian::from_affine(point);
        for _ in 0..positions {
            let mut multiple = base;
            for _ in 0..8 {
                multiples.push(multiple);
                multiple = multiple.add(&base, a);
            }
            // 16 · base = 2 · (8 · base).
            base = multiples.last()?.double(a);
        }
        let affine = normalize_all(&multiples)?;
        let rows =
            affine.chunks_exact(8).map(|row| <[Affine<F>; 8]>::try_from(row).ok()).collect::<Option<Vec<_>>>()?;
        Some(Self { rows })
    }

    /// `sum` + k · P for the big-endian scalar `k` (no longer than the table's scalars: `None`
    /// otherwise). Variable time.
    pub(super) fn add_mul_vartime(&self, k: &[u8], mut sum: Jacobian<F>, a: &F) -> Option<Jacobian<F>> {
        let digits = signed_radix16(k);
        if digits.len() > self.rows.len() {
            return None;
        }
        for (row, digit) in self.rows.iter().zip(digits) {
            let magnitude = usize::from(digit.unsigned_abs());
            if let Some((x, y)) = magnitude.checked_sub(1).and_then(|at| row.get(at)) {
                sum = sum.add_affine(&(*x, if digit > 0 { *y } else { -*y }), a);
            }
        }
        Some(sum)
    }
}

/// The digits of the big-endian `k` in signed radix 16, least significant first, each in
/// −8..=8 (one more digit than nibbles, for the last carry).
fn signed_radix16(k: &[u8]) -> Vec<i8> {
    let mut digits = Vec::with_capacity(2 * k.len() + 1);
    let mut carry = 0i8;
    for byte in k.iter().rev() {
        for nibble in [byte & 0x0F, byte >> 4] {
            // 0..=16 after the carry; 9..=16 become −7..=0 with a carry into the next digit.
            let value = i8::try_from(nibble).unwrap_or(0) + carry;
            if value > 8 {
                digits.push(value - 16);
                carry = 1;
            } else {
                digits.push(value);
                carry = 0;
            }
        }
    }
    digits.push(carry);
    digits
}

/// The signer keys of one curve seen so far and the tables (`T`) of those seen twice, shared
/// by the threads that verify with the curve.
pub(super) struct KeyTables<T> {
    state: Mutex<Seen<T>>,
}

struct Seen<T> {
    /// Keys seen once (no table yet), oldest first.
    once: VecDeque<Vec<u8>>,
    /// Keys with a table, and their order of arrival.
    tables: HashMap<Vec<u8>, Arc<T>>,
    arrival: VecDeque<Vec<u8>>,
}

impl<T> KeyTables<T> {
    pub(super) fn new() -> Self {
        let seen = Seen { once: VecDeque::new(), tables: HashMap::new(), arrival: VecDeque::new() };
        Self { state: Mutex::new(seen) }
    }

    /// The table of the key encoded as `key`, building it (`build`) on the key's second use;
    /// `None` on its first (or when `build` cannot make one).
    pub(super) fn table(&self, key: &[u8], build: impl FnOnce() -> Option<T>) -> Option<Arc<T>> {
        {
            let mut seen = self.state.lock().ok()?;
            if let Some(table) = seen.tables.get(key) {
                return Some(table.clone());
            }
            match seen.once.iter().position(|k| k == key) {
                Some(at) => {
                    seen.once.remove(at);
                }
                None => {
                    if seen.once.len() >= MAX_KEY_TABLES {
                        seen.once.pop_front();
                    }
                    seen.once.push_back(key.to_vec());
                    return None;
                }
            }
        }
        // Built outside the lock: another thread may build the same table meanwhile; either is
        // right, and the last one kept.
        let table = Arc::new(build()?);
        let mut seen = self.state.lock().ok()?;
        if seen.tables.insert(key.to_vec(), table.clone()).is_none() {
            seen.arrival.push_back(key.to_vec());
        }
        while seen.tables.len() > MAX_KEY_TABLES {
            let Some(oldest) = seen.arrival.pop_front() else { break };
            seen.tables.remove(&oldest);
        }
        Some(table)
    }

    /// How many keys hold a table.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.state.lock().map(|seen| seen.tables.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use elliptic_curve::ff::PrimeField;
    use elliptic_curve::group::Group;
    use elliptic_curve::sec1::ToSec1Point;
    use primeorder::PrimeCurveParams;

    use super::*;

    type F = <p256::NistP256 as elliptic_curve::hazmat::FieldArithmetic>::FieldElement;
    type P = p256::ProjectivePoint;

    fn affine(point: P) -> Affine<F> {
        let encoded = point.to_affine().to_sec1_point(false);
        let bytes = encoded.as_bytes();
        let coordinate = |at: usize| F::from_repr(p256::FieldBytes::try_from(&bytes[at..at + 32]).unwrap()).unwrap();
        (coordinate(1), coordinate(33))
    }

    /// The affine form of a Jacobian sum, `None` for the identity.
    fn normalized(point: Jacobian<F>) -> Option<Affine<F>> {
        normalize_all(&[point]).map(|points| points[0])
    }

    #[test]
    fn signed_digits_add_back_up_to_the_scalar() {
        for k in [vec![0u8], vec![0xFF], vec![0x88, 0x88], vec![0x12, 0x34, 0xF0, 0x0F], vec![0xFF; 66]] {
            let digits = signed_radix16(&k);
            assert!(digits.iter().all(|d| (-8..=8).contains(d)), "{digits:?}");
            // Σ dᵢ·16^i, evaluated in big-endian bytes with i128 while it fits.
            if k.len() <= 8 {
                let value: i128 = digits.iter().rev().fold(0, |acc, d| acc * 16 + i128::from(*d));
                let expected = k.iter().fold(0i128, |acc, b| acc * 256 + i128::from(*b));
                assert_eq!(value, expected, "{k:02X?}");
            }
        }
    }

    #[test]
    fn a_table_multiplies_as_the_curve_does() {
        let a = p256::NistP256::EQUATION_A;
        let base = P::generator() * p256::Scalar::from(977u64);
        let table = FixedBase::new(affine(base), 32, &a).unwrap();
        let big = p256::Scalar::from(0x1234_5678_9ABC_DEF1u64);
        for seed in [0u64, 1, 2, 15, 16, 17, 255, 256, 0x8888_8888, u64::MAX] {
            // Small scalars, and products spreading over all 256 bits.
            let k = p256::Scalar::from(seed) * big * big * big * big;
            for k in [p256::Scalar::from(seed), k] {
                let sum = table.add_mul_vartime(&k.to_repr(), Jacobian::identity(), &a).unwrap();
                let expected = base * k;
                let expected = (!bool::from(expected.is_identity())).then(|| affine(expected));
                assert_eq!(normalized(sum), expected, "{seed}");
                // Added to a running sum: G + k·P.
                let sum = table.add_mul_vartime(&k.to_repr(), Jacobian::from_affine(affine(P::generator())), &a);
                assert_eq!(normalized(sum.unwrap()), Some(affine(P::generator() + base * k)), "{seed}");
            }
        }
        let minus_one = -p256::Scalar::ONE;
        let sum = table.add_mul_vartime(&minus_one.to_repr(), Jacobian::identity(), &a).unwrap();
        assert_eq!(normalized(sum), Some(affine(-base)));
        assert!(
            table.add_mul_vartime(&[1; 40], Jacobian::identity(), &a).is_none(),
            "a scalar longer than the table's"
        );
    }

    #[test]
    fn a_key_gets_its_table_on_its_second_use_and_the_oldest_goes_first() {
        let keys = KeyTables::<u64>::new();
        assert!(keys.table(b"first", || Some(0)).is_none());
        assert_eq!(keys.table(b"first", || Some(0)).as_deref(), Some(&0));
        assert_eq!(keys.len(), 1);
        for i in 0..(MAX_KEY_TABLES as u64 + 3) {
            let key = i.to_be_bytes();
            keys.table(&key, || Some(i));
            keys.table(&key, || Some(i));
        }
        assert_eq!(keys.len(), MAX_KEY_TABLES);
        assert!(keys.table(b"first", || Some(0)).is_none(), "the oldest table went first");
        assert!(keys.table(b"unbuildable", || None).is_none());
        assert!(keys.table(b"unbuildable", || None).is_none(), "no table, and no error");
    }
}
