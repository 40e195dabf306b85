//! Verification of Stripe's `Stripe-Signature` webhook header.
//!
//! Stripe signs `"{t}.{raw body}"` with HMAC-SHA256, keyed by the endpoint's signing secret exactly
//! as shown in the dashboard (`whsec_…`, prefix included), and sends
//! `t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]`. While a secret is being rolled Stripe sends one
//! `v1` per active secret, and a shop may hold several secrets of its own, so a delivery is
//! authentic when any `v1` matches the signature computed with any of the shop's secrets.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// The only signature scheme Stripe uses for live events; others (`v0`, test schemes) are ignored.
const SCHEME: &str = "v1";

/// Why a webhook delivery was not accepted as coming from Stripe.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing or empty")]
    MissingHeader,
    #[error("the Stripe-Signature header has no `t=` timestamp in whole unix seconds")]
    NoTimestamp,
    #[error("the Stripe-Signature header has no `v1=` signature")]
    NoV1Signature,
    #[error("no webhook signing secret is configured for this endpoint")]
    NoSecrets,
    /// `age_secs`: how long ago the delivery was signed (negative: signed in the future).
    #[error(
        "the Stripe-Signature timestamp is {}, beyond the tolerance of {tolerance_secs} s",
        age_text(*age_secs)
    )]
    TimestampOutsideTolerance { age_secs: i128, tolerance_secs: i64 },
    #[error("no `v1` signature in the Stripe-Signature header matches the body and a secret")]
    NoMatchingSignature,
}

/// "301 s old", or "301 s in the future".
fn age_text(age_secs: i128) -> String {
    if age_secs < 0 {
        format!("{} s in the future", age_secs.unsigned_abs())
    } else {
        format!("{age_secs} s old")
    }
}

/// Checks that `payload` (the raw request body, byte for byte) was signed by Stripe with one of
/// `secrets` within `tolerance_secs` of `now_unix`, in either direction.
///
/// The signature is checked before the timestamp, so a timestamp error is only ever reported for
/// an authentic but late (replayed) or early delivery. Empty secrets are ignored: a blank key
/// would let anyone sign.
pub fn verify(
    header: &str,
    payload: &[u8],
    secrets: &[&str],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let header = header.trim();
    if header.is_empty() {
        return Err(SignatureError::MissingHeader);
    }
    let parsed = parse_header(header);
    let timestamp = parsed.timestamp.ok_or(SignatureError::NoTimestamp)?;
    if parsed.v1.is_empty() {
        return Err(SignatureError::NoV1Signature);
    }
    let mut secrets = secrets.iter().filter(|s| !s.is_empty()).peekable();
    if secrets.peek().is_none() {
        return Err(SignatureError::NoSecrets);
    }

    let candidates: Vec<[u8; 32]> = parsed.v1.iter().filter_map(|hex| decode_tag(hex)).collect();
    let mut matched = false;
    for secret in secrets {
        let Some(expected) = tag(payload, secret, timestamp) else {
            continue;
        };
        // Every candidate is compared, matched or not, so timing does not tell which one matched.
        for candidate in &candidates {
            matched |= bool::from(expected.ct_eq(candidate));
        }
    }
    if !matched {
        return Err(SignatureError::NoMatchingSignature);
    }

    let age_secs = i128::from(now_unix) - i128::from(timestamp);
    if age_secs.abs() > i128::from(tolerance_secs) {
        return Err(SignatureError::TimestampOutsideTolerance {
            age_secs,
            tolerance_secs,
        });
    }
    Ok(())
}

/// The `Stripe-Signature` header value Stripe would send for `payload` signed with `secret` at
/// `timestamp`: `t=<timestamp>,v1=<lower-case hex>`. For tests, tools and replaying events.
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> String {
    match tag(payload, secret, timestamp) {
        Some(tag) => format!("t={timestamp},{SCHEME}={}", hex::encode(tag)),
        None => format!("t={timestamp}"),
    }
}

fn tag(payload: &[u8], secret: &str, timestamp: i64) -> Option<[u8; 32]> {
    // HMAC takes keys of any length, so this is never `None` in practice; callers still treat
    // `None` as "no signature" rather than inventing one.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    Some(mac.finalize().into_bytes().into())
}

/// A `v1` value that is not 64 hex digits cannot match and is skipped.
fn decode_tag(hex_digits: &str) -> Option<[u8; 32]> {
    let mut tag = [0u8; 32];
    hex::decode_to_slice(hex_digits, &mut tag).ok()?;
    Some(tag)
}

struct ParsedHeader<'a> {
    timestamp: Option<i64>,
    v1: Vec<&'a str>,
}

fn parse_header(header: &str) -> ParsedHeader<'_> {
    let mut parsed = ParsedHeader {
        timestamp: None,
        v1: Vec::new(),
    };
    for item in header.split(',') {
        let Some((key, value)) = item.split_once('=') else {
            continue;
        };
        match key.trim() {
            // Stripe's own libraries keep the last `t`; so do we.
            "t" => parsed.timestamp = value.trim().parse::<i64>().ok(),
            SCHEME => parsed.v1.push(value.trim()),
            _ => {}
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_5b0c1f7a9d2e4c68b3a1f0e9d8c7b6a5";
    const OTHER_SECRET: &str = "whsec_test_other_0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    const BODY: &[u8] = br#"{"id":"evt_1","object":"event","type":"payment_intent.succeeded"}"#;
    const T: i64 = 1_767_225_600;
    const TOLERANCE: i64 = 300;

    #[test]
    fn accepts_a_body_signed_with_the_secret() {
        let header = sign(BODY, SECRET, T);
        assert_eq!(verify(&header, BODY, &[SECRET], T + 10, TOLERANCE), Ok(()));
    }

    #[test]
    fn sign_matches_a_known_hmac_sha256_vector() {
        // HMAC-SHA256(key = "whsec_abc", msg = "1700000000.{}"), computed independently with
        // `printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec_abc`.
        assert_eq!(
            sign(b"{}", "whsec_abc", 1_700_000_000),
            "t=1700000000,v1=bad9ac117e973d721c232d46744158d75e3f1b44e36771e13d01b9e6a580bc72"
        );
    }

    #[test]
    fn rejects_a_tampered_body() {
        let header = sign(BODY, SECRET, T);
        let tampered = br#"{"id":"evt_1","object":"event","type":"payment_intent.canceled"}"#;
        assert_eq!(
            verify(&header, tampered, &[SECRET], T, TOLERANCE),
            Err(SignatureError::NoMatchingSignature)
        );
    }

    #[test]
    fn rejects_a_tampered_timestamp() {
        let header = sign(BODY, SECRET, T).replacen(&format!("t={T}"), &format!("t={}", T + 1), 1);
        assert_eq!(
            verify(&header, BODY, &[SECRET], T, TOLERANCE),
            Err(SignatureError::NoMatchingSignature)
        );
    }

    #[test]
    fn rejects_a_body_signed_with_another_secret() {
        let header = sign(BODY, OTHER_SECRET, T);
        assert_eq!(
            verify(&header, BODY, &[SECRET], T, TOLERANCE),
            Err(SignatureError::NoMatchingSignature)
        );
    }

    #[test]
    fn rejects_a_stale_timestamp_and_accepts_one_at_the_limit() {
        let header = sign(BODY, SECRET, T);
        assert_eq!(
            verify(&header, BODY, &[SECRET], T + TOLERANCE, TOLERANCE),
            Ok(())
        );
        assert_eq!(
            verify(&header, BODY, &[SECRET], T + TOLERANCE + 1, TOLERANCE),
            Err(SignatureError::TimestampOutsideTolerance {
                age_secs: i128::from(TOLERANCE + 1),
                tolerance_secs: TOLERANCE
            })
        );
    }

    #[test]
    fn a_timestamp_outside_the_tolerance_says_how_old_or_how_far_ahead_it_is() {
        let late = SignatureError::TimestampOutsideTolerance {
            age_secs: 301,
            tolerance_secs: 300,
        };
        assert_eq!(
            late.to_string(),
            "the Stripe-Signature timestamp is 301 s old, beyond the tolerance of 300 s"
        );
        let early = SignatureError::TimestampOutsideTolerance {
            age_secs: -301,
            tolerance_secs: 300,
        };
        assert_eq!(
            early.to_string(),
            "the Stripe-Signature timestamp is 301 s in the future, beyond the tolerance of 300 s"
        );
    }

    #[test]
    fn rejects_a_timestamp_in_the_future_beyond_the_tolerance() {
        let header = sign(BODY, SECRET, T);
        assert_eq!(
            verify(&header, BODY, &[SECRET], T - TOLERANCE, TOLERANCE),
            Ok(())
        );
        assert_eq!(
            verify(&header, BODY, &[SECRET], T - TOLERANCE - 1, TOLERANCE),
            Err(SignatureError::TimestampOutsideTolerance {
                age_secs: -i128::from(TOLERANCE + 1),
                tolerance_secs: TOLERANCE
            })
        );
    }

    #[test]
    fn extreme_timestamps_are_rejected_without_overflow() {
        for t in [i64::MIN, i64::MAX] {
            let header = sign(BODY, SECRET, t);
            assert!(
                matches!(
                    verify(&header, BODY, &[SECRET], T, TOLERANCE),
                    Err(SignatureError::TimestampOutsideTolerance { .. })
                ),
                "t={t} must be outside the tolerance"
            );
        }
    }

    #[test]
    fn rejects_a_missing_or_blank_header() {
        for header in ["", "   "] {
            assert_eq!(
                verify(header, BODY, &[SECRET], T, TOLERANCE),
                Err(SignatureError::MissingHeader),
                "header {header:?}"
            );
        }
    }

    #[test]
    fn rejects_a_header_without_a_usable_timestamp() {
        let v1 = sign(BODY, SECRET, T).replacen(&format!("t={T},"), "", 1);
        for header in [v1.clone(), format!("t=soon,{v1}"), format!("t=12.5,{v1}")] {
            assert_eq!(
                verify(&header, BODY, &[SECRET], T, TOLERANCE),
                Err(SignatureError::NoTimestamp),
                "header {header:?}"
            );
        }
    }

    #[test]
    fn rejects_a_header_without_v1_even_if_v0_is_valid() {
        let v0 = sign(BODY, SECRET, T).replacen("v1=", "v0=", 1);
        assert_eq!(
            verify(&v0, BODY, &[SECRET], T, TOLERANCE),
            Err(SignatureError::NoV1Signature)
        );
    }

    #[test]
    fn accepts_when_one_of_two_v1_signatures_matches() {
        let good = sign(BODY, SECRET, T);
        let other = sign(BODY, OTHER_SECRET, T);
        let other_v1 = other.split(',').nth(1).expect("sign emits t then v1");
        let good_v1 = good.split(',').nth(1).expect("sign emits t then v1");
        let header = format!("t={T},{other_v1},{good_v1},v0=6ffbb59b2300aae63f27240606");
        assert_eq!(verify(&header, BODY, &[SECRET], T, TOLERANCE), Ok(()));
        let header = format!("t={T},{good_v1},{other_v1}");
        assert_eq!(verify(&header, BODY, &[SECRET], T, TOLERANCE), Ok(()));
    }

    #[test]
    fn accepts_when_the_second_secret_matches() {
        let header = sign(BODY, OTHER_SECRET, T);
        assert_eq!(
            verify(&header, BODY, &[SECRET, OTHER_SECRET], T, TOLERANCE),
            Ok(())
        );
    }

    #[test]
    fn ignores_malformed_v1_values_and_unknown_schemes() {
        let good_v1 = sign(BODY, SECRET, T)
            .split(',')
            .nth(1)
            .expect("v1")
            .to_owned();
        let header = format!("t={T},v1=zz,v1=abcd,scheme_x=1,garbage,{good_v1}");
        assert_eq!(verify(&header, BODY, &[SECRET], T, TOLERANCE), Ok(()));
        let header = format!("t={T},v1=zz,v1=abcd");
        assert_eq!(
            verify(&header, BODY, &[SECRET], T, TOLERANCE),
            Err(SignatureError::NoMatchingSignature)
        );
    }

    #[test]
    fn empty_secrets_never_verify() {
        let signed_with_empty_key = sign(BODY, "", T);
        assert_eq!(
            verify(&signed_with_empty_key, BODY, &[""], T, TOLERANCE),
            Err(SignatureError::NoSecrets)
        );
        assert_eq!(
            verify(&signed_with_empty_key, BODY, &[], T, TOLERANCE),
            Err(SignatureError::NoSecrets)
        );
        assert_eq!(
            verify(&signed_with_empty_key, BODY, &["", SECRET], T, TOLERANCE),
            Err(SignatureError::NoMatchingSignature)
        );
    }
}
