#!/usr/bin/env bash
# Runs every fuzz target of murmur, one after another, each for the given
# time: `go test -fuzz` takes a single target per package per run. One
# fuzzing worker at a time (-parallel 1), so a run leaves the machine's
# other cores alone.
#
# usage: scripts/fuzz.sh [fuzztime per target, default 3s] [target name regexp]
#   scripts/fuzz.sh 2s                 the short run `make test` makes
#   scripts/fuzz.sh 5m FuzzProcessImage
#
# FUZZMINIMIZETIME (default 10s) bounds how long the fuzzer shrinks an
# input, failing or newly interesting: Go's default of a minute would let
# shrinking one long string take a short run's whole time.
#
# A failing input is written to the package's testdata/fuzz/<FuzzName>/
# and the run stops: fix the bug, keep the file (it is now a regression
# seed run by every `go test`) and commit both.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${1:-3s}
only=${2:-.}
GO=${GO:-go}
minimize=${FUZZMINIMIZETIME:-10s}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$SECONDS
count=0
# Every "func FuzzX(f *testing.F)" in a test file, as "<file> <name>".
while read -r file name; do
  [[ $name =~ $only ]] || continue
  dir=./$(dirname "$file")
  echo "fuzz: $name ($dir) for $fuzztime"
  if ! "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" -parallel 1 "$dir" </dev/null >"$log" 2>&1; then
    # Go 1.26's fuzzing coordinator can report "context deadline exceeded"
    # when -fuzztime ends while a worker is mid-input (golang/go#75804,
    # fixed in Go 1.27): no input failed and none was written. Only that
    # exact outcome is let through; anything else fails the run.
    if ! grep -q 'Failing input written' "$log" &&
      [ "$(grep -E '^ {4}' "$log")" = "    context deadline exceeded" ]; then
      echo "  $name: stopped by the fuzzing engine's deadline race (golang/go#75804), nothing failed"
      count=$((count + 1))
      continue
    fi
    cat "$log"
    echo "fuzz: $name failed; the failing input is in $dir/testdata/fuzz/$name/" >&2
    exit 1
  fi
  grep -E '^(ok|fuzz: elapsed.*execs)' "$log" | tail -n 2 | sed 's/^/  /'
  count=$((count + 1))
done < <(git ls-files --cached --others --exclude-standard '*_test.go' | xargs grep -oE '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' |
  sed -E 's/^(.*):func (Fuzz[A-Za-z0-9_]+).*/\1 \2/' | sort -k2)

if [ "$count" -eq 0 ]; then
  echo "fuzz: no target matches $only" >&2
  exit 1
fi
echo "fuzz: $count targets in $((SECONDS - start))s"
