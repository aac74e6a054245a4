#!/usr/bin/env bash
# deps.sh installs the Debian packages Letterbox needs to build (Fyne's cgo
# headers) and to test (Xvfb, real SMTP peers), and only those that are missing.
# It never reads standard input, so it runs the same on a desk and in CI.
# When everything is present it costs one dpkg-query call.
set -euo pipefail

packages=(
	# cgo toolchain and Fyne's GLFW/X11/Wayland headers
	gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev
	libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev
	libxkbcommon-dev
	# `fyne package` writes .tar.xz
	xz-utils
	# the real window under a virtual display: screenshots and UI smoke tests
	xvfb imagemagick xdotool dbus-x11
	# real SMTP peers for the interop tests
	swaks postfix python3-aiosmtpd
	# a real IMAP server over the store (server/store/dovecottest, letterbox share)
	dovecot-imapd
	# TLS scanner for the listeners (server/tls_hygiene_test.go: TestSSLScan)
	sslscan
	# the en_US.UTF-8 locale that `make run` and `make test` set as LANG
	locales
)

# ensure_locale generates en_US.UTF-8 when it is missing, so Fyne reads a real
# locale and perl (swaks) does not warn "Setting locale failed" on every run.
ensure_locale() {
	if locale -a 2>/dev/null | grep -qix 'en_US\.utf-\?8'; then
		return 0
	fi
	echo "deps: generating the en_US.UTF-8 locale"
	if [[ -f /etc/locale.gen ]] && grep -q '^# *en_US.UTF-8 UTF-8' /etc/locale.gen; then
		"${sudo[@]}" sed -i 's/^# *\(en_US.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	elif ! grep -qs '^en_US.UTF-8 UTF-8' /etc/locale.gen; then
		echo 'en_US.UTF-8 UTF-8' | "${sudo[@]}" tee -a /etc/locale.gen >/dev/null
	fi
	"${sudo[@]}" locale-gen </dev/null
}

sudo=()
if ((EUID != 0)); then
	sudo=(sudo -n)
	[[ -t 0 ]] && sudo=(sudo) # a person at a terminal may type a password
fi

# dpkg-query prints one line per known package; a package counts as present only
# when its status is "install ok installed" (not e.g. removed with config left).
declare -A have=()
while read -r name status; do
	[[ $status == ii* ]] && have[$name]=1
done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${packages[@]}" 2>/dev/null || true)

missing=()
for p in "${packages[@]}"; do
	[[ -n ${have[$p]:-} ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	ensure_locale
	echo "deps: all ${#packages[@]} Debian packages present"
	exit 0
fi

echo "deps: installing ${missing[*]}"
if ((EUID != 0)) && ! command -v sudo >/dev/null; then
	echo "deps: not root and no sudo; as root run: apt-get install ${missing[*]}" >&2
	exit 1
fi

for p in "${missing[@]}"; do
	if [[ $p == postfix ]]; then
		# Only smtp-source and smtp-sink are wanted: no mail system is configured
		# and no daemon is set up to deliver anything.
		echo "postfix postfix/main_mailer_type select No configuration" |
			"${sudo[@]}" debconf-set-selections
	fi
done

"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
# Recommends stay on: they bring swaks its TLS modules and Xvfb its fonts and xauth.
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	"${missing[@]}" </dev/null
ensure_locale
