import JSON

extension CSVMapping {
    /// The mapping with every column name resolved against `header`.
    ///
    /// - Throws: ``CSVMappingError`` naming each column the header lacks, at its line in
    ///   the mapping, with the nearest column name as a hint.
    public func resolved(header: [String], dataFile: String) throws(CSVMappingError) -> CSVMapping {
        var resolver = ColumnResolver(header: header, dataFile: dataFile, fromHeader: dialect.hasHeader)
        var copy = self
        for i in copy.events.indices {
            copy.events[i].stream.resolve(&resolver)
            copy.events[i].idKey.resolve(&resolver)
            copy.events[i].actor?.resolve(&resolver)
            copy.events[i].occurredAt?.resolve(&resolver)
            copy.events[i].condition?.resolve(&resolver)
            for j in copy.events[i].metadata.indices { copy.events[i].metadata[j].value.resolve(&resolver) }
            for j in copy.events[i].data.indices { copy.events[i].data[j].resolve(&resolver) }
        }
        if !resolver.problems.isEmpty { throw CSVMappingError(file: file, problems: resolver.problems) }
        return copy
    }

    /// An event a row yields: the event (its id derived from its key), its payload as
    /// a value, and which of the mapping's events it is.
    struct Mapped {
        var event: ProposedEvent
        var data: JSONObject
        var entry: Int
    }

    /// The events `row` yields, in mapping order, or every problem that stops it.
    /// The mapping must be ``resolved(header:dataFile:)``.
    func map(_ row: CSVRow) -> Result<[Mapped], RowProblems> {
        var mapped: [Mapped] = []
        var problems: [CSVRow.Problem] = []
        for (entry, event) in events.enumerated() {
            do throws(CSVRow.Problem) {
                if let condition = event.condition, try !condition.holds(row) { continue }
            } catch {
                problems.append(error)
                continue
            }
            let before = problems.count
            var data = PayloadTree()
            for field in event.data {
                do throws(CSVRow.Problem) {
                    if let value = try field.value(row) { data.insert(value, at: field.path[...]) }
                } catch {
                    problems.append(error)
                }
            }
            var stream: StreamName?
            var id: EventID?
            var occurredAt: Timestamp?
            var actor: String?
            var metadata: [String: String] = [:]
            do throws(CSVRow.Problem) {
                stream = try streamName(event, row)
            } catch {
                problems.append(error)
            }
            do throws(CSVRow.Problem) {
                switch try event.idKey.render(row) {
                case .text(let key):
                    switch event.idKey.position {
                    case .line: id = Self.eventID(type: event.type, key: key, ordinal: row.line)
                    case .row: id = Self.eventID(type: event.type, key: key, ordinal: row.number)
                    case .none: id = Self.eventID(type: event.type, key: key)
                    }
                case .empty(let column):
                    throw CSVRow.Problem(
                        column: column.name,
                        reason:
                            "is empty, and the id key `\(event.idKey.source)` (mapping line \(event.idKey.line)) needs it"
                    )
                }
            } catch {
                problems.append(error)
            }
            do throws(CSVRow.Problem) {
                occurredAt = try event.occurredAt?.timestamp(row)
                if case .text(let text) = try event.actor?.render(row) { actor = text }
                for (key, template) in event.metadata {
                    if case .text(let text) = try template.render(row) { metadata[key] = text }
                }
            } catch {
                problems.append(error)
            }
            guard problems.count == before, let stream, let id else { continue }
            let payload = data.object
            let proposed = ProposedEvent(
                id: id, stream: stream, type: event.type, schemaVersion: event.schemaVersion, data: payload,
                occurredAt: occurredAt,
                actor: actor, metadata: metadata)
            mapped.append(Mapped(event: proposed, data: payload, entry: entry))
        }
        if !problems.isEmpty {
            var seen = Set<CSVRow.Problem>()
            return .failure(RowProblems(list: problems.filter { seen.insert($0).inserted }))
        }
        return .success(mapped)
    }

    /// Every problem of one row.
    struct RowProblems: Error {
        var list: [CSVRow.Problem]
    }

    private func streamName(_ event: Event, _ row: CSVRow) throws(CSVRow.Problem) -> StreamName {
        switch try event.stream.render(row) {
        case .text(let text):
            if let problem = StreamName.validationProblem(text) {
                throw CSVRow.Problem(
                    column: nil, reason: "stream \(quoted(text)) from `\(event.stream.source)`: \(problem)")
            }
            return StreamName(unchecked: text)
        case .empty(let column):
            throw CSVRow.Problem(
                column: column.name,
                reason: "is empty, and the stream `\(event.stream.source)` (mapping line \(event.stream.line)) needs it"
            )
        }
    }

    /// The id of an event of `type` whose key is `key`: SHA-256 of both (a UUID v8).
    ///
    /// A key that holds the row's position (`{line}` or `{row}`) passes it as `ordinal`:
    /// it then leads the id, so one import's ids ascend and fill the `ids` index in order
    /// (see ``EventID/derived(ordinal:from:)``). The id stays a function of the key. A key
    /// without the position is hashed whole, so it survives rows being reordered.
    static func eventID(type: EventType, key: String, ordinal: Int? = nil) -> EventID {
        let name = Array("ledgerline-csv\u{0}\(type.rawValue)\u{0}\(key)".utf8)
        guard let ordinal else { return EventID.derived(from: name) }
        return EventID.derived(ordinal: UInt64(ordinal), from: name)
    }
}

/// A payload being built from dotted field paths; objects are made once, at the end.
private struct PayloadTree {
    var values: [String: JSONValue] = [:]
    var children: [String: PayloadTree] = [:]

    /// Paths never overlap (the mapping reader refuses `a` beside `a.b`).
    mutating func insert(_ value: JSONValue, at path: ArraySlice<String>) {
        let key = path.first!
        if path.count == 1 {
            values[key] = value
        } else {
            children[key, default: PayloadTree()].insert(value, at: path.dropFirst())
        }
    }

    var object: JSONObject {
        guard !children.isEmpty else { return JSONObject(values) }
        var all = values
        for (key, child) in children { all[key] = .object(child.object) }
        return JSONObject(all)
    }
}
