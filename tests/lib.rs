//! Cross-component tests live in this package's test targets.
