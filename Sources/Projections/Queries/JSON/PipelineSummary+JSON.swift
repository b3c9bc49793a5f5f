import JSON

extension PipelineSummary {
    public var json: JSONValue {
        [
            "groupedBy": .string(grouping.rawValue),
            "filter": Self.json(filter),
            "pipelines": .array(sections.map(Self.json)),
        ]
    }

    static func json(_ filter: DealFilter) -> JSONValue {
        [
            "owner": .text(filter.owner), "pipeline": .text(filter.pipeline), "from": .time(filter.from),
            "to": .time(filter.to),
        ]
    }

    static func json(_ section: Section) -> JSONValue {
        [
            "pipeline": .string(section.pipelineId),
            "name": .string(section.name),
            "configured": .bool(section.isConfigured),
            "rows": .array(section.rows.map(json)),
            "open": .tally(section.open, weighted: true),
            "won": .tally(section.won, weighted: false),
            "lost": .tally(section.lost, weighted: false),
            "winRate": .ratio(section.winRate),
            "averageCycleDaysWon": .ratio(section.averageCycleDaysWon),
            "averageCycleDaysLost": .ratio(section.averageCycleDaysLost),
        ]
    }

    static func json(_ row: Row) -> JSONValue {
        var object: [String: JSONValue] = ["key": .string(row.key), "label": .string(row.label)]
        switch row.kind {
        case .stage(let configured, let probability):
            object["kind"] = "stage"
            object["configured"] = .bool(configured)
            object["probability"] = .money(probability)
            object["open"] = .tally(row.open, weighted: true)
        case .won:
            object["kind"] = "won"
            object["won"] = .tally(row.won, weighted: false)
        case .lost:
            object["kind"] = "lost"
            object["lost"] = .tally(row.lost, weighted: false)
        case .owner:
            object["kind"] = "owner"
            object["open"] = .tally(row.open, weighted: true)
            object["won"] = .tally(row.won, weighted: false)
            object["lost"] = .tally(row.lost, weighted: false)
            object["winRate"] = .ratio(row.winRate)
        }
        return .object(JSONObject(object))
    }
}

extension PipelineFunnel {
    public var json: JSONValue {
        ["filter": PipelineSummary.json(filter), "pipelines": .array(sections.map(Self.json))]
    }

    static func json(_ section: Section) -> JSONValue {
        [
            "pipeline": .string(section.pipelineId),
            "name": .string(section.name),
            "configured": .bool(section.isConfigured),
            "deals": .int(section.deals),
            "open": .int(section.open),
            "won": .int(section.won),
            "lost": .int(section.lost),
            "winRate": .ratio(section.winRate),
            "stages": .array(
                section.rows.map { row in
                    [
                        "stage": .string(row.stage), "name": .string(row.name),
                        "outcome": .string(row.outcome.rawValue),
                        "reached": .int(row.reached), "entered": .int(row.entered),
                        "conversion": .ratio(row.conversion),
                        "averageDaysInStage": .ratio(row.averageDaysInStage), "current": .int(row.current),
                    ]
                }),
            "lostAt": .object(
                JSONObject(Dictionary(uniqueKeysWithValues: section.lostAt.map { ($0.stage, JSONValue.int($0.count)) }))
            ),
            "unconfiguredStages": .object(
                JSONObject(
                    Dictionary(
                        uniqueKeysWithValues: section.unconfiguredStages.map { ($0.stage, JSONValue.int($0.entered)) }))
            ),
        ]
    }
}
