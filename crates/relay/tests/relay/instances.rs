//! Several relay instances on one PostgreSQL database, tried against what breaks a group of
//! services: one of them hanging (SIGSTOP, as a host that freezes), each killed in turn under
//! load, the database holding a lock too long, and a secret rotated from the command line while
//! both serve.

use super::*;
use std::sync::Mutex;

/// The database timeout the relays of these tests run with, in seconds (the default is 5).
const TIMEOUT_SECS: u64 = 2;

fn timeout_env() -> [(&'static str, &'static str); 1] {
    [("VERSAPOS_RELAY_DB_TIMEOUT", "2")]
}

fn agent(limit: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(limit))
        .build()
        .new_agent()
}

/// POSTs a signed event to `base`; its status, or `None` when no answer came in time.
fn deliver_to(agent: &ureq::Agent, base: &str, path: &str, secret: &str, id: &str) -> Option<u16> {
    let payload = event_json(id, "payment_intent.succeeded");
    let response = agent
        .post(format!("{base}{path}"))
        .header("Content-Type", "application/json")
        .header("Stripe-Signature", sign(secret, now(), &payload))
        .send(payload.as_str())
        .ok()?;
    Some(response.status().as_u16())
}

/// One page of a till's events from `base`, or `None` when the instance did not answer.
fn page_from(
    agent: &ureq::Agent,
    base: &str,
    token: &str,
    query: &str,
) -> Option<serde_json::Value> {
    let mut response = agent
        .get(format!("{base}/v1/events?{query}"))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .ok()?;
    if response.status().as_u16() != 200 {
        return None;
    }
    serde_json::from_str(&response.body_mut().read_to_string().ok()?).ok()
}

/// Every event the till is served from `relay`, page by page: (id, cursor) in order.
fn everything(relay: &Relay, token: &str) -> Vec<(String, i64)> {
    let (mut all, mut cursor) = (Vec::new(), 0);
    loop {
        let page = relay.events(token, &format!("after={cursor}"));
        let events = page["events"].as_array().expect("events");
        if events.is_empty() {
            return all;
        }
        for event in events {
            all.push((
                event["id"].as_str().expect("an id").to_string(),
                event["cursor"].as_i64().expect("a cursor"),
            ));
        }
        cursor = page["cursor"].as_i64().expect("a cursor");
    }
}

fn signal(relay: &Relay, signal: &str) {
    let sent = Command::new("kill")
        .args([signal, &relay.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill {signal} the relay");
}

/// What both instances serve, checked: the same events in the same order, each once, cursors
/// rising, and every acknowledged event among them.
fn served_once_in_one_order(relays: [&Relay; 2], token: &str, acked: &[String]) -> Vec<String> {
    let first = everything(relays[0], token);
    assert_eq!(
        everything(relays[1], token),
        first,
        "either instance serves the same events in the same order"
    );
    assert!(
        first.windows(2).all(|w| w[0].1 < w[1].1),
        "cursors rise: {first:?}"
    );
    let ids: Vec<String> = first.into_iter().map(|(id, _)| id).collect();
    let mut distinct = ids.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), ids.len(), "no event is served twice");
    let missing: Vec<&String> = acked
        .iter()
        .filter(|id| distinct.binary_search(id).is_err())
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not served: {missing:?}"
    );
    ids
}

#[test]
fn an_instance_paused_under_load_holds_up_the_other_no_longer_than_the_database_timeout() {
    let setup = Setup::new(Store::Postgres);
    let dir = setup.dir.path();
    let paused = Relay::start_with_env(&setup.db, &dir.join("paused.log"), &timeout_env());
    let serving = Relay::start_with_env(&setup.db, &dir.join("serving.log"), &timeout_env());
    let (paused_base, serving_base) = (paused.base.clone(), serving.base.clone());
    let stop = AtomicBool::new(false);
    let acked = Mutex::new(Vec::new());
    let pause = Duration::from_secs(4 * TIMEOUT_SECS);

    let (slowest_ack, read_during_pause) = thread::scope(|scope| {
        // Stripe's deliveries to the instance that is about to hang: what it acknowledged counts.
        for t in 0..2 {
            let (stop, acked, base) = (&stop, &acked, &paused_base);
            scope.spawn(move || {
                let agent = agent(Duration::from_secs(1));
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let id = format!("evt_paused_{t}_{i}");
                    if deliver_to(&agent, base, "/webhooks/stripe/a", SECRET_A, &id) == Some(200) {
                        acked.lock().expect("acked").push(id);
                    }
                }
            });
        }
        // ... and to the other one, each ack timed: none may wait on the hung instance.
        let timed = scope.spawn(|| {
            let agent = agent(Duration::from_secs(30));
            let mut slowest = Duration::ZERO;
            for i in 0.. {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let id = format!("evt_serving_{i}");
                let started = Instant::now();
                let status = deliver_to(&agent, &serving_base, "/webhooks/stripe/a", SECRET_A, &id);
                assert_eq!(status, Some(200), "{id} while the other instance hangs");
                slowest = slowest.max(started.elapsed());
                acked.lock().expect("acked").push(id);
            }
            slowest
        });
        thread::sleep(Duration::from_millis(700));
        signal(&paused, "-STOP");
        let paused_at = Instant::now();
        thread::sleep(Duration::from_millis(500));
        // A till reading through the serving instance while the other hangs gets what was
        // stored after it hung, at once.
        let before = everything(&serving, &setup.token_a);
        let cursor = before.last().map_or(0, |(_, c)| *c);
        let asked = Instant::now();
        let page = serving.events(&setup.token_a, &format!("after={cursor}&wait=10"));
        let read = (ids(&page).len(), asked.elapsed());
        thread::sleep(pause.saturating_sub(paused_at.elapsed()));
        signal(&paused, "-CONT");
        thread::sleep(Duration::from_millis(700));
        stop.store(true, Ordering::Relaxed);
        (timed.join().expect("the timed deliveries"), read)
    });

    let limit = Duration::from_secs(TIMEOUT_SECS);
    assert!(
        slowest_ack <= limit,
        "the serving instance's slowest ack took {slowest_ack:?} while the other hung for {pause:?} (timeout {limit:?})"
    );
    assert!(
        read_during_pause.0 > 0 && read_during_pause.1 <= limit,
        "a till reading through the serving instance waited {:?} for {} new events",
        read_during_pause.1,
        read_during_pause.0
    );
    let acked = acked.into_inner().expect("acked");
    assert!(
        acked.iter().any(|id| id.starts_with("evt_paused_")),
        "the paused instance acknowledged deliveries before it hung"
    );
    served_once_in_one_order([&paused, &serving], &setup.token_a, &acked);
}

#[test]
fn both_instances_killed_in_turn_under_load_serve_every_acknowledged_event_once_in_one_order() {
    let setup = Setup::new(Store::Postgres);
    let dir = setup.dir.path();
    let start = |n: usize| Relay::start_on(&setup.db, &dir.join(format!("relay-{n}.log")));
    let mut relays = [start(0), start(1)];
    let bases = Mutex::new([relays[0].base.clone(), relays[1].base.clone()]);
    let stop = AtomicBool::new(false);
    let acked = Mutex::new(Vec::new());
    let base = |n: usize| bases.lock().expect("bases")[n % 2].clone();

    let (seen, cursors) = thread::scope(|scope| {
        // Stripe: each event to one instance, and again to the other until one acknowledges it.
        for t in 0..4 {
            let (stop, acked, base) = (&stop, &acked, &base);
            scope.spawn(move || {
                let agent = agent(Duration::from_secs(5));
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let id = format!("evt_{t}_{i}");
                    for attempt in 0..40 {
                        let path = "/webhooks/stripe/a";
                        if deliver_to(&agent, &base(t + i + attempt), path, SECRET_A, &id)
                            == Some(200)
                        {
                            acked.lock().expect("acked").push(id);
                            break;
                        }
                        thread::sleep(Duration::from_millis(50));
                    }
                }
            });
        }
        // A till reading through either instance in turn, from the cursor it was last given.
        let reader = scope.spawn(|| {
            let agent = agent(Duration::from_secs(5));
            let (mut seen, mut cursors) = (Vec::<String>::new(), Vec::new());
            let (mut cursor, mut turn) = (0, 0);
            let mut quiet = 0;
            while quiet < 3 {
                turn += 1;
                let Some(page) = page_from(
                    &agent,
                    &base(turn),
                    &setup.token_a,
                    &format!("after={cursor}&wait=1"),
                ) else {
                    thread::sleep(Duration::from_millis(50));
                    continue;
                };
                let events = page["events"].as_array().expect("events");
                if events.is_empty() && stop.load(Ordering::Relaxed) {
                    quiet += 1;
                }
                for event in events {
                    seen.push(event["id"].as_str().expect("an id").to_string());
                    cursors.push(event["cursor"].as_i64().expect("a cursor"));
                }
                cursor = page["cursor"].as_i64().expect("a cursor");
            }
            (seen, cursors)
        });
        for n in [0, 1] {
            thread::sleep(Duration::from_millis(1500));
            relays[n].child.kill().expect("SIGKILL an instance");
            relays[n].child.wait().expect("the instance is gone");
            thread::sleep(Duration::from_millis(300));
            relays[n] = start(n);
            bases.lock().expect("bases")[n] = relays[n].base.clone();
        }
        thread::sleep(Duration::from_millis(1500));
        stop.store(true, Ordering::Relaxed);
        reader.join().expect("the reading till")
    });

    let acked = acked.into_inner().expect("acked");
    assert!(
        acked.len() > 100,
        "load went on: {} acknowledged",
        acked.len()
    );
    let served = served_once_in_one_order([&relays[0], &relays[1]], &setup.token_a, &acked);
    assert_eq!(
        seen, served,
        "the till reading while the instances died saw every event once, in the one order"
    );
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "its cursors rose");
}

#[test]
fn a_secret_rotated_from_the_command_line_is_heard_by_every_instance_within_a_second() {
    let setup = Setup::new(Store::Postgres);
    let dir = setup.dir.path();
    let relays = [
        Relay::start_on(&setup.db, &dir.join("relay-1.log")),
        Relay::start_on(&setup.db, &dir.join("relay-2.log")),
    ];
    let agent = agent(Duration::from_secs(10));
    // Both instances have checked a delivery with the first secret: they hold it in memory.
    for (n, relay) in relays.iter().enumerate() {
        let id = format!("evt_before_{n}");
        assert_eq!(
            deliver_to(&agent, &relay.base, "/webhooks/stripe/a", SECRET_A, &id),
            Some(200)
        );
        assert_eq!(
            deliver_to(&agent, &relay.base, "/webhooks/stripe/a", SECRET_A2, &id),
            Some(400),
            "not yet the second secret"
        );
    }
    // Within a second of `secrets add` (another process), both take the new secret...
    admin_piped_ok(&setup.db, &["secrets", "add", "a"], SECRET_A2);
    every_instance_within_a_second(&relays, &agent, SECRET_A2, 200, "refuses the added secret");
    // ... and within a second of `secrets retire`, both refuse the retired one.
    admin_piped_ok(&setup.db, &["secrets", "retire", "a"], SECRET_A);
    every_instance_within_a_second(&relays, &agent, SECRET_A, 400, "takes the retired secret");
}

/// Delivers to each instance, signed with `secret`, until it answers `wanted`: within a second
/// from now, or the test fails saying the instance still `does`.
fn every_instance_within_a_second(
    relays: &[Relay],
    agent: &ureq::Agent,
    secret: &str,
    wanted: u16,
    does: &str,
) {
    let since = Instant::now();
    for (n, relay) in relays.iter().enumerate() {
        for k in 0.. {
            let id = format!("evt_{wanted}_{n}_{k}");
            if deliver_to(agent, &relay.base, "/webhooks/stripe/a", secret, &id) == Some(wanted) {
                break;
            }
            assert!(
                since.elapsed() < Duration::from_secs(1),
                "instance {n} still {does}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
    assert!(since.elapsed() < Duration::from_secs(1));
}

#[test]
fn a_delivery_kept_waiting_past_the_database_timeout_is_answered_503_and_stored_when_sent_again() {
    let setup = Setup::new(Store::Postgres);
    let relay = Relay::start_with_env(&setup.db, &setup.log_path(), &timeout_env());
    let agent = agent(Duration::from_secs(30));
    assert_eq!(
        deliver_to(
            &agent,
            &relay.base,
            "/webhooks/stripe/a",
            SECRET_A,
            "evt_first"
        ),
        Some(200)
    );
    // Another session holds the events table locked, as a stuck migration or a careless
    // administrator would.
    let mut holder = postgres::Client::connect(&setup.db, postgres::NoTls).expect("a session");
    let mut tx = holder.transaction().expect("a transaction");
    tx.batch_execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
        .expect("the lock");
    let sent = Instant::now();
    let payload = event_json("evt_blocked", "payment_intent.succeeded");
    let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &payload);
    let waited = sent.elapsed();
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("\"store_unavailable\""), "{body}");
    assert!(
        waited < Duration::from_secs(TIMEOUT_SECS + 2),
        "answered after {waited:?}"
    );
    tx.rollback().expect("the lock is let go");
    // Stripe sends it again: stored, once.
    let (status, body) = relay.deliver("/webhooks/stripe/a", SECRET_A, &payload);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        ids(&relay.events(&setup.token_a, "after=0")),
        ["evt_first", "evt_blocked"]
    );
}

#[test]
fn a_database_from_before_cursors_without_a_lock_keeps_its_cursors_and_new_events_come_after() {
    let setup = Setup::empty(Store::Postgres);
    // The schema as the previous build left it (migrations 1 and 2), with events already served
    // to tills under cursors drawn from a sequence.
    let mut client = postgres::Client::connect(&setup.db, postgres::NoTls).expect("the database");
    client
        .batch_execute(concat!(
            "CREATE TABLE schema_migrations (
                 version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now());",
            include_str!("../../migrations/postgres/0001_init.sql"),
            include_str!("../../migrations/postgres/0002_journal_heads.sql"),
            "INSERT INTO schema_migrations (version, name)
                 VALUES (1, '0001_init'), (2, '0002_journal_heads');
             INSERT INTO shops (name, created_at) VALUES ('a', 0);"
        ))
        .expect("the earlier schema");
    let old = ["evt_old_1", "evt_old_2", "evt_old_3"];
    for id in old {
        client
            .execute(
                "INSERT INTO events (shop, event_id, type, payload, received_at)
                 SELECT id, $1, 'charge.updated', $2, 0 FROM shops WHERE name = 'a'",
                &[&id, &event_json(id, "charge.updated")],
            )
            .expect("an earlier event");
    }
    admin_piped_ok(&setup.db, &["secrets", "add", "a"], SECRET_A);
    let token = admin_ok(&setup.db, &["tills", "add", "a", "till-1"])
        .trim()
        .to_string();
    let relay = Relay::start(&setup);
    let before = everything(&relay, &token);
    assert_eq!(
        before,
        [
            ("evt_old_1".to_string(), 1),
            ("evt_old_2".to_string(), 2),
            ("evt_old_3".to_string(), 3)
        ],
        "earlier events keep their cursors"
    );
    let (status, body) = relay.deliver(
        "/webhooks/stripe/a",
        SECRET_A,
        &event_json("evt_new", "payment_intent.succeeded"),
    );
    assert_eq!(status, 200, "{body}");
    // A till that had read up to the second earlier event goes on from there.
    let page = relay.events(&token, "after=2");
    assert_eq!(ids(&page), ["evt_old_3", "evt_new"]);
    let cursor = page["events"][1]["cursor"].as_i64().expect("a cursor");
    assert!(
        cursor > 3,
        "a new cursor ({cursor}) comes after the earlier ones"
    );
    assert_eq!(
        ids(&relay.events(&token, &format!("after={cursor}"))),
        Vec::<String>::new()
    );
}

#[test]
fn a_burst_stored_by_one_instance_reaches_a_till_waiting_on_the_other_once_it_is_told() {
    let setup = Setup::new(Store::Postgres);
    let dir = setup.dir.path();
    // The instance storing tells the others at most once a second here (2 ms by default): the
    // burst's commits after the first are held back, and must still be told though no commit
    // comes after the last.
    let storing = Relay::start_with_env(
        &setup.db,
        &dir.join("storing.log"),
        &[("VERSAPOS_RELAY_DB_TELL_EVERY_MS", "1000")],
    );
    let waiting = Relay::start_on(&setup.db, &dir.join("waiting.log"));
    let burst: Vec<String> = (0..40).map(|i| format!("evt_burst_{i}")).collect();
    let (last_acked, all_seen) = thread::scope(|scope| {
        let reader = scope.spawn(|| {
            let agent = agent(Duration::from_secs(30));
            let (mut seen, mut cursor) = (Vec::<String>::new(), 0);
            let deadline = Instant::now() + Duration::from_secs(20);
            while seen.len() < burst.len() && Instant::now() < deadline {
                let page = page_from(
                    &agent,
                    &waiting.base,
                    &setup.token_a,
                    &format!("after={cursor}&wait=10"),
                )
                .expect("the waiting instance answers");
                seen.extend(ids(&page));
                cursor = page["cursor"].as_i64().expect("a cursor");
            }
            (seen, Instant::now())
        });
        thread::sleep(Duration::from_millis(300));
        let acked: Vec<Instant> = thread::scope(|senders| {
            let handles: Vec<_> = burst
                .chunks(10)
                .map(|ids| {
                    let base = &storing.base;
                    senders.spawn(move || {
                        let agent = agent(Duration::from_secs(30));
                        for id in ids {
                            let status =
                                deliver_to(&agent, base, "/webhooks/stripe/a", SECRET_A, id);
                            assert_eq!(status, Some(200), "{id}");
                        }
                        Instant::now()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("a sender"))
                .collect()
        });
        let last = acked.into_iter().max().expect("acks");
        (last, reader.join().expect("the waiting till"))
    });
    let (seen, done) = all_seen;
    let mut sorted = seen.clone();
    sorted.sort();
    let mut wanted = burst.clone();
    wanted.sort();
    assert_eq!(sorted, wanted, "the till got the whole burst, once");
    let lag = done.saturating_duration_since(last_acked);
    // Told by a second after the first commit at the latest: well before the wait (10 s) ends.
    assert!(
        lag < Duration::from_millis(2500),
        "the burst's last event reached it {lag:?} after its ack"
    );
}
