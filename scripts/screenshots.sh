#!/bin/sh
# The README's pictures, in English and in Chinese: ipcviz under Xvfb, one PNG each.
# Usage: scripts/screenshots.sh [BUILD_DIR]   (default build)
set -eu
build=${1:-build}
out=docs/screenshots
shot() {  # LESSON NAME SIZE ARGS...
    lesson=$1 name=$2 size=$3
    shift 3
    for lang in en zh; do
        suffix=$([ "$lang" = zh ] && echo .zh || true)
        xvfb-run -a -s "-screen 0 1920x1080x24" "$build/ipcviz" "assets/lessons/$lesson" --lang "$lang" \
            --size "$size" --screenshot "$out/$name$suffix.png" "$@"
    done
}
# The page-table walk of a first touch, while __do_fault allocates the PTE table.
shot 02-first-touch.ipc walk-first-touch 1600x900 --step 4 --event 5 --anim 0.5
# The seed's figure of a segment: shmid_ds, its attach chain, each process's vma, in the light theme at 1920x1080.
shot 01-shm1-shm2.ipc shm-figure-light 1920x1080 --step 6 --theme light
shot 05-fork-exit.ipc fork-first-touch 1600x900 --step 6
shot 10-full-queue.ipc full-queue-senders 1600x900 --step 6
# The predict mode: the question before shm1's first store, with shm1.c's line beside the scenario.
shot 01-shm1-shm2.ipc predict-question 1600x900 --step 2 --quiz
shot 20-shm1-shm2-semaphores.ipc sem-shm1-shm2 1600x900 --step 10 --event 7
# ipcsim record on the seed's shm1 and shm2 (needs ptrace and a private IPC namespace: root, or user
# namespaces): the step of shm2's strncpy, with that line of shm2.c lit beside the recording.
rec=$(mktemp -d)
trap 'rm -rf "$rec"' EXIT
printf 'hello\nend\n' | "$build/ipcsim" record -o "$rec/shm1-shm2.ipc" -- sh -c "$build/programs/shm1 & sleep 0.3; $build/programs/shm2" > /dev/null
step=$(grep '^[a-z_0-9]*: ' "$rec/shm1-shm2.ipc" | grep -n 'store(addr_2 + 4' | head -1 | cut -d: -f1)
for lang in en zh; do
    suffix=$([ "$lang" = zh ] && echo .zh || true)
    xvfb-run -a -s "-screen 0 1920x1080x24" "$build/ipcviz" "$rec/shm1-shm2.ipc" --lang "$lang" --size 1600x900 --step "$step" \
        --screenshot "$out/record-shm1-shm2$suffix.png"
done
