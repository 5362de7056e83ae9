#!/usr/bin/env bash
# Removes what install.sh added (same PREFIX / XDG_DATA_HOME). Case files, settings and logs are kept.
set -euo pipefail
id=org.example.lendready
prefix="${PREFIX:-$HOME/.local}"
if [ -n "${PREFIX:-}" ]; then share="${XDG_DATA_HOME:-$prefix/share}"; else share="${XDG_DATA_HOME:-$HOME/.local/share}"; fi
app="$prefix/lib/lendready"

if [ -f "$app/.installed-icons" ]; then
  while read -r icon; do rm -f "$share/$icon"; done < "$app/.installed-icons"
fi
for link in "$prefix/bin/lendready" "$prefix/bin/lendready-gui"; do
  if [ -L "$link" ] && [ "$(readlink "$link")" = "$app/lendready" ]; then rm -f "$link"; fi
done
rm -f "$share/applications/$id.desktop" "$share/metainfo/$id.metainfo.xml" "$share/mime/packages/$id.xml"
rm -rf "$app"
command -v update-mime-database >/dev/null && update-mime-database "$share/mime" >/dev/null 2>&1 || true
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t -f "$share/icons/hicolor" 2>/dev/null || true
echo "lendready removed from $app (your cases, settings and logs are kept)"
