//! Cross-checks the relay's `Stripe-Signature` handling against Stripe's own npm package: headers
//! made by `stripe.webhooks.generateTestHeaderString` must verify, tampered deliveries must not,
//! and our `sign` must produce the very same header. Needs node and npm (no skip: the relay must
//! not ship an unchecked verifier).

use std::path::{Path, PathBuf};
use std::process::Command;

use versapos_relay::signature::{sign, verify, SignatureError};

const TOLERANCE_SECS: i64 = 300;

struct Case {
    name: String,
    payload: String,
    secret: String,
    timestamp: i64,
    header: String,
}

/// The signer's folder in the checkout the test runs from: cargo and nextest set
/// `CARGO_MANIFEST_DIR` when they run a test, which stays right when one target folder serves
/// several checkouts (the path baked in at build time may name another one).
fn signer_dir() -> PathBuf {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    crate_dir.join("../../tests/relay-signatures")
}

/// Installs the pinned `stripe` package from the committed lock file if it is not there yet.
fn install_stripe_package(dir: &Path) {
    if dir.join("node_modules/stripe/package.json").is_file() {
        return;
    }
    let status = Command::new("npm")
        .arg("--prefix")
        .arg(dir)
        .args(["ci", "--no-audit", "--no-fund"])
        .status()
        .expect("npm is required to install the stripe package for the signature cross-check");
    assert!(
        status.success(),
        "`npm ci` in {} failed: {status}",
        dir.display()
    );
}

fn stripe_cases() -> Vec<Case> {
    let dir = signer_dir();
    install_stripe_package(&dir);
    let output = Command::new("node")
        .arg(dir.join("sign.mjs"))
        .output()
        .expect("node is required to run tests/relay-signatures/sign.mjs");
    assert!(
        output.status.success(),
        "sign.mjs failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("sign.mjs prints UTF-8 JSON lines");
    stdout
        .lines()
        .map(|line| {
            let v: serde_json::Value =
                serde_json::from_str(line).expect("each line of sign.mjs is a JSON object");
            let field = |key: &str| {
                v[key]
                    .as_str()
                    .unwrap_or_else(|| panic!("`{key}` is a string in {line}"))
                    .to_owned()
            };
            Case {
                name: field("name"),
                payload: field("payload"),
                secret: field("secret"),
                header: field("header"),
                timestamp: v["timestamp"]
                    .as_i64()
                    .unwrap_or_else(|| panic!("`timestamp` is an integer in {line}")),
            }
        })
        .collect()
}

// One test drives every check so that the npm install and the node run happen once, in one
// process, even when the test runner runs tests in parallel processes.
#[test]
fn stripe_npm_signatures_verify_and_match_our_sign() {
    let cases = stripe_cases();
    assert!(
        cases.len() >= 10,
        "sign.mjs printed only {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let label = format!(
            "{} (t={}, secret {}…)",
            case.name,
            case.timestamp,
            &case.secret[..10]
        );
        let body = case.payload.as_bytes();
        let secret = case.secret.as_str();
        let now = case.timestamp + 30;

        if let Err(e) = verify(&case.header, body, &[secret], now, TOLERANCE_SECS) {
            failures.push(format!("{label}: Stripe's header was rejected: {e}"));
        }
        let rotating = ["whsec_retired_0000000000000000", secret];
        if let Err(e) = verify(&case.header, body, &rotating, now, TOLERANCE_SECS) {
            failures.push(format!(
                "{label}: rejected when its secret is the second one: {e}"
            ));
        }

        let ours = sign(body, secret, case.timestamp);
        if ours != case.header {
            failures.push(format!(
                "{label}: our header {ours} differs from Stripe's {}",
                case.header
            ));
        }

        let mut tampered = body.to_vec();
        let last = tampered.len() - 1;
        tampered[last] ^= 0x01;
        let got = verify(&case.header, &tampered, &[secret], now, TOLERANCE_SECS);
        if got != Err(SignatureError::NoMatchingSignature) {
            failures.push(format!("{label}: a tampered body gave {got:?}"));
        }

        let got = verify(
            &case.header,
            body,
            &["whsec_someone_else"],
            now,
            TOLERANCE_SECS,
        );
        if got != Err(SignatureError::NoMatchingSignature) {
            failures.push(format!("{label}: another shop's secret gave {got:?}"));
        }

        let shifted = case.header.replacen(
            &format!("t={}", case.timestamp),
            &format!("t={}", case.timestamp + 1),
            1,
        );
        let got = verify(&shifted, body, &[secret], now, TOLERANCE_SECS);
        if got != Err(SignatureError::NoMatchingSignature) {
            failures.push(format!("{label}: a re-dated header gave {got:?}"));
        }

        let late = case.timestamp + TOLERANCE_SECS + 1;
        let got = verify(&case.header, body, &[secret], late, TOLERANCE_SECS);
        if !matches!(got, Err(SignatureError::TimestampOutsideTolerance { .. })) {
            failures.push(format!(
                "{label}: a replay after the tolerance gave {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
