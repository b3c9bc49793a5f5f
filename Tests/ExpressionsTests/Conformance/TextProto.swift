/// A reader for the protocol buffer text format, enough for the cel-spec conformance files:
/// fields with scalar or message values (`{...}` or `<...>`), repeated fields, `#` comments,
/// string literals with C escapes (concatenated when adjacent), numbers including `inf` and
/// `nan`, enum identifiers, and `[type.googleapis.com/...]` extension/Any field names.
///
/// The result is untyped: each message is a list of (field name, value) pairs, interpreted by
/// `SimpleTestFile`.
struct TextProtoMessage {
    enum FieldValue {
        /// A string literal, as raw bytes (text format strings may hold any bytes).
        case string([UInt8])
        /// A number, identifier or enum name, as written.
        case token(String)
        case message(TextProtoMessage)
    }

    var fields: [(name: String, value: FieldValue)] = []

    func all(_ name: String) -> [FieldValue] { fields.filter { $0.name == name }.map(\.value) }
    func first(_ name: String) -> FieldValue? { fields.first { $0.name == name }?.value }
    func message(_ name: String) -> TextProtoMessage? {
        if case .message(let m)? = first(name) { return m }
        return nil
    }
    func messages(_ name: String) -> [TextProtoMessage] {
        all(name).compactMap { if case .message(let m) = $0 { return m } else { return nil } }
    }
    func string(_ name: String) -> String? {
        if case .string(let bytes)? = first(name) { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
    func bytes(_ name: String) -> [UInt8]? {
        if case .string(let bytes)? = first(name) { return bytes }
        return nil
    }
    func token(_ name: String) -> String? {
        if case .token(let t)? = first(name) { return t }
        return nil
    }
    func bool(_ name: String) -> Bool { token(name) == "true" || token(name) == "1" || token(name) == "True" }
    var isEmpty: Bool { fields.isEmpty }
}

struct TextProtoError: Error, CustomStringConvertible {
    var message: String
    var line: Int
    var description: String { "textproto line \(line): \(message)" }
}

struct TextProtoParser {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    static func parse(_ text: String) throws -> TextProtoMessage {
        var parser = TextProtoParser(text)
        let message = try parser.parseFields(until: nil)
        return message
    }

    private var line: Int { bytes[..<index].filter { $0 == 0x0A }.count + 1 }

    private func fail(_ message: String) -> TextProtoError { TextProtoError(message: message, line: line) }

    private mutating func skipTrivia() {
        while index < bytes.count {
            let b = bytes[index]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                index += 1
            } else if b == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            } else {
                return
            }
        }
    }

    private mutating func parseFields(until closer: UInt8?) throws -> TextProtoMessage {
        var message = TextProtoMessage()
        while true {
            skipTrivia()
            guard index < bytes.count else {
                if closer != nil { throw fail("unexpected end of input") }
                return message
            }
            if let closer, bytes[index] == closer {
                index += 1
                return message
            }
            let name = try parseFieldName()
            skipTrivia()
            var sawColon = false
            if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                sawColon = true
                index += 1
                skipTrivia()
            }
            guard index < bytes.count else { throw fail("missing value for \(name)") }
            if bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "<") {
                let close: UInt8 = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: ">")
                index += 1
                message.fields.append((name, .message(try parseFields(until: close))))
            } else if bytes[index] == UInt8(ascii: "[") {
                // A repeated field written as a list: name: [v1, v2].
                index += 1
                while true {
                    skipTrivia()
                    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                        index += 1
                        break
                    }
                    if bytes[index] == UInt8(ascii: "{") {
                        index += 1
                        message.fields.append((name, .message(try parseFields(until: UInt8(ascii: "}")))))
                    } else {
                        message.fields.append((name, try parseScalar()))
                    }
                    skipTrivia()
                    if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1 }
                }
            } else {
                guard sawColon else { throw fail("expected ':' after \(name)") }
                message.fields.append((name, try parseScalar()))
            }
            skipTrivia()
            if index < bytes.count, bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: ";") {
                index += 1
            }
        }
    }

    private mutating func parseFieldName() throws -> String {
        if bytes[index] == UInt8(ascii: "[") {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "]") { index += 1 }
            index += 1
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        let start = index
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        guard index > start else { throw fail("expected a field name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2E
    }

    private mutating func parseScalar() throws -> TextProtoMessage.FieldValue {
        if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
            var out: [UInt8] = []
            while index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                out += try parseString()
                skipTrivia()
            }
            return .string(out)
        }
        let start = index
        while index < bytes.count,
            isNameByte(bytes[index]) || bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")
        {
            index += 1
        }
        guard index > start else { throw fail("expected a value") }
        return .token(String(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func parseString() throws -> [UInt8] {
        let quote = bytes[index]
        index += 1
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("unterminated string") }
            let b = bytes[index]
            index += 1
            if b == quote { return out }
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                continue
            }
            guard index < bytes.count else { throw fail("unterminated escape") }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = UInt32(e - 0x30)
                var count = 1
                while count < 3, index < bytes.count, (0x30...0x37).contains(bytes[index]) {
                    value = value * 8 + UInt32(bytes[index] - 0x30)
                    index += 1
                    count += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                var value: UInt32 = 0
                var count = 0
                while count < 2, index < bytes.count, let digit = hex(bytes[index]) {
                    value = value * 16 + digit
                    index += 1
                    count += 1
                }
                out.append(UInt8(value))
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let width = e == UInt8(ascii: "u") ? 4 : 8
                var value: UInt32 = 0
                for _ in 0..<width {
                    guard index < bytes.count, let digit = hex(bytes[index]) else { throw fail("bad unicode escape") }
                    value = value * 16 + digit
                    index += 1
                }
                guard let scalar = Unicode.Scalar(value) else { throw fail("bad code point") }
                out += Array(String(Character(scalar)).utf8)
            default:
                out.append(e)
            }
        }
    }

    private func hex(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }
}
