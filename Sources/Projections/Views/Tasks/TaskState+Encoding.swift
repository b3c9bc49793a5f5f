import EventLog

/// The row format of the task view.
extension TaskState {
    public func encode(to w: inout RowWriter) {
        w.optionalString(title)
        w.optionalString(assigneeId)
        w.optionalString(customerId)
        w.optionalString(dealId)
        w.optionalString(kind)
        w.optionalString(priority)
        w.optionalTimestamp(dueAt)
        w.optionalTimestamp(createdAt)
        w.byte(status.rawValue)
        w.optionalTimestamp(closedAt)
        w.optionalString(closedBy)
        w.optionalString(resolution)
        switch source {
        case nil:
            w.byte(0)
        case .rule(let name, let version, let enrollment, let step, let cause)?:
            w.byte(1)
            w.string(name)
            w.bool(version != nil)
            if let version { w.int(version) }
            w.optionalString(enrollment)
            w.bool(step != nil)
            if let step { w.int(step) }
            w.optionalString(cause?.description)
        case .person(let who)?:
            w.byte(2)
            w.string(who)
        }
    }

    public init(decoding r: inout RowReader, entity: String) throws(ProjectionError) {
        self.entity = entity
        title = try r.optionalString()
        assigneeId = try r.optionalString()
        customerId = try r.optionalString()
        dealId = try r.optionalString()
        kind = try r.optionalString()
        priority = try r.optionalString()
        dueAt = try r.optionalTimestamp()
        createdAt = try r.optionalTimestamp()
        guard let status = Status(rawValue: try r.byte()) else { throw r.damaged("a task status is unknown") }
        self.status = status
        closedAt = try r.optionalTimestamp()
        closedBy = try r.optionalString()
        resolution = try r.optionalString()
        switch try r.byte() {
        case 0:
            source = nil
        case 1:
            let name = try r.string()
            let version = try r.bool() ? try r.int() : nil
            let enrollment = try r.optionalString()
            let step = try r.bool() ? try r.int() : nil
            let cause = try r.optionalString().flatMap(EventID.init)
            source = .rule(name: name, version: version, enrollmentId: enrollment, step: step, causedBy: cause)
        case 2:
            source = .person(try r.string())
        default:
            throw r.damaged("a task source is unknown")
        }
    }
}
