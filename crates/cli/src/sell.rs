//! `versapos sale`, `park`, `resume` and `refund`: a sale rung up from options (cash, points or
//! a card on the till's reader), parked carts, and refunds to the original tenders.

use crate::args::{CartArgs, RefundArgs, ResumeArgs, SaleArgs};
use crate::{print, usage, CliError, Result};
use std::sync::{Arc, Mutex};
use versapos_core::{Cart, CustomerId, TenderRequest};
use versapos_payments::flow::{Terminal, Timing};
use versapos_payments::{setup, Gateway, TestCard};
use versapos_till::cards::{self, CardOutcome};
use versapos_till::{Fields, PendingCard, RefundInput, RefundLineInput, Till};

pub fn sale(mut till: Till, a: &SaleArgs, out: &print::Out) -> Result<()> {
    let cart = build_cart(&till, &a.cart)?;
    if a.park {
        return park_cart(&mut till, &cart, a.cart.note.as_deref(), out);
    }
    let tenders = parse_tenders(&till, &a.pay)?;
    let test_card = a.test_card.as_deref().map(test_card).transpose()?;
    if tenders
        .iter()
        .any(|t| matches!(t, TenderRequest::Card { .. }))
    {
        return card_sale(till, &cart, &tenders, test_card, out);
    }
    if test_card.is_some() {
        return Err(usage(
            "--test-card: the sale has no card tender (--pay card)",
        ));
    }
    let order = till.checkout(&cart, &tenders)?;
    out.order(&order);
    let p = till.printout_after_sale(&order.id);
    crate::printing::print_after(&mut till, p);
    Ok(())
}

pub fn park(till: &mut Till, a: &CartArgs, out: &print::Out) -> Result<()> {
    let cart = build_cart(till, a)?;
    park_cart(till, &cart, a.note.as_deref(), out)
}

fn park_cart(till: &mut Till, cart: &Cart, note: Option<&str>, out: &print::Out) -> Result<()> {
    let id = till.park(cart, note)?;
    out.parked_one(id, &till.parked()?);
    Ok(())
}

pub fn resume(till: &mut Till, a: &ResumeArgs, out: &print::Out) -> Result<()> {
    if a.discard {
        till.discard_parked(a.id)?;
        let text = format!("parked cart {} discarded", a.id);
        out.message(&text, serde_json::json!({ "discarded": a.id }));
    } else {
        let tenders = parse_tenders(till, &a.pay)?;
        let order = till.checkout_parked(a.id, &tenders)?;
        out.order(&order);
        let p = till.printout_after_sale(&order.id);
        crate::printing::print_after(till, p);
    }
    Ok(())
}

/// A card part goes back through Stripe; the keychain is read only then, so a cash refund works
/// with no keychain and no network.
pub fn refund(till: Till, a: &RefundArgs, out: &print::Out) -> Result<()> {
    let lines = a
        .lines
        .iter()
        .map(|l| refund_line(l))
        .collect::<Result<_>>()?;
    let asked = RefundInput {
        amount: a.amount.clone(),
        lines,
        restock: a.restock,
    };
    let connect = || {
        let connected = setup::connect(&versapos_secrets::Keychain::default())?;
        Ok(Arc::<dyn Gateway>::from(connected.gateway))
    };
    let till = Mutex::new(till);
    let refund = cards::refund_as_asked(&connect, &till, &a.order, &asked, Fields::Flags)?;
    out.refund(&refund);
    let mut till = till.into_inner().unwrap_or_else(|e| e.into_inner());
    let p = till.printout_after_refund(&refund.order_id, &refund.id);
    crate::printing::print_after(&mut till, p);
    Ok(())
}

fn refund_line(arg: &str) -> Result<RefundLineInput> {
    let (sku, quantity) = split_qty(arg, "--line")?;
    Ok(RefundLineInput {
        sku: sku.to_string(),
        quantity,
    })
}

fn test_card(name: &str) -> Result<TestCard> {
    TestCard::parse(name).ok_or_else(|| {
        usage(format!(
            "--test-card '{name}': expected approved, declined, insufficient_funds, lost_card or \
             expired"
        ))
    })
}

/// A sale with a card: written first, then the card taken on the till's reader. A decline or a
/// cancel gives the card up (the order is marked payment_failed) and exits non-zero.
fn card_sale(
    till: Till,
    cart: &Cart,
    tenders: &[TenderRequest],
    test_card: Option<TestCard>,
    out: &print::Out,
) -> Result<()> {
    let connected = setup::connect(&versapos_secrets::Keychain::default())?;
    let gateway = &*connected.gateway;
    let till = Mutex::new(till);
    let reader = cards::till_reader(gateway, &till)?;
    let pending = cards::begin_card_sale(&till, cart, tenders)?;
    let terminal = Terminal {
        gateway,
        reader,
        timing: Timing::default(),
        test_card,
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let json = out.json;
    let outcome = cards::take_card(&terminal, &till, &pending, None, &cancel, &|p| {
        if !json {
            eprintln!("{}", p.message);
        }
    })?;
    card_outcome(gateway, &till, &pending, outcome, out)
}

/// A paid card sale prints its receipt; any other end is the command's failure (exit 1).
fn card_outcome(
    gateway: &dyn Gateway,
    till: &Mutex<Till>,
    pending: &PendingCard,
    outcome: CardOutcome,
    out: &print::Out,
) -> Result<()> {
    match outcome {
        CardOutcome::Paid { order } => {
            out.order(&order);
            let mut till = till.lock().unwrap_or_else(|e| e.into_inner());
            let p = till.printout_after_sale(&order.id);
            crate::printing::print_after(&mut till, p);
            Ok(())
        }
        CardOutcome::Declined {
            payment_id,
            message,
            ..
        }
        | CardOutcome::Canceled {
            payment_id,
            message,
        } => {
            cards::abandon(gateway, till, &payment_id)?;
            Err(CliError::CardNotPaid {
                code: "card_not_paid",
                message: format!("{message} The sale {} was not paid.", pending.receipt),
            })
        }
        // Let go already, so that it settles from Stripe.
        CardOutcome::InDoubt { message, .. } => Err(CliError::CardNotPaid {
            code: "payment_in_doubt",
            message: format!(
                "{message} (sale {}; settle it with `versapos reconcile`)",
                pending.receipt
            ),
        }),
    }
}

/// Splits "CODE:QTY" (or just "CODE", quantity 1).
fn split_qty<'a>(input: &'a str, flag: &str) -> Result<(&'a str, i64)> {
    match input.rsplit_once(':') {
        None => Ok((input, 1)),
        Some((code, qty)) => {
            let q: i64 = qty.trim().parse().map_err(|_| {
                usage(format!(
                    "{flag} '{input}': quantity '{qty}' is not a whole number"
                ))
            })?;
            Ok((code, q))
        }
    }
}

fn build_cart(till: &Till, a: &CartArgs) -> Result<Cart> {
    let mut cart = till.new_cart()?;
    for item in &a.items {
        let (code, qty) = split_qty(item, "--item")?;
        if qty < 1 {
            return Err(usage(format!(
                "--item '{item}': quantity must be at least 1"
            )));
        }
        till.add_to_cart(&mut cart, code, qty)?;
    }
    for ld in &a.line_discounts {
        let (index, d) = line_of(till, &cart, ld, "--line-discount", "DISCOUNT")?;
        till.set_line_discount(&mut cart, index, Some(d))?;
    }
    for lp in &a.line_prices {
        let (index, price) = line_of(till, &cart, lp, "--line-price", "PRICE")?;
        till.override_price(&mut cart, index, price)?;
    }
    if let Some(d) = &a.discount {
        till.set_order_discount(&mut cart, Some(d))?;
    }
    if let Some(c) = a.customer {
        till.link_customer(&mut cart, CustomerId(c))?;
    }
    Ok(cart)
}

/// A `SKU=VALUE` option: the index of the SKU's line in the cart, and the value.
fn line_of<'a>(
    till: &Till,
    cart: &Cart,
    arg: &'a str,
    flag: &str,
    what: &str,
) -> Result<(usize, &'a str)> {
    let (sku, value) = arg
        .split_once('=')
        .ok_or_else(|| usage(format!("{flag} '{arg}': expected SKU={what}")))?;
    let product = till.lookup(sku)?;
    let index = cart
        .lines
        .iter()
        .position(|l| l.product_id == product.id)
        .ok_or_else(|| usage(format!("{flag} '{arg}': {sku} is not in the sale")))?;
    Ok((index, value))
}

fn parse_tenders(till: &Till, pays: &[String]) -> Result<Vec<TenderRequest>> {
    if pays.is_empty() {
        return Err(usage(
            "say how the customer pays: --pay cash, --pay cash:20.00, --pay points:500",
        ));
    }
    pays.iter()
        .map(|p| {
            let (kind, value) = match p.split_once(':') {
                Some((k, v)) => (k, Some(v)),
                None => (p.as_str(), None),
            };
            till.tender(kind, value)
                .map_err(|e| usage(format!("--pay '{p}': {e}")))
        })
        .collect()
}
