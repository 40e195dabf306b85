//! Every subcommand of the command line, tried as each role and with nobody signed in: what the
//! permission table allows works, what it does not is refused (exit 2) naming the permission,
//! and nothing but `status` works for nobody. The list of subcommands is read from the binary's
//! own help, so a subcommand added without a line here fails the walk.

use crate::support::{path_str, Till};
use serde_json::Value;
use std::collections::BTreeSet;
use versapos_core::{Permission, Role};
use versapos_stripe_fake::{FakeStripe, TEST_KEY};

/// What a subcommand needs.
#[derive(Clone, Copy, Debug)]
enum Needs {
    /// Nothing: it works with nobody signed in.
    Nobody,
    /// Anyone signed in, whatever their role.
    SignedIn,
    /// This permission.
    Permission(Permission),
}

/// One subcommand tried: its arguments, extra environment, what it needs, and how it ends when
/// it is allowed (exit code and a piece of its output) — most end 0, a few end as they must
/// whoever runs them (a second `init` on a set-up store).
struct Case {
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    needs: Needs,
    allowed: (i32, &'static str),
}

fn case(needs: Needs, args: &[&str]) -> Case {
    Case {
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        needs,
        allowed: (0, ""),
    }
}

impl Case {
    fn env(mut self, key: &'static str, value: &str) -> Case {
        self.env.push((key, value.to_string()));
        self
    }

    fn ends(mut self, code: i32, shows: &'static str) -> Case {
        self.allowed = (code, shows);
        self
    }

    /// The subcommand's name as the help lists it: `sale`, `products set-price`.
    fn name(&self) -> String {
        let words: Vec<&str> = self
            .args
            .iter()
            .take_while(|a| !a.starts_with('-'))
            .map(String::as_str)
            .collect();
        match words.as_slice() {
            [group, sub, ..] if GROUPS.contains(group) => format!("{group} {sub}"),
            [one, ..] => one.to_string(),
            [] => String::new(),
        }
    }
}

/// The subcommands that have subcommands of their own.
const GROUPS: &[&str] = &[
    "settings",
    "products",
    "orders",
    "customers",
    "journal",
    "staff",
    "keys",
    "readers",
    "relay",
    "nfc",
    "sync",
    "printer",
    "print",
    "drawer",
    "shift",
];

/// Groups that also run on their own, with flags: `sync --once`, `sync --status`.
const ALSO_ALONE: &[&str] = &["sync"];

/// The NFC readers need no store and nobody signed in (the machine's PC/SC service answers them);
/// `tests/cli/nfc.rs` tries them on a virtual reader.
const NOT_STORE_COMMANDS: &[&str] = &["nfc readers", "nfc watch"];

/// The subcommands of `versapos` as its help lists them (`help` itself aside).
fn listed(till: &Till) -> BTreeSet<String> {
    fn commands(help: &str) -> Vec<String> {
        help.lines()
            .skip_while(|l| !l.starts_with("Commands:"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter_map(|l| l.split_whitespace().next())
            .filter(|c| *c != "help")
            .map(str::to_string)
            .collect()
    }
    let mut all = BTreeSet::new();
    for top in commands(&till.ok(&["--help"])) {
        if GROUPS.contains(&top.as_str()) {
            for sub in commands(&till.ok(&[top.as_str(), "--help"])) {
                all.insert(format!("{top} {sub}"));
            }
            if ALSO_ALONE.contains(&top.as_str()) {
                all.insert(top);
            }
        } else {
            all.insert(top);
        }
    }
    all
}

/// A shop (as [`Till::gbp_with_catalog`]) taking cards in Stripe test mode on the fake Stripe
/// (its readers are the same for every process, unlike the demo reader's), with the test staff and one more cashier (Kim, 4444)
/// for the staff commands, two paid sales (to refund and to void), two parked carts (to resume
/// and to discard), VIP customers with and without cards, a catalog file, a backup and a
/// reader location; everything the subcommands need, made by Ada (admin).
struct Shop {
    till: Till,
    stripe: FakeStripe,
    paid: String,
    to_void: String,
    parked: (String, String),
    vip: String,
    no_card: String,
    /// Two records of one person, to merge, and a customer to erase.
    twins: (String, String),
    to_erase: String,
    catalog: String,
    backup: String,
    location: String,
    reader: String,
    /// The receipt printer every process of the walk prints on.
    printer: versapos_printer::fake::FakePrinter,
}

fn shop() -> Shop {
    let stripe = FakeStripe::start();
    let till = Till::gbp_with_catalog();
    till.add_the_staff();
    let printer = versapos_printer::fake::FakePrinter::start();
    till.ok(&["printer", "set", &printer.address()]);
    let r = till.run_with_new_pin(
        "4444",
        &["staff", "add", "--name", "Kim", "--role", "cashier"],
    );
    assert_eq!(r.code, Some(0), "Kim: {}", r.stderr);
    let receipt = |v: Value| v["receipt"].as_str().expect("receipt").to_string();
    let paid = receipt(till.json(&["sale", "--item", "TEA", "--pay", "cash"]));
    let to_void = receipt(till.json(&["sale", "--item", "BUN", "--pay", "cash"]));
    let park = || {
        let v = till.json(&["park", "--item", "TEA"]);
        v["parked"]
            .as_i64()
            .expect("a parked cart's id")
            .to_string()
    };
    let parked = (park(), park());
    let customer = |name: &str, card: Option<&str>| {
        let mut args = vec!["customers", "add", "--name", name];
        if let Some(c) = card {
            args.extend(["--card", c]);
        }
        till.json(&args)["customer"]["id"]
            .as_i64()
            .expect("customer id")
            .to_string()
    };
    let vip = customer("Vera", Some("04A1B2C3D4E5F6"));
    customer("Lost Lou", Some("DEADBEEF"));
    customer("Moving Mo", Some("CAFEBABE"));
    let catalog = till.write(
        "more.csv",
        b"sku,name,price,tax_rate,stock\nJAM,Jam,3.10,zero,5\n",
    );
    let backup = till.dir.path().join("walk-backup.db");
    till.ok(&["backup", "--out", path_str(&backup)]);
    let api = stripe.url();
    let env = [
        ("VERSAPOS_STRIPE_KEY", TEST_KEY),
        ("VERSAPOS_STRIPE_API", api.as_str()),
    ];
    let location = till.json_with_env(&env, &["readers", "locations"]);
    let location = location["locations"][0]["id"]
        .as_str()
        .expect("the demo reader's location")
        .to_string();
    let readers = till.json_with_env(&env, &["readers", "list"]);
    let reader = readers["readers"][0]["id"]
        .as_str()
        .expect("the demo reader")
        .to_string();
    Shop {
        printer,
        paid,
        to_void,
        parked,
        vip,
        no_card: customer("Nora", None),
        twins: (customer("Pat Doe", None), customer("Pat Doe (2)", None)),
        to_erase: customer("Erin", None),
        catalog: path_str(&catalog).to_string(),
        backup: path_str(&backup).to_string(),
        location,
        reader,
        till,
        stripe,
    }
}

/// Every subcommand, each on what [`shop`] made. `restore` last: it puts the backup back.
fn cases(s: &Shop, who: &str) -> Vec<Case> {
    use Needs::{Nobody, Permission as P, SignedIn};
    let boss = format!("Boss of {who}");
    let new_cashier = format!("Cashier of {who}");
    let guest = format!("Guest of {who}");
    vec![
        case(Nobody, &["status"]),
        case(
            P(Permission::ChangeSettings),
            &[
                "init",
                "--shop",
                "Again",
                "--currency",
                "GBP",
                "--till",
                "T1",
            ],
        )
        .ends(2, "already"),
        case(P(Permission::ChangeSettings), &["demo"]).ends(2, "already"),
        case(SignedIn, &["settings", "show"]),
        case(
            P(Permission::ChangeSettings),
            &["settings", "set", "lock-minutes", "10"],
        ),
        case(
            P(Permission::ChangeSettings),
            &["settings", "tax-rate", "luxury", "25"],
        ),
        case(
            P(Permission::EditCatalog),
            &["products", "import", &s.catalog],
        ),
        case(P(Permission::EditCatalog), &["products", "export"]),
        case(P(Permission::Sell), &["products", "list"]),
        case(P(Permission::Sell), &["products", "find", "tea"]),
        case(P(Permission::Sell), &["products", "show", "TEA"]),
        case(
            P(Permission::EditCatalog),
            &[
                "products",
                "add",
                "--sku",
                &format!("NEW-{who}"),
                "--name",
                "New",
                "--price",
                "1.00",
            ],
        ),
        case(
            P(Permission::EditCatalog),
            &["products", "set-price", "TEA", "2.59"],
        ),
        case(
            P(Permission::EditCatalog),
            &["products", "set-stock", "TEA", "20"],
        ),
        case(P(Permission::EditCatalog), &["products", "low-stock"]),
        case(
            P(Permission::Sell),
            &["sale", "--item", "TEA", "--pay", "cash"],
        ),
        case(P(Permission::ParkSale), &["park", "--item", "BUN"]),
        case(P(Permission::ParkSale), &["parked"]),
        case(
            P(Permission::ParkSale),
            &["resume", &s.parked.0, "--pay", "cash"],
        ),
        case(
            P(Permission::ParkSale),
            &["resume", &s.parked.1, "--discard"],
        ),
        case(P(Permission::ReadReports), &["orders", "list"]),
        case(P(Permission::Sell), &["orders", "show", &s.paid]),
        case(P(Permission::Void), &["orders", "void", &s.to_void]),
        case(P(Permission::Refund), &["refund", &s.paid]),
        case(
            P(Permission::AddCustomer),
            &["customers", "add", "--name", &guest],
        ),
        case(P(Permission::LinkCustomer), &["customers", "list"]),
        case(P(Permission::LinkCustomer), &["customers", "show", &s.vip]),
        case(
            P(Permission::AddCustomer),
            &["customers", "link-card", &s.no_card, "01020304"],
        ),
        case(
            P(Permission::LinkCustomer),
            &["customers", "find-card", "04A1B2C3D4E5F6"],
        ),
        case(
            P(Permission::ManageVipCards),
            &["customers", "block-card", "DEADBEEF"],
        ),
        case(
            P(Permission::ManageVipCards),
            &["customers", "replace-card", "CAFEBABE", "0A0B0C0D"],
        ),
        case(
            P(Permission::AddCustomer),
            &["customers", "edit", &s.vip, "--phone", "020 7946 0001"],
        ),
        case(
            P(Permission::ManageCustomers),
            &["customers", "merge", &s.twins.0, &s.twins.1],
        ),
        case(
            P(Permission::ManageCustomers),
            &["customers", "erase", &s.to_erase, "--yes"],
        ),
        case(
            P(Permission::ReadReports),
            &["report", "--from", "today", "--to", "today"],
        ),
        case(P(Permission::ReadReports), &["journal", "verify"]),
        case(P(Permission::ChangeSettings), &["journal", "sign"]),
        case(P(Permission::ManageCashiers), &["staff", "list"]),
        case(
            P(Permission::ManageCashiers),
            &["staff", "add", "--name", &new_cashier, "--role", "cashier"],
        )
        .env("VERSAPOS_NEW_PIN", "5555"),
        case(
            P(Permission::ManageManagers),
            &["staff", "add", "--name", &boss, "--role", "manager"],
        )
        .env("VERSAPOS_NEW_PIN", "4321"),
        case(P(Permission::ManageCashiers), &["staff", "disable", "Kim"]),
        case(P(Permission::ManageCashiers), &["staff", "enable", "Kim"]),
        case(
            P(Permission::ManageCashiers),
            &["staff", "reset-pin", "Kim"],
        )
        .env("VERSAPOS_NEW_PIN", "4445"),
        case(P(Permission::ManageCashiers), &["staff", "unlock", "Kim"]),
        case(
            P(Permission::ManageCashiers),
            &["staff", "set-role", "Kim", "cashier"],
        ),
        case(P(Permission::ManageKeys), &["keys", "show"]),
        case(P(Permission::ManageKeys), &["keys", "set"])
            .env("VERSAPOS_NEW_KEY", "sk_test_WalkKey0123456789abcdefghij"),
        case(P(Permission::ManageKeys), &["keys", "remove"]),
        case(P(Permission::Sell), &["readers", "list"]),
        case(P(Permission::ChangeSettings), &["readers", "locations"]),
        case(
            P(Permission::ChangeSettings),
            &[
                "readers",
                "register",
                "--code",
                "simulated-wpe",
                "--label",
                &format!("Till of {who}"),
                "--location",
                &s.location,
            ],
        ),
        case(
            P(Permission::ChangeSettings),
            &["readers", "use", &s.reader],
        ),
        case(P(Permission::Sell), &["reconcile"]),
        case(SignedIn, &["doctor"]),
        case(P(Permission::Sell), &["sync", "--status"]),
        // No event is set aside on this shop: allowed, it says so (exit 2).
        case(P(Permission::Sell), &["sync", "retry", "evt_walk"])
            .ends(2, "is not an event set aside"),
        case(
            P(Permission::Refund),
            &["sync", "dismiss", "evt_walk", "--reason", "walked"],
        )
        .ends(2, "is not an event set aside"),
        case(P(Permission::ManageKeys), &["relay", "show"]),
        case(
            P(Permission::ManageKeys),
            &["relay", "set", "--url", "https://relay.example/"],
        )
        .env(
            "VERSAPOS_RELAY_TOKEN",
            "vtr_walk0123456789abcdefghijklmnopqrstuv",
        ),
        case(P(Permission::ManageKeys), &["relay", "remove"]),
        case(
            P(Permission::ChangeSettings),
            &["printer", "set", &s.printer.address(), "--paper", "58mm"],
        ),
        case(SignedIn, &["printer", "list"]),
        case(SignedIn, &["printer", "show"]).ends(0, "paper"),
        case(SignedIn, &["printer", "test"]).ends(0, "printed"),
        case(
            P(Permission::Sell),
            &["print", "receipt", &s.paid, "--preview"],
        )
        .ends(0, "REPRINT"),
        case(P(Permission::Sell), &["print", "receipt", &s.paid]).ends(0, "printed"),
        case(P(Permission::NoSale), &["drawer", "open"]).ends(0, "no_sale"),
        // A shift from its float to its Z: 10 − 1 dropped (+ 1 paid in − 1 paid out where
        // allowed) leaves 9.00 in the drawer whoever walks it.
        case(P(Permission::Sell), &["shift", "open", "--float", "10"]),
        case(P(Permission::Sell), &["shift", "status"]),
        case(
            P(Permission::ManageCash),
            &["shift", "pay-in", "1", "--reason", "walk"],
        ),
        case(
            P(Permission::ManageCash),
            &["shift", "pay-out", "1", "--reason", "walk"],
        ),
        case(P(Permission::Sell), &["shift", "drop", "1"]),
        case(P(Permission::ReadReports), &["report", "x"]).ends(0, "expected"),
        case(P(Permission::ReadReports), &["shift", "list"]),
        case(
            P(Permission::Sell),
            &["shift", "close", "--count", "5=1,2=2"],
        )
        .ends(0, "z_number"),
        case(P(Permission::ReadReports), &["report", "z", "1"]).ends(0, "over_short"),
        case(P(Permission::Sell), &["print", "z"]).ends(0, "Z 1"),
        case(P(Permission::ChangeSettings), &["printer", "logo", "none"]),
        case(P(Permission::ChangeSettings), &["printer", "remove"]),
        case(P(Permission::ReadReports), &["shift", "show", "1"]),
        case(
            P(Permission::ChangeSettings),
            &["backup", "--out", &format!("{}.{who}", s.backup)],
        ),
        case(
            P(Permission::ChangeSettings),
            &["restore", &s.backup, "--yes"],
        ),
    ]
}

#[test]
fn every_subcommand_is_walked_as_each_role_and_as_nobody_signed_in() {
    let mut walked = BTreeSet::new();
    for who in [
        Some(("Sam", "1111", Role::Cashier)),
        Some(("Morgan", "2222", Role::Manager)),
        Some(("Ada", "9999", Role::Admin)),
        None,
    ] {
        let s = shop();
        let name = who.map_or("nobody", |w| w.0);
        s.till.as_staff(who.map(|(n, p, _)| (n, p)));
        for c in cases(&s, name) {
            walked.insert(c.name());
            let mut args = vec!["--json"];
            args.extend(c.args.iter().map(String::as_str));
            let api = s.stripe.url();
            let mut env: Vec<(&str, &str)> = vec![
                ("VERSAPOS_STRIPE_KEY", TEST_KEY),
                ("VERSAPOS_STRIPE_API", api.as_str()),
            ];
            env.extend(c.env.iter().map(|(k, v)| (*k, v.as_str())));
            let r = s.till.run_with_env(&env, &args);
            let shown = c.args.join(" ");
            let allowed = match (who, c.needs) {
                (_, Needs::Nobody) => true,
                (None, _) => false,
                (Some(_), Needs::SignedIn) => true,
                (Some((_, _, role)), Needs::Permission(p)) => role.allows(p),
            };
            if allowed {
                let (code, shows) = c.allowed;
                assert_eq!(
                    r.code,
                    Some(code),
                    "{name}: `versapos {shown}` is allowed\nstdout: {}\nstderr: {}",
                    r.stdout,
                    r.stderr
                );
                assert!(
                    r.stdout.contains(shows) || r.stderr.contains(shows),
                    "{name}: `versapos {shown}` shows {shows:?}\nstdout: {}\nstderr: {}",
                    r.stdout,
                    r.stderr
                );
                continue;
            }
            assert_eq!(
                r.code,
                Some(2),
                "{name}: `versapos {shown}` is refused as bad input\nstdout: {}\nstderr: {}",
                r.stdout,
                r.stderr
            );
            let refusal: Value = serde_json::from_str::<Value>(&r.stdout).unwrap_or_else(|e| {
                panic!(
                    "{name}: `versapos {shown}` refuses in JSON ({e}): {}",
                    r.stdout
                )
            })["error"]
                .clone();
            match (who, c.needs) {
                // Nobody is asked to sign in, before the command is even looked at.
                (None, _) => assert!(
                    refusal["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("sign in with VERSAPOS_STAFF")),
                    "nobody: `versapos {shown}` asks to sign in: {refusal}"
                ),
                (Some(_), Needs::Permission(p)) => {
                    assert_eq!(
                        refusal["code"], "not_permitted",
                        "{name}: `{shown}`: {refusal}"
                    );
                    assert!(
                        refusal["message"]
                            .as_str()
                            .is_some_and(|m| m.contains(p.describe()) && !m.contains('_')),
                        "{name}: `versapos {shown}` says in words what {p} is: {refusal}"
                    );
                }
                (Some(_), _) => unreachable!("refused only for a permission"),
            }
        }
    }
    let listed = listed(&Till::gbp());
    let not_walked: Vec<&String> = listed
        .iter()
        .filter(|c| !walked.contains(*c) && !NOT_STORE_COMMANDS.contains(&c.as_str()))
        .collect();
    assert!(
        not_walked.is_empty(),
        "subcommands the walk does not try: {not_walked:?} (add them to `cases`)"
    );
    let unknown: Vec<&String> = walked.iter().filter(|c| !listed.contains(*c)).collect();
    assert!(
        unknown.is_empty(),
        "walked but not in the help: {unknown:?}"
    );
}
