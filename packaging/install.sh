#!/bin/sh
# Install LLM Playground for this user, no root: the app goes to ~/.local/share/LLMPlayground, a menu
# entry to ~/.local/share/applications, the icon to ~/.local/share/icons. Run from the unpacked folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
# not $data/LLMPlayground: that is the app's own data folder (your training runs)
dest="$data/llm-playground-app"
[ -x "$here/LLMPlayground" ] || { echo "install.sh: run it from the unpacked LLMPlayground folder" >&2; exit 1; }
if [ "$here" != "$dest" ]; then
  rm -rf "$dest.new"
  mkdir -p "$data"
  cp -a "$here" "$dest.new"
  rm -rf "$dest"
  mv "$dest.new" "$dest"
fi
mkdir -p "$data/applications" "$data/icons/hicolor/scalable/apps"
cp "$dest/_internal/resources/icon.svg" "$data/icons/hicolor/scalable/apps/llm-playground.svg"
sed -e "s|@EXEC@|\"$dest/LLMPlayground\"|" -e "s|@ICON@|llm-playground|" \
    "$dest/llm-playground.desktop" > "$data/applications/llm-playground.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" 2>/dev/null || true
echo "Installed in $dest; LLM Playground is in your applications menu."
echo "Run ./uninstall.sh (or $dest/uninstall.sh) to remove it."
