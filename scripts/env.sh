# Shared by the scripts: one cargo target folder under ~/.cache, reused by tests and CI.
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/versapos-target}"
