import EventLog

/// The event types experiments write and read, and the streams they live in (see
/// `schemas/README.md`).
///
/// | type | stream | written by |
/// |---|---|---|
/// | `ExperimentConfigured` | `experiment-<key>` | ``ExperimentPublisher`` |
/// | `BanditWeightsUpdated` | `experiment-<key>` | ``BanditRebalancer`` |
/// | `VariantAssigned` | `customer-<id>` | ``ExperimentAssigner`` |
/// | `ExperimentExposed` | `customer-<id>` | ``ExperimentAssigner``, or whatever showed the variation |
public enum ExperimentEvents {
    public static let configured: EventType = "ExperimentConfigured"
    public static let banditWeightsUpdated: EventType = "BanditWeightsUpdated"
    public static let variantAssigned: EventType = "VariantAssigned"
    public static let exposed: EventType = "ExperimentExposed"

    /// `experiment-<key>`.
    public static func experimentStream(_ key: String) throws(ExperimentsError) -> StreamName {
        guard let name = StreamName("experiment-" + key) else {
            throw ExperimentsError(
                .unknownExperiment, "`\(key)` cannot be an experiment key: use letters, digits, `-`, `_` and `.`")
        }
        return name
    }

    /// `customer-<id>`, for an id the log's customer events can hold: the catalog's `id`
    /// (schemas/common.json), letters and digits and `._:@-`, starting with a letter or
    /// digit, at most 128 characters. Any stream name would do for the stream, but the
    /// events' `customerId` would be refused: a decision for such an id (`José`) could
    /// never be recorded.
    public static func customerStream(_ customerId: String) throws(ExperimentsError) -> StreamName {
        func isAlphanumeric(_ byte: UInt8) -> Bool {
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
        let bytes = customerId.utf8
        let fits =
            bytes.first.map(isAlphanumeric) == true && bytes.count <= 128
            && bytes.allSatisfy { isAlphanumeric($0) || "._:@-".utf8.contains($0) }
        guard fits, let name = StreamName("customer-" + customerId) else {
            throw ExperimentsError(
                .unknownCustomer,
                "a customer id is letters, digits and `._:@-` (ASCII, starting with a letter or digit, at most 128), "
                    + "as in the customer's stream name `customer-<id>`")
        }
        return name
    }

    /// The customer id of a `customer-<id>` stream, `nil` for other streams.
    public static func customerId(of stream: StreamName) -> String? {
        let raw = stream.rawValue
        guard raw.utf8.count > 9, raw.hasPrefix("customer-") else { return nil }
        return String(raw.dropFirst(9))
    }

    /// A deterministic event id for `parts` (joined with `|`): the same decision always gets
    /// the same id, so recording it twice stores it once.
    static func derivedID(_ parts: String...) -> EventID {
        EventID.derived(from: Array(parts.joined(separator: "|").utf8))
    }
}

extension ExperimentsError {
    /// Wraps a failure of the event log, keeping its message (which says what to do).
    static func logFailure(_ error: EventLogError, while doing: String) -> ExperimentsError {
        let code: Code = error.code == .wrongExpectedVersion ? .conflict : .log
        let advice = code == .conflict ? "; nothing was appended, run the command again" : ""
        return ExperimentsError(code, "\(doing): \(error.message)\(advice)", cause: error)
    }
}
