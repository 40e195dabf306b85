//! Staff at the till: roles, what each role may do, PINs and the lock after wrong PINs.
//!
//! The permission table lives here, once; the store checks it before every service, so the CLI,
//! the desktop app and anything else get the same answer.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// What a staff member is employed as.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Cashier,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Cashier, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Whether this role may do `p` on its own.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Manager => !matches!(p, ChangeSettings | ManageKeys | ManageManagers),
            Role::Cashier => matches!(p, Sell | TakeCash | LinkCustomer | ParkSale | AddCustomer),
        }
    }

    /// Whether someone in this role may create, change, disable or unlock a staff account
    /// with role `other`.
    pub fn manages(self, other: Role) -> bool {
        match other {
            Role::Cashier => self.allows(Permission::ManageCashiers),
            Role::Manager | Role::Admin => self.allows(Permission::ManageManagers),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something the till does that not everybody may do.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Ring up a sale and complete it.
    Sell,
    /// Take cash (open the drawer).
    TakeCash,
    /// Link a VIP customer to a sale.
    LinkCustomer,
    /// Sign up a new VIP customer.
    AddCustomer,
    /// Park a sale and resume a parked one.
    ParkSale,
    /// Give a discount above the shop's limit for cashiers.
    LargeDiscount,
    /// Refund an order.
    Refund,
    /// Void an order.
    Void,
    /// Sell a line at another price than the catalog's.
    OverridePrice,
    /// Block a lost VIP card and move its customer to a new one.
    ManageVipCards,
    /// Read sales reports and past orders.
    ReadReports,
    /// Add and change products, prices and stock; import and export the catalog.
    EditCatalog,
    /// Add, disable, reset and unlock cashiers.
    ManageCashiers,
    /// Add, disable, reset and unlock managers and admins.
    ManageManagers,
    /// Change the shop's settings (tax, rounding, loyalty…).
    ChangeSettings,
    /// Set up payment keys.
    ManageKeys,
    /// Open the cash drawer with no sale.
    NoSale,
    /// Pay cash into or out of the drawer, and accept a shift's count over or short by more
    /// than the shop's second tolerance.
    ManageCash,
    /// Merge two records of one customer, and erase a customer's personal data.
    ManageCustomers,
}

impl Permission {
    pub const ALL: [Permission; 19] = [
        Permission::Sell,
        Permission::TakeCash,
        Permission::LinkCustomer,
        Permission::AddCustomer,
        Permission::ParkSale,
        Permission::LargeDiscount,
        Permission::Refund,
        Permission::Void,
        Permission::OverridePrice,
        Permission::ManageVipCards,
        Permission::ReadReports,
        Permission::EditCatalog,
        Permission::ManageCashiers,
        Permission::ManageManagers,
        Permission::ChangeSettings,
        Permission::ManageKeys,
        Permission::NoSale,
        Permission::ManageCash,
        Permission::ManageCustomers,
    ];

    /// The permission's name in messages and on the CLI: "refund", "read_reports".
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Sell => "sell",
            Permission::TakeCash => "take_cash",
            Permission::LinkCustomer => "link_customer",
            Permission::AddCustomer => "add_customer",
            Permission::ParkSale => "park_sale",
            Permission::LargeDiscount => "large_discount",
            Permission::Refund => "refund",
            Permission::Void => "void",
            Permission::OverridePrice => "override_price",
            Permission::ManageVipCards => "manage_vip_cards",
            Permission::ReadReports => "read_reports",
            Permission::EditCatalog => "edit_catalog",
            Permission::ManageCashiers => "manage_cashiers",
            Permission::ManageManagers => "manage_managers",
            Permission::ChangeSettings => "change_settings",
            Permission::ManageKeys => "manage_keys",
            Permission::NoSale => "no_sale",
            Permission::ManageCash => "manage_cash",
            Permission::ManageCustomers => "manage_customers",
        }
    }

    /// What it lets someone do, in words for a message: "refund an order".
    pub fn describe(self) -> &'static str {
        match self {
            Permission::Sell => "sell",
            Permission::TakeCash => "take cash",
            Permission::LinkCustomer => "link a VIP customer to a sale",
            Permission::AddCustomer => "sign up a VIP customer",
            Permission::ParkSale => "park and resume sales",
            Permission::LargeDiscount => "give a discount above the cashier limit",
            Permission::Refund => "refund an order",
            Permission::Void => "void an order",
            Permission::OverridePrice => "change a price at the till",
            Permission::ManageVipCards => "block or replace a VIP card",
            Permission::ReadReports => "read reports and past orders",
            Permission::EditCatalog => "change the catalog",
            Permission::ManageCashiers => "manage cashiers",
            Permission::ManageManagers => "manage managers and admins",
            Permission::ChangeSettings => "change the shop's settings",
            Permission::ManageKeys => "set up payment keys",
            Permission::NoSale => "open the cash drawer with no sale",
            Permission::ManageCash => "pay cash in or out, or accept a drawer over or short",
            Permission::ManageCustomers => "merge or erase customers",
        }
    }

    /// The least role that has it.
    pub fn least_role(self) -> Role {
        Role::ALL
            .into_iter()
            .find(|r| r.allows(self))
            .unwrap_or(Role::Admin)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    #[error("PIN must be 4 to 8 digits")]
    PinShape,
    #[error("a staff name must not be empty")]
    EmptyName,
    #[error("a staff name is at most 64 characters")]
    NameTooLong,
    #[error("a staff name {}", crate::text::hidden_character_message(*.0))]
    NameCharacters(char),
    #[error("unknown role '{0}' (expected cashier, manager or admin)")]
    UnknownRole(String),
}

/// A PIN as typed: 4 to 8 digits. Never displayed, logged or stored in the clear; its `Debug`
/// hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Pin {
    pub fn parse(s: &str) -> Result<Pin, StaffError> {
        let ok = (4..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Pin(s.to_string()))
        } else {
            Err(StaffError::PinShape)
        }
    }

    /// The digits, for hashing and verifying only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(****)")
    }
}

/// A staff member's display name: trimmed, 1 to 64 characters, none of them hidden
/// ([`crate::text::hidden_character`]).
pub fn staff_name(s: &str) -> Result<String, StaffError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(StaffError::EmptyName);
    }
    if s.chars().count() > 64 {
        return Err(StaffError::NameTooLong);
    }
    if let Some(c) = crate::text::hidden_character(s) {
        return Err(StaffError::NameCharacters(c));
    }
    Ok(s.to_string())
}

/// Wrong PINs in a row before the account locks.
pub const MAX_WRONG_PINS: u32 = 5;

/// How long an account stays locked after `wrong` wrong PINs in a row: none before the fifth,
/// then one minute, doubling with every further wrong PIN, at most a day. An admin can unlock
/// it at any time.
pub fn lock_for(wrong: u32) -> Option<Duration> {
    if wrong < MAX_WRONG_PINS {
        return None;
    }
    let doublings = (wrong - MAX_WRONG_PINS).min(11);
    let secs = 60u64 << doublings;
    Some(Duration::from_secs(secs.min(24 * 60 * 60)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permission_table_is_the_one_the_shop_agreed() {
        use Permission::*;
        let cashier = [Sell, TakeCash, LinkCustomer, AddCustomer, ParkSale];
        let admin_only = [ChangeSettings, ManageKeys, ManageManagers];
        for p in Permission::ALL {
            assert!(Role::Admin.allows(p), "admin: {p}");
            assert_eq!(
                Role::Manager.allows(p),
                !admin_only.contains(&p),
                "manager: {p}"
            );
            assert_eq!(
                Role::Cashier.allows(p),
                cashier.contains(&p),
                "cashier: {p}"
            );
        }
        assert_eq!(Refund.least_role(), Role::Manager);
        assert_eq!(ChangeSettings.least_role(), Role::Admin);
        assert_eq!(Sell.least_role(), Role::Cashier);
    }

    #[test]
    fn managers_manage_cashiers_and_admins_manage_everyone() {
        assert!(Role::Manager.manages(Role::Cashier));
        assert!(!Role::Manager.manages(Role::Manager));
        assert!(!Role::Manager.manages(Role::Admin));
        assert!(Role::Admin.manages(Role::Admin));
        assert!(!Role::Cashier.manages(Role::Cashier));
    }

    #[test]
    fn a_pin_is_4_to_8_digits_and_never_printed() {
        for good in ["0000", "1234", "12345678"] {
            assert!(Pin::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "123", "123456789", "12a4", " 1234", "１２３４", "12 34"] {
            assert_eq!(Pin::parse(bad), Err(StaffError::PinShape), "{bad:?}");
        }
        let pin = Pin::parse("2468").expect("pin");
        assert!(!format!("{pin:?}").contains("2468"));
    }

    #[test]
    fn names_and_roles_are_checked() {
        assert_eq!(staff_name("  Ana  ").as_deref(), Ok("Ana"));
        assert_eq!(staff_name(" "), Err(StaffError::EmptyName));
        assert_eq!(staff_name(&"x".repeat(65)), Err(StaffError::NameTooLong));
        assert_eq!(
            staff_name("Casey\u{1b}[31m"),
            Err(StaffError::NameCharacters('\u{1b}'))
        );
        assert_eq!(Role::parse(" Manager "), Some(Role::Manager));
        assert_eq!(Role::parse("boss"), None);
    }

    #[test]
    fn the_lock_starts_at_the_fifth_wrong_pin_and_grows() {
        assert_eq!(lock_for(4), None);
        assert_eq!(lock_for(5), Some(Duration::from_secs(60)));
        assert_eq!(lock_for(6), Some(Duration::from_secs(120)));
        assert_eq!(lock_for(7), Some(Duration::from_secs(240)));
        assert_eq!(lock_for(40), Some(Duration::from_secs(24 * 60 * 60)));
        let mut last = Duration::ZERO;
        for n in 5..60 {
            let d = lock_for(n).expect("locked");
            assert!(d >= last, "never shorter: {n}");
            last = d;
        }
    }
}
