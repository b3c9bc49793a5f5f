import Foundation

/// The two inline SVG charts of the HTML report, drawn as plain strings: no scripts, no
/// fonts or styles fetched from anywhere, so the page works offline and in a mail client.
enum SVGChart {
    static let palette = ["#4c6ef5", "#e8590c", "#2b8a3e", "#ae3ec9", "#c92a2a", "#1098ad", "#f08c00", "#5c940d"]

    static func color(_ i: Int) -> String { palette[i % palette.count] }

    /// One row per variation: a dot at its rate or mean and a bar over its interval.
    ///
    /// - Parameters:
    ///   - rows: label, estimate, lower and upper end, per variation.
    ///   - label: how an axis value is written (a percentage, an amount).
    static func intervals(
        _ rows: [(label: String, estimate: Double, lower: Double, upper: Double)],
        label: (Double) -> String
    ) -> String {
        let width = 640.0
        let left = 140.0
        let right = 24.0
        let rowHeight = 30.0
        let top = 10.0
        let height = top + rowHeight * Double(rows.count) + 28
        let finite = rows.flatMap { [$0.lower, $0.upper, $0.estimate] }.filter(\.isFinite)
        var low = min(0, finite.min() ?? 0)
        var high = finite.max() ?? 1
        if high <= low { high = low + 1 }
        let pad = (high - low) * 0.05
        low -= low < 0 ? pad : 0
        high += pad
        func x(_ v: Double) -> Double { left + (v - low) / (high - low) * (width - left - right) }
        var svg = svgOpen(width: width, height: height, title: "rate or mean per variation with its interval")
        for tick in ticks(low, high) {
            let tx = x(tick)
            svg += line(tx, top, tx, height - 24, stroke: "#e9ecef")
            svg += text(tx, height - 8, label(tick), anchor: "middle", size: 11, fill: "#868e96")
        }
        for (i, row) in rows.enumerated() {
            let cy = top + rowHeight * (Double(i) + 0.5)
            svg += text(left - 8, cy + 4, row.label, anchor: "end", size: 12, fill: "#212529")
            guard row.estimate.isFinite else { continue }
            if row.lower.isFinite && row.upper.isFinite {
                svg += line(x(row.lower), cy, x(row.upper), cy, stroke: color(i), width: 4, opacity: 0.45)
            }
            svg +=
                "<circle cx=\"\(f(x(row.estimate)))\" cy=\"\(f(cy))\" r=\"5\" fill=\"\(color(i))\">"
                + "<title>\(escape(row.label)): \(escape(label(row.estimate))) [\(escape(label(row.lower))), "
                + "\(escape(label(row.upper)))]</title></circle>"
        }
        return svg + "</svg>"
    }

    /// The cumulative relative lift of each treatment over time, with its interval as a band.
    ///
    /// - Parameter series: per treatment, its label and its points (time in µs, estimate, lower, upper).
    static func lift(
        _ series: [(
            label: String, color: String, points: [(time: Int64, estimate: Double, lower: Double, upper: Double)]
        )],
        timeLabel: (Int64) -> String
    ) -> String {
        let width = 640.0
        let left = 56.0
        let right = 16.0
        let top = 12.0
        let bottom = 30.0
        let height = 220.0
        let all = series.flatMap(\.points)
        guard let firstTime = all.map(\.time).min(), let lastTime = all.map(\.time).max() else {
            return "<p class=\"muted\">Not enough data for a lift chart yet (control needs conversions).</p>"
        }
        let values = all.flatMap { [$0.lower, $0.upper, $0.estimate] }.filter(\.isFinite)
        // Early intervals are wide; clip the axis so the later, informative part stays readable.
        var low = max(min(0, values.min() ?? 0), -1)
        var high = min(max(0, values.max() ?? 0), 2)
        if high - low < 0.02 {
            low -= 0.01
            high += 0.01
        }
        let span = max(1, Double(lastTime - firstTime))
        func x(_ t: Int64) -> Double { left + Double(t - firstTime) / span * (width - left - right) }
        func y(_ v: Double) -> Double { top + (high - min(max(v, low), high)) / (high - low) * (height - top - bottom) }
        var svg = svgOpen(width: width, height: height, title: "cumulative relative lift over time")
        for tick in ticks(low, high) {
            svg += line(left, y(tick), width - right, y(tick), stroke: tick == 0 ? "#868e96" : "#e9ecef")
            svg += text(
                left - 6, y(tick) + 4, ReportFormat.signedPercent(tick, digits: 0), anchor: "end", size: 11,
                fill: "#868e96")
        }
        svg += text(left, height - 8, timeLabel(firstTime), anchor: "start", size: 11, fill: "#868e96")
        svg += text(width - right, height - 8, timeLabel(lastTime), anchor: "end", size: 11, fill: "#868e96")
        for s in series where !s.points.isEmpty {
            let band = s.points.filter { $0.lower.isFinite && $0.upper.isFinite }
            if band.count > 1 {
                let upper = band.map { "\(f(x($0.time))),\(f(y($0.upper)))" }
                let lower = band.reversed().map { "\(f(x($0.time))),\(f(y($0.lower)))" }
                svg +=
                    "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(s.color)\" "
                    + "fill-opacity=\"0.15\" stroke=\"none\"/>"
            }
            let path = s.points.map { "\(f(x($0.time))),\(f(y($0.estimate)))" }.joined(separator: " ")
            svg +=
                "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\">"
                + "<title>\(escape(s.label))</title></polyline>"
            if s.points.count == 1, let only = s.points.first {
                svg += "<circle cx=\"\(f(x(only.time)))\" cy=\"\(f(y(only.estimate)))\" r=\"4\" fill=\"\(s.color)\"/>"
            }
        }
        return svg + "</svg>"
    }

    // MARK: - Pieces

    static func svgOpen(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" "
            + "height=\"\(f(height))\" role=\"img\" font-family=\"system-ui, sans-serif\"><title>\(escape(title))</title>"
    }

    static func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1,
        opacity: Double = 1
    ) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" "
            + "stroke-width=\"\(f(width))\" stroke-opacity=\"\(f(opacity))\" stroke-linecap=\"round\"/>"
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, size: Int, fill: String) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" fill=\"\(fill)\">"
            + "\(escape(content))</text>"
    }

    /// About five round tick values between `low` and `high`.
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        let raw = (high - low) / 5
        guard raw > 0, raw.isFinite else { return [low] }
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var out: [Double] = []
        var v = (low / step).rounded(.up) * step
        while v <= high + step * 1e-9 && out.count < 12 {
            out.append(abs(v) < step * 1e-9 ? 0 : v)
            v += step
        }
        return out
    }

    static func f(_ v: Double) -> String { v.isFinite ? String(format: "%.1f", v) : "0" }

    /// Text made safe for HTML and SVG.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
