/// A metric an experiment is judged on: a goal it should move, or a guardrail it must not.
///
/// ```yaml
/// goals:
///   - { name: replied, kind: conversion, event: EmailReplied, window: 7d }
///   - { name: revenue, kind: revenue, event: OrderPlaced, value: data.total, window: 60d }
/// guardrails:
///   - { name: unsubscribed, kind: conversion, event: Unsubscribed, window: 30d, direction: decrease }
/// ```
///
/// A unit (customer) converts when an event of type ``event`` that passes ``filter``
/// occurs within ``window`` after their first exposure; revenue sums ``value`` over such
/// events. Conversion metrics are analysed as proportions, revenue as means.
public struct MetricDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Did the unit do it at least once (a proportion).
        case conversion
        /// How much the unit's events were worth in total (a mean per unit).
        case revenue
    }

    public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
        /// Higher is better (most goals).
        case increase
        /// Lower is better (unsubscribes, complaints, refunds).
        case decrease
    }

    /// Unique within the definition; names the metric in reports.
    public var name: String
    public var kind: Kind
    /// The event type counted, e.g. `EmailReplied`.
    public var event: String
    /// How long after exposure events count.
    public var window: TimeWindow
    /// An expression over the event that must hold for it to count (compiled by the caller).
    public var filter: String?
    /// For revenue: the dotted path of the amount in the event, e.g. `data.total`.
    public var value: String?
    public var direction: Direction

    public init(
        name: String, kind: Kind, event: String, window: TimeWindow, filter: String? = nil,
        value: String? = nil, direction: Direction = .increase
    ) {
        self.name = name
        self.kind = kind
        self.event = event
        self.window = window
        self.filter = filter
        self.value = value
        self.direction = direction
    }
}
