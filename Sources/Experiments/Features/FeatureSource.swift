/// Where a feature's value came from.
public enum FeatureSource: String, Sendable, Hashable, Codable {
    case unknownFeature, defaultValue, force, experiment, prerequisite, cyclicPrerequisite, override
}
