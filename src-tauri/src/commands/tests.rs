//! The commands end to end over IPC on a mock runtime (no window, no display) and a store in a
//! temp folder: what the UI sends, what it gets back, and the error codes it switches on.

use crate::open_store;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// The app's own origin: Tauri refuses our commands from any other (remote content).
const LOCAL_ORIGIN: &str = if cfg!(windows) {
    "http://tauri.localhost"
} else {
    "tauri://localhost"
};

struct TestTill {
    _dir: tempfile::TempDir,
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl TestTill {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = crate::with_commands(mock_builder())
            .build(mock_context(noop_assets()))
            .expect("the mock app builds");
        open_store(&app, dir.path()).expect("the store opens in the temp dir");
        let window = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("the mock window opens");
        TestTill {
            _dir: dir,
            _app: app,
            window,
        }
    }

    /// Invokes `cmd` as the UI would; Ok is the returned value, Err the rejected one.
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: LOCAL_ORIGIN.parse().expect("a valid url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: tauri::test::INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window, request)
            .map(|body| body.deserialize::<Value>().expect("the response is JSON"))
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn error_code(&self, cmd: &str, args: Value) -> String {
        let e = self
            .call(cmd, args)
            .err()
            .unwrap_or_else(|| panic!("{cmd} should have failed"));
        assert!(e["message"].is_string(), "{cmd}: error has a message: {e}");
        e["code"].as_str().expect("error has a code").to_string()
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
