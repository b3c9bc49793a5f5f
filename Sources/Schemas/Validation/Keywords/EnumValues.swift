import JSON

/// The values of an `enum`. Strings are matched by their UTF-8 bytes: by a scan for
/// short lists, through a hash set for long ones.
final class EnumValues: Sendable {
    let values: [JSONValue]
    let strings: [String]
    let stringSet: Set<String>
    /// Whether every value is a string (then `strings` alone decides).
    let onlyStrings: Bool

    init(_ values: [JSONValue]) {
        self.values = values
        strings = values.compactMap(\.stringValue)
        stringSet = strings.count > 16 ? Set(strings) : []
        onlyStrings = strings.count == values.count
    }

    func containsString(_ s: String) -> Bool {
        if strings.count > 16 {
            // `Set<String>` matches canonically equivalent strings too; confirm the bytes.
            guard stringSet.contains(s) else { return false }
            return strings.contains { Evaluator.compareUTF8($0, s) == 0 }
        }
        let length = s.utf8.count
        for candidate in strings where candidate.utf8.count == length && Evaluator.compareUTF8(candidate, s) == 0 {
            return true
        }
        return false
    }
}
