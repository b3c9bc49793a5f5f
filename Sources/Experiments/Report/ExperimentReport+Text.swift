extension ExperimentReport {
    /// The report for a terminal: per phase, the sample-ratio check and warnings, then one
    /// table per metric with a row per variation.
    ///
    /// Columns: units; conversions (or the exact revenue total); rate or mean with its
    /// interval; absolute and relative lift against control with delta-method intervals;
    /// the p-value (two-proportion z-test for rates, Welch's t-test for revenue), adjusted
    /// when a correction was asked for; the always-valid interval when sequential; the
    /// Bayesian chance to beat control and the expected loss of choosing the variation.
    public var text: String {
        var lines: [String] = []
        let level = ReportFormat.percent(options.confidenceLevel, digits: 0)
        lines.append(
            "\(experimentKey) — \(name) (\(status.rawValue)\(isBandit ? ", bandit" : "")), through seq \(through)")
        if phases.isEmpty { lines.append("no phase to report") }
        for phase in phases {
            lines.append("")
            lines += phase.textLines(level: level, options: options)
        }
        return lines.joined(separator: "\n")
    }
}

extension PhaseReport {
    func textLines(level: String, options: ReportOptions) -> [String] {
        var lines: [String] = []
        var head =
            "phase \(phase) · started \(ReportFormat.minute(startedAt)) · \(ReportFormat.grouped(totalUnits)) units"
        if let first = firstExposure, let last = lastExposure {
            head += " · exposed \(ReportFormat.minute(first)) → \(ReportFormat.minute(last))"
        }
        if !configuration.phaseChanges.isEmpty {
            head += " · new phase because \(configuration.phaseChanges.joined(separator: ", ")) changed"
        }
        lines.append(head)
        let shares = variations.indices.map { i -> String in
            let observed = totalUnits > 0 ? Double(units[i]) / Double(totalUnits) : 0
            return
                "\(variations[i].id) \(ReportFormat.grouped(units[i])) (\(ReportFormat.percent(observed, digits: 1)), "
                + "expected \(ReportFormat.percent(expectedShares[i], digits: 1)))"
        }
        lines.append(
            "  sample ratio: " + shares.joined(separator: " · ")
                + " — χ² \(format(sampleRatio.chiSquare)), p = \(ReportFormat.pValue(sampleRatio.pValue)) "
                + (sampleRatio.isMismatch ? "MISMATCH" : "ok"))
        for warning in warnings { lines.append("  ! " + warning) }
        for metric in metrics {
            lines.append("")
            lines += metric.textLines(variations: variations, level: level, options: options)
        }
        return lines
    }
}

extension MetricReport {
    func textLines(variations: [VariationDefinition], level: String, options: ReportOptions) -> [String] {
        let table = table(variations: variations, level: level, options: options)
        var lines = ["  " + title] + table.lines(indent: 4)
        lines += notes(variations: variations).map { "    " + $0 }
        return lines
    }

    /// `goal replied: conversion from EmailReplied within 7d of exposure where ...`.
    var title: String {
        let window = "within \(metric.window) of exposure"
        var title = "\(role.rawValue) \(metric.name): \(metric.kind.rawValue) from \(metric.event) \(window)"
        if let filter = metric.filter { title += " where \(filter)" }
        if metric.direction == .decrease { title += " (lower is better)" }
        if metric.kind == .revenue, let currency { title += ", \(currency)" }
        return title
    }

    /// Problems of single comparisons and the metric's warnings, one line each.
    ///
    /// A variation without units is named itself (not the treatment compared with it), and
    /// an empty control once for all its comparisons.
    func notes(variations: [VariationDefinition]) -> [String] {
        var lines: [String] = []
        let units = analysis.variations.map(\.units)
        func id(_ i: Int) -> String { i < variations.count ? variations[i].id : String(i) }
        if units.first == 0 && !analysis.comparisons.isEmpty {
            lines.append(
                "· \(id(0)): the control has no exposed units yet, so no variation can be compared with it; "
                    + "wait for traffic")
        }
        for comparison in analysis.comparisons {
            guard let problem = comparison.frequentist.problem ?? comparison.bayesian.problem else { continue }
            if problem == .noUnits {
                if units[comparison.variation] == 0 {
                    lines.append("· \(id(comparison.variation)): has no exposed units yet; wait for traffic")
                }
            } else {
                lines.append("· \(id(comparison.variation)): \(problem.explanation)")
            }
        }
        for warning in warnings { lines.append("! " + warning) }
        return lines
    }

    /// The metric's numbers as a table: a header, then a row per variation.
    func table(variations: [VariationDefinition], level: String, options: ReportOptions) -> TextTable {
        let revenue = metric.kind == .revenue
        var header = [
            "variation", "units", revenue ? "total" : "conversions", (revenue ? "mean " : "rate ") + level + " CI",
            "abs lift " + level + " CI", "rel lift " + level + " CI", revenue ? "p (Welch t)" : "p (z-test)",
        ]
        if adjustedPValues != nil { header.append("p adj (\(options.correction?.rawValue ?? ""))") }
        if options.sequential { header.append("sequential rel lift CI") }
        header += ["chance to win", "risk"]
        var table = TextTable(header: header)
        let intervals = analysis.variationIntervals
        for (i, variation) in variations.enumerated() where i < analysis.variations.count {
            let stat = analysis.variations[i]
            let mean = revenue ? ReportFormat.amount(stat.mean) : ReportFormat.percent(stat.mean)
            let ci = ReportFormat.interval(intervals[i].lower, intervals[i].upper) {
                revenue ? ReportFormat.amount($0) : ReportFormat.percent($0)
            }
            var row = [
                variation.id, ReportFormat.grouped(stat.units),
                revenue ? (totals?[i].description ?? "") : ReportFormat.grouped(conversions[i]),
                // Without units there is no rate or mean, only the interval's [0, 1] default.
                stat.units == 0 ? "n/a" : "\(mean) \(ci)",
            ]
            guard i > 0, let comparison = analysis.comparisons.first(where: { $0.variation == i }) else {
                row += ["control", "", ""]
                if adjustedPValues != nil { row.append("") }
                if options.sequential { row.append("") }
                row += ["", ""]
                table.add(row)
                continue
            }
            let absText = revenue ? { (x: Double) in ReportFormat.amount(x, signed: true) } : ReportFormat.points
            if let absolute = comparison.absoluteLift {
                let absInterval = absolute.interval(level: options.confidenceLevel)
                row.append(
                    "\(absText(absolute.estimate)) \(ReportFormat.interval(absInterval.lower, absInterval.upper, absText))"
                )
            } else {
                row.append("n/a")
            }
            if comparison.absoluteLift == nil {
                // An arm without units: the notes say which.
                row.append("n/a")
            } else if let relative = comparison.relativeLift {
                let r = relative.interval(level: options.confidenceLevel)
                row.append(
                    "\(ReportFormat.signedPercent(relative.estimate)) "
                        + ReportFormat.interval(r.lower, r.upper) { ReportFormat.signedPercent($0) })
            } else {
                row.append("n/a (control is 0)")
            }
            let f = comparison.frequentist
            row.append(f.problem == nil ? ReportFormat.pValue(f.pValue) : "n/a")
            if let adjusted = adjustedPValues { row.append(ReportFormat.pValue(adjusted[i - 1])) }
            if options.sequential {
                if let s = comparison.sequential, s.problem == nil {
                    row.append(
                        ReportFormat.interval(s.interval.lower, s.interval.upper) { ReportFormat.signedPercent($0) })
                } else {
                    row.append("n/a")
                }
            }
            let b = comparison.bayesian
            row.append(b.problem == nil ? ReportFormat.percent(b.chanceToWin, digits: 1) : "n/a")
            row.append(b.problem == nil ? ReportFormat.percent(b.risk.treatment, digits: 2) : "n/a")
            table.add(row)
        }
        return table
    }
}
