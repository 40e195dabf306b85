//! The keychain on this machine's real backend (the Linux kernel keyring; scripts/test runs the
//! suite inside `keyctl session -` so each run has its own, empty session keyring).

use versapos_secrets::{KeySource, Keychain, StripeKey, KEY_ENV};

#[test]
fn a_key_goes_into_the_keychain_comes_back_and_goes_away() {
    // A service of its own so a developer's real entry is never touched.
    let chain = Keychain::new(
        "com.versatalent.pos.test",
        &format!("k-{}", std::process::id()),
    );
    assert_eq!(chain.get().expect("an empty keychain answers"), None);
    let key = StripeKey::parse("rk_test_51ZyXwVuTsRqPoNmLkJiHg").expect("key");
    chain.set(&key).expect("store");
    assert_eq!(chain.get().expect("read"), Some(key.clone()));
    // The environment overrides the keychain (read here only when the variable is unset).
    if std::env::var(KEY_ENV).is_err() {
        let (k, source) = chain.key_in_use().expect("in use").expect("some key");
        assert_eq!((k, source), (key, KeySource::Keychain));
    }
    assert!(chain.remove().expect("remove"));
    assert!(!chain.remove().expect("remove again"));
    assert_eq!(chain.get().expect("read"), None);
}
