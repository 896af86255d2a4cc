#!/usr/bin/env bash
# Keeps the examples of a Markdown page honest: every ```ipc block is written to a file of its own
# and checked on the model with `ipcsim check`, which must exit 0. A failure names the page's line
# where the block starts. Usage: doc_examples.sh IPCSIM PAGE.md [ORIGINAL.md]
# With ORIGINAL.md, PAGE.md is its translation: its examples must be ORIGINAL's, in the same order, byte for
# byte except for the ` zh "..."` texts of `title` and `note` lines, which a translation may add or change.
set -uo pipefail
ipcsim=$1
page=$2
original=${3:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# One file per block, named after the line of its opening fence.
extract() {
  awk -v dir="$2" '
    /^```ipc[ \t]*$/ { if (!inside) { inside = 1; out = sprintf("%s/line-%05d.ipc", dir, NR); printf "" > out; next } }
    /^```[ \t]*$/    { if (inside) { inside = 0; close(out); next } }
    inside           { print > out }
    END              { if (inside) { print "unterminated ```ipc block" > "/dev/stderr"; exit 1 } }
  ' "$1"
}
extract "$page" "$dir" || exit 1

# A title or note line with its zh text taken away.
without_zh() { sed -E '/^[ \t]*(title|note)[ \t]/s/[ \t]+zh[ \t]+"([^"\\]|\\.)*"[ \t]*$//' "$1"; }

if [ -n "$original" ]; then
  mkdir "$dir/original" && extract "$original" "$dir/original" || exit 1
  mine=("$dir"/line-*.ipc) theirs=("$dir"/original/line-*.ipc)
  if [ "${#mine[@]}" -ne "${#theirs[@]}" ]; then
    echo "$page: ${#mine[@]} \`\`\`ipc examples, but $original has ${#theirs[@]}"
    exit 1
  fi
  for i in "${!mine[@]}"; do
    if ! cmp -s <(without_zh "${mine[$i]}") <(without_zh "${theirs[$i]}"); then
      l=$(basename "${mine[$i]}" .ipc) o=$(basename "${theirs[$i]}" .ipc)
      echo "$page:$((10#${l#line-})): this example is not the one of $original:$((10#${o#line-}))"
      exit 1
    fi
  done
fi

blocks=0
failed=0
for f in "$dir"/line-*.ipc; do
  [ -e "$f" ] || continue
  blocks=$((blocks + 1))
  line=$(basename "$f" .ipc)
  line=$((10#${line#line-}))
  if ! out=$("$ipcsim" check "$f" 2>&1); then
    failed=$((failed + 1))
    echo "$page:$line: this example does not hold on the model:"
    # FILE:K: of the example's own line K becomes the page's line, so an editor can jump to it.
    echo "$out" | awk -v f="$f" -v page="$page" -v base="$line" '
      index($0, f ":") == 1 { rest = substr($0, length(f) + 2); k = rest + 0
                              sub(/^[0-9]+/, "", rest); $0 = page ":" (base + k) rest }
      { print "    " $0 }'
  fi
done

if [ "$blocks" -eq 0 ]; then
  echo "$page: no \`\`\`ipc examples found"
  exit 1
fi
echo "$blocks example(s), $failed failing"
[ "$failed" -eq 0 ]
