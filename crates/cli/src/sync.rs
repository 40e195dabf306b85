//! `versapos sync` and `versapos relay`: the till's pull from the webhook relay, and the relay's
//! address and token in the OS keychain. Thin adapters over the till's card payments
//! ([`versapos_till::cards`]).

use crate::args::{RelayCmd, SyncArgs, SyncCmd};
use crate::{print, prompt_secret, usage, CliError, Result};
use versapos_payments::setup;
use versapos_payments::sync::{Applied, Backoff, Outcome, PullReport, Relay};
use versapos_payments::Gateway;
use versapos_secrets::{
    parse_relay_url, KeySource, Keychain, RelayError, RelaySettings, RelayToken, RELAY_TOKEN_ENV,
};
use versapos_till::cards;
use versapos_till::cards::TillAccess;
use versapos_till::{EventNeedingAttention, Till};

/// At most this many pages in one `sync --once`.
const MAX_PAGES: usize = 1000;

fn relay_error(e: RelayError) -> CliError {
    match e {
        RelayError::Keychain(_) => CliError::Io(std::io::Error::other(e.to_string())),
        e => usage(e.to_string()),
    }
}

pub fn run(mut till: Till, a: &SyncArgs, out: &print::Out) -> Result<()> {
    match &a.action {
        Some(SyncCmd::Retry { event }) => return retry(till, event, out),
        Some(SyncCmd::Dismiss { event, reason }) => return dismiss(&mut till, event, reason, out),
        None => {}
    }
    till.may_settle_cards()?;
    let chain = Keychain::default();
    if a.status {
        return status(&till, &chain, out);
    }
    let (relay, _) = chain
        .relay_in_use()
        .map_err(relay_error)?
        .ok_or_else(|| usage("no relay is set up: `versapos relay set --url URL` first"))?;
    let relay = Relay {
        url: &relay.url,
        token: &relay.token,
    };
    let connected = setup::connect(&chain)?;
    let till = std::sync::Mutex::new(till);
    if a.follow {
        follow(&relay, &*connected.gateway, &till, out);
    }
    pull(&relay, &*connected.gateway, &till, out)
}

/// Pulls until the relay has nothing newer; exit 1 when an event could not be applied now.
fn pull(
    relay: &Relay<'_>,
    gateway: &dyn Gateway,
    till: &dyn TillAccess,
    out: &print::Out,
) -> Result<()> {
    let report = cards::pull_until_empty(relay, gateway, till, MAX_PAGES)?;
    print_report(&report, out);
    // The relay keeps a copy of the journal's signed head that the store file cannot rewrite;
    // one it refuses (behind its copy, another key) is a journal to look into.
    if let Err(e) = cards::send_journal_head(relay, till) {
        return Err(CliError::Failed(format!(
            "the relay did not keep this till's signed journal head: {e}; run `versapos journal \
             verify --relay`"
        )));
    }
    if report.deferred > 0 {
        return Err(CliError::Failed(format!(
            "{} event(s) could not be applied now: run `versapos sync --once` again (the cursor \
             stays before them)",
            report.deferred
        )));
    }
    if set_aside(&report) > 0 {
        return Err(CliError::Failed(format!(
            "{} event(s) could not be applied and were set aside for a manager (the events \
             behind them were applied): see `versapos sync --status`",
            set_aside(&report)
        )));
    }
    Ok(())
}

/// Tries a set-aside event again; exit 1 (it stays set aside) when it still cannot be applied.
fn retry(till: Till, event: &str, out: &print::Out) -> Result<()> {
    let connected = setup::connect(&Keychain::default())?;
    let till = std::sync::Mutex::new(till);
    let applied = cards::retry_event(&*connected.gateway, &till, event)?;
    out.message(
        &format!("{event}: applied ({})", event_line(&applied)),
        serde_json::to_value(&applied).unwrap_or_default(),
    );
    Ok(())
}

fn dismiss(till: &mut Till, event: &str, reason: &str, out: &print::Out) -> Result<()> {
    till.dismiss_event(event, reason)?;
    out.message(
        &format!("{event}: dismissed ({reason})"),
        serde_json::json!({ "event_id": event, "dismissed": true, "reason": reason }),
    );
    Ok(())
}

/// Where the till is in the relay's stream, and which relay it pulls from; exit 1 while events
/// set aside wait for a manager.
fn status(till: &Till, chain: &Keychain, out: &print::Out) -> Result<()> {
    let waiting = till.events_needing_attention()?;
    show_status(till, chain, &waiting, out)?;
    if waiting.is_empty() {
        return Ok(());
    }
    Err(CliError::Failed(format!(
        "{} Stripe event(s) could not be applied and wait for a manager: `versapos sync retry \
         EVENT` or `versapos sync dismiss EVENT --reason …`",
        waiting.len()
    )))
}

fn show_status(
    till: &Till,
    chain: &Keychain,
    waiting: &[EventNeedingAttention],
    out: &print::Out,
) -> Result<()> {
    let state = till.sync_state()?;
    let relay = chain.relay_in_use().map_err(relay_error)?;
    let url = relay.as_ref().map(|(r, _)| r.url.clone());
    let from = relay.as_ref().map(|(_, from)| source(*from));
    let mut text = format!(
        "relay: {}\ncursor: {}\nlast event: {}\nlast pull: {}\nlast error: {}{}\nevents applied: {}\nbacklog: {}\nneed attention: {}",
        match (&url, from) {
            (Some(url), Some(from)) => format!("{url} (from the {from})"),
            _ => "not set up (`versapos relay set --url URL`)".to_string(),
        },
        state.cursor,
        state.last_event_at.as_deref().unwrap_or("none yet"),
        state.last_pull_at.as_deref().unwrap_or("never"),
        state.last_error.as_deref().unwrap_or("none"),
        state
            .retry_at
            .as_deref()
            .map(|at| format!(" (trying again at {at})"))
            .unwrap_or_default(),
        state.applied_events,
        backlog(state.backlog),
        waiting.len(),
    );
    for e in waiting {
        text.push_str(&format!(
            "\n  {} {} ({} tries, since {}): {}",
            e.event_id, e.kind, e.tries, e.first_at, e.reason
        ));
    }
    out.message(
        &text,
        serde_json::json!({
            "relay": { "configured": relay.is_some(), "url": url, "source": from },
            "cursor": state.cursor,
            "last_event_at": state.last_event_at,
            "last_pull_at": state.last_pull_at,
            "last_error": state.last_error,
            "applied_events": state.applied_events,
            "backlog": state.backlog,
            "retry_at": state.retry_at,
            "needs_attention": waiting,
        }),
    );
    Ok(())
}

/// How long each pull of `sync --follow` waits for news at the relay.
const FOLLOW_WAIT_SECS: u64 = 25;

/// Pulls for as long as the process runs: each event as it is applied (a line, or a JSON object
/// per line with `--json`), each problem on stderr with the pause before the next try. Stopping
/// it at any moment is safe: an event is recorded with its effect, and the cursor moves after.
fn follow(relay: &Relay<'_>, gateway: &dyn Gateway, till: &dyn TillAccess, out: &print::Out) -> ! {
    let mut backoff = Backoff::default();
    loop {
        let (pulled, pause) =
            cards::follow_step(relay, gateway, till, FOLLOW_WAIT_SECS, &mut backoff);
        match &pulled {
            Ok(report) => {
                for e in &report.events {
                    if out.json {
                        print::emit(serde_json::to_string(e).unwrap_or_default());
                    } else {
                        print::emit(event_line(e));
                    }
                }
            }
            Err(e) => {
                eprintln!(
                    "versapos: {e}; trying again in {} s",
                    pause.as_secs().max(1)
                );
            }
        }
        std::thread::sleep(pause);
    }
}

fn event_line(e: &Applied) -> String {
    format!(
        "{:<10} {:<36} {:<28} {}{}",
        e.outcome.as_str(),
        e.event_id,
        e.kind,
        e.receipt
            .as_deref()
            .map(|r| format!("{r}: "))
            .unwrap_or_default(),
        e.detail
    )
}

fn backlog(n: i64) -> String {
    match n {
        0 => "none (caught up)".to_string(),
        n => format!("{n} event(s) waiting at the relay"),
    }
}

fn set_aside(r: &PullReport) -> usize {
    r.events
        .iter()
        .filter(|e| e.outcome == Outcome::SetAside)
        .count()
}

fn print_report(r: &PullReport, out: &print::Out) {
    let mut lines: Vec<String> = r.events.iter().map(event_line).collect();
    let changed = r
        .events
        .iter()
        .filter(|e| {
            !matches!(
                e.outcome,
                Outcome::Duplicate
                    | Outcome::Deferred
                    | Outcome::Skipped
                    | Outcome::Seen
                    | Outcome::SetAside
            )
        })
        .count();
    lines.push(format!(
        "{} event(s) pulled, {changed} applied, {} deferred, {} set aside; cursor {} → {}",
        r.events.len(),
        r.deferred,
        set_aside(r),
        r.cursor_before,
        r.cursor
    ));
    out.message(
        &lines.join("\n"),
        serde_json::to_value(r).unwrap_or_default(),
    );
}

pub fn relay(till: &mut Till, cmd: RelayCmd, out: &print::Out) -> Result<()> {
    till.may_manage_keys()?;
    let chain = Keychain::default();
    match cmd {
        RelayCmd::Set { url } => {
            let relay = set_relay(till, &chain, &url)?;
            shown(out, Some((&relay.url, &relay.token)), "keychain");
        }
        RelayCmd::Show => match chain.relay_in_use().map_err(relay_error)? {
            Some((r, from)) => shown(out, Some((&r.url, &r.token)), source(from)),
            None => shown(out, None, "none"),
        },
        RelayCmd::Remove => {
            let removed = chain.remove_relay().map_err(relay_error)?;
            if removed {
                till.record_key_change("relay_remove", "the relay's address and token")?;
            }
            shown(out, None, if removed { "removed" } else { "none" });
        }
    }
    Ok(())
}

/// Keeps the relay at `url` with the till's token ($VERSAPOS_RELAY_TOKEN, or asked on the
/// terminal) in the keychain.
fn set_relay(till: &mut Till, chain: &Keychain, url: &str) -> Result<RelaySettings> {
    let url = parse_relay_url(url).map_err(|e| usage(format!("--url: {e}")))?;
    let text = match std::env::var(RELAY_TOKEN_ENV) {
        Ok(t) if !t.trim().is_empty() => t,
        _ => prompt_secret("The till's relay token: ")?,
    };
    let token = RelayToken::parse(&text).map_err(relay_error)?;
    let relay = RelaySettings { url, token };
    chain.set_relay(&relay).map_err(relay_error)?;
    till.record_key_change("relay_set", "the relay's address and the till's token")?;
    Ok(relay)
}

/// Where the relay in use comes from, as `relay show` and `sync --status` name it.
fn source(from: KeySource) -> &'static str {
    match from {
        KeySource::Environment => "environment",
        KeySource::Keychain => "keychain",
    }
}

fn shown(out: &print::Out, relay: Option<(&str, &RelayToken)>, source: &str) {
    let text = match (relay, source) {
        (Some((url, token)), "environment") => format!(
            "relay: {url} (till token {}; from VERSAPOS_RELAY_URL and VERSAPOS_RELAY_TOKEN)",
            token.last4()
        ),
        (Some((url, token)), _) => format!("relay: {url} (till token {})", token.last4()),
        (None, "removed") => "relay removed from the keychain".to_string(),
        (None, _) => "no relay: `versapos relay set --url URL` sets one up".to_string(),
    };
    out.message(
        &text,
        serde_json::json!({
            "url": relay.map(|r| r.0),
            "token": relay.map(|r| r.1.last4()),
            "source": source,
        }),
    );
}

/// `journal verify --relay`: the journal checked, and compared with the relay's copy of this
/// till's signed head.
pub fn verify_journal(till: Till, out: &print::Out) -> Result<()> {
    let chain = Keychain::default();
    let (relay, _) = chain.relay_in_use().map_err(relay_error)?.ok_or_else(|| {
        usage("--relay: no relay is set up (`versapos relay set --url URL` first)")
    })?;
    let relay = Relay {
        url: &relay.url,
        token: &relay.token,
    };
    let till = std::sync::Mutex::new(till);
    let report = cards::verify_journal_with_relay(&relay, &till)?;
    crate::journal_verified(&report, out)
}
