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
use cancuoc_sim::keys::ecdsa_sign;

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

/// A key and an ECDSA signature over `digest` (the test PKI's signer, `keys::ecdsa_sign`).
fn signed(group: &dyn EcGroup, digest: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    signed_by(group, digest, b"private key")
}

/// As [`signed`], with the key drawn from `seed`.
fn signed_by(group: &dyn EcGroup, digest: &[u8], seed: &[u8]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let d = group.reduce(&HashAlgorithm::Sha512.digest(seed));
    let q = group.mul(&d, &group.generator()).unwrap();
    let (r, s) = ecdsa_sign(group, &d, digest);
    (q, r, s)
}

/// Microseconds of one verification by a signer never met before, and of the verification
/// that builds a signer's table (its second): medians over `rounds` rounds of `keys` fresh
/// signers each (the groups keep tables per process; a round's keys are new to it).
fn first_and_build(group: &dyn EcGroup, digest: &[u8], label: &str, keys: usize, rounds: usize) -> (f64, f64) {
    let mut firsts = Vec::new();
    let mut seconds = Vec::new();
    for round in 0..rounds {
        let signatures: Vec<_> = (0..keys)
            .map(|i| signed_by(group, digest, format!("{label} round {round} signer {i}").as_bytes()))
            .collect();
        let pass = || {
            let started = Instant::now();
            for (q, r, s) in &signatures {
                assert!(group.verify_ecdsa(q, digest, r, s));
            }
            started.elapsed().as_secs_f64() * 1e6 / keys as f64
        };
        firsts.push(pass());
        seconds.push(pass());
    }
    (median(&mut firsts), median(&mut seconds))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// OpenSSL's ECDSA verification time on the curve, in microseconds, measured now by
/// `openssl speed` (`None` when there is no `openssl` or it does not know the curve).
fn openssl_verify_micros(curve: &str) -> Option<f64> {
    let algorithm = match curve {
        "NIST P-256" => "ecdsap256",
        "NIST P-384" => "ecdsap384",
        "NIST P-521" => "ecdsap521",
        "brainpoolP256r1" => "ecdsabrp256r1",
        "brainpoolP384r1" => "ecdsabrp384r1",
        "brainpoolP512r1" => "ecdsabrp512r1",
        _ => return None,
    };
    let output = std::process::Command::new("openssl").args(["speed", "-seconds", "2", algorithm]).output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    // The last line: "<bits> bits ecdsa (<curve>)  <sign s> <verify s> <sign/s> <verify/s>".
    let per_second: f64 = text.lines().last()?.split_whitespace().last()?.parse().ok()?;
    Some(1e6 / per_second)
}

fn main() {
    println!("ECDSA on the named curves, by how often the signer was met (µs per verification), beside");
    println!("`openssl speed` run right after each curve (× = our time / OpenSSL's):");
    println!(
        "{:<18}{:>12}{:>16}{:>14}{:>12}{:>10}{:>9}{:>9}",
        "curve", "first time", "building table", "again", "pays after", "OpenSSL", "× first", "× again"
    );
    for params in curves::ALL {
        let named = group::standard(params).unwrap();
        if !named.is_named() {
            continue;
        }
        let digest = HashAlgorithm::Sha256.digest(b"EF.SOD signed attributes");
        // 24 signers a round: fewer than the tables a curve keeps, so none is evicted while a
        // round is measured.
        let (first, second) = first_and_build(named.as_ref(), &digest, params.name, 24, 5);
        let (q, r, s) = signed_by(named.as_ref(), &digest, b"the period's signer");
        let again = micros(|| named.verify_ecdsa(&q, &digest, &r, &s));
        let build = second - again;
        let pays_after = build / (first - again);
        let (openssl, first_ratio, again_ratio) = match openssl_verify_micros(params.name) {
            Some(theirs) => {
                (format!("{theirs:.0}µs"), format!("{:.2}", first / theirs), format!("{:.2}", again / theirs))
            }
            None => ("-".to_owned(), "-".to_owned(), "-".to_owned()),
        };
        println!(
            "{:<18}{first:>10.0}µs{second:>14.0}µs{again:>12.0}µs{:>12}{openssl:>10}{first_ratio:>9}{again_ratio:>9}",
            params.name,
            format!("{:.1} docs", pays_after.max(0.0))
        );
    }
    println!();
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
