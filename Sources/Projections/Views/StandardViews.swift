/// The views Ledgerline maintains: customers, pipeline and tasks.
public enum StandardViews {
    /// Every standard view, in the order `project status` lists them.
    public static var all: [any Projection] { [CustomerProjection(), PipelineProjection(), TaskProjection()] }

    public static var names: [String] { all.map(\.name) }

    /// The views called `names` (all when empty), each once in the order first named, or
    /// a ``ProjectionError/Code/notFound`` naming the views there are.
    public static func named(_ names: [String]) throws(ProjectionError) -> [any Projection] {
        guard !names.isEmpty else { return all }
        var views: [any Projection] = []
        for name in names {
            guard let view = all.first(where: { $0.name == name }) else {
                throw ProjectionError(
                    .notFound, "there is no view named \(name); the views are \(Self.names.joined(separator: ", "))")
            }
            if !views.contains(where: { $0.name == name }) { views.append(view) }
        }
        return views
    }
}
