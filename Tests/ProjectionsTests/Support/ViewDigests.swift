@testable import Projections

extension ProjectionRunner {
    /// The SHA-256 digest of each standard view, in ``StandardViews/names`` order.
    func viewDigests() async throws -> [String] {
        var out: [String] = []
        for name in StandardViews.names { out.append(try digest(name).sha256) }
        return out
    }
}
