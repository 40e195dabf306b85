//! Text that leaves the till for somebody else's program: a spreadsheet opening a CSV file the
//! till wrote, a terminal showing a message that quotes what a file or a request contained.

use std::borrow::Cow;

/// What makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell a spreadsheet shows as the text it is: a cell that would start a formula (`=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP recommends; so does one
/// that already starts with `'`, so that [`from_spreadsheet`] gives back exactly what was
/// written. A plain number ("-2.50") is a number, not a formula, and is left as it is.
pub fn for_spreadsheet(cell: &str) -> Cow<'_, str> {
    let escape = match cell.chars().next() {
        Some('\'') => true,
        Some(c) if FORMULA_START.contains(&c) => !is_plain_number(cell),
        _ => false,
    };
    if escape {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A CSV cell as [`for_spreadsheet`] wrote it, without its escape: the leading `'` is taken off
/// only where `for_spreadsheet` would have put one (before a formula's first character or
/// another `'`), so an apostrophe a person typed ("'Tis the season") stays.
pub fn from_spreadsheet(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with('\'') || rest.starts_with(FORMULA_START) => rest,
        _ => cell,
    }
}

/// "-2.50", "+3", "-12": an optional sign, digits, and at most one decimal point.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    let mut points = 0;
    !digits.is_empty()
        && digits.chars().any(|c| c.is_ascii_digit())
        && digits.chars().all(|c| {
            points += usize::from(c == '.');
            c.is_ascii_digit() || (c == '.' && points == 1)
        })
}

/// The first character a name may not contain, if any: control characters (tabs, line breaks,
/// terminal escapes) and the invisible marks that reorder or break what is shown around them
/// (the bidirectional overrides, isolates and marks, line and paragraph separators). One rule
/// for every name the till keeps (products, customers, staff, tax rates, the shop), whichever
/// door it came in by, so no name can rewrite a receipt, a report or a terminal.
pub fn hidden_character(name: &str) -> Option<char> {
    name.chars().find(|&c| {
        c.is_control()
            || matches!(
                c,
                '\u{061C}'
                    | '\u{200E}'
                    | '\u{200F}'
                    | '\u{202A}'..='\u{202E}'
                    | '\u{2028}'
                    | '\u{2029}'
                    | '\u{2066}'..='\u{2069}'
            )
    })
}

/// What a name with a [`hidden_character`] is told: the character, by its code point.
pub fn hidden_character_message(c: char) -> String {
    format!(
        "must not contain control characters or invisible text-direction marks (found U+{:04X})",
        c as u32
    )
}

/// Text from a file or a request as a message may quote it: control characters (an ANSI escape,
/// a carriage return, a bell) are shown escaped (`\u{1b}`), never passed to the terminal or the
/// screen that prints the message.
pub fn printable(text: &str) -> Cow<'_, str> {
    escape_controls(text, |_| true)
}

/// A message of several lines, as [`printable`] but keeping its line feeds.
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    escape_controls(text, |c| c != '\n')
}

/// Lines for a terminal: as [`printable_lines`], and the invisible text-direction marks a name
/// could carry from a store written before names were checked (`U+202E` shown as `\u{202e}`), so
/// nothing the till prints can reorder or recolour what is around it.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| {
        c != '\n' && hidden_character(c.encode_utf8(&mut [0; 4])).is_some()
    })
}

fn escape_controls(text: &str, escaped: impl Fn(char) -> bool) -> Cow<'_, str> {
    escape_where(text, |c| c.is_control() && escaped(c))
}

/// `text` with each character `escape` picks shown as `\u{…}`.
fn escape_where(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if escape(c) {
                    format!("\\u{{{:x}}}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_goes_to_a_terminal_shows_escapes_and_direction_marks_as_text() {
        assert_eq!(
            for_terminal("Tea\u{1b}[2J\nnext gnp.\u{202E}exe"),
            "Tea\\u{1b}[2J\nnext gnp.\\u{202e}exe"
        );
        assert!(matches!(for_terminal("Café crème\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn names_with_escapes_or_direction_overrides_are_found_out() {
        for bad in [
            "Tea\u{1b}[2J",
            "Line\nbreak",
            "Tab\tbed",
            "Bell\u{7}",
            "C1\u{9b}31m",
            "gnp.\u{202E}exe",
            "iso\u{2066}late",
            "mark\u{200F}",
            "arabic mark\u{061C}",
            "para\u{2029}graph",
        ] {
            assert!(hidden_character(bad).is_some(), "{bad:?}");
        }
        for good in [
            "Café crème",
            "Smørrebrød",
            "جبنة",
            "חלב",
            "お茶",
            "O'Brien & Sons – 50%",
        ] {
            assert_eq!(hidden_character(good), None, "{good:?}");
        }
        assert_eq!(
            hidden_character_message('\u{202E}'),
            "must not contain control characters or invisible text-direction marks (found U+202E)"
        );
    }

    #[test]
    fn cells_that_start_a_formula_are_escaped_and_come_back_as_they_were() {
        for cell in [
            "=HYPERLINK(\"http://evil\",\"x\")",
            "+cmd|' /C calc'!A0",
            "@SUM(1+1)",
            "-1+2",
            "-",
            "\tTabbed",
            "\rReturn",
            "'=already quoted",
            "'",
            "''",
            "'Tis the season",
        ] {
            let written = for_spreadsheet(cell);
            assert!(
                written.starts_with('\''),
                "{cell:?} is escaped: {written:?}"
            );
            assert_eq!(from_spreadsheet(&written), cell, "{cell:?} round trip");
        }
    }

    #[test]
    fn plain_text_and_plain_numbers_are_left_as_they_are() {
        for cell in ["Milk 1L", "", "-2.50", "+3", "-12", "12.5", "a=b", "e-mail"] {
            assert_eq!(for_spreadsheet(cell), cell);
            assert_eq!(from_spreadsheet(cell), cell);
        }
        // A person's apostrophe that no escape put there stays.
        assert_eq!(from_spreadsheet("'Tis"), "'Tis");
        assert_eq!(for_spreadsheet("-2.5.0"), "'-2.5.0");
        assert_eq!(for_spreadsheet("--5"), "'--5");
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(printable("plain"), "plain");
        assert_eq!(
            printable("\u{1b}[31mred\u{1b}[0m\r\n\u{7}"),
            "\\u{1b}[31mred\\u{1b}[0m\\u{d}\\u{a}\\u{7}"
        );
        assert_eq!(printable("caf\u{e9} \u{9b}"), "caf\u{e9} \\u{9b}");
        assert_eq!(
            printable_lines("2 problems:\n  line 4: \u{1b}[2J\r"),
            "2 problems:\n  line 4: \\u{1b}[2J\\u{d}"
        );
    }
}

/// A stored time (RFC 3339) as people read it, in the offset it was written in:
/// "Sat 28 Nov 2026 15:27". One that cannot be read is shown as stored.
pub fn time_for_people(at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => t.format("%a %-d %b %Y %H:%M").to_string(),
        Err(_) => at.to_string(),
    }
}

/// A stored time as people read it in the shop's `locale` ("en-GB", "de-DE"; None: the shop has
/// none, written as [`time_for_people`]): the weekday and month in the locale's words, the day
/// before the month wherever people write it so, the US's 12-hour clock. Unambiguous in every one.
pub fn time_in(at: &str, locale: Option<&str>) -> String {
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(at) else {
        return at.to_string();
    };
    use chrono::{Datelike, Timelike};
    let lang = locale.and_then(|l| l.split('-').next()).unwrap_or("en");
    let (weekdays, months): (&[&str; 7], &[&str; 12]) = match lang {
        "de" => (
            &["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."],
            &[
                "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.",
                "Nov.", "Dez.",
            ],
        ),
        "fr" => (
            &["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
            &[
                "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                "nov.", "déc.",
            ],
        ),
        "es" => (
            &["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
            &[
                "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
            ],
        ),
        "it" => (
            &["lun", "mar", "mer", "gio", "ven", "sab", "dom"],
            &[
                "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
            ],
        ),
        "nl" => (
            &["ma", "di", "wo", "do", "vr", "za", "zo"],
            &[
                "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
            ],
        ),
        "ja" => (
            &["月", "火", "水", "木", "金", "土", "日"],
            &[
                "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
            ],
        ),
        _ => (
            &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            &[
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ],
        ),
    };
    let wd = weekdays[t.weekday().num_days_from_monday() as usize];
    let mo = months[t.month0() as usize];
    let (d, y, h, m) = (t.day(), t.year(), t.hour(), t.minute());
    match (lang, locale) {
        ("ja", _) => format!("{y}年{mo}月{d}日({wd}) {h:02}:{m:02}"),
        ("de", _) => format!("{wd} {d}. {mo} {y} {h:02}:{m:02}"),
        (_, Some("en-US")) => {
            let (h12, half) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            format!("{wd} {mo} {d} {y} {h12}:{m:02} {half}")
        }
        _ => format!("{wd} {d} {mo} {y} {h:02}:{m:02}"),
    }
}

#[cfg(test)]
mod time_tests {
    #[test]
    fn a_stored_time_reads_in_the_shops_locale() {
        let at = "2025-03-14T10:15:00+00:00";
        let pm = "2025-03-14T22:05:00+00:00";
        assert_eq!(super::time_in(at, None), "Fri 14 Mar 2025 10:15");
        assert_eq!(super::time_in(at, Some("en-GB")), "Fri 14 Mar 2025 10:15");
        assert_eq!(
            super::time_in(at, Some("en-US")),
            "Fri Mar 14 2025 10:15 AM"
        );
        assert_eq!(
            super::time_in(pm, Some("en-US")),
            "Fri Mar 14 2025 10:05 PM"
        );
        assert_eq!(super::time_in(at, Some("de-DE")), "Fr. 14. März 2025 10:15");
        assert_eq!(super::time_in(at, Some("fr-FR")), "ven. 14 mars 2025 10:15");
        assert_eq!(super::time_in(at, Some("ja-JP")), "2025年3月14日(金) 10:15");
        assert_eq!(super::time_in("not a time", Some("de-DE")), "not a time");
        assert_eq!(super::time_in(at, None), super::time_for_people(at));
    }

    #[test]
    fn a_stored_time_reads_as_people_write_it() {
        assert_eq!(
            super::time_for_people("2026-11-28T15:27:03.683+00:00"),
            "Sat 28 Nov 2026 15:27"
        );
        assert_eq!(super::time_for_people("not a time"), "not a time");
    }
}
