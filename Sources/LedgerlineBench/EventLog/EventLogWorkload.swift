import EventLog
import Experiments
import Foundation
import JSON

/// The realistic workload of the event-log benchmarks: CRM activity of 100,000
/// customers (page visits, emails, orders, form fills) plus 1,000 deals that each
/// move through 100 events, about 300 bytes of JSON data per event.
///
/// Deterministic: the same size always gives the same file, byte for byte.
struct EventLogWorkload {
    let events: Int
    let customers: Int
    let deals: Int
    static let eventsPerDeal = 100

    init(scale: Double) {
        events = max(2_000, Int(1_000_000 * scale))
        customers = max(100, Int(100_000 * scale))
        deals = max(10, Int(1_000 * scale))
    }

    /// Writes the workload as import JSON Lines to `url` (no ids: the importer derives them).
    func write(to url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var rng = SplitMix64(seed: 0x1ED6_E711)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 << 20)
        var dealEvents = [Int](repeating: 0, count: deals)
        let dealShare = Double(deals * Self.eventsPerDeal) / Double(events)
        for i in 0..<events {
            let line: String
            if rng.nextDouble() < dealShare, let deal = (0..<8).lazy.map({ _ in Int(rng.next() % UInt64(self.deals)) }).first(where: { dealEvents[$0] < Self.eventsPerDeal }) {
                dealEvents[deal] += 1
                line = dealEvent(deal, step: dealEvents[deal], i: i, rng: &rng)
            } else {
                line = customerEvent(Int(rng.next() % UInt64(customers)), i: i, rng: &rng)
            }
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            if buffer.count > 8 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: buffer)
    }

    /// The deal streams that hold exactly ``eventsPerDeal`` events once written.
    func fullDealStreams(in store: any EventStore) throws -> [StreamName] {
        try (0..<deals).compactMap { deal in
            let name = StreamName("deal-\(deal)")!
            return try store.streamVersion(name) == StreamVersion(UInt64(Self.eventsPerDeal)) ? name : nil
        }
    }

    private func timestamp(_ i: Int) -> String {
        Timestamp(rawValue: 1_735_689_600_000_000 + Int64(i) * 29_000_000).description
    }

    private func customerEvent(_ customer: Int, i: Int, rng: inout SplitMix64) -> String {
        let id = "C\(100_000 + customer)"
        let at = timestamp(i)
        switch rng.next() % 10 {
        case 0...3:
            let page = ["pricing", "features/automation", "blog/pipeline-hygiene", "customers/acme", "integrations/hubspot", "docs/getting-started"][Int(rng.next() % 6)]
            return #"{"stream":"customer-\#(customer)","type":"PageVisited","occurredAt":"\#(at)","actor":"integration:web","data":{"customerId":"\#(id)","url":"https://www.example.com/\#(page)?utm_source=newsletter&utm_campaign=q\#(1 + i % 4)","title":"\#(page.capitalized) | Example Inc.","referrer":"https://www.google.com/","sessionId":"s-\#(rng.next() % 1_000_000_000)","durationSeconds":\#(rng.next() % 600),"utm":{"source":"newsletter","medium":"email","campaign":"q\#(1 + i % 4)-nurture"}}}"#
        case 4...6:
            let email = "E-\(customer)-\(i % 97)"
            let message = "<\(rng.next() % 10_000_000_000).\(i)@mail.example.com>"
            switch rng.next() % 3 {
            case 0:
                return #"{"stream":"customer-\#(customer)","type":"EmailOpened","occurredAt":"\#(at)","actor":"integration:esp","data":{"emailId":"\#(email)","customerId":"\#(id)","messageId":"\#(message)","automated":false,"device":"\#(["desktop", "mobile", "tablet"][Int(rng.next() % 3)])"},"metadata":{"client":"Apple Mail","ip":"203.0.113.\#(rng.next() % 255)"}}"#
            case 1:
                return #"{"stream":"customer-\#(customer)","type":"EmailClicked","occurredAt":"\#(at)","actor":"integration:esp","data":{"emailId":"\#(email)","customerId":"\#(id)","messageId":"\#(message)","url":"https://www.example.com/trial/extend?utm_source=email&utm_campaign=nurture-\#(i % 12)","linkId":"cta-\#(rng.next() % 4)"}}"#
            default:
                return #"{"stream":"customer-\#(customer)","type":"EmailDelivered","occurredAt":"\#(at)","actor":"integration:esp","data":{"emailId":"\#(email)","customerId":"\#(id)","messageId":"\#(message)"},"metadata":{"campaign":"nurture-\#(i % 12)","template":"followup-\#(["a", "b", "c"][Int(rng.next() % 3)])","mta":"mta-\#(rng.next() % 8).mail.example.com"}}"#
            }
        case 7...8:
            let quantity = 1 + rng.next() % 3
            let price = 10 + rng.next() % 490
            let cents = String(format: "%02d", rng.next() % 100)
            return #"{"stream":"customer-\#(customer)","type":"OrderPlaced","occurredAt":"\#(at)","actor":"integration:shop","data":{"orderId":"O-\#(i)","customerId":"\#(id)","quantity":\#(quantity),"amount":"\#(price * quantity).\#(cents)","currency":"USD","channel":"web","items":[{"sku":"SKU-\#(rng.next() % 5000)","name":"Annual plan, \#(quantity) seat(s)","quantity":\#(quantity),"unitPrice":"\#(price).\#(cents)"}]}}"#
        default:
            return #"{"stream":"customer-\#(customer)","type":"FormSubmitted","occurredAt":"\#(at)","actor":"integration:web","data":{"formId":"demo-request","customerId":"\#(id)","email":"person\#(customer)@example.org","pageUrl":"https://www.example.com/demo","fields":{"company":"Company \#(customer % 9000) GmbH","role":"Head of Sales","teamSize":"11-50","message":"We would like to see the automation rules in action."},"consent":["email"]}}"#
        }
    }

    private func dealEvent(_ deal: Int, step: Int, i: Int, rng: inout SplitMix64) -> String {
        let stages = ["new", "qualified", "demo_scheduled", "demo_done", "proposal", "negotiation", "won"]
        let from = stages[(step - 1) % stages.count]
        let to = stages[step % stages.count]
        let reasons = ["advanced", "timing", "price", "other"]
        return #"{"stream":"deal-\#(deal)","type":"DealStageChanged","occurredAt":"\#(timestamp(i))","actor":"user:rep-\#(deal % 40)","data":{"dealId":"D-\#(deal)","fromStage":"\#(from)","toStage":"\#(to)","pipeline":"default","reason":"\#(reasons[Int(rng.next() % 4)])","note":"Step \#(step) of the sales process; next: follow up with the buying committee on pricing and security review.","changedBy":{"type":"user","id":"rep-\#(deal % 40)"}}}"#
    }
}

extension SplitMix64 {
    /// A uniform double in [0, 1).
    mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
