import EventLog

/// The row format of the pipeline view.
extension DealState {
    public func encode(to w: inout RowWriter) {
        w.optionalString(name)
        w.optionalString(pipeline)
        w.optionalString(stage)
        w.optionalString(ownerId)
        w.optionalString(customerId)
        w.optionalString(accountId)
        w.optionalMoney(amount)
        w.optionalString(currency)
        w.bool(probability != nil)
        if let probability { w.double(probability) }
        w.optionalString(expectedCloseDate)
        w.optionalTimestamp(createdAt)
        w.bool(hasCreation)
        w.uint(history.count)
        var previousPipeline: String?
        for entry in history {
            w.string(entry.stage)
            // A deal rarely changes pipeline: write it only when it differs from the entry before.
            let samePipeline = entry.pipeline == previousPipeline
            w.byte((entry.inferred ? 1 : 0) | (samePipeline ? 0 : 2))
            if !samePipeline { w.optionalString(entry.pipeline) }
            previousPipeline = entry.pipeline
            w.timestamp(entry.at)
        }
        w.byte(outcome.rawValue)
        w.optionalTimestamp(outcomeAt)
        w.uint(outcomeHistoryCount)
        w.optionalString(closeReason)
        w.optionalTimestamp(lastEventAt)
    }

    public init(decoding r: inout RowReader, entity: String) throws(ProjectionError) {
        self.entity = entity
        name = try r.optionalString()
        pipeline = try r.optionalString()
        stage = try r.optionalString()
        ownerId = try r.optionalString()
        customerId = try r.optionalString()
        accountId = try r.optionalString()
        amount = try r.optionalMoney()
        currency = try r.optionalString()
        probability = try r.bool() ? try r.double() : nil
        expectedCloseDate = try r.optionalString()
        createdAt = try r.optionalTimestamp()
        hasCreation = try r.bool()
        let n = try r.count()
        history.reserveCapacity(n)
        var previousPipeline: String?
        for _ in 0..<n {
            let stage = try r.string()
            let flags = try r.byte()
            if flags & 2 != 0 { previousPipeline = try r.optionalString() }
            history.append(
                StageEntry(stage: stage, pipeline: previousPipeline, at: try r.timestamp(), inferred: flags & 1 != 0))
        }
        guard let outcome = DealOutcome(rawValue: try r.byte()) else { throw r.damaged("a deal outcome is unknown") }
        self.outcome = outcome
        outcomeAt = try r.optionalTimestamp()
        outcomeHistoryCount = Int(try r.uint())
        closeReason = try r.optionalString()
        lastEventAt = try r.optionalTimestamp()
    }
}
