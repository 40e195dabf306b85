//! encode → decode: what the till laid out is what the paper shows, in every width, through
//! every code page the tests name; hostile text cannot reach the printer as commands; and the
//! golden receipts do not change by accident.

use versapos_core::receipt::{Align, Block, Document, Line, Style, COLUMNS};
use versapos_printer::decode::{decode, Printed};
use versapos_printer::{encode, CodePage, DrawerPin, Job};

use crate::{encode_and_decode, expected_text, sample_receipt, settings, small_png};

#[test]
fn a_product_name_holding_escpos_commands_prints_as_spaces_and_never_kicks_or_cuts() {
    // ESC p 0 25 250 (drawer kick), GS V 0 (cut), ESC @ (reset), DLE DC4 (pulse), DEL.
    let hostile =
        "Tea\u{1b}p\u{0}\u{19}\u{fa}\u{1d}V\u{0}\u{1b}@\u{10}\u{14}\u{1}\u{0}\u{2}\u{7f}bag";
    let mut doc = Document::new();
    doc.pair(hostile, "1.00")
        .text(hostile, Align::Center, Style::LARGE)
        .push(Block::Barcode {
            data: hostile.into(),
        })
        .push(Block::Qr {
            data: hostile.into(),
        });
    for page in CodePage::ALL {
        let mut s = settings("tcp://127.0.0.1:9100", 48);
        s.code_page = page;
        let lines = doc.layout(48);
        let bytes = encode(
            &s,
            &Job {
                lines: &lines,
                kick_drawer: false,
            },
        )
        .expect("encode");
        let paper = decode(&bytes, CodePage::Pc437).expect("decode");
        assert!(paper.kicks.is_empty(), "{page}: the name kicked the drawer");
        assert_eq!(paper.cuts, 1, "{page}: only the receipt's own cut");
        assert_eq!(
            paper.items.last(),
            Some(&Printed::Cut),
            "{page}: the cut ends the receipt"
        );
        assert!(
            !bytes.windows(2).any(|w| w == [0x1B, b'p']),
            "{page}: ESC p in the bytes"
        );
        assert!(
            !bytes.windows(2).any(|w| w == [0x10, 0x14]),
            "{page}: DLE DC4 in the bytes"
        );
        let text = paper.text();
        assert!(text[0].starts_with("Tea p"), "{page}: {:?}", text[0]);
        assert!(text.iter().all(|t| !t.chars().any(char::is_control)));
        for data in paper.barcodes.iter().chain(&paper.qrs) {
            assert!(
                data.chars().all(|c| (' '..='~').contains(&c)),
                "{page}: {data:?}"
            );
            assert!(
                data.starts_with("Tea p") && data.ends_with("bag"),
                "{data:?}"
            );
        }
    }
}

#[test]
fn a_receipt_decodes_to_its_laid_out_lines_and_styles_at_32_42_and_48_columns() {
    for columns in COLUMNS {
        let mut s = settings("tcp://127.0.0.1:9100", columns);
        s.logo = Some(small_png());
        let lines = sample_receipt(true).layout(columns);
        let paper = encode_and_decode(&s, &lines, false);
        assert_eq!(
            paper.text(),
            expected_text(&lines, CodePage::Pc858),
            "{columns} columns"
        );
        let styles: Vec<Style> = lines
            .iter()
            .filter_map(|l| match l {
                Line::Text { style, .. } => Some(*style),
                _ => None,
            })
            .collect();
        let printed: Vec<Style> = paper.lines.iter().map(|l| l.style).collect();
        assert_eq!(printed, styles, "{columns} columns: styles");
        assert!(
            paper.lines[0].style == Style::LARGE,
            "the shop's name is large"
        );
        assert!(
            paper.lines[1].text.trim() == "1 High Street" && paper.lines[1].text.starts_with(' '),
            "centred: {:?}",
            paper.lines[1].text
        );
        let total = paper
            .lines
            .iter()
            .find(|l| l.text.starts_with("TOTAL"))
            .expect("a TOTAL line");
        assert_eq!(total.style, Style::LARGE);
        assert!(total.text.ends_with("£15.30"), "{:?}", total.text);
        assert_eq!(
            total.text.chars().count(),
            columns / 2,
            "a wide pair fills the paper"
        );
        assert_eq!(paper.barcodes, vec!["T1-000042"]);
        assert_eq!(paper.qrs, vec!["https://receipts.example/T1-000042"]);
        assert_eq!(paper.images, 1);
        assert_eq!(paper.cuts, 1);
        assert!(paper.kicks.is_empty());
    }
}

#[test]
fn the_logo_barcode_and_qr_print_in_order_and_the_logo_fits_the_paper() {
    for (columns, dots) in [(32, 384), (48, 576)] {
        let mut s = settings("tcp://127.0.0.1:9100", columns);
        // Wider than any paper: it must be scaled down.
        s.logo = Some(wide_png(1200, 300));
        let lines = sample_receipt(true).layout(columns);
        let paper = encode_and_decode(&s, &lines, false);
        let pictures: Vec<&Printed> = paper
            .items
            .iter()
            .filter(|i| !matches!(i, Printed::Text(_)))
            .collect();
        match pictures.as_slice() {
            [Printed::Image { width, height }, Printed::Barcode(_), Printed::Qr(_), Printed::Cut] =>
            {
                assert!(*width <= dots, "{width} dots on {dots}-dot paper");
                assert!(
                    *width >= dots - 8,
                    "scaled to the paper, not below: {width}"
                );
                assert!(*height > 0 && *height <= 240);
            }
            other => panic!("{columns}: {other:?}"),
        }
    }
    // No logo set: the logo line prints nothing.
    let s = settings("tcp://127.0.0.1:9100", 48);
    let paper = encode_and_decode(&s, &sample_receipt(true).layout(48), false);
    assert_eq!(paper.images, 0);
}

#[test]
fn a_logo_that_is_not_a_png_is_an_error_that_says_so() {
    let mut s = settings("tcp://127.0.0.1:9100", 48);
    s.logo = Some(b"GIF89a".to_vec());
    let lines = [Line::Logo];
    let err = encode(
        &s,
        &Job {
            lines: &lines,
            kick_drawer: false,
        },
    )
    .expect_err("not a PNG");
    assert_eq!(err.code(), "printer_logo");
    assert!(err.to_string().contains("PNG"), "{err}");
}

#[test]
fn the_drawer_kick_comes_before_the_cut_when_asked_and_not_at_all_otherwise() {
    let lines = sample_receipt(false).layout(32);
    for pin in [DrawerPin::Pin2, DrawerPin::Pin5] {
        let mut s = settings("tcp://127.0.0.1:9100", 32);
        s.drawer_pin = pin;
        let paper = encode_and_decode(&s, &lines, true);
        assert_eq!(paper.kicks, vec![pin]);
        let n = paper.items.len();
        assert_eq!(
            &paper.items[n - 2..],
            &[Printed::Kick(pin), Printed::Cut],
            "kick, then cut"
        );
        let paper = encode_and_decode(&s, &lines, false);
        assert!(paper.kicks.is_empty());
        assert_eq!(paper.items.last(), Some(&Printed::Cut));
    }
}

fn one_line(text: &str) -> Vec<Line> {
    vec![Line::Text {
        text: text.into(),
        style: Style::PLAIN,
    }]
}

#[test]
fn pound_euro_and_accents_come_back_exactly_through_pc858_and_wpc1252() {
    let text = "£5 €7 café Müller niño ÉÜÑ ß";
    for page in [CodePage::Pc858, CodePage::Wpc1252, CodePage::Iso8859_15] {
        let mut s = settings("tcp://127.0.0.1:9100", 48);
        s.code_page = page;
        let paper = encode_and_decode(&s, &one_line(text), false);
        assert_eq!(paper.text(), vec![text.to_string()], "{page}");
    }
}

#[test]
fn through_pc437_the_euro_sign_prints_as_eur() {
    let mut s = settings("tcp://127.0.0.1:9100", 32);
    s.code_page = CodePage::Pc437;
    let paper = encode_and_decode(&s, &one_line("Total €12.50 £3"), false);
    assert_eq!(paper.text(), vec!["Total EUR12.50 £3"]);
    // A pair that grew keeps its amount on the line and the paper's width.
    let mut d = Document::new();
    d.pair("Crème brûlée", "€4.00");
    let paper = encode_and_decode(&s, &d.layout(32), false);
    assert_eq!(paper.text()[0].chars().count(), 32, "{:?}", paper.text());
    assert!(paper.text()[0].starts_with("Crème brûlée"));
    assert!(paper.text()[0].ends_with("EUR4.00"));
}

#[test]
fn through_pc866_a_latin_name_degrades_to_plain_letters_never_question_marks() {
    let mut s = settings("tcp://127.0.0.1:9100", 32);
    s.code_page = CodePage::Pc866;
    let paper = encode_and_decode(&s, &one_line("Café Ñandú"), false);
    assert_eq!(paper.text(), vec!["Cafe Nandu"]);
    let paper = encode_and_decode(&s, &one_line("Борщ “hot” – €3"), false);
    assert_eq!(paper.text(), vec!["Борщ \"hot\" - EUR3"]);
    assert!(!paper.text()[0].contains('?'));
}

#[test]
fn unknown_bytes_are_a_decode_error_naming_the_offset() {
    let err = decode(b"ok\n\x1b\x21\x00", CodePage::Pc858).expect_err("ESC ! is not ours");
    assert_eq!(err.offset, 3);
    assert!(err.to_string().contains("byte offset 3"), "{err}");
    let err = decode(b"a\x07", CodePage::Pc858).expect_err("BEL");
    assert_eq!(err.offset, 1);
}

/// Golden receipts: the bytes for the sample receipt must not change unnoticed. After an
/// intended change, rewrite them with `VERSAPOS_BLESS=1 cargo test -p versapos-printer --test
/// printer golden` and review the decoded text in the diff of this test's assertions.
fn golden(name: &str, columns: usize, wide_paper: bool) {
    let mut s = settings("tcp://127.0.0.1:9100", columns);
    if wide_paper {
        s.logo = Some(small_png());
    }
    let lines = sample_receipt(wide_paper).layout(columns);
    let bytes = encode(
        &s,
        &Job {
            lines: &lines,
            kick_drawer: true,
        },
    )
    .expect("encode");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/printer/golden")
        .join(name);
    if std::env::var("VERSAPOS_BLESS").as_deref() == Ok("1") {
        std::fs::write(&path, &bytes).expect("write the golden file");
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (create it with VERSAPOS_BLESS=1 cargo test -p versapos-printer --test printer golden)",
            path.display()
        )
    });
    if let Some(at) = want.iter().zip(&bytes).position(|(a, b)| a != b) {
        panic!(
            "{name}: the bytes differ from the golden file at offset {at} (golden {} bytes, now {})",
            want.len(),
            bytes.len()
        );
    }
    assert_eq!(want.len(), bytes.len(), "{name}: length");

    let paper = decode(&want, CodePage::Pc437).expect("the golden bytes decode");
    assert_eq!(paper.text(), expected_text(&lines, CodePage::Pc858));
    let text = paper.text();
    assert_eq!(text[0].trim(), "Café Ñandú");
    assert!(text
        .iter()
        .any(|l| l.starts_with("Crème brûlée") && l.ends_with("€4.00")));
    assert!(text
        .iter()
        .any(|l| l.starts_with("20% on £12.75") && l.ends_with("£2.55")));
    assert_eq!(
        text.last().map(|t| t.trim()),
        Some("Thank you - see you soon!")
    );
    assert_eq!(paper.barcodes, vec!["T1-000042"]);
    assert_eq!(paper.kicks, vec![DrawerPin::Pin2]);
    assert_eq!(paper.cuts, 1);
    if wide_paper {
        assert_eq!(paper.images, 1);
        assert_eq!(paper.qrs, vec!["https://receipts.example/T1-000042"]);
    } else {
        assert_eq!((paper.images, paper.qrs.len()), (0, 0));
    }
}

#[test]
fn golden_58mm_receipt_bytes_are_unchanged() {
    golden("receipt-58mm.bin", 32, false);
}

#[test]
fn golden_80mm_receipt_with_logo_and_qr_bytes_are_unchanged() {
    golden("receipt-80mm.bin", 48, true);
}

/// A `w`×`h` grey gradient PNG (dithering has something to do).
fn wide_png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("PNG header");
        let data: Vec<u8> = (0..h)
            .flat_map(|_| (0..w).flat_map(|x| [(x * 255 / w) as u8; 3]))
            .collect();
        writer.write_image_data(&data).expect("PNG data");
    }
    out
}
