import JSON

/// Where a revenue metric finds its amount in an event: `data.amount`, `data.totals.net`.
///
/// The amount may be a money string (`"149.70"`, the catalog's convention) or a JSON
/// number; either is read exactly as a ``DecimalAmount``. A top-level payload field is read
/// straight from the stored bytes; deeper paths parse the payload.
public struct MetricValuePath: Sendable, Hashable {
    /// The fields under `data`, outermost first.
    public let fields: [String]

    public init?(_ text: String) {
        guard Self.isValid(text) else { return nil }
        fields = text.split(separator: ".").dropFirst().map(String.init)
    }

    /// Whether `text` is `data.` followed by one or more non-empty field names.
    public static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts[0] == "data" && parts.allSatisfy { !$0.isEmpty }
    }

    /// The amount in `payload`, or `nil` when absent or not a decimal.
    func amount(in payload: CanonicalPayload) -> DecimalAmount? {
        if fields.count == 1 {
            var found: Range<Int>?
            let name = fields[0]
            payload.forEachMember { key, value in
                if key.elementsEqual(name.utf8) { found = value }
                return found == nil
            }
            guard let found else { return nil }
            return Self.amount(UnsafeRawBufferPointer(rebasing: payload.bytes[found]))
        }
        guard var value = payload.value(0..<payload.bytes.count) else { return nil }
        for field in fields {
            guard let next = value[field] else { return nil }
            value = next
        }
        switch value {
        case .string(let s): return DecimalAmount(s)
        case .number(let n): return DecimalAmount(n.text)
        default: return nil
        }
    }

    /// A string or number literal's bytes as an amount.
    static func amount(_ raw: UnsafeRawBufferPointer) -> DecimalAmount? {
        if raw.count >= 2, raw[0] == 0x22, raw[raw.count - 1] == 0x22 {
            return DecimalAmount.parse(UnsafeRawBufferPointer(rebasing: raw[1..<(raw.count - 1)]))
        }
        return DecimalAmount.parse(raw)
    }
}
