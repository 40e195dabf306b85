//! How the till ranks products for what a cashier types: "latte reg" is the regular latte, not
//! the chai latte that sorts first; "flat white r" is the regular, never the large.
//!
//! A name matches when every typed word starts one of its words (in any order). Among those:
//! more typed words that are whole words of the name first ("tea" is the word tea, not the
//! start of "teacake"), then the more sold, then the name beginning with the first typed word,
//! then the shorter name, then by name. Products found any other way (by SKU, category, a near
//! miss) come after every name that matches.

use std::cmp::Ordering;

/// What was typed, split into words as names are: lowercased, on anything not a letter or digit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Typed {
    words: Vec<String>,
}

/// The words of `text` as search compares them.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
        .collect()
}

/// Lowercase with the common accents taken off, as the catalog's full-text index compares
/// ("Café" is typed "cafe").
fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect()
}

impl Typed {
    pub fn new(text: &str) -> Typed {
        Typed { words: words(text) }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The typed words.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// How well `name` (sold `sold` times lately) answers what was typed; `None` when some typed
    /// word starts none of the name's words.
    pub fn rank(&self, name: &str, sold: i64) -> Option<Rank> {
        if self.words.is_empty() {
            return None;
        }
        let name_words = words(name);
        let mut used = vec![false; name_words.len()];
        let mut whole = 0u32;
        // Each typed word takes a name word of its own: a whole-word match where there is one,
        // else the first unused word it starts ("tea t" is not "Tea" twice).
        for w in &self.words {
            let exact = (0..name_words.len()).find(|&i| !used[i] && name_words[i] == *w);
            let at = exact.or_else(|| {
                (0..name_words.len()).find(|&i| !used[i] && name_words[i].starts_with(w.as_str()))
            })?;
            used[at] = true;
            if exact.is_some() {
                whole += 1;
            }
        }
        Some(Rank {
            whole,
            sold: sold.max(0),
            leads: name_words
                .first()
                .is_some_and(|first| first.starts_with(self.words[0].as_str())),
            length: name.chars().count(),
            name: name.to_lowercase(),
        })
    }
}

/// A name's place in the results: compare with `<`, the best first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rank {
    whole: u32,
    sold: i64,
    leads: bool,
    length: usize,
    name: String,
}

impl Ord for Rank {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .whole
            .cmp(&self.whole)
            .then(other.sold.cmp(&self.sold))
            .then(other.leads.cmp(&self.leads))
            .then(self.length.cmp(&other.length))
            .then(self.name.cmp(&other.name))
    }
}

impl PartialOrd for Rank {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in the order a cashier sees them for `typed` (sales by name), matches only.
    fn ranked(typed: &str, names: &[(&str, i64)]) -> Vec<String> {
        let t = Typed::new(typed);
        let mut found: Vec<(Rank, &str)> = names
            .iter()
            .filter_map(|(n, sold)| t.rank(n, *sold).map(|r| (r, *n)))
            .collect();
        found.sort();
        found.into_iter().map(|(_, n)| n.to_string()).collect()
    }

    const CAFE: &[(&str, i64)] = &[
        ("Chai latte regular", 0),
        ("Chai latte large", 0),
        ("Latte regular", 0),
        ("Latte large", 0),
        ("Flat white large", 0),
        ("Flat white regular", 0),
        ("Tea bags 80 pack", 0),
        ("English breakfast tea regular", 0),
        ("Teacake", 0),
    ];

    #[test]
    fn every_typed_word_starts_a_word_of_the_name_and_whole_words_lead() {
        assert_eq!(
            ranked("latte reg", CAFE),
            ["Latte regular", "Chai latte regular"]
        );
        assert_eq!(ranked("flat white r", CAFE), ["Flat white regular"]);
        assert_eq!(ranked("r white", CAFE), ["Flat white regular"]);
        assert_eq!(
            ranked("tea", CAFE),
            [
                "Tea bags 80 pack",
                "English breakfast tea regular",
                "Teacake"
            ]
        );
        assert!(
            ranked("tea tea", CAFE).is_empty(),
            "one word of the name each"
        );
        assert!(ranked("mocha", CAFE).is_empty());
    }

    #[test]
    fn the_more_sold_comes_first_among_equal_matches() {
        let sold = [
            ("Tea bags 80 pack", 2),
            ("English breakfast tea regular", 340),
        ];
        assert_eq!(
            ranked("tea", &sold),
            ["English breakfast tea regular", "Tea bags 80 pack"]
        );
        // Sales never lift a partial word over a whole one.
        let sold = [("Teacake", 900), ("Green tea", 1)];
        assert_eq!(ranked("tea", &sold), ["Green tea", "Teacake"]);
    }

    #[test]
    fn shorter_names_and_accents_as_the_index_reads_them() {
        assert_eq!(
            ranked("cafe", &[("Café au lait grande", 0), ("Café", 0)]),
            ["Café", "Café au lait grande"]
        );
        assert_eq!(words("  Flat-white  (REG) "), ["flat", "white", "reg"]);
        assert!(Typed::new(" ,. ").is_empty());
    }
}
