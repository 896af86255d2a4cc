#!/bin/sh
# The README's pictures, in English and in Chinese: ipcviz under Xvfb, one PNG each.
# Usage: scripts/screenshots.sh [BUILD_DIR]   (default build)
set -eu
build=${1:-build}
out=docs/screenshots
shot() {  # LESSON STEP NAME
    for lang in en zh; do
        suffix=$([ "$lang" = zh ] && echo .zh || true)
        xvfb-run -a -s "-screen 0 1600x900x24" "$build/ipcviz" "assets/lessons/$1" --step "$2" --lang "$lang" \
            --size 1600x900 --screenshot "$out/$3$suffix.png"
    done
}
shot 05-fork-exit.ipc 6 fork-first-touch
shot 10-full-queue.ipc 6 full-queue-senders
