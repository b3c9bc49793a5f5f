#!/usr/bin/env python3
"""Generate realistic, seeded CRM activity around the CDNOW customers, as Ledgerline JSON Lines.

    tools/generate-crm.py --seed 7 --customers 2000 > crm.jsonl
    ledgerline import crm.jsonl

For each chosen CDNOW customer (a seeded sample of the 23,570 in
tools/datasets/cdnow/CDNOW_master.txt), the activity a sales team around that shop would
have logged, timed against the customer's real purchase dates (1997-01-01 to 1998-06-30):

    customer-<id>   ContactCreated and Subscribed before the first purchase, CallLogged,
                    MeetingBooked and MeetingHeld around the deal
    lead-L<id>      LeadCreated, then LeadQualified for most leads
    deal-D<id>      DealCreated in `qualification`, DealStageChanged through `discovery`,
                    `proposal` and `negotiation` (the `default` pipeline of
                    rules/pipelines.yaml), then DealWon or DealLost, or still open
    email-E<id>-<n> EmailSent, EmailOpened, EmailReplied
    task-T<id>-<n>  TaskCreated, TaskCompleted

Amounts are exact decimal strings. Event ids are UUIDs made of the event's time and a
SHA-256 of the seed and what the event is about, so importing the same output twice
appends nothing. Lines are in time order. The same arguments give byte-identical output
on any Python 3: randomness comes from a SplitMix64 generator written here, not from
the `random` module.

Only the standard library is used.
"""

import argparse
import datetime
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CDNOW = os.path.join(HERE, "datasets", "cdnow", "CDNOW_master.txt")
END = int(datetime.datetime(1998, 6, 30, 23, 59, tzinfo=datetime.timezone.utc).timestamp())
DAY = 86400
HOUR = 3600

OWNERS = ["u-jane", "u-sam", "u-ravi", "u-maria", "u-tom", "u-lee"]
FIRST = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Carlos", "Karen",
    "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley",
    "Paul", "Emily", "Andrew", "Donna", "Kenji", "Michelle", "Joshua", "Carol", "Ana", "Amanda",
]
LAST = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
]
ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
# (UTC hour when the zone's working day starts, in winter; close enough for a demo)
ZONE_START = {"America/New_York": 14, "America/Chicago": 15, "America/Denver": 16, "America/Los_Angeles": 17}
DOMAINS = ["example.com", "example.net", "example.org"]
SOURCES = ["web-form", "newsletter", "in-store", "referral", "trade-show"]
CAMPAIGNS = ["Spring catalog 1997", "Jazz club launch", "Holiday gift guide", "Classics reissue", "Back to school"]
LOST_REASONS = ["price", "timing", "competitor", "no_budget", "no_decision", "unresponsive"]
STAGES = ["qualification", "discovery", "proposal", "negotiation"]
# Chance a deal that reached a stage moves on to the next one (the funnel), and the
# chance a deal in negotiation is won.
ADVANCE = {"qualification": 0.78, "discovery": 0.70, "proposal": 0.68}
WIN = 0.62
PLANS = [("Collector club", 4900), ("Collector club plus", 9900), ("Gift card bundle", 25000),
         ("Corporate gifts", 60000), ("Office music licence", 120000)]
TEMPLATES = ["welcome", "new-releases", "order-thanks", "deal-followup", "win-back"]


class SplitMix64:
    """A small, seeded generator whose output is the same on every platform and Python."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n):
        """A whole number in [0, n)."""
        return self.next() % n

    def between(self, a, b):
        """A whole number in [a, b]."""
        return a + self.below(b - a + 1)

    def chance(self, p):
        """True with probability p (to 1 in 2**53)."""
        return (self.next() >> 11) < int(p * (1 << 53))

    def choice(self, items):
        return items[self.below(len(items))]

    def fork(self, label):
        """An independent generator for one customer, so choosing more customers does
        not change the activity of the others."""
        digest = hashlib.sha256(("%d:%s" % (self.state, label)).encode()).digest()
        return SplitMix64(int.from_bytes(digest[:8], "big"))


def read_cdnow(path):
    """customer id (no leading zeros) -> [(day as epoch seconds, amount in cents, quantity)]."""
    customers = {}
    with open(path, encoding="ascii") as f:
        for line in f:
            fields = line.split()
            if len(fields) != 4 or not fields[0].isdigit():
                continue
            day = datetime.datetime.strptime(fields[1], "%Y%m%d").replace(tzinfo=datetime.timezone.utc)
            whole, _, cents = fields[3].partition(".")
            amount = int(whole) * 100 + int((cents + "00")[:2])
            customers.setdefault(str(int(fields[0])), []).append((int(day.timestamp()), amount, int(fields[2])))
    return customers


def money(cents):
    return "%d.%02d" % (cents // 100, cents % 100)


def stamp(seconds):
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Activity:
    """Collects events; writes them in time order with derived ids."""

    def __init__(self, seed):
        self.seed = seed
        self.events = []

    def add(self, when, stream, type_, key, data, actor):
        if when > END:
            return False
        self.events.append((when, len(self.events), {
            "id": self.uuid(when, key), "stream": stream, "type": type_, "occurredAt": stamp(when),
            "actor": actor, "data": data,
        }))
        return True

    def uuid(self, when, key):
        """A UUID version 8: the event's time in milliseconds first (as in version 7, so
        the time-ordered output fills the log's ids index in order), then SHA-256 bits
        of the seed and what the event is about."""
        digest = bytearray(hashlib.sha256(("ledgerline-crm-demo:%d:%s" % (self.seed, key)).encode()).digest()[:16])
        digest[0:6] = (when * 1000).to_bytes(6, "big")
        digest[6] = (digest[6] & 0x0F) | 0x80  # version 8
        digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
        h = digest.hex()
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    def write(self, out):
        for _, _, event in sorted(self.events, key=lambda e: (e[0], e[1])):
            out.write(json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
            out.write("\n")


def working_time(rng, day, zone):
    """A moment in the working day (9:00-17:00 local) of the day containing `day`."""
    midnight = day - day % DAY
    return midnight + ZONE_START[zone] * HOUR + rng.between(0, 8 * HOUR - 1)


def customer_activity(act, rng, cid, orders):
    orders = sorted(orders)
    first_order = orders[0][0]
    zone = rng.choice(ZONES)
    owner = rng.choice(OWNERS)
    actor = "user:" + owner
    first, last = rng.choice(FIRST), rng.choice(LAST)
    address = "%s.%s%s@%s" % (first.lower(), last.lower(), cid, rng.choice(DOMAINS))
    stream = "customer-" + cid

    # Contact and consent, a few weeks before the first purchase (never before 1996-11).
    created = max(first_order - rng.between(7, 45) * DAY, int(datetime.datetime(1996, 11, 1, tzinfo=datetime.timezone.utc).timestamp()))
    created = working_time(rng, created, zone)
    source = rng.choice(SOURCES)
    act.add(created, stream, "ContactCreated", "contact:" + cid, {
        "customerId": cid, "email": address, "firstName": first, "lastName": last, "ownerId": owner,
        "lifecycleStage": "subscriber", "source": source, "timezone": zone, "locale": "en-US",
    }, "integration:crm-demo")
    if rng.chance(0.8):
        act.add(created + rng.between(60, 3600), stream, "Subscribed", "subscribed:" + cid, {
            "customerId": cid, "channel": "email", "list": "newsletter", "address": address,
            "legalBasis": "consent", "source": source, "doubleOptIn": True,
        }, "integration:crm-demo")

    emails = [0]
    tasks = [0]

    def email(when, template, reply_rate):
        emails[0] += 1
        eid = "E%s-%d" % (cid, emails[0])
        estream = "email-" + eid
        message = "<%s.%d@ledgerline.dev>" % (eid.lower(), when)
        if not act.add(when, estream, "EmailSent", "email-sent:" + eid, {
            "emailId": eid, "customerId": cid, "messageId": message, "to": address, "template": template,
            "provider": "smtp.example.net", "attempt": 1,
        }, actor):
            return
        if rng.chance(0.48):
            opened = when + rng.between(120, 2 * DAY)
            act.add(opened, estream, "EmailOpened", "email-opened:" + eid, {
                "emailId": eid, "customerId": cid, "messageId": message,
                "automated": rng.chance(0.08), "device": rng.choice(["desktop", "mobile", "mobile", "tablet"]),
            }, "integration:crm-demo")
            if rng.chance(reply_rate):
                act.add(opened + rng.between(300, DAY), estream, "EmailReplied", "email-replied:" + eid, {
                    "emailId": eid, "customerId": cid, "messageId": "<reply-%s@%s>" % (eid.lower(), address.split("@")[1]),
                    "inReplyTo": message, "sentiment": rng.choice(["positive", "positive", "neutral", "negative", "out_of_office"]),
                }, "integration:crm-demo")

    def call(when, deal_id=None):
        tasks[0] += 1
        tid = "T%s-%d" % (cid, tasks[0])
        due = when + rng.between(1, 3) * DAY
        data = {"taskId": tid, "title": "Call %s %s" % (first, last), "assigneeId": owner, "customerId": cid,
                "kind": "call", "priority": rng.choice(["low", "normal", "normal", "high"]), "dueAt": stamp(due),
                "createdBy": {"type": "user", "id": owner}}
        if deal_id:
            data["dealId"] = deal_id
        if not act.add(when, "task-" + tid, "TaskCreated", "task:" + tid, data, actor):
            return
        if rng.chance(0.85):
            done = working_time(rng, when + rng.between(0, 4) * DAY, zone)
            done = max(done, when + 600)
            outcome = rng.choice(["connected", "connected", "voicemail", "no_answer"])
            call_data = {"callId": "C%s-%d" % (cid, tasks[0]), "customerId": cid, "userId": owner, "direction": "outbound",
                         "durationSeconds": rng.between(240, 1500) if outcome == "connected" else rng.between(15, 60),
                         "outcome": outcome}
            if deal_id:
                call_data["dealId"] = deal_id
            if act.add(done, stream, "CallLogged", "call:" + tid, call_data, actor):
                act.add(done + rng.between(60, 900), "task-" + tid, "TaskCompleted", "task-done:" + tid,
                        {"taskId": tid, "completedBy": owner, "outcome": outcome}, actor)

    email(created + rng.between(HOUR, 2 * DAY), "welcome", 0.05)

    # A lead for most contacts; a deal for the qualified ones.
    if rng.chance(0.7):
        lid = "L" + cid
        lstream = "lead-" + lid
        lead_at = created + rng.between(600, 2 * DAY)
        act.add(lead_at, lstream, "LeadCreated", "lead:" + lid, {
            "leadId": lid, "customerId": cid, "email": address, "firstName": first, "lastName": last,
            "source": source, "campaign": rng.choice(CAMPAIGNS), "ownerId": owner,
        }, "integration:crm-demo")
        if rng.chance(0.75):
            qualified = working_time(rng, lead_at + rng.between(1, 6) * DAY, zone)
            has_deal = rng.chance(0.65)
            did = "D" + cid
            data = {"leadId": lid, "qualifiedBy": {"type": "user", "id": owner}, "level": "sql" if has_deal else "mql",
                    "framework": "BANT", "score": round(0.4 + rng.below(60) / 100, 2), "customerId": cid}
            if has_deal:
                data["dealId"] = did
            act.add(qualified, lstream, "LeadQualified", "lead-qualified:" + lid, data, actor)
            if has_deal:
                deal(act, rng, cid, did, owner, actor, zone, qualified + rng.between(HOUR, DAY), orders, email, call)
    elif rng.chance(0.3):
        call(working_time(rng, created + rng.between(1, 10) * DAY, zone))

    # After each purchase: a thank-you now and then, and a win-back email after a long gap.
    for i, (day, _, _) in enumerate(orders):
        if rng.chance(0.35):
            email(working_time(rng, day + rng.between(1, 3) * DAY, zone), "order-thanks", 0.08)
        gap = (orders[i + 1][0] if i + 1 < len(orders) else END) - day
        if gap > 120 * DAY and rng.chance(0.5):
            email(working_time(rng, day + rng.between(90, 110) * DAY, zone), "win-back", 0.04)
    for _ in range(rng.below(3)):
        email(working_time(rng, created + rng.between(10, 500) * DAY, zone), "new-releases", 0.02)


def deal(act, rng, cid, did, owner, actor, zone, created, orders, email, call):
    """A deal through the pipeline, stage by stage; customers who went on to buy more are likelier to win."""
    dstream = "deal-" + did
    name, cents = rng.choice(PLANS)
    cents += rng.below(20) * 500
    total_orders = len(orders)
    act.add(created, dstream, "DealCreated", "deal:" + did, {
        "dealId": did, "name": "%s for customer %s" % (name, cid), "pipeline": "default", "stage": "qualification",
        "amount": money(cents), "currency": "USD", "customerId": cid, "ownerId": owner, "source": "lead",
        "expectedCloseDate": stamp(created + 30 * DAY)[:10],
    }, actor)
    call(working_time(rng, created + rng.between(0, 2) * DAY, zone), did)
    stage = "qualification"
    at = created
    meeting = 0
    # Customers who went on to buy more are likelier to have said yes.
    win = min(0.92, WIN + 0.04 * (total_orders - 1))
    while True:
        if stage == "negotiation":
            close = working_time(rng, at + rng.between(2, 12) * DAY, zone)
            if close > END:
                return
            if rng.chance(win):
                act.add(close, dstream, "DealWon", "deal-won:" + did, {
                    "dealId": did, "amount": money(cents), "currency": "USD", "stage": stage, "customerId": cid,
                    "closedOn": stamp(close)[:10],
                }, actor)
                email(close + rng.between(HOUR, DAY), "order-thanks", 0.1)
            else:
                lost(act, rng, dstream, did, stage, cents, close, actor)
            return
        advance = ADVANCE[stage]
        step = working_time(rng, at + rng.between(2, 9) * DAY, zone)
        if step > END:
            return  # still open at the end of the log
        if not rng.chance(advance):
            if rng.chance(0.85):
                lost(act, rng, dstream, did, stage, cents, step, actor)
            return  # or it just went quiet
        following = STAGES[STAGES.index(stage) + 1]
        act.add(step, dstream, "DealStageChanged", "deal-stage:%s:%s" % (did, following), {
            "dealId": did, "fromStage": stage, "toStage": following, "pipeline": "default", "reason": "advanced",
            "changedBy": {"type": "user", "id": owner},
        }, actor)
        if following in ("discovery", "proposal"):
            meeting += 1
            mid = "M%s-%d" % (cid, meeting)
            starts = working_time(rng, step + rng.between(1, 4) * DAY, zone)
            minutes = rng.choice([30, 45, 60])
            kind = "discovery" if following == "discovery" else "demo"
            if act.add(step + rng.between(300, 3 * HOUR), "customer-" + cid, "MeetingBooked", "meeting:" + mid, {
                "meetingId": mid, "customerId": cid, "dealId": did, "organizerId": owner, "title": "%s call" % kind.capitalize(),
                "startsAt": stamp(starts), "endsAt": stamp(starts + minutes * 60), "timezone": zone, "kind": kind,
                "bookedVia": "calendar-link",
            }, actor):
                no_show = rng.chance(0.1)
                data = {"meetingId": mid, "customerId": cid, "dealId": did, "kind": kind, "noShow": no_show}
                if not no_show:
                    data["durationMinutes"] = minutes + rng.between(-10, 10)
                    data["outcome"] = rng.choice(["positive", "positive", "neutral", "negative"])
                act.add(starts + minutes * 60, "customer-" + cid, "MeetingHeld", "meeting-held:" + mid, data, actor)
                at = starts + minutes * 60
        email(working_time(rng, step + rng.between(0, 2) * DAY, zone), "deal-followup", 0.2)
        stage = following
        at = max(at, step)


def lost(act, rng, dstream, did, stage, cents, when, actor):
    reason = rng.choice(LOST_REASONS)
    data = {"dealId": did, "reason": reason, "stage": stage, "amount": money(cents), "currency": "USD"}
    if reason == "competitor":
        data["competitor"] = rng.choice(["Tower Records", "Music Boulevard", "Columbia House"])
    act.add(when, dstream, "DealLost", "deal-lost:" + did, data, actor)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1, help="same seed, same output (default 1)")
    parser.add_argument("--customers", type=int, default=0, help="how many CDNOW customers (default all 23,570)")
    parser.add_argument("--cdnow", default=CDNOW, help="the CDNOW purchase log (default the repository's copy)")
    parser.add_argument("--out", help="write here instead of standard output")
    args = parser.parse_args()

    customers = read_cdnow(args.cdnow)
    ids = sorted(customers, key=int)
    rng = SplitMix64(args.seed)
    if 0 < args.customers < len(ids):
        # A seeded partial Fisher-Yates shuffle picks the sample; then in id order.
        for i in range(args.customers):
            j = i + rng.below(len(ids) - i)
            ids[i], ids[j] = ids[j], ids[i]
        ids = sorted(ids[:args.customers], key=int)
    act = Activity(args.seed)
    root = SplitMix64(args.seed)
    for cid in ids:
        customer_activity(act, root.fork(cid), cid, customers[cid])
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="\n") as out:
            act.write(out)
    else:
        act.write(sys.stdout)


if __name__ == "__main__":
    main()
