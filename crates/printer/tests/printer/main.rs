//! The printer crate's tests against real components: the encoder and the decoder in both
//! directions (and golden bytes), the fake network printer over loopback, a serial printer
//! through a `socat` pty pair, a CUPS raw queue on a cupsd of the test's own, and the
//! `fake-printer` example binary other languages' end-to-end tests use.

// cupsd and pty pairs exist on Unix only; on Windows the spooler is the OS queue.
#[cfg(unix)]
mod cups;
mod network;
mod receipts;
#[cfg(unix)]
mod serial;
mod tools;

use versapos_core::receipt::{Align, Block, Document, Line, Style};
use versapos_printer::decode::{decode, Paper};
use versapos_printer::{CodePage, Job, Settings};

/// A café receipt: header, lines (one long enough to wrap), totals, tender, a tax table and a
/// barcode; on 80 mm also the logo and a QR code.
pub fn sample_receipt(wide_paper: bool) -> Document {
    let mut d = Document::new();
    if wide_paper {
        d.push(Block::Logo);
    }
    d.text("Café Ñandú", Align::Center, Style::LARGE)
        .centred("1 High Street\nLeeds LS1 1AA")
        .centred("VAT GB 123 4567 89")
        .text("Till 1 · Sale T1-000042", Align::Left, Style::PLAIN)
        .text("07/12/2026 09:41  Cashier: Zoë", Align::Left, Style::PLAIN)
        .rule()
        .pair("2 x Croissant", "£3.60")
        .pair("Flat white (oat)", "£3.20")
        .pair("Extra large oat milk flat white with cinnamon", "£4.50")
        .pair("Crème brûlée", "€4.00")
        .rule()
        .pair_styled("TOTAL", "£15.30", Style::LARGE)
        .pair("Cash", "£20.00")
        .pair_styled("Change", "£4.70", Style::BOLD)
        .rule()
        .text("VAT summary", Align::Left, Style::BOLD)
        .pair("20% on £12.75", "£2.55")
        .pair("0% on £0.00", "£0.00")
        .feed(1)
        .push(Block::Barcode {
            data: "T1-000042".into(),
        });
    if wide_paper {
        d.push(Block::Qr {
            data: "https://receipts.example/T1-000042".into(),
        });
    }
    d.centred("Thank you — see you soon!");
    d
}

/// A 48×12 PNG: a black bar on the left, the rest white.
pub fn small_png() -> Vec<u8> {
    let (w, h) = (48u32, 12u32);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("PNG header");
        let data: Vec<u8> = (0..h)
            .flat_map(|_| (0..w).map(|x| if x < 16 { 0 } else { 255 }))
            .collect();
        writer.write_image_data(&data).expect("PNG data");
    }
    out
}

pub fn settings(address: &str, columns: usize) -> Settings {
    let mut s = Settings::new(address.parse().expect("a valid address"));
    s.columns = columns;
    s
}

/// The text lines `lines` print as on `page`.
pub fn expected_text(lines: &[Line], page: CodePage) -> Vec<String> {
    lines
        .iter()
        .filter_map(Line::text)
        .map(|t| page.degrade(t))
        .collect()
}

pub fn encode_and_decode(settings: &Settings, lines: &[Line], kick_drawer: bool) -> Paper {
    let job = Job { lines, kick_drawer };
    let bytes = versapos_printer::encode(settings, &job).expect("encode");
    decode(&bytes, CodePage::Pc437).expect("the encoder's bytes decode")
}
