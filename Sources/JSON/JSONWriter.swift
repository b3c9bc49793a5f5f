/// Writes ``JSONValue``s as canonical JSON bytes.
///
/// Canonical form: no insignificant whitespace, object members in UTF-8 key order
/// (which ``JSONObject`` already keeps), numbers as their exact text, strings with only
/// the escapes JSON requires (`"`, `\`, and control characters; `\b \f \n \r \t` in
/// short form, others as `\u00XX`) and every other character as raw UTF-8. Equal
/// values therefore always produce the same bytes, which is what the log hashes.
///
/// `pretty` output (two-space indentation) is for people and is not canonical.
public struct JSONWriter {
    /// The bytes written so far.
    public var bytes: [UInt8]
    private let pretty: Bool

    public init(pretty: Bool = false, reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.pretty = pretty
    }

    /// The canonical bytes of `value`; `capacity` is room to reserve for them (the length
    /// of the text it was parsed from is never too little).
    public static func canonicalBytes(_ value: JSONValue, reservingCapacity capacity: Int = 256) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: capacity)
        writer.write(value)
        return writer.bytes
    }

    /// The canonical text of `value`.
    public static func canonicalString(_ value: JSONValue) -> String {
        String(decoding: canonicalBytes(value), as: UTF8.self)
    }

    /// `value` indented for reading.
    public static func prettyString(_ value: JSONValue) -> String {
        var writer = JSONWriter(pretty: true)
        writer.write(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    public mutating func write(_ value: JSONValue) { write(value, indent: 0) }

    private mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .number(let n): writeRaw(n.text)
        case .string(let s): writeString(s)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            // Borrowed buffers, here and for members: walking them costs no reference
            // counting per element.
            elements.withUnsafeBufferPointer { elements in
                for i in elements.indices {
                    if i > 0 { bytes.append(UInt8(ascii: ",")) }
                    newline(indent + 1)
                    write(elements[i], indent: indent + 1)
                }
            }
            if !elements.isEmpty { newline(indent) }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            object.withMembers { members in
                for i in members.indices {
                    if i > 0 { bytes.append(UInt8(ascii: ",")) }
                    newline(indent + 1)
                    writeString(members[i].key)
                    bytes.append(UInt8(ascii: ":"))
                    if pretty { bytes.append(UInt8(ascii: " ")) }
                    write(members[i].value, indent: indent + 1)
                }
            }
            if !object.isEmpty { newline(indent) }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func newline(_ indent: Int) {
        guard pretty else { return }
        bytes.append(0x0A)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * 2))
    }

    /// Appends `s` as a JSON string literal with the canonical escapes.
    public mutating func writeString(_ s: String) {
        var s = s
        s.withUTF8 { writeString(utf8: $0) }
    }

    /// Appends the UTF-8 bytes as a JSON string literal with the canonical escapes.
    public mutating func writeString(utf8 source: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for i in 0..<source.count {
            let b = source[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<i])) }
            runStart = i + 1
            switch b {
            case 0x22: append("\\\"")
            case 0x5C: append("\\\\")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            default:
                append("\\u00")
                bytes.append(Self.hexDigit(b >> 4))
                bytes.append(Self.hexDigit(b & 0xF))
            }
        }
        if runStart < source.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<source.count])) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends text that is already valid JSON (a number's text, a canonical payload).
    public mutating func writeRaw(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends bytes that are already valid JSON.
    public mutating func writeRaw<Bytes: Sequence>(bytes raw: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: raw)
    }

    private mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10
    }
}
