#!/usr/bin/env bash
# A reviewed transcript: `ipcsim run --lang L LESSON` must print exactly the golden file, so that a
# change to a sentence, a translation or a table is seen and reviewed (regenerate with --update).
# Usage: golden.sh IPCSIM LANG LESSON GOLDEN [--update]
set -uo pipefail
ipcsim=$(realpath "$1") lang=$2 lesson=$(realpath "$3") golden=$(realpath -m "$4")
# The lesson's path as the transcript names it: relative to the source tree, wherever it is built.
cd "$(dirname "$lesson")/../.." || exit 1
rel=assets/lessons/$(basename "$lesson")
out=$("$ipcsim" run --lang "$lang" "$rel")
rc=$?
if [ "${5:-}" = --update ]; then
  printf '%s\n' "$out" >"$golden"
  exit $rc
fi
if [ "$rc" -ne 0 ]; then
  echo "ipcsim run --lang $lang $rel exited $rc"
  exit 1
fi
if ! diff -u "$golden" <(printf '%s\n' "$out"); then
  echo "the transcript differs from $golden: review the change, then run: $0 $* --update"
  exit 1
fi
