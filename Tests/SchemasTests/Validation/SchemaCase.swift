import JSON
import Testing

@testable import Schemas

/// A schema with instances and their expected validity, for table-driven tests.
struct SchemaCase: CustomTestStringConvertible, Sendable {
    var name: String
    var schema: String
    var instances: [(json: String, valid: Bool)]
    var formatAssertion = false

    var testDescription: String { name }

    /// Checks every instance in both modes (fast yes/no and collecting).
    func check(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let compiled = try Schema(parsing: schema, options: ValidationOptions(formatAssertion: formatAssertion))
        for (json, valid) in instances {
            let instance = try JSONParser.parse(json)
            #expect(compiled.isValid(instance) == valid, "\(name): \(json) should be \(valid ? "valid" : "invalid")", sourceLocation: sourceLocation)
            #expect(compiled.violations(of: instance).isEmpty == valid, "\(name): collecting mode on \(json)", sourceLocation: sourceLocation)
        }
    }
}
