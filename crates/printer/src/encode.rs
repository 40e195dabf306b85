//! A laid-out receipt as ESC/POS bytes: pure, no I/O, the same bytes for the same receipt.
//!
//! The escpos crate writes the commands it gets right (reset, code page, bold, size,
//! alignment, QR code); Code 128 (`GS k 73`), the raster logo (`GS v 0`), the drawer kick
//! (`ESC p m t1 t2`) and the cut (`GS V 66 n`) are written here: escpos 0.20 has no Code 128,
//! its drawer command lacks the pulse times and its "partial cut" is a full one, and its
//! image support would pull in every image codec.

use std::cell::RefCell;

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};
use versapos_core::receipt::{Line, Style};

use crate::codepage::ascii;
use crate::{logo, DrawerPin, Job, PrintError, Settings};

pub(crate) const ESC: u8 = 0x1B;
pub(crate) const GS: u8 = 0x1D;
pub(crate) const DLE: u8 = 0x10;
pub(crate) const LF: u8 = 0x0A;

/// The printer's bytes for `job`: reset, code page, the lines, the drawer kick if asked, and a
/// partial cut.
pub fn encode(settings: &Settings, job: &Job) -> Result<Vec<u8>, PrintError> {
    let mut p = Printer::new(Capture::default(), Protocol::default(), None);
    let columns = settings.columns.max(8);
    p.init()
        .and_then(|p| p.page_code(settings.code_page.escpos_page()))
        .map_err(internal)?;
    let mut current = Style::PLAIN;
    for line in job.lines {
        match line {
            Line::Text { text, style } => {
                if style.bold != current.bold {
                    p.bold(style.bold).map_err(internal)?;
                }
                if (style.wide, style.tall) != (current.wide, current.tall) {
                    p.size(1 + u8::from(style.wide), 1 + u8::from(style.tall))
                        .map_err(internal)?;
                }
                current = *style;
                let bytes = fit(settings.code_page.encode(text), columns / style.cell());
                p.custom(&bytes)
                    .and_then(|p| p.custom(&[LF]))
                    .map_err(internal)?;
            }
            Line::Barcode { data } => {
                let data = ascii(data);
                if data.trim().is_empty() {
                    continue;
                }
                p.justify(JustifyMode::CENTER)
                    .and_then(|p| p.custom(&code128(&data, dots(columns))))
                    .and_then(|p| p.justify(JustifyMode::LEFT))
                    .map_err(internal)?;
            }
            Line::Qr { data } => {
                let data = ascii(data);
                if data.trim().is_empty() {
                    continue;
                }
                let module = if dots(columns) > 384 { 6 } else { 5 };
                let option =
                    QRCodeOption::new(QRCodeModel::Model2, module, QRCodeCorrectionLevel::M);
                p.justify(JustifyMode::CENTER)
                    .and_then(|p| p.qrcode_option(&data, option))
                    .and_then(|p| p.justify(JustifyMode::LEFT))
                    .map_err(internal)?;
            }
            Line::Logo => {
                let Some(png) = &settings.logo else { continue };
                let image = logo::gs_v_0(&logo::raster(png, dots(columns))?)?;
                p.justify(JustifyMode::CENTER)
                    .and_then(|p| p.custom(&image))
                    .and_then(|p| p.justify(JustifyMode::LEFT))
                    .map_err(internal)?;
            }
        }
    }
    if current != Style::PLAIN {
        p.bold(false)
            .and_then(|p| p.reset_size())
            .map_err(internal)?;
    }
    if job.kick_drawer {
        p.custom(&kick(settings.drawer_pin)).map_err(internal)?;
    }
    // Feed to the cutter (plus 3 dots) and cut, leaving a hinge.
    p.custom(&[GS, b'V', 66, 3])
        .and_then(|p| p.print())
        .map_err(internal)?;
    Ok(p.driver().0.into_inner())
}

/// `ESC p m t1 t2`: a 50 ms pulse on the drawer's pin, 500 ms off.
pub fn kick(pin: DrawerPin) -> Vec<u8> {
    vec![ESC, b'p', pin.m(), 25, 250]
}

/// `DLE DC4 1 m t`: the same pulse (200 ms), executed at once even while the printer is offline
/// (out of paper), where `ESC p` would wait in its buffer and open the drawer when the roll is
/// changed.
pub fn kick_now(pin: DrawerPin) -> Vec<u8> {
    vec![DLE, 0x14, 1, pin.m(), 2]
}

/// The dot width of the paper: 384 on 58 mm (32 columns), 576 on 80 mm.
pub(crate) fn dots(columns: usize) -> usize {
    if columns <= 32 {
        384
    } else {
        576
    }
}

/// `GS k 73`: Code 128 in code set B, 80 dots tall, the text under it.
fn code128(data: &str, dots: usize) -> Vec<u8> {
    // "{B" selects code set B; a '{' in the data is written twice.
    let mut payload = b"{B".to_vec();
    for b in data.bytes() {
        payload.push(b);
        if b == b'{' {
            payload.push(b'{');
        }
    }
    payload.truncate(255);
    // Start, data, check and stop symbols, quiet zones: 11 modules each, 13 for the stop.
    let modules = 11 * (data.len() + 2) + 13 + 20;
    let width = if modules * 2 <= dots { 2 } else { 1 };
    let mut cmd = vec![
        GS, b'h', 80, // height
        GS, b'w', width, // module width
        GS, b'H', 2, // text below
        GS, b'f', 0, // in font A
        GS, b'k', 73,
    ];
    cmd.push(payload.len() as u8);
    cmd.extend_from_slice(&payload);
    cmd
}

/// Makes a line that grew when degraded (€ → EUR) fit the paper again by taking the extra
/// characters out of its widest gap, so a pair keeps its amount on the same line.
fn fit(mut bytes: Vec<u8>, width: usize) -> Vec<u8> {
    while bytes.len() > width {
        let mut best: Option<(usize, usize)> = None; // (start, length)
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b' ' {
                let start = i;
                while i < bytes.len() && bytes[i] == b' ' {
                    i += 1;
                }
                let len = i - start;
                if len >= 2 && best.is_none_or(|(_, l)| len > l) {
                    best = Some((start, len));
                }
            } else {
                i += 1;
            }
        }
        match best {
            Some((start, _)) => {
                bytes.remove(start);
            }
            None => break,
        }
    }
    bytes
}

fn internal(e: escpos::errors::PrinterError) -> PrintError {
    PrintError::Internal {
        reason: e.to_string(),
    }
}

/// An escpos driver that keeps the bytes.
#[derive(Default)]
struct Capture(RefCell<Vec<u8>>);

impl Driver for Capture {
    fn name(&self) -> String {
        "memory".to_string()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_grew_gives_back_its_widest_gap() {
        assert_eq!(fit(b"Total      EUR5".to_vec(), 13), b"Total    EUR5");
        assert_eq!(
            fit(b"a b c".to_vec(), 3),
            b"a b c",
            "single spaces are kept"
        );
    }

    #[test]
    fn a_brace_in_barcode_data_is_doubled() {
        let cmd = code128("A{1", 576);
        assert!(cmd.ends_with(&[GS, b'k', 73, 6, b'{', b'B', b'A', b'{', b'{', b'1']));
    }
}
