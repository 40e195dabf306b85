# Shared by the scripts: one cargo target folder under ~/.cache, reused by tests and CI.
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/versapos-target}"
# The one way the scripts build the workspace for tests: every member, every binary and test,
# with the app's embedded UI (custom-protocol). Cargo resolves features per invocation, so builds
# asked for in other ways (one package, no dev-dependencies, another feature) compile much of the
# dependency graph again; these arguments give the test run, the end-to-end suite and CI one.
workspace_build=(--workspace --features versatalent-pos/custom-protocol)
