import ArgumentParser
import EventLog
import Foundation

/// The command line before argument-parser sees it, and its rejections after: what
/// argument-parser would print as an error, a help line and a usage block becomes one
/// line on stderr, exit 64 (`EX_USAGE`).
enum UsageErrors {
    /// The exit code of a usage error: `EX_USAGE`, as argument-parser uses.
    static let exitCode: Int32 = 64

    /// `--data DIR` (or `--data=DIR`) before the command names the store for every
    /// command, including `append`, whose own `--data` is the payload: it is taken off
    /// `arguments` and returned. An empty DIR is refused rather than taken for the
    /// current folder.
    static func takeStoreFolder(_ arguments: inout [String]) throws(ValidationError) -> String? {
        var leading: [String] = []
        while true {
            if arguments.first == "--data", arguments.count >= 2 {
                leading.append(arguments[1])
                arguments.removeFirst(2)
            } else if let first = arguments.first, first.hasPrefix("--data=") {
                leading.append(String(first.dropFirst("--data=".count)))
                arguments.removeFirst()
            } else {
                break
            }
        }
        if leading.contains("") { throw GlobalOptions.emptyData }
        try refuseTwoStoreFolders(leading + foldersAfterTheCommand(arguments))
        return leading.first
    }

    /// The folders `--data` names after the command (`import --data DIR f`), up to a
    /// `--`; none for `append`, whose own `--data` is its payload.
    private static func foldersAfterTheCommand(_ arguments: [String]) -> [String] {
        guard arguments.first != "append" else { return [] }
        var folders: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex, arguments[index] != "--" {
            if arguments[index] == "--data", index + 1 < arguments.endIndex {
                folders.append(arguments[index + 1])
                index += 2
                continue
            }
            if arguments[index].hasPrefix("--data=") { folders.append(String(arguments[index].dropFirst("--data=".count))) }
            index += 1
        }
        return folders
    }

    /// Refuses `--data` given with different folders: before the command and after it,
    /// or twice in one place. argument-parser keeps the last one given, so a slip in
    /// either would send an import or an append to another store without a word. The
    /// same folder given twice, however spelt (`d`, `./d/`, a link to it), is only said
    /// twice.
    private static func refuseTwoStoreFolders(_ folders: [String]) throws(ValidationError) {
        var distinct: [String] = []
        var seen: Set<String> = []
        for folder in folders where seen.insert(URL(fileURLWithPath: folder).resolvingSymlinksInPath().standardizedFileURL.path).inserted {
            distinct.append(folder)
        }
        guard distinct.count > 1 else { return }
        throw ValidationError(
            "--data is given more than once, naming \(distinct.map(MessageText.shellWord).joined(separator: " and ")); give the store's folder once")
    }

    /// The arguments as the system passed them (`argv` without the program's name),
    /// byte for byte. `CommandLine.arguments` has already repaired each one that is not
    /// valid UTF-8, with U+FFFD in place of the bytes it could not read.
    static var rawArguments: [[UInt8]] {
        (1..<Int(CommandLine.argc)).map { index in
            guard let argument = CommandLine.unsafeArgv[index] else { return [] }
            return Array(UnsafeRawBufferPointer(start: argument, count: strlen(argument)))
        }
    }

    /// Refuses the first of `arguments` (raw, as ``rawArguments``) that is not valid
    /// UTF-8, naming its position, the option it follows if any, and its bytes.
    ///
    /// Repaired, such an argument would be taken for text that was never typed: `append
    /// --stream $'\xff'` made a stream named "\u{FFFD}", and a file name in Latin-1
    /// would name a file that does not exist.
    static func requireUTF8(_ arguments: [[UInt8]]) throws(ValidationError) {
        guard let index = arguments.firstIndex(where: { String(validating: $0, as: UTF8.self) == nil }) else { return }
        var place = "argument \(index + 1)"
        // An option's value follows it; after `--` there are no options.
        if index > 0, let previous = String(validating: arguments[index - 1], as: UTF8.self), takesJoinedValue(previous),
            !arguments[..<index].contains(Array("--".utf8))
        {
            place += " (after \(previous))"
        }
        throw ValidationError(
            "\(place) is not valid UTF-8: \"\(MessageText.oneLine(escapingInvalidUTF8(arguments[index])))\"; give every argument as UTF-8 text "
                + "(a terminal, a script or a file name in another encoding, such as Latin-1, gives other bytes)")
    }

    /// Refuses a `$LEDGERLINE_DATA` that is not valid UTF-8, as ``requireUTF8(_:)``
    /// refuses such an argument: `ProcessInfo` repairs the environment the same way, so
    /// the store would be looked for in a folder whose name nobody gave.
    static func requireUTF8StoreFolderVariable() throws(ValidationError) {
        guard let raw = getenv("LEDGERLINE_DATA") else { return }
        let bytes = Array(UnsafeRawBufferPointer(start: raw, count: strlen(raw)))
        guard String(validating: bytes, as: UTF8.self) == nil else { return }
        throw ValidationError(
            "$LEDGERLINE_DATA is not valid UTF-8: \"\(MessageText.oneLine(escapingInvalidUTF8(bytes)))\"; set it to the store's folder as UTF-8 text, "
                + "or give --data")
    }

    /// `bytes` as text, each byte that is not part of valid UTF-8 written as `\xFF`.
    static func escapingInvalidUTF8(_ bytes: [UInt8]) -> String {
        var text = ""
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                text.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case .error(let length):
                for byte in bytes[offset..<offset + length] { text += (byte < 0x10 ? "\\x0" : "\\x") + String(byte, radix: 16, uppercase: true) }
                offset += length
            case .emptyInput:
                return text
            }
        }
    }

    /// `arguments` with each negative number that follows an option joined to it
    /// (`--from -1` becomes `--from=-1`, `-n -5` becomes `-n=-5`).
    ///
    /// argument-parser reads a word that starts with `-` as an option, so `--from -1`
    /// was "Missing value for '--from'" and the command's own check of the number
    /// (`--from must be a position, 0 or more: -1`) never ran. No option of ledgerline
    /// is named by a digit, so a word like `-1` can only be a value; joined, it reaches
    /// the option whatever the option's type, and is checked like `--from=-1`. After a
    /// flag, the join makes "Unknown option '-1'" into "Unexpected value '-1' for
    /// '--backward'", both refusals. Nothing after `--` is touched.
    static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var joined: [String] = []
        joined.reserveCapacity(arguments.count)
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let word = arguments[index]
            if word == "--" {
                joined.append(contentsOf: arguments[index...])
                break
            }
            let next = index + 1
            if next < arguments.endIndex, takesJoinedValue(word), looksNegative(arguments[next]) {
                joined.append("\(word)=\(arguments[next])")
                index += 2
            } else {
                joined.append(word)
                index += 1
            }
        }
        return joined
    }

    /// `--name` (without `=`) or `-x`: an option a value can be joined to.
    private static func takesJoinedValue(_ word: String) -> Bool {
        if word.hasPrefix("--") { return word.count > 2 && !word.contains("=") }
        return word.count == 2 && word.hasPrefix("-") && word.last!.isLetter
    }

    /// `-` then an ASCII digit: `-1`, `-0.5`, `-3e2`.
    private static func looksNegative(_ word: String) -> Bool {
        let bytes = Array(word.utf8.prefix(2))
        return bytes.count == 2 && bytes[0] == UInt8(ascii: "-")
            && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[1])
    }

    /// The one line for `error` when it is a usage error (argument-parser's own, or a
    /// `ValidationError` a command threw): what was wrong, then where to look. `nil`
    /// for anything else: help and version requests, and errors commands rendered
    /// themselves (an `ExitCode`).
    static func line(for error: any Error, arguments: [String]) -> String? {
        guard Ledgerline.exitCode(for: error).rawValue == exitCode else { return nil }
        let message = Ledgerline.message(for: error)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        guard !message.isEmpty else { return nil }
        return "ledgerline: \(MessageText.oneLine(message)); see `\(commandPath(arguments)) --help`"
    }

    /// `ledgerline` and the subcommands named in `arguments`: `ledgerline experiments assign`.
    static func commandPath(_ arguments: [String]) -> String {
        var path = [Ledgerline._commandName]
        var command: any ParsableCommand.Type = Ledgerline.self
        for word in arguments {
            if word == "--" { break }
            let named = command.configuration.subcommands.first {
                $0._commandName == word || $0.configuration.aliases.contains(word)
            }
            guard let named else { continue }
            path.append(named._commandName)
            command = named
        }
        return path.joined(separator: " ")
    }
}
