//! Entry points for the fuzz targets in `fuzz/` (one per parser of untrusted bytes), and a
//! deterministic smoke run of the same entries in the unit tests. Not part of the API.

use crate::apdu::{Command, Response};
use crate::codec::ByteReader;
use crate::lds::{Dg1, EfCom, FaceImage, Mrz};
use crate::profile::cccd::Citizen;
use crate::sm::{SecureMessaging, TdesSm};
use crate::transport::Trace;

/// A parser entry point.
pub type Target = fn(&[u8]);

/// Every parser, by name, for the fuzz targets and the smoke test.
pub const TARGETS: &[(&str, Target)] = &[
    ("tlv", tlv),
    ("apdu", apdu),
    ("sm_response", sm_response),
    ("mrz", mrz),
    ("ef_com", ef_com),
    ("dg1", dg1),
    ("dg2", dg2),
    ("dg13", dg13),
    ("trace", trace),
    ("card_access", card_access),
    ("cccd_qr", cccd_qr),
    ("ec_point", ec_point),
    ("dg11", dg11),
    ("dg12", dg12),
    ("dg14", dg14),
    ("dg15", dg15),
    ("dg16", dg16),
    ("sod", sod),
    ("biometric", biometric),
    ("card_security", card_security),
    ("photo", photo),
    ("sod_verify", sod_verify),
    ("trust_file", trust_file),
    ("recorded_report", recorded_report),
    ("capabilities", capabilities),
];

/// Walks arbitrary BER-TLV one level at a time, descending into every value.
pub fn tlv(data: &[u8]) {
    let mut stack = vec![ByteReader::new(data, "fuzz")];
    let mut budget = 10_000usize;
    while let Some(mut r) = stack.pop() {
        while !r.is_empty() && budget > 0 {
            budget -= 1;
            match r.tlv() {
                Ok(t) => stack.push(t.reader("fuzz")),
                Err(_) => break,
            }
        }
    }
}

/// Command and response APDU parsing and re-encoding.
pub fn apdu(data: &[u8]) {
    if let Some(command) = Command::parse(data) {
        let _ = command.to_bytes();
    }
    let _ = Response::from_bytes(data);
}

/// Checking a hostile secure-messaging response (fixed keys: the MAC fails, parsing runs).
pub fn sm_response(data: &[u8]) {
    let suite = TdesSm::new(crate::crypto::TdesKey::new([1; 16]), crate::crypto::TdesKey::new([2; 16]));
    let mut sm = SecureMessaging::new(Box::new(suite), vec![0; 8]);
    if let Ok(response) = Response::from_bytes(data) {
        let _ = sm.unprotect(&response);
    }
    if let Some(command) = Command::parse(data) {
        let _ = sm.unprotect_command(&command);
    }
}

/// MRZ text.
pub fn mrz(data: &[u8]) {
    let _ = Mrz::parse(&String::from_utf8_lossy(data));
}

/// EF.COM.
pub fn ef_com(data: &[u8]) {
    let _ = EfCom::parse(data);
}

/// DG1.
pub fn dg1(data: &[u8]) {
    let _ = Dg1::parse(data);
}

/// DG2.
pub fn dg2(data: &[u8]) {
    let _ = FaceImage::parse_dg2(data);
}

/// DG13.
pub fn dg13(data: &[u8]) {
    let _ = Citizen::parse_dg13(data);
}

/// Trace text.
pub fn trace(data: &[u8]) {
    let _ = Trace::parse(&String::from_utf8_lossy(data));
}

/// DG11.
pub fn dg11(data: &[u8]) {
    let _ = crate::lds::Dg11::parse(data);
}

/// DG12.
pub fn dg12(data: &[u8]) {
    let _ = crate::lds::Dg12::parse(data);
}

/// DG14.
pub fn dg14(data: &[u8]) {
    let _ = crate::lds::SecurityInfos::parse_dg14(data);
}

/// DG15.
pub fn dg15(data: &[u8]) {
    let _ = crate::lds::ActiveAuthenticationKey::parse_dg15(data);
}

/// DG16.
pub fn dg16(data: &[u8]) {
    let _ = crate::lds::dg16::parse(data);
}

/// EF.SOD and its LDSSecurityObject (BER paths included).
pub fn sod(data: &[u8]) {
    let _ = crate::lds::LdsSecurityObject::parse_sod(data);
    let _ = crate::lds::LdsSecurityObject::parse(data);
}

/// Passive authentication and the report over a hostile EF.SOD (DG1 present, so the hashes,
/// the signature, the chain and the signed view all run).
pub fn sod_verify(data: &[u8]) {
    let mut doc = crate::Document { sod: Some(data.to_vec()), ..crate::Document::default() };
    let mrz = "I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
    doc.data_groups.insert(
        crate::lds::DgNumber::DG1,
        crate::codec::tlv::tlv(0x61, &crate::codec::tlv::tlv(0x5F1F, mrz.as_bytes())),
    );
    let passive = crate::verify::passive::passive(&doc, &crate::TrustStore::new(), Some(0));
    let _ = crate::Report::new(&doc, &crate::ReportContext { passive: Some(passive), ..Default::default() }).to_json();
}

/// A trust file (certificate, PEM, CRL, master list) with a pinned fingerprint, so a list's
/// anchor search runs too.
pub fn trust_file(data: &[u8]) {
    let mut store = crate::TrustStore::new();
    store.pin_fingerprint([0; 32]);
    let _ = store.add_file("fuzz", data);
}

/// Two X.501 names compared as RFC 5280 §7.1 says (the data split in two): the name
/// preparation of every certificate's issuer and subject.
pub fn name(data: &[u8]) {
    let (a, b) = data.split_at(data.len() / 2);
    let _ = crate::pki::name::same_name(a, b);
    let _ = crate::pki::name::NameKey::new(data);
}

/// What a card says of extended length: an ATR's historical bytes, EF.ATR/INFO's content.
pub fn capabilities(data: &[u8]) {
    let _ = crate::files::capabilities::extended_length_in_atr(data);
    let _ = crate::files::capabilities::extended_length_in_atr_info(data);
}

/// A dump's report.json, read back for `cancuoc verify`.
pub fn recorded_report(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut doc = crate::Document::default();
        crate::report::recorded::apply(&mut doc, text);
        let _ = crate::Report::new(&doc, &crate::ReportContext::default());
    }
}

/// DG2/DG3/DG4 template headers and DG5/DG7 images.
pub fn biometric(data: &[u8]) {
    for n in [2u8, 3, 4, 5, 7] {
        if let Some(dg) = crate::lds::DgNumber::new(n) {
            let _ = crate::lds::biometric::parse(data, dg);
            let _ = crate::lds::biometric::displayed_images(data, dg);
        }
    }
}

/// EF.CardSecurity.
pub fn card_security(data: &[u8]) {
    if let Ok(infos) = crate::lds::card_security::security_infos(data) {
        let _ = crate::lds::card_security::chip_authentication_points(&infos);
    }
}

/// DG2 and the photo decoders.
pub fn photo(data: &[u8]) {
    if let Ok(face) = FaceImage::parse_dg2(data) {
        let _ = crate::photo::decode(&face);
    }
    for format in [crate::lds::ImageFormat::Jpeg, crate::lds::ImageFormat::Jpeg2000] {
        let face = FaceImage { format, width: None, height: None, data: data.to_vec() };
        let _ = crate::photo::dimensions(&face);
    }
}

/// EF.CardAccess SecurityInfos.
pub fn card_access(data: &[u8]) {
    let _ = crate::lds::SecurityInfos::parse(data);
}

/// The CCCD QR text.
pub fn cccd_qr(data: &[u8]) {
    let _ = crate::profile::cccd::CccdQr::parse(&String::from_utf8_lossy(data));
}

/// A chip's public point on brainpoolP256r1 (RustCrypto's arithmetic) and brainpoolP320r1
/// (the runtime curves), and PACE dynamic authentication data.
pub fn ec_point(data: &[u8]) {
    use crate::crypto::curves::{BRAINPOOL_P256R1, BRAINPOOL_P320R1};
    for params in [&BRAINPOOL_P256R1, &BRAINPOOL_P320R1] {
        if let Ok(curve) = crate::crypto::group::standard(params)
            && curve.check_point(data).is_ok()
        {
            let _ = curve.mul(&[3], data).and_then(|p| curve.add(&p, data));
        }
    }
    let _ = crate::access::pace::dynamic_data(data, 0x82, "fuzz");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::tlv::tlv as enc;

    /// A small xorshift generator: deterministic inputs, no dependency.
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    fn seeds() -> Vec<Vec<u8>> {
        let mrz = "I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
        let mut fields = std::collections::BTreeMap::new();
        fields.insert(2u8, vec!["Nguyễn Văn Mẫu".to_owned()]);
        fields.insert(13u8, vec!["A".to_owned(), "B".to_owned()]);
        vec![
            enc(0x61, &enc(0x5F1F, mrz.as_bytes())),
            hex_literal::hex!("60145F0104303130365F36063034303030305C026175").to_vec(),
            hex_literal::hex!("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000").to_vec(),
            crate::lds::dg2::encode_dg2(&FaceImage {
                format: crate::lds::ImageFormat::Jpeg,
                width: Some(1),
                height: Some(1),
                data: vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3],
            }),
            crate::profile::cccd::dg13::encode_dg13(&fields),
            mrz.as_bytes().to_vec(),
            b"# c\n> 00A4\n< 9000\n! rng 00\n".to_vec(),
            hex_literal::hex!("3134300D060804007F0007020202020101300F060A04007F000702020302020201013012060A04007F0007020204020202010202010D").to_vec(),
            "001090012345|123456789|Nguyễn Văn Mẫu|15011990|Nam|Hà Nội|10042021".as_bytes().to_vec(),
            [0x3B, 0x88, 0x80, 0x01, 0x80, 0x31, 0x80, 0x73, 0xC8, 0x40, 0xC0, 0x00].to_vec(),
            br#"{"access":{"protocol":"BAC","apdus":1},"verification":{"chip":{"status":"valid"},"active":{"challenge":"00","response":"00"}}}"#.to_vec(),
        ]
    }

    /// Every target survives truncations, bit flips, byte insertions and random bytes of
    /// every seed (a few thousand inputs: a smoke run, not a substitute for `cargo fuzz`).
    #[test]
    // Truncating the generator's output is how it makes bytes and indices.
    #[allow(clippy::cast_possible_truncation)]
    fn no_parser_panics_on_mutated_input() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for seed in seeds() {
            let mut inputs = Vec::new();
            for n in 0..=seed.len() {
                inputs.push(seed[..n].to_vec());
            }
            for _ in 0..300 {
                let mut m = seed.clone();
                let at = (rng.next() as usize) % m.len().max(1);
                match rng.next() % 3 {
                    0 => m[at] ^= 1 << (rng.next() % 8),
                    1 => m.insert(at, rng.next() as u8),
                    _ => m[at] = [0x00, 0x80, 0x81, 0x84, 0xFF][(rng.next() % 5) as usize],
                }
                inputs.push(m);
            }
            for _ in 0..50 {
                let len = (rng.next() % 64) as usize;
                inputs.push((0..len).map(|_| rng.next() as u8).collect());
            }
            for input in &inputs {
                for (_, target) in TARGETS {
                    target(input);
                }
            }
        }
    }
}
