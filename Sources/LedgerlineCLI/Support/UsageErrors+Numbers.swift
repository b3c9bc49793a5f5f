import ArgumentParser

extension UsageErrors {
    /// argument-parser's refusal of a numeric option's value ("The value
    /// '99999999999999999999' is invalid for '--limit <limit>'") as the option's own
    /// line, or `nil` for any other error.
    ///
    /// argument-parser refuses a whole number beyond its option's type (`Int`, `Int64`,
    /// `UInt64`) before the command's own check of the option runs, and says neither
    /// what the option takes nor why. Rather than a second parser, or a table of every
    /// option's range kept beside the commands, the command line is parsed again with
    /// the value replaced (the refused word only), which asks argument-parser and the
    /// command's `validate()` themselves:
    ///
    /// - an option that does not take `0` is not numeric: its refusal stays as it was;
    /// - a whole number too large or too small is replaced by the largest (smallest)
    ///   its type holds: when the option's own check refuses that too, its message is
    ///   given with the number typed (`--limit must be zero or more:
    ///   -99999999999999999999`); when it passes, the line says the bound
    ///   (`--limit must be at most 9223372036854775807: 99999999999999999999`);
    /// - anything else (`many`, `1.5`) is said not to be a whole number, or a number for
    ///   an option that takes `0.5`.
    ///
    /// Cost: up to four more parses of the command line, only once one has failed.
    static func refusedNumber(_ error: any Error, arguments: [String]) async -> ValidationError? {
        guard Ledgerline.exitCode(for: error).rawValue == exitCode,
            let (option, value) = refusedValue(Ledgerline.message(for: error)),
            let index = arguments.indices.first(where: { index in
                arguments[index] == "\(option)=\(value)"
                    || (index > 0 && arguments[index] == value && arguments[index - 1] == option)
            })
        else { return nil }

        /// What parsing says with `replacement` in place of the refused value: `nil`
        /// when the command line parses and validates.
        func outcome(_ replacement: String) async -> String? {
            var trial = arguments
            trial[index] = trial[index] == value ? replacement : "\(option)=\(replacement)"
            do {
                _ = try await Ledgerline.asyncParseAsRoot(trial)
                return nil
            } catch {
                return Ledgerline.message(for: error)
            }
        }
        func takes(_ replacement: String, _ outcome: String?) -> Bool {
            guard let refused = refusedValue(outcome ?? "") else { return true }
            return refused != (option, replacement)
        }

        guard takes("0", await outcome("0")) else { return nil }
        guard value.wholeMatch(of: /[+-]?[0-9]+/) != nil else {
            let kind = takes("0.5", await outcome("0.5")) ? "a number, such as 2.5" : "a whole number"
            return ValidationError("\(option) must be \(kind): \"\(value)\"")
        }
        let negative = value.hasPrefix("-")
        // The bounds of UInt64, then of Int and Int64; a negative number for an unsigned
        // option finds no bound that fits, and 0 is its least.
        let bounds = negative ? ["\(Int64.min)"] : ["\(UInt64.max)", "\(Int64.max)"]
        // A value every numeric option of ledgerline takes, so that only the bound can
        // make the option's own check fail, not another option's.
        let ordinary = await outcome("1000")
        for bound in bounds {
            let bounded = await outcome(bound)
            guard takes(bound, bounded) else { continue }
            if let bounded, bounded != ordinary {
                // The check's own words, with the number typed rather than the bound.
                let own =
                    bounded.contains(bound)
                    ? bounded.replacingOccurrences(of: bound, with: value) : "\(bounded): \(value)"
                return ValidationError(own)
            }
            return ValidationError("\(option) must be \(negative ? "at least" : "at most") \(bound): \(value)")
        }
        return ValidationError("\(option) must be 0 or more: \(value)")
    }

    /// The option and the value in argument-parser's message "The value 'V' is invalid
    /// for '--name <value-name>'", when the message is that.
    private static func refusedValue(_ message: String) -> (option: String, value: String)? {
        let prefix = "The value '"
        guard message.hasPrefix(prefix), let middle = message.range(of: "' is invalid for '-") else { return nil }
        let value = String(message[message.index(message.startIndex, offsetBy: prefix.count)..<middle.lowerBound])
        let option = message[message.index(before: middle.upperBound)...].prefix { $0 != " " && $0 != "'" }
        return (String(option), value)
    }
}
