import JSON
import Testing

@testable import Schemas

@Suite struct EventCatalogTests {
    static let requiredTypes = [
        "ContactCreated", "ContactUpdated", "ContactMerged", "AccountCreated", "AccountUpdated", "LeadCreated", "LeadQualified",
        "LeadDisqualified", "DealCreated", "DealStageChanged", "DealAmountChanged", "DealOwnerChanged", "DealWon", "DealLost",
        "EmailSent", "EmailDelivered", "EmailOpened", "EmailClicked", "EmailReplied", "EmailBounced", "CallLogged",
        "MeetingBooked", "MeetingHeld", "FormSubmitted", "PageVisited", "OrderPlaced", "OrderRefunded", "Subscribed",
        "Unsubscribed", "TaskCreated", "TaskCompleted", "TaskCancelled", "RuleVersionPublished", "RuleDisabled", "RuleFired",
        "EmailQueued", "EmailFailed", "TimerScheduled", "TimerFired", "ExperimentConfigured", "VariantAssigned",
        "ExperimentExposed", "ScoreUpdated", "ModelTrained",
    ]

    @Test func theEmbeddedCatalogCoversEveryTypeOfTheIssue() throws {
        let catalog = try EventCatalog.loadEmbedded()
        let names = Set(catalog.types.map(\.name))
        for type in Self.requiredTypes { #expect(names.contains(type), "missing \(type)") }
        #expect(try catalog.latestVersion(of: "DealStageChanged") == 2)
        #expect(try catalog.latestVersion(of: "OrderPlaced") == 1)
        #expect(catalog.types.allSatisfy { !$0.description.isEmpty })
    }

    @Test func theEmbeddedCatalogPassesItsOwnCheck() throws {
        let problems = try EventCatalog.loadEmbedded().check()
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
    }

    @Test(arguments: try Repository.schemaFiles().map(\.name).filter { CatalogFileName($0).map { if case .schema = $0 { true } else { false } } ?? false })
    func everyExampleValidatesAgainstItsSchema(file: String) throws {
        guard case .schema(let type, let version) = CatalogFileName(file) else { return }
        let catalog = EventCatalog.embedded
        let schema = try catalog.schema(type: type, version: version)
        let examples = try #require(schema.document["examples"]?.arrayValue)
        #expect(!examples.isEmpty)
        for example in examples {
            #expect(throws: Never.self) { try catalog.validate(type: type, version: version, data: example) }
        }
    }

    @Test func theCDNOWImportPayloadIsAValidOrderPlaced() throws {
        let payload = try JSONParser.parse(#"{"orderId": "...", "customerId": "00001", "quantity": 1, "amount": "11.77", "currency": "USD"}"#)
        try EventCatalog.embedded.validate(type: "OrderPlaced", version: 1, data: payload)
        try EventCatalog.embedded.validate(type: "OrderPlaced", version: 1, data: ["customerId": "23570", "quantity": 2, "amount": "0.00", "currency": "USD"])
    }

    @Test func theFolderAndTheEmbeddedCatalogAgree() throws {
        let folder = try EventCatalog(directory: Repository.schemas.path)
        #expect(folder.types == EventCatalog.embedded.types)
        #expect(folder.check().isEmpty)
    }

    @Test func unknownTypesAreRefusedWithTheKnownTypesAndASuggestion() {
        #expect {
            try EventCatalog.embedded.validate(type: "DealStageChange", version: 1, data: [:])
        } throws: { error in
            let error = error as! SchemaError
            return error.code == .unknownType
                && error.message.hasPrefix(#"unknown event type "DealStageChange"; did you mean "DealStageChanged"? (known types: AccountCreated, "#)
        }
        #expect {
            try EventCatalog.embedded.latestVersion(of: "Frobnicated")
        } throws: { error in
            let message = (error as! SchemaError).message
            return message.hasPrefix(#"unknown event type "Frobnicated" (known types: "#) && !message.contains("did you mean")
        }
    }

    @Test func unknownVersionsAreRefusedWithTheKnownVersions() {
        #expect {
            try EventCatalog.embedded.validate(type: "DealStageChanged", version: 3, data: [:])
        } throws: { error in
            let error = error as! SchemaError
            return error.code == .unknownVersion && error.message == "event type DealStageChanged has no schema version 3; known versions: 1, 2 (latest 2)"
        }
    }

    @Test func aMissingFolderIsAClearError() {
        #expect {
            try EventCatalog(directory: "/nonexistent/schemas")
        } throws: { error in
            let error = error as! SchemaError
            return error.code == .missingCatalog
                && error.message == "the schemas folder /nonexistent/schemas does not exist; pass a folder of *.json schemas"
        }
    }

    @Test func aSchemaReferringToAMissingSharedFileDoesNotLoad() {
        let files = [("Thing.v1.json", #"{"$id": "https://x.test/Thing.v1.json", "properties": {"id": {"$ref": "common.json#/$defs/id"}}}"#)]
        #expect {
            try EventCatalog(files: files)
        } throws: { error in
            let error = error as! SchemaError
            return error.code == .unresolvedReference && error.message.contains("https://x.test/common.json#/$defs/id")
        }
    }

    @Test func fileNamesDecideTheRole() {
        #expect(CatalogFileName("DealWon.v1.json") == .schema(type: "DealWon", version: 1))
        #expect(CatalogFileName("DealWon.v12.json") == .schema(type: "DealWon", version: 12))
        #expect(CatalogFileName("DealStageChanged.v1-to-v2.json") == .upcaster(type: "DealStageChanged", from: 1, to: 2))
        #expect(CatalogFileName("common.json") == .shared)
        #expect(CatalogFileName("DealWon.v0.json") == .shared)
        #expect(CatalogFileName("README.md") == nil)
    }
}
