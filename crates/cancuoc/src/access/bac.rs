//! Basic Access Control (ICAO 9303-11 §4.3, §9.7.1; worked example App. D.3).
//!
//! A chain of states, each consumed by the step that leaves it:
//! [`BacStart`] (send GET CHALLENGE) → [`BacChallenged`] (send EXTERNAL AUTHENTICATE) →
//! a [`SecureMessaging`] session with KS_Enc, KS_MAC and the SSC. No state does I/O;
//! [`authenticate`] drives them over a [`Channel`].

use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::{AccessError, MrzKey};
use crate::apdu::{Command, Response, StatusWord};
use crate::channel::Channel;
use crate::crypto::{KDF_ENC, KDF_MAC, TdesKey, ct_eq, kdf_tdes, pad, retail_mac, sha1, tdes_decrypt, tdes_encrypt};
use crate::sm::{SecureMessaging, TdesSm};
use crate::transport::Transport;

/// GET CHALLENGE for 8 bytes (ICAO 9303-11 §4.3.4.1).
pub fn get_challenge() -> Command {
    Command::new(0x00, 0x84, 0x00, 0x00).with_le(8)
}

/// The BAC keys K_Enc and K_MAC derived from the MRZ (ICAO 9303-11 §9.7.2, App. D.2).
pub struct BacStart {
    k_enc: TdesKey,
    k_mac: TdesKey,
}

impl BacStart {
    /// Derives K_seed = SHA-1(MRZ_information)[0..16], then K_Enc and K_MAC.
    pub fn new(key: &MrzKey) -> Self {
        let info = key.mrz_information();
        let digest = Zeroizing::new(sha1(info.as_bytes()));
        let k_seed = Zeroizing::new(digest.get(..16).unwrap_or_default().to_vec());
        Self { k_enc: kdf_tdes(&k_seed, KDF_ENC), k_mac: kdf_tdes(&k_seed, KDF_MAC) }
    }

    /// The command this state waits to send.
    pub fn command(&self) -> Command {
        get_challenge()
    }

    /// Takes RND.IC from the GET CHALLENGE answer, draws RND.IFD and K.IFD, and builds
    /// EXTERNAL AUTHENTICATE with E_IFD ‖ M_IFD (ICAO 9303-11 §4.3.4.2).
    ///
    /// # Errors
    /// [`AccessError::Refused`] or [`AccessError::CardMisbehaved`].
    pub fn on_challenge(self, rng: &mut impl CryptoRng, response: &Response) -> Result<BacChallenged, AccessError> {
        if response.sw != StatusWord::OK {
            return Err(AccessError::Refused { step: "GET CHALLENGE", sw: response.sw });
        }
        let rnd_ic: [u8; 8] =
            response.data.as_slice().try_into().map_err(|_| AccessError::CardMisbehaved("GET CHALLENGE"))?;
        let mut rnd_ifd = [0u8; 8];
        let mut k_ifd = Zeroizing::new([0u8; 16]);
        rng.fill_bytes(&mut rnd_ifd);
        rng.fill_bytes(k_ifd.as_mut());
        Ok(self.with_terminal_randomness(rnd_ic, rnd_ifd, *k_ifd))
    }

    fn with_terminal_randomness(self, rnd_ic: [u8; 8], rnd_ifd: [u8; 8], k_ifd: [u8; 16]) -> BacChallenged {
        let mut s = Zeroizing::new(Vec::with_capacity(32));
        s.extend_from_slice(&rnd_ifd);
        s.extend_from_slice(&rnd_ic);
        s.extend_from_slice(&k_ifd);
        let e_ifd = tdes_encrypt(&self.k_enc, &s);
        let m_ifd = retail_mac(&self.k_mac, &pad(&e_ifd, 8));
        let mut data = e_ifd;
        data.extend_from_slice(&m_ifd);
        let command = Command::new(0x00, 0x82, 0x00, 0x00).with_data(data).with_le(40);
        BacChallenged { k_enc: self.k_enc, k_mac: self.k_mac, rnd_ic, rnd_ifd, k_ifd: Zeroizing::new(k_ifd), command }
    }
}

/// Waiting for the answer to EXTERNAL AUTHENTICATE.
pub struct BacChallenged {
    k_enc: TdesKey,
    k_mac: TdesKey,
    rnd_ic: [u8; 8],
    rnd_ifd: [u8; 8],
    k_ifd: Zeroizing<[u8; 16]>,
    command: Command,
}

impl BacChallenged {
    /// The EXTERNAL AUTHENTICATE command to send.
    pub fn command(&self) -> &Command {
        &self.command
    }

    /// Checks M_IC, decrypts E_IC, checks that the chip echoed RND.IFD, and derives the
    /// session: K_seed = K.IFD ⊕ K.IC, KS_Enc, KS_MAC, SSC = RND.IC[4..8] ‖ RND.IFD[4..8]
    /// (ICAO 9303-11 §4.3.4.3, §9.8.2).
    ///
    /// # Errors
    /// [`AccessError::WrongKey`] when the chip refuses our cryptogram (wrong MRZ data);
    /// [`AccessError::CardMisbehaved`] when its answer does not verify.
    pub fn on_response(self, response: &Response) -> Result<SecureMessaging, AccessError> {
        if response.sw != StatusWord::OK {
            // 6300 on most chips, 6982 on others: both mean our cryptogram did not decrypt
            // to their challenge, i.e. the MRZ data are wrong.
            return Err(match response.sw.sw1() {
                0x63 | 0x69 => AccessError::WrongKey { sw: response.sw, check: super::CHECK_MRZ },
                _ => AccessError::Refused { step: "EXTERNAL AUTHENTICATE", sw: response.sw },
            });
        }
        let (e_ic, m_ic) =
            response.data.split_at_checked(32).ok_or(AccessError::CardMisbehaved("EXTERNAL AUTHENTICATE"))?;
        if m_ic.len() != 8 || !ct_eq(&retail_mac(&self.k_mac, &pad(e_ic, 8)), m_ic) {
            return Err(AccessError::CardMisbehaved("EXTERNAL AUTHENTICATE"));
        }
        let r = Zeroizing::new(
            tdes_decrypt(&self.k_enc, e_ic).ok_or(AccessError::CardMisbehaved("EXTERNAL AUTHENTICATE"))?,
        );
        let (rnd_ic, rest) = r.split_at_checked(8).ok_or(AccessError::CardMisbehaved("EXTERNAL AUTHENTICATE"))?;
        let (rnd_ifd, k_ic) = rest.split_at_checked(8).ok_or(AccessError::CardMisbehaved("EXTERNAL AUTHENTICATE"))?;
        if !ct_eq(rnd_ic, &self.rnd_ic) || !ct_eq(rnd_ifd, &self.rnd_ifd) {
            return Err(AccessError::CardMisbehaved("EXTERNAL AUTHENTICATE"));
        }
        let k_seed: Zeroizing<Vec<u8>> = Zeroizing::new(self.k_ifd.iter().zip(k_ic).map(|(a, b)| a ^ b).collect());
        let suite = TdesSm::new(kdf_tdes(&k_seed, KDF_ENC), kdf_tdes(&k_seed, KDF_MAC));
        let mut ssc = Vec::with_capacity(8);
        ssc.extend_from_slice(self.rnd_ic.get(4..).unwrap_or_default());
        ssc.extend_from_slice(self.rnd_ifd.get(4..).unwrap_or_default());
        Ok(SecureMessaging::new(Box::new(suite), ssc))
    }
}

/// Runs BAC over `channel` and turns secure messaging on.
///
/// # Errors
/// [`AccessError`] from any step.
pub fn authenticate<T: Transport>(
    channel: &mut Channel<T>,
    key: &MrzKey,
    rng: &mut impl CryptoRng,
) -> Result<(), AccessError> {
    channel.end_secure_messaging();
    let start = BacStart::new(key);
    let challenge = channel.send(&start.command())?;
    let challenged = start.on_challenge(rng, &challenge)?;
    let answer = channel.send(challenged.command())?;
    let sm = challenged.on_response(&answer)?;
    channel.start_secure_messaging(sm);
    Ok(())
}

/// The card side of BAC, for the virtual card: checks E_IFD ‖ M_IFD against RND.IC and
/// answers E_IC ‖ M_IC, returning the card's session.
///
/// # Errors
/// `None` when the terminal's cryptogram is not for this key and challenge.
#[cfg(any(test, feature = "card"))]
pub fn card_respond(
    key: &MrzKey,
    rnd_ic: &[u8; 8],
    k_ic: &[u8; 16],
    data: &[u8],
) -> Option<(Vec<u8>, SecureMessaging)> {
    let start = BacStart::new(key);
    let (e_ifd, m_ifd) = data.split_at_checked(32)?;
    if m_ifd.len() != 8 || !ct_eq(&retail_mac(&start.k_mac, &pad(e_ifd, 8)), m_ifd) {
        return None;
    }
    let s = Zeroizing::new(tdes_decrypt(&start.k_enc, e_ifd)?);
    let (rnd_ifd, rest) = s.split_at_checked(8)?;
    let (echo, k_ifd) = rest.split_at_checked(8)?;
    if !ct_eq(echo, rnd_ic) {
        return None;
    }
    let mut r = Zeroizing::new(Vec::with_capacity(32));
    r.extend_from_slice(rnd_ic);
    r.extend_from_slice(rnd_ifd);
    r.extend_from_slice(k_ic);
    let e_ic = tdes_encrypt(&start.k_enc, &r);
    let mut answer = e_ic.clone();
    answer.extend_from_slice(&retail_mac(&start.k_mac, &pad(&e_ic, 8)));
    let k_seed: Zeroizing<Vec<u8>> = Zeroizing::new(k_ifd.iter().zip(k_ic).map(|(a, b)| a ^ b).collect());
    let suite = TdesSm::new(kdf_tdes(&k_seed, KDF_ENC), kdf_tdes(&k_seed, KDF_MAC));
    let mut ssc = Vec::with_capacity(8);
    ssc.extend_from_slice(rnd_ic.get(4..)?);
    ssc.extend_from_slice(rnd_ifd.get(4..)?);
    Some((answer, SecureMessaging::new(Box::new(suite), ssc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hex_literal::hex;

    // ICAO 9303-11 App. D.3 (`docs/vectors/icao9303-part11.md` §2), all [V][X].
    const D3_RND_IC: [u8; 8] = hex!("4608F91988702212");
    const D3_RND_IFD: [u8; 8] = hex!("781723860C06C226");
    const D3_K_IFD: [u8; 16] = hex!("0B795240CB7049B01C19B33E32804F0B");
    const D3_EXTERNAL_AUTHENTICATE: [u8; 46] =
        hex!("008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728");
    const D3_RESPONSE: [u8; 40] =
        hex!("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449");
    const D3_K_IC: [u8; 16] = hex!("0B4F80323EB3191CB04970CB4052790B");
    const D3_SSC: [u8; 8] = hex!("887022120C06C226");

    /// ICAO 9303-11 App. D.2: document number L898902C<, DOB 690806, expiry 940623.
    fn d2_key() -> MrzKey {
        MrzKey::new("L898902C<", "690806", "940623").unwrap()
    }

    #[test]
    fn mrz_information_matches_9303_11_d2() {
        assert_eq!(d2_key().mrz_information().as_str(), "L898902C<369080619406236");
        assert_eq!(
            MrzKey::new("L898902C", "690806", "940623").unwrap().mrz_information().as_str(),
            "L898902C<369080619406236"
        );
        let long = MrzKey::new("D23145890734", "340712", "950712").unwrap();
        assert_eq!(long.mrz_information().as_str(), "D23145890734934071279507122");
    }

    #[test]
    fn mutual_authentication_matches_9303_11_d3() {
        let challenged = BacStart::new(&d2_key()).with_terminal_randomness(D3_RND_IC, D3_RND_IFD, D3_K_IFD);
        assert_eq!(challenged.command().to_bytes().unwrap(), D3_EXTERNAL_AUTHENTICATE);
        let sm = challenged.on_response(&Response::new(D3_RESPONSE.to_vec(), StatusWord::OK)).unwrap();
        assert_eq!(sm.ssc(), D3_SSC);
    }

    #[test]
    fn card_side_answers_as_in_9303_11_d3() {
        let (answer, sm) = card_respond(&d2_key(), &D3_RND_IC, &D3_K_IC, &D3_EXTERNAL_AUTHENTICATE[5..45]).unwrap();
        assert_eq!(answer, D3_RESPONSE);
        assert_eq!(sm.ssc(), D3_SSC);
        let wrong = MrzKey::new("L898902C<", "690807", "940623").unwrap();
        assert!(card_respond(&wrong, &D3_RND_IC, &D3_K_IC, &D3_EXTERNAL_AUTHENTICATE[5..45]).is_none());
    }

    #[test]
    fn refusal_means_wrong_key_and_a_tampered_answer_is_rejected() {
        let start = || BacStart::new(&d2_key()).with_terminal_randomness(D3_RND_IC, D3_RND_IFD, D3_K_IFD);
        assert_eq!(
            start().on_response(&Response::new(Vec::new(), StatusWord(0x6300))).err(),
            Some(AccessError::WrongKey { sw: StatusWord(0x6300), check: crate::access::CHECK_MRZ })
        );
        for i in 0..D3_RESPONSE.len() {
            let mut bad = D3_RESPONSE;
            bad[i] ^= 0x80;
            assert!(matches!(
                start().on_response(&Response::new(bad.to_vec(), StatusWord::OK)),
                Err(AccessError::CardMisbehaved(_))
            ));
        }
        assert!(start().on_response(&Response::new(D3_RESPONSE[..39].to_vec(), StatusWord::OK)).is_err());
    }

    #[test]
    fn rejects_malformed_inputs() {
        assert!(MrzKey::new("", "690806", "940623").is_err());
        assert!(MrzKey::new("AB-12", "690806", "940623").is_err());
        assert!(MrzKey::new("L898902C", "69080", "940623").is_err());
        assert!(MrzKey::new("L898902C", "690806", "94062x").is_err());
    }
}
