//! The sale on the register: ringing up, changing lines, discounts, the VIP customer, parking,
//! resuming and taking payment.

use crate::error::CommandResult;
use crate::state::{Desktop, Register};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use versapos_core::CustomerId;
use versapos_till::{CartView, OrderView, ParkedCart};

/// One tender as the cashier gives it: `cash` with the amount handed over in major units
/// ("20.00"; null: exactly what is due), `card` with an amount (null: the rest), or `points`
/// with how many points to redeem ("500").
#[derive(Clone, Debug, Deserialize, TS)]
pub struct TenderInput {
    pub kind: String,
    pub value: Option<String>,
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn current_cart(state: State<'_, Desktop>) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    Ok(till.sale_view(sale)?)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn cart_add(state: State<'_, Desktop>, code: String, quantity: i64) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    let view = till.change_sale(sale, |till, cart| {
        till.add_to_cart(cart, &code, quantity).map(|_| ())
    })?;
    Ok(view)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn cart_set_quantity(
    state: State<'_, Desktop>,
    line: usize,
    quantity: i64,
) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    Ok(till.change_sale(sale, |_, cart| Ok(cart.set_quantity(line, quantity)?))?)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn cart_remove(state: State<'_, Desktop>, line: usize) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    Ok(till.change_sale(sale, |_, cart| {
        cart.remove(line).map(|_| ()).map_err(Into::into)
    })?)
}

/// Sells a line at another price than the catalog's (major units, "1.50"); the catalog's price
/// sets it back. Needs a manager, or a manager's approval.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn cart_line_price(
    state: State<'_, Desktop>,
    line: usize,
    price: String,
) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    Ok(till.change_sale(sale, |till, cart| till.override_price(cart, line, &price))?)
}

/// `discount`: "10%" or an amount off in major units ("0.50"); null clears it.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn cart_line_discount(
    state: State<'_, Desktop>,
    line: usize,
    discount: Option<String>,
) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    Ok(till.change_sale(sale, |till, cart| {
        till.set_line_discount(cart, line, discount.as_deref())
    })?)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn cart_order_discount(
    state: State<'_, Desktop>,
    discount: Option<String>,
) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    Ok(till.change_sale(sale, |till, cart| {
        till.set_order_discount(cart, discount.as_deref())
    })?)
}

/// Links the VIP customer to the sale (null unlinks).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn cart_link_customer(
    state: State<'_, Desktop>,
    customer_id: Option<i64>,
) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    Ok(till.change_sale(sale, |till, cart| match customer_id {
        Some(id) => till.link_customer(cart, CustomerId(id)).map(|_| ()),
        None => {
            cart.customer_id = None;
            Ok(())
        }
    })?)
}

/// Voids the sale on the register; a resumed sale stays parked.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn cart_void(state: State<'_, Desktop>) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    till.void_sale(sale)?;
    Ok(till.sale_view(sale)?)
}

/// Parks the sale and starts a new, empty one.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn cart_park(state: State<'_, Desktop>, note: Option<String>) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    till.park_sale(sale, note.as_deref())?;
    Ok(till.sale_view(sale)?)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn parked_carts(state: State<'_, Desktop>) -> CommandResult<Vec<ParkedCart>> {
    Ok(state.register()?.till.parked()?)
}

#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn resume_parked(state: State<'_, Desktop>, id: i64) -> CommandResult<CartView> {
    let Register { till, sale } = &mut *state.register()?;
    till.resume_sale(sale, id)?;
    Ok(till.sale_view(sale)?)
}

/// Takes payment and completes the sale; the register then starts a new, empty sale.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err)]
pub fn checkout(state: State<'_, Desktop>, tenders: Vec<TenderInput>) -> CommandResult<OrderView> {
    let Register { till, sale } = &mut *state.register()?;
    let tenders = tenders
        .iter()
        .map(|t| till.tender(&t.kind, t.value.as_deref()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(till.checkout_sale(sale, &tenders)?)
}
