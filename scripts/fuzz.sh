#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets) for a bounded time and
# fails on a crash (libFuzzer exits non-zero and leaves the input in
# fuzz/artifacts/<target>/). Used by .ci/run; runnable by hand:
#
#   scripts/fuzz.sh                 # each target 60 s
#   FUZZ_SECS=600 scripts/fuzz.sh cookies_tokens
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${FUZZ_SECS:-60}

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

# cargo-fuzz passes nightly-only flags to rustc (-Zsanitizer=address,
# -Cpasses=sancov-module, ...). The stable toolchain ships the sanitizer
# runtimes; RUSTC_BOOTSTRAP=1 lets it accept those flags, so no nightly
# toolchain is needed.
export RUSTC_BOOTSTRAP=1
# Sanitizer-instrumented artifacts must never mix with the normal build's:
# cargo-fuzz uses fuzz/target (gitignored) unless told otherwise.
unset CARGO_TARGET_DIR

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  mapfile -t targets < <(cargo fuzz list)
fi

for target in "${targets[@]}"; do
  echo "== fuzz $target (${SECS}s)"
  mkdir -p "fuzz/corpus/$target"
  # Seeds kept in the repository, if any, start the corpus.
  if [[ -d "fuzz/seeds/$target" ]]; then
    cp -n "fuzz/seeds/$target"/* "fuzz/corpus/$target"/ 2>/dev/null || true
  fi
  cargo fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
done
echo "== fuzz: no crash"
