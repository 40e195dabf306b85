//! `versapos doctor`: the card payment setup checked against the in-repo fake Stripe over
//! loopback (and against a closed port), in JSON and for people, never showing the key.

use crate::support::{array, text, Run, Till};
use serde_json::Value;
use versapos_stripe_fake::{FakeStripe, TEST_KEY};

/// The secret part of the fake's key: it must never be printed.
const KEY_SECRET: &str = "VersaPosFake";

/// Runs `versapos [--json] doctor` with the key and the API address given (None: unset).
fn doctor(till: &Till, key: Option<&str>, api: Option<&str>, json: bool) -> Run {
    let mut cmd = till.command();
    cmd.env_remove("VERSAPOS_STRIPE_API");
    if let Some(k) = key {
        cmd.env("VERSAPOS_STRIPE_KEY", k);
    }
    if let Some(a) = api {
        cmd.env("VERSAPOS_STRIPE_API", a);
    }
    if json {
        cmd.arg("--json");
    }
    let out = cmd.arg("doctor").output().expect("run the versapos binary");
    let run = Run::from_output(out);
    for (name, shown) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        if let Some(k) = key {
            let secret = &k[8..k.len() - 4];
            assert!(
                !shown.contains(secret),
                "the key must never be printed, found on {name}: {shown}"
            );
        }
    }
    run
}

/// The JSON report of a run (one document on stdout, nothing else).
fn report(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor --json should print exactly one JSON document ({e}):\n{}\nstderr: {}",
            run.stdout, run.stderr
        )
    })
}

/// The JSON report of a run that exited with `code`.
fn report_exiting(run: &Run, code: i32) -> Value {
    assert_eq!(
        run.code,
        Some(code),
        "stdout: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    report(run)
}

/// A check of the report by id: (status, detail, fix).
fn check(report: &Value, id: &str) -> (String, String, Option<String>) {
    let c = array(report, "checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("the report should have a `{id}` check: {report:#}"));
    (
        text(c, "status").to_string(),
        text(c, "detail").to_string(),
        c["fix"].as_str().map(str::to_string),
    )
}

#[test]
fn doctor_with_the_fake_stripe_passes_and_warns_about_the_full_key_and_the_overrides() {
    let fake = FakeStripe::start();
    let till = Till::gbp();
    let run = doctor(&till, Some(TEST_KEY), Some(&fake.url()), true);
    let r = report_exiting(&run, 0);
    assert_eq!(r["ok"], Value::from(true), "{r:#}");
    for id in ["key", "key_format", "mode", "stripe", "clock", "reader"] {
        assert_eq!(check(&r, id).0, "ok", "`{id}` should pass: {r:#}");
    }
    let (status, detail, fix) = check(&r, "key_kind");
    assert_eq!(status, "warn");
    assert!(detail.contains("prefer a restricted key"), "{detail}");
    let fix = fix.expect("the full key warning says what to do");
    assert!(fix.contains("Terminal readers: Write"), "{fix}");
    let (status, detail, _) = check(&r, "key_env");
    assert_eq!(status, "warn");
    assert!(detail.contains("VERSAPOS_STRIPE_KEY"), "{detail}");
    let (status, detail, _) = check(&r, "api");
    assert_eq!(status, "warn");
    assert!(
        detail.contains(&format!("not Stripe's own API: {}", fake.url())),
        "{detail}"
    );
    assert!(check(&r, "key").1.contains("full secret test key …0000"));
    assert!(check(&r, "mode").1.starts_with("test mode"));
    assert!(
        !fake.requests_to("GET", "/v1/terminal/readers").is_empty(),
        "the doctor asked the fake for real"
    );

    // For people: one line per check, marked, with the fix beside it.
    let run = doctor(&till, Some(TEST_KEY), Some(&fake.url()), false);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.contains("✓ Stripe reachable, key accepted: "),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("! Restricted key: "), "{}", run.stdout);
    assert!(run.stdout.contains("fix: "), "{}", run.stdout);
    assert!(run.stdout.contains("ready to take cards"), "{}", run.stdout);
    assert!(!run.stdout.contains(KEY_SECRET));
}

#[test]
fn doctor_a_key_stripe_refuses_exits_1_naming_the_refusal() {
    let fake = FakeStripe::start();
    let till = Till::gbp();
    // The fake, like Stripe in test mode, refuses any live key.
    let refused = "rk_live_51RefusedByTheServer99";
    let run = doctor(&till, Some(refused), Some(&fake.url()), true);
    let r = report_exiting(&run, 1);
    assert_eq!(r["ok"], Value::from(false));
    let (status, detail, fix) = check(&r, "stripe");
    assert_eq!(status, "fail");
    assert!(detail.contains("key refused"), "{detail}");
    assert!(fix.is_some_and(|f| f.contains("VERSAPOS_STRIPE_KEY")));
    assert_eq!(
        check(&r, "reader").0,
        "skip",
        "nothing more is asked of a refusing server"
    );
    assert!(
        run.stderr.contains("Stripe reachable, key accepted"),
        "{}",
        run.stderr
    );

    let run = doctor(&till, Some(refused), Some(&fake.url()), false);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stdout
            .contains("✗ Stripe reachable, key accepted: key refused"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("not ready to take cards"),
        "{}",
        run.stdout
    );
}

#[test]
fn doctor_an_unreachable_api_exits_1_saying_it_cannot_reach_stripe() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port();
    let till = Till::gbp();
    let api = format!("http://127.0.0.1:{port}");
    let run = doctor(&till, Some(TEST_KEY), Some(&api), true);
    let r = report_exiting(&run, 1);
    let (status, detail, fix) = check(&r, "stripe");
    assert_eq!(status, "fail");
    assert!(detail.contains("cannot reach Stripe"), "{detail}");
    assert!(fix.is_some_and(|f| f.contains("VERSAPOS_STRIPE_API")));
    assert_eq!(check(&r, "clock").0, "skip");
}

#[test]
fn doctor_with_no_key_warns_of_demo_mode_and_needs_only_a_signed_in_cashier() {
    let till = Till::gbp();
    let r = till.run_with_new_pin(
        "9999",
        &["staff", "add", "--name", "Ada", "--role", "admin"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    till.as_staff(Some(("Ada", "9999")));
    let r = till.run_with_new_pin(
        "3333",
        &["staff", "add", "--name", "Cal", "--role", "cashier"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);

    till.as_staff(None);
    let run = doctor(&till, None, None, true);
    assert_eq!(
        run.code,
        Some(2),
        "nobody signed in is refused: {}",
        run.stdout
    );

    till.as_staff(Some(("Cal", "3333")));
    let run = doctor(&till, None, None, true);
    let r = report_exiting(&run, 0);
    assert_eq!(r["ok"], Value::from(true), "{r:#}");
    let (status, detail, fix) = check(&r, "key");
    assert_eq!(status, "warn");
    assert!(
        detail.contains("no key: the till runs in DEMO mode"),
        "{detail}"
    );
    assert!(fix.is_some_and(|f| f.contains("versapos keys set")));
    assert_eq!(check(&r, "stripe").0, "skip");
    assert_eq!(check(&r, "reader").0, "ok", "the demo reader is there");
}

#[test]
fn doctor_an_offline_reader_fails() {
    let fake = FakeStripe::start();
    let readers = fake.readers();
    let reader = readers.first().expect("the fake starts with a reader");
    fake.set_reader_online(&reader.id, false)
        .expect("take the fake's reader off line");
    let till = Till::gbp();
    let run = doctor(&till, Some(TEST_KEY), Some(&fake.url()), true);
    let r = report_exiting(&run, 1);
    let (status, detail, fix) = check(&r, "reader");
    assert_eq!(status, "fail");
    assert!(
        detail.contains("offline") && detail.contains(&reader.id),
        "{detail}"
    );
    assert!(fix.is_some_and(|f| f.contains("turn the reader on")));
    assert_eq!(check(&r, "stripe").0, "ok");

    // The chosen reader is the one checked.
    fake.set_reader_online(&reader.id, true)
        .expect("put the reader back on line");
    let run = till.run_with_env(
        &[
            ("VERSAPOS_STRIPE_KEY", TEST_KEY),
            ("VERSAPOS_STRIPE_API", &fake.url()),
        ],
        &["readers", "use", &reader.id],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    fake.set_reader_online(&reader.id, false)
        .expect("take the reader off line again");
    let r = report(&doctor(&till, Some(TEST_KEY), Some(&fake.url()), true));
    let (status, detail, _) = check(&r, "reader");
    assert_eq!(status, "fail");
    assert!(detail.contains("this till's reader"), "{detail}");
}
