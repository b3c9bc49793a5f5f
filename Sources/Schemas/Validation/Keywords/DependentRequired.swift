/// `dependentRequired`: property → the properties it requires.
final class DependentRequired: Sendable {
    let list: [(property: String, required: [String])]

    init(_ list: [(property: String, required: [String])]) { self.list = list }
}
