import Testing

@testable import Schemas

/// The asserted formats, beyond the conformance subset.
@Suite struct FormatTests {
    @Test(arguments: [
        (Format.dateTime, "2024-02-29T23:59:59.5+05:30", true),
        (.dateTime, "2023-02-29T00:00:00Z", false),
        (.dateTime, "2024-05-01 09:30:00Z", false),
        (.dateTime, "2016-12-31T23:59:60+01:00", false),  // 22:59:60 UTC is no leap second
        (.dateTime, "2017-01-01T00:59:60+01:00", true),  // 23:59:60 UTC is
        (.date, "2000-02-29", true),
        (.time, "00:29:60-23:30", true),
        (.email, "jane.doe+crm@example.co.uk", true),
        (.email, "jane@localhost", true),
        (.email, "jane@-example.com", false),
        (.email, "jane@example..com", false),
        (.email, "joe.bloggs@[IPv6:2001:db8::1]", true),
        (.email, "joe.bloggs@[IPv6:2001:db8:::1]", false),
        (.uuid, "0f8fad5b-d9cb-469f-a165-70867728950e", true),
        (.ipv4, "192.168.0.1", true),
        (.ipv4, "192.168.0.01", false),
        (.ipv4, "256.0.0.1", false),
        (.ipv6, "::ffff:192.168.0.1", true),
        (.ipv6, "1:2:3:4:5:6:7:8", true),
        (.ipv6, "1:2:3:4:5:6:7:8:9", false),
        (.ipv6, "12345::", false),
        (.hostname, "api.ledgerline.dev", true),
        (.hostname, "a_b.example", false),
        (.regex, "^[a-z]+$", true),
        (.regex, "^[a-z+$", false),
    ])
    func accepts(format: Format, value: String, expected: Bool) {
        #expect(format.accepts(value) == expected, "\(format.name): \(value)")
    }

    @Test func formatIsAnAnnotationUnlessAsserted() throws {
        let annotation = try Schema(parsing: #"{"format": "email"}"#)
        let assertion = try Schema(parsing: #"{"format": "email"}"#, options: ValidationOptions(formatAssertion: true))
        #expect(annotation.isValid("not an email"))
        #expect(!assertion.isValid("not an email"))
        #expect(assertion.violations(of: "nope").first?.description == #"expected an email address (format "email")"#)
    }

    @Test func unknownFormatsStayAnnotationsEvenWhenAsserting() throws {
        let schema = try Schema(parsing: #"{"format": "x-custom"}"#, options: ValidationOptions(formatAssertion: true))
        #expect(schema.isValid("anything"))
    }
}
