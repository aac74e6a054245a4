#!/usr/bin/env bash
# package.sh builds dist/Letterbox.tar.xz with `fyne package -os linux --release`
# (the fyne CLI from fyne.io/tools, installed with `go install` when missing).
#
# The tarball holds letterbox/usr/local/bin/letterbox, the .desktop entry, the
# icon, and a Makefile with install, user-install and their uninstall targets.
#
# fyne package builds in the source folder, deletes its binary afterwards, and
# rewrites FyneApp.toml to bump Build. The build number is a release decision
# made in a commit, so FyneApp.toml is restored as it was, comments included.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${GO:=go}"
: "${FYNE_TOOLS_VERSION:=v1.7.4}"

fyne=$(command -v fyne || true)
if [[ -z $fyne ]]; then
	gobin=$("$GO" env GOBIN)
	fyne=${gobin:-$("$GO" env GOPATH)/bin}/fyne
fi
if [[ ! -x $fyne ]]; then
	echo "package: installing fyne.io/tools/cmd/fyne@$FYNE_TOOLS_VERSION"
	"$GO" install "fyne.io/tools/cmd/fyne@$FYNE_TOOLS_VERSION"
fi

saved=$(mktemp)
cp FyneApp.toml "$saved"
trap 'cp "$saved" FyneApp.toml && rm -f "$saved"' EXIT

rm -f Letterbox.tar.xz
CGO_ENABLED=1 "$fyne" package -os linux --release
mkdir -p dist
mv -f Letterbox.tar.xz dist/
echo "package: dist/Letterbox.tar.xz"
tar -tvJf dist/Letterbox.tar.xz
