//! The character tables a receipt printer prints text in, and how Unicode text gets onto one.
//!
//! A printer knows 256 glyphs at a time: ASCII and the upper half of the selected code page. A
//! character the page has prints as itself; any other degrades to something a customer can
//! still read (é → e, ß → ss, € → EUR, “ → "), never to `?`; what has no reading becomes a
//! space. Text can never produce a control byte (below 0x20, 0x7F): a product named with an
//! ESC/POS command in it prints as spaces, it does not cut the paper or open the drawer.

use std::fmt;
use std::str::FromStr;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::tables;

/// A code page the printer is told to use (`ESC t n`). The default, PC858, is PC850 with the
/// euro sign: it has €, £, é, ü, ñ and most Western European letters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CodePage {
    /// The original IBM PC page: accents, box drawing, no €.
    Pc437,
    /// Western European (DOS), no €.
    Pc850,
    /// Central European (DOS).
    Pc852,
    /// Western European (DOS) with €.
    #[default]
    Pc858,
    /// Portuguese (DOS).
    Pc860,
    /// Canadian French (DOS).
    Pc863,
    /// Nordic (DOS).
    Pc865,
    /// Cyrillic (DOS).
    Pc866,
    /// Central European (Windows).
    Wpc1250,
    /// Cyrillic (Windows).
    Wpc1251,
    /// Western European (Windows), with €.
    Wpc1252,
    /// Latin-9, with €.
    Iso8859_15,
}

impl CodePage {
    /// Every code page, in the order a settings screen lists them.
    pub const ALL: [CodePage; 12] = [
        CodePage::Pc858,
        CodePage::Pc437,
        CodePage::Pc850,
        CodePage::Pc852,
        CodePage::Pc860,
        CodePage::Pc863,
        CodePage::Pc865,
        CodePage::Pc866,
        CodePage::Wpc1250,
        CodePage::Wpc1251,
        CodePage::Wpc1252,
        CodePage::Iso8859_15,
    ];

    /// The name used in settings and addresses: `pc858`, `wpc1252`, `iso8859-15`.
    pub fn name(self) -> &'static str {
        match self {
            CodePage::Pc437 => "pc437",
            CodePage::Pc850 => "pc850",
            CodePage::Pc852 => "pc852",
            CodePage::Pc858 => "pc858",
            CodePage::Pc860 => "pc860",
            CodePage::Pc863 => "pc863",
            CodePage::Pc865 => "pc865",
            CodePage::Pc866 => "pc866",
            CodePage::Wpc1250 => "wpc1250",
            CodePage::Wpc1251 => "wpc1251",
            CodePage::Wpc1252 => "wpc1252",
            CodePage::Iso8859_15 => "iso8859-15",
        }
    }

    /// The page as the escpos crate names it; its number is what `ESC t n` sends.
    pub(crate) fn escpos_page(self) -> escpos::utils::PageCode {
        use escpos::utils::PageCode;
        match self {
            CodePage::Pc437 => PageCode::PC437,
            CodePage::Pc850 => PageCode::PC850,
            CodePage::Pc852 => PageCode::PC852,
            CodePage::Pc858 => PageCode::PC858,
            CodePage::Pc860 => PageCode::PC860,
            CodePage::Pc863 => PageCode::PC863,
            CodePage::Pc865 => PageCode::PC865,
            CodePage::Pc866 => PageCode::PC866,
            CodePage::Wpc1250 => PageCode::WPC1250,
            CodePage::Wpc1251 => PageCode::WPC1251,
            CodePage::Wpc1252 => PageCode::WPC1252,
            CodePage::Iso8859_15 => PageCode::ISO8859_15,
        }
    }

    /// `n` of `ESC t n` (Epson's numbering).
    pub fn esc_t(self) -> u8 {
        u8::from(self.escpos_page())
    }

    /// The page selected by `ESC t n`, if it is one of ours.
    pub fn from_esc_t(n: u8) -> Option<CodePage> {
        CodePage::ALL.into_iter().find(|page| page.esc_t() == n)
    }

    fn upper(self) -> &'static [char; 128] {
        match self {
            CodePage::Pc437 => &tables::PC437,
            CodePage::Pc850 => &tables::PC850,
            CodePage::Pc852 => &tables::PC852,
            CodePage::Pc858 => &tables::PC858,
            CodePage::Pc860 => &tables::PC860,
            CodePage::Pc863 => &tables::PC863,
            CodePage::Pc865 => &tables::PC865,
            CodePage::Pc866 => &tables::PC866,
            CodePage::Wpc1250 => &tables::WPC1250,
            CodePage::Wpc1251 => &tables::WPC1251,
            CodePage::Wpc1252 => &tables::WPC1252,
            CodePage::Iso8859_15 => &tables::ISO8859_15,
        }
    }

    /// The byte for `c` on this page, if the page has it. Only printable bytes: 0x20–0x7E and
    /// the defined glyphs of 0x80–0xFF.
    pub fn byte(self, c: char) -> Option<u8> {
        if (' '..='~').contains(&c) {
            return Some(c as u8);
        }
        if c == '\0' {
            return None;
        }
        let i = self.upper().iter().position(|&g| g == c)?;
        u8::try_from(0x80 + i).ok()
    }

    /// The character a printer set to this page prints for `byte` (`None` for a control code
    /// or an undefined byte).
    pub fn char(self, byte: u8) -> Option<char> {
        match byte {
            0x20..=0x7E => Some(char::from(byte)),
            0x80..=0xFF => match self.upper()[usize::from(byte - 0x80)] {
                '\0' => None,
                c => Some(c),
            },
            _ => None,
        }
    }

    /// `text` as this page's bytes, each character degraded as the module says. Every byte is
    /// printable: never below 0x20, never 0x7F.
    pub fn encode(self, text: &str) -> Vec<u8> {
        encode_on(Some(self), text)
    }

    /// `text` as it will print on this page (what [`CodePage::encode`] gives, read back).
    pub fn degrade(self, text: &str) -> String {
        self.encode(text)
            .into_iter()
            .map(|b| self.char(b).unwrap_or(' '))
            .collect()
    }
}

/// `text` in printable ASCII only (barcode and QR data), degraded the same way as text.
pub(crate) fn ascii(text: &str) -> String {
    encode_on(None, text).into_iter().map(char::from).collect()
}

fn encode_on(page: Option<CodePage>, text: &str) -> Vec<u8> {
    let byte = |c: char| match page {
        Some(page) => page.byte(c),
        None => (' '..='~').contains(&c).then_some(c as u8),
    };
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if let Some(b) = byte(c) {
            out.push(b);
            continue;
        }
        if let Some(reading) = reading(c) {
            // Readings are printable ASCII, on every page.
            out.extend(reading.bytes().filter(|b| (0x20..0x7F).contains(b)));
            continue;
        }
        // é → e + ◌́ ; ﬁ → fi ; ① → 1: keep what the page has, drop the accents.
        let mut wrote = false;
        for d in std::iter::once(c).nfkd() {
            if is_combining_mark(d) {
                continue;
            }
            if d == c {
                break;
            }
            if let Some(b) = byte(d) {
                out.push(b);
                wrote = true;
            } else if let Some(reading) = reading(d) {
                out.extend(reading.bytes().filter(|b| (0x20..0x7F).contains(b)));
                wrote = true;
            }
        }
        if !wrote {
            out.push(b' ');
        }
    }
    out
}

/// An ASCII reading for a character that does not decompose into one.
fn reading(c: char) -> Option<&'static str> {
    Some(match c {
        '€' => "EUR",
        '£' => "GBP",
        '¥' => "JPY",
        '¢' => "c",
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => "\"",
        '‘' | '’' | '‚' | '‛' | '′' | '‹' | '›' => "'",
        '–' | '—' | '―' | '‐' | '‑' | '−' => "-",
        '…' => "...",
        '•' | '·' | '∙' => "*",
        '×' => "x",
        '÷' => "/",
        'ß' | 'ẞ' => "ss",
        'Æ' => "AE",
        'æ' => "ae",
        'Œ' => "OE",
        'œ' => "oe",
        'Ø' => "O",
        'ø' => "o",
        'Đ' | 'Ð' => "D",
        'đ' | 'ð' => "d",
        'Þ' => "Th",
        'þ' => "th",
        'Ł' => "L",
        'ł' => "l",
        'ı' => "i",
        '©' => "(c)",
        '®' => "(R)",
        '°' => "o",
        '\u{A0}' | '\t' => " ",
        _ => return None,
    })
}

impl fmt::Display for CodePage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A code page name nobody knows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{given}' is not a code page this till knows; use one of {known}")]
pub struct CodePageError {
    pub given: String,
    pub known: String,
}

impl FromStr for CodePage {
    type Err = CodePageError;

    fn from_str(s: &str) -> Result<CodePage, CodePageError> {
        let wanted: String = s
            .trim()
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let wanted = wanted
            .strip_prefix("cp")
            .map(|rest| format!("pc{rest}"))
            .unwrap_or(wanted);
        CodePage::ALL
            .into_iter()
            .find(|page| {
                let name: String = page.name().chars().filter(|c| *c != '-').collect();
                name == wanted || name.strip_prefix('w') == Some(&wanted)
            })
            .ok_or_else(|| CodePageError {
                given: s.to_string(),
                known: CodePage::ALL.map(CodePage::name).join(", "),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_names_itself_and_parses_back_and_knows_its_esc_t_number() {
        for page in CodePage::ALL {
            assert_eq!(page.name().parse::<CodePage>(), Ok(page));
            assert_eq!(CodePage::from_esc_t(page.esc_t()), Some(page));
        }
        assert_eq!("CP858".parse::<CodePage>(), Ok(CodePage::Pc858));
        assert_eq!("1252".parse::<CodePage>().ok(), None);
        assert_eq!("cp1252".parse::<CodePage>(), Ok(CodePage::Wpc1252));
        assert_eq!(CodePage::Pc858.esc_t(), 19);
        assert_eq!(CodePage::Pc437.esc_t(), 0);
        let err = "klingon"
            .parse::<CodePage>()
            .expect_err("not a page")
            .to_string();
        assert!(err.contains("'klingon'") && err.contains("pc858"), "{err}");
    }

    #[test]
    fn no_character_becomes_a_control_byte_on_any_page() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        for page in CodePage::ALL {
            for b in page.encode(&all) {
                assert!(b >= 0x20 && b != 0x7F, "{page}: byte {b:#04x}");
            }
        }
    }

    #[test]
    fn letters_degrade_to_letters_never_to_a_question_mark() {
        assert_eq!(CodePage::Pc866.degrade("Café Ñandú"), "Cafe Nandu");
        assert_eq!(
            CodePage::Pc437.degrade("€5 “ok” – Straße"),
            "EUR5 \"ok\" - Straße"
        );
        assert_eq!(CodePage::Pc866.degrade("Straße £2"), "Strasse GBP2");
        assert_eq!(CodePage::Pc858.degrade("€ £ é ü ñ"), "€ £ é ü ñ");
        assert_eq!(
            CodePage::Pc437.degrade("Œuvre ﬁne Łódź"),
            "OEuvre fine Lódz"
        );
        assert_eq!(CodePage::Pc858.degrade("日本"), "  ");
    }
}
