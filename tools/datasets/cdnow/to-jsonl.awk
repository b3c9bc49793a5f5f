#!/usr/bin/awk -f
# CDNOW_master.txt -> Ledgerline JSON Lines: one OrderPlaced event per purchase.
#   awk -f to-jsonl.awk CDNOW_master.txt > cdnow.jsonl
# Columns: customer id (zero-padded), date YYYYMMDD, number of CDs, dollars.
{
    sub(/\r$/, "")
    if ($1 !~ /^[0-9]+$/) next          # header line
    id = $1 + 0
    date = $2
    amount = $4
    if (amount !~ /\./) amount = amount ".00"
    printf "{\"stream\":\"customer-%d\",\"type\":\"OrderPlaced\",\"occurredAt\":\"%s-%s-%sT00:00:00Z\",\"actor\":\"integration:cdnow\",\"data\":{\"orderId\":\"cdnow-%d\",\"customerId\":\"%d\",\"quantity\":%d,\"amount\":\"%s\",\"currency\":\"USD\"}}\n", \
        id, substr(date, 1, 4), substr(date, 5, 2), substr(date, 7, 2), NR, id, $3, amount
}
