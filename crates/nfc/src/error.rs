//! What can go wrong between the till and its NFC readers.

/// An NFC reader problem a caller acts on; [`NfcError::code`] is the stable name for scripts and
/// the UI.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NfcError {
    /// The PC/SC service (pcscd on Linux, the Smart Card service on Windows) cannot be reached.
    #[error("the PC/SC service is not running ({0})")]
    ServiceUnavailable(String),
    /// The service runs but no reader is plugged in.
    #[error("no NFC reader is connected")]
    NoReaders,
    /// The reader is not (or no longer) connected.
    #[error("the reader '{0}' is not connected")]
    ReaderUnavailable(String),
    /// Nothing is on the reader.
    #[error("no card is on the reader")]
    NoCard,
    /// The card left the reader before its UID was read.
    #[error("the card was taken off the reader before it could be read")]
    CardRemoved,
    /// The card is on the reader but does not answer.
    #[error("the card does not answer: tap it again and hold it still")]
    CardSilent,
    /// The answer to the UID read is shorter than its status word.
    #[error("the card's answer is too short ({len} byte(s)): tap it again and hold it still")]
    ShortAnswer { len: usize },
    /// The reader or card refused the UID read with this status word.
    #[error("the reader refused to read the card's UID (status {sw1:02X} {sw2:02X})")]
    Refused { sw1: u8, sw2: u8 },
    /// The reader answered with something that is not a 4, 7 or 10 byte UID.
    #[error("the card's UID cannot be used: {0}")]
    BadUid(String),
    /// Nobody tapped a card in the time given.
    #[error("no card was tapped within {seconds} s")]
    NoTap { seconds: u64 },
    /// Anything else the PC/SC layer reported.
    #[error("PC/SC error: {0}")]
    Internal(String),
}

impl NfcError {
    /// Stable, for scripts and the UI: switch on this, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            NfcError::ServiceUnavailable(_) => "nfc_service_unavailable",
            NfcError::NoReaders => "nfc_no_readers",
            NfcError::ReaderUnavailable(_) => "nfc_reader_unavailable",
            NfcError::NoCard => "nfc_no_card",
            NfcError::CardRemoved => "nfc_card_removed",
            NfcError::CardSilent => "nfc_card_silent",
            NfcError::ShortAnswer { .. } => "nfc_short_answer",
            NfcError::Refused { .. } => "nfc_refused",
            NfcError::BadUid(_) => "nfc_bad_uid",
            NfcError::NoTap { .. } => "nfc_no_tap",
            NfcError::Internal(_) => "nfc_internal",
        }
    }

    /// The service itself is gone: the context must be established again.
    pub fn is_service_lost(&self) -> bool {
        matches!(self, NfcError::ServiceUnavailable(_))
    }

    /// A PC/SC error met while talking to `reader` (None: not about one reader).
    pub(crate) fn from_pcsc(e: pcsc::Error, reader: Option<&str>) -> NfcError {
        use pcsc::Error as E;
        match e {
            E::NoService | E::ServiceStopped | E::CommError | E::InvalidHandle | E::Shutdown => {
                NfcError::ServiceUnavailable(e.to_string())
            }
            E::NoReadersAvailable => NfcError::NoReaders,
            E::UnknownReader | E::ReaderUnavailable => {
                NfcError::ReaderUnavailable(reader.unwrap_or_default().to_string())
            }
            E::NoSmartcard => NfcError::NoCard,
            E::RemovedCard | E::ResetCard => NfcError::CardRemoved,
            E::UnresponsiveCard | E::UnpoweredCard | E::UnsupportedCard | E::ProtoMismatch => {
                NfcError::CardSilent
            }
            e => NfcError::Internal(e.to_string()),
        }
    }
}
