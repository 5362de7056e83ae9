#!/usr/bin/env bash
# Packs the one-folder bundle and the desktop integration into
#   <out>/lendready-<version>-linux-<arch>.tar.gz
# holding lendready-<version>/{lendready/ (the bundle), share/, install.sh, uninstall.sh, README.txt}.
#
#   packaging/linux/build-tarball.sh [BUNDLE_DIR] [OUT_DIR]     (defaults: dist/lendready dist)
#
# `make linux-package` builds the bundle first, then runs this.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bundle="${1:-$repo/dist/lendready}"
out="${2:-$repo/dist}"
id=org.example.lendready

[ -x "$bundle/lendready" ] || { echo "build-tarball: no bundle at $bundle (run 'make bundle' first)" >&2; exit 1; }
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$repo/src/lendready/__init__.py")"
arch="$(uname -m)"
name="lendready-$version"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

root="$stage/$name"
mkdir -p "$root/share/applications" "$root/share/metainfo" "$root/share/mime/packages" \
         "$root/share/icons/hicolor/scalable/apps"
cp -a "$bundle" "$root/lendready"
cp "$here/$id.desktop" "$root/share/applications/"
cp "$here/$id.metainfo.xml" "$root/share/metainfo/"
cp "$here/$id.mime.xml" "$root/share/mime/packages/$id.xml"
cp "$repo/resources/icons/lendready.svg" "$root/share/icons/hicolor/scalable/apps/$id.svg"
for png in "$repo"/resources/icons/lendready-*.png; do
  size="$(basename "$png" .png)"; size="${size#lendready-}"
  mkdir -p "$root/share/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$root/share/icons/hicolor/${size}x${size}/apps/$id.png"
done
install -m 755 "$here/install.sh" "$here/uninstall.sh" "$root/"
cat > "$root/README.txt" <<TXT
lendready $version for Linux ($arch)

Install for yourself (no administrator rights needed):   ./install.sh
It copies the app to ~/.local/lib/lendready, puts 'lendready' in ~/.local/bin, and adds the
menu entry, icons and the .lendready file type. Remove it again with:   ./uninstall.sh

Check the installation:   ~/.local/bin/lendready --self-test
The app needs the X11 (xcb) libraries listed in lendready's README on a minimal system.
TXT
mkdir -p "$out"
tarball="$out/$name-linux-$arch.tar.gz"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$tarball" "$name"
echo "$tarball"
