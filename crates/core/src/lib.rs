//! VersaTalent POS domain: money, tax, the cart, tenders, refunds, VIP points, and staff roles
//! with what each may do.
//!
//! Pure logic with no I/O: no database, network, hardware or clock reads. The store, the CLI and
//! the desktop shell all build on it.

pub mod card;
pub mod cart;
pub mod check;
pub mod clock;
pub mod denomination;
pub mod gateway_mode;
pub mod ids;
pub mod journal;
pub mod loyalty;
pub mod money;
pub mod order;
pub mod receipt;
pub mod refund;
pub mod sales_summary;
pub mod search;
pub mod shift;
pub mod staff;
pub mod tax;
pub mod tender;
pub mod text;

pub use card::{
    AttentionState, CardCharge, CardPaymentRef, CardRefundPart, EventNeedingAttention, FailedEvent,
    PendingCard, PendingRefund, SyncState,
};
pub use cart::{
    Cart, CartError, CartLine, Discount, DiscountShare, PricedCart, PricedLine, TaxBreakdown,
};
pub use check::{CheckStatus, SetupCheck};
pub use clock::{Clock, FixedClock};
pub use denomination::{denominations, Denomination, DenominationKind};
pub use gateway_mode::GatewayMode;
pub use ids::{
    receipt_label, unpaid_label, Barcode, CardUid, CustomerId, IdError, OrderId, ProductId,
    ProductName, Sku, TillId,
};
pub use loyalty::{LoyaltyError, LoyaltyRules};
pub use money::{Currency, Money, MoneyError};
pub use order::OrderStatus;
pub use refund::{plan_refund, plan_refund_on_payment, RefundError, RefundPlan, RefundRequest};
pub use shift::{
    average_sale, check_take_out, expected_cash, grand_total, judge, CashCount, CashMovement,
    CloseDecision, CloseNeeds, CloseNote, CloseRequest, CloseRules, CountLine, CountProblem,
    Reason, ShiftError, ShiftTotals, Variance, ZNumber,
};
pub use staff::{Permission, Pin, Role, StaffError};
pub use tax::{TaxMode, TaxRate, ROUNDING_RULE};
pub use tender::{
    settle, CashRounding, Payment, Settlement, TenderError, TenderKind, TenderRequest,
};
