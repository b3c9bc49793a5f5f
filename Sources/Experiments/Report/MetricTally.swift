/// One metric's outcome per unit of one phase, folded from the metric's events.
///
/// A conversion metric marks the units that did it at least once within the window after
/// their first exposure; a revenue metric sums the amounts of those events exactly. The
/// first currency seen is the metric's; events in another currency are counted and left
/// out, never added to it.
struct MetricTally {
    let metric: MetricDefinition
    let filter: EventFilter?
    let valuePath: MetricValuePath?
    /// The metric's window in µs, saturated: a window published by another build may not fit.
    let windowMicroseconds: Int64
    private(set) var converted: [Bool]
    private(set) var amounts: [DecimalAmount]
    private(set) var currency: String?
    private(set) var otherCurrencyEvents = 0
    private(set) var unreadableAmounts = 0
    private(set) var overflowed = false
    private(set) var filterFailures = 0
    private(set) var firstFilterFailure: String?
    /// Events that counted.
    private(set) var countedEvents = 0

    init(metric: MetricDefinition, units: Int) throws(ExperimentsError) {
        self.metric = metric
        filter = try metric.filter.map { (text) throws(ExperimentsError) in
            try EventFilter(text, field: "\(metric.name).filter")
        }
        valuePath = metric.value.flatMap(MetricValuePath.init)
        windowMicroseconds = metric.window.microseconds
        converted = [Bool](repeating: false, count: units)
        amounts = metric.kind == .revenue ? [DecimalAmount](repeating: .zero, count: units) : []
    }

    /// Whether an event at `time` (µs) falls in the window of a unit exposed at `exposedAt`.
    @inline(__always)
    func inWindow(_ time: Int64, exposedAt: Int64) -> Bool {
        // Log times lie within years 0000–9999, so the difference cannot overflow.
        time >= exposedAt && time - exposedAt < windowMicroseconds
    }

    mutating func recordFilterFailure(_ message: String) {
        filterFailures += 1
        if firstFilterFailure == nil { firstFilterFailure = message }
    }

    /// Counts a qualifying event for `unit`.
    mutating func count(unit: Int, payload: CanonicalPayload) {
        switch metric.kind {
        case .conversion:
            converted[unit] = true
            countedEvents += 1
        case .revenue:
            guard let path = valuePath, let amount = path.amount(in: payload) else {
                unreadableAmounts += 1
                return
            }
            let eventCurrency = payload.range(of: "currency").flatMap(payload.string)
            if let eventCurrency {
                if currency == nil { currency = eventCurrency }
                if eventCurrency != currency {
                    otherCurrencyEvents += 1
                    return
                }
            }
            guard let sum = amounts[unit].adding(amount) else {
                overflowed = true
                return
            }
            amounts[unit] = sum
            converted[unit] = true
            countedEvents += 1
        }
    }
}
