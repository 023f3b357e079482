#!/usr/bin/env bash
# Does a wheel built from this checkout install and work?   make wheel-test   (CI runs it after make test)
#
# 1. copies the checkout's files (tracked, plus new files not ignored: no .venv, build/, egg-info)
#    into a temporary folder, so nothing a developer has lying around can hide a missing file;
# 2. builds a wheel there (pip wheel --no-deps: the build back-end from pyproject.toml, isolated);
# 3. checks the wheel carries the package data (catalogue, demo, fonts, alembic revisions);
# 4. creates a fresh virtual environment, installs the wheel with its dependencies from the index;
# 5. runs, offscreen and from outside the checkout, `svdesk --version`, `svdesk --self-check` and
#    `svdesk catalogue --json` there, on a throwaway home folder.
#
#   PYTHON=python3.11 scripts/wheel-check.sh     the interpreter for the fresh venv (default: python3)
#   WHEEL_CHECK_KEEP=1 scripts/wheel-check.sh    keep the temporary folder to look at afterwards
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/svdesk-wheel-check.XXXXXX")
cleanup() { if [ "${WHEEL_CHECK_KEEP:-}" = 1 ]; then echo "wheel-check: kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
say() { printf 'wheel-check: %s\n' "$*"; }

say "copying the checkout to $work/src"
mkdir -p "$work/src"
( cd "$root" && git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf - ) | tar -xf - -C "$work/src"

say "building the wheel"
"$python" -m pip wheel -q --no-deps --no-cache-dir -w "$work/wheels" "$work/src"
wheel=$(ls "$work"/wheels/svdesk-*.whl)
say "built $(basename "$wheel") ($(du -k "$wheel" | cut -f1) KB)"

"$python" - "$wheel" <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = [
    "svdesk/resources.py",
    "svdesk/data/catalogue/national_toms.json",
    "svdesk/data/demo/demo_evaluation.json",
    "svdesk/data/fonts/DejaVuSans.ttf",
    "svdesk/data/fonts/DejaVuSans-Bold.ttf",
    "svdesk/data/fonts/DejaVuSans-Oblique.ttf",
    "svdesk/data/fonts/LICENSE-DejaVu.txt",
    "svdesk/model/migrations/env.py",
    "svdesk/model/migrations/script.py.mako",
]
missing = [n for n in need if n not in names]
if not any(n.startswith("svdesk/model/migrations/versions/") and n.endswith(".py") for n in names):
    missing.append("svdesk/model/migrations/versions/*.py")
stray = sorted(n for n in names if n.split("/")[0] not in ("svdesk",) and ".dist-info/" not in n)
if missing or stray:
    sys.exit(f"wheel-check: the wheel lacks {missing} / carries files outside svdesk/: {stray}")
print(f"wheel-check: the wheel carries the package data ({len(names)} files)")
EOF

say "installing it into a fresh virtual environment (dependencies from the index)"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --upgrade pip
"$work/venv/bin/python" -m pip install -q "$wheel"

mkdir -p "$work/home" "$work/run"
cd "$work/run"  # not the checkout: nothing may be imported from the source tree
export HOME="$work/home" XDG_DATA_HOME="$work/home/data" XDG_CONFIG_HOME="$work/home/config" \
  XDG_CACHE_HOME="$work/home/cache" QT_QPA_PLATFORM=offscreen PYTHONNOUSERSITE=1
unset PYTHONPATH
svdesk="$work/venv/bin/svdesk"

location=$("$work/venv/bin/python" -c 'import svdesk; print(svdesk.__file__)')
case "$location" in
  "$work/venv/"*) say "svdesk imported from $location" ;;
  *) say "FAIL: svdesk imported from $location, not from the fresh venv"; exit 1 ;;
esac

"$svdesk" --version
"$svdesk" --self-check

"$svdesk" catalogue --json >"$work/catalogue.json"
"$work/venv/bin/python" - "$work/catalogue.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
refs = {m["ref"] for m in doc["measures"]}
if len(refs) < 100 or "NT10" not in refs or not doc["frameworks"]:
    sys.exit(f"wheel-check: svdesk catalogue listed {len(refs)} measures, {len(doc['frameworks'])} frameworks")
print(f"wheel-check: svdesk catalogue lists {len(refs)} measures of {doc['frameworks'][0]['name']}")
EOF
"$svdesk" catalogue >"$work/catalogue.txt"
head -n 1 "$work/catalogue.txt"
say "passed: the wheel installs and its self-check and catalogue work"
