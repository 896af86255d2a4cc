#!/bin/sh
# Runs an ipcsim command that needs the kernel run. Where this machine cannot make one (ipcsim
# exits 3) and we are not root, the test is skipped with the reason; as root it must run.
"$@"
status=$?
if [ "$status" -eq 3 ] && [ "$(id -u)" -ne 0 ]; then
  echo "skipped: the kernel run needs root or unprivileged user namespaces, and this machine has neither"
  exit 77
fi
exit "$status"
