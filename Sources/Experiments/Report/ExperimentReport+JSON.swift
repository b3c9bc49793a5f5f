import JSON

extension ExperimentReport {
    /// The report for machines: every number of the text report, unrounded, plus the
    /// timelines. Numbers that cannot be computed are `null`; `problem` says why.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "experimentKey": .string(experimentKey),
            "name": .string(name),
            "status": .string(status.rawValue),
            "bandit": .bool(isBandit),
            "through": .number(JSONNumber(through.rawValue)),
            "confidenceLevel": ReportJSON.number(options.confidenceLevel),
            "sequential": .bool(options.sequential),
            "phases": .array(phases.map(\.json)),
        ]
        if let correction = options.correction { members["correction"] = .string(correction.rawValue) }
        return .object(JSONObject(members))
    }
}

extension PhaseReport {
    var json: JSONValue {
        var members: [String: JSONValue] = [
            "phase": .number(JSONNumber(phase)),
            "startedAt": .string(startedAt.description),
            "configuredAt": .number(JSONNumber(configuration.position.rawValue)),
            "phaseChanges": .array(configuration.phaseChanges.map(JSONValue.string)),
            "units": .number(JSONNumber(totalUnits)),
            "variations": .array(
                variations.indices.map { i in
                    .object(
                        JSONObject([
                            "id": .string(variations[i].id), "name": .string(variations[i].name),
                            "units": .number(JSONNumber(units[i])),
                            "expectedShare": ReportJSON.number(expectedShares[i]),
                        ]))
                }),
            "sampleRatio": .object(
                JSONObject([
                    "chiSquare": ReportJSON.number(sampleRatio.chiSquare),
                    "degreesOfFreedom": .number(JSONNumber(sampleRatio.degreesOfFreedom)),
                    "pValue": ReportJSON.number(sampleRatio.pValue),
                    "mismatch": .bool(sampleRatio.isMismatch),
                ])),
            "metrics": .array(metrics.map { $0.json(variations: variations) }),
            "warnings": .array(warnings.map(JSONValue.string)),
        ]
        if let checksum = configuration.checksum { members["checksum"] = .string(checksum) }
        if let firstExposure { members["firstExposure"] = .string(firstExposure.description) }
        if let lastExposure { members["lastExposure"] = .string(lastExposure.description) }
        return .object(JSONObject(members))
    }
}

extension MetricReport {
    func json(variations: [VariationDefinition]) -> JSONValue {
        let intervals = analysis.variationIntervals
        let level = analysis.settings.confidenceLevel
        let rows: [JSONValue] = analysis.variations.indices.map { i in
            let stat = analysis.variations[i]
            var row: [String: JSONValue] = [
                "id": .string(i < variations.count ? variations[i].id : String(i)),
                "units": .number(JSONNumber(stat.units)),
                "conversions": .number(JSONNumber(conversions[i])),
                "mean": ReportJSON.number(stat.mean),
                "interval": ReportJSON.interval(intervals[i].lower, intervals[i].upper),
            ]
            if let totals { row["total"] = .string(totals[i].description) }
            if let comparison = analysis.comparisons.first(where: { $0.variation == i }) {
                if let absolute = comparison.absoluteLift {
                    let a = absolute.interval(level: level)
                    row["absoluteLift"] = ReportJSON.estimate(absolute.estimate, a.lower, a.upper)
                } else {
                    row["absoluteLift"] = .null
                }
                if let relative = comparison.relativeLift {
                    let r = relative.interval(level: level)
                    row["relativeLift"] = ReportJSON.estimate(relative.estimate, r.lower, r.upper)
                }
                let f = comparison.frequentist
                row["test"] = .string(metric.kind == .revenue ? "welch-t" : "two-proportion-z")
                row["pValue"] = f.problem == nil ? ReportJSON.number(f.pValue) : .null
                if let adjustedPValues { row["adjustedPValue"] = ReportJSON.number(adjustedPValues[i - 1]) }
                if let s = comparison.sequential {
                    row["sequential"] =
                        s.problem == nil
                        ? .object(
                            JSONObject([
                                "lower": ReportJSON.number(s.interval.lower),
                                "upper": ReportJSON.number(s.interval.upper), "pValue": ReportJSON.number(s.pValue),
                            ])) : .null
                }
                let b = comparison.bayesian
                row["chanceToWin"] = b.problem == nil ? ReportJSON.number(b.chanceToWin) : .null
                row["risk"] =
                    b.problem == nil
                    ? .object(
                        JSONObject([
                            "control": ReportJSON.number(b.risk.control),
                            "treatment": ReportJSON.number(b.risk.treatment),
                        ])) : .null
                if let problem = f.problem ?? b.problem { row["problem"] = .string(problem.rawValue) }
            }
            return .object(JSONObject(row))
        }
        var members: [String: JSONValue] = [
            "name": .string(metric.name),
            "role": .string(role.rawValue),
            "kind": .string(metric.kind.rawValue),
            "event": .string(metric.event),
            "windowSeconds": .number(JSONNumber(metric.window.seconds)),
            "direction": .string(metric.direction.rawValue),
            "variations": .array(rows),
            "timeline": .array(timeline.map(\.json)),
            "warnings": .array(warnings.map(JSONValue.string)),
        ]
        if let filter = metric.filter { members["filter"] = .string(filter) }
        if let currency { members["currency"] = .string(currency) }
        return .object(JSONObject(members))
    }
}

extension TimelinePoint {
    var json: JSONValue {
        .object(
            JSONObject([
                "time": .string(time.description),
                "units": .array(units.map { .number(JSONNumber($0)) }),
                "means": .array(means.map(ReportJSON.number)),
                "lifts": .array(lifts.map { $0.map { ReportJSON.estimate($0.estimate, $0.lower, $0.upper) } ?? .null }),
            ]))
    }
}
