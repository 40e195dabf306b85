//! The Windows print spooler: a RAW job (the bytes reach the printer untouched, no driver
//! rendering) through winspool's OpenPrinterW / StartDocPrinterW / WritePrinter. The spooler
//! cannot say whether the paper is out: the job waits in the queue instead.
//!
//! This is the one place the crate calls foreign code; every `unsafe` block says why it holds.

use crate::PrintError;

#[cfg(windows)]
#[allow(unsafe_code)]
mod win {
    use std::ptr;

    use windows_sys::Win32::Foundation::GetLastError;
    use windows_sys::Win32::Graphics::Printing::{
        ClosePrinter, EndDocPrinter, EndPagePrinter, EnumPrintersW, OpenPrinterW, StartDocPrinterW,
        StartPagePrinter, WritePrinter, DOC_INFO_1W, PRINTER_ENUM_CONNECTIONS, PRINTER_ENUM_LOCAL,
        PRINTER_HANDLE, PRINTER_INFO_4W,
    };

    use crate::PrintError;

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(std::iter::once(0)).collect()
    }

    /// Closes the printer handle however the job ends.
    struct Printer(PRINTER_HANDLE);

    impl Drop for Printer {
        fn drop(&mut self) {
            // SAFETY: the handle came from a successful OpenPrinterW and is closed once.
            unsafe {
                ClosePrinter(self.0);
            }
        }
    }

    pub(super) fn send(name: &str, bytes: &[u8]) -> Result<(), PrintError> {
        let address = format!("spooler://{name}");
        let failed = |doing: &str| {
            // SAFETY: reads the calling thread's last error code; no preconditions.
            let code = unsafe { GetLastError() };
            PrintError::Refused {
                address: address.clone(),
                reason: format!("{doing} failed (Windows error {code})"),
            }
        };
        let printer_name = wide(name);
        let doc_name = wide("Receipt");
        let datatype = wide("RAW");
        let mut handle = PRINTER_HANDLE::default();
        // SAFETY: `printer_name` is NUL-terminated and outlives the call; `handle` is a valid
        // out pointer; no defaults structure is passed.
        if unsafe { OpenPrinterW(printer_name.as_ptr(), &mut handle, ptr::null()) } == 0 {
            return Err(PrintError::Offline {
                address: address.clone(),
                reason: "Windows has no printer by that name".into(),
            });
        }
        let printer = Printer(handle);
        let doc = DOC_INFO_1W {
            pDocName: doc_name.as_ptr() as *mut u16,
            pOutputFile: ptr::null_mut(),
            pDatatype: datatype.as_ptr() as *mut u16,
        };
        // SAFETY: the handle is open; `doc` and the strings it points to outlive the call, and
        // the spooler only reads them.
        if unsafe { StartDocPrinterW(printer.0, 1, &doc) } == 0 {
            return Err(failed("starting the job"));
        }
        // SAFETY: a document was started on this open handle.
        let page = unsafe { StartPagePrinter(printer.0) } != 0;
        let mut sent = 0usize;
        let mut ok = page;
        while ok && sent < bytes.len() {
            let chunk = &bytes[sent..];
            let len = u32::try_from(chunk.len()).unwrap_or(u32::MAX);
            let mut written = 0u32;
            // SAFETY: `chunk` holds at least `len` readable bytes; `written` is a valid out
            // pointer.
            ok = unsafe { WritePrinter(printer.0, chunk.as_ptr().cast(), len, &mut written) } != 0
                && written > 0;
            sent += written as usize;
        }
        let error = (!ok).then(|| failed("sending the receipt"));
        // SAFETY: the page and the document were started on this open handle.
        unsafe {
            if page {
                EndPagePrinter(printer.0);
            }
            EndDocPrinter(printer.0);
        }
        match error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    pub(super) fn list() -> Vec<(String, String)> {
        let flags = PRINTER_ENUM_LOCAL | PRINTER_ENUM_CONNECTIONS;
        let mut needed = 0u32;
        let mut count = 0u32;
        // SAFETY: asks for the size needed: a null buffer of length 0 with valid out pointers.
        unsafe {
            EnumPrintersW(
                flags,
                ptr::null(),
                4,
                ptr::null_mut(),
                0,
                &mut needed,
                &mut count,
            );
        }
        if needed == 0 {
            return Vec::new();
        }
        // u64 keeps the buffer aligned for PRINTER_INFO_4W.
        let mut buf = vec![0u64; (needed as usize).div_ceil(8)];
        // SAFETY: `buf` holds at least `needed` writable bytes, suitably aligned.
        let ok = unsafe {
            EnumPrintersW(
                flags,
                ptr::null(),
                4,
                buf.as_mut_ptr().cast(),
                needed,
                &mut needed,
                &mut count,
            )
        };
        if ok == 0 {
            return Vec::new();
        }
        let infos = buf.as_ptr().cast::<PRINTER_INFO_4W>();
        (0..count as usize)
            .filter_map(|i| {
                // SAFETY: EnumPrintersW wrote `count` PRINTER_INFO_4W records at the start of
                // `buf`, whose strings live in the same buffer.
                let info = unsafe { &*infos.add(i) };
                let name = unsafe { from_wide(info.pPrinterName) }?;
                Some((
                    format!("spooler://{name}"),
                    format!("Windows printer {name}"),
                ))
            })
            .collect()
    }

    /// # Safety
    /// `p` is null or points to a NUL-terminated UTF-16 string.
    unsafe fn from_wide(p: *const u16) -> Option<String> {
        if p.is_null() {
            return None;
        }
        let mut len = 0;
        // SAFETY: the string is NUL-terminated (the caller's promise).
        while unsafe { *p.add(len) } != 0 {
            len += 1;
        }
        // SAFETY: `len` u16s before the NUL are readable.
        let units = unsafe { std::slice::from_raw_parts(p, len) };
        Some(String::from_utf16_lossy(units))
    }
}

#[cfg(windows)]
pub(crate) fn send(name: &str, bytes: &[u8]) -> Result<(), PrintError> {
    win::send(name, bytes)
}

#[cfg(not(windows))]
pub(crate) fn send(_name: &str, _bytes: &[u8]) -> Result<(), PrintError> {
    Err(PrintError::Unsupported {
        what: "the Windows print spooler (spooler://) on this system; use cups://QUEUE".into(),
    })
}

/// The Windows printers, as (address, description).
#[cfg(windows)]
pub(crate) fn list() -> Vec<(String, String)> {
    win::list()
}

#[cfg(not(windows))]
pub(crate) fn list() -> Vec<(String, String)> {
    Vec::new()
}
