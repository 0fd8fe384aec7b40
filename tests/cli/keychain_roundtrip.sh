#!/usr/bin/env bash
# The API key through a real Secret Service keychain (gnome-keyring on a private D-Bus session):
# `semc config set-key` reads it from standard input, `config show` finds it in the keychain without
# printing it, the settings file never holds it, `delete-key` removes it.
# Usage: keychain_roundtrip.sh PATH/TO/semc   (run under dbus-run-session by CTest)
set -euo pipefail
semc=$1
export HOME=$(mktemp -d)
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
unset OPENAI_API_KEY
trap 'rm -rf "$HOME"' EXIT
eval "$(printf 'test-password' | gnome-keyring-daemon --unlock --components=secrets)"
key="sk-keychain-test-$RANDOM$RANDOM"

printf '%s' "$key" | "$semc" config set-key
show=$("$semc" config show)
echo "$show"
grep -q "available from the OS keychain" <<<"$show" || { echo "FAIL: key not found in the keychain"; exit 1; }
if grep -rqF -- "$key" "$HOME/.config" || grep -qF -- "$key" <<<"$show"; then
  echo "FAIL: the key appears in the settings or the output"; exit 1
fi
"$semc" config delete-key
"$semc" config show | grep -q "API key: none" || { echo "FAIL: key still there after delete-key"; "$semc" config show; exit 1; }
echo "keychain round trip: ok"
