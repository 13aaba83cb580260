//! PACE against ICAO 9303-11 App. G.1 (ECDH) and G.2 (DH) (`docs/vectors/icao9303-part11.md`
//! §4–5): every command byte for byte, and the session keys.

use hex_literal::hex;

use super::*;
use crate::apdu::{Response, StatusWord};
use crate::crypto::KDF_ENC;
use crate::lds::security_infos::SmCipherKind;
use crate::transport::{ReplayRng, ReplayTransport, Trace, TraceEvent};

/// Hands out the terminal's private keys of a worked example, in order: the replay of a trace
/// holding only its `! rng` lines.
fn script(keys: &[&[u8]]) -> ReplayRng {
    let trace = Trace { events: keys.iter().map(|k| TraceEvent::Rng(k.to_vec())).collect() };
    ReplayTransport::new(&trace).1
}

fn ok(data: &[u8]) -> Response {
    Response::new(data.to_vec(), StatusWord::OK)
}

fn g1_password() -> PacePassword {
    PacePassword::Mrz(MrzKey::new("T22000129", "640812", "101031").unwrap())
}

/// App. G.1's EF.CardAccess: one PACEInfo, ECDH-GM-AES-128 on brainpoolP256r1.
const G1_CARD_ACCESS: &[u8] = &hex!("31143012060A04007F0007020204020202010202010D");
/// App. G.1: the chip's encrypted nonce, mapping key and ephemeral key, as GENERAL AUTHENTICATE answers.
const G1_NONCE: &[u8] = &hex!("7C12801095A3A016522EE98D01E76CB6B98B42C3");
const G1_MAP_PICC: &[u8] = &hex!(
    "7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
);
const G1_EPH_PICC: &[u8] = &hex!(
    "7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
);

/// App. G.1: the terminal's mapping and ephemeral private keys.
fn g1_rng() -> ReplayRng {
    script(&[
        &hex!("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99"),
        &hex!("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595"),
    ])
}

/// App. G.1 up to the mapping step, with the terminal's keys still to draw.
fn g1_mapping() -> (PaceMapping, ReplayRng) {
    let infos = SecurityInfos::parse(G1_CARD_ACCESS).unwrap();
    let info = infos.pace().next().unwrap();
    let start = PaceStart::new(info, &infos, &g1_password(), false).unwrap();
    let awaiting = start.on_response(&ok(&[])).unwrap();
    let mut rng = g1_rng();
    let mapping = awaiting.on_response(&mut rng, &ok(G1_NONCE)).unwrap();
    (mapping, rng)
}

/// App. G.1 up to mutual authentication: the terminal's token is ready, the chip's not yet seen.
fn g1_mutual() -> PaceMutualAuthentication {
    let (mapping, mut rng) = g1_mapping();
    let agreement = mapping.on_response(&mut rng, &ok(G1_MAP_PICC)).unwrap();
    agreement.on_response(&ok(G1_EPH_PICC)).unwrap()
}

/// App. G.1: ECDH, brainpoolP256r1, AES-128, MRZ.
#[test]
fn generic_mapping_ecdh_matches_9303_11_g1() {
    let infos = SecurityInfos::parse(G1_CARD_ACCESS).unwrap();
    let info = infos.pace().next().unwrap();
    let start = PaceStart::new(info, &infos, &g1_password(), false).unwrap();
    assert_eq!(start.description(), "PACE-ECDH-GM-AES-128 brainpoolP256r1 MRZ");
    assert_eq!(start.command().to_bytes().unwrap(), hex!("0022C1A40F800A04007F00070202040202830101"));
    let awaiting = start.on_response(&ok(&[])).unwrap();
    assert_eq!(awaiting.command().to_bytes().unwrap(), hex!("10860000027C0000"));
    let mut rng = g1_rng();
    let mapping = awaiting.on_response(&mut rng, &ok(G1_NONCE)).unwrap();
    assert_eq!(
        mapping.command().to_bytes().unwrap(),
        hex!(
            "10860000457C438141047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D00"
        )
    );
    let agreement = mapping.on_response(&mut rng, &ok(G1_MAP_PICC)).unwrap();
    assert_eq!(
        agreement.command().to_bytes().unwrap(),
        hex!(
            "10860000457C438341042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB3646200"
        )
    );
    let mutual = agreement.on_response(&ok(G1_EPH_PICC)).unwrap();
    assert_eq!(mutual.command().to_bytes().unwrap(), hex!("008600000C7C0A8508C2B0BD78D94BA86600"));
    let established = mutual.on_response(&ok(&hex!("7C0A86083ABB9674BCE93C08"))).unwrap();
    assert_eq!(established.sm.ssc(), [0u8; 16]);
    assert!(established.cam.is_none());
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
    let mut rng =
        script(&[&hex!("5265030F751F4AD18B08AC565FC7AC952E41618D"), &hex!("89CCD99B0E8D3B1F11E1296DCA68EC53411CF2CA")]);
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
    // The chip echoes our own mapping key.
    let (mapping, mut rng) = g1_mapping();
    let echo = [&hex!("7C438241")[..], &mapping.command().data[4..]].concat();
    assert!(matches!(mapping.on_response(&mut rng, &ok(&echo)), Err(AccessError::CardMisbehaved(_))));
    // A point off the curve.
    let (mapping, mut rng) = g1_mapping();
    let mut bad = G1_MAP_PICC.to_vec();
    bad[10] ^= 1;
    assert!(matches!(mapping.on_response(&mut rng, &ok(&bad)), Err(AccessError::CardMisbehaved(_))));
    // The chip refuses our token: a wrong password.
    let refused = g1_mutual().on_response(&Response::new(Vec::new(), StatusWord(0x6300)));
    assert!(matches!(refused, Err(AccessError::WrongKey { .. })), "{refused:?}");
}

#[test]
fn a_forged_chip_token_is_rejected() {
    // G.1's T_PICC with its last bit flipped.
    let forged = g1_mutual().on_response(&ok(&hex!("7C0A86083ABB9674BCE93C09")));
    assert!(matches!(forged, Err(AccessError::CardMisbehaved(_))), "{forged:?}");
}

#[test]
fn cans_are_six_digits() {
    assert!(Can::new("012345").is_ok());
    assert!(Can::new("01234").is_err());
    assert!(Can::new("01234a").is_err());
}

fn can_123456() -> PacePassword {
    PacePassword::Can(Can::new("123456").unwrap())
}

/// App. H.1: Integrated Mapping, ECDH, brainpoolP256r1, AES-128, K_π of "123456"
/// (`docs/vectors/icao9303-part11.md` §6; the password reference is unconfirmed there, so
/// MSE:Set AT is not compared).
#[test]
fn integrated_mapping_ecdh_matches_9303_11_h1() {
    let infos = SecurityInfos::parse(&hex!("31143012060A04007F0007020204040202010202010D")).unwrap();
    let info = infos.pace().next().unwrap();
    let start = PaceStart::new(info, &infos, &can_123456(), false).unwrap();
    assert_eq!(start.description(), "PACE-ECDH-IM-AES-128 brainpoolP256r1 CAN");
    let awaiting = start.on_response(&ok(&[])).unwrap();
    let mut rng = script(&[
        &hex!("5DD4CBFC96F5453B130D890A1CDBAE32"),
        &hex!("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595"),
    ]);
    let mapping = awaiting.on_response(&mut rng, &ok(&hex!("7C128010143DC40C08C8E891FBED7DEDB92B64AD"))).unwrap();
    assert_eq!(mapping.command().to_bytes().unwrap(), hex!("10860000147C1281105DD4CBFC96F5453B130D890A1CDBAE3200"));
    let agreement = mapping.on_response(&mut rng, &ok(&hex!("7C00"))).unwrap();
    assert_eq!(
        agreement.command().data,
        hex!(
            "7C43834104 89CBA23FFE96AA18D824627C3E934E54A9FD0B87A95D1471DC1C0ABFDCD640D4 6755DE9B7B778280B6BEBD57439ADFEB0E21FD4ED6DF42578C13418A59B34C37"
        )
    );
    let mutual = agreement
        .on_response(&ok(&hex!("7C43844104 67F78E5F7F7686082B293E8D087E056916D0F74BC01A5F8957D0DE45691E51E8 932B69A962B52A0985AD2C0A271EE6A13A8ADDDCD1A3A994B9DED257F4D22753")))
        .unwrap();
    assert_eq!(mutual.command().data, hex!("7C0A8508450F02B86F6A0909"));
    mutual.on_response(&ok(&hex!("7C0A860875D4D96E8D5B0308"))).unwrap();
}

/// App. H.1: R(s, t) and the point encoding f_G [V][X].
#[test]
fn integrated_mapping_prf_and_point_encoding_match_9303_11_h1() {
    let s = hex!("2923BE84E16CD6AE529049F1F1BBE9EB");
    let t = hex!("5DD4CBFC96F5453B130D890A1CDBAE32");
    let r = integrated_prf(SmCipherKind::Aes128, &s, &t, 256).unwrap();
    assert_eq!(
        r,
        hex!("E4447E2DFB3586BAC05DDB00156B57FBB2179A3949294C97254189800C517BAA8DA0FF397ED8C445D3E421E4FEB57322")
    );
    let curve = crate::crypto::group::standard(&crate::crypto::curves::BRAINPOOL_P256R1).unwrap();
    let r_p = curve.reduce_wide_mod_p(&r).unwrap();
    assert_eq!(r_p, hex!("A2F8FF2DF50E52C6599F386ADCB595D229F6A167ADE2BE5F2C3296ADD5B7430E"));
    assert_eq!(
        curve.encode_to_curve(&r_p).unwrap(),
        hex!(
            "04 8E82D31559ED0FDE92A4D0498ADD3C23BABA94FB77691E31E90AEA77FB17D427 4C1AE14BD0C3DBAC0C871B7F3608169364437CA30AC243A089D3F266C1E60FAD"
        )
    );
    assert!(integrated_prf(SmCipherKind::Aes256, &s, &t, 256).is_err());
}

/// App. H.2: Integrated Mapping, DH, parameter ID 0, AES-128 (the terminal's key reduced mod
/// q equals G.2's, which the vector file confirms).
#[test]
fn integrated_mapping_dh_matches_9303_11_h2() {
    let infos = SecurityInfos::parse(&hex!("31143012060A04007F00070202040302020102020100")).unwrap();
    let info = infos.pace().next().unwrap();
    let start = PaceStart::new(info, &infos, &can_123456(), false).unwrap();
    let awaiting = start.on_response(&ok(&[])).unwrap();
    let mut rng =
        script(&[&hex!("B3A6DB3C870C3E99245E0D1C06B747DE"), &hex!("89CCD99B0E8D3B1F11E1296DCA68EC53411CF2CA")]);
    let mapping = awaiting.on_response(&mut rng, &ok(&hex!("7C1280109ABB8864CA0FF1551E620D1EF4E13510"))).unwrap();
    let agreement = mapping.on_response(&mut rng, &ok(&hex!("7C00"))).unwrap();
    let pk_eph_pcd = hex!(
        "0F0CC62945A8029251FB7EF3C094E12EC68E4EF07F27CB9D9CD04C5C4250FAE0E4F8A951557E929AEB48E5C6DD47F2F5CD7C351A9BD2CD722C07EDE166770F08FFCB370262CF308DD7B07F2E0DA9CAAA1492344C852906919538C98A4BA4187E76CE9D87832386D319CE2E043C3343AEAE6EDBA1A9894DC5094D22F7FE1351D5"
    );
    assert_eq!(agreement.command().data, [&hex!("7C8183838180")[..], &pk_eph_pcd].concat());
    let pk_eph_picc = hex!(
        "928D9A0F9DBA450F13FC859C6F290D1D36E42431138A4378500BEB4E0401854CFF111F71CB6DC1D0335807A11388CC8EAA87B07907AAD9FBA6B169AF6D8C26AF8DDDC39ADC3AD2E3FF882B84D23E9768E95A80E4746FB07A9767679FE92133B4D379935C771BD7FBED6C7BB4B1708B275EA75679524CDC9C6A91370CC662A2F3"
    );
    let mutual = agreement.on_response(&ok(&[&hex!("7C8183848180")[..], &pk_eph_picc].concat())).unwrap();
    assert_eq!(mutual.command().data, hex!("7C0A850855D61977CBF5307E"));
    mutual.on_response(&ok(&hex!("7C0A8608C2F04230187E1525"))).unwrap();
}

/// App. I: Chip Authentication Mapping, ECDH, brainpoolP256r1, AES-128, MRZ
/// (`docs/vectors/icao9303-part11.md` §7): commands, CA_IC, and the check against the
/// static key the vector file derives [D].
#[test]
fn chip_authentication_mapping_matches_9303_11_i() {
    let infos = SecurityInfos::parse(&hex!("31143012060A04007F0007020204060202010202010D")).unwrap();
    let info = infos.pace().next().unwrap();
    let password = PacePassword::Mrz(MrzKey::new("C11T002JM", "960812", "231031").unwrap());
    let start = PaceStart::new(info, &infos, &password, false).unwrap();
    assert_eq!(start.command().to_bytes().unwrap(), hex!("0022C1A40F800A04007F00070202040602830101"));
    let awaiting = start.on_response(&ok(&[])).unwrap();
    let mut rng = script(&[
        &hex!("5D8BB87BD74D985A4B7D4325B9F7B976FE835122773400798914AA22738135CC"),
        &hex!("76ECFDAA9841C323A3F5FC5E88B88DB3EFF7E35EBF57A7E6946CB630006C2120"),
    ]);
    let mapping = awaiting.on_response(&mut rng, &ok(&hex!("7C128010CB60E8E0D85B76A9BD304747C2AD42E2"))).unwrap();
    assert_eq!(
        mapping.command().data,
        hex!(
            "7C43814104 7F1D410ADB7DDB3B84BF1030800981A9105D7457B4A3ADE002384F3086C67EDE 1AB889104A27DB6D842B019020FBF3CEACB0DC627F7BDCAC29969E19D0E553C1"
        )
    );
    let pk_map_picc = hex!(
        "04 A234236AA9B9621E8EFB73B5245C0E09D2576E5277183C1208BDD55280CAE8B3 04F365713A356E65A451E165ECC9AC0AC46E3771342C8FE5AEDD092685338E23"
    );
    let agreement = mapping.on_response(&mut rng, &ok(&[&hex!("7C438241")[..], &pk_map_picc].concat())).unwrap();
    assert_eq!(
        agreement.command().data,
        hex!(
            "7C43834104 446C934084D9DAB863944F219520076C29EE3F7AE6722B11FF319EC1C7728F95 5483400BFF60BF0C5929270009277DC2A515E12575010AD9BA916CF1BF86FEFC"
        )
    );
    let mutual = agreement
        .on_response(&ok(&hex!("7C43844104 02AD566F3C6EC7F9324509AD50A51FA52030782A4968FCFEDF737DAEA9933331 11C3B9B4C2287789BD137E7F8AA882E2A3C633CCD6ECC2C63C57AD401A09C2E1")))
        .unwrap();
    assert_eq!(mutual.command().data, hex!("7C0A8508E86BD06018A1CD3B"));
    let established = mutual
        .on_response(&ok(&hex!("7C3C86088596CF055C67C1A38A301EEA964DAAE372AC990E3EFDE6333353BFC89A6704D93DA8798CF77F5B7A54BD10CBA372B42BE0B9B5F28AA8DE2F4F92")))
        .unwrap();
    let cam = established.cam.unwrap();
    assert_eq!(cam.ca_ic, hex!("85DC3FA93D0952BFA82F5FD189EE75BD82F11D1F0B8ED4BF5319AC9B53C426B3"));
    let pk_ic = hex!(
        "041872709494399E7470A6431BE25E83EEE24FEA568C2ED28DB48E05DB3A610DC884D256A40E35EFCB59BF6753D3A489D28C7A4D973C2DA138A6E7A4A08F68E16F"
    );
    assert!(cam.matches(&pk_ic));
    let mut other = pk_ic;
    other[1..33].copy_from_slice(&pk_map_picc[1..33]);
    assert!(!cam.matches(&other));
    assert!(!cam.matches(&pk_map_picc));
}
