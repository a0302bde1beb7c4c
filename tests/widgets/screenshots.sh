#!/usr/bin/env bash
# The screenshot pass of issue 13: tst_story (docs/demo.md's story, step by step) run under Xvfb,
# saving the whole screen at each step (`import -window root`) into BUILD/screenshots:
# 1280x800, 3840x2160 (at 192 dpi, as a 4K desktop sets Xft.dpi) and 1280x800 with the dark theme.
# Usage: tests/widgets/screenshots.sh [BUILD_DIR]   (default: build; tst_story built there)
# SCREENSHOT_PASSES="3840x2160:192:light" runs only the passes named (SIZE:DPI:THEME).
set -euo pipefail
build=$(readlink -f "${1:-build}")
test=$build/tests/widgets/tst_story
out=$build/screenshots
[ -x "$test" ] || { echo "screenshots: build tst_story first (cmake --build $build --target tst_story)" >&2; exit 2; }
mkdir -p "$out"

shoot() { # WIDTHxHEIGHT DPI THEME
    # -noreset: the server keeps the resources xrdb sets after xrdb disconnects.
    xvfb-run -a -s "-screen 0 ${1}x24 -dpi $2 -noreset" bash -c '
        echo "Xft.dpi: $1" | xrdb -merge
        QT_QPA_PLATFORM=xcb SALVAGE_SCREENSHOTS="$2" SALVAGE_THEME="$3" "$4" -silent' _ "$2" "$out" "$3" "$test"
}
passes=${SCREENSHOT_PASSES:-"1280x800:96:light 3840x2160:192:light 1280x800:96:dark"}
for pass in $passes; do
    IFS=: read -r size dpi theme <<<"$pass"
    shoot "$size" "$dpi" "$theme"
done
ls "$out"
