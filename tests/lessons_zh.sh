#!/usr/bin/env bash
# Keeps the lessons bilingual: every title and note of every lesson carries a zh text.
# Runs `ipcsim check --lint` on each .ipc of the directory and fails on any "lint: no zh text"
# line, printing those lines (FILE:LINE: ...) so an editor can jump to them.
# Usage: lessons_zh.sh IPCSIM LESSON_DIR
set -uo pipefail
ipcsim=$1
dir=$2

files=0
missing=0
unreadable=0
for f in "$dir"/*.ipc; do
  [ -e "$f" ] || continue
  files=$((files + 1))
  out=$("$ipcsim" check --lint "$f" 2>&1)
  rc=$?
  # 2 means the file did not parse, so its notes could not be listed at all.
  if [ "$rc" -ge 2 ]; then
    echo "$f: ipcsim check --lint exited $rc:"
    echo "$out" | sed 's/^/    /'
    unreadable=$((unreadable + 1))
    continue
  fi
  lines=$(echo "$out" | grep -F 'lint: no zh text')
  if [ -n "$lines" ]; then
    echo "$lines"
    missing=$((missing + $(echo "$lines" | wc -l)))
  fi
done

if [ "$files" -eq 0 ]; then
  echo "$dir: no .ipc lessons found"
  exit 1
fi
if [ "$missing" -gt 0 ]; then
  echo "$missing title(s)/note(s) in $dir lack a zh text (add: note \"English\" zh \"中文\")"
fi
if [ "$unreadable" -gt 0 ]; then
  echo "$unreadable lesson(s) in $dir could not be read"
fi
if [ "$missing" -gt 0 ] || [ "$unreadable" -gt 0 ]; then
  exit 1
fi
echo "all titles and notes of $files lessons have a zh text"
