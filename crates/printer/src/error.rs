//! What can go wrong between the till and the paper, said so that a cashier knows what to do,
//! with a stable `code` the UI switches on.

/// A printing or drawer problem. A sale is booked before anything prints: every one of these is
/// a message and a Retry, never a lost sale.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("The printer at {address} is offline: {reason}. Check it is on and connected, then press Retry.")]
    Offline { address: String, reason: String },
    #[error("The printer is out of paper. Load a new roll and press Retry.")]
    PaperOut,
    #[error("The printer's cover is open. Close it and press Retry.")]
    CoverOpen,
    #[error("The printer at {address} does not answer: no reply within {seconds} seconds. Check it is on and connected.")]
    NotAnswering { address: String, seconds: u64 },
    #[error("This till cannot use {what}.")]
    Unsupported { what: String },
    #[error("The printer queue {address} refused the receipt: {reason}")]
    Refused { address: String, reason: String },
    #[error("The shop logo cannot be printed: {reason}. Choose another PNG file in the printer settings.")]
    Logo { reason: String },
    #[error("The receipt could not be prepared for the printer: {reason}")]
    Internal { reason: String },
}

impl PrintError {
    /// A stable name for the UI and the CLI's `--json`.
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::Offline { .. } => "printer_offline",
            PrintError::PaperOut => "paper_out",
            PrintError::CoverOpen => "cover_open",
            PrintError::NotAnswering { .. } => "printer_not_answering",
            PrintError::Unsupported { .. } => "printer_unsupported",
            PrintError::Refused { .. } => "printer_refused",
            PrintError::Logo { .. } => "printer_logo",
            PrintError::Internal { .. } => "printer_internal",
        }
    }
}
