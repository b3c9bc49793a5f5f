#!/usr/bin/env bash
# The demo behind `make demo`: import the real CDNOW purchase log through its CSV mapping,
# add seeded, generated CRM activity around those customers (contacts, leads, deals moving
# through the pipeline, emails, meetings, calls, tasks), verify the hash chain and the indexes, show
# what the log holds, and back the store up.
#   tools/demo.sh PATH/TO/ledgerline DATA_DIR
# DEMO_CUSTOMERS (default 5000) and DEMO_SEED (default 7) size and seed the activity.
set -euo pipefail
ledgerline="$1"
data="$2"
here="$(cd "$(dirname "$0")" && pwd)"
customers="${DEMO_CUSTOMERS:-5000}"
seed="${DEMO_SEED:-7}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rm -rf "$data"
echo "== CDNOW purchase log -> OrderPlaced events (tools/mappings/cdnow.yaml)"
"$ledgerline" --data "$data" init
"$ledgerline" --data "$data" import-csv "$here/datasets/cdnow/CDNOW_master.txt" --mapping "$here/mappings/cdnow.yaml"
echo
echo "== importing the same file again appends nothing"
"$ledgerline" --data "$data" import-csv "$here/datasets/cdnow/CDNOW_master.txt" --mapping "$here/mappings/cdnow.yaml" --json
echo
echo "== CRM activity around $customers of those customers (tools/generate-crm.py --seed $seed)"
if command -v python3 >/dev/null 2>&1; then
    python3 "$here/generate-crm.py" --seed "$seed" --customers "$customers" --out "$work/crm.jsonl"
    "$ledgerline" --data "$data" import "$work/crm.jsonl"
else
    echo "python3 is not installed: skipped (the log holds the CDNOW orders only)"
fi
echo
echo "== verify the hash chain and the indexes"
"$ledgerline" --data "$data" verify
echo
echo "== the log"
"$ledgerline" --data "$data" stats
echo
echo "== one customer's stream"
"$ledgerline" --data "$data" read --stream customer-2 --limit 3

echo
echo "== the views: customer, pipeline and tasks, folded from the log"
"$ledgerline" --data "$data" project rebuild
"$ledgerline" --data "$data" project status
echo
# Recency and overdue are measured to 1998-07-01, the end of the CDNOW period, not to today.
echo "== the five customers who spent most"
"$ledgerline" --data "$data" customers list --sort monetary --limit 5 --now 1998-07-01
top="$("$ledgerline" --data "$data" customers list --sort monetary --limit 1 --json | sed -n 's/.*"customerId": "\([^"]*\)".*/\1/p' | head -1)"
echo
echo "== customer $top"
"$ledgerline" --data "$data" customers show "$top" --now 1998-07-01
echo
echo "== customer 2"
"$ledgerline" --data "$data" customers show 2 --now 1998-07-01
echo
echo "== the pipeline by stage"
"$ledgerline" --data "$data" pipeline summary
echo
echo "== the funnel"
"$ledgerline" --data "$data" pipeline funnel
echo
echo "== open tasks, overdue first"
"$ledgerline" --data "$data" tasks list --overdue --limit 5 --now 1998-07-01
echo
echo "== a backup of the whole store (log, indexes, views) from one snapshot, then verified"
"$ledgerline" --data "$data" backup "$work/backup" --verify
