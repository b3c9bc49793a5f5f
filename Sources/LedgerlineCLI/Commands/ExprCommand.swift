import ArgumentParser
import Experiments
import Expressions
import Foundation
import JSON

/// `ledgerline expr eval|check`: try CEL expressions, the language of rule conditions and
/// experiment targeting, from the shell.
struct Expr: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expr",
        abstract: "Evaluate or type-check a CEL expression, the language rule conditions are written in.",
        discussion: """
            Errors go to stderr as one line (what, and where as line:column): exit 65 for an expression
            that does not parse, check or evaluate, or a --var value that is not JSON; 64 for a --var
            or --decl that is not name=value, or a name given twice.

            Example:
              ledgerline expr eval "deal.stage in ['won', 'lost']" \\
                --var 'deal={"stage":"won"}'
              ledgerline expr check "customer.scores.lead >= 0.6" \\
                --decl 'customer={"scores":"map(string, double)"}'
            """,
        subcommands: [Eval.self, Check.self])

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract:
                "Evaluate an expression and print the result as JSON (or as a CEL literal when JSON cannot hold it).",
            discussion: """
                Variables are bound with --var name=JSON; JSON integers become CEL ints, other numbers \
                doubles, objects maps. Time is never read from the clock: pass it as a variable and \
                convert it in the expression, e.g. --var 'now="2024-05-01T09:00:00Z"' with timestamp(now). \
                With --decl the expression is type-checked first, as `expr check` does.

                Example:
                  ledgerline expr eval "customer.plan != 'free' && size(customer.tags) > 1" \\
                    --var 'customer={"plan":"pro","tags":["vip","eu"]}'
                  ledgerline expr eval "timestamp(now).getDayOfWeek('Europe/Paris')" \\
                    --var 'now="2024-05-04T23:30:00Z"'
                """)

        @Argument(help: "The CEL expression.") var expression: String
        @Option(
            name: .customLong("var"),
            help: ArgumentHelp("A variable binding, name=JSON (repeatable).", valueName: "name=JSON"))
        var variables: [String] = []
        @Option(
            name: .customLong("decl"),
            help: ArgumentHelp("A declaration to check against, name=TYPE (repeatable).", valueName: "name=TYPE"))
        var declarations: [String] = []

        func run() async throws {
            try ExprCLI.run {
                var environment = Environment()
                for declaration in declarations {
                    let (name, type) = try ExprCLI.declaration(declaration)
                    environment.declare(name, type)
                }
                var activation = Activation()
                var bound: Set<String> = []
                for binding in variables {
                    let (name, value) = try ExprCLI.binding(binding)
                    guard bound.insert(name).inserted else {
                        throw ExprArgumentError(message: "--var \(name) is given twice; give each variable once", isUsage: true)
                    }
                    activation[name] = value
                }
                let program =
                    declarations.isEmpty
                    ? try environment.compileUnchecked(expression) : try environment.compile(expression)
                let result = try program.evaluate(activation)
                print(result.jsonText ?? result.literal)
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Type-check an expression against declared variables and print its type.",
            discussion: """
                Declare each variable with --decl name=TYPE. TYPE is int, uint, double, bool, string, bytes, \
                timestamp, duration, dyn, list(T), map(K, V) or optional_type(T); or a JSON object of field \
                names to types, which declares an object whose other fields are errors (catching typos). \
                Every problem is printed on its own line with its position; the exit status is non-zero \
                when there is any.

                Example:
                  ledgerline expr check "deal.amount > 1000 && deal.stage == 'won'" \\
                    --decl 'deal={"amount":"double","stage":"string"}'
                """)

        @Argument(help: "The CEL expression.") var expression: String
        @Option(
            name: .customLong("decl"),
            help: ArgumentHelp("A declaration, name=TYPE (repeatable).", valueName: "name=TYPE"))
        var declarations: [String] = []

        func run() async throws {
            try ExprCLI.run {
                var environment = Environment()
                for declaration in declarations {
                    let (name, type) = try ExprCLI.declaration(declaration)
                    environment.declare(name, type)
                }
                let result = environment.check(expression)
                guard result.isValid, let type = result.type else {
                    for issue in result.issues { ExprCLI.printError(issue.summary) }
                    throw ExitCode(65)
                }
                print(type.description)
            }
        }
    }
}

/// Argument parsing and error rendering shared by the `expr` subcommands.
enum ExprCLI {
    /// Runs the body, printing an `ExpressionError` or bad argument as one line on stderr:
    /// exit 65 for an expression or value that is wrong (bad input, as everywhere), 64 for
    /// an option that is not name=value.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as ExpressionError {
            printError(error.summary)
            throw ExitCode(65)
        } catch let error as ExprArgumentError {
            printError(error.message)
            throw ExitCode(error.isUsage ? 64 : 65)
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("ledgerline expr: \(message)\n".utf8))
    }

    static func split(_ text: String, option: String, example: String) throws -> (String, String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ExprArgumentError(message: "\(option) expects name=value, e.g. \(option) \(example); got '\(text)'", isUsage: true)
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    /// A `--var name=JSON`, parsed by the same parser as event payloads: duplicate keys
    /// are refused and a problem is named with its column in the value.
    static func binding(_ text: String) throws -> (String, Value) {
        let (name, json) = try split(text, option: "--var", example: "'limit=5'")
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(json)
        } catch {
            // A bare word is most likely a string without its quotes.
            let bare = json.first.map { $0.isLetter } ?? false
            let advice = bare ? "a string needs double quotes, e.g. --var '\(name)=\"\(json.prefix(20))\"'" : "fix the value at that column"
            throw ExprArgumentError(message: "--var \(name): the value is not valid JSON: \(error); \(advice)")
        }
        return (name, try value(parsed, variable: name, at: .root))
    }

    /// `json` as a CEL value, as conditions read payloads (CEL's JSON mapping): a number
    /// written without a fraction or exponent that fits 64 bits is an `int`, any other a
    /// `double`; objects are maps with string keys. A number past a double's range is
    /// refused rather than read as infinity.
    static func value(_ json: JSONValue, variable: String, at pointer: JSONPointer) throws -> Value {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .number(let n):
            let value = Value(conditionNumber: n)
            if case .double(let d) = value, !d.isFinite {
                let place = pointer.tokens.isEmpty ? "" : " at \(pointer)"
                throw ExprArgumentError(message: "--var \(variable): \(n.text)\(place) is beyond the range of a double (about 1.8e308)")
            }
            return value
        case .array(let items):
            return .list(try items.enumerated().map { try value($1, variable: variable, at: pointer.appending($0)) })
        case .object(let object):
            var map = MapValue()
            for (key, member) in object {
                map.insert(.string(key), try value(member, variable: variable, at: pointer.appending(key)))
            }
            return .map(map)
        }
    }

    static func declaration(_ text: String) throws -> (String, ExprType) {
        let (name, typeText) = try split(text, option: "--decl", example: "'limit=int'")
        if typeText.hasPrefix("{") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(typeText.utf8)) as? [String: Any] else {
                throw ExprArgumentError(message: "--decl \(name): the object declaration is not a JSON object")
            }
            var fields: [String: ExprType] = [:]
            for (field, value) in object {
                guard let written = value as? String, let type = ExprType(parsing: written) else {
                    throw ExprArgumentError(
                        message:
                            "--decl \(name): field '\(field)' needs a type such as \"string\" or \"map(string, double)\""
                    )
                }
                fields[field] = type
            }
            return (name, .object(name.prefix(1).uppercased() + name.dropFirst(), fields: fields))
        }
        guard let type = ExprType(parsing: typeText) else {
            throw ExprArgumentError(
                message:
                    "--decl \(name): unknown type '\(typeText)'; use int, uint, double, bool, string, bytes, timestamp, "
                    + "duration, dyn, list(T), map(K, V), optional_type(T) or a JSON object of field types")
        }
        return (name, type)
    }
}

struct ExprArgumentError: Error {
    var message: String
    /// An option that is not `name=value`, or a name given twice: exit 64, not 65.
    var isUsage = false
}
