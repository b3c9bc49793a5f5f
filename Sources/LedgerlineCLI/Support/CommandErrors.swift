import ArgumentParser
import EventLog
import Experiments
import Foundation
import Projections
import Schemas

/// Renders every error of every command in one place: one clear line (or one line
/// per bad input line) on stderr, and a non-zero exit.
///
/// Exit codes: 1 for a failure (of the store, of the disk), 65 for bad input data (and
/// experiment definitions, keys and analyses that cannot be done), 66 for an input file
/// that is missing or cannot be read, 69 when the store is missing, 75 for a
/// concurrency conflict worth retrying.
enum CommandErrors {
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            let (lines, code) = render(error)
            Output.flush()
            for line in lines { Output.error(line) }
            throw ExitCode(code)
        }
    }

    static func render(_ error: Error) -> ([String], Int32) {
        switch error {
        case let failure as ImportFailure:
            // Bad lines are bad input; a scratch file the disk refused is not, nor a line
            // refused for what the store holds, a conflict as for `append`.
            return (failure.description.split(separator: "\n").map { "ledgerline: \($0)" }, failure.isStorageFailure ? 1 : failure.isConflict ? 75 : 65)
        case let error as CSVMappingError:
            return (error.description.split(separator: "\n").map { "ledgerline: \($0)" }, 65)
        case let error as SchemaError:
            return (["ledgerline: \(error.message)"], error.code == .missingCatalog ? 66 : 65)
        case let error as EventLogError:
            let code: Int32
            switch error.code {
            case .invalidEvent, .eventTooLarge: code = 65
            case .storeNotFound: code = 69
            case .wrongExpectedVersion, .idConflict: code = 75
            default: code = 1
            }
            return (["ledgerline: \(error.message)"], code)
        case let error as ExperimentsError:
            let code: Int32
            switch error.code {
            case .log: code = (error.cause as? EventLogError).map { render($0).1 } ?? 1
            case .conflict: code = 75
            case .unreadableFile: code = 66
            default: code = 65
            }
            return (error.description.split(separator: "\n").map { "ledgerline: \($0)" }, code)
        case let error as InputError:
            return (["ledgerline: \(error.message)"], error.isNotFound ? 1 : error.isUnreadable ? 66 : 65)
        case let error as ProjectionError:
            return (error.lines.map { "ledgerline: \($0)" }, error.exitCode)
        default:
            return (["ledgerline: \(error)"], 1)
        }
    }
}

/// Bad input given on the command line: says what was wrong and what is expected.
struct InputError: Error, CustomStringConvertible {
    var message: String
    /// Well-formed, but naming something the store does not hold: exit 1, not 65.
    var isNotFound = false
    /// An input file that is missing, a folder, or not readable: exit 66 (sysexits'
    /// EX_NOINPUT), not 65, which says the input was read and is wrong.
    var isUnreadable = false
    init(_ message: String) { self.message = message }
    var description: String { message }

    static func notFound(_ message: String) -> InputError {
        var error = InputError(message)
        error.isNotFound = true
        return error
    }

    static func unreadable(_ message: String) -> InputError {
        var error = InputError(message)
        error.isUnreadable = true
        return error
    }
}

extension EventID {
    /// The id given to `option` on the command line; `nil` when it was not given.
    static func parse(_ text: String?, option: String) throws(InputError) -> EventID? {
        guard let text else { return nil }
        guard let id = EventID(text) else { throw InputError("\(option) is not a UUID: \"\(text)\"") }
        return id
    }
}
