#!/usr/bin/env bash
# screenshots.sh photographs the real Letterbox window under Xvfb, one picture
# per tab, into docs/screenshot-<tab>.png. The pictures are for looking at (the
# README, reviews); UI tests assert on widget state, never on these pixels.
#
# For each tab it starts bin/letterbox with LETTERBOX_TAB=<tab> (the app opens
# on that tab), on a private store, config and session bus, waits for the
# window, waits until two captures in a row are identical (the first frames are
# drawn), and saves the capture. Before that it seeds the store with a few
# messages sent by swaks through `letterbox serve`, so the inbox is not empty;
# if the server or swaks is unavailable it says so and goes on.
#
# Environment: LETTERBOX_BIN (default bin/letterbox), SCREENSHOT_DIR (default
# docs), SCREENSHOT_TABS (default "compose inbox message"), SCREENSHOT_SIZE (WxH: resize
# the window first; default: the size the app chooses), SCREENSHOT_TIMEOUT
# (seconds per wait, default 60). Every process it starts is stopped by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${LETTERBOX_BIN:-bin/letterbox}
out=${SCREENSHOT_DIR:-docs}
read -r -a tabs <<<"${SCREENSHOT_TABS:-compose inbox message}"
timeout_s=${SCREENSHOT_TIMEOUT:-60}
export LANG=${LANG:-en_US.UTF-8}

[[ -x $bin ]] || { echo "screenshots: $bin is missing; run make build" >&2; exit 1; }
for tool in Xvfb xdotool import identify; do
	command -v "$tool" >/dev/null || { echo "screenshots: $tool is missing; run make deps" >&2; exit 1; }
done

work=$(mktemp -d)
pids=() # every background process we started, stopped in reverse order

stop() { # stop PID: TERM, then KILL if it lingers past 5 s; then forget it
	local pid=$1 i rest=()
	for i in "${pids[@]}"; do [[ $i == "$pid" ]] || rest+=("$i"); done
	pids=("${rest[@]}")
	kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	while ((${#pids[@]})); do stop "${pids[-1]}"; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "screenshots: $*" >&2
	local log
	for log in "$work"/*.log; do
		[[ -s $log ]] && { echo "--- ${log##*/}" >&2; head -n 30 "$log" >&2; }
	done
	exit 1
}

# wait_for DESCRIPTION PID COMMAND...: poll COMMAND until it succeeds, failing
# when PID (the process expected to make it true) dies or the deadline passes.
wait_for() {
	local what=$1 pid=$2 deadline=$((SECONDS + timeout_s))
	shift 2
	until "$@"; do
		kill -0 "$pid" 2>/dev/null || fail "$what: process $pid exited"
		((SECONDS < deadline)) || fail "$what: not ready after ${timeout_s}s"
		sleep 0.2
	done
}

# A virtual screen: Xvfb picks a free display number and writes it to fd 3.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
pids+=($!)
wait_for "Xvfb" "${pids[-1]}" test -s "$work/display"
export DISPLAY=:$(tr -d '[:space:]' <"$work/display")
echo "screenshots: Xvfb on $DISPLAY"

# A private session bus, so Fyne's desktop integration talks to something of ours.
if command -v dbus-daemon >/dev/null; then
	dbus-daemon --session --nofork --print-address=3 3>"$work/dbus-address" >"$work/dbus.log" 2>&1 &
	pids+=($!)
	wait_for "dbus-daemon" "${pids[-1]}" test -s "$work/dbus-address"
	DBUS_SESSION_BUS_ADDRESS=$(head -n 1 "$work/dbus-address")
	export DBUS_SESSION_BUS_ADDRESS
fi

# Private data and settings: nothing of the user's is read or changed.
export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
export XDG_RUNTIME_DIR=$work/runtime
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
export LETTERBOX_STORE=$XDG_DATA_HOME/letterbox/mail
mkdir -p "$LETTERBOX_STORE"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port_open() { (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# seed_store sends a few messages through `letterbox serve` into the store.
seed_store() {
	if ! command -v swaks >/dev/null || ! command -v python3 >/dev/null; then
		echo "screenshots: swaks or python3 missing; the inbox stays empty"
		return 0
	fi
	local port pid deadline=$((SECONDS + timeout_s))
	port=$(free_port)
	"$bin" serve --listen "127.0.0.1:$port" --store "$LETTERBOX_STORE" >"$work/serve.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	until port_open "$port"; do
		if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
			echo "screenshots: letterbox serve did not start; the inbox stays empty"
			return 0
		fi
		sleep 0.2
	done
	local subjects=("Quarterly report" "Lunch on Friday?" "Build #1204 passed")
	local froms=("ada@example.test" "grace@example.test" "ci@build.example.test")
	local i
	for i in "${!subjects[@]}"; do
		swaks --silent 2 --server "127.0.0.1:$port" --from "${froms[i]}" \
			--to "you@letterbox.test" --header "Subject: ${subjects[i]}" \
			--body "Hello from ${froms[i]}." </dev/null >>"$work/swaks.log" 2>&1 ||
			echo "screenshots: swaks could not send \"${subjects[i]}\" (see serve output)"
	done
	stop "$pid"
}
seed_store

window_visible() { # sets wid when the Letterbox window is mapped
	wid=$(xdotool search --onlyvisible --name '^Letterbox' 2>/dev/null | head -n 1)
	[[ -n $wid ]]
}

# frame_settled captures the window and succeeds once a capture shows more than
# one colour and matches the one before (the app has finished drawing).
frame_settled() {
	import -window "$wid" "$work/shot.png" 2>>"$work/import.log" || return 1
	local sig colours
	read -r sig colours < <(identify -format '%# %k\n' "$work/shot.png" 2>/dev/null) || return 1
	if ((colours > 1)) && [[ $sig == "${last_sig:-}" ]]; then
		return 0
	fi
	last_sig=$sig
	return 1
}

# click X Y: a click at window coordinates (the app's layout at its own size).
click() { xdotool mousemove --window "$wid" "$1" "$2" click 1; }
typed() { xdotool type --delay 15 "$1"; }

# The shots, driven by the keyboard as a person without a mouse would.
# compose: the local server on, a message written and sent with Ctrl+Enter,
# so the transcript shows the whole conversation and Compose the result per
# recipient. inbox: the list. message: the newest message opened.
shot_env() {
	case $1 in
	compose) echo "LETTERBOX_TAB=compose LETTERBOX_SERVER=on LETTERBOX_PORT=$(free_port)" ;;
	*) echo "LETTERBOX_TAB=inbox" ;;
	esac
}
keys() { xdotool key --clearmodifiers --delay 60 "$@"; }
drive() {
	xdotool windowfocus --sync "$wid" 2>/dev/null || true
	case $1 in
	compose)
		sleep 1 # the local server comes on a moment after the window
		keys ctrl+n && typed "you@letterbox.test"
		keys shift+Tab && typed "me@letterbox.test"
		keys Tab Tab Tab Tab && typed "Release notes"
		keys Tab Tab && typed "The build is out. Notes attached in the next mail."
		keys ctrl+Return
		sleep 2
		;;
	message)
		# Ctrl+F puts the focus in the search field; two Tabs ("Search
		# bodies", the list) reach the list, where Down shows the newest.
		keys ctrl+f Tab Tab Down
		sleep 1
		;;
	esac
}

mkdir -p "$out"
for tab in "${tabs[@]}"; do
	env $(shot_env "$tab") "$bin" >"$work/app-$tab.log" 2>&1 &
	app=$!
	pids+=("$app")
	wid=
	wait_for "the Letterbox window ($tab)" "$app" window_visible
	if [[ -n ${SCREENSHOT_SIZE:-} ]]; then
		xdotool windowsize "$wid" "${SCREENSHOT_SIZE%x*}" "${SCREENSHOT_SIZE#*x}"
	fi
	last_sig=
	wait_for "a settled frame ($tab)" "$app" frame_settled
	drive "$tab"
	last_sig=
	wait_for "a settled frame after driving ($tab)" "$app" frame_settled
	cp "$work/shot.png" "$out/screenshot-$tab.png"
	echo "screenshots: $out/screenshot-$tab.png ($(identify -format '%wx%h' "$out/screenshot-$tab.png"))"
	stop "$app"
done
