#!/usr/bin/env bash
# Fuzz every reader and the rule loader with cargo-fuzz (libFuzzer), seeded from the
# repository's own fixtures and examples.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 120 s, every target)
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable toolchain provide them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(markdown text html docx odt pdf rules)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
export RUSTC_BOOTSTRAP=1

seed() { # target, then globs of seed files
  local dir=fuzz/corpus/$1; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/" || true; done
}
seed markdown examples/*/*.md tests/fixtures/formats/*.md
seed text examples/*/*.txt
seed html tests/fixtures/formats/*.html
seed docx tests/fixtures/formats/*.docx tests/fixtures/formats/bad/*.docx
seed odt tests/fixtures/formats/*.odt
seed pdf tests/fixtures/formats/*.pdf tests/fixtures/formats/bad/*.pdf
seed rules rules/*.yaml

for t in "${targets[@]}"; do
  echo "== fuzzing $t for ${seconds}s =="
  # -rss_limit_mb bounds memory: exceeding it is reported as a failure, like a crash.
  cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30
done
