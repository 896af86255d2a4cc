#!/bin/sh
# `ipcsim record` on real programs: each recording is made, holds on the model (ipcsim check), and
# as root also on the kernel (ipcsim compare); the programs it ran are gone afterwards, even when
# the recording is cut by --timeout or its recorder is killed.
# Usage: record.sh IPCSIM BUILD_DIR CASE
#   CASE: shm msg sem fork segv queue signals timeout host killed user window badcommand
set -u
ipcsim=$1 build=$2 case=$3
ipcviz=$(dirname "$ipcsim")/ipcviz
programs=$(cd "$(dirname "$0")/../assets/programs" && pwd)
work=$(mktemp -d)
chmod 755 "$work"
trap 'pkill -KILL -f "$work/" 2>/dev/null; rm -rf "$work"' EXIT
# The programs run from the test's own directory, so that "still running?" asks about this test's
# processes only.
cp "$build"/programs/* "$build"/record-programs/* "$work"/
cd "$work" || exit 1
fail=0
say() { echo "$*"; fail=1; }

# record OUT.ipc [options] -- COMMAND...: records with the pair's input on stdin.
record() {
  out=$1; shift
  printf 'hello\nend\n' | timeout 60 "$ipcsim" record -o "$out" "$@" > "$work/program-output" 2> "$work/record-errors"
  status=$?
  [ $status -eq 0 ] || { say "ipcsim record exited $status"; cat "$work/record-errors"; }
}

holds() {
  "$ipcsim" check "$1" > "$work/check" 2>&1 || { say "$1 does not hold on the model:"; cat "$work/check"; cat "$1"; }
  if [ "$(id -u)" -eq 0 ]; then
    "$ipcsim" compare "$1" > "$work/compare" 2>&1 || { say "$1: model and kernel differ:"; cat "$work/compare"; }
  fi
}

has() {
  grep -q -- "$2" "$1" || { say "$1 has no line matching: $2"; cat "$1"; }
}

none_left() {
  n=0
  while pgrep -f "$work/" > /dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
  if pgrep -f "$work/" > /dev/null; then say "processes outlived the recording:"; pgrep -a -f "$work/"; fi
}

case $case in
  shm)
    record shm.ipc --timeout 30 -- sh -c "$work/shm1 & sleep 0.3; $work/shm2"
    holds shm.ipc
    has shm.ipc '^source shm1 ".*assets/programs/shm1.c"$'
    has shm.ipc '^shm1: shmid = shmget(1234, 2052, 0666 | IPC_CREAT) => 0 @ [0-9]*$'
    has shm.ipc '^shm2: shmget(1234, 2052, 0666 | IPC_CREAT) => shmid @ [0-9]*$'
    # Stores carry the line that made them (the tracer steps the programs' own code line by line).
    src=$programs
    copy=$(grep -n 'strncpy(shared_stuff->some_text' "$src/shm2.c" | cut -d: -f1)
    flag=$(grep -n 'shared_stuff->written_by_you = 1;' "$src/shm2.c" | cut -d: -f1)
    clear=$(grep -n 'shared_stuff->written_by_you = 0;' "$src/shm1.c" | tail -1 | cut -d: -f1)
    has shm.ipc "^shm2: store(addr_2 + 4, \"hello\\\\n\") => 0 @ $copy\$"
    has shm.ipc "^shm2: store(addr_2, \"\\\\x01\") => 0 @ $flag\$"
    has shm.ipc "^shm1: store(addr, \"\\\\0\") => 0 @ $clear\$"
    has shm.ipc '^shm1: shmctl(shmid, IPC_RMID) => 0 @ [0-9]*$'
    grep -q "You wrote: hello" program-output || say "shm1 did not print what shm2 sent"
    ;;
  msg)
    record msg.ipc --timeout 30 -- sh -c "$work/msg1 & $work/msg2"
    holds msg.ipc
    has msg.ipc '^msg2: msgsnd(msqid, 1, "hello\\n" + zeros([0-9]*), 0) => 0 @ [0-9]*$'
    has msg.ipc '^msg1: msgctl(msqid, IPC_RMID) => 0 @ [0-9]*$'
    has msg.ipc '^expect msg1.mtype == 1$'
    ;;
  sem)
    # The pair with semaphores: semop sleeps and wakes, and its line is the .c file's, not sem_com.h's.
    record sem.ipc --timeout 30 -- sh -c "$work/shm1_sem & sleep 0.3; $work/shm2_sem"
    holds sem.ipc
    wait=$(grep -n 'sem_add(semid, SEM_WRITTEN, -1)' "$programs/shm1_sem.c" | head -1 | cut -d: -f1)
    has sem.ipc "^shm1_sem: semop(semid, {0, -1, 0}) => blocks @ $wait\$"
    has sem.ipc '^expect shm1_sem.ret == 0$'
    has sem.ipc '^shm1_sem: semctl(semid, 0, IPC_RMID) => 0 @ [0-9]*$'
    ;;
  fork)
    # --check replays the recording on the model at once.
    record fork.ipc --check -- "$work"/fork_after_shmat
    grep -q "the model agrees with the kernel" record-errors || { say "record --check did not say the model agrees:"; cat record-errors; }
    holds fork.ipc
    has fork.ipc '^fork_after_shmat: fork(fork_after_shmat_2) => fork_after_shmat_2'
    has fork.ipc '^fork_after_shmat_2: load(addr, 1) => "f"'
    has fork.ipc '^fork_after_shmat_2: store(addr + 4096, "from child") => 0'
    ;;
  segv)
    record segv.ipc -- "$work"/rdonly_segv
    holds segv.ipc
    has segv.ipc '^rdonly_segv: addr_2 = shmat(shmid, NULL, SHM_RDONLY) => ok'
    has segv.ipc '^rdonly_segv: store(addr_2, "\\0") => SIGSEGV'
    ;;
  queue)
    record queue.ipc -- "$work"/full_queue
    holds queue.ipc
    has queue.ipc '^full_queue: msgctl(msqid, IPC_SET, mode=0600, uid=0, gid=0, qbytes=16) => 0'
    has queue.ipc '^full_queue_2: msgsnd(msqid, 1, "second....", 0) => blocks'
    has queue.ipc '^full_queue_3: msgsnd(msqid, 1, "third.....", 0) => blocks'
    has queue.ipc '^expect full_queue_2.ret == 0$'
    ;;
  signals)
    # kill between traced processes is a step; a handled SIGUSR1 ends msgrcv with EINTR, an unhandled one
    # kills (the receiver's disposition is written, since the model's default is a handler).
    record signals.ipc -- "$work"/signals
    holds signals.ipc
    has signals.ipc '^signals_3: signal(SIGUSR1, default) => 0$'
    has signals.ipc '^signals: kill(signals_2, SIGUSR1) => 0'
    has signals.ipc '^expect signals_2.errno == EINTR$'
    has signals.ipc '^expect signals_3.state == killed$'
    has signals.ipc '^expect signals_4.state == killed$'
    ;;
  timeout)
    record forever.ipc --timeout 1 -- "$work"/forever
    holds forever.ipc
    has forever.ipc '^note "The recording stopped at its time limit'
    none_left
    ;;
  host)
    # --host-ipc records in the machine's namespace; cut by --timeout, the segment its killed process
    # made is removed, and the recording says its ids are the host's.
    [ "$(id -u)" -eq 0 ] || { echo "skipped: needs root to use the machine's IPC namespace"; exit 77; }
    record host.ipc --host-ipc --timeout 1 -- "$work"/forever
    holds host.ipc
    has host.ipc '^note "Recorded in the machine.s own IPC namespace (--host-ipc)'
    has host.ipc '^forever: shmid = shmget(IPC_PRIVATE, 4096, 0600) => ok'
    id=$(sed -n 's/^ipcsim record: removed shm \([0-9]*\),.*/\1/p' record-errors)
    [ -n "$id" ] || { say "the recorder did not remove the segment the killed program made:"; cat record-errors; }
    [ -n "$id" ] && ipcs -m | grep -q " $id " && say "segment $id outlived the recording"
    none_left
    ;;
  killed)
    # The recorder dies with SIGKILL: the kernel kills what it traced (PTRACE_O_EXITKILL), and the
    # private IPC namespace goes with its last process.
    "$ipcsim" record -o killed.ipc -- "$work/forever" > /dev/null 2>&1 &
    recorder=$!
    n=0
    while [ -z "$(pgrep -P $recorder)" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
    program=$(pgrep -P $recorder)
    [ -n "$program" ] || say "the recorder never started the program"
    sleep 0.3  # traced and running its loop
    kill -KILL $recorder
    wait $recorder 2> /dev/null
    alive() { [ -d /proc/$1 ] && ! grep -q ') Z' /proc/$1/stat 2> /dev/null; }
    n=0
    while [ -n "$program" ] && alive $program && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    [ -n "$program" ] && alive $program && say "the program outlived its killed recorder"
    none_left
    ;;
  user)
    # A normal user records a program of its own.
    [ "$(id -u)" -eq 0 ] || { echo "skipped: needs root to become a normal user"; exit 77; }
    user=nobody
    chown -R "$user" "$work"
    if ! setpriv --reuid="$user" --regid=nogroup --clear-groups unshare --user --ipc true 2> /dev/null; then
      echo "skipped: unprivileged user namespaces are not allowed on this machine"; exit 77
    fi
    printf 'hello\nend\n' | timeout 60 setpriv --reuid="$user" --regid=nogroup --clear-groups \
      "$ipcsim" record -o "$work/user.ipc" -- "$work"/fork_after_shmat > program-output 2> record-errors
    status=$?
    [ $status -eq 0 ] || { say "ipcsim record as $user exited $status"; cat record-errors; }
    has user.ipc "^proc fork_after_shmat uid=$(id -u $user)"
    "$ipcsim" check user.ipc > check 2>&1 || { say "user.ipc does not hold on the model:"; cat check; cat user.ipc; }
    none_left
    ;;
  window)
    # ipcviz --record records the seed's pair and opens it: at the step of shm2's strncpy, the program
    # panel lights that line of shm2.c.
    command -v xvfb-run > /dev/null || { echo "skipped: xvfb-run is not installed"; exit 77; }
    # (LeakSanitizer, in a sanitizer build, reports the GL driver's allocations as leaks of the window's.)
    printf 'hello\nend\n' | ASAN_OPTIONS=detect_leaks=0 timeout 90 xvfb-run -a -s '-screen 0 1920x1080x24' "$ipcviz" "$work/shm.ipc" --size 1920x1080 \
      --screenshot "$work/shot.png" --check-layout --record -- sh -c "$work/shm1 & sleep 0.3; $work/shm2" > window-output 2> record-errors
    status=$?
    [ $status -eq 0 ] || { say "ipcviz --record exited $status"; cat record-errors window-output; }
    step=$(grep '^[a-z_0-9]*: ' shm.ipc | grep -n 'store(addr_2 + 4' | head -1 | cut -d: -f1)
    copy=$(grep -n 'strncpy(shared_stuff->some_text' "$programs/shm2.c" | cut -d: -f1)
    # --step N shows the N-th step done, with its line lit.
    ASAN_OPTIONS=detect_leaks=0 timeout 60 xvfb-run -a -s '-screen 0 1920x1080x24' "$ipcviz" "$work/shm.ipc" --size 1920x1080 --step "$step" \
      --screenshot "$work/shot.png" --check-layout > window-output 2>&1 || say "ipcviz could not show the recording"
    grep -q "^program line lit: $copy\$" window-output || { say "the window did not light line $copy of shm2.c:"; cat window-output; }
    grep -q "^cut off" window-output && { say "the window cut a panel off:"; cat window-output; }
    ;;
  badcommand)
    "$ipcsim" record -o bad.ipc -- "$work/no-such-program" 2> record-errors
    status=$?
    [ $status -eq 2 ] || say "a command that cannot run gave exit $status, not 2"
    grep -q "cannot run $work/no-such-program: No such file or directory" record-errors || { say "no reason given:"; cat record-errors; }
    ;;
  *) echo "unknown case $case"; exit 2 ;;
esac
[ $fail -eq 0 ] && echo "record $case: ok"
exit $fail
