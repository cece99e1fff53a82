#!/usr/bin/env bash
# The README's "From C/C++" and "From Python" instructions, run literally: the ```sh blocks of
# those two sections and the ```python block of "From Python" are taken from README.md as they are
# and run, in order, from the root of a fresh clone of this repository (HEAD), with ../shared (the
# official data) beside it and a new virtual environment. Called by .ci/run.
#
# Usage: .ci/readme_paths.sh      (SANTEI_SHARED: another copy of ../shared)
# The clone lives at a fixed path, target/readme-paths/santei (cloned afresh each run), with its
# own build directory target/readme-paths/target kept between runs. It never shares this
# checkout's target dir: cargo hashes path dependencies relative to the workspace, so a clone
# elsewhere would reuse (and overwrite) this checkout's build-script binaries, which embed their
# source path (masters/build.rs reads masters/demo/ there).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SANTEI_SHARED:-$ROOT/../shared}
if [ ! -d "$SHARED/masters" ]; then
  echo "readme_paths: ../shared (the official data) is missing: $SHARED" >&2
  exit 1
fi
SHARED=$(cd "$SHARED" && pwd)

WORK=$ROOT/target/readme-paths
rm -rf "$WORK/santei" "$WORK/shared" "$WORK"/*.sh "$WORK"/*.py "$WORK"/*.out
mkdir -p "$WORK/target"
git clone --quiet "$ROOT" "$WORK/santei"
ln -s "$SHARED" "$WORK/shared"
ln -s "$WORK/target" "$WORK/santei/target"
unset CARGO_TARGET_DIR

# Prints the body of the first ```LANG block (the N-th with a third argument) of a "### TITLE"
# section of README.md.
block() {
  python3 - "$ROOT/README.md" "$1" "$2" "${3:-1}" <<'EOF'
import sys
path, title, lang, nth = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
lines = open(path, encoding="utf-8").read().split("\n")
start = lines.index("### " + title)
section = []
for line in lines[start + 1:]:
    if line.startswith("## ") or line.startswith("### "):
        break
    section.append(line)
blocks, cur = [], None
for line in section:
    if cur is None and line.strip() == "```" + lang:
        cur = []
    elif cur is not None and line.strip() == "```":
        blocks.append("\n".join(cur))
        cur = None
    elif cur is not None:
        cur.append(line)
if len(blocks) < nth:
    sys.exit(f"README.md: no ```{lang} block #{nth} under '### {title}'")
print(blocks[nth - 1])
EOF
}

cd "$WORK/santei"

echo "== README: From C/C++"
block "From C/C++" sh > "$WORK/c.sh"
cat "$WORK/c.sh"
bash -euo pipefail "$WORK/c.sh" > "$WORK/c.out"
cat "$WORK/c.out"
grep -q '^total_points [0-9]' "$WORK/c.out"
grep -q '^copay    month ' "$WORK/c.out"

echo "== README: From Python"
block "From Python" sh > "$WORK/py.sh"
block "From Python" python > "$WORK/example.py"
cat "$WORK/py.sh"
# The sh block activates its virtual environment; the Python block runs in it, from the root.
printf '\npython3 %q\n' "$WORK/example.py" >> "$WORK/py.sh"
bash -euo pipefail "$WORK/py.sh" > "$WORK/py.out"
cat "$WORK/py.out"
# The total and the 窓口 amount, the findings, then the refused claim's error code.
grep -Eq '^[0-9]+ [0-9]+$' "$WORK/py.out"
grep -q '^claim.value ' "$WORK/py.out"
# santei.uke on the receiptisan sample: 75 receipts, Σ claimed = Σ computed = GO 86,392点.
grep -q '^uke 75 86392 86392$' "$WORK/py.out"
echo "readme paths: C and Python instructions ran as written"
