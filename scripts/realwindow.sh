#!/usr/bin/env bash
# realwindow.sh runs the real-window lane: app's tests tagged realwindow, on
# Fyne's GLFW driver under a private Xvfb, driven by xdotool. It starts Xvfb
# and a session bus itself, on private data and settings folders, and stops
# them by their own process ids.
#
# Outside CI, a machine without Xvfb or xdotool skips the lane with a message;
# with CI=true it fails instead. Extra arguments go to `go test` (for example
# -run TestRealKeyboardWalk -v). REALWINDOW_SIZE sets the screen (default
# 1920x1080x24); REALWINDOW_RACE=0 runs without the race detector (for
# benchmarks); REALWINDOW_SHOTS=DIR keeps the tests' screenshots there.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in Xvfb xdotool; do
	if ! command -v "$tool" >/dev/null; then
		if [[ ${CI:-} == true ]]; then
			echo "realwindow: $tool is missing in CI; make deps installs it" >&2
			exit 1
		fi
		echo "realwindow: SKIP: $tool is missing; run make deps to test the real window"
		exit 0
	fi
done

# Go's own folders stay the user's (a warm build cache), whatever HOME becomes.
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
export GOCACHE GOMODCACHE GOPATH

work=$(mktemp -d)
pids=()
cleanup() {
	local i
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		kill -TERM "${pids[i]}" 2>/dev/null || true
		wait "${pids[i]}" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_file() { # wait_file FILE PID: until FILE has content, or PID died / 30 s passed
	local deadline=$((SECONDS + 30))
	until [[ -s $1 ]]; do
		kill -0 "$2" 2>/dev/null || { echo "realwindow: process $2 exited early" >&2; cat "$work"/*.log >&2 || true; exit 1; }
		((SECONDS < deadline)) || { echo "realwindow: $1 not ready after 30 s" >&2; exit 1; }
		sleep 0.1
	done
}

Xvfb -displayfd 3 -screen 0 "${REALWINDOW_SIZE:-1920x1080x24}" -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
pids+=($!)
wait_file "$work/display" "${pids[-1]}"
export DISPLAY=:$(tr -d '[:space:]' <"$work/display")
echo "realwindow: Xvfb on $DISPLAY"

if command -v dbus-daemon >/dev/null; then
	dbus-daemon --session --nofork --print-address=3 3>"$work/dbus-address" >"$work/dbus.log" 2>&1 &
	pids+=($!)
	wait_file "$work/dbus-address" "${pids[-1]}"
	DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$work/dbus-address")
	export DBUS_SESSION_BUS_ADDRESS
fi

# Private settings and data: the tests never read or change the user's.
export HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache
export XDG_RUNTIME_DIR=$work/runtime
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
# The folders a file dialog offers as favourites, so that it finds them all.
for d in Desktop Documents Downloads Music Pictures Videos; do mkdir -p "$HOME/$d"; done
cat >"$XDG_CONFIG_HOME/user-dirs.dirs" <<'DIRS'
XDG_DESKTOP_DIR="$HOME/Desktop"
XDG_DOCUMENTS_DIR="$HOME/Documents"
XDG_DOWNLOAD_DIR="$HOME/Downloads"
XDG_MUSIC_DIR="$HOME/Music"
XDG_PICTURES_DIR="$HOME/Pictures"
XDG_VIDEOS_DIR="$HOME/Videos"
DIRS
export LANG=${LANG:-en_US.UTF-8}
# The tests' clicks on "Open" must not start a desktop program.
export BROWSER=true

# The race detector is on for tests; benchmarks turn it off (REALWINDOW_RACE=0)
# so that what they time is the app, not the detector.
race=(-race)
[[ ${REALWINDOW_RACE:-1} == 0 ]] && race=()
CGO_ENABLED=1 go test "${race[@]}" -tags realwindow -timeout 15m -count=1 -run '^TestReal' ./app/ "$@"
