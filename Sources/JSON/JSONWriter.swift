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
        var room = max(capacity, 16)
        while true {
            var fits = false
            let bytes = [UInt8](unsafeUninitializedCapacity: room) { buffer, count in
                var emitter = CanonicalEmitter(buffer)
                fits = emitter.write(value)
                count = fits ? emitter.count : 0
            }
            if fits { return bytes }
            room *= 2
        }
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

    public mutating func write(_ value: JSONValue) {
        if pretty { write(value, indent: 0) } else { bytes.append(contentsOf: Self.canonicalBytes(value)) }
    }

    /// The indented form; canonical output goes through ``CanonicalEmitter``.
    private mutating func write(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: append("null")
        case .bool(let b): append(b ? "true" : "false")
        case .number(let n): writeRaw(n.text)
        case .string(let s): writeString(s)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(element, indent: indent + 1)
            }
            if !elements.isEmpty { newline(indent) }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (i, member) in object.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                writeString(member.key)
                append(": ")
                write(member.value, indent: indent + 1)
            }
            if !object.isEmpty { newline(indent) }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private mutating func newline(_ indent: Int) {
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
        // Room for the worst case, six bytes a byte (`\u00XX`) and the quotes; the
        // escaping itself is ``CanonicalEmitter``'s, so there is one copy of it.
        let start = bytes.count
        let room = source.count * 6 + 2
        bytes.append(contentsOf: repeatElement(0, count: room))
        let written = bytes.withUnsafeMutableBufferPointer { all in
            var emitter = CanonicalEmitter(UnsafeMutableBufferPointer(rebasing: all[start...]))
            let fits = emitter.putString(utf8: source)
            assert(fits, "a string literal took more than six bytes per byte")
            return emitter.count
        }
        bytes.removeLast(room - written)
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
}
