//! `versapos customers`: VIP customers, their points and their NFC cards.

use crate::args::CustomersCmd;
use crate::{print, usage, CliError, Result};
use versapos_core::CustomerId;
use versapos_till::{parse_card_uid, CardLookup, CustomerChange, NewCustomer, Till};

pub fn run(till: &mut Till, cmd: CustomersCmd, out: &print::Out) -> Result<()> {
    match cmd {
        CustomersCmd::Add {
            name,
            email,
            phone,
            card,
        } => {
            let card = card.map(|c| parse_card_uid(&c, "card")).transpose()?;
            let c = till.enrol_customer(&NewCustomer { name, email, phone }, card.as_ref())?;
            out.customer(&c, None);
        }
        CustomersCmd::List { search, limit } => {
            out.customers(&till.customers(search.as_deref(), limit.clamp(1, 10_000))?);
        }
        CustomersCmd::Show { id } => {
            let c = till.customer(CustomerId(id))?;
            let ledger = till.points_ledger(CustomerId(id))?;
            out.customer(&c, Some(&ledger));
        }
        CustomersCmd::LinkCard { id, uid } => {
            let uid = parse_card_uid(&uid, "uid")?;
            out.customer(&till.link_card(CustomerId(id), &uid)?, None);
        }
        CustomersCmd::FindCard { uid } => find_card(till, &uid, out)?,
        CustomersCmd::BlockCard { uid, reason } => {
            let uid = parse_card_uid(&uid, "uid")?;
            out.blocked_card(&till.block_card(&uid, reason.as_deref())?);
        }
        CustomersCmd::ReplaceCard { old_uid, new_uid } => {
            let old = parse_card_uid(&old_uid, "old_uid")?;
            let new = parse_card_uid(&new_uid, "new_uid")?;
            out.customer(&till.replace_card(&old, &new)?, None);
        }
        CustomersCmd::Edit {
            id,
            name,
            email,
            phone,
        } => {
            if name.is_none() && email.is_none() && phone.is_none() {
                return Err(usage("nothing to change: give --name, --email or --phone"));
            }
            let change = CustomerChange { name, email, phone };
            out.customer(&till.edit_customer(CustomerId(id), &change)?, None);
        }
        CustomersCmd::Merge { keep, other } => {
            out.customer(
                &till.merge_customers(CustomerId(keep), CustomerId(other))?,
                None,
            );
        }
        CustomersCmd::Erase { id, yes } => {
            if !yes {
                return Err(usage(format!(
                    "erasing customer {id} cannot be undone: add --yes to erase them"
                )));
            }
            out.customer(&till.erase_customer(CustomerId(id))?, None);
        }
    }
    Ok(())
}

/// Exit 0 for a VIP's card, 1 for a blocked or unknown one, so that a script can test it.
fn find_card(till: &Till, uid: &str, out: &print::Out) -> Result<()> {
    let uid = parse_card_uid(uid, "uid")?;
    let found = till.customer_by_card(&uid)?;
    out.card_lookup(&uid, &found);
    match found {
        CardLookup::Vip(_) => Ok(()),
        CardLookup::Blocked { .. } => Err(CliError::Failed(format!("card {uid} is blocked"))),
        CardLookup::Unknown => Err(CliError::Failed(format!("card {uid} is nobody's card"))),
    }
}
