//! The NFC readers at the till: which are connected, and the UID of the card on one of them.

use std::ffi::{CStr, CString};
use std::time::Duration;

use pcsc::{Context, Disposition, Protocols, ReaderState, Scope, ShareMode, State};
use serde::Serialize;
use ts_rs::TS;
use versapos_core::CardUid;

use crate::NfcError;

/// The PC/SC "get data" command for the card's UID (PC/SC part 3, supported by ACR122U,
/// ACR1252U and other CCID contactless readers): the answer is the UID then `90 00`.
pub const GET_UID: [u8; 5] = [0xFF, 0xCA, 0x00, 0x00, 0x00];

/// A reader as the service lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct NfcReader {
    /// The name the service gives it, e.g. "ACS ACR122U PICC Interface 00 00".
    pub name: String,
    /// A card is on it now.
    pub card_present: bool,
}

/// What the till asks of its NFC readers; the watcher and the front doors program against it.
pub trait CardReaders {
    /// The readers connected now, in the service's order.
    fn readers(&self) -> Result<Vec<NfcReader>, NfcError>;
    /// The UID of the card on `reader` now.
    fn read_uid(&self, reader: &str) -> Result<CardUid, NfcError>;
}

/// The readers behind the PC/SC service of this machine.
#[derive(Clone)]
pub struct PcscReaders {
    context: Context,
}

impl std::fmt::Debug for PcscReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PcscReaders")
    }
}

impl PcscReaders {
    /// Connects to the PC/SC service; fails with [`NfcError::ServiceUnavailable`] when it is not
    /// running.
    pub fn connect() -> Result<PcscReaders, NfcError> {
        let context = Context::establish(Scope::User).map_err(|e| NfcError::from_pcsc(e, None))?;
        Ok(PcscReaders { context })
    }

    /// The names of the readers connected now (none is not an error here).
    pub fn reader_names(&self) -> Result<Vec<String>, NfcError> {
        reader_names(&self.context)
    }
}

impl CardReaders for PcscReaders {
    fn readers(&self) -> Result<Vec<NfcReader>, NfcError> {
        let names = self.reader_names()?;
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut states = Vec::with_capacity(names.len());
        for n in &names {
            states.push(ReaderState::new(c_name(n)?, State::UNAWARE));
        }
        match self.context.get_status_change(Duration::ZERO, &mut states) {
            // A timeout only says nothing changed since UNAWARE, which cannot happen; keep the
            // names even then, without card states.
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e) => return Err(NfcError::from_pcsc(e, None)),
        }
        Ok(names
            .into_iter()
            .zip(&states)
            .map(|(name, s)| NfcReader {
                name,
                card_present: s.event_state().contains(State::PRESENT),
            })
            .collect())
    }

    fn read_uid(&self, reader: &str) -> Result<CardUid, NfcError> {
        read_uid(&self.context, reader)
    }
}

pub(crate) fn c_name(name: &str) -> Result<CString, NfcError> {
    CString::new(name).map_err(|_| NfcError::ReaderUnavailable(name.replace('\0', "")))
}

/// The readers' names, lossily decoded (reader names are ASCII in practice).
pub(crate) fn reader_names(context: &Context) -> Result<Vec<String>, NfcError> {
    match context.list_readers_owned() {
        Ok(names) => Ok(names.iter().map(|n| text(n)).collect()),
        Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
        Err(e) => Err(NfcError::from_pcsc(e, None)),
    }
}

pub(crate) fn text(name: &CStr) -> String {
    name.to_string_lossy().into_owned()
}

/// Connects to the card on `reader`, asks for its UID, and leaves the card as it was.
pub(crate) fn read_uid(context: &Context, reader: &str) -> Result<CardUid, NfcError> {
    let name = c_name(reader)?;
    let card = context
        .connect(&name, ShareMode::Shared, Protocols::ANY)
        .map_err(|e| NfcError::from_pcsc(e, Some(reader)))?;
    let mut buffer = [0u8; pcsc::MAX_BUFFER_SIZE];
    let result = match card.transmit(&GET_UID, &mut buffer) {
        Ok(answer) => uid_from_answer(answer),
        Err(e) => Err(NfcError::from_pcsc(e, Some(reader))),
    };
    // Leave the card powered as it is: a reset would make some readers beep and re-detect it.
    // A failed disconnect drops the handle, which disconnects all the same.
    let _ = card.disconnect(Disposition::LeaveCard);
    result
}

/// The UID in a reader's answer to [`GET_UID`]: the UID bytes, then the status word `90 00`.
pub fn uid_from_answer(answer: &[u8]) -> Result<CardUid, NfcError> {
    let Some((status, uid)) = answer
        .len()
        .checked_sub(2)
        .map(|at| (&answer[at..], &answer[..at]))
    else {
        return Err(NfcError::ShortAnswer { len: answer.len() });
    };
    match status {
        [0x90, 0x00] => CardUid::from_bytes(uid).map_err(|e| NfcError::BadUid(e.to_string())),
        [sw1, sw2] => Err(NfcError::Refused {
            sw1: *sw1,
            sw2: *sw2,
        }),
        _ => Err(NfcError::ShortAnswer { len: answer.len() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seven_byte_uid_with_90_00_is_read() {
        let uid = uid_from_answer(&[0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x90, 0x00]);
        assert_eq!(uid.map(|u| u.to_string()), Ok("04A1B2C3D4E5F6".to_string()));
    }

    #[test]
    fn a_four_byte_uid_is_read() {
        let uid = uid_from_answer(&[0xDE, 0xAD, 0xBE, 0xEF, 0x90, 0x00]);
        assert_eq!(uid.map(|u| u.to_string()), Ok("DEADBEEF".to_string()));
    }

    #[test]
    fn an_answer_shorter_than_the_status_word_is_an_error() {
        assert_eq!(uid_from_answer(&[]), Err(NfcError::ShortAnswer { len: 0 }));
        assert_eq!(
            uid_from_answer(&[0x90]),
            Err(NfcError::ShortAnswer { len: 1 })
        );
    }

    #[test]
    fn a_status_word_other_than_90_00_is_a_refusal() {
        assert_eq!(
            uid_from_answer(&[0x6A, 0x82]),
            Err(NfcError::Refused {
                sw1: 0x6A,
                sw2: 0x82
            })
        );
        assert_eq!(
            uid_from_answer(&[0x04, 0xA1, 0xB2, 0xC3, 0x63, 0x00]),
            Err(NfcError::Refused {
                sw1: 0x63,
                sw2: 0x00
            })
        );
    }

    #[test]
    fn a_uid_of_an_odd_length_is_refused() {
        let e = uid_from_answer(&[0x04, 0xA1, 0xB2, 0x90, 0x00]);
        assert!(matches!(e, Err(NfcError::BadUid(_))), "{e:?}");
        // 90 00 with no UID at all.
        let e = uid_from_answer(&[0x90, 0x00]);
        assert!(matches!(e, Err(NfcError::BadUid(_))), "{e:?}");
    }
}
