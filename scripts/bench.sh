#!/usr/bin/env bash
# bench.sh is `make bench`: it installs the peers Letterbox is measured against,
# builds bin/letterbox, and runs scripts/bench (see its package comment), which
# prints a table of medians and ratios and writes BENCHMARKS.md.
#
# Peers: Postfix's smtp-source and smtp-sink, Postfix itself (a private
# instance the harness starts; needs root, as in CI), swaks and python3-aiosmtpd from
# Debian (scripts/deps.sh), GNU time (apt package `time`), and Mailpit built
# with `go install` into $XDG_CACHE_HOME/letterbox-bench/bin (kept between runs).
#
# Extra arguments go to the Go program, e.g. `scripts/bench.sh -only ingest -reps 1`
# or `-out ""` for no report file; `go run ./scripts/bench -h` lists them.
# Everything listens on 127.0.0.1 and every loop is bounded; the run gives up
# after 12 minutes (-timeout) so `make bench` stays under 15 on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."

MAILPIT_VERSION=v1.27.11
cache=${XDG_CACHE_HOME:-$HOME/.cache}/letterbox-bench
export PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

scripts/deps.sh

# GNU time reports the peak memory of `letterbox send`.
if [[ ! -x /usr/bin/time ]]; then
	sudo=()
	((EUID == 0)) || sudo=(sudo -n)
	echo "bench: installing GNU time"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q time </dev/null
fi

# Mailpit, pinned; rebuilt only when the pinned version changes.
mailpit=$cache/bin/mailpit
if [[ ! -x $mailpit || "$(cat "$cache/mailpit.version" 2>/dev/null)" != "$MAILPIT_VERSION" ]]; then
	echo "bench: go install github.com/axllent/mailpit@$MAILPIT_VERSION"
	mkdir -p "$cache/bin"
	GOFLAGS= GOBIN=$cache/bin go install "github.com/axllent/mailpit@$MAILPIT_VERSION"
	echo "$MAILPIT_VERSION" >"$cache/mailpit.version"
fi

make --no-print-directory build

# 1,000 idle connections need more than the common soft limit of 1,024 files
# in aiosmtpd and smtp-sink.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec go run ./scripts/bench -letterbox bin/letterbox -mailpit "$mailpit" -out BENCHMARKS.md "$@"
