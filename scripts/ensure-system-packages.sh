#!/usr/bin/env bash
# Browser tests drive Debian's chromium with Playwright; Chinese text needs fonts-noto-cjk.
# Installs them when missing and we are root; otherwise says what to do. Never downloads a browser build.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v msgfmt >/dev/null || need+=(gettext)  # makemessages, for translators
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then
  echo "installing ${need[*]} from Debian's packages…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "Browser tests need Debian packages: ${need[*]}." >&2
  echo "Install them with: sudo apt-get install -y ${need[*]}   (then run make test again)" >&2
  exit 1
fi
