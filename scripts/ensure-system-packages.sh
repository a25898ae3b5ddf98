#!/usr/bin/env bash
# Browser tests drive Debian's chromium with Playwright; Chinese text (pages and PDF documents) needs fonts-noto-cjk.
# Installs them when missing and we are root; otherwise says what to do. Never downloads a browser build.
# poppler-utils (pdftotext, pdftoppm) is wanted, not needed: PDF tests read the text back with it and skip that
# check without it.
set -euo pipefail
need=()
want=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v msgfmt >/dev/null || need+=(gettext)  # makemessages, for translators
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v pdftotext >/dev/null || want+=(poppler-utils)
if [ ${#need[@]} -eq 0 ] && [ ${#want[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then
  echo "installing ${need[*]} ${want[*]} from Debian's packages…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" "${want[@]}" >/dev/null
elif [ ${#need[@]} -gt 0 ]; then
  echo "Browser tests need Debian packages: ${need[*]}." >&2
  echo "Install them with: sudo apt-get install -y ${need[*]} ${want[*]}   (then run make test again)" >&2
  exit 1
else
  echo "note: without ${want[*]} the PDF tests skip reading the text back (sudo apt-get install -y ${want[*]})." >&2
fi
