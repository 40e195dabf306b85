//! Test support: ESC/POS bytes back into what the paper shows — text lines with their style,
//! barcodes, QR codes, pictures, drawer kicks and cuts, in order. It knows exactly the commands
//! the encoder writes (and the status queries a transport sends); anything else is an error
//! naming the byte offset, so the encoder cannot emit garbage unnoticed.

use versapos_core::receipt::Style;

use crate::{CodePage, DrawerPin};

/// A line of text as printed, mapped back through the code page to Unicode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintedLine {
    pub text: String,
    pub style: Style,
}

/// One thing on the paper (or done by the printer), in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Printed {
    Text(PrintedLine),
    Barcode(String),
    Qr(String),
    /// A raster picture, `width` × `height` dots.
    Image {
        width: usize,
        height: usize,
    },
    Kick(DrawerPin),
    Cut,
}

/// Everything the bytes print.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paper {
    pub lines: Vec<PrintedLine>,
    pub barcodes: Vec<String>,
    pub qrs: Vec<String>,
    pub images: usize,
    pub kicks: Vec<DrawerPin>,
    pub cuts: usize,
    /// All of the above in the order they happen.
    pub items: Vec<Printed>,
}

impl Paper {
    /// The text lines.
    pub fn text(&self) -> Vec<String> {
        self.lines.iter().map(|l| l.text.clone()).collect()
    }

    fn push(&mut self, item: Printed) {
        match &item {
            Printed::Text(line) => self.lines.push(line.clone()),
            Printed::Barcode(data) => self.barcodes.push(data.clone()),
            Printed::Qr(data) => self.qrs.push(data.clone()),
            Printed::Image { .. } => self.images += 1,
            Printed::Kick(pin) => self.kicks.push(*pin),
            Printed::Cut => self.cuts += 1,
        }
        self.items.push(item);
    }
}

/// Bytes the decoder does not understand.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} at byte offset {offset}")]
pub struct DecodeError {
    pub offset: usize,
    pub what: String,
}

/// Decodes `bytes` as a printer set to `code_page` after power-on would print them.
pub fn decode(bytes: &[u8], code_page: CodePage) -> Result<Paper, DecodeError> {
    let mut d = Decoder {
        bytes,
        at: 0,
        page: code_page,
        default_page: code_page,
        style: Style::PLAIN,
        line: None,
        qr: None,
        paper: Paper::default(),
    };
    d.run()?;
    d.flush_line();
    Ok(d.paper)
}

struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
    page: CodePage,
    default_page: CodePage,
    style: Style,
    line: Option<String>,
    qr: Option<String>,
    paper: Paper,
}

impl Decoder<'_> {
    fn error(&self, offset: usize, what: impl Into<String>) -> DecodeError {
        DecodeError {
            offset,
            what: what.into(),
        }
    }

    fn take(&mut self, n: usize, start: usize, what: &str) -> Result<&[u8], DecodeError> {
        if self.at + n > self.bytes.len() {
            return Err(self.error(start, format!("{what} cut short")));
        }
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }

    fn byte(&mut self, start: usize, what: &str) -> Result<u8, DecodeError> {
        Ok(self.take(1, start, what)?[0])
    }

    fn flush_line(&mut self) {
        if let Some(text) = self.line.take() {
            self.paper.push(Printed::Text(PrintedLine {
                text,
                style: self.style,
            }));
        }
    }

    fn run(&mut self) -> Result<(), DecodeError> {
        while self.at < self.bytes.len() {
            let start = self.at;
            let b = self.bytes[self.at];
            self.at += 1;
            match b {
                0x0A => {
                    let text = self.line.take().unwrap_or_default();
                    self.paper.push(Printed::Text(PrintedLine {
                        text,
                        style: self.style,
                    }));
                }
                0x1B => self.esc(start)?,
                0x1D => self.gs(start)?,
                0x10 => self.dle(start)?,
                0x20..=0x7E | 0x80..=0xFF => {
                    let c = self.page.char(b).ok_or_else(|| {
                        self.error(
                            start,
                            format!("byte {b:#04x} is not a character of {}", self.page),
                        )
                    })?;
                    self.line.get_or_insert_with(String::new).push(c);
                }
                _ => return Err(self.error(start, format!("unknown control byte {b:#04x}"))),
            }
        }
        Ok(())
    }

    fn esc(&mut self, start: usize) -> Result<(), DecodeError> {
        let cmd = self.byte(start, "ESC")?;
        match cmd {
            b'@' => {
                self.flush_line();
                self.style = Style::PLAIN;
                self.page = self.default_page;
            }
            b't' => {
                let n = self.byte(start, "ESC t")?;
                self.page = CodePage::from_esc_t(n)
                    .ok_or_else(|| self.error(start, format!("ESC t {n}: unknown code page")))?;
            }
            b'E' => self.style.bold = self.byte(start, "ESC E")? & 1 == 1,
            b'a' => {
                let n = self.byte(start, "ESC a")?;
                if !matches!(n, 0..=2 | 48..=50) {
                    return Err(self.error(start, format!("ESC a {n}: no such alignment")));
                }
            }
            b'd' => {
                let n = self.byte(start, "ESC d")?;
                self.flush_line();
                for _ in 0..n {
                    self.paper.push(Printed::Text(PrintedLine {
                        text: String::new(),
                        style: self.style,
                    }));
                }
            }
            b'p' => {
                let args = self.take(3, start, "ESC p")?;
                let pin = match args[0] {
                    0 | 48 => DrawerPin::Pin2,
                    1 | 49 => DrawerPin::Pin5,
                    m => return Err(self.error(start, format!("ESC p {m}: no such drawer pin"))),
                };
                self.paper.push(Printed::Kick(pin));
            }
            other => {
                return Err(self.error(start, format!("unknown command ESC {other:#04x}")));
            }
        }
        Ok(())
    }

    fn gs(&mut self, start: usize) -> Result<(), DecodeError> {
        let cmd = self.byte(start, "GS")?;
        match cmd {
            b'!' => {
                let n = self.byte(start, "GS !")?;
                self.style.wide = n & 0x70 != 0;
                self.style.tall = n & 0x07 != 0;
            }
            // Barcode height, module width, text position, text font.
            b'h' | b'w' | b'H' | b'f' => {
                self.byte(start, "GS h/w/H/f")?;
            }
            b'k' => {
                self.flush_line();
                let m = self.byte(start, "GS k")?;
                let data: Vec<u8> = if m <= 6 {
                    let rest = &self.bytes[self.at..];
                    let end = rest
                        .iter()
                        .position(|&b| b == 0)
                        .ok_or_else(|| self.error(start, "GS k without its closing NUL"))?;
                    self.at += end + 1;
                    rest[..end].to_vec()
                } else {
                    let n = usize::from(self.byte(start, "GS k")?);
                    self.take(n, start, "GS k data")?.to_vec()
                };
                let mut text = String::new();
                let mut i = 0;
                if m == 73 {
                    // Code 128: "{A/B/C" switch code sets, "{{" is a brace.
                    while i < data.len() {
                        if data[i] == b'{' && i + 1 < data.len() {
                            if data[i + 1] == b'{' {
                                text.push('{');
                            }
                            i += 2;
                        } else {
                            text.push(char::from(data[i]));
                            i += 1;
                        }
                    }
                } else {
                    text = data.iter().map(|&b| char::from(b)).collect();
                }
                self.paper.push(Printed::Barcode(text));
            }
            b'(' => {
                let fn_class = self.byte(start, "GS (")?;
                let len = self.take(2, start, "GS (")?;
                let len = usize::from(u16::from_le_bytes([len[0], len[1]]));
                let body = self.take(len, start, "GS ( data")?.to_vec();
                if fn_class != b'k' || body.len() < 2 || body[0] != 49 {
                    return Err(self.error(start, format!("unknown command GS ( {fn_class:#04x}")));
                }
                match body[1] {
                    65 | 67 | 69 => {} // model, module size, error correction
                    80 => {
                        self.qr = Some(
                            body[3.min(body.len())..]
                                .iter()
                                .map(|&b| char::from(b))
                                .collect(),
                        )
                    }
                    81 => {
                        self.flush_line();
                        let data = self
                            .qr
                            .take()
                            .ok_or_else(|| self.error(start, "QR code printed before its data"))?;
                        self.paper.push(Printed::Qr(data));
                    }
                    f => return Err(self.error(start, format!("unknown QR function {f}"))),
                }
            }
            b'v' => {
                let args = self.take(6, start, "GS v 0")?.to_vec();
                if args[0] != b'0' {
                    return Err(self.error(start, "unknown command GS v"));
                }
                let x = usize::from(u16::from_le_bytes([args[2], args[3]]));
                let y = usize::from(u16::from_le_bytes([args[4], args[5]]));
                self.take(x * y, start, "GS v 0 image")?;
                self.flush_line();
                self.paper.push(Printed::Image {
                    width: x * 8,
                    height: y,
                });
            }
            b'V' => {
                let m = self.byte(start, "GS V")?;
                match m {
                    0 | 1 | 48 | 49 => {}
                    65 | 66 | 97..=100 => {
                        self.byte(start, "GS V")?;
                    }
                    m => return Err(self.error(start, format!("GS V {m}: no such cut"))),
                }
                self.flush_line();
                self.paper.push(Printed::Cut);
            }
            other => {
                return Err(self.error(start, format!("unknown command GS {other:#04x}")));
            }
        }
        Ok(())
    }

    fn dle(&mut self, start: usize) -> Result<(), DecodeError> {
        match self.byte(start, "DLE")? {
            // DLE EOT n: a status query, answered, nothing printed.
            0x04 => {
                self.byte(start, "DLE EOT")?;
            }
            // DLE DC4 1 m t: a drawer pulse now.
            0x14 => {
                let args = self.take(3, start, "DLE DC4")?.to_vec();
                let pin = match (args[0], args[1]) {
                    (1, 0) => DrawerPin::Pin2,
                    (1, 1) => DrawerPin::Pin5,
                    _ => return Err(self.error(start, "unknown DLE DC4 function")),
                };
                self.paper.push(Printed::Kick(pin));
            }
            other => return Err(self.error(start, format!("unknown command DLE {other:#04x}"))),
        }
        Ok(())
    }
}
