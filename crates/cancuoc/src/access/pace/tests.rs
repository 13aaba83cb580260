//! PACE against ICAO 9303-11 App. G.1 (ECDH) and G.2 (DH) (`../shared/vectors/icao9303-part11.md`
//! §4–5): every command byte for byte, and the session keys.

use hex_literal::hex;
use rand_core::{TryCryptoRng, TryRng};

use super::*;

/// Hands out the terminal's private keys of the worked example, in order.
struct Script(Vec<Vec<u8>>);

impl TryRng for Script {
    type Error = std::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(0)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        let next = self.0.remove(0);
        dst.copy_from_slice(&next);
        Ok(())
    }
}
impl TryCryptoRng for Script {}

fn ok(data: &[u8]) -> Response {
    Response::new(data.to_vec(), StatusWord::OK)
}

fn g1_password() -> PacePassword {
    PacePassword::Mrz(MrzKey::new("T22000129", "640812", "101031").unwrap())
}

/// App. G.1: ECDH, brainpoolP256r1, AES-128, MRZ.
#[test]
fn generic_mapping_ecdh_matches_9303_11_g1() {
    let infos = SecurityInfos::parse(&hex!("31143012060A04007F0007020204020202010202010D")).unwrap();
    let info = infos.pace().next().unwrap();
    let start = PaceStart::new(info, &infos, &g1_password(), false).unwrap();
    assert_eq!(start.description(), "PACE-ECDH-GM-AES-128 brainpoolP256r1 MRZ");
    assert_eq!(start.command().to_bytes().unwrap(), hex!("0022C1A40F800A04007F00070202040202830101"));
    let awaiting = start.on_response(&ok(&[])).unwrap();
    assert_eq!(awaiting.command().to_bytes().unwrap(), hex!("10860000027C0000"));
    let mut rng = Script(vec![
        hex!("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99").to_vec(),
        hex!("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595").to_vec(),
    ]);
    let mapping = awaiting.on_response(&mut rng, &ok(&hex!("7C12801095A3A016522EE98D01E76CB6B98B42C3"))).unwrap();
    assert_eq!(
        mapping.command().to_bytes().unwrap(),
        hex!(
            "10860000457C438141047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D00"
        )
    );
    let agreement = mapping
        .on_response(&mut rng, &ok(&hex!("7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54")))
        .unwrap();
    assert_eq!(
        agreement.command().to_bytes().unwrap(),
        hex!(
            "10860000457C438341042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB3646200"
        )
    );
    let mutual = agreement
        .on_response(&ok(&hex!("7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094")))
        .unwrap();
    assert_eq!(mutual.command().to_bytes().unwrap(), hex!("008600000C7C0A8508C2B0BD78D94BA86600"));
    let sm = mutual.on_response(&ok(&hex!("7C0A86083ABB9674BCE93C08"))).unwrap();
    assert_eq!(sm.ssc(), [0u8; 16]);
}

/// App. G.1 session keys from the shared secret K [V][X].
#[test]
fn session_keys_match_9303_11_g1() {
    let k = hex!("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925");
    let (_, ks_mac) = session(SmCipherKind::Aes128, &k);
    let SymmetricKey::Aes(mac) = ks_mac else { panic!("AES") };
    assert_eq!(mac.as_bytes(), hex!("FE251C7858B356B24514B3BD5F4297D1"));
    let SymmetricKey::Aes(enc) = SymmetricKey::derive(SmCipherKind::Aes128, &k, KDF_ENC) else { panic!("AES") };
    assert_eq!(enc.as_bytes(), hex!("F5F0E35C0D7161EE6724EE513A0D9A7F"));
}

const G2_PK_MAP_PCD: [u8; 128] = hex!(
    "23FB3749EA030D2A25B278D2A562047ADE3F01B74F17A15402CB7352CA7D2B3EB71C343DB13D1DEBCE9A3666DBCFC920B49174A602CB47965CAA73DC702489A44D41DB914DE9613DC5E98C94160551C0DF86274B9359BC0490D01B03AD54022DCB4F57FAD6322497D7A1E28D46710F461AFE710FBBBC5F8BA166F4311975EC6C"
);
const G2_PK_MAP_PICC: [u8; 128] = hex!(
    "78879F57225AA8080D52ED0FC890A4B25336F699AA89A2D3A189654AF70729E623EA5738B26381E4DA19E004706FACE7B235C2DBF2F38748312F3C98C2DD4882A41947B324AA1259AC22579DB93F7085655AF30889DBB845D9E6783FE42C9F2449400306254C8AE8EE9DD812A804C0B66E8CAFC14F84D8258950A91B44126EE6"
);
const G2_PK_EPH_PCD: [u8; 128] = hex!(
    "907D89E2D425A178AA81AF4A7774EC8E388C115CAE67031E85EECE520BD911551B9AE4D04369F29A02626C86FBC6747CC7BC352645B6161A2A42D44EDA80A08FA8D61B76D3A154AD8A5A51786B0BC07147057871A922212C5F67F43173172236B7747D1671E6D692A3C7D40A0C3C5CE397545D015C175EB5130551EDBC2EE5D4"
);
const G2_PK_EPH_PICC: [u8; 128] = hex!(
    "075693D9AE941877573E634B6E644F8E60AF17A0076B8B123D9201074D36152BD8B3A213F53820C42ADC79AB5D0AEEC3AEFB91394DA476BD97B9B14D0A65C1FC71A0E019CB08AF55E1F729005FBA7E3FA5DC41899238A250767A6D46DB974064386CD456743585F8E5D90CC8B4004B1F6D866C79CE0584E49687FF61BC29AEA1"
);

/// App. G.2: DH, RFC 5114 1024-bit group (parameter ID 0), AES-128, MRZ.
#[test]
fn generic_mapping_dh_matches_9303_11_g2() {
    let infos = SecurityInfos::parse(&hex!("31143012060A04007F00070202040102020102020100")).unwrap();
    let info = infos.pace().next().unwrap();
    let start = PaceStart::new(info, &infos, &g1_password(), false).unwrap();
    assert_eq!(start.command().to_bytes().unwrap(), hex!("0022C1A40F800A04007F00070202040102830101"));
    let awaiting = start.on_response(&ok(&[])).unwrap();
    let mut rng = Script(vec![
        hex!("5265030F751F4AD18B08AC565FC7AC952E41618D").to_vec(),
        hex!("89CCD99B0E8D3B1F11E1296DCA68EC53411CF2CA").to_vec(),
    ]);
    let mapping = awaiting.on_response(&mut rng, &ok(&hex!("7C128010854D8DF5827FA6852D1A4FA701CDDDCA"))).unwrap();
    let expected = [&hex!("10860000867C8183818180")[..], &G2_PK_MAP_PCD, &[0]].concat();
    assert_eq!(mapping.command().to_bytes().unwrap(), expected);
    let answer = [&hex!("7C8183828180")[..], &G2_PK_MAP_PICC].concat();
    let agreement = mapping.on_response(&mut rng, &ok(&answer)).unwrap();
    let expected = [&hex!("10860000867C8183838180")[..], &G2_PK_EPH_PCD, &[0]].concat();
    assert_eq!(agreement.command().to_bytes().unwrap(), expected);
    let answer = [&hex!("7C8183848180")[..], &G2_PK_EPH_PICC].concat();
    let mutual = agreement.on_response(&ok(&answer)).unwrap();
    assert_eq!(mutual.command().to_bytes().unwrap(), hex!("008600000C7C0A8508B46DD9BD4D98381F00"));
    // dmrtd's answer carries the CAR (DO'87') after T_PICC: it must be accepted.
    mutual.on_response(&ok(&hex!("7C1B8608917F37B5C0E6D8D1870F444554455354435643413030303033"))).unwrap();
}

#[test]
fn a_wrong_token_or_an_echoed_key_is_rejected() {
    let infos = SecurityInfos::parse(&hex!("31143012060A04007F0007020204020202010202010D")).unwrap();
    let info = infos.pace().next().unwrap();
    let run = || {
        let start = PaceStart::new(info, &infos, &g1_password(), false).unwrap();
        let awaiting = start.on_response(&ok(&[])).unwrap();
        let mut rng = Script(vec![
            hex!("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99").to_vec(),
            hex!("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595").to_vec(),
        ]);
        let mapping = awaiting.on_response(&mut rng, &ok(&hex!("7C12801095A3A016522EE98D01E76CB6B98B42C3"))).unwrap();
        (mapping, rng)
    };
    // The chip echoes our own mapping key.
    let (mapping, mut rng) = run();
    let echo = [&hex!("7C438241")[..], &mapping.command().data[4..]].concat();
    assert!(matches!(mapping.on_response(&mut rng, &ok(&echo)), Err(AccessError::CardMisbehaved(_))));
    // A point off the curve.
    let (mapping, mut rng) = run();
    let mut bad = hex!(
        "7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
    );
    bad[10] ^= 1;
    assert!(matches!(mapping.on_response(&mut rng, &ok(&bad)), Err(AccessError::CardMisbehaved(_))));
    // The chip refuses our token: a wrong password.
    let (mapping, mut rng) = run();
    let agreement = mapping
        .on_response(&mut rng, &ok(&hex!("7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54")))
        .unwrap();
    let mutual = agreement
        .on_response(&ok(&hex!("7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094")))
        .unwrap();
    let refused = mutual.on_response(&Response::new(Vec::new(), StatusWord(0x6300)));
    assert!(matches!(refused, Err(AccessError::WrongKey { .. })), "{refused:?}");
}

#[test]
fn a_forged_chip_token_is_rejected() {
    let infos = SecurityInfos::parse(&hex!("31143012060A04007F0007020204020202010202010D")).unwrap();
    let info = infos.pace().next().unwrap();
    let start = PaceStart::new(info, &infos, &g1_password(), false).unwrap();
    let awaiting = start.on_response(&ok(&[])).unwrap();
    let mut rng = Script(vec![
        hex!("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99").to_vec(),
        hex!("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595").to_vec(),
    ]);
    let mapping = awaiting.on_response(&mut rng, &ok(&hex!("7C12801095A3A016522EE98D01E76CB6B98B42C3"))).unwrap();
    let agreement = mapping
        .on_response(&mut rng, &ok(&hex!("7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54")))
        .unwrap();
    let mutual = agreement
        .on_response(&ok(&hex!("7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094")))
        .unwrap();
    assert!(matches!(mutual.on_response(&ok(&hex!("7C0A86083ABB9674BCE93C09"))), Err(AccessError::CardMisbehaved(_))));
}

#[test]
fn cans_are_six_digits() {
    assert!(Can::new("012345").is_ok());
    assert!(Can::new("01234").is_err());
    assert!(Can::new("01234a").is_err());
}
