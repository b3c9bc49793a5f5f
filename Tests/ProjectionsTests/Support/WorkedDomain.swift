import EventLog
import JSON
import Projections

/// The small CRM every view test shares: a customer with orders, a refund, a won deal,
/// consent, a score, a variant and a merged duplicate; a lead whose deal was lost;
/// deals through the default pipeline; tasks from a rule and from people.
///
/// Customers: `1` Ana Lopez, `1b` a duplicate of Ana merged into `1` on day 20,
/// `2` Ben Ode (lead → mql), `3` known only from a page visit.
/// Deals: `D1` Ana's, new → qualified → proposal → won (DealWon on day 30, 12000.00 USD);
/// `D2` Ben's, new → lost on day 25 (price); `D3` open in negotiation, 8000.00 USD, owner rep-2.
/// Tasks: `T1` from rule demo-followup@2 caused by an event, due day 12, open;
/// `T2` by user:rep-1, due day 40, completed on day 15; `T3` cancelled.
enum WorkedDomain {
    static let ruleCause = EventID("0190a8d2-4c1e-7b3a-9f00-1234567890ab")!

    static var log: TestLog {
        var log = TestLog()
        log.add(
            "ContactCreated", "customer-1",
            [
                "customerId": "1", "firstName": "Ana", "lastName": "Lopez", "email": "ana@example.com",
                "company": "Acme",
                "ownerId": "rep-1", "timezone": "Europe/Berlin", "tags": ["vip", "newsletter"],
            ], day: 0)
        log.add(
            "Subscribed", "customer-1",
            ["customerId": "1", "channel": "email", "legalBasis": "consent", "source": "form"], day: 1)
        log.add("PageVisited", "customer-1", ["customerId": "1", "url": "https://example.com/pricing"], day: 2)
        log.add("EmailOpened", "email-e1", ["emailId": "e1", "customerId": "1"], day: 3)
        log.add(
            "EmailClicked", "email-e1", ["emailId": "e1", "customerId": "1", "url": "https://example.com/demo"],
            day: 3.5)
        log.add(
            "DealCreated", "deal-D1",
            [
                "dealId": "D1", "name": "Acme annual", "pipeline": "default", "stage": "new", "ownerId": "rep-1",
                "customerId": "1",
                "amount": "10000.00", "currency": "USD",
            ], day: 4)
        log.add(
            "DealStageChanged", "deal-D1",
            ["dealId": "D1", "fromStage": "new", "toStage": "qualified", "pipeline": "default"], day: 6)
        log.add(
            "OrderPlaced", "customer-1",
            ["customerId": "1", "orderId": "O-1", "quantity": 1, "amount": "100.10", "currency": "USD"], day: 7)
        log.add(
            "OrderPlaced", "customer-1",
            ["customerId": "1", "orderId": "O-2", "quantity": 2, "amount": "0.20", "currency": "USD"], day: 8)
        log.add(
            "OrderPlaced", "customer-1",
            ["customerId": "1", "orderId": "O-3", "quantity": 1, "amount": "50.00", "currency": "EUR"], day: 9)
        log.add(
            "OrderRefunded", "customer-1", ["customerId": "1", "orderId": "O-1", "amount": "10.10", "currency": "USD"],
            day: 10)
        log.add(
            "TaskCreated", "task-T1",
            [
                "taskId": "T1", "title": "Call Ana", "assigneeId": "rep-1", "customerId": "1",
                "dueAt": "2026-01-13T09:00:00Z",
                "ruleName": "demo-followup", "ruleVersion": 2, "enrollmentId": "en-1", "step": 1,
            ], day: 11, actor: "rule:demo-followup@2", causation: ruleCause)
        log.add(
            "TaskCreated", "task-T2",
            [
                "taskId": "T2", "title": "Send the deck", "assigneeId": "rep-1", "dueAt": "2026-02-10T09:00:00Z",
                "createdBy": ["type": "user", "id": "rep-1"],
            ], day: 11, actor: "user:rep-1")
        log.add(
            "DealStageChanged", "deal-D1",
            ["dealId": "D1", "fromStage": "qualified", "toStage": "proposal", "pipeline": "default"], day: 12)
        log.add(
            "ScoreUpdated", "customer-1",
            ["customerId": "1", "model": "lead-propensity", "modelVersion": 3, "score": 0.72], day: 13)
        log.add(
            "VariantAssigned", "customer-1",
            [
                "experimentKey": "followup-subject", "phase": 1, "customerId": "1", "variationId": 1,
                "variationKey": "b",
                "hashAttribute": "customerId", "hashValue": "1", "hashVersion": 2,
            ], day: 13)
        log.add(
            "ContactCreated", "customer-1b",
            ["customerId": "1b", "email": "ana.lopez@example.com", "phone": "+4915112345678"], day: 14)
        log.add("PageVisited", "customer-1b", ["customerId": "1b", "url": "https://example.com/blog"], day: 14.5)
        log.add(
            "OrderPlaced", "customer-1b",
            ["customerId": "1b", "orderId": "O-4", "quantity": 1, "amount": "25.00", "currency": "USD"], day: 14.6)
        log.add("TaskCompleted", "task-T2", ["taskId": "T2", "completedBy": "rep-1", "outcome": "sent"], day: 15)
        log.add(
            "ContactCreated", "customer-2",
            ["customerId": "2", "firstName": "Ben", "lastName": "Ode", "ownerId": "rep-2"], day: 16)
        log.add(
            "LeadCreated", "lead-L2", ["leadId": "L2", "source": "webinar", "customerId": "2", "company": "Ode GmbH"],
            day: 16)
        log.add(
            "LeadQualified", "lead-L2",
            ["leadId": "L2", "qualifiedBy": ["type": "user", "id": "rep-2"], "level": "mql"], day: 17)
        log.add(
            "DealCreated", "deal-D2",
            [
                "dealId": "D2", "name": "Ode pilot", "pipeline": "default", "stage": "new", "ownerId": "rep-2",
                "customerId": "2",
                "amount": "5000", "currency": "EUR",
            ], day: 18)
        log.add(
            "TaskCreated", "task-T3", ["taskId": "T3", "title": "Old", "assigneeId": "rep-2"], day: 18,
            actor: "user:rep-2")
        log.add("TaskCancelled", "task-T3", ["taskId": "T3", "reason": "obsolete"], day: 19)
        log.add(
            "ContactMerged", "customer-1",
            ["customerId": "1", "mergedCustomerIds": ["1b"], "reason": "duplicate_email"], day: 20)
        log.add("PageVisited", "customer-1b", ["customerId": "1b", "url": "https://example.com/after-merge"], day: 21)
        log.add(
            "DealCreated", "deal-D3",
            [
                "dealId": "D3", "name": "Big one", "pipeline": "default", "stage": "negotiation", "ownerId": "rep-2",
                "amount": "8000.00", "currency": "USD",
            ], day: 22)
        log.add("DealLost", "deal-D2", ["dealId": "D2", "reason": "price"], day: 25)
        log.add(
            "DealWon", "deal-D1",
            ["dealId": "D1", "amount": "12000.00", "currency": "USD", "stage": "won", "customerId": "1"], day: 30)
        log.add("PageVisited", "customer-3", ["customerId": "3", "url": "https://example.com/"], day: 31)
        log.add("Unsubscribed", "customer-1", ["customerId": "1", "channel": "email", "source": "link"], day: 32)
        return log
    }
}
