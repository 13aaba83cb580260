//! Secure messaging (ICAO 9303-11 §9.8): protecting commands and checking responses.
//!
//! Sans-IO: [`SecureMessaging::protect`] turns a plain command into a protected one and
//! [`SecureMessaging::unprotect`] turns the card's answer back, **always** checking the
//! response MAC first. There is no option to skip that check. Plaintext is only returned after
//! the MAC matched. The cipher suite is a [`SmCipher`]: 3DES ([`tdes::TdesSm`], after BAC
//! or PACE-3DES) or AES ([`aes::AesSm`], after PACE-AES).

pub mod aes;
pub mod tdes;

use thiserror::Error;
use zeroize::Zeroizing;

use crate::apdu::{Command, EXTENDED_MAX_LE, Response, SHORT_MAX_LE, StatusWord};
use crate::codec::tlv::write_tlv;
use crate::codec::{ByteReader, DecodeError};
use crate::crypto::{ct_eq, pad, unpad};

pub use aes::AesSm;
pub use tdes::TdesSm;

/// DO'85': cryptogram, plain value not BER-TLV encoded as such (odd INS, ISO/IEC 7816-4 §10.2).
const DO_CRYPTOGRAM_ODD: u32 = 0x85;
/// DO'87': padding-content indicator byte followed by the cryptogram.
const DO_CRYPTOGRAM: u32 = 0x87;
/// DO'8E': cryptographic checksum (MAC).
const DO_MAC: u32 = 0x8E;
/// DO'97': Le.
const DO_LE: u32 = 0x97;
/// DO'99': processing status (SW1-SW2).
const DO_STATUS: u32 = 0x99;
/// Padding-content indicator `01`: ISO/IEC 9797-1 method 2 (ICAO 9303-11 §9.8.5).
const PADDING_INDICATOR: u8 = 0x01;

/// Failures of secure messaging. A [`SmError::BadMac`] means the answer was not from the chip
/// we authenticated with, or was altered: the session must end.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SmError {
    /// The response MAC did not verify.
    #[error("the card's answer failed its integrity check (secure messaging MAC)")]
    BadMac,
    /// The response lacks DO'99' or DO'8E'. ICAO 9303-11 §9.8 (response protection) makes both mandatory in a
    /// protected response: without DO'99' the MAC would not cover the status word, so a man in
    /// the middle could turn a refusal into a success. Such an answer is refused, never
    /// guessed at.
    #[error("the card answered without the secure messaging objects it must send (DO'99' and DO'8E')")]
    MissingObjects,
    /// The card answered 9000 in the clear inside a secure session.
    #[error("the card answered in the clear inside a secure session")]
    Unprotected,
    /// The card answered a protected command in the clear with an error (e.g. `6700` from a
    /// runtime that refuses extended length before the applet sees the command). ICAO 9303-11
    /// lets a chip end secure messaging on any error, and whether its send sequence counter
    /// moved cannot be known: the session is over either way, and the reader must start a new
    /// one (reset, access control) before sending anything else.
    #[error("the card answered {0} in the clear: the secure session is over")]
    PlainAnswer(StatusWord),
    /// The card rejected our secure messaging (6987/6988): the session is over.
    #[error("the card ended the secure session ({0})")]
    SessionEnded(StatusWord),
    /// The cryptogram does not decrypt to padded data.
    #[error("the card's encrypted answer is malformed")]
    BadCryptogram,
    /// The response objects are not valid BER-TLV.
    #[error("malformed secure messaging response: {0}")]
    Decode(#[from] DecodeError),
    /// The protected command would not fit in an APDU.
    #[error("the protected command is too long ({0} bytes)")]
    TooLong(usize),
}

/// A secure-messaging cipher suite: encryption, MAC and send-sequence-counter width.
pub trait SmCipher: Send {
    /// The cipher block size (8 for 3DES, 16 for AES).
    fn block_size(&self) -> usize;
    /// Encrypts data already padded to the block size, for the given SSC.
    fn encrypt(&self, ssc: &[u8], padded: &[u8]) -> Vec<u8>;
    /// Decrypts a cryptogram for the given SSC; `None` if it is not whole blocks.
    fn decrypt(&self, ssc: &[u8], cryptogram: &[u8]) -> Option<Vec<u8>>;
    /// The 8-byte MAC of data already padded to the block size.
    fn mac(&self, padded: &[u8]) -> [u8; 8];
}

/// A secure-messaging session: a cipher suite and the send sequence counter (SSC).
pub struct SecureMessaging {
    cipher: Box<dyn SmCipher>,
    ssc: Zeroizing<Vec<u8>>,
}

impl SecureMessaging {
    /// A session with `cipher`, starting at `ssc` (ICAO 9303-11 §9.8.2: for BAC the low halves
    /// of RND.IC and RND.IFD; zero after PACE).
    pub fn new(cipher: Box<dyn SmCipher>, ssc: Vec<u8>) -> Self {
        Self { cipher, ssc: Zeroizing::new(ssc) }
    }

    /// The largest plaintext a short protected response can carry: DO'87' of the padded data,
    /// DO'99' (4 bytes) and DO'8E' (10 bytes) must fit in 256 bytes. 231 for 3DES, 223 for AES
    /// (the 0xDF that readers hard-code).
    pub fn max_short_response_data(&self) -> usize {
        let block = self.cipher.block_size().max(1);
        // 256 - DO'99' - DO'8E' - DO'87' header (3) - padding indicator (1) = 238.
        (238 / block) * block - 1
    }

    /// The current SSC (for tests and the virtual card).
    pub fn ssc(&self) -> &[u8] {
        &self.ssc
    }

    fn increment_ssc(&mut self) {
        for b in self.ssc.iter_mut().rev() {
            let (next, carry) = b.overflowing_add(1);
            *b = next;
            if !carry {
                break;
            }
        }
    }

    /// Protects a command: DO'87' (DO'85' for odd INS) with the encrypted data, DO'97' with
    /// Le, DO'8E' with the MAC over SSC ‖ padded header ‖ objects (ICAO 9303-11 §9.8.4).
    /// Increments the SSC first.
    ///
    /// # Errors
    /// [`SmError::TooLong`] if the result exceeds an extended APDU.
    pub fn protect(&mut self, command: &Command) -> Result<Command, SmError> {
        self.increment_ssc();
        let block = self.cipher.block_size();
        let cla = command.cla | 0x0C;
        let header = [cla, command.ins, command.p1, command.p2];
        let mut objects = Vec::new();
        if !command.data.is_empty() {
            self.write_cryptogram(&command.data, command.ins & 1 == 1, &mut objects);
        }
        let extended = command.is_extended();
        if let Some(le) = command.le {
            let le_bytes = (le % EXTENDED_MAX_LE).to_be_bytes();
            let width = if extended { 2 } else { 1 };
            let le_value = if extended || le != SHORT_MAX_LE {
                le_bytes.get(le_bytes.len().saturating_sub(width)..).unwrap_or_default()
            } else {
                &[0u8][..]
            };
            write_tlv(DO_LE, le_value, &mut objects);
        }
        let mut mac_input = Vec::with_capacity(self.ssc.len() + block + objects.len() + block);
        mac_input.extend_from_slice(&self.ssc);
        mac_input.extend_from_slice(&pad(&header, block));
        mac_input.extend_from_slice(&objects);
        let mac = self.cipher.mac(&pad(&mac_input, block));
        write_tlv(DO_MAC, &mac, &mut objects);
        let protected_extended = extended || objects.len() > 255;
        if objects.len() > 65535 {
            return Err(SmError::TooLong(objects.len()));
        }
        let le = if protected_extended { EXTENDED_MAX_LE } else { SHORT_MAX_LE };
        Ok(Command {
            cla,
            ins: command.ins,
            p1: command.p1,
            p2: command.p2,
            data: objects,
            le: Some(le),
            extended: protected_extended,
        })
    }

    /// Checks and decrypts a response (ICAO 9303-11 §9.8.5): increments the SSC, verifies
    /// DO'8E' over SSC ‖ the preceding objects, then decrypts DO'87'/DO'85' and returns the
    /// status of DO'99'.
    ///
    /// A bare error status with no data (e.g. `6A82`) is returned as is: it carries nothing
    /// to authenticate, and many chips answer errors in the clear.
    ///
    /// # Errors
    /// [`SmError::BadMac`], [`SmError::MissingObjects`], [`SmError::Unprotected`],
    /// [`SmError::SessionEnded`], [`SmError::BadCryptogram`] or a decode error.
    pub fn unprotect(&mut self, response: &Response) -> Result<Response, SmError> {
        self.increment_ssc();
        if response.data.is_empty() {
            return match response.sw {
                StatusWord::OK => Err(SmError::Unprotected),
                StatusWord::SM_OBJECTS_MISSING | StatusWord::SM_OBJECTS_INCORRECT => {
                    Err(SmError::SessionEnded(response.sw))
                }
                sw => Err(SmError::PlainAnswer(sw)),
            };
        }
        let block = self.cipher.block_size();
        let mut reader = ByteReader::new(&response.data, "secure messaging response");
        let mut mac_input = Zeroizing::new(self.ssc.to_vec());
        let mut cryptogram = None;
        let mut status = None;
        let mut mac = None;
        while !reader.is_empty() {
            let tlv = reader.tlv()?;
            match tlv.tag {
                DO_MAC => {
                    mac = Some(tlv.value);
                    break;
                }
                DO_CRYPTOGRAM | DO_CRYPTOGRAM_ODD => cryptogram = Some((tlv.tag, tlv.value)),
                DO_STATUS => status = Some(tlv.value),
                _ => {}
            }
            mac_input.extend_from_slice(tlv.raw);
        }
        reader.finish()?;
        let (Some(mac), Some(status)) = (mac, status) else {
            return Err(SmError::MissingObjects);
        };
        let expected = self.cipher.mac(&pad(&mac_input, block));
        if !ct_eq(&expected, mac) {
            return Err(SmError::BadMac);
        }
        let sw = match status {
            [a, b] => StatusWord(u16::from_be_bytes([*a, *b])),
            _ => return Err(SmError::MissingObjects),
        };
        let data = match cryptogram {
            None => Vec::new(),
            Some((tag, value)) => self.decrypt_cryptogram(tag, value)?,
        };
        Ok(Response::new(data, sw))
    }

    /// Card side of [`SecureMessaging::unprotect`]: verifies and decrypts a protected command
    /// (used by the virtual card; the same checks in mirror image).
    ///
    /// # Errors
    /// As [`SecureMessaging::unprotect`].
    #[cfg(any(test, feature = "card"))]
    pub fn unprotect_command(&mut self, command: &Command) -> Result<Command, SmError> {
        self.increment_ssc();
        let block = self.cipher.block_size();
        let header = [command.cla, command.ins, command.p1, command.p2];
        let mut reader = ByteReader::new(&command.data, "secure messaging command");
        let mut mac_input = Zeroizing::new(self.ssc.to_vec());
        mac_input.extend_from_slice(&pad(&header, block));
        let mut cryptogram = None;
        let mut le = None;
        let mut mac = None;
        while !reader.is_empty() {
            let tlv = reader.tlv()?;
            match tlv.tag {
                DO_MAC => {
                    mac = Some(tlv.value);
                    break;
                }
                DO_CRYPTOGRAM | DO_CRYPTOGRAM_ODD => cryptogram = Some((tlv.tag, tlv.value)),
                DO_LE => le = Some(tlv.value),
                _ => {}
            }
            mac_input.extend_from_slice(tlv.raw);
        }
        reader.finish()?;
        let mac = mac.ok_or(SmError::MissingObjects)?;
        if !ct_eq(&self.cipher.mac(&pad(&mac_input, block)), mac) {
            return Err(SmError::BadMac);
        }
        let mut plain = Command::new(command.cla & !0x0C, command.ins, command.p1, command.p2);
        if let Some((tag, value)) = cryptogram {
            plain.data = self.decrypt_cryptogram(tag, value)?;
        }
        plain.le = match le {
            None => None,
            Some([0]) => Some(SHORT_MAX_LE),
            Some([n]) => Some(usize::from(*n)),
            Some([0, 0]) => Some(EXTENDED_MAX_LE),
            Some([a, b]) => Some(usize::from(u16::from_be_bytes([*a, *b]))),
            Some(_) => return Err(SmError::MissingObjects),
        };
        plain.extended = command.extended;
        Ok(plain)
    }

    /// Card side of [`SecureMessaging::protect`]: wraps a response in DO'87'/DO'85', DO'99'
    /// and DO'8E' (used by the virtual card). `odd_ins` selects DO'85'.
    #[cfg(any(test, feature = "card"))]
    pub fn protect_response(&mut self, response: &Response, odd_ins: bool) -> Response {
        self.increment_ssc();
        let block = self.cipher.block_size();
        let mut objects = Vec::new();
        if !response.data.is_empty() {
            self.write_cryptogram(&response.data, odd_ins, &mut objects);
        }
        write_tlv(DO_STATUS, &response.sw.0.to_be_bytes(), &mut objects);
        let mut mac_input = self.ssc.to_vec();
        mac_input.extend_from_slice(&objects);
        let mac = self.cipher.mac(&pad(&mac_input, block));
        write_tlv(DO_MAC, &mac, &mut objects);
        Response::new(objects, response.sw)
    }

    /// Appends DO'87' (padding indicator ‖ cryptogram) or, for odd INS, DO'85' (cryptogram).
    fn write_cryptogram(&self, data: &[u8], odd_ins: bool, objects: &mut Vec<u8>) {
        let cryptogram = self.cipher.encrypt(&self.ssc, &pad(data, self.cipher.block_size()));
        if odd_ins {
            write_tlv(DO_CRYPTOGRAM_ODD, &cryptogram, objects);
        } else {
            let mut value = Vec::with_capacity(cryptogram.len().saturating_add(1));
            value.push(PADDING_INDICATOR);
            value.extend_from_slice(&cryptogram);
            write_tlv(DO_CRYPTOGRAM, &value, objects);
        }
    }

    /// Decrypts the value of DO'87' or DO'85' and removes the padding.
    fn decrypt_cryptogram(&self, tag: u32, value: &[u8]) -> Result<Vec<u8>, SmError> {
        let encrypted = if tag == DO_CRYPTOGRAM {
            match value.split_first() {
                Some((&PADDING_INDICATOR, rest)) => rest,
                _ => return Err(SmError::BadCryptogram),
            }
        } else {
            value
        };
        let plain = Zeroizing::new(self.cipher.decrypt(&self.ssc, encrypted).ok_or(SmError::BadCryptogram)?);
        Ok(unpad(&plain).ok_or(SmError::BadCryptogram)?.to_vec())
    }
}

impl std::fmt::Debug for SecureMessaging {
    // Never prints keys or the SSC (STYLE.md §9).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecureMessaging(..)")
    }
}

#[cfg(test)]
mod tests;
