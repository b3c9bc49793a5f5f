import EventLog

extension ExperimentReport {
    /// The report as one self-contained HTML page: inline CSS and SVG, no scripts, nothing
    /// fetched from the network, so it can be mailed or archived as it is.
    ///
    /// Per phase: the sample-ratio check and warnings; per metric, the table of the text
    /// report, a chart of each variation's rate or mean with its interval, and a chart of
    /// each treatment's cumulative relative lift over time (by first exposure) with its
    /// delta-method interval as a band.
    public var html: String {
        let level = ReportFormat.percent(options.confidenceLevel, digits: 0)
        var body = ""
        body += "<h1>\(SVGChart.escape(name)) <span class=\"muted\">\(SVGChart.escape(experimentKey))</span></h1>"
        body +=
            "<p class=\"muted\">\(status.rawValue)\(isBandit ? " · bandit" : "") · through log position "
            + "\(through) · \(level) intervals"
            + (options.sequential ? " · sequential (always-valid) intervals" : "")
            + (options.correction.map { " · p-values adjusted across metrics (\($0.rawValue))" } ?? "") + "</p>"
        if phases.isEmpty { body += "<p>No phase to report.</p>" }
        for phase in phases { body += phase.html(level: level, options: options) }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(SVGChart.escape(experimentKey)) — experiment report</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;color:#212529;padding:0 1rem}
            h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #dee2e6}
            h3{font-size:1rem;margin:1.5rem 0 .4rem}.muted{color:#868e96;font-weight:normal}
            table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}
            td,th{padding:.25rem .6rem;text-align:right;border-bottom:1px solid #f1f3f5;white-space:nowrap}
            td:first-child,th:first-child{text-align:left}th{background:#f8f9fa}
            .warn{background:#fff4e6;border-left:4px solid #f76707;padding:.4rem .8rem;margin:.4rem 0}
            .charts{display:flex;flex-wrap:wrap;gap:1rem}.charts figure{margin:0}
            figcaption{font-size:.8rem;color:#495057}.legend span{margin-right:1rem;font-size:.8rem}
            </style></head><body>
            \(body)
            </body></html>

            """
    }
}

extension PhaseReport {
    func html(level: String, options: ReportOptions) -> String {
        var out =
            "<h2>Phase \(phase) <span class=\"muted\">started \(ReportFormat.minute(startedAt)) · "
            + "\(ReportFormat.grouped(totalUnits)) units"
        if let first = firstExposure, let last = lastExposure {
            out += " · exposed \(ReportFormat.minute(first)) → \(ReportFormat.minute(last))"
        }
        out += "</span></h2>"
        if !configuration.phaseChanges.isEmpty {
            out +=
                "<p>New phase because \(SVGChart.escape(configuration.phaseChanges.joined(separator: ", "))) changed.</p>"
        }
        var ratio = TextTable(header: ["variation", "units", "observed share", "expected share"])
        for (i, variation) in variations.enumerated() {
            let observed = totalUnits > 0 ? Double(units[i]) / Double(totalUnits) : 0
            ratio.add([
                variation.id + (variation.name != variation.id ? " — " + variation.name : ""),
                ReportFormat.grouped(units[i]), ReportFormat.percent(observed, digits: 1),
                ReportFormat.percent(expectedShares[i], digits: 1),
            ])
        }
        out += "<h3>Sample ratio</h3>" + ratio.html
        out +=
            "<p>χ² \(format(sampleRatio.chiSquare)), p = \(ReportFormat.pValue(sampleRatio.pValue)): "
            + (sampleRatio.isMismatch ? "<strong>mismatch</strong>" : "ok") + "</p>"
        for warning in warnings { out += "<div class=\"warn\">\(SVGChart.escape(warning))</div>" }
        for metric in metrics { out += metric.html(variations: variations, level: level, options: options) }
        return out
    }
}

extension MetricReport {
    func html(variations: [VariationDefinition], level: String, options: ReportOptions) -> String {
        let revenue = metric.kind == .revenue
        var out = "<h3>\(SVGChart.escape(title))</h3>"
        out += table(variations: variations, level: level, options: options).html
        for note in notes(variations: variations) { out += "<div class=\"warn\">\(SVGChart.escape(note))</div>" }
        let intervals = analysis.variationIntervals
        let rows = analysis.variations.indices.map { i in
            (
                label: i < variations.count ? variations[i].id : String(i), estimate: analysis.variations[i].mean,
                lower: intervals[i].lower, upper: intervals[i].upper
            )
        }
        let axis: (Double) -> String = revenue ? { ReportFormat.amount($0) } : { ReportFormat.percent($0, digits: 1) }
        out +=
            "<div class=\"charts\"><figure>" + SVGChart.intervals(rows, label: axis)
            + "<figcaption>\(revenue ? "Mean per unit" : "Rate") per variation with its \(level) interval</figcaption></figure>"
        let series = (1..<max(1, variations.count)).map { v in
            (
                label: variations[v].id, color: SVGChart.color(v),
                points: timeline.compactMap { point -> (time: Int64, estimate: Double, lower: Double, upper: Double)? in
                    guard v - 1 < point.lifts.count, let lift = point.lifts[v - 1] else { return nil }
                    return (point.time.rawValue, lift.estimate, lift.lower, lift.upper)
                }
            )
        }
        out +=
            "<figure>" + SVGChart.lift(series, timeLabel: { ReportFormat.minute(Timestamp(rawValue: $0)) })
            + "<figcaption>Cumulative relative lift over control by first exposure, with its \(level) interval"
            + "<div class=\"legend\">"
            + series.map { "<span style=\"color:\($0.color)\">━ \(SVGChart.escape($0.label))</span>" }.joined()
            + "</div></figcaption></figure></div>"
        return out
    }
}

extension TextTable {
    /// The table as HTML, its first row as the header.
    var html: String {
        guard let header = rows.first else { return "" }
        var out =
            "<table><thead><tr>" + header.map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows.dropFirst() {
            out += "<tr>" + row.map { "<td>\(SVGChart.escape($0))</td>" }.joined() + "</tr>"
        }
        return out + "</tbody></table>"
    }
}
