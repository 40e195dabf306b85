//! The NFC part of the setup doctor: is the PC/SC service running, and which readers does it see.
//! `versapos doctor` adds these to its report; the desktop can show them beside the payment
//! checks. Neither finding stops the till: without a reader, VIP cards can be typed in.

use versapos_core::{CheckStatus, SetupCheck};

use crate::readers::{CardReaders, NfcReader, PcscReaders};
use crate::NfcError;

/// How to get the PC/SC service running on this platform.
pub fn service_fix() -> &'static str {
    if cfg!(target_os = "windows") {
        "start the Smart Card service: Services → Smart Card → Start, startup type Automatic \
         (or, as an administrator, `sc config SCardSvr start= auto` then `net start SCardSvr`); \
         Windows starts it when a reader is plugged in"
    } else if cfg!(target_os = "macos") {
        "the PC/SC service is part of macOS: plug the reader in again, or restart the Mac"
    } else {
        "install and start pcscd with the CCID driver: `sudo apt install pcscd libccid` then \
         `sudo systemctl enable --now pcscd.socket` (see docs/nfc.md)"
    }
}

const NO_READER_FIX: &str = "plug in a PC/SC NFC reader (e.g. ACR122U or ACR1252U); until then \
     VIP cards can be typed in. On Linux, if an ACR122U is plugged in but not listed, the \
     pn533_usb kernel module holds it: see docs/nfc.md";

/// Asks this machine's PC/SC service.
pub fn checks() -> Vec<SetupCheck> {
    let readers = PcscReaders::connect().and_then(|r| r.readers());
    checks_from(readers)
}

/// The findings from what the service answered when asked for its readers.
pub fn checks_from(readers: Result<Vec<NfcReader>, NfcError>) -> Vec<SetupCheck> {
    let check = |id: &str, title: &str, status: CheckStatus, detail: String, fix: Option<&str>| {
        SetupCheck {
            id: id.to_string(),
            title: title.to_string(),
            status,
            detail,
            fix: fix.map(str::to_string),
        }
    };
    let service = "NFC reader service (PC/SC)";
    let list = "NFC readers";
    let running = || {
        check(
            "nfc_service",
            service,
            CheckStatus::Ok,
            "running".to_string(),
            None,
        )
    };
    match readers {
        Ok(readers) if readers.is_empty() => vec![
            running(),
            check(
                "nfc_readers",
                list,
                CheckStatus::Warn,
                "no NFC reader found: VIP cards can still be typed in".to_string(),
                Some(NO_READER_FIX),
            ),
        ],
        Ok(readers) => {
            let names: Vec<&str> = readers.iter().map(|r| r.name.as_str()).collect();
            vec![
                running(),
                check(
                    "nfc_readers",
                    list,
                    CheckStatus::Ok,
                    format!("{} found: {}", readers.len(), names.join(", ")),
                    None,
                ),
            ]
        }
        Err(NfcError::NoReaders) => checks_from(Ok(Vec::new())),
        Err(e @ NfcError::ServiceUnavailable(_)) => vec![
            check(
                "nfc_service",
                service,
                CheckStatus::Warn,
                format!("{e}: NFC readers cannot be used; VIP cards can still be typed in"),
                Some(service_fix()),
            ),
            check(
                "nfc_readers",
                list,
                CheckStatus::Skip,
                "the PC/SC service is not running".to_string(),
                None,
            ),
        ],
        Err(e) => vec![
            check(
                "nfc_service",
                service,
                CheckStatus::Warn,
                format!("the service answered with an error: {e}"),
                Some(service_fix()),
            ),
            check(
                "nfc_readers",
                list,
                CheckStatus::Skip,
                "the PC/SC service did not list its readers".to_string(),
                None,
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(checks: &[SetupCheck], id: &str) -> String {
        checks
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.status.as_str().to_string())
            .unwrap_or_else(|| panic!("a `{id}` check in {checks:#?}"))
    }

    #[test]
    fn no_service_is_a_warning_with_the_fix() {
        let c = checks_from(Err(NfcError::ServiceUnavailable("no service".into())));
        assert_eq!(status(&c, "nfc_service"), "warn");
        assert_eq!(status(&c, "nfc_readers"), "skip");
        let fix = c[0].fix.as_deref().unwrap_or_default();
        if cfg!(target_os = "linux") {
            assert!(fix.contains("pcscd"), "{fix}");
        }
    }

    #[test]
    fn no_reader_is_a_warning_not_a_failure() {
        for answer in [Ok(Vec::new()), Err(NfcError::NoReaders)] {
            let c = checks_from(answer);
            assert_eq!(status(&c, "nfc_service"), "ok");
            assert_eq!(status(&c, "nfc_readers"), "warn");
            assert!(c[1].detail.contains("typed in"), "{c:#?}");
        }
    }

    #[test]
    fn readers_found_are_named() {
        let c = checks_from(Ok(vec![NfcReader {
            name: "ACS ACR122U PICC Interface 00 00".into(),
            card_present: false,
        }]));
        assert_eq!(status(&c, "nfc_readers"), "ok");
        assert!(c[1].detail.contains("ACR122U"), "{c:#?}");
        assert!(c.iter().all(|c| c.fix.is_none()));
    }
}
