#!/bin/sh
# The seed's programs talk as the seed says: shm1 prints what shm2 reads from its input, msg1 what
# msg2 sends, and each pair ends at "end" and leaves no segment or queue. Both run in a private IPC
# namespace (key 1234 of the machine is never touched), every wait is bounded, and nothing outlives
# the test. shmsem is the shm pair rewritten with semaphores (shm1_sem, shm2_sem).
# Usage: programs.sh DIR shm|msg|shmsem. Exit 77 (skipped) where no IPC namespace can be made.
set -u
dir=$1 pair=$2
unshare --ipc true 2>/dev/null || { echo "no private IPC namespace here (needs root)"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
case $pair in
  shm) first=shm1 second=shm2 ;;
  shmsem) first=shm1_sem second=shm2_sem ;;
  *) first=msg1 second=msg2 ;;
esac
# shm1 must have zeroed its flag before shm2 writes, as the seed runs shm1 first: wait for its
# first line. (A queue needs no such wait: whichever of msg1 and msg2 comes first creates it.)
timeout 30 unshare --ipc sh -c "
  '$dir/$first' > '$out/first' 2>&1 &
  n=0; while [ '$pair' != msg ] && ! grep -q . '$out/first' 2>/dev/null && [ \$n -lt 100 ]; do sleep 0.05; n=\$((n+1)); done
  printf 'hello, seed\nend\n' | '$dir/$second' > '$out/second' 2>&1
  wait \$!
  echo \"first exited \$?\" >> '$out/status'
  ipcs -m > '$out/ipcs'; ipcs -q >> '$out/ipcs'; ipcs -s >> '$out/ipcs'
"
status=$?
fail=0
[ $status -eq 0 ] || { echo "the pair did not finish in 30 s (status $status)"; fail=1; }
grep -q "first exited 0" "$out/status" 2>/dev/null || { echo "$first did not exit 0"; fail=1; }
grep -q "You wrote: hello, seed" "$out/first" || { echo "$first did not print what $second sent"; fail=1; }
grep -q "You wrote: end" "$out/first" || { echo "$first did not see end"; fail=1; }
if grep -q "^0x" "$out/ipcs"; then echo "a segment, queue or semaphore set outlived the pair:"; cat "$out/ipcs"; fail=1; fi
if [ $fail -ne 0 ]; then
  echo "--- $first"; cat "$out/first"; echo "--- $second"; cat "$out/second"
  exit 1
fi
echo "$first and $second talked: $(grep -c 'You wrote' "$out/first") messages"
