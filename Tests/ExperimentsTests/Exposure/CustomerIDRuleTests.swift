import EventLog
import Experiments
import JSON
import Schemas
import Testing

/// `ExperimentEvents.customerStream` writes the catalog's `id` rule (schemas/common.json)
/// out by hand, so that an assignment is refused before it is decided for an id no
/// customer event can hold. It must take exactly the ids the catalog takes.
@Suite struct CustomerIDRuleTests {
    @Test(arguments: [
        "c-42", "42", "C100042", "ana@example.com", "crm:123", "a.b_c", "Z", String(repeating: "c", count: 128),
        "José", ".x", "-x", "c 1", "", "日本", "c/1", "c\u{200B}1", String(repeating: "c", count: 129),
    ])
    func theRuleIsTheCatalogs(id: String) {
        let catalog = EventCatalog.embedded.isValid(type: "ContactCreated", version: 1, data: .object(["customerId": .string(id)]))
        let stream = (try? ExperimentEvents.customerStream(id)) != nil
        #expect(stream == catalog, "\(id): the stream rule says \(stream), the catalog \(catalog)")
    }
}
