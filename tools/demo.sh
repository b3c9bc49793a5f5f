#!/usr/bin/env bash
# The demo behind `make demo`: import the real CDNOW purchase log into a fresh store,
# verify the hash chain, and show what the log holds.
#   tools/demo.sh PATH/TO/ledgerline DATA_DIR
set -euo pipefail
ledgerline="$1"
data="$2"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rm -rf "$data"
echo "== CDNOW purchase log -> OrderPlaced events"
awk -f "$here/datasets/cdnow/to-jsonl.awk" "$here/datasets/cdnow/CDNOW_master.txt" > "$work/cdnow.jsonl"
"$ledgerline" --data "$data" init
"$ledgerline" --data "$data" import "$work/cdnow.jsonl"
echo
echo "== importing the same file again appends nothing"
"$ledgerline" --data "$data" import "$work/cdnow.jsonl" --json
echo
echo "== verify the hash chain"
"$ledgerline" --data "$data" verify
echo
echo "== the log"
"$ledgerline" --data "$data" stats
echo
echo "== one customer's stream"
"$ledgerline" --data "$data" read --stream customer-2 --limit 3
