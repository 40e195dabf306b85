//! The commands end to end over IPC on a mock runtime (no window, no display) and a store in a
//! temp folder: what the UI sends, what it gets back, and the error codes it switches on.

use crate::open_store;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};
use versapos_core::{Permission, Role};

/// The app's own origin: Tauri refuses our commands from any other (remote content).
const LOCAL_ORIGIN: &str = if cfg!(windows) {
    "http://tauri.localhost"
} else {
    "tauri://localhost"
};

/// What the commands sent over the UI's channels: (channel id, message).
type ChannelLog = Arc<Mutex<Vec<(u32, Value)>>>;

/// The tests' answer to the OS save dialog (`catalog::save_dialog`): a file of the offered name
/// in this folder, as if the manager had clicked Save.
pub(super) struct SaveDialogAnswer {
    dir: std::path::PathBuf,
    /// The names offered so far: someone refused an export never gets as far as the dialog.
    asked: Mutex<Vec<String>>,
}

impl SaveDialogAnswer {
    pub(super) fn answer(&self, name: &str) -> std::path::PathBuf {
        self.asked
            .lock()
            .expect("save dialogs")
            .push(name.to_string());
        self.dir.join(name)
    }
}

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
        let saved = dir.path().join("saved");
        std::fs::create_dir_all(&saved).expect("the saved files' folder");
        app.manage(SaveDialogAnswer {
            dir: saved,
            asked: Mutex::default(),
        });
        match payments {
            None => open_store(&app, dir.path()).expect("the store opens in the temp dir"),
            Some(payments) => {
                let till = versapos_till::Till::open(&dir.path().join(crate::STORE_FILE))
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

    /// Everything a refused command must leave as it was, by part: every table of the store,
    /// the sale on the register and who is signed in, the card readers, the updates and the
    /// save dialogs asked.
    fn digest(&self) -> std::collections::BTreeMap<String, String> {
        let mut parts = std::collections::BTreeMap::new();
        let desktop = self._app.state::<crate::state::Desktop>();
        {
            let register = desktop.register().expect("the register");
            let conn = register.till.connection();
            let column = |sql: &str| -> Vec<String> {
                conn.prepare(sql)
                    .and_then(|mut q| q.query_map([], |r| r.get(0))?.collect())
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            };
            let tables =
                column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
            for table in tables {
                let columns = column(&format!("SELECT name FROM pragma_table_info('{table}')"));
                let row: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
                let rows = column(&format!(
                    "SELECT {} FROM \"{table}\"",
                    row.join(" || ',' || ")
                ));
                parts.insert(format!("the store's {table}"), rows.join("\n"));
            }
            parts.insert(
                "the sale on the register".into(),
                format!("{:?}", register.sale),
            );
            parts.insert(
                "who is signed in".into(),
                format!("{:?}", register.till.signed_in()),
            );
        }
        let readers = desktop.payments.gateway().map(|g| g.readers());
        parts.insert("the card readers".into(), format!("{readers:?}"));
        let updates = self._app.state::<crate::updates::Updates>().status();
        parts.insert("the updates".into(), format!("{updates:?}"));
        let dialogs = self._app.state::<SaveDialogAnswer>();
        parts.insert("the save dialogs".into(), format!("{:?}", dialogs.asked));
        parts
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

/// The commands `lib.rs` registers in `generate_handler!`, by name.
fn registered_commands() -> std::collections::BTreeSet<String> {
    include_str!("../lib.rs")
        .split("generate_handler![")
        .nth(1)
        .and_then(|s| s.split("])").next())
        .expect("generate_handler! in lib.rs")
        .split(',')
        .filter_map(|c| c.trim().rsplit("::").next())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
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

    let registered = registered_commands();

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

    // The dialog shows what the refund would be before it is confirmed; asking writes nothing.
    let asked = json!({"reference": receipt, "refund": {"amount": null,
        "lines": [{"sku": "HOT-0001", "quantity": 1}], "restock": true}});
    let preview = till.ok("refund_preview", asked.clone());
    let again = till.ok("refund_preview", asked.clone());
    assert_eq!(preview["amount"], again["amount"], "{preview}");
    let refund = till.ok("refund_order", asked);
    assert_eq!(preview["amount"], refund["amount"], "{preview} {refund}");
    assert_eq!(preview["points_reversed"], refund["points_reversed"]);
    assert_eq!(preview["order_status"], refund["order_status"]);
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
    assert_eq!(
        report["totals"]["total_collected"], order["total"],
        "{report}"
    );
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

// The permission walk: every command the app registers, tried as each role and with nobody
// signed in, against what the table below says it needs.

/// Who is at the till during a walk: a staff member of the demo (name, PIN, role), or nobody
/// (the screen locked).
type Subject = Option<(&'static str, &'static str, Role)>;

const CASEY: Subject = Some(("Casey", "3000", Role::Cashier));
const MORGAN: Subject = Some(("Morgan", "2000", Role::Manager));
const AVERY: Subject = Some(("Avery", "1000", Role::Admin));

/// The VIP card of the walk's VIP customer.
const VIP_CARD: &str = "04A1B2C3";

/// What a command asks of whoever is at the till.
#[derive(Clone, Copy, Debug)]
enum Needs {
    /// Nothing: the lock screen and the first run call it with nobody signed in.
    Anyone,
    /// Someone signed in, whatever their role.
    SignedIn,
    /// Someone whose role has this permission.
    To(Permission),
}

/// What a call that is let through gives.
#[derive(Clone, Copy, Debug)]
enum Allowed {
    /// An answer.
    Answers,
    /// This error, which is not about who may do it, for the reason given.
    Fails(&'static str, &'static str),
    /// An answer, or one of these errors for the reason given.
    AnswersOr(&'static [&'static str], &'static str),
}

/// How a command is called.
enum How {
    /// With the UI's JSON arguments.
    Args(fn(&Fixtures) -> Value),
    /// A call with more to it (a file's bytes, a card on the reader).
    Run(fn(&Walk) -> Result<Value, Value>),
}

struct Row {
    cmd: &'static str,
    needs: Needs,
    allowed: Allowed,
    how: How,
}

fn call(cmd: &'static str, needs: Needs, allowed: Allowed, args: fn(&Fixtures) -> Value) -> Row {
    Row {
        cmd,
        needs,
        allowed,
        how: How::Args(args),
    }
}

fn run(
    cmd: &'static str,
    needs: Needs,
    allowed: Allowed,
    run: fn(&Walk) -> Result<Value, Value>,
) -> Row {
    Row {
        cmd,
        needs,
        allowed,
        how: How::Run(run),
    }
}

/// Every command the app registers and what it needs, in the order the walk calls them (each
/// leaves the till as the next expects when it is let through: lines on the register, no card
/// payment held before `install_update`).
#[rustfmt::skip] // A table: a command a line reads better than rustfmt's an argument a line.
fn permission_table() -> Vec<Row> {
    use Allowed::*;
    use Needs::*;
    use Permission::*;
    const SET_UP: Allowed = Fails("already_set_up", "the demo till is set up already");
    const NO_UPDATES: Allowed = Fails("update_failed", "nothing listens at the tests' updates");
    const NOT_SET_ASIDE: Allowed = Fails("invalid_input", "no Stripe event is set aside");
    const NO_PCSC: Allowed =
        AnswersOr(&["nfc_service_unavailable"], "no PC/SC service may run where the tests do");
    vec![
        // The shop: the first run and the lock screen show it; settings are an admin's.
        call("app_status",           Anyone,             Answers, |_| json!({})),
        call("start_demo",           To(ChangeSettings), SET_UP,  |_| json!({})),
        call("set_up_shop",          To(ChangeSettings), SET_UP,  |_| json!({"setup": {
            "name": "Corner", "currency": "GBP", "till_id": "T2", "prices_include_tax": true,
            "tax_rates": [], "default_tax_rate": null}})),
        call("change_setting",       To(ChangeSettings), Answers, |_| json!({
            "key": "lock-minutes", "value": "10"})),
        call("set_tax_rate",         To(ChangeSettings), Answers, |_| json!({
            "rate": {"name": "children", "percent": "0"}})),
        // The catalog: finding products is selling; changing them is editing the catalog.
        call("find_products",        To(Sell),           Answers, |_| json!({
            "text": "croissant", "limit": 5})),
        call("list_products",        To(Sell),           Answers, |_| json!({
            "category": null, "offset": 0, "limit": 20})),
        call("categories",           To(Sell),           Answers, |_| json!({})),
        call("product",              To(Sell),           Answers, |_| json!({"sku": "HOT-0001"})),
        call("low_stock",            To(EditCatalog),    Answers, |_| json!({
            "category": null, "offset": 0, "limit": 50})),
        call("add_product",          To(EditCatalog),    Answers, |_| json!({"product": {
            "sku": "WALK-MUG", "name": "Walk mug", "price": "7.50", "barcode": null,
            "tax_rate": null, "stock": 12, "category": "Gifts"}})),
        call("update_product",       To(EditCatalog),    Answers, |_| json!({"sku": "HOT-0006",
            "details": {"name": "Renamed", "barcode": null, "category": "Hot drinks",
            "tax_rate": "standard", "reorder_level": 3}})),
        call("set_price",            To(EditCatalog),    Answers, |_| json!({
            "sku": "HOT-0001", "price": "1.90"})),
        call("set_stock",            To(EditCatalog),    Answers, |_| json!({
            "sku": "HOT-0005", "stock": 50})),
        run("import_products",       To(EditCatalog),    Answers, import_catalog),
        run("import_products",       To(EditCatalog),    Answers, import_bad_catalog),
        run("export_products",       To(EditCatalog),    Answers, export_catalog),
        run("save_products_template", To(EditCatalog),   Answers, save_template),
        // VIP customers: finding, linking and signing up are a cashier's; lost cards a manager's.
        call("find_customers",       To(LinkCustomer),   Answers, |_| json!({"search": null})),
        call("add_customer",         To(AddCustomer),    Answers, |_| json!({"customer": {
            "name": "Walk In", "email": null, "phone": null}})),
        call("customer_detail",      To(LinkCustomer),   Answers, |f| json!({"id": f.vip})),
        call("customer_by_card",     To(LinkCustomer),   Answers, |_| json!({"uid": VIP_CARD})),
        call("link_card",            To(AddCustomer),    Answers, |f| json!({
            "customerId": f.plain, "uid": "0A0B0C0D"})),
        call("block_card",           To(ManageVipCards), Answers, |_| json!({
            "uid": "0B0B0B0B", "reason": "lost"})),
        call("replace_card",         To(ManageVipCards), Answers, |_| json!({
            "old": VIP_CARD, "new": "11223344"})),
        call("edit_customer",        To(AddCustomer),    Answers, |f| json!({"id": f.plain,
            "change": {"name": null, "email": "pat@example.com", "phone": null}})),
        call("merge_customers",      To(ManageCustomers), Answers, |f| json!({
            "keep": f.twins.0, "other": f.twins.1})),
        call("erase_customer",       To(ManageCustomers), Answers, |f| json!({"id": f.to_erase})),
        // The register, which the walk finds with the admin's HOT-0003 on it.
        call("current_cart",         To(Sell),           Answers, |_| json!({})),
        call("cart_add",             To(Sell),           Answers, |_| json!({
            "code": "HOT-0001", "quantity": 2})),
        call("cart_set_quantity",    To(Sell),           Answers, |_| json!({
            "line": 1, "quantity": 3})),
        call("cart_line_discount",   To(Sell),           Answers, |_| json!({
            "line": 1, "discount": "1%"})),
        call("cart_order_discount",  To(LargeDiscount),  Answers, |_| json!({"discount": "50%"})),
        call("cart_line_price",      To(OverridePrice),  Answers, |_| json!({
            "line": 0, "price": "0.10"})),
        call("cart_link_customer",   To(LinkCustomer),   Answers, |f| json!({
            "customerId": f.vip})),
        call("cart_remove",          To(Sell),           Answers, |_| json!({"line": 1})),
        call("checkout",             To(Sell),           Answers, |_| json!({
            "tenders": [{"kind": "cash", "value": null}]})),
        call("cart_add",             To(Sell),           Answers, |_| json!({
            "code": "HOT-0002", "quantity": 1})),
        call("cart_park",            To(ParkSale),       Answers, |_| json!({"note": "table 4"})),
        call("parked_carts",         To(ParkSale),       Answers, |_| json!({})),
        call("resume_parked",        To(ParkSale),       Answers, |f| json!({"id": f.parked})),
        call("cart_void",            To(Sell),           Answers, |_| json!({})),
        // Past orders: the receipt in hand is anyone's who sells; browsing is reading reports.
        call("order",                To(Sell),           Answers, |f| json!({
            "reference": f.paid})),
        call("find_orders",          To(Sell),           Answers, |f| json!({"filter": {
            "status": null, "from": null, "to": null, "text": f.paid}, "offset": 0, "limit": 50})),
        call("find_orders",          To(ReadReports),    Answers, |_| json!({"filter": {
            "status": null, "from": null, "to": null, "text": null}, "offset": 0, "limit": 50})),
        call("refund_preview",       To(Refund),         Answers, |f| json!({"reference": f.paid,
            "refund": {"amount": "0.01", "lines": [], "restock": false}})),
        call("refund_order",         To(Refund),         Answers, |f| json!({"reference": f.paid,
            "refund": {"amount": null, "lines": [], "restock": false}})),
        call("void_order",           To(Void),           Answers, |f| json!({
            "reference": f.to_void})),
        // Reports. The business day is only the till's date, for the report screen's fields.
        call("report",               To(ReadReports),    Answers, |_| json!({"query": {
            "from": "today", "to": "today", "by": "hour", "limit": null}})),
        call("business_day",         Anyone,             Answers, |_| json!({})),
        run("save_report_csv",       To(ReadReports),    Answers, save_report),
        // Card payments at the register.
        call("cart_add",             To(Sell),           Answers, |_| json!({
            "code": "HOT-0001", "quantity": 1})),
        run("card_checkout",         To(Sell),           Answers, card_sale),
        call("cart_add",             To(Sell),           Answers, |_| json!({
            "code": "HOT-0001", "quantity": 1})),
        run("present_test_card",     To(Sell),           Answers, test_card),
        run("retry_card_payment",    To(Sell),           Answers, retry_card),
        call("abandon_card_payment", To(Sell),           Answers, |f| json!({
            "paymentId": f.to_abandon})),
        call("cart_add",             To(Sell),           Answers, |_| json!({
            "code": "HOT-0001", "quantity": 1})),
        run("cancel_card_payment",   To(Sell),           Answers, cancel_card),
        call("cart_void",            To(Sell),           Answers, |_| json!({})),
        call("payments_status",      To(Sell),           Answers, |_| json!({})),
        call("readers_list",         To(Sell),           Answers, |_| json!({})),
        call("payments_in_doubt",    To(Sell),           Answers, |_| json!({})),
        call("reconcile_payments",   To(Sell),           Answers, |_| json!({})),
        call("sync_status",          To(Sell),           Answers, |_| json!({})),
        call("events_needing_attention", To(Sell),       Answers, |_| json!({})),
        // No event is set aside on the walk's till: let through, it says so.
        call("retry_event",          To(Sell),           NOT_SET_ASIDE, |_| json!({
            "eventId": "evt_walk"})),
        call("dismiss_event",        To(Refund),         NOT_SET_ASIDE, |_| json!({
            "eventId": "evt_walk", "reason": "walked"})),
        call("changes_at_stripe",    To(ReadReports),    Answers, |_| json!({})),
        // Setting up the card readers is an admin's.
        call("locations_list",       To(ChangeSettings), Answers, |_| json!({})),
        call("register_reader",      To(ChangeSettings), Answers, |f| json!({
            "code": versapos_payments::sim::SIMULATED_REGISTRATION_CODE,
            "label": "Walk reader", "location": f.location})),
        call("choose_reader",        To(ChangeSettings), Answers, |f| json!({
            "readerId": f.reader})),
        // The setup check shows no secret: anyone who may sell, at either door (as `versapos
        // doctor`).
        call("check_setup",          To(Sell),           Answers, |_| json!({})),
        // The VIP card readers: seeing them is a cashier's, choosing one an admin's.
        call("nfc_readers",          To(Sell),           NO_PCSC, |_| json!({})),
        call("nfc_checks",           To(Sell),           Answers, |_| json!({})),
        call("choose_nfc_reader",    To(ChangeSettings), Answers, |_| json!({"reader": null})),
        // Updates: where they stand is no secret; checking and installing are an admin's.
        call("update_status",        Anyone,             Answers, |_| json!({})),
        call("check_for_updates",    To(ChangeSettings), NO_UPDATES, |_| json!({})),
        call("install_update",       To(ChangeSettings), Answers, |_| json!({})),
        // Receipts and the drawer: the receipt in hand is anyone's who sells, as is a test page;
        // No sale is a manager's; the printer's set-up an admin's.
        call("receipt",              To(Sell),           Answers, |f| json!({
            "reference": f.paid, "copy": {"kind": "reprint"}})),
        call("print_receipt",        To(Sell),           Answers, |f| json!({
            "reference": f.paid, "copy": {"kind": "reprint"}})),
        call("print_after_sale",     To(Sell),           Answers, |f| json!({"orderId": f.paid})),
        call("print_after_refund",   To(Sell),           Answers, |f| json!({
            "orderId": f.refunded.0, "refundId": f.refunded.1})),
        call("open_drawer",          To(NoSale),         Answers, |_| json!({})),
        call("printer_status",       To(Sell),           Answers, |_| json!({})),
        call("test_printer",         To(Sell),           Answers, |_| json!({})),
        call("printer_choices",      To(ChangeSettings), Answers, |_| json!({})),
        call("set_printer",          To(ChangeSettings), Answers, |f| json!({
            "address": f.printer.address(), "paper": "58mm", "codePage": "pc437",
            "drawerPin": "5"})),
        call("receipt_logo",         To(Sell),           Answers, |_| json!({})),
        call("set_receipt_logo",     To(ChangeSettings), Answers, |_| json!({"png": null})),
        // Shifts: opening, dropping and closing are anyone's who sells; paying in and out a
        // manager's; the reports and the list a manager's. 10.00 − 1.00 dropped (+1 −1 where
        // allowed) leaves 9.00 whoever walks it.
        call("denominations",        To(Sell),           Answers, |_| json!({})),
        call("current_shift",        To(Sell),           Answers, |_| json!({})),
        call("open_shift",           To(Sell),           Answers, |_| json!({
            "count": [{"minor": 1000, "count": 1}]})),
        call("pay_in",               To(ManageCash),     Answers, |_| json!({
            "amount": "1.00", "reason": "walk"})),
        call("pay_out",              To(ManageCash),     Answers, |_| json!({
            "amount": "1.00", "reason": "walk"})),
        call("drop_to_safe",         To(Sell),           Answers, |_| json!({"amount": "1.00"})),
        call("expected_for_close",   To(Sell),           Answers, |_| json!({})),
        call("x_report",             To(ReadReports),    Answers, |_| json!({})),
        call("shifts_list",          To(ReadReports),    Answers, |_| json!({"limit": 20, "offset": 0})),
        call("shift_detail",         To(ReadReports),    Answers, |_| json!({"id": 1})),
        call("close_shift",          To(Sell),           Answers, |_| json!({
            "count": [{"minor": 500, "count": 1}, {"minor": 200, "count": 2}],
            "floatLeft": "", "note": null})),
        call("z_report",             To(ReadReports),    Answers, |_| json!({"number": null})),
        call("print_z",              To(Sell),           Answers, |_| json!({"number": null})),
        call("remove_printer",       To(ChangeSettings), Answers, |_| json!({})),
        // Staff: the lock screen's names and signing in and out are anyone's; asking for a
        // manager's approval is whoever is signed in; accounts are managed by their role.
        call("staff_status",         Anyone,             Answers, |_| json!({})),
        call("staff_list",           To(ManageCashiers), Answers, |_| json!({})),
        call("add_staff",            To(ManageCashiers), Answers, |_| json!({"staff": {
            "name": "Sam", "role": "cashier", "pin": "4321"}})),
        call("add_staff",            To(ManageManagers), Answers, |_| json!({"staff": {
            "name": "Boss", "role": "manager", "pin": "4321"}})),
        call("change_staff",         To(ManageCashiers), Answers, |_| json!({"name": "Casey",
            "change": {"kind": "unlock"}})),
        call("change_staff",         To(ManageManagers), Answers, |_| json!({"name": "Morgan",
            "change": {"kind": "unlock"}})),
        run("sign_in",               Anyone,             Answers, sign_in),
        call("approve",              SignedIn,           Answers, |_| json!({
            "name": "Avery", "pin": "1000", "permission": "refund"})),
        call("sign_out",             Anyone,             Answers, |_| json!({})),
    ]
}

/// What the walk's calls work on, made by the demo's admin before the walk: sales to refund and
/// void, VIP customers, a parked sale, two declined card payments held for the cashier, and the
/// demo reader chosen for the till; HOT-0003 is left on the register.
struct Fixtures {
    /// The receipt printer the walk's till prints on.
    printer: versapos_printer::fake::FakePrinter,
    /// A cash refund: `{order_id, refund_id}` of its receipt.
    refunded: (Value, Value),
    paid: Value,
    to_void: Value,
    vip: Value,
    plain: Value,
    twins: (Value, Value),
    to_erase: Value,
    parked: Value,
    to_retry: Value,
    to_abandon: Value,
    reader: Value,
    location: Value,
}

fn fixtures(till: &TestTill) -> Fixtures {
    let reader = till.ok("readers_list", json!({}))[0]["id"].clone();
    till.ok("choose_reader", json!({"readerId": reader}));
    let location = till.ok("locations_list", json!({}))[0]["id"].clone();
    let cash_sale = |sku: &str| {
        till.ok("cart_add", json!({"code": sku, "quantity": 2}));
        let tenders = json!({"tenders": [{"kind": "cash", "value": null}]});
        till.ok("checkout", tenders)["receipt"].clone()
    };
    let printer = versapos_printer::fake::FakePrinter::start();
    till.ok(
        "set_printer",
        json!({"address": printer.address(), "paper": "80mm",
        "codePage": "pc858", "drawerPin": "2"}),
    );
    let paid = cash_sale("HOT-0001");
    let to_void = cash_sale("HOT-0002");
    let refunded = {
        let receipt = cash_sale("HOT-0004");
        let refund = till.ok(
            "refund_order",
            json!({"reference": receipt,
            "refund": {"amount": null, "lines": [], "restock": false}}),
        );
        (refund["order_id"].clone(), refund["id"].clone())
    };
    let customer = |name: &str, card: Option<&str>| {
        let new = json!({"name": name, "email": null, "phone": null, "card_uid": card});
        till.ok("add_customer", json!({"customer": new}))["id"].clone()
    };
    let vip = customer("Vic Ip", Some(VIP_CARD));
    let plain = customer("Pat Lain", None);
    let twins = (customer("Jo Twin", None), customer("Jo Twin (2)", None));
    let to_erase = customer("Erin Ase", None);
    till.ok("cart_add", json!({"code": "HOT-0002", "quantity": 1}));
    till.ok("cart_park", json!({"note": "walk"}));
    let parked = till.ok("parked_carts", json!({}))[0]["id"].clone();
    let declined = |sku: &str| {
        till.ok("cart_add", json!({"code": sku, "quantity": 1}));
        let (outcome, _) = super::payments_tests::card_payment(
            till,
            "card_checkout",
            json!({"tenders": [{"kind": "card", "value": null}]}),
            |t| {
                t.ok("present_test_card", json!({"card": "declined"}));
            },
        );
        let outcome = outcome.unwrap_or_else(|e| panic!("card_checkout failed: {e}"));
        assert_eq!(outcome["outcome"], json!("declined"), "{outcome}");
        till.ok("cart_void", json!({}));
        outcome["payment_id"].clone()
    };
    let to_retry = declined("HOT-0001");
    let to_abandon = declined("HOT-0002");
    till.ok("cart_add", json!({"code": "HOT-0003", "quantity": 1}));
    Fixtures {
        printer,
        refunded,
        paid,
        to_void,
        vip,
        plain,
        twins,
        to_erase,
        parked,
        to_retry,
        to_abandon,
        reader,
        location,
    }
}

/// A walk in progress: the till, who is at it and what the calls work on.
struct Walk<'t> {
    till: &'t TestTill,
    who: Subject,
    fx: &'t Fixtures,
}

impl Walk<'_> {
    /// Puts the walk's subject back at the till: signed in afresh (which also drops a manager's
    /// approval), or the till locked.
    fn restore(&self) {
        match self.who {
            Some((name, pin, _)) => self.till.ok("sign_in", json!({"name": name, "pin": pin})),
            None => self.till.ok("sign_out", json!({})),
        };
    }

    /// A card command called bare, with a channel for its progress (refused, it never waits
    /// for a card).
    fn card_call(&self, cmd: &str, mut args: Value) -> Result<Value, Value> {
        args["progress"] = json!("__CHANNEL__:1");
        self.till.call(cmd, args)
    }

    fn label(&self, cmd: &str) -> String {
        match self.who {
            Some((name, _, role)) => format!("{name} ({role}) {cmd}"),
            None => format!("nobody signed in: {cmd}"),
        }
    }

    /// How the row's call must be refused with the walk's subject at the till (its code, and
    /// the permission it names), or None when it is let through.
    fn refusal(&self, row: &Row) -> Option<(&'static str, Option<Permission>)> {
        match (row.needs, self.who) {
            (Needs::Anyone, _) | (Needs::SignedIn, Some(_)) => None,
            (_, None) => Some(("not_signed_in", None)),
            (Needs::To(p), Some((_, _, role))) => {
                (!role.allows(p)).then_some(("not_permitted", Some(p)))
            }
        }
    }

    /// Checks `result` of the row's call against what the row needs and who is at the till.
    fn verdict(&self, row: &Row, result: Result<Value, Value>) {
        let label = self.label(row.cmd);
        match (self.refusal(row), row.allowed, result) {
            (None, Allowed::Answers | Allowed::AnswersOr(..), Ok(_)) => {}
            (None, Allowed::Fails(code, why), Err(e)) => {
                assert_eq!(e["code"], json!(code), "{label}: should fail as {why}: {e}");
            }
            (None, Allowed::AnswersOr(codes, why), Err(e)) => assert!(
                codes.iter().any(|c| e["code"] == json!(c)),
                "{label}: should answer, or fail with one of {codes:?} as {why}: {e}"
            ),
            (None, allowed, r) => panic!("{label}: let through, expected {allowed:?}, got {r:?}"),
            (Some((code, permission)), _, Err(e)) => {
                assert_eq!(e["code"], json!(code), "{label}: {e}");
                let named = permission.map(|p| json!(p.as_str()));
                assert_eq!(e.get("permission"), named.as_ref(), "{label}: {e}");
            }
            (Some((code, _)), _, Ok(v)) => {
                panic!("{label}: should be refused with {code}, but answered {v}")
            }
        }
    }
}

/// Walks the whole table on `till` with `who` at it. A refused call must also leave the till as
/// it was (the cancel's row aside: its scenario sells by card around the refused call).
fn walk(till: &TestTill, fx: &Fixtures, who: Subject) {
    let w = Walk { till, who, fx };
    w.restore();
    for row in permission_table() {
        let watched = w.refusal(&row).is_some() && row.cmd != "cancel_card_payment";
        let before = watched.then(|| till.digest());
        let result = match row.how {
            How::Args(args) => till.call(row.cmd, args(fx)),
            How::Run(run) => run(&w),
        };
        w.verdict(&row, result);
        if let Some(before) = before {
            let after = till.digest();
            let changed: Vec<&String> = before
                .keys()
                .filter(|k| after.get(*k) != before.get(*k))
                .collect();
            assert!(
                changed.is_empty(),
                "{}: refused, but changed {changed:?}",
                w.label(row.cmd)
            );
        }
        // These change who is signed in, or what they may do next.
        if matches!(row.cmd, "sign_in" | "sign_out" | "approve") {
            w.restore();
        }
    }
}

const CATALOG_CSV: &str = "sku,name,price,barcode,tax_rate,stock,category\n\
                           WALK-1,Tea towel,4.00,,standard,5,Homeware\n";

fn import_catalog(w: &Walk) -> Result<Value, Value> {
    let answer = w.till.call_raw(
        "import_products",
        CATALOG_CSV.as_bytes(),
        &[("x-file-name", "walk.csv")],
    );
    if let Ok(out) = &answer {
        assert_eq!(out["problems"], json!([]), "a good file imports: {out}");
        assert_eq!(out["added"], json!(1), "{out}");
    }
    answer
}

/// A file with a problem: someone who may import hears of the problem, nobody else of the file.
fn import_bad_catalog(w: &Walk) -> Result<Value, Value> {
    let bad = CATALOG_CSV.replace("4.00", "four");
    let answer = w.till.call_raw(
        "import_products",
        bad.as_bytes(),
        &[("x-file-name", "bad.csv")],
    );
    if let Ok(out) = &answer {
        assert_eq!(out["added"], json!(0), "{out}");
        assert_eq!(out["problems"][0]["column"], json!("price"), "{out}");
    }
    answer
}

/// Whether a saved file's answer names a file that is there.
fn assert_saved(answer: &Result<Value, Value>, what: &str) {
    if let Ok(saved) = answer {
        let path = saved["path"].as_str().unwrap_or_default();
        assert!(std::path::Path::new(path).is_file(), "{what}: {saved}");
    }
}

fn export_catalog(w: &Walk) -> Result<Value, Value> {
    let answer = w.till.call("export_products", json!({}));
    assert_saved(&answer, "the catalog is saved");
    if let Ok(saved) = &answer {
        assert!(saved["rows"].as_u64().is_some_and(|r| r > 0), "{saved}");
    }
    answer
}

/// The template a new shop fills in: the import's columns and examples that import as they are.
fn save_template(w: &Walk) -> Result<Value, Value> {
    let answer = w.till.call("save_products_template", json!({}));
    assert_saved(&answer, "the template is saved");
    if let Ok(saved) = &answer {
        let path = saved["path"].as_str().unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("template");
        assert!(
            text.starts_with("sku,name,price,barcode,tax_rate,stock,category\n"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 3, "two examples: {text}");
    }
    answer
}

fn save_report(w: &Walk) -> Result<Value, Value> {
    let query = json!({"from": "today", "to": "today", "by": "hour", "limit": null});
    let answer = w.till.call("save_report_csv", json!({"query": query}));
    assert_saved(&answer, "the report is saved");
    answer
}

fn card_tenders() -> Value {
    json!({"tenders": [{"kind": "card", "value": null}]})
}

/// The sale on the register paid by card; with nobody signed in, the bare call.
fn card_sale(w: &Walk) -> Result<Value, Value> {
    if w.who.is_none() {
        return w.card_call("card_checkout", card_tenders());
    }
    let (answer, _) =
        super::payments_tests::card_payment(w.till, "card_checkout", card_tenders(), |t| {
            t.ok("present_test_card", json!({"card": "approved"}));
        });
    if let Ok(outcome) = &answer {
        assert_eq!(outcome["outcome"], json!("paid"), "{outcome}");
    }
    answer
}

/// A test card given to the reader while it waits for the subject's card sale; with nobody
/// signed in, the bare call.
fn test_card(w: &Walk) -> Result<Value, Value> {
    let card = json!({"card": "approved"});
    if w.who.is_none() {
        return w.till.call("present_test_card", card);
    }
    let mut presented = None;
    let (answer, _) =
        super::payments_tests::card_payment(w.till, "card_checkout", card_tenders(), |t| {
            let answer = t.call("present_test_card", card);
            if answer.is_err() {
                // Refused: end the card payment instead of waiting for the reader to give up.
                t.ok("cancel_card_payment", json!({}));
            }
            presented = Some(answer);
        });
    let outcome = answer.unwrap_or_else(|e| panic!("card_checkout failed: {e}"));
    let presented = presented.unwrap_or_else(|| panic!("the reader never waited: {outcome}"));
    if presented.is_ok() {
        assert_eq!(outcome["outcome"], json!("paid"), "{outcome}");
    }
    presented
}

/// The declined card payment tried again and paid; with nobody signed in, the bare call.
fn retry_card(w: &Walk) -> Result<Value, Value> {
    let args = json!({"paymentId": w.fx.to_retry});
    if w.who.is_none() {
        return w.card_call("retry_card_payment", args);
    }
    let (answer, _) =
        super::payments_tests::card_payment(w.till, "retry_card_payment", args, |t| {
            t.ok("present_test_card", json!({"card": "approved"}));
        });
    if let Ok(outcome) = &answer {
        assert_eq!(outcome["outcome"], json!("paid"), "{outcome}");
    }
    answer
}

/// Cancel while the reader waits for the card of the sale on the register: the subject's own
/// card payment; with nobody signed in, the admin's, the till locked while the reader waits.
/// The card payment is then given up, so the sale stays on the register.
fn cancel_card(w: &Walk) -> Result<Value, Value> {
    let avery = json!({"name": "Avery", "pin": "1000"});
    if w.who.is_none() {
        w.till.ok("sign_in", avery.clone());
    }
    let mut canceled = None;
    let (answer, _) =
        super::payments_tests::card_payment(w.till, "card_checkout", card_tenders(), |t| {
            if w.who.is_none() {
                t.ok("sign_out", json!({}));
            }
            let answer = t.call("cancel_card_payment", json!({}));
            if w.who.is_none() {
                t.ok("sign_in", avery);
            }
            if answer.is_err() {
                t.ok("cancel_card_payment", json!({}));
            }
            canceled = Some(answer);
        });
    let outcome = answer.unwrap_or_else(|e| panic!("card_checkout failed: {e}"));
    assert_eq!(outcome["outcome"], json!("canceled"), "{outcome}");
    w.till.ok(
        "abandon_card_payment",
        json!({"paymentId": outcome["payment_id"]}),
    );
    if w.who.is_none() {
        w.till.ok("sign_out", json!({}));
    }
    canceled.unwrap_or_else(|| panic!("the reader never waited: {outcome}"))
}

/// The subject signs in again (with nobody signed in, Casey signs in).
fn sign_in(w: &Walk) -> Result<Value, Value> {
    let (name, pin, _) = w.who.or(CASEY).expect("a staff member");
    w.till.call("sign_in", json!({"name": name, "pin": pin}))
}

#[test]
fn every_registered_command_is_in_the_permission_walk() {
    let walked: std::collections::BTreeSet<String> = permission_table()
        .iter()
        .map(|row| row.cmd.to_string())
        .collect();
    let registered = registered_commands();
    let missing: Vec<&String> = registered.difference(&walked).collect();
    assert!(
        missing.is_empty(),
        "registered in lib.rs but missing from permission_table(): {missing:?}"
    );
    let unknown: Vec<&String> = walked.difference(&registered).collect();
    assert!(
        unknown.is_empty(),
        "in permission_table() but not registered: {unknown:?}"
    );
}

/// The permission table walked through every command the app registers, for every role:
/// allowed commands answer (or fail only as the table says, never for a permission), refused
/// ones say `not_permitted` and name the permission.
#[test]
fn every_role_gets_exactly_its_permissions_through_the_commands() {
    for who in [CASEY, MORGAN, AVERY] {
        let till = staffed_till();
        let fx = fixtures(&till);
        walk(&till, &fx, who);
    }
}

/// What a locked till must keep as it was: the shop, the sale on the register, parked sales,
/// customers, the catalog, orders (by id), staff and readers.
fn till_state(till: &TestTill) -> (Value, Vec<Value>) {
    let state = json!({
        "shop": till.ok("app_status", json!({}))["shop"],
        "sale": till.ok("current_cart", json!({})),
        "parked": till.ok("parked_carts", json!({})),
        "customers": till.ok("find_customers", json!({"search": null})),
        "products": till.ok("list_products", json!({"category": null, "offset": 0, "limit": 1000})),
        "staff": till.ok("staff_list", json!({})),
        "readers": till.ok("readers_list", json!({})),
    });
    let orders = till.ok(
        "find_orders",
        json!({"filter": {"status": null, "from": null, "to": null, "text": null},
            "offset": 0, "limit": 1000}),
    );
    (state, orders.as_array().cloned().expect("a list of orders"))
}

/// With nobody signed in (the screen locked) only the lock screen's commands answer; everything
/// else says `not_signed_in`, and nothing at the till changes: not the sale on the register,
/// not an order, a setting, a product, a customer or a staff account.
#[test]
fn a_locked_till_answers_only_the_lock_screen_and_changes_nothing() {
    let till = staffed_till();
    let fx = fixtures(&till);
    let (before, orders_before) = till_state(&till);
    walk(&till, &fx, None);
    till.ok("sign_in", json!({"name": "Avery", "pin": "1000"}));
    let (after, orders_after) = till_state(&till);
    assert_eq!(after, before, "a locked till changed");
    let known: Vec<&Value> = orders_before.iter().map(|o| &o["id"]).collect();
    let (old, new): (Vec<Value>, Vec<Value>) = orders_after
        .into_iter()
        .partition(|o| known.contains(&&o["id"]));
    assert_eq!(old, orders_before, "a locked till changed an order");
    // The admin's card sale that cancel_card_payment was tried on, given up.
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["status"], json!("payment_failed"), "{new:?}");
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
