//! The relay's log: one line per event on stderr, with every field escaped so that nothing a
//! client sends (a shop name in a URL, a header) can start a line of its own, rewrite one, or
//! drive the terminal; colours only when stderr is a terminal.

use std::fmt::{self, Write as _};
use std::io::IsTerminal;
use tracing_subscriber::field::MakeExt;
use tracing_subscriber::fmt::format;

/// Text with control characters (line breaks, escapes, and the Unicode ones that reorder or
/// break lines) written as escapes: `\n`, `\r`, `\t`, `\u{1b}`.
pub struct Escaped<'a>(pub &'a str);

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if needs_escape(c) => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// Logs to stderr at the level `RUST_LOG` asks for (`info` by default).
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Each field is rendered, then escaped: a `%value` field is written with its Display, which
    // the default formatter passes through raw.
    let fields = format::debug_fn(|writer, field, value| {
        let text = format!("{value:?}");
        if field.name() == "message" {
            write!(writer, "{}", Escaped(&text))
        } else {
            write!(writer, "{}={}", field.name(), Escaped(&text))
        }
    })
    .delimited(" ");
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .fmt_fields(fields)
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_written_as_escapes() {
        let forged = "x\n2026-01-01T00:00:00Z ERROR forged\u{1b}[2J\r\t\u{202e}\u{85}é";
        assert_eq!(
            Escaped(forged).to_string(),
            "x\\n2026-01-01T00:00:00Z ERROR forged\\u{1b}[2J\\r\\t\\u{202e}\\u{85}é"
        );
    }
}
