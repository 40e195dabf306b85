# Shared by the scripts: one cargo target folder under ~/.cache, reused by tests and CI.
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/versapos-target}"
# The one way the scripts build the workspace for tests: every member, every binary and test,
# with the app's embedded UI (custom-protocol). Cargo resolves features per invocation, so builds
# asked for in other ways (one package, no dev-dependencies, another feature) compile much of the
# dependency graph again; these arguments give the test run, the end-to-end suite and CI one.
workspace_build=(--workspace --features versatalent-pos/custom-protocol)

# With VERSAPOS_LINT=1 (CI), clippy lints the workspace's own crates while they are compiled for
# the tests: clippy-driver compiles them (dependencies stay with rustc) and every warning is an
# error, so one build both lints and tests instead of a separate check build of every dependency.
if [ "${VERSAPOS_LINT:-}" = 1 ]; then
    RUSTC_WORKSPACE_WRAPPER="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)"
    export RUSTC_WORKSPACE_WRAPPER
    # cargo clippy's way of passing `-D warnings` to clippy-driver.
    export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
fi
