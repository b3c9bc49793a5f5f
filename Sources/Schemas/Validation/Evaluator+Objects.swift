import EventLog
import JSON

extension Evaluator {
    mutating func checkObjectShape(_ keyword: Keyword, _ node: SchemaNode, _ instance: JSONValue) -> Bool {
        guard case .object(let object) = instance else { return true }
        switch keyword {
        case .maxProperties(let limit):
            guard object.count > limit else { return true }
            report(node, "maxProperties", "expected at most \(limit) properties, found \(object.count)")
            return false
        case .minProperties(let limit):
            guard object.count < limit else { return true }
            report(node, "minProperties", "expected at least \(limit) properties, found \(object.count)")
            return false
        case .dependentRequired(let dependencies):
            var valid = true
            for (property, required) in dependencies.object.list where Self.has(object, property) {
                for name in required where !Self.has(object, name) {
                    valid = false
                    report(node, "dependentRequired", "property \"\(name)\" is required when \"\(property)\" is present")
                    if !collecting { return false }
                }
            }
            return valid
        default:
            return true
        }
    }

    /// One merge pass over the instance's sorted members and the schema's sorted
    /// `properties`/`required` names; patterns and `additionalProperties` for the rest.
    mutating func applyMembers(
        _ members: ObjectMembers, _ node: SchemaNode, _ instance: JSONValue, _ tracking: Bool, _ annotations: inout Annotations
    ) -> Bool {
        guard case .object(let object) = instance else { return true }
        // Members are borrowed from the instance, not copied, so the loop does no
        // reference counting of its own.
        return object.withMembers { buffer in
        var valid = true
        var ignored = Annotations()
        let entries = members.entries
        var present: UInt64 = 0
        var e = 0
        for i in buffer.indices {
            var matched = false
            while e < entries.count {
                let order = Self.compare(entries[e].key, buffer[i].key)
                if order < 0 {
                    if entries[e].required {
                        valid = false
                        report(node, "required", "missing required property \"\(members.names[e])\"")
                        if !collecting { return false }
                    }
                    e += 1
                    continue
                }
                if order == 0 {
                    present |= 1 << UInt64(e & 63)
                    if let schema = entries[e].schema {
                        matched = true
                        let ok = descend(.key(buffer[i].key)) { $0.evaluate(schema, buffer[i].value, tracking: false, &ignored) }
                        if !ok {
                            valid = false
                            if !collecting { return false }
                        }
                    }
                    e += 1
                }
                break
            }
            for (regex, schema) in members.patterns where regex.matches(buffer[i].key) {
                matched = true
                let ok = descend(.key(buffer[i].key)) { $0.evaluate(schema, buffer[i].value, tracking: false, &ignored) }
                if !ok {
                    valid = false
                    if !collecting { return false }
                }
            }
            if !matched, let additional = members.additional {
                matched = true
                if members.additionalIsFalse {
                    valid = false
                    if !collecting { return false }
                    descend(.key(buffer[i].key)) { evaluator in
                        let hint = Suggestion.closest(to: buffer[i].key, in: entries.indices.filter { entries[$0].schema != nil }.map { members.names[$0] })
                        evaluator.report(node, "additionalProperties", "unexpected property\(hint.map { "; did you mean \"\($0)\"?" } ?? " (additionalProperties is false)")")
                    }
                } else {
                    let ok = descend(.key(buffer[i].key)) { $0.evaluate(additional, buffer[i].value, tracking: false, &ignored) }
                    if !ok {
                        valid = false
                        if !collecting { return false }
                    }
                }
            }
            if tracking, matched { annotations.properties.insert(i) }
        }
        while e < entries.count {
            if entries[e].required {
                valid = false
                report(node, "required", "missing required property \"\(members.names[e])\"")
                if !collecting { return false }
            }
            e += 1
        }
        for (property, required) in members.dependencies where present & (1 << UInt64(property)) != 0 {
            for name in required where present & (1 << UInt64(name)) == 0 {
                valid = false
                report(node, "dependentRequired", "property \"\(members.names[name])\" is required when \"\(members.names[property])\" is present")
                if !collecting { return false }
            }
        }
        return valid
        }
    }

    mutating func applyPropertyNames(_ schema: SchemaNode, _ node: SchemaNode, _ instance: JSONValue) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        var ignored = Annotations()
        for member in object {
            let mark = violationCount
            guard !evaluate(schema, .string(member.key), tracking: false, &ignored) else { continue }
            valid = false
            if !collecting { return false }
            // Name the offending key: the nested messages would all point at the object.
            let reasons = takeViolations(since: mark).map(\.message)
            report(node, "propertyNames", "property name \"\(member.key)\": \(reasons.joined(separator: "; "))")
        }
        return valid
    }

    mutating func applyDependentSchemas(
        _ dependencies: [(property: String, schema: NodeLink)], _ instance: JSONValue, _ tracking: Bool, _ annotations: inout Annotations
    ) -> Bool {
        guard case .object(let object) = instance else { return true }
        var valid = true
        for (property, schema) in dependencies where Self.has(object, property) {
            if !evaluate(schema, instance, tracking: tracking, &annotations) {
                valid = false
                if !collecting { return false }
            }
        }
        return valid
    }

    mutating func applyUnevaluatedProperties(
        _ schema: SchemaNode, _ node: SchemaNode, _ instance: JSONValue, _ annotations: inout Annotations
    ) -> Bool {
        guard case .object(let object) = instance, !annotations.properties.all else { return true }
        var valid = true
        var ignored = Annotations()
        for i in object.indices where !annotations.properties.contains(i) {
            let member = object[i]
            let ok = descend(.key(member.key)) { evaluator in
                let mark = evaluator.violationCount
                let ok = evaluator.evaluate(schema, member.value, tracking: false, &ignored)
                if !ok, schema.keywords.count == 1, case .alwaysFalse = schema.keywords[0] {
                    _ = evaluator.takeViolations(since: mark)
                    evaluator.report(node, "unevaluatedProperties", "unexpected property (unevaluatedProperties is false)")
                }
                return ok
            }
            if !ok {
                valid = false
                if !collecting { return false }
            }
            annotations.properties.insert(i)
        }
        return valid
    }

    /// Whether `object` has a member `name`: a binary search comparing UTF-8 bytes.
    static func has(_ object: JSONObject, _ name: String) -> Bool {
        var low = 0
        var high = object.count
        while low < high {
            let mid = (low + high) / 2
            let order = compareUTF8(object[mid].key, name)
            if order == 0 { return true }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return false
    }

    /// Orders schema-side name bytes against an instance key, by UTF-8 bytes.
    @inline(__always)
    static func compare(_ key: UnsafeBufferPointer<UInt8>, _ name: String) -> Int {
        if let result = name.utf8.withContiguousStorageIfAvailable({ y -> Int in
            let n = Swift.min(key.count, y.count)
            var i = 0
            while i < n {
                if key[i] != y[i] { return key[i] < y[i] ? -1 : 1 }
                i += 1
            }
            return key.count == y.count ? 0 : (key.count < y.count ? -1 : 1)
        }) {
            return result
        }
        return key.lexicographicallyPrecedes(name.utf8) ? -1 : (key.elementsEqual(name.utf8) ? 0 : 1)
    }

    /// Orders two strings by their UTF-8 bytes, as ``JSON/JSONObject`` orders keys.
    @inline(__always)
    static func compareUTF8(_ a: String, _ b: String) -> Int {
        let result = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Int in
                let n = Swift.min(x.count, y.count)
                var i = 0
                while i < n {
                    if x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
                    i += 1
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
        if let result, let result { return result }
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }
}
