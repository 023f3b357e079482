#!/usr/bin/env bash
# Install the Debian packages svdesk needs when they are missing (idempotent, quiet when all present).
#   scripts/system-deps.sh test   libraries Qt needs offscreen + poppler (PDF checks) + DejaVu font
#                                 + LibreOffice Calc headless (the workbook recomputation)
#   scripts/system-deps.sh run    the above but LibreOffice + what a real window under X11 needs
set -euo pipefail
mode=${1:-test}
need=()
# Read the linker cache once; grep -q on a pipe under pipefail can report a present library missing.
libs=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)
have_lib() { grep -qF "$1" <<<"$libs"; }
check_lib() { have_lib "$1" || need+=("$2"); }

python3 -c 'import ensurepip, venv' 2>/dev/null || need+=("python3-venv")
check_lib libGL.so.1 libgl1
check_lib libEGL.so.1 libegl1
check_lib libxkbcommon.so.0 libxkbcommon0
check_lib libglib-2.0.so.0 libglib2.0-0
check_lib libfontconfig.so.1 libfontconfig1
check_lib libdbus-1.so.3 libdbus-1-3
command -v pdftotext >/dev/null || need+=("poppler-utils")
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=("fonts-dejavu-core")
command -v sqlite3 >/dev/null || need+=("sqlite3")
# tests only: LibreOffice headless recomputes the evaluation workbook (tests/test_workbook_recompute.py)
if [ "$mode" = test ]; then
  command -v soffice >/dev/null || need+=("libreoffice-calc-nogui")
fi
if [ "$mode" = run ]; then
  check_lib libxcb-cursor.so.0 libxcb-cursor0
  check_lib libxcb-icccm.so.4 libxcb-icccm4
  check_lib libxcb-image.so.0 libxcb-image0
  check_lib libxcb-keysyms.so.1 libxcb-keysyms1
  check_lib libxcb-render-util.so.0 libxcb-render-util0
  check_lib libxcb-shape.so.0 libxcb-shape0
  check_lib libxkbcommon-x11.so.0 libxkbcommon-x11-0
  # no display (a server, a container): `make run` starts the window on a virtual screen
  if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    command -v xvfb-run >/dev/null || need+=("xvfb")
    command -v xauth >/dev/null || need+=("xauth")
  fi
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${need[*]}"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
