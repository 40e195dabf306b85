//! Builds the desktop app's Tauri context: the config, the capabilities and the command
//! permissions that the capabilities may grant.

use tauri_build::{AppManifest, Attributes};

/// Every IPC command the shell registers; each gets an `allow-<command>` permission.
/// Keep in step with `generate_handler!` in `src-tauri/src/lib.rs`.
const COMMANDS: &[&str] = &[
    "app_status",
    "start_demo",
    "set_up_shop",
    "find_products",
    "list_products",
    "categories",
    "current_cart",
    "cart_add",
    "cart_set_quantity",
    "cart_remove",
    "cart_line_discount",
    "cart_line_price",
    "cart_order_discount",
    "cart_link_customer",
    "cart_void",
    "cart_park",
    "parked_carts",
    "resume_parked",
    "checkout",
    "find_customers",
    "add_customer",
    "order",
    "change_setting",
    "set_tax_rate",
    "product",
    "low_stock",
    "add_product",
    "update_product",
    "set_price",
    "set_stock",
    "import_products",
    "export_products",
    "customer_detail",
    "customer_by_card",
    "link_card",
    "block_card",
    "replace_card",
    "find_orders",
    "refund_order",
    "void_order",
    "report",
    "business_day",
    "save_report_csv",
    "staff_status",
    "sign_in",
    "sign_out",
    "approve",
    "staff_list",
    "add_staff",
    "change_staff",
    "payments_status",
    "card_checkout",
    "retry_card_payment",
    "cancel_card_payment",
    "abandon_card_payment",
    "present_test_card",
    "readers_list",
    "locations_list",
    "register_reader",
    "choose_reader",
    "check_setup",
    "payments_in_doubt",
    "reconcile_payments",
    "sync_status",
    "events_needing_attention",
    "retry_event",
    "dismiss_event",
    "changes_at_stripe",
    "nfc_readers",
    "nfc_checks",
    "choose_nfc_reader",
    "update_status",
    "check_for_updates",
    "install_update",
    "receipt",
    "print_receipt",
    "print_after_sale",
    "print_after_refund",
    "open_drawer",
    "printer_choices",
    "set_printer",
    "remove_printer",
    "test_printer",
    "printer_status",
    "set_receipt_logo",
    "receipt_logo",
];

fn main() {
    // The config sits at the repo root; tauri-build only watches its own defaults.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    println!("cargo:rerun-if-changed=tauri.conf.json");
    let attributes = Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        println!("cargo:warning=tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
