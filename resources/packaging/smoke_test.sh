#!/usr/bin/env bash
# Smoke test of a built DFT Tracker bundle: smoke_test.sh PATH/TO/dft[.exe] [OLD.sqlite3]
#
# Runs the bundle the way a user's machine would: an empty environment (env -i) with a
# bare PATH, a throwaway home folder, no Python and no virtual environment, from a folder
# outside the source checkout. Every step must exit 0 and write nothing to stderr (no
# traceback, no font or plugin warning). Exits 1 at the first failure and says which.
# The last line is the window's start time: "start time: N.NNN s". OLD.sqlite3, a
# database at the first schema (first_schema_database.py writes one), must be upgraded.
set -euo pipefail

DFT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$DFT" ] || { echo "smoke test: no executable at $1" >&2; exit 2; }
OLD_DATABASE=${2:+$(cd "$(dirname "$2")" && pwd)/$(basename "$2")}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home" "$WORK/tmp" "$WORK/out" "$WORK/logs"
cd "$WORK"

case "$(uname -s)" in
    MINGW* | MSYS* | CYGWIN*)
        # Windows keeps the user's folders in these, not in HOME; SYSTEMROOT it needs.
        WIN_WORK=$(cygpath -w "$WORK")
        CLEAN_ENV=(env -i "PATH=/c/Windows/System32:/c/Windows" "SYSTEMROOT=$SYSTEMROOT"
            "WINDIR=$WINDIR" "USERPROFILE=$WIN_WORK\\home" "APPDATA=$WIN_WORK\\home\\Roaming"
            "LOCALAPPDATA=$WIN_WORK\\home\\Local" "TEMP=$WIN_WORK\\tmp" "TMP=$WIN_WORK\\tmp")
        mkdir -p "$WORK/home/Roaming" "$WORK/home/Local"
        ;;
    *)
        CLEAN_ENV=(env -i "PATH=/usr/bin:/bin" "HOME=$WORK/home" "TMPDIR=$WORK/tmp")
        ;;
esac
CLEAN_ENV+=("QT_QPA_PLATFORM=offscreen")
# Paths handed to a Windows program are Windows paths.
native() { if [ -n "${WIN_WORK:-}" ]; then cygpath -w "$1"; else echo "$1"; fi; }
DB=$(native "$WORK/out/deals.sqlite3")

fail() {
    echo "smoke test FAILED: $*" >&2
    exit 1
}

# run NAME ARGS...: the bundle with ARGS, in the clean environment.
run() {
    local name=$1
    shift
    if ! "${CLEAN_ENV[@]}" "$DFT" "$@" >"$WORK/logs/$name.out" 2>"$WORK/logs/$name.err"; then
        cat "$WORK/logs/$name.out" "$WORK/logs/$name.err" >&2
        fail "dft $* exited non-zero"
    fi
    if [ -s "$WORK/logs/$name.err" ]; then
        cat "$WORK/logs/$name.err" >&2
        fail "dft $* wrote to stderr"
    fi
    echo "ok: dft $*"
}

expect_file() {  # expect_file PATH MAGIC: PATH exists and starts with MAGIC
    [ -s "$1" ] || fail "$1 was not written"
    [ "$(head -c ${#2} "$1")" = "$2" ] || fail "$1 does not start with '$2'"
}

now() {
    if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME/,/.}"; else
        perl -MTime::HiRes=time -e 'printf "%.6f\n", time'; fi
}

# The last full month: the sample data spreads over the last 24 months.
year=$(date +%Y)
month=$((10#$(date +%m) - 1))
if [ "$month" -eq 0 ]; then month=12 year=$((year - 1)); fi
MONTH=$(printf '%04d-%02d' "$year" "$month")

run version --version
grep -Eq '^dft [0-9]' "$WORK/logs/version.out" || fail "--version printed: $(cat "$WORK/logs/version.out")"

# Sample data, through the Alembic-stamped schema of a new database.
run demo --db "$DB" demo

# The monthly report in every format: reportlab and matplotlib (fonts, Agg and SVG).
run report-pdf --db "$DB" report --month "$MONTH" --out "$(native "$WORK/out/report.pdf")"
expect_file "$WORK/out/report.pdf" "%PDF-"
run report-xlsx --db "$DB" report --month "$MONTH" --out "$(native "$WORK/out/report.xlsx")"
expect_file "$WORK/out/report.xlsx" "PK"
run report-html --db "$DB" report --month "$MONTH" --out "$(native "$WORK/out/report.html")"
grep -q "<svg" "$WORK/out/report.html" || fail "the HTML report has no chart"

# Import a CSV and an Excel file the bundle exported, each into a new database.
run export-csv --db "$DB" export "$(native "$WORK/out/deals.csv")"
run export-xlsx --db "$DB" export "$(native "$WORK/out/deals.xlsx")"
for kind in csv xlsx; do
    run "import-$kind" --db "$(native "$WORK/out/imported-$kind.sqlite3")" import \
        "$(native "$WORK/out/deals.$kind")"
    grep -Eq "([1-9][0-9]*) rows read, added \1 deals" "$WORK/logs/import-$kind.out" ||
        fail "import of deals.$kind: $(head -n 1 "$WORK/logs/import-$kind.out")"
done

# Maintenance.
run check --db "$DB" check
grep -q "Result: *OK" "$WORK/logs/check.out" || fail "check: $(cat "$WORK/logs/check.out")"
run backup --db "$DB" backup --to "$(native "$WORK/out/backup.sqlite3")"
run check-backup --db "$(native "$WORK/out/backup.sqlite3")" check

# A database from the first version, upgraded through every Alembic migration.
if [ -n "$OLD_DATABASE" ]; then
    cp "$OLD_DATABASE" "$WORK/out/old.sqlite3"
    run upgrade --db "$(native "$WORK/out/old.sqlite3")" causes
    run check-upgraded --db "$(native "$WORK/out/old.sqlite3")" check
    grep -q "(up to date)" "$WORK/logs/check-upgraded.out" ||
        fail "the upgrade: $(cat "$WORK/logs/check-upgraded.out")"
fi

# The window, offscreen, on that database: it opens every tab (the dashboard draws its
# charts) and stays up 3 seconds (dft/ui/app.py, DFT_QUIT_AFTER_SHOWN).
started=$(now)
if ! "${CLEAN_ENV[@]}" DFT_QUIT_AFTER_SHOWN=3 "$DFT" --db "$DB" \
    >"$WORK/logs/window.out" 2>"$WORK/logs/window.err"; then
    cat "$WORK/logs/window.err" >&2
    fail "the window exited non-zero"
fi
grep -v '^dft: window shown at ' "$WORK/logs/window.err" >&2 && fail "the window wrote to stderr"
shown=$(sed -n 's/^dft: window shown at //p' "$WORK/logs/window.err")
[ -n "$shown" ] || fail "the window was never shown"
# Unexpected errors in the window go to its log file, not to stderr.
log=$(find "$WORK/home" -name dft.log | head -n 1)
[ -n "$log" ] || fail "the window wrote no log file"
if grep -E "ERROR|Traceback" "$log" >&2; then fail "the window logged an error"; fi
echo "ok: dft (the window, offscreen, every tab)"

echo "smoke test passed"
awk -v a="$started" -v b="$shown" 'BEGIN { printf "start time: %.3f s\n", b - a }'
