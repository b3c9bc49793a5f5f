import Foundation

extension Value {
    /// A value from the output of `JSONSerialization`: objects become maps with string keys,
    /// arrays lists, strings strings, booleans bools, `null` null. Numbers written without a
    /// fraction or exponent that fit in 64 bits become `int`, so `--var limit=5` compares with
    /// `limit > 3` as written; all other numbers become `double` (CEL's JSON mapping).
    public init(json: Any) throws(ExpressionError) {
        switch json {
        case is NSNull:
            self = .null
        case let string as String:
            self = .string(string)
        case let number as NSNumber:
            if Value.isBoolean(number) {
                self = .bool(number.boolValue)
            } else if let int = Value.integer(number) {
                self = .int(int)
            } else {
                self = .double(number.doubleValue)
            }
        case let array as [Any]:
            var elements: [Value] = []
            elements.reserveCapacity(array.count)
            for element in array { elements.append(try Value(json: element)) }
            self = .list(elements)
        case let object as [String: Any]:
            var map = MapValue()
            for key in object.keys.sorted() { map.insert(.string(key), try Value(json: object[key]!)) }
            self = .map(map)
        default:
            throw ExpressionError(.invalidArgument, "cannot convert a \(Swift.type(of: json)) from JSON to a CEL value")
        }
    }

    /// Parses JSON text (any JSON value, not only objects and arrays) into a value.
    public init(jsonText: String) throws(ExpressionError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(jsonText.utf8), options: [.fragmentsAllowed])
        } catch {
            throw ExpressionError(.invalidArgument, "not valid JSON (strings need double quotes, as in \"text\")")
        }
        try self.init(json: object)
    }

    /// JSONSerialization returns booleans as a private NSNumber subclass on every platform.
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(describing: Swift.type(of: number)).contains("Boolean")
    }

    private static func integer(_ number: NSNumber) -> Int64? {
        let type = String(cString: number.objCType)
        guard ["c", "s", "i", "l", "q", "C", "S", "I", "L", "Q"].contains(type) else { return nil }
        if type == "Q" || type == "L" {
            return number.uint64Value <= UInt64(Int64.max) ? Int64(number.uint64Value) : nil
        }
        return number.int64Value
    }

    /// The value as JSON text following CEL's JSON mapping, or nil when it has none (a map
    /// with non-string keys, a type, an optional). Integers beyond ±(2^53-1) become decimal
    /// strings, bytes base64 strings, timestamps RFC 3339 strings, durations `"1.5s"`, NaN and
    /// infinities `"NaN"`, `"Infinity"`, `"-Infinity"`.
    public var jsonText: String? {
        var out = ""
        return writeJSON(into: &out) ? out : nil
    }

    private func writeJSON(into out: inout String) -> Bool {
        let interoperable: Int64 = (1 << 53) - 1
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += i.magnitude <= UInt64(interoperable) ? String(i) : "\"\(i)\""
        case .uint(let u): out += u <= UInt64(interoperable) ? String(u) : "\"\(u)\""
        case .double(let d):
            if d.isNaN || d.isInfinite {
                out += "\"\(Value.goDouble(d))\""
            } else if d == d.rounded(), abs(d) < 1e15 {
                out += String(Int64(d))
            } else {
                out += "\(d)"
            }
        case .string(let s): out += Value.jsonQuoted(s)
        case .bytes(let bytes): out += "\"\(Data(bytes).base64EncodedString())\""
        case .timestamp(let t): out += "\"\(t.rfc3339)\""
        case .duration(let d): out += "\"\(d.text)\""
        case .list(let elements):
            out += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { out += "," }
                guard element.writeJSON(into: &out) else { return false }
            }
            out += "]"
        case .map(let map):
            return Value.writeJSONObject(map, into: &out)
        case .object(let object):
            return Value.writeJSONObject(object.materialize(), into: &out)
        case .type, .optional:
            return false
        }
        return true
    }

    private static func writeJSONObject(_ map: MapValue, into out: inout String) -> Bool {
        out += "{"
        for (index, entry) in map.entries.enumerated() {
            guard case .string(let key) = entry.key else { return false }
            if index > 0 { out += "," }
            out += jsonQuoted(key) + ":"
            guard entry.value.writeJSON(into: &out) else { return false }
        }
        out += "}"
        return true
    }

    static func jsonQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
