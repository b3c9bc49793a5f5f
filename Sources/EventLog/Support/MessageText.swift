import Foundation

/// Text from outside (a file's values, a CSV cell, a command-line argument) made safe to
/// quote in a one-line message.
public enum MessageText {
    /// `text` with each control character written as an escape: `\n`, `\r`, `\t`, or
    /// `\u001b` for the rest of C0, DEL and C1, and for the invisible characters that
    /// would hide or reorder what a message quotes (`\ufeff`, `\u202e`).
    ///
    /// Messages are one line per problem (`FILE:LINE: reason`), and they quote what the
    /// input held. Unescaped, a newline inside a quoted value would split one problem
    /// over several lines, which a reader — or a script reading stderr — could take for
    /// reports of their own; an escape sequence would drive the terminal.
    ///
    /// With `keepingLineBreaks`, a line feed stays one: for text of several lines made
    /// for people (a table, a report) in which values from the log are shown.
    public static func oneLine(_ text: String, keepingLineBreaks: Bool = false) -> String {
        func escaped(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) && !(keepingLineBreaks && scalar == "\n") }
        guard text.unicodeScalars.contains(where: escaped) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard escaped(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out
    }

    /// `text` as one shell word, so that a command in advice can be pasted as it is:
    /// unchanged when it holds only letters, digits and `/._-+,:@%`, else in single
    /// quotes (each `'` in it written `'\''`).
    public static func shellWord(_ text: String) -> String {
        let plain = !text.isEmpty && text.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            default: "/._-+,:@%".utf8.contains(byte)
            }
        }
        return plain ? text : "'" + text.replacing("'", with: "'\\''") + "'"
    }

    /// A path as one shell word for a command that takes it as an operand: as
    /// ``shellWord(_:)``, written `./-name` when it starts with `-`, which the command
    /// would take for an option.
    public static func shellPath(_ path: String) -> String {
        shellWord(path.hasPrefix("-") ? "./" + path : path)
    }

    /// A size in bytes as people read it, in decimal units: "0 bytes", "812 KB",
    /// "37.1 MB", "2.4 GB".
    public static func size(_ count: Int) -> String {
        switch count {
        case ..<1_000: return count == 1 ? "1 byte" : "\(count) bytes"
        case ..<1_000_000: return "\(count / 1_000) KB"
        case ..<1_000_000_000: return String(format: "%.1f MB", Double(count) / 1e6)
        default: return String(format: "%.1f GB", Double(count) / 1e9)
        }
    }

    /// C0, DEL and C1 controls, and the invisible characters that would hide or reorder
    /// what a message quotes: a byte order mark, a zero-width space, a word joiner and
    /// the bidirectional controls (U+202E shows the text after it reversed). The joiners
    /// that scripts and emoji need (U+200C, U+200D) are kept.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x061C, 0x200B, 0x200E, 0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }
}
