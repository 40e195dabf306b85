//! A receipt as the paper shows it: lines of text with weight, size and alignment, a label with an
//! amount across from it, a barcode, a QR code, the shop's logo.
//!
//! The till decides *what* a receipt says ([`Document`]); [`Document::layout`] fits it to a paper
//! width in characters, the same way for the thermal printer, the screen and `--preview`, so all
//! three show the same lines. Turning the laid-out lines into a printer's bytes is the printer
//! crate's work.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a line of text sits across the paper.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// How a line is printed: bold, and twice as tall and/or twice as wide (a wide character takes
/// two columns of the paper).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Style {
    pub bold: bool,
    pub tall: bool,
    pub wide: bool,
}

impl Style {
    pub const PLAIN: Style = Style {
        bold: false,
        tall: false,
        wide: false,
    };
    pub const BOLD: Style = Style {
        bold: true,
        tall: false,
        wide: false,
    };
    /// Bold, twice as tall and twice as wide: the shop's name, the total.
    pub const LARGE: Style = Style {
        bold: true,
        tall: true,
        wide: true,
    };

    /// Columns one character takes.
    pub fn cell(self) -> usize {
        if self.wide {
            2
        } else {
            1
        }
    }
}

/// One part of a receipt, in the order it prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph, wrapped between words to the paper's width.
    Text {
        text: String,
        align: Align,
        style: Style,
    },
    /// A label on the left and an amount on the right of the same line; a long label wraps and
    /// the amount stays on its first line.
    Pair {
        left: String,
        right: String,
        style: Style,
    },
    /// A dashed line across the paper.
    Rule,
    /// Empty lines.
    Feed { lines: u8 },
    /// A Code 128 barcode of `data` with the text printed under it.
    Barcode { data: String },
    /// A QR code of `data`.
    Qr { data: String },
    /// The shop's logo, centred, scaled to the paper.
    Logo,
}

/// What a receipt says, before it is fitted to a paper width.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Document {
    pub blocks: Vec<Block>,
}

/// One laid-out line: text already placed across the paper (padded on the left for centred and
/// right-aligned text), or a picture the printer draws centred.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Line {
    Text { text: String, style: Style },
    Barcode { data: String },
    Qr { data: String },
    Logo,
}

impl Line {
    /// The text of a text line (`None` for a picture).
    pub fn text(&self) -> Option<&str> {
        match self {
            Line::Text { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// The paper widths a receipt printer takes, in characters of its standard font.
pub const COLUMNS: [usize; 3] = [32, 42, 48];

impl Document {
    pub fn new() -> Document {
        Document::default()
    }

    pub fn text(&mut self, text: impl Into<String>, align: Align, style: Style) -> &mut Self {
        self.blocks.push(Block::Text {
            text: text.into(),
            align,
            style,
        });
        self
    }

    pub fn centred(&mut self, text: impl Into<String>) -> &mut Self {
        self.text(text, Align::Center, Style::PLAIN)
    }

    pub fn pair(&mut self, left: impl Into<String>, right: impl Into<String>) -> &mut Self {
        self.pair_styled(left, right, Style::PLAIN)
    }

    pub fn pair_styled(
        &mut self,
        left: impl Into<String>,
        right: impl Into<String>,
        style: Style,
    ) -> &mut Self {
        self.blocks.push(Block::Pair {
            left: left.into(),
            right: right.into(),
            style,
        });
        self
    }

    pub fn rule(&mut self) -> &mut Self {
        self.blocks.push(Block::Rule);
        self
    }

    pub fn feed(&mut self, lines: u8) -> &mut Self {
        self.blocks.push(Block::Feed { lines });
        self
    }

    pub fn push(&mut self, block: Block) -> &mut Self {
        self.blocks.push(block);
        self
    }

    /// The receipt fitted to `columns` characters across (32 on 58 mm paper, 48 or 42 on 80 mm).
    /// No text line is longer than the paper; a word too long for a line is cut across lines.
    pub fn layout(&self, columns: usize) -> Vec<Line> {
        let columns = columns.max(8);
        let mut out = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Text { text, align, style } => {
                    let width = columns / style.cell();
                    for piece in text.split('\n') {
                        for line in wrap(piece, width) {
                            out.push(Line::Text {
                                text: place(&line, *align, width),
                                style: *style,
                            });
                        }
                    }
                }
                Block::Pair { left, right, style } => {
                    let width = columns / style.cell();
                    let right_len = right.chars().count().min(width);
                    let right: String = right.chars().take(right_len).collect();
                    // The label takes what the amount leaves, with one space between.
                    let room = width.saturating_sub(right_len + 1).max(1);
                    let mut lines = wrap(left, room);
                    if lines.is_empty() {
                        lines.push(String::new());
                    }
                    for (i, line) in lines.into_iter().enumerate() {
                        let text = if i == 0 {
                            let gap = width.saturating_sub(line.chars().count() + right_len);
                            format!("{line}{}{right}", " ".repeat(gap))
                        } else {
                            line
                        };
                        out.push(Line::Text {
                            text,
                            style: *style,
                        });
                    }
                }
                Block::Rule => out.push(Line::Text {
                    text: "-".repeat(columns),
                    style: Style::PLAIN,
                }),
                Block::Feed { lines } => {
                    for _ in 0..*lines {
                        out.push(Line::Text {
                            text: String::new(),
                            style: Style::PLAIN,
                        });
                    }
                }
                Block::Barcode { data } => out.push(Line::Barcode { data: data.clone() }),
                Block::Qr { data } => out.push(Line::Qr { data: data.clone() }),
                Block::Logo => out.push(Line::Logo),
            }
        }
        out
    }

    /// The receipt as plain text lines, `columns` wide: what `--preview` writes. Text printed
    /// twice as wide is laid out as ordinary text (a terminal cannot widen it); a barcode or QR
    /// code shows as its data between brackets, the logo as `[logo]`, centred.
    pub fn plain_text(&self, columns: usize) -> Vec<String> {
        let columns = columns.max(8);
        let mut narrow = self.clone();
        for block in &mut narrow.blocks {
            if let Block::Text { style, .. } | Block::Pair { style, .. } = block {
                style.wide = false;
            }
        }
        narrow
            .layout(columns)
            .into_iter()
            .map(|line| match line {
                Line::Text { text, .. } => text,
                Line::Barcode { data } => place(&format!("[|| {data} ||]"), Align::Center, columns),
                Line::Qr { data } => place(&format!("[QR {data}]"), Align::Center, columns),
                Line::Logo => place("[logo]", Align::Center, columns),
            })
            .collect()
    }
}

/// Breaks `text` into lines of at most `width` characters, between words where it can; a
/// paragraph's leading spaces indent each of its lines.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let indent = text.len() - text.trim_start_matches(' ').len();
    if indent > 0 && indent < width / 2 {
        let pad = " ".repeat(indent);
        return wrap(text.trim_start_matches(' '), width - indent)
            .into_iter()
            .map(|l| if l.is_empty() { l } else { format!("{pad}{l}") })
            .collect();
    }
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        // A word longer than a line is cut.
        while word.len() > width {
            if len > 0 {
                lines.push(std::mem::take(&mut line));
                len = 0;
            }
            let rest = word.split_off(width);
            lines.push(word.into_iter().collect());
            word = rest;
        }
        if word.is_empty() {
            continue;
        }
        let need = if len == 0 {
            word.len()
        } else {
            len + 1 + word.len()
        };
        if need > width {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.extend(word.iter());
        len += word.len();
    }
    if len > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Places a line of at most `width` characters across the paper.
fn place(line: &str, align: Align, width: usize) -> String {
    let len = line.chars().count();
    let gap = width.saturating_sub(len);
    match align {
        Align::Left => line.to_string(),
        Align::Center => format!("{}{line}", " ".repeat(gap / 2)),
        Align::Right => format!("{}{line}", " ".repeat(gap)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &Document, columns: usize) -> Vec<String> {
        doc.layout(columns)
            .iter()
            .filter_map(|l| l.text().map(str::to_string))
            .collect()
    }

    #[test]
    fn a_pair_puts_the_amount_at_the_right_edge_and_wraps_a_long_label() {
        let mut d = Document::new();
        d.pair("2 x Croissant", "3.60");
        d.pair("Extra large oat milk flat white with cinnamon", "12.50");
        let lines = texts(&d, 32);
        assert_eq!(lines[0], format!("2 x Croissant{}3.60", " ".repeat(15)));
        assert_eq!(lines[0].chars().count(), 32);
        assert!(lines[1].ends_with("12.50"));
        assert_eq!(lines[1].chars().count(), 32);
        assert!(lines[1].starts_with("Extra large oat milk flat"));
        assert_eq!(lines[2], "white with cinnamon");
    }

    #[test]
    fn no_line_is_wider_than_the_paper() {
        let mut d = Document::new();
        d.text("Ümlaut café £ € ñ ".repeat(9), Align::Center, Style::PLAIN)
            .text("x".repeat(100), Align::Left, Style::LARGE)
            .pair("y".repeat(70), "1,234,567.89")
            .pair_styled("TOTAL", "99.99", Style::LARGE)
            .rule();
        for columns in COLUMNS {
            for line in d.layout(columns) {
                if let Line::Text { text, style } = line {
                    assert!(
                        text.chars().count() * style.cell() <= columns,
                        "{text:?} is wider than {columns}"
                    );
                }
            }
        }
    }

    #[test]
    fn centred_and_right_aligned_text_is_padded_on_the_left() {
        let mut d = Document::new();
        d.centred("Thank you")
            .text("REPRINT", Align::Right, Style::BOLD)
            .text("BIG", Align::Center, Style::LARGE);
        let lines = texts(&d, 48);
        assert_eq!(lines[0], format!("{}Thank you", " ".repeat(19)));
        assert_eq!(lines[1], format!("{}REPRINT", " ".repeat(41)));
        // 24 wide characters across: BIG starts after (24 - 3) / 2 of them.
        assert_eq!(lines[2], format!("{}BIG", " ".repeat(10)));
    }

    #[test]
    fn plain_text_shows_pictures_and_a_rule_the_width_of_the_paper() {
        let mut d = Document::new();
        d.push(Block::Logo).rule().feed(1).push(Block::Barcode {
            data: "T1-000042".into(),
        });
        let text = d.plain_text(32);
        assert_eq!(text[0].trim(), "[logo]");
        assert_eq!(text[1], "-".repeat(32));
        assert_eq!(text[2], "");
        assert_eq!(text[3].trim(), "[|| T1-000042 ||]");
    }

    #[test]
    fn plain_text_shows_wide_text_as_ordinary_text_across_the_same_paper() {
        let mut d = Document::new();
        d.text("Corner Shop", Align::Center, Style::LARGE)
            .pair_styled("TOTAL", "GBP 2.49", Style::LARGE);
        let text = d.plain_text(32);
        assert_eq!(text[0], format!("{}Corner Shop", " ".repeat(10)));
        assert_eq!(text[1].chars().count(), 32);
        assert!(text[1].starts_with("TOTAL") && text[1].ends_with("GBP 2.49"));
    }

    #[test]
    fn an_indented_paragraph_keeps_its_indent_on_every_line() {
        let mut d = Document::new();
        d.text(
            "  2 x 3.60 (price changed, was 4.00)",
            Align::Left,
            Style::PLAIN,
        );
        let lines = texts(&d, 20);
        assert_eq!(lines, vec!["  2 x 3.60 (price", "  changed, was 4.00)"]);
    }

    #[test]
    fn a_line_break_in_text_starts_a_new_line() {
        let mut d = Document::new();
        d.text("1 High Street\nLeeds LS1 1AA", Align::Center, Style::PLAIN);
        let lines = texts(&d, 32);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].trim(), "Leeds LS1 1AA");
    }
}
