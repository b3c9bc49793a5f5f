import EventLog
import JSON

extension DealReading {
    /// `pipeline deal ID --json`: the deal, its status under the configuration, and its
    /// stage history with the time spent in each stage.
    public func json(referenceTime: Timestamp) -> JSONValue {
        let d = deal
        let timeline = DealTimeline(self, referenceTime: referenceTime)
        return [
            "dealId": .string(d.entity),
            "name": .text(d.name),
            "pipeline": .text(d.pipeline),
            "pipelineConfigured": .bool(pipeline.isConfigured),
            "stage": .text(d.stage),
            "stageConfigured": .bool(stage != nil),
            "status": .string(status.name),
            "ownerId": .text(d.ownerId),
            "customerId": .text(d.customerId),
            "accountId": .text(d.accountId),
            "amount": .money(d.amount),
            "currency": .text(d.currency),
            "probability": .money(probability),
            "weightedAmount": .money(weightedAmount),
            "createdAt": .time(d.createdAt),
            "creationInLog": .bool(d.hasCreation),
            "closedAt": .time(closedAt),
            "cycleDays": .ratio(cycleDays),
            "closeReason": .text(d.closeReason),
            "expectedCloseDate": .text(d.expectedCloseDate),
            "history": .array(
                timeline.stays.map { stay in
                    [
                        "stage": .string(stay.stage), "pipeline": .text(stay.pipeline),
                        "enteredAt": .time(stay.enteredAt),
                        "inferred": .bool(stay.inferred), "days": .ratio(stay.days), "current": .bool(stay.isCurrent),
                    ]
                }),
        ]
    }
}
