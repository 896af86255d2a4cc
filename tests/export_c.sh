#!/bin/sh
# `ipcsim export-c` writes a C program that makes a scenario's calls for real and checks its
# expectations. For FILE: export it, compile it with -Wall -Wextra -Werror, run it as root in a
# private IPC namespace (bounded), expect exit status WANT (0: every check holds; 1: one fails), and
# check that no segment, queue or semaphore set outlived it. Usage: export_c.sh IPCSIM FILE [WANT].
# Exit 77 (skipped) where no IPC namespace can be made.
set -u
ipcsim=$1 file=$2 want=${3:-0}
unshare --ipc true 2>/dev/null || { echo "no private IPC namespace here (needs root)"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$ipcsim" export-c "$file" -o "$out/scenario.c" || { echo "export-c failed"; exit 1; }
cc -std=c11 -Wall -Wextra -Werror -o "$out/scenario" "$out/scenario.c" 2>"$out/cc" || { echo "the C program does not compile:"; cat "$out/cc"; exit 1; }
timeout 90 unshare --ipc sh -c "
  '$out/scenario' > '$out/run' 2>&1
  echo \$? > '$out/status'
  ipcs -m > '$out/ipcs'; ipcs -q >> '$out/ipcs'; ipcs -s >> '$out/ipcs'
"
status=$(cat "$out/status" 2>/dev/null || echo none)
fail=0
[ "$status" = "$want" ] || { echo "the program exited $status, expected $want"; fail=1; }
if grep -q "^0x" "$out/ipcs"; then echo "a segment, queue or semaphore set outlived the program:"; cat "$out/ipcs"; fail=1; fi
# Every process it started is gone: none of them is still running the program.
if pgrep -f "$out/scenario" >/dev/null; then echo "a process of the program outlived it"; fail=1; fi
if [ "$want" = 1 ] && ! grep -q "^$file:[0-9]*: expected " "$out/run"; then echo "no FILE:LINE: expected X, got Y line"; fail=1; fi
cat "$out/run"
exit $fail
