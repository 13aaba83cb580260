//! The signature checks and key agreements of a read and of a back office's re-verification
//! (docs/PERFORMANCE.md): ECDSA verification and scalar multiplication on every curve
//! RustCrypto serves, against the runtime curves of the same parameters (what every curve
//! used before), and RSA's public operation.
//!
//! `cargo bench -p cancuoc-sim --bench crypto`

// A benchmark fails loudly and prints measured numbers: unwrap, indexing and casts are fine.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use std::sync::Arc;
use std::time::Instant;

use cancuoc::internals::crypto::curves;
use cancuoc::internals::crypto::group::{self, EcGroup};
use cancuoc::internals::crypto::hash::HashAlgorithm;
use cancuoc::internals::crypto::rsa::RsaPublicKey;
use crypto_bigint::U576;

/// Microseconds per call of `f`, over enough calls to take about 0.3 s.
fn micros(mut f: impl FnMut() -> bool) -> f64 {
    assert!(f(), "the benchmarked operation failed");
    let probe = Instant::now();
    f();
    let once = probe.elapsed().as_secs_f64().max(1e-7);
    let rounds = ((0.3 / once) as usize).clamp(3, 100_000);
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(f());
    }
    started.elapsed().as_secs_f64() * 1e6 / rounds as f64
}

/// a + b, big-endian (scalars of at most 66 bytes: no overflow at 576 bits).
fn add(a: &[u8], b: &[u8]) -> Vec<u8> {
    let wide = |x: &[u8]| U576::from_be_slice(&[vec![0; 72 - x.len()], x.to_vec()].concat());
    wide(a).wrapping_add(&wide(b)).to_be_bytes().as_ref().to_vec()
}

/// A key and an ECDSA signature over `digest` (no longer than the order): s = k⁻¹(e + r·d).
fn signed(group: &dyn EcGroup, digest: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let d = group.reduce(&HashAlgorithm::Sha512.digest(b"private key"));
    let k = group.reduce(&HashAlgorithm::Sha512.digest(b"nonce"));
    let q = group.mul(&d, &group.generator()).unwrap();
    let point = group.mul(&k, &group.generator()).unwrap();
    let r = group.reduce(&group::x_coordinate(group, &point).unwrap());
    let r_d = group.scalar_div(&r, &group.scalar_div(&[1], &d).unwrap()).unwrap();
    let s = group.scalar_div(&group.reduce(&add(&group.reduce(digest), &r_d)), &k).unwrap();
    (q, r, s)
}

fn main() {
    println!(
        "{:<18}{:>14}{:>14}{:>8}{:>14}{:>14}{:>8}",
        "curve", "ECDSA named", "runtime", "×", "k·P named", "runtime", "×"
    );
    for params in curves::ALL {
        let named = group::standard(params).unwrap();
        let runtime: Arc<dyn EcGroup> = group::runtime(params).unwrap();
        let hash = match params.n.len() * 4 {
            bits if bits >= 512 => HashAlgorithm::Sha512,
            bits if bits >= 384 => HashAlgorithm::Sha384,
            bits if bits >= 256 => HashAlgorithm::Sha256,
            _ => HashAlgorithm::Sha1,
        };
        let digest = hash.digest(b"EF.SOD signed attributes");
        let (q, r, s) = signed(named.as_ref(), &digest);
        let verify = |g: &Arc<dyn EcGroup>| micros(|| g.verify_ecdsa(&q, &digest, &r, &s));
        let k = named.reduce(&HashAlgorithm::Sha512.digest(b"ephemeral"));
        let multiply = |g: &Arc<dyn EcGroup>| micros(|| !g.mul(&k, &q).unwrap().is_empty());
        let (v_runtime, m_runtime) = (verify(&runtime), multiply(&runtime));
        if named.is_named() {
            let (v_named, m_named) = (verify(&named), multiply(&named));
            println!(
                "{:<18}{v_named:>12.0}µs{v_runtime:>12.0}µs{:>8.1}{m_named:>12.0}µs{m_runtime:>12.0}µs{:>8.1}",
                params.name,
                v_runtime / v_named,
                m_runtime / m_named
            );
        } else {
            println!("{:<18}{:>14}{v_runtime:>12.0}µs{:>8}{:>14}{m_runtime:>12.0}µs", params.name, "-", "", "-");
        }
    }
    println!();
    println!("{:<18}{:>14}", "RSA, e = 65537", "public op");
    for bits in [2048usize, 4096] {
        // Any odd modulus of the size, any value below it: the cost is the exponentiation.
        let mut n = HashAlgorithm::Sha512.digest(b"modulus").repeat(bits / 512);
        n[0] |= 0x80;
        let last = n.len() - 1;
        n[last] |= 1;
        let key = RsaPublicKey::new(&n, &[1, 0, 1]).unwrap();
        let mut signature = n.clone();
        signature[0] = 0x01;
        println!("{:<18}{:>12.0}µs", format!("RSA-{bits}"), micros(|| key.public_operation(&signature).is_some()));
    }
}
