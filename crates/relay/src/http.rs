//! The relay's HTTP surface: Stripe delivers webhooks in, tills long-poll their shop's events out.

use crate::connections;
use crate::error::{json_errors, RelayError, BODY_LIMIT, NESTING_LIMIT};
use crate::limits::Limits;
use crate::long_polls::LongPolls;
use crate::metrics::Metrics;
use crate::names::{ShopName, TokenHash, WebhookSecret};
use crate::sealed::MasterKey;
use crate::signature;
use crate::store::{
    EventStore, HeadKept, NewEvent, OnTheWay, ShopId, StoreError, Stored, StoredEvent,
};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::fmt::Write;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::time::Instant;

/// How far a `Stripe-Signature` timestamp may be from now, either way.
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;
/// The longest a till's request is held open waiting for events.
pub const MAX_WAIT_SECS: u64 = 30;
/// How often the relay looks for till tokens revoked (by the admin command, in another
/// process), so that a revoked till's open long poll ends.
pub const REVOCATION_CHECK: Duration = Duration::from_secs(1);
/// The most events one answer carries; the till asks again from the returned cursor.
pub const PAGE: u32 = 500;
/// The most bytes of events one answer carries unless the till asks for fewer (`max_bytes`):
/// well under what a till reads in one answer, and always at least one event (a webhook body is
/// at most 1 MiB).
pub const PAGE_BYTES: usize = 4 * 1024 * 1024;

/// How soon a long poll reads again when its shop's newest event is stored but not yet served
/// (an earlier commit on another instance is still running); doubled up to
/// [`HELD_BACK_MOST`] while that lasts.
const HELD_BACK_FIRST: Duration = Duration::from_millis(5);
const HELD_BACK_MOST: Duration = Duration::from_millis(100);

/// The newest event stored for each shop, as this relay has heard (from its own appends and
/// from other instances'), and a count that moves when any shop may have new events.
#[derive(Debug, Default)]
pub struct Arrivals {
    anything: u64,
    newest: std::collections::HashMap<i64, i64>,
}

impl Arrivals {
    fn note(&mut self, shops: &[(ShopId, i64)]) {
        if shops.is_empty() {
            self.anything = self.anything.wrapping_add(1);
        }
        for (shop, seq) in shops {
            let newest = self.newest.entry(shop.0).or_insert(*seq);
            *newest = (*newest).max(*seq);
        }
    }

    fn newest(&self, shop: ShopId) -> i64 {
        self.newest.get(&shop.0).copied().unwrap_or(0)
    }
}

/// Unix seconds now; passed in so that tests can pin time.
pub type Clock = fn() -> i64;

pub fn system_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[derive(Clone)]
pub struct AppState {
    store: Arc<dyn EventStore>,
    metrics: Arc<Metrics>,
    /// Each shop's newest stored event; long-polls wake when their shop's moves.
    arrivals: Arc<watch::Sender<Arrivals>>,
    /// Turns true at shutdown so long-polls answer at once instead of holding it up.
    stopping: watch::Receiver<bool>,
    clock: Clock,
    /// Opens the shop's sealed signing secrets for each delivery; they are never kept open.
    key: Arc<MasterKey>,
    /// Moves when a till has been revoked; long-polls wake and check their token again.
    revocations: Arc<watch::Sender<u64>>,
    long_polls: Arc<LongPolls>,
    /// Webhooks on their way to the store, for a store that waits for them to join a commit.
    on_the_way: Option<Arc<OnTheWay>>,
    /// The longest a long poll waits: 30 s, or less when the request timeout is shorter.
    max_wait: Duration,
}

impl AppState {
    pub fn new(
        store: Arc<dyn EventStore>,
        key: Arc<MasterKey>,
        limits: Limits,
        stopping: watch::Receiver<bool>,
        clock: Clock,
    ) -> Self {
        let arrivals = Arc::new(watch::Sender::new(Arrivals::default()));
        // Events stored by other relay instances sharing the store wake long-polls here too.
        let wake = Arc::clone(&arrivals);
        store.on_new_events(Box::new(move |shops| {
            wake.send_modify(|arrivals| arrivals.note(shops));
        }));
        AppState {
            on_the_way: store.on_the_way(),
            store,
            key,
            metrics: Arc::new(Metrics::new(limits)),
            arrivals,
            stopping,
            clock,
            revocations: Arc::new(watch::Sender::new(0)),
            long_polls: Arc::new(LongPolls::new(
                limits.long_polls_per_till,
                limits.long_polls_per_shop,
            )),
            max_wait: Duration::from_secs(MAX_WAIT_SECS).min(
                limits
                    .request_timeout
                    .saturating_sub(Duration::from_secs(1)),
            ),
        }
    }

    /// Watches the store for revoked tills until the relay stops.
    fn watch_revocations(&self) -> impl Future<Output = ()> + Send + 'static {
        let (store, revocations) = (Arc::clone(&self.store), Arc::clone(&self.revocations));
        let mut stopping = self.stopping.clone();
        async move {
            let mut seen = None;
            let mut tick = tokio::time::interval(REVOCATION_CHECK);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stopping.wait_for(|stop| *stop) => return,
                }
                let store = Arc::clone(&store);
                let counted = tokio::task::spawn_blocking(move || store.revoked_tills()).await;
                match counted {
                    Ok(Ok(now)) => {
                        if seen.is_some_and(|before| before != now) {
                            revocations.send_modify(|n| *n = n.wrapping_add(1));
                        }
                        seen = Some(now);
                    }
                    Ok(Err(e)) => tracing::warn!(error = %e, "cannot check for revoked tills"),
                    Err(_) => {}
                }
            }
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/webhooks/stripe", post(webhook_for_default_shop))
        .route("/webhooks/stripe/{shop}", post(webhook_for_shop))
        .route("/v1/events", get(events))
        .route("/v1/journal-head", get(journal_head).put(keep_journal_head))
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .fallback(|| async { RelayError::NoRoute })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(map_response(json_errors))
        .with_state(state)
}

/// Serves the relay on `listener` within `limits` until `shutdown` completes, then answers the
/// open long polls and what is in flight, and returns within the shutdown timeout.
pub async fn serve(
    listener: TcpListener,
    store: Arc<dyn EventStore>,
    key: Arc<MasterKey>,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopping) = watch::channel(false);
    let state = AppState::new(store, key, limits, stopping.clone(), system_clock);
    let metrics = Arc::clone(&state.metrics);
    tokio::spawn(state.watch_revocations());
    tokio::spawn(async move {
        shutdown.await;
        stop.send_replace(true);
        // Kept until the server is gone, so that nobody reads the channel as closed.
        std::future::pending::<()>().await;
    });
    connections::run(listener, router(state), limits, metrics, stopping).await
}

/// Runs store work on the blocking pool: SQLite calls block, and appends wait for an fsync.
async fn blocking<T, F>(state: &AppState, work: F) -> Result<T, RelayError>
where
    T: Send + 'static,
    F: FnOnce(&dyn EventStore) -> Result<T, StoreError> + Send + 'static,
{
    let store = Arc::clone(&state.store);
    tokio::task::spawn_blocking(move || work(store.as_ref()))
        .await
        .map_err(|_| RelayError::TaskFailed)?
        .map_err(RelayError::from)
}

async fn webhook_for_default_shop(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, RelayError> {
    receive(&state, ShopName::DEFAULT, &headers, body).await
}

async fn webhook_for_shop(
    State(state): State<AppState>,
    Path(shop): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, RelayError> {
    receive(&state, &shop, &headers, body).await
}

// The shop name comes from the URL: logged quoted and escaped (`?`), never raw.
#[tracing::instrument(skip_all, fields(shop = ?shop))]
async fn receive(
    state: &AppState,
    shop: &str,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, RelayError> {
    state.metrics.received();
    match store_delivery(state, shop, headers, body).await {
        Ok((shop, Stored::New { seq })) => {
            state.metrics.stored();
            state
                .arrivals
                .send_modify(|arrivals| arrivals.note(&[(shop, seq)]));
        }
        Ok((_, Stored::Duplicate)) => state.metrics.duplicate(),
        Err(e) => {
            tracing::info!(error = %e, "webhook rejected");
            state.metrics.rejected(e.rejection());
            return Err(e);
        }
    }
    Ok(Json(serde_json::json!({ "received": true })))
}

/// Only what the relay needs from an event; the rest is kept as sent. An event without a type
/// or without its object (`data.object`) can never be applied by a till: refused at the door.
#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type", default)]
    event_type: String,
    #[serde(default)]
    data: Option<EnvelopeData>,
}

#[derive(Deserialize)]
struct EnvelopeData {
    #[serde(default)]
    object: Option<AnObject>,
}

/// A JSON object, read over and not kept.
struct AnObject;

impl<'de> Deserialize<'de> for AnObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = AnObject;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<AnObject, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(AnObject)
            }
        }
        d.deserialize_map(Visit)
    }
}

async fn store_delivery(
    state: &AppState,
    shop: &str,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(ShopId, Stored), RelayError> {
    // Counted until queued (or refused), so that a commit being gathered waits for it.
    let on_its_way = state.on_the_way.as_ref().map(OnTheWay::enter);
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            RelayError::PayloadTooLarge
        } else {
            RelayError::UnreadableBody
        }
    })?;
    let found = match state.store.shop_secrets_held(shop) {
        Some(held) => held,
        None => {
            let name = shop.to_string();
            blocking(state, move |store| store.shop_secrets(&name)).await?
        }
    }
    .ok_or_else(|| RelayError::UnknownShop(shop.to_string()))?;
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let opened = found
        .secrets
        .iter()
        .map(|sealed| state.key.open(shop, sealed))
        .collect::<Result<Vec<WebhookSecret>, _>>()?;
    let secrets: Vec<&str> = opened.iter().map(WebhookSecret::expose).collect();
    let now = (state.clock)();
    signature::verify(header, &body, &secrets, now, SIGNATURE_TOLERANCE_SECS)?;

    // Counted before parsing: serde_json skips what the relay does not read (most of an event)
    // without its recursion limit, so a deep event would otherwise be stored for the tills.
    if nests_deeper_than(&body, NESTING_LIMIT) {
        return Err(RelayError::NestedTooDeep);
    }
    let envelope: Envelope =
        serde_json::from_slice(&body).map_err(|_| RelayError::MalformedEvent)?;
    let has_object = envelope.data.is_some_and(|d| d.object.is_some());
    if envelope.id.is_empty() || envelope.event_type.is_empty() || !has_object {
        return Err(RelayError::MalformedEvent);
    }
    let payload = String::from_utf8(body.to_vec()).map_err(|_| RelayError::MalformedEvent)?;
    let event = NewEvent {
        shop: found.shop,
        event_id: envelope.id,
        event_type: envelope.event_type,
        payload,
        received_at: now,
    };
    let shop = event.shop;
    let stored = if state.store.appends_in_background() {
        // Queued for the store's own writers, which answer here: no thread of the blocking
        // pool waits meanwhile.
        let (tx, rx) = tokio::sync::oneshot::channel();
        // No longer counted just before it is queued: counted twice for a moment, it would
        // keep a commit waiting for nobody.
        drop(on_its_way);
        state.store.append_then(
            event,
            Box::new(move |outcome| {
                let _ = tx.send(outcome);
            }),
        );
        rx.await.map_err(|_| RelayError::TaskFailed)??
    } else {
        blocking(state, move |store| store.append(event)).await?
    };
    Ok((shop, stored))
}

/// Whether `json` nests objects and arrays more than `limit` deep (brackets inside strings do
/// not count).
fn nests_deeper_than(json: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?.trim();
    (!token.is_empty()).then_some(token)
}

#[derive(Clone, Copy)]
struct EventsQuery {
    after: i64,
    wait: Duration,
    /// The most bytes of events one answer carries (always at least one event).
    max_bytes: usize,
}

fn parse_events_query(raw: Option<&str>, max_wait: Duration) -> Result<EventsQuery, RelayError> {
    let mut query = EventsQuery {
        after: 0,
        wait: Duration::ZERO,
        max_bytes: PAGE_BYTES,
    };
    for pair in raw.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "after" => {
                query.after =
                    value
                        .parse()
                        .ok()
                        .filter(|n: &i64| *n >= 0)
                        .ok_or(RelayError::BadQuery {
                            field: "after",
                            reason: "must be a cursor (a whole number, 0 or more)",
                        })?;
            }
            "wait" => {
                let secs: u64 = value.parse().map_err(|_| RelayError::BadQuery {
                    field: "wait",
                    reason: "must be whole seconds, 0 or more",
                })?;
                query.wait = Duration::from_secs(secs).min(max_wait);
            }
            "max_bytes" => {
                let bytes: usize =
                    value
                        .parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or(RelayError::BadQuery {
                            field: "max_bytes",
                            reason: "must be a whole number of bytes, 1 or more",
                        })?;
                query.max_bytes = bytes.min(PAGE_BYTES);
            }
            _ => {}
        }
    }
    Ok(query)
}

#[tracing::instrument(skip_all)]
async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, RelayError> {
    let hash = TokenHash::of(bearer(&headers).ok_or(RelayError::Unauthorized)?);
    // Subscribed before the token is checked: a revocation after the check still wakes the
    // long poll below.
    let revocations = state.revocations.subscribe();
    let shop = till_shop(&state, &hash)
        .await?
        .ok_or(RelayError::Unauthorized)?;
    let query = parse_events_query(raw.as_deref(), state.max_wait)?;
    let till = Till { hash, shop };
    let mut found = wait_for_events(&state, &till, revocations, query).await?;
    let cut = fit_in(&mut found, query.max_bytes);
    let full = cut || found.len() >= PAGE as usize;
    state.metrics.served(found.len());
    // The till resumes from the last event served, else from where it asked.
    let cursor = found.last().map_or(query.after, |e| e.seq);
    // What is left after this page (the till shows it as its backlog); counted only when the
    // page is full, as a shorter page is everything there was.
    let remaining = if full {
        blocking(&state, move |store| store.count_after(shop, cursor)).await?
    } else {
        0
    };
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        events_body(&found, cursor, remaining),
    )
        .into_response())
}

async fn till_shop(state: &AppState, hash: &TokenHash) -> Result<Option<ShopId>, RelayError> {
    let hash = hash.clone();
    blocking(state, move |store| store.till_shop(&hash)).await
}

/// The till asking, by its token, and its shop.
struct Till {
    hash: TokenHash,
    shop: ShopId,
}

async fn wait_for_events(
    state: &AppState,
    till: &Till,
    mut revocations: watch::Receiver<u64>,
    query: EventsQuery,
) -> Result<Vec<StoredEvent>, RelayError> {
    let deadline = Instant::now() + query.wait;
    // Subscribed before the first read, so an event stored in between still wakes us.
    let mut arrivals = state.arrivals.subscribe();
    let mut stopping = state.stopping.clone();
    // This poll's place among its till's and shop's, and its count in the metrics.
    let mut held = None;
    let (shop, after) = (till.shop, query.after);
    let mut held_back = HELD_BACK_FIRST;
    loop {
        let heard = {
            let arrivals = arrivals.borrow_and_update();
            (arrivals.anything, arrivals.newest(shop))
        };
        let found = blocking(state, move |store| store.events_after(shop, after, PAGE)).await?;
        if !found.is_empty() || Instant::now() >= deadline || *stopping.borrow() {
            return Ok(found);
        }
        if held.is_none() {
            let place = state.long_polls.take(&till.hash, shop).map_err(|per| {
                state.metrics.long_poll_refused(per);
                RelayError::TooManyLongPolls {
                    per,
                    limit: state.long_polls.cap(per),
                }
            })?;
            held = Some((place, state.metrics.long_poll()));
        }
        // Stored, but behind a commit still running elsewhere: read again shortly.
        let again = if heard.1 > after {
            let at = Instant::now() + held_back;
            held_back = (held_back * 2).min(HELD_BACK_MOST);
            at.min(deadline)
        } else {
            held_back = HELD_BACK_FIRST;
            deadline
        };
        // Waits for news of this shop (or of any shop, when that is all that is known).
        loop {
            tokio::select! {
                changed = arrivals.changed() => {
                    if changed.is_err() {
                        return Ok(found);
                    }
                    let arrivals = arrivals.borrow();
                    if arrivals.anything != heard.0 || arrivals.newest(shop) > after {
                        break;
                    }
                }
                stopped = stopping.changed() => if stopped.is_err() { return Ok(found) } else { break },
                revoked = revocations.changed() => {
                    if revoked.is_err() {
                        return Ok(found);
                    }
                    if till_shop(state, &till.hash).await? != Some(shop) {
                        return Err(RelayError::Unauthorized);
                    }
                }
                () = tokio::time::sleep_until(again) => break,
            }
        }
    }
}

/// Keeps the first events whose payloads fit in `max_bytes` (at least one); whether any were
/// left out.
fn fit_in(found: &mut Vec<StoredEvent>, max_bytes: usize) -> bool {
    let mut total = 0usize;
    let keep = found
        .iter()
        .position(|e| {
            total = total.saturating_add(e.payload.len());
            total > max_bytes
        })
        .map_or(found.len(), |i| i.max(1));
    let cut = keep < found.len();
    found.truncate(keep);
    cut
}

/// Builds the answer by hand so each event's raw JSON is passed through untouched.
fn events_body(found: &[StoredEvent], cursor: i64, remaining: i64) -> String {
    let text = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let mut body = String::from("{\"events\":[");
    for (i, e) in found.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let _ = write!(
            body,
            "{{\"cursor\":{},\"id\":{},\"type\":{},\"received_at\":{},\"event\":{}}}",
            e.seq,
            text(&e.event_id),
            text(&e.event_type),
            e.received_at,
            e.payload
        );
    }
    let _ = write!(body, "],\"cursor\":{cursor},\"remaining\":{remaining}}}");
    body
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// The newest signed journal head the calling till sent (404 `no_journal_head` before its first).
async fn journal_head(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, RelayError> {
    let hash = TokenHash::of(bearer(&headers).ok_or(RelayError::Unauthorized)?);
    if till_shop(&state, &hash).await?.is_none() {
        return Err(RelayError::Unauthorized);
    }
    let head = blocking(&state, move |store| store.journal_head(&hash))
        .await?
        .ok_or(RelayError::NoJournalHead)?;
    Ok(([(header::CONTENT_TYPE, "application/json")], head.body).into_response())
}

/// Keeps the calling till's signed journal head when it is the newest under the same key.
async fn keep_journal_head(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, RelayError> {
    let hash = TokenHash::of(bearer(&headers).ok_or(RelayError::Unauthorized)?);
    let body = body.map_err(|_| RelayError::UnreadableBody)?;
    let head = crate::journal_heads::read(&body, (state.clock)())?;
    let sent = head.seq;
    let kept = blocking(&state, move |store| store.keep_journal_head(&hash, &head))
        .await?
        .ok_or(RelayError::Unauthorized)?;
    match kept {
        HeadKept::Kept => Ok(Json(serde_json::json!({ "kept": true, "seq": sent }))),
        HeadKept::Behind { held } => Err(RelayError::JournalHeadBehind { held, sent }),
        HeadKept::Differs { held } => Err(RelayError::JournalHeadDiffers { held }),
        HeadKept::OtherKey => Err(RelayError::JournalKeyChanged),
    }
}
