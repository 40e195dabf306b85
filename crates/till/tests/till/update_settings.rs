//! The shop's choices about updates of the till: when to install, and where to look.

use crate::support::gbp_shop;
use versapos_till::{TillError, UpdateInstall};

fn refused_field(e: TillError) -> String {
    match e {
        TillError::Invalid { field, .. } => field,
        other => panic!("expected a refusal naming a field, got {other}"),
    }
}

#[test]
fn an_update_installs_at_the_next_start_unless_a_manager_chooses_otherwise() {
    let mut t = gbp_shop();
    let shop = t.till.shop().expect("shop");
    assert_eq!(shop.update_install, UpdateInstall::NextStart);
    assert_eq!(shop.update_url, None, "the app's own address at first");

    t.till
        .set_setting("update-install", "when-idle")
        .expect("when idle");
    t.till
        .set_setting("update-url", "https://updates.example.com/pos/latest.json")
        .expect("a shop's own mirror");
    let t = t.restart();
    let shop = t.till.shop().expect("shop");
    assert_eq!(
        shop.update_install,
        UpdateInstall::WhenIdle,
        "kept in the store"
    );
    assert_eq!(
        shop.update_url.as_deref(),
        Some("https://updates.example.com/pos/latest.json")
    );

    let mut t = t;
    t.till
        .set_setting("update-install", "manager")
        .expect("manager");
    t.till
        .set_setting("update-url", "default")
        .expect("back to the app's own");
    let shop = t.till.shop().expect("shop");
    assert_eq!(shop.update_install, UpdateInstall::Manager);
    assert_eq!(shop.update_url, None);
}

#[test]
fn an_update_address_must_be_https_except_on_this_machine() {
    let mut t = gbp_shop();
    t.till
        .set_setting("update-url", "http://127.0.0.1:8123/latest.json")
        .expect("a local mirror over http");
    for bad in [
        "http://updates.example.com/latest.json",
        "ftp://updates.example.com/latest.json",
        "updates.example.com/latest.json",
        "https:///latest.json",
        "https://updates.example.com/a b.json",
    ] {
        let e = t
            .till
            .set_setting("update-url", bad)
            .expect_err(&format!("{bad} is refused"));
        assert_eq!(refused_field(e), "update-url", "{bad}");
    }
    let e = t
        .till
        .set_setting("update-install", "tonight")
        .expect_err("an unknown choice");
    assert_eq!(refused_field(e), "update-install");
    assert_eq!(
        t.till.shop().expect("shop").update_url.as_deref(),
        Some("http://127.0.0.1:8123/latest.json"),
        "a refused address leaves the last good one"
    );
}
