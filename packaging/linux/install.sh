#!/usr/bin/env bash
# Installs lendready for the current user, from the unpacked release folder (no root needed).
#   ./install.sh            into ~/.local (XDG_DATA_HOME for the menu entry, icons and file type)
#   PREFIX=/opt/x ./install.sh   elsewhere (then share/ goes to PREFIX/share unless XDG_DATA_HOME is set)
# Re-running upgrades in place. ./uninstall.sh removes exactly what this adds.
set -euo pipefail
src="$(cd "$(dirname "$0")" && pwd)"
id=org.example.lendready
prefix="${PREFIX:-$HOME/.local}"
if [ -n "${PREFIX:-}" ]; then share="${XDG_DATA_HOME:-$prefix/share}"; else share="${XDG_DATA_HOME:-$HOME/.local/share}"; fi
app="$prefix/lib/lendready"
bin="$prefix/bin"

[ -x "$src/lendready/lendready" ] || { echo "install.sh: run it from the unpacked lendready folder" >&2; exit 1; }

mkdir -p "$prefix/lib" "$bin" "$share/applications" "$share/metainfo" "$share/mime/packages"
rm -rf "$app.new"
cp -a "$src/lendready" "$app.new"
rm -rf "$app"
mv "$app.new" "$app"
ln -sfn "$app/lendready" "$bin/lendready"
ln -sfn "$app/lendready" "$bin/lendready-gui"

# The menu entry runs the installed program by its full path, whatever PATH the desktop has.
sed -e "s|^Exec=.*|Exec=\"$app/lendready\" %f|" -e "s|^TryExec=.*|TryExec=$app/lendready|" \
  "$src/share/applications/$id.desktop" > "$share/applications/$id.desktop"
chmod 644 "$share/applications/$id.desktop"
cp "$src/share/metainfo/$id.metainfo.xml" "$share/metainfo/"
cp "$src/share/mime/packages/$id.xml" "$share/mime/packages/"
(cd "$src/share" && find icons -name "$id.*" -type f) | while read -r icon; do
  mkdir -p "$share/$(dirname "$icon")"
  cp "$src/share/$icon" "$share/$icon"
done
(cd "$src/share" && find icons -name "$id.*" -type f) > "$app/.installed-icons"

# Refresh the desktop's caches where the tools exist (they are optional).
command -v update-mime-database >/dev/null && update-mime-database "$share/mime" >/dev/null 2>&1 || true
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t -f "$share/icons/hicolor" 2>/dev/null || true
command -v xdg-mime >/dev/null && xdg-mime default "$id.desktop" application/x-lendready 2>/dev/null || true

echo "lendready installed in $app"
echo "  menu entry: $share/applications/$id.desktop"
echo "  command:    $bin/lendready   (check it with: $bin/lendready --self-test)"
case ":$PATH:" in *":$bin:"*) ;; *) echo "  note: $bin is not on your PATH" ;; esac
