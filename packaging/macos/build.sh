#!/usr/bin/env bash
# Builds dist/lendready.app and dist/lendready-<version>-macos-<arch>.dmg on a Mac.
# Needs Python 3.11+ (python.org or Homebrew) and the Xcode command-line tools (hdiutil, codesign).
#   packaging/macos/build.sh
# Optional: CODESIGN_IDENTITY="Developer ID Application: ..." signs the app (notarise separately
# with `xcrun notarytool submit dist/lendready-*.dmg --wait`); unsigned, Finder asks once to open it.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(uname)" = Darwin ] || { echo "build.sh: run this on macOS" >&2; exit 1; }
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' src/lendready/__init__.py)"
arch="$(uname -m)"

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet -e '.[bundle]'
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
  packaging/pyinstaller/lendready.spec
# The spec's BUNDLE step writes dist/lendready.app with Info.plist declaring the .lendready document type.
QT_QPA_PLATFORM=offscreen dist/lendready.app/Contents/MacOS/lendready --self-test

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --deep --force --options runtime --timestamp --sign "$CODESIGN_IDENTITY" dist/lendready.app
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp -R dist/lendready.app "$stage/"
ln -s /Applications "$stage/Applications"
dmg="dist/lendready-$version-macos-$arch.dmg"
rm -f "$dmg"
hdiutil create -volname "lendready $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
echo "$dmg"
