//! The shop's time zone: what "today" is, and the business day and hour each sale counts on,
//! whatever zone the till's computer is set to.

use crate::support::gbp_shop;
use versapos_till::TillError;

#[test]
fn the_shops_time_zone_decides_today_and_the_day_and_hour_of_each_sale() {
    let mut t = gbp_shop();
    // The computer's clock in UTC, late in the evening.
    t.set_time("2026-12-06T23:30:00+00:00");
    assert_eq!(
        t.till.today().to_string(),
        "2026-12-06",
        "the computer's day"
    );

    let shop = t.till.set_setting("time-zone", "asia/tokyo").expect("set");
    assert_eq!(
        shop.time_zone.as_deref(),
        Some("Asia/Tokyo"),
        "kept by its name"
    );
    assert_eq!(
        t.till.today().to_string(),
        "2026-12-07",
        "already tomorrow in Tokyo"
    );
    let order = t.cash_sale(&[("MILK", 1)]);
    assert!(
        order.created_at.starts_with("2026-12-07T08:30:00") && order.created_at.ends_with("+09:00"),
        "stamped in the shop's zone: {}",
        order.created_at
    );
    assert_eq!(
        t.text(&format!(
            "SELECT business_day || ' ' || hour FROM orders WHERE id = '{}'",
            order.id
        ))
        .as_deref(),
        Some("2026-12-07 8")
    );
    let day = t.till.today();
    let today = t
        .till
        .report(day, day, versapos_till::ReportBy::Day, None)
        .expect("today's report");
    assert_eq!(today.totals.orders, 1, "the sale is on the shop's today");

    // Back to the computer's zone.
    t.till.set_setting("time-zone", "computer").expect("unset");
    assert_eq!(t.till.shop().expect("shop").time_zone, None);
    assert_eq!(t.till.today().to_string(), "2026-12-06");
}

#[test]
fn a_time_zone_that_is_none_is_refused_by_name_and_nothing_changes() {
    let mut t = gbp_shop();
    t.till
        .set_setting("time-zone", "Europe/London")
        .expect("set");
    for bad in ["Mars/Olympus", "GMT+25", "London"] {
        let err = t
            .till
            .set_setting("time-zone", bad)
            .expect_err("not a time zone");
        match &err {
            TillError::Invalid { field, message } => {
                assert_eq!(field, "time-zone");
                assert!(message.contains("not a time zone"), "{message}");
                assert!(message.contains(bad), "{message}");
            }
            other => panic!("expected a refusal naming the setting, got {other}"),
        }
        assert_eq!(
            t.till.shop().expect("shop").time_zone.as_deref(),
            Some("Europe/London"),
            "{bad}: the zone set before stays"
        );
    }
}
