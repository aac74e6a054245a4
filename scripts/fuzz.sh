#!/usr/bin/env bash
# fuzz.sh runs every fuzz target of the module, one after the other, for
# FUZZTIME each (default 30s). Targets are found by grepping the _test.go files
# of each package for `func FuzzName(`; go test allows one -fuzz target per run.
#
#   scripts/fuzz.sh                 every package (./...)
#   scripts/fuzz.sh ./smtpcore/...  only these packages
#   FUZZTIME=5m scripts/fuzz.sh     longer runs
#
# A crasher is written by go test to the package's testdata/fuzz/FuzzName/ and
# becomes a regression seed that plain `go test` replays: commit it with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-30s}
patterns=("$@")
((${#patterns[@]})) || patterns=(./...)

# fuzz_one fuzzes one target. Go 1.26's fuzz coordinator can end a run at
# the -fuzztime deadline with "context deadline exceeded" although nothing
# failed (golang/go#75804, fixed in Go 1.27): a run that fails that way and
# writes no crasher to testdata/fuzz/NAME/ is run once more. A crasher, or
# any other failure, fails at once.
fuzz_one() {
	local dir=$1 pkg=$2 name=$3 out before after
	for attempt in 1 2; do
		before=$(ls "$dir/testdata/fuzz/$name" 2>/dev/null | wc -l)
		# Minimizing a new input may take 60 s by default: longer than a short run.
		if out=$(go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$pkg" 2>&1); then
			printf '%s\n' "$out"
			return 0
		fi
		printf '%s\n' "$out"
		after=$(ls "$dir/testdata/fuzz/$name" 2>/dev/null | wc -l)
		if ((attempt == 2 || after != before)) || ! grep -q 'context deadline exceeded' <<<"$out"; then
			return 1
		fi
		echo "fuzz: $name stopped with the coordinator's deadline error and no crasher (golang/go#75804): once more"
	done
}

ran=0
failed=()
while read -r dir pkg; do
	shopt -s nullglob
	files=("$dir"/*_test.go)
	shopt -u nullglob
	((${#files[@]})) || continue
	while read -r name; do
		echo "==> $pkg $name ($fuzztime)"
		ran=$((ran + 1))
		if ! fuzz_one "$dir" "$pkg" "$name"; then
			failed+=("$pkg.$name")
		fi
	done < <(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "${files[@]}" | sort -u)
done < <(go list -f '{{.Dir}} {{.ImportPath}}' "${patterns[@]}")

echo "fuzz: $((ran - ${#failed[@]})) passed, ${#failed[@]} failed"
if ((${#failed[@]})); then
	printf 'fuzz: failed: %s\n' "${failed[@]}" >&2
	exit 1
fi
