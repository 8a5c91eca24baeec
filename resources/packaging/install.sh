#!/bin/sh
# Install DFT Tracker for the current user, or remove it again.
#
#   ./install.sh              copy this folder to ~/.local/opt/dft-tracker and add
#                             DFT Tracker to the applications menu, with its icon
#   ./install.sh --uninstall  remove both again
#
# Neither ever touches your data (~/.local/share/dft-tracker: the database and its
# backups) or your settings (~/.config/dft-tracker). Nothing needs root.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
PREFIX=$HOME/.local/opt/dft-tracker
DESKTOP_FILE=$DATA_HOME/applications/dft-tracker.desktop
ICONS=$DATA_HOME/icons/hicolor

refresh_menus() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        update-desktop-database -q "$DATA_HOME/applications" || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$ICONS/index.theme" ]; then
        gtk-update-icon-cache -q -t -f "$ICONS" || true
    fi
    if command -v xdg-desktop-menu >/dev/null 2>&1; then
        xdg-desktop-menu forceupdate >/dev/null 2>&1 || true
    fi
}

uninstall() {
    rm -f "$DESKTOP_FILE"
    for icon in "$ICONS"/*/apps/dft-tracker.png "$ICONS"/scalable/apps/dft-tracker.svg; do
        rm -f "$icon"
    done
    rm -rf "$PREFIX"
    refresh_menus
    echo "DFT Tracker removed. Your data in $DATA_HOME/dft-tracker is still there."
}

install() {
    if [ ! -x "$HERE/dft" ] || [ ! -d "$HERE/share/icons/hicolor" ]; then
        echo "install.sh: run it from the unpacked dft-tracker folder" >&2
        exit 2
    fi
    if [ "$HERE" != "$PREFIX" ]; then
        # A new version replaces the old one whole; a half-copied folder never stays.
        mkdir -p "$(dirname "$PREFIX")"
        rm -rf "$PREFIX.new"
        cp -R "$HERE" "$PREFIX.new"
        rm -rf "$PREFIX"
        mv "$PREFIX.new" "$PREFIX"
    fi
    mkdir -p "$DATA_HOME/applications"
    (cd "$HERE/share/icons/hicolor" && find . -name 'dft-tracker.*' -type f) | while read -r icon; do
        mkdir -p "$ICONS/$(dirname "$icon")"
        cp "$HERE/share/icons/hicolor/$icon" "$ICONS/$icon"
    done
    sed "s|@DFT@|$PREFIX/dft|g" "$HERE/share/applications/dft-tracker.desktop.in" >"$DESKTOP_FILE.new"
    chmod 644 "$DESKTOP_FILE.new"
    mv "$DESKTOP_FILE.new" "$DESKTOP_FILE"
    refresh_menus
    echo "DFT Tracker installed in $PREFIX; it is in your applications menu."
    echo "From a terminal: $PREFIX/dft (dft --help lists the commands)."
}

case "${1:-}" in
    "") install ;;
    --uninstall) uninstall ;;
    -h | --help) sed -n '2,10s/^# \{0,1\}//p' "$0" ;;
    *)
        echo "install.sh: unknown option '$1' (use --uninstall, or nothing)" >&2
        exit 2
        ;;
esac
