//! The long polls each till and each shop hold open, capped so that one till (or one leaked
//! token) cannot take the relay's connections for itself.

use crate::metrics::PollCap;
use crate::names::TokenHash;
use crate::store::ShopId;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

#[derive(Debug, Default)]
struct Held {
    tills: HashMap<String, usize>,
    shops: HashMap<i64, usize>,
}

/// Who holds how many long polls, against the caps.
#[derive(Debug)]
pub struct LongPolls {
    per_till: usize,
    per_shop: usize,
    held: Mutex<Held>,
}

/// One open long poll; its place is given back when it is dropped.
pub struct Slot<'a> {
    polls: &'a LongPolls,
    till: String,
    shop: i64,
}

impl LongPolls {
    pub fn new(per_till: usize, per_shop: usize) -> Self {
        LongPolls {
            per_till,
            per_shop,
            held: Mutex::new(Held::default()),
        }
    }

    /// The counts are plain numbers: one left half-updated by a panic is still usable.
    fn held(&self) -> MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for one more long poll of this till in this shop, or the cap that is full.
    pub fn take(&self, till: &TokenHash, shop: ShopId) -> Result<Slot<'_>, PollCap> {
        let mut held = self.held();
        let till_count = held.tills.get(till.as_str()).copied().unwrap_or(0);
        if till_count >= self.per_till {
            return Err(PollCap::Till);
        }
        let shop_count = held.shops.get(&shop.0).copied().unwrap_or(0);
        if shop_count >= self.per_shop {
            return Err(PollCap::Shop);
        }
        *held.tills.entry(till.as_str().to_string()).or_default() += 1;
        *held.shops.entry(shop.0).or_default() += 1;
        Ok(Slot {
            polls: self,
            till: till.as_str().to_string(),
            shop: shop.0,
        })
    }

    /// The cap that turned a poll away, for its message.
    pub fn cap(&self, which: PollCap) -> usize {
        match which {
            PollCap::Till => self.per_till,
            PollCap::Shop => self.per_shop,
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut held = self.polls.held();
        if let Some(n) = held.tills.get_mut(&self.till) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.tills.remove(&self.till);
            }
        }
        if let Some(n) = held.shops.get_mut(&self.shop) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.shops.remove(&self.shop);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_till_and_a_shop_hold_at_most_their_caps_and_get_places_back_on_drop() {
        let polls = LongPolls::new(2, 3);
        let (one, two) = (TokenHash::of("one"), TokenHash::of("two"));
        let shop = ShopId(1);
        let a = polls.take(&one, shop).expect("first");
        let _b = polls.take(&one, shop).expect("second");
        assert_eq!(polls.take(&one, shop).err(), Some(PollCap::Till));
        let _c = polls.take(&two, shop).expect("another till");
        assert_eq!(polls.take(&two, shop).err(), Some(PollCap::Shop));
        assert!(polls.take(&two, ShopId(2)).is_ok(), "another shop");
        drop(a);
        assert!(polls.take(&one, shop).is_ok(), "a place given back");
    }
}
