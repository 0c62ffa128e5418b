#!/bin/sh
# Remove what install.sh put under ~/.local/share. Your chats, training runs and settings stay (they live
# in ~/.local/share/LLMPlayground, ~/.config/LLMPlayground and ~/.cache/LLMPlayground: delete them yourself).
set -eu
data=${XDG_DATA_HOME:-$HOME/.local/share}
rm -rf "$data/llm-playground-app" "$data/llm-playground-app.new"  # the app; $data/LLMPlayground holds your runs
rm -f "$data/applications/llm-playground.desktop" "$data/icons/hicolor/scalable/apps/llm-playground.svg"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" 2>/dev/null || true
echo "LLM Playground is uninstalled (your runs and settings are kept)."
