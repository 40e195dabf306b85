//! The commands end to end over IPC on a mock runtime (no window, no display) and a store in a
//! temp folder: what the UI sends, what it gets back, and the error codes it switches on.

use crate::open_store;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};

/// The app's own origin: Tauri refuses our commands from any other (remote content).
const LOCAL_ORIGIN: &str = if cfg!(windows) {
    "http://tauri.localhost"
} else {
    "tauri://localhost"
};

/// What the commands sent over the UI's channels: (channel id, message).
type ChannelLog = Arc<Mutex<Vec<(u32, Value)>>>;

pub(super) struct TestTill {
    dir: tempfile::TempDir,
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    channels: ChannelLog,
}

impl TestTill {
    pub(super) fn new() -> Self {
        Self::with_store(|_| ())
    }

    /// A till on a store file prepared by `prepare` in the temp dir before the app opens it.
    fn with_store(prepare: impl FnOnce(&std::path::Path)) -> Self {
        Self::open(prepare, None)
    }

    /// A till taking cards through `payments` instead of the keychain's key (or demo mode).
    pub(super) fn with_payments(payments: crate::payments::Payments) -> Self {
        Self::open(|_| (), Some(payments))
    }

    fn open(
        prepare: impl FnOnce(&std::path::Path),
        payments: Option<crate::payments::Payments>,
    ) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        prepare(&dir.path().join(crate::STORE_FILE));
        let channels = ChannelLog::default();
        let sink = channels.clone();
        let builder = mock_builder().channel_interceptor(move |_, channel, _, body| {
            if let InvokeResponseBody::Json(text) = body {
                let message = serde_json::from_str(text).expect("channel messages are JSON");
                sink.lock().expect("channel log").push((channel.0, message));
            }
            true
        });
        // The updater as the app has it, asking a port where nothing listens.
        let mut context = mock_context(noop_assets());
        context.config_mut().plugins.0.insert(
            "updater".into(),
            json!({"pubkey": "", "endpoints": ["http://127.0.0.1:9/latest.json"]}),
        );
        let app = crate::with_commands(builder)
            .plugin(tauri_plugin_updater::Builder::new().build())
            .build(context)
            .expect("the mock app builds");
        app.manage(crate::updates::Updates::new(
            dir.path().join("updates"),
            "0.1.0",
        ));
        match payments {
            None => open_store(&app, dir.path()).expect("the store opens in the temp dir"),
            Some(payments) => {
                let till = versapos_store::Till::open(&dir.path().join(crate::STORE_FILE))
                    .expect("the store opens in the temp dir");
                app.manage(crate::state::Desktop::with_payments(till, payments));
            }
        }
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("the mock window opens");
        TestTill {
            dir,
            _app: app,
            window,
            channels,
        }
    }

    /// The temp folder holding the till's store.
    pub(super) fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The till's window, for calling commands from another thread while one waits.
    pub(super) fn ipc(&self) -> Ipc {
        Ipc(self.window.clone())
    }

    /// The messages sent so far on the UI's channel `id`.
    pub(super) fn channel(&self, id: u32) -> Vec<Value> {
        self.channels
            .lock()
            .expect("channel log")
            .iter()
            .filter(|(c, _)| *c == id)
            .map(|(_, m)| m.clone())
            .collect()
    }

    /// Invokes `cmd` as the UI would; Ok is the returned value, Err the rejected one.
    pub(super) fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.invoke(cmd, InvokeBody::Json(args), Default::default())
    }

    /// Invokes `cmd` with a raw body (a file's bytes) and headers, as the UI's file upload does.
    fn call_raw(&self, cmd: &str, bytes: &[u8], headers: &[(&str, &str)]) -> Result<Value, Value> {
        let mut map = tauri::http::HeaderMap::new();
        for (k, v) in headers {
            map.insert(
                tauri::http::HeaderName::from_bytes(k.as_bytes()).expect("header name"),
                tauri::http::HeaderValue::from_str(v).expect("header value"),
            );
        }
        self.invoke(cmd, InvokeBody::Raw(bytes.to_vec()), map)
    }

    fn invoke(
        &self,
        cmd: &str,
        body: InvokeBody,
        headers: tauri::http::HeaderMap,
    ) -> Result<Value, Value> {
        invoke_on(&self.window, cmd, body, headers)
    }

    pub(super) fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    pub(super) fn error_code(&self, cmd: &str, args: Value) -> String {
        let e = self
            .call(cmd, args)
            .err()
            .unwrap_or_else(|| panic!("{cmd} should have failed"));
        assert!(e["message"].is_string(), "{cmd}: error has a message: {e}");
        e["code"].as_str().expect("error has a code").to_string()
    }
}

fn invoke_on(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: InvokeBody,
    headers: tauri::http::HeaderMap,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: LOCAL_ORIGIN.parse().expect("a valid url"),
        body,
        headers,
        invoke_key: tauri::test::INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request)
        .map(|body| body.deserialize::<Value>().expect("the response is JSON"))
}

/// The till's window on another thread: a command that waits (a card on the reader) runs here
/// while the test goes on through [`TestTill`].
pub(super) struct Ipc(WebviewWindow<MockRuntime>);

impl Ipc {
    pub(super) fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        invoke_on(&self.0, cmd, InvokeBody::Json(args), Default::default())
    }
}

#[test]
fn a_new_till_reports_it_is_not_set_up() {
    let till = TestTill::new();
    let status = till.ok("app_status", json!({}));
    assert_eq!(status["set_up"], json!(false), "{status}");
    assert_eq!(status["shop"], Value::Null);
    assert!(
        status["store_path"]
            .as_str()
            .is_some_and(|p| p.ends_with("store.db")),
        "store path names the store file: {status}"
    );
}

#[test]
fn selling_before_set_up_says_no_shop() {
    let till = TestTill::new();
    assert_eq!(
        till.error_code("cart_add", json!({"code": "x", "quantity": 1})),
        "no_shop"
    );
}

#[test]
fn demo_sale_by_barcode_and_sku_paid_in_cash() {
    let till = TestTill::new();
    let shop = till.ok("start_demo", json!({}));
    assert_eq!(shop["currency"], json!("GBP"));
    assert_eq!(shop["demo"], json!(true));
    assert_eq!(till.ok("app_status", json!({}))["set_up"], json!(true));

    let product = &till.ok("find_products", json!({"text": "croissant", "limit": 5}))[0];
    let barcode = product["barcode"]
        .as_str()
        .expect("demo products have barcodes");
    let cart = till.ok("cart_add", json!({"code": barcode, "quantity": 2}));
    assert_eq!(cart["lines"][0]["quantity"], json!(2), "{cart}");
    let cart = till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 1}));
    assert_eq!(cart["lines"].as_array().map(Vec::len), Some(2), "{cart}");
    assert_eq!(cart["items"], json!(3));
    let total = cart["total"].as_i64().expect("total in minor units");
    assert!(total > 0);

    let order = till.ok(
        "checkout",
        json!({"tenders": [{"kind": "cash", "value": "50.00"}]}),
    );
    assert_eq!(order["status"], json!("paid"), "{order}");
    assert_eq!(order["total"], json!(total));
    assert_eq!(order["payments"][0]["tendered"], json!(5000), "{order}");
    assert!(
        order["change"].as_i64().is_some_and(|c| c > 0),
        "change is due: {order}"
    );
    let receipt = order["receipt"].as_str().expect("a receipt number");
    assert_eq!(
        till.ok("order", json!({"reference": receipt}))["id"],
        order["id"]
    );
    assert_eq!(
        till.ok("current_cart", json!({}))["lines"],
        json!([]),
        "a new empty sale starts after checkout"
    );
}

#[test]
fn an_unknown_sku_is_refused_with_its_code() {
    let till = TestTill::new();
    till.ok("start_demo", json!({}));
    assert_eq!(
        till.error_code("cart_add", json!({"code": "NO-SUCH-SKU", "quantity": 1})),
        "unknown_product"
    );
    assert_eq!(till.ok("current_cart", json!({}))["lines"], json!([]));
}

#[test]
fn a_bad_discount_leaves_the_sale_as_it_was() {
    let till = TestTill::new();
    till.ok("start_demo", json!({}));
    let before = till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 1}));
    let code = till.error_code(
        "cart_line_discount",
        json!({"line": 0, "discount": "9999.00"}),
    );
    assert_ne!(code, "internal");
    assert_eq!(till.ok("current_cart", json!({})), before);
}

#[test]
fn resuming_a_parked_sale_over_a_sale_in_progress_is_refused() {
    let till = TestTill::new();
    till.ok("start_demo", json!({}));
    till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 1}));
    let empty = till.ok("cart_park", json!({"note": "table 4"}));
    assert_eq!(empty["lines"], json!([]));
    let parked = till.ok("parked_carts", json!({}));
    let id = parked[0]["id"].as_i64().expect("parked cart id");
    assert_eq!(parked[0]["note"], json!("table 4"));

    till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 1}));
    assert_eq!(
        till.error_code("resume_parked", json!({"id": id})),
        "sale_in_progress"
    );

    till.ok("cart_void", json!({}));
    let resumed = till.ok("resume_parked", json!({"id": id}));
    assert_eq!(resumed["lines"].as_array().map(Vec::len), Some(1));
    let order = till.ok(
        "checkout",
        json!({"tenders": [{"kind": "cash", "value": null}]}),
    );
    assert_eq!(order["status"], json!("paid"), "{order}");
    assert_eq!(
        till.ok("parked_carts", json!({})),
        json!([]),
        "the completed sale is no longer parked"
    );
}

/// The commands registered in `lib.rs`, the permissions `build.rs` generates and the ones the
/// window's capability grants are the same list: a command missing from one would be refused
/// at the till (or granted without being ours).
#[test]
fn every_command_is_registered_permitted_and_granted() {
    let root = crate::bindings::repo_root();
    let read = |p: &str| std::fs::read_to_string(root.join(p)).expect("source file");
    let quoted = |s: &str| -> std::collections::BTreeSet<String> {
        s.split('"')
            .skip(1)
            .step_by(2)
            .map(|c| c.to_string())
            .collect()
    };
    let build = read("src-tauri/build.rs");
    let list = build
        .split("const COMMANDS: &[&str] = &[")
        .nth(1)
        .and_then(|s| s.split("];").next())
        .expect("COMMANDS in build.rs");
    let permitted = quoted(list);

    let lib = read("src-tauri/src/lib.rs");
    let handler = lib
        .split("generate_handler![")
        .nth(1)
        .and_then(|s| s.split("])").next())
        .expect("generate_handler! in lib.rs");
    let registered: std::collections::BTreeSet<String> = handler
        .split(',')
        .filter_map(|c| c.trim().rsplit("::").next())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();

    let capability: Value =
        serde_json::from_str(&read("src-tauri/capabilities/default.json")).expect("JSON");
    let grants: Vec<&str> = capability["permissions"]
        .as_array()
        .expect("permissions")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let granted: std::collections::BTreeSet<String> = grants
        .iter()
        .filter(|p| !p.starts_with("core:"))
        .map(|p| p.trim_start_matches("allow-").replace('-', "_"))
        .collect();
    // Of Tauri's own plugins, only listening to the till's events (the NFC readers' taps).
    let core: Vec<&str> = grants
        .iter()
        .copied()
        .filter(|p| p.starts_with("core:"))
        .collect();

    assert_eq!(registered, permitted, "lib.rs vs build.rs");
    assert_eq!(registered, granted, "lib.rs vs capabilities/default.json");
    assert_eq!(
        core,
        ["core:event:allow-listen", "core:event:allow-unlisten"],
        "core permissions granted"
    );
}

#[test]
fn a_store_that_cannot_open_is_explained_by_every_command() {
    let till = TestTill::with_store(|path| {
        std::fs::write(
            path,
            b"this is not a till's store, just some text that is long enough",
        )
        .expect("write");
    });
    let e = till
        .call("app_status", json!({}))
        .expect_err("the store is not a database");
    assert_ne!(e["code"], json!("internal"), "{e}");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
    assert_eq!(
        till.error_code("find_products", json!({"text": "x", "limit": 5})),
        e["code"]
    );
}

#[test]
fn a_manager_adds_edits_reprices_and_counts_a_product() {
    let till = TestTill::new();
    till.ok("start_demo", json!({}));
    let p = till.ok(
        "add_product",
        json!({"product": {"sku": "MUG-RED", "name": "Red mug", "price": "7.50",
            "barcode": " 4006381333931 ", "tax_rate": null, "stock": 12, "category": "Gifts"}}),
    );
    assert_eq!(p["price"], json!(750), "{p}");
    assert_eq!(p["barcode"], json!("4006381333931"));
    assert_eq!(
        till.error_code(
            "add_product",
            json!({"product": {"sku": "MUG-RED", "name": "Again", "price": "1.00",
                "barcode": null, "tax_rate": null, "stock": 0, "category": null}})
        ),
        "invalid_input"
    );
    let bad_price = till
        .call(
            "add_product",
            json!({"product": {"sku": "MUG-BLUE", "name": "Blue mug", "price": "7.505",
                "barcode": null, "tax_rate": null, "stock": 0, "category": null}}),
        )
        .expect_err("three decimals in GBP");
    assert!(
        bad_price["message"]
            .as_str()
            .is_some_and(|m| m.contains("price")),
        "the error names the field: {bad_price}"
    );

    let edited = till.ok(
        "update_product",
        json!({"sku": "MUG-RED", "details": {"name": "Red mug (large)", "barcode": "",
            "category": "Homeware", "tax_rate": "reduced", "reorder_level": 3}}),
    );
    assert_eq!(edited["name"], json!("Red mug (large)"));
    assert_eq!(edited["barcode"], Value::Null);
    assert_eq!(edited["tax_rate"], json!("reduced"));
    assert_eq!(edited["reorder_level"], json!(3));
    assert_eq!(
        till.ok("set_price", json!({"sku": "MUG-RED", "price": "8.00"}))["price"],
        json!(800)
    );
    assert_eq!(
        till.ok("set_stock", json!({"sku": "MUG-RED", "stock": 2}))["stock"],
        json!(2)
    );
    let low = till.ok(
        "low_stock",
        json!({"category": null, "offset": 0, "limit": 1000}),
    );
    assert!(
        low["products"]
            .as_array()
            .is_some_and(|l| l.iter().any(|p| p["sku"] == json!("MUG-RED"))),
        "2 in stock is at or under its reorder level of 3: {low}"
    );
    assert_eq!(
        till.ok("product", json!({"sku": "MUG-RED"})),
        till.ok("product", json!({"sku": "MUG-RED"}))
    );
}

#[test]
fn a_catalog_import_reports_bad_rows_by_line_and_writes_nothing() {
    let till = TestTill::new();
    till.ok("start_demo", json!({}));
    let before = till.ok(
        "list_products",
        json!({"category": null, "offset": 0, "limit": 1}),
    )["total"]
        .clone();
    let csv = "sku,name,price,barcode,tax_rate,stock,category\n\
               NEW-1,Tea towel,4.00,,standard,5,Homeware\n\
               NEW-2,Apron,twelve,,standard,5,Homeware\n";
    let out = till
        .call_raw(
            "import_products",
            csv.as_bytes(),
            &[("x-file-name", "kitchen%20stock.csv")],
        )
        .expect("an import with problems is an answer, not an error");
    assert_eq!(out["file"], json!("kitchen stock.csv"));
    assert_eq!(out["added"], json!(0));
    let problems = out["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{out}");
    assert_eq!(problems[0]["line"], json!(3));
    assert_eq!(problems[0]["column"], json!("price"));
    assert_eq!(
        till.ok(
            "list_products",
            json!({"category": null, "offset": 0, "limit": 1})
        )["total"],
        before,
        "nothing was written"
    );

    let good = csv.replace("twelve", "12.00");
    let out = till
        .call_raw(
            "import_products",
            good.as_bytes(),
            &[("x-file-name", "kitchen.csv")],
        )
        .expect("import");
    assert_eq!(out["problems"], json!([]), "{out}");
    assert_eq!(out["added"], json!(2));
    assert_eq!(
        till.ok("product", json!({"sku": "NEW-2"}))["price"],
        json!(1200)
    );
    assert_eq!(
        till.error_code("import_products", json!({"not": "bytes"})),
        "invalid_input"
    );
}

/// A demo sale to a new VIP customer: the order and the customer.
fn vip_sale(till: &TestTill) -> (Value, Value) {
    let customer = till.ok(
        "add_customer",
        json!({"customer": {"name": "Ada Lovelace", "email": null, "phone": null}}),
    );
    till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 3}));
    till.ok("cart_link_customer", json!({"customerId": customer["id"]}));
    let order = till.ok(
        "checkout",
        json!({"tenders": [{"kind": "cash", "value": null}]}),
    );
    (order, customer)
}

#[test]
fn orders_are_found_by_receipt_and_customer_and_refunded_with_points_taken_back() {
    let till = TestTill::new();
    till.ok("start_demo", json!({}));
    let (order, customer) = vip_sale(&till);
    let earned = order["points_earned"].as_i64().expect("points earned");
    assert!(earned > 0, "{order}");
    let receipt = order["receipt"].as_str().expect("receipt");
    let number = receipt.rsplit('-').next().expect("number");

    for text in [receipt, number, "ada", "LOVE"] {
        let found = till.ok(
            "find_orders",
            json!({"filter": {"status": null, "from": null, "to": null, "text": text},
                   "offset": 0, "limit": 50}),
        );
        assert_eq!(found.as_array().map(Vec::len), Some(1), "{text}: {found}");
        assert_eq!(found[0]["customer_name"], json!("Ada Lovelace"));
    }
    let none = till.ok(
        "find_orders",
        json!({"filter": {"status": "refunded", "from": "today", "to": "today", "text": null},
               "offset": 0, "limit": 50}),
    );
    assert_eq!(none, json!([]));
    assert_eq!(
        till.error_code(
            "find_orders",
            json!({"filter": {"status": "lost", "from": null, "to": null, "text": null},
                   "offset": 0, "limit": 50})
        ),
        "invalid_input"
    );

    let refund = till.ok(
        "refund_order",
        json!({"reference": receipt, "refund": {"amount": null,
            "lines": [{"sku": "HOT-0001", "quantity": 1}], "restock": true}}),
    );
    assert_eq!(
        refund["order_status"],
        json!("partially_refunded"),
        "{refund}"
    );
    let reversed = refund["points_reversed"].as_i64().expect("points reversed");
    assert!(reversed > 0, "{refund}");
    let card = till.ok("customer_detail", json!({"id": customer["id"]}));
    assert_eq!(
        card["customer"]["points_balance"],
        json!(earned - reversed),
        "{card}"
    );
    assert_eq!(
        card["ledger"][0]["points"],
        json!(-reversed),
        "newest first: {card}"
    );
    assert_eq!(
        till.error_code(
            "refund_order",
            json!({"reference": receipt, "refund": {"amount": "1.00",
                "lines": [{"sku": "HOT-0001", "quantity": 1}], "restock": false}})
        ),
        "invalid_input"
    );
}

#[test]
fn the_report_is_the_one_the_cli_prints_and_settings_change() {
    let till = TestTill::new();
    till.ok("start_demo", json!({}));
    let (order, _) = vip_sale(&till);
    let day = till.ok("business_day", json!({}));
    let report = till.ok(
        "report",
        json!({"query": {"from": day, "to": "today", "by": "hour", "limit": null}}),
    );
    assert_eq!(report["totals"]["gross"], order["total"], "{report}");
    assert_eq!(report["totals"]["orders"], json!(1));
    assert_eq!(
        till.error_code(
            "report",
            json!({"query": {"from": "2026-13-01", "to": "today", "by": "hour", "limit": null}})
        ),
        "invalid_input"
    );

    let shop = till.ok(
        "change_setting",
        json!({"key": "cash-rounding", "value": "0.05"}),
    );
    assert_eq!(shop["cash_rounding"], json!(5), "{shop}");
    let shop = till.ok(
        "change_setting",
        json!({"key": "loyalty-earn", "value": "2"}),
    );
    assert_eq!(shop["loyalty"]["earn_per_major"], json!(2), "{shop}");
    assert_eq!(
        till.error_code(
            "change_setting",
            json!({"key": "loyalty-earn", "value": "lots"})
        ),
        "invalid_input"
    );
    let shop = till.ok(
        "set_tax_rate",
        json!({"rate": {"name": "children", "percent": "0"}}),
    );
    assert!(
        shop["tax_rates"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["name"] == json!("children"))),
        "{shop}"
    );
    assert_eq!(
        till.error_code(
            "set_tax_rate",
            json!({"rate": {"name": "odd", "percent": "12.345"}})
        ),
        "invalid_input"
    );
}

/// A demo till: its staff are Avery (admin, 1000, signed in after "Try the demo shop"),
/// Morgan (manager, 2000) and Casey (cashier, 3000).
pub(super) fn staffed_till() -> TestTill {
    let till = TestTill::new();
    till.ok("start_demo", json!({}));
    let status = till.ok("staff_status", json!({}));
    assert_eq!(status["has_staff"], json!(true), "{status}");
    assert_eq!(status["signed_in"]["name"], json!("Avery"), "{status}");
    assert_eq!(
        status["staff"].as_array().map(Vec::len),
        Some(3),
        "{status}"
    );
    till
}

#[test]
fn a_new_shop_asks_for_its_first_admin_who_is_then_signed_in() {
    let till = TestTill::new();
    till.ok(
        "set_up_shop",
        json!({"setup": {"name": "Corner", "currency": "GBP", "till_id": "T1",
            "prices_include_tax": true, "tax_rates": [], "default_tax_rate": null}}),
    );
    assert_eq!(
        till.ok("staff_status", json!({}))["has_staff"],
        json!(false)
    );
    assert_eq!(
        till.error_code(
            "add_staff",
            json!({"staff": {"name": "Ada", "role": "cashier", "pin": "9999"}})
        ),
        "invalid_input",
        "the first account is an admin"
    );
    assert_eq!(
        till.error_code(
            "add_staff",
            json!({"staff": {"name": "Ada", "role": "admin", "pin": "99"}})
        ),
        "invalid_input"
    );
    till.ok(
        "add_staff",
        json!({"staff": {"name": "Ada", "role": "admin", "pin": "9999"}}),
    );
    let status = till.ok("staff_status", json!({}));
    assert_eq!(status["signed_in"]["role"], json!("admin"), "{status}");
    till.ok("sign_out", json!({}));
    assert_eq!(
        till.error_code("find_products", json!({"text": "x", "limit": 5})),
        "not_signed_in"
    );
}

/// The permission table walked through the commands the UI calls, for every role: allowed
/// commands answer, refused ones say `not_permitted` and name the permission.
#[test]
fn every_role_gets_exactly_its_permissions_through_the_commands() {
    use versapos_core::{Permission, Role};
    for (who, pin, role) in [
        ("Casey", "3000", Role::Cashier),
        ("Morgan", "2000", Role::Manager),
        ("Avery", "1000", Role::Admin),
    ] {
        let till = staffed_till();
        till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 2}));
        let paid = till.ok(
            "checkout",
            json!({"tenders": [{"kind": "cash", "value": null}]}),
        );
        till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 1}));
        let to_void = till.ok(
            "checkout",
            json!({"tenders": [{"kind": "cash", "value": null}]}),
        );
        // Still Avery (admin): the demo reader is chosen for this till, so the one registered
        // below does not leave the till with two and none chosen; readers register at a location.
        let reader = till.ok("readers_list", json!({}))[0]["id"].clone();
        till.ok("choose_reader", json!({"readerId": reader}));
        let location = till.ok("locations_list", json!({}))[0]["id"].clone();
        till.ok("sign_in", json!({"name": who, "pin": pin}));

        let verdict =
            |p: Permission, cmd: &str, result: Result<Value, Value>| match (role.allows(p), result)
            {
                (true, Ok(_)) => {}
                (false, Err(e)) => {
                    assert_eq!(e["code"], json!("not_permitted"), "{role} {cmd}: {e}");
                    assert_eq!(e["permission"], json!(p.as_str()), "{role} {cmd}: {e}");
                }
                (allowed, r) => panic!("{role} {cmd}: allowed={allowed}, got {r:?}"),
            };
        let check = |p: Permission, cmd: &str, args: Value| verdict(p, cmd, till.call(cmd, args));
        check(
            Permission::Sell,
            "cart_add",
            json!({"code": "HOT-0001", "quantity": 1}),
        );
        check(
            Permission::LinkCustomer,
            "find_customers",
            json!({"search": null}),
        );
        check(
            Permission::AddCustomer,
            "add_customer",
            json!({"customer": {"name": format!("Guest of {who}"), "email": null, "phone": null}}),
        );
        check(Permission::ParkSale, "cart_park", json!({"note": null}));
        till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 1}));
        let (by_card, _) = super::payments_tests::card_payment(
            &till,
            "card_checkout",
            json!({"tenders": [{"kind": "card", "value": null}]}),
            |t| {
                t.ok("present_test_card", json!({"card": "approved"}));
            },
        );
        if let Ok(outcome) = &by_card {
            assert_eq!(outcome["outcome"], json!("paid"), "{role}: {outcome}");
        }
        verdict(Permission::Sell, "card_checkout", by_card);
        check(
            Permission::Refund,
            "refund_order",
            json!({"reference": paid["receipt"], "refund": {"amount": null, "lines": [], "restock": false}}),
        );
        check(
            Permission::Void,
            "void_order",
            json!({"reference": to_void["receipt"]}),
        );
        check(
            Permission::ReadReports,
            "report",
            json!({"query": {"from": "today", "to": "today", "by": "hour", "limit": null}}),
        );
        check(
            Permission::EditCatalog,
            "set_price",
            json!({"sku": "HOT-0001", "price": "1.90"}),
        );
        till.ok("cart_add", json!({"code": "HOT-0002", "quantity": 1}));
        check(
            Permission::OverridePrice,
            "cart_line_price",
            json!({"line": 0, "price": "0.10"}),
        );
        check(
            Permission::ChangeSettings,
            "change_setting",
            json!({"key": "lock-minutes", "value": "10"}),
        );
        check(Permission::ManageCashiers, "staff_list", json!({}));
        check(
            Permission::ManageManagers,
            "add_staff",
            json!({"staff": {"name": format!("Boss of {who}"), "role": "manager", "pin": "4321"}}),
        );
        check(Permission::Sell, "payments_status", json!({}));
        check(Permission::Sell, "readers_list", json!({}));
        check(Permission::Sell, "payments_in_doubt", json!({}));
        check(Permission::Sell, "reconcile_payments", json!({}));
        check(Permission::ChangeSettings, "locations_list", json!({}));
        check(
            Permission::ChangeSettings,
            "register_reader",
            json!({"code": versapos_payments::sim::SIMULATED_REGISTRATION_CODE,
                "label": format!("Till of {who}"), "location": location}),
        );
        check(
            Permission::ChangeSettings,
            "choose_reader",
            json!({"readerId": reader}),
        );
        check(Permission::ChangeSettings, "check_setup", json!({}));
    }
}

#[test]
fn a_cashiers_refund_goes_through_with_a_managers_pin_once() {
    let till = staffed_till();
    till.ok("sign_in", json!({"name": "Casey", "pin": "3000"}));
    till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 2}));
    let order = till.ok(
        "checkout",
        json!({"tenders": [{"kind": "cash", "value": null}]}),
    );
    let refund = json!({"reference": order["receipt"],
        "refund": {"amount": null, "lines": [{"sku": "HOT-0001", "quantity": 1}], "restock": true}});
    assert_eq!(
        till.error_code("refund_order", refund.clone()),
        "not_permitted"
    );
    assert_eq!(
        till.error_code(
            "approve",
            json!({"name": "Morgan", "pin": "0000", "permission": "refund"})
        ),
        "wrong_pin"
    );
    till.ok(
        "approve",
        json!({"name": "Morgan", "pin": "2000", "permission": "refund"}),
    );
    till.ok("refund_order", refund.clone());
    assert_eq!(till.error_code("refund_order", refund), "not_permitted");
    // Locking the screen keeps the sale; nothing works until someone signs in again.
    till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 1}));
    till.ok("sign_out", json!({}));
    assert_eq!(
        till.error_code("cart_add", json!({"code": "HOT-0001", "quantity": 1})),
        "not_signed_in"
    );
    till.ok("sign_in", json!({"name": "Casey", "pin": "3000"}));
    assert_eq!(
        till.ok("current_cart", json!({}))["items"],
        json!(1),
        "the sale is as it was"
    );
}

#[test]
fn a_cashiers_large_discount_is_refused_as_given_and_taken_with_a_managers_pin() {
    let till = staffed_till();
    till.ok("sign_in", json!({"name": "Casey", "pin": "3000"}));
    let before = till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 4}));
    let e = till
        .call("cart_order_discount", json!({"discount": "50%"}))
        .expect_err("above the cashier's limit");
    assert_eq!(e["code"], json!("not_permitted"), "{e}");
    assert_eq!(e["permission"], json!("large_discount"), "{e}");
    assert_eq!(
        till.ok("current_cart", json!({})),
        before,
        "the cart is as it was"
    );
    till.ok(
        "approve",
        json!({"name": "Morgan", "pin": "2000", "permission": "large_discount"}),
    );
    let cart = till.ok("cart_order_discount", json!({"discount": "50%"}));
    assert!(
        cart["discount_total"].as_i64().is_some_and(|d| d > 0),
        "{cart}"
    );
    let order = till.ok(
        "checkout",
        json!({"tenders": [{"kind": "cash", "value": null}]}),
    );
    assert_eq!(order["status"], json!("paid"), "{order}");
    assert_eq!(order["discount_total"], cart["discount_total"]);
}

/// VIP cards over IPC: a tap finds its VIP, an unknown card is enrolled with its customer, a
/// cashier may not block a card, a manager replaces a lost one and blocks another.
#[test]
fn vip_cards_are_found_enrolled_replaced_and_blocked() {
    let till = TestTill::new();
    till.ok("start_demo", json!({}));
    assert_eq!(
        till.ok("customer_by_card", json!({"uid": "04a1b2c3"})),
        json!({"kind": "unknown"})
    );
    let tapped = till.ok(
        "add_customer",
        json!({"customer": {"name": "Tam Newman", "email": null, "phone": null,
            "card_uid": "04 a1 b2 c3"}}),
    );
    assert_eq!(tapped["card_uid"], json!("04A1B2C3"));
    let found = till.ok("customer_by_card", json!({"uid": "04A1B2C3"}));
    assert_eq!(found["kind"], json!("vip"), "{found}");
    assert_eq!(found["id"], tapped["id"]);
    assert_eq!(found["points_balance"], json!(0));
    let bad = till
        .call("customer_by_card", json!({"uid": "not a card"}))
        .expect_err("a bad UID");
    assert_eq!(bad["code"], json!("invalid_input"));
    assert!(
        bad["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("uid")),
        "{bad}"
    );

    // The sign-up form without a card still works as before.
    let other = till.ok(
        "add_customer",
        json!({"customer": {"name": "Orla Byrne", "email": null, "phone": null}}),
    );
    assert_eq!(other["card_uid"], Value::Null);
    assert_eq!(
        till.error_code(
            "link_card",
            json!({"customerId": other["id"], "uid": "04A1B2C3"})
        ),
        "card_in_use"
    );
    till.ok(
        "link_card",
        json!({"customerId": other["id"], "uid": "0A0B0C0D"}),
    );

    till.ok("sign_in", json!({"name": "Casey", "pin": "3000"}));
    let refused = till
        .call("block_card", json!({"uid": "0A0B0C0D", "reason": "lost"}))
        .expect_err("a cashier blocks a card");
    assert_eq!(refused["code"], json!("not_permitted"));
    assert_eq!(refused["permission"], json!("manage_vip_cards"));

    till.ok("sign_in", json!({"name": "Morgan", "pin": "2000"}));
    let replaced = till.ok(
        "replace_card",
        json!({"old": "04A1B2C3", "new": "11223344"}),
    );
    assert_eq!(replaced["id"], tapped["id"]);
    assert_eq!(replaced["card_uid"], json!("11223344"));
    let old = till.ok("customer_by_card", json!({"uid": "04A1B2C3"}));
    assert_eq!(old["kind"], json!("blocked"), "{old}");
    let blocked = till.ok("block_card", json!({"uid": "0A0B0C0D", "reason": "lost"}));
    assert_eq!(blocked["customer_id"], other["id"]);
    assert_eq!(blocked["blocked_by"], json!("Morgan"));
    assert_eq!(
        till.error_code(
            "link_card",
            json!({"customerId": other["id"], "uid": "0A0B0C0D"})
        ),
        "card_blocked"
    );
}

#[test]
fn updates_are_a_managers_and_never_interrupt_a_sale() {
    let till = TestTill::new();
    till.ok("start_demo", json!({}));
    let status = till.ok("update_status", json!({}));
    assert_eq!(status["state"], json!("not_checked"), "{status}");
    assert_eq!(status["current_version"], json!("0.1.0"));

    // The admin asks; the release server is not there: a clear failure, nothing kept.
    let e = till
        .call("check_for_updates", json!({}))
        .expect_err("nothing listens");
    assert_eq!(e["code"], json!("update_failed"), "{e}");
    let status = till.ok("update_status", json!({}));
    assert_eq!(status["state"], json!("failed"), "{status}");
    assert!(status["problem"].is_string(), "{status}");
    assert_eq!(
        till.ok("install_update", json!({})),
        Value::Null,
        "nothing waits"
    );

    // The shop's choices.
    let shop = till.ok(
        "change_setting",
        json!({"key": "update-install", "value": "when-idle"}),
    );
    assert_eq!(shop["update_install"], json!("when_idle"));
    let e = till
        .call(
            "change_setting",
            json!({"key": "update-url", "value": "http://updates.example.com/latest.json"}),
        )
        .expect_err("plain http to another machine");
    assert_eq!(e["code"], json!("invalid_input"), "{e}");
    assert!(
        e["message"].as_str().is_some_and(|m| m.contains("https")),
        "{e}"
    );

    // With a sale on the register the install waits, whatever is waiting.
    till.ok("cart_add", json!({"code": "HOT-0001", "quantity": 1}));
    let e = till
        .call("install_update", json!({}))
        .expect_err("a sale is on");
    assert_eq!(e["code"], json!("sale_in_progress"), "{e}");
    till.ok("cart_void", json!({}));

    // A cashier neither checks nor installs.
    till.ok("sign_out", json!({}));
    till.ok("sign_in", json!({"name": "Casey", "pin": "3000"}));
    for cmd in ["check_for_updates", "install_update"] {
        let e = till.call(cmd, json!({})).expect_err("a manager's");
        assert_eq!(e["code"], json!("not_permitted"), "{cmd}: {e}");
        assert_eq!(e["permission"], json!("change_settings"), "{cmd}: {e}");
    }
    assert_eq!(
        till.ok("update_status", json!({}))["state"],
        json!("failed")
    );
}
