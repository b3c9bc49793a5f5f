import EventLog
import JSON
import Testing

@testable import Experiments

@Suite struct ExperimentReporterTests {
    /// Four customers per arm; replies and orders inside and outside the windows.
    static func worked() async throws -> ExperimentLog {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        for i in 0..<4 {
            try await log.expose("a\(i)", variation: 0, at: ExperimentLog.day(1))
            try await log.expose("b\(i)", variation: 1, at: ExperimentLog.day(1))
        }
        try await log.replied("a0", at: ExperimentLog.day(2))
        try await log.replied("a0", at: ExperimentLog.day(3))  // a unit converts once
        try await log.replied("a1", at: ExperimentLog.day(9))  // outside the 7-day window
        try await log.replied("a2", at: ExperimentLog.day(0.5))  // before the exposure
        try await log.replied("b0", at: ExperimentLog.day(2))
        try await log.replied("b1", at: ExperimentLog.day(7.9))
        try await log.ordered("b0", amount: "19.99", at: ExperimentLog.day(4))
        try await log.ordered("b0", amount: "0.01", at: ExperimentLog.day(5))
        try await log.ordered("a3", amount: "5.10", at: ExperimentLog.day(6))
        try await log.ordered("a3", amount: "100.00", at: ExperimentLog.day(40))  // outside 30 days
        return log
    }

    @Test func unitsConversionsAndExactRevenueFollowTheWindows() async throws {
        let log = try await Self.worked()
        let report = try ExperimentReporter(store: log.store).report(experimentKey: "subject-test")
        let phase = try #require(report.phases.first)
        #expect(phase.units == [4, 4])
        let replied = try #require(phase.metrics.first { $0.metric.name == "replied" })
        #expect(replied.conversions == [1, 2])
        #expect(replied.analysis.variations.map(\.mean) == [0.25, 0.5])
        let revenue = try #require(phase.metrics.first { $0.metric.name == "revenue" })
        #expect(revenue.totals?.map(\.description) == ["5.10", "20.00"])
        #expect(revenue.currency == "EUR")
        let unsubscribed = try #require(phase.metrics.first { $0.metric.name == "unsubscribed" })
        #expect(unsubscribed.role == .guardrail)
        #expect(!phase.sampleRatio.isMismatch)
    }

    @Test func phasesAreAnalysedApartUnderTheirOwnConfiguration() async throws {
        let log = try await Self.worked()
        try await log.publish(try ExperimentLog.definition(weights: (0.1, 0.9)), at: ExperimentLog.day(10))
        for i in 0..<3 { try await log.expose("p2-\(i)", phase: 2, variation: 1, at: ExperimentLog.day(11)) }
        let report = try ExperimentReporter(store: log.store).report(experimentKey: "subject-test")
        #expect(report.phases.map(\.phase) == [1, 2])
        #expect(report.phases[1].units == [0, 3])
        #expect(report.phases[1].expectedShares == [0.1, 0.9])
        #expect(report.phases[1].configuration.phaseChanges == ["weights"])
    }

    @Test func aSampleRatioMismatchIsAWarning() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        for i in 0..<400 { try await log.expose("x\(i)", variation: i % 5 == 0 ? 1 : 0, at: ExperimentLog.day(1)) }
        let report = try ExperimentReporter(store: log.store).report(experimentKey: "subject-test")
        #expect(report.phases[0].sampleRatio.isMismatch)
        #expect(report.phases[0].warnings.contains { $0.hasPrefix("sample ratio mismatch") })
        #expect(report.text.contains("MISMATCH"))
    }

    @Test func anExperimentWithoutExposuresSaysWhatToRecord() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        do {
            _ = try ExperimentReporter(store: log.store).report(experimentKey: "subject-test")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .noData)
            #expect(error.message.contains("experiment `subject-test` has no exposures in the log"))
            #expect(error.message.contains("ledgerline experiments assign subject-test --customer ID --record"))
        }
    }

    @Test func correctionsAndSequentialIntervalsAppearInTextAndJSON() async throws {
        let log = try await Self.worked()
        let options = ReportOptions(sequential: true, correction: .holm)
        let report = try ExperimentReporter(store: log.store).report(experimentKey: "subject-test", options: options)
        #expect(report.text.contains("p adj (holm)"))
        #expect(report.text.contains("sequential rel lift CI"))
        let metrics = report.json["phases"]?[0]?["metrics"]?.arrayValue ?? []
        #expect(metrics.count == 3)
        #expect(metrics[0]["variations"]?[1]?["adjustedPValue"] != nil)
        #expect(report.json["correction"] == .string("holm"))
    }

    /// `unsubscribed` has no events, so its p-value is undefined (null); it counted in the
    /// Holm family (m = 3 instead of 2) and showed an adjusted p of 1 next to p null. By
    /// hand with m = 2: the smaller p doubles, the larger is max(itself, the smaller's).
    @Test func aCorrectionLeavesOutMetricsWithoutAPValue() async throws {
        let log = try await Self.worked()
        let report = try ExperimentReporter(store: log.store).report(
            experimentKey: "subject-test", options: ReportOptions(correction: .holm))
        let metrics = try #require(report.phases.first?.metrics)
        let unsubscribed = try #require(metrics.first { $0.metric.name == "unsubscribed" })
        #expect(unsubscribed.analysis.comparisons[0].frequentist.problem != nil)
        #expect(unsubscribed.adjustedPValues?[0].isNaN == true)
        let p = ["replied", "revenue"].map { name in
            metrics.first { $0.metric.name == name }!.analysis.comparisons[0].frequentist.pValue
        }
        let (low, high) = (min(p[0], p[1]), max(p[0], p[1]))
        let byHand = p.map { $0 == low ? min(1, 2 * low) : max(min(1, 2 * low), high) }
        let adjusted = ["replied", "revenue"].map { name in
            metrics.first { $0.metric.name == name }!.adjustedPValues![0]
        }
        for (a, e) in zip(adjusted, byHand) { #expect(abs(a - e) < 1e-12) }
        let json = report.json["phases"]?[0]?["metrics"]?.arrayValue?.first { $0["name"] == "unsubscribed" }
        #expect(json?["variations"]?[1]?["pValue"] == .null)
        #expect(json?["variations"]?[1]?["adjustedPValue"] == .null)
    }

    /// With weights [0, 1] control has no units. The report printed a lift against it
    /// (+20.00pp) and a note blaming the treatment ("question: a variation has no exposed
    /// units yet"), and for revenue that control's mean was zero. Every lift is n/a now,
    /// and the note names control.
    @Test func anEmptyControlHasNoLiftsAndTheNoteNamesIt() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition(weights: (0, 1)))
        for i in 0..<5 { try await log.expose("b\(i)", variation: 1, at: ExperimentLog.day(1)) }
        try await log.replied("b0", at: ExperimentLog.day(2))
        try await log.ordered("b1", amount: "5.00", at: ExperimentLog.day(2))
        let report = try ExperimentReporter(store: log.store).report(experimentKey: "subject-test")
        let phase = try #require(report.phases.first)
        #expect(phase.units == [0, 5])
        for metric in phase.metrics {
            let comparison = try #require(metric.analysis.comparisons.first)
            #expect(comparison.absoluteLift == nil && comparison.relativeLift == nil, "\(metric.metric.name)")
            #expect(comparison.frequentist.problem == .noUnits && comparison.bayesian.problem == .noUnits)
        }
        let text = report.text
        #expect(!text.contains("pp ["), "\(text)")
        #expect(!text.contains("· question:"), "\(text)")
        #expect(
            text.components(
                separatedBy: "· control: the control has no exposed units yet, so no variation can be "
                    + "compared with it; wait for traffic"
            ).count - 1 == 3, "\(text)")
        let rows = report.json["phases"]?[0]?["metrics"]?[0]?["variations"]
        #expect(rows?[1]?["absoluteLift"] == .null)
        #expect(rows?[1]?["problem"] == .string("NO_UNITS_IN_VARIATION"))
    }

    @Test func theHTMLPageIsSelfContained() async throws {
        let log = try await Self.worked()
        let html = try ExperimentReporter(store: log.store).report(experimentKey: "subject-test").html
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // An interval chart per metric; a lift chart where control has conversions (not unsubscribed).
        #expect(html.components(separatedBy: "<svg").count - 1 == 5)
        #expect(html.contains("Not enough data for a lift chart yet"))
        let withoutNamespace = html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
        #expect(!withoutNamespace.contains("http"))
        #expect(!html.contains("<script"))
        #expect(html.contains("Cumulative relative lift"))
    }

    /// A window longer than µs in 64 bits can hold, published by a build that did not bound
    /// it, trapped the report with an arithmetic overflow; it now counts like "forever".
    @Test func aWindowTooLongForMicrosecondsCountsEverythingAfterTheExposure() async throws {
        let log = ExperimentLog()
        var definition = try ExperimentLog.definition()
        definition.goals[0].window = TimeWindow(seconds: 10_000_000_000_000)
        try await log.publish(definition)
        try await log.expose("a0", variation: 0, at: ExperimentLog.day(1))
        try await log.expose("b0", variation: 1, at: ExperimentLog.day(1))
        try await log.replied("a0", at: ExperimentLog.day(300))
        try await log.replied("b0", at: ExperimentLog.day(0.5))  // before the exposure
        let report = try ExperimentReporter(store: log.store).report(experimentKey: "subject-test")
        let replied = try #require(report.phases.first?.metrics.first { $0.metric.name == "replied" })
        #expect(replied.conversions == [1, 0])
    }

    /// A report through a position the log has not reached yet was accepted and said
    /// "through seq N", so the same report gave other numbers once the log grew.
    @Test func aReportThroughAPositionPastTheHeadIsRefused() async throws {
        let log = try await Self.worked()
        let head = try log.store.head().position
        #expect {
            _ = try ExperimentReporter(store: log.store).report(
                experimentKey: "subject-test", options: ReportOptions(through: head.next))
        } throws: { error in
            guard let error = error as? ExperimentsError else { return false }
            return error.code == .invalidInput
                && error.message
                    == "--through \(head.next) is past the end of the log (its last position is \(head)); give a position up to \(head)"
        }
        let atHead = try ExperimentReporter(store: log.store).report(
            experimentKey: "subject-test", options: ReportOptions(through: head))
        #expect(atHead.through == head)
    }

    @Test func aReportThroughAPositionIgnoresLaterEvents() async throws {
        let log = try await Self.worked()
        let head = try log.store.head().position
        try await log.expose("late", variation: 0, at: ExperimentLog.day(2))
        let report = try ExperimentReporter(store: log.store).report(
            experimentKey: "subject-test", options: ReportOptions(through: head))
        #expect(report.phases[0].units == [4, 4])
    }
}

@Suite struct ExperimentScanTests {
    /// Seeded loop: exposures (repeats, other experiments, other phases, bad variations)
    /// read by one thread and by two give the same units in the same order.
    @Test func twoReadersFoldTheSameUnitsAsOne() async throws {
        let log = ExperimentLog()
        try await log.publish(try ExperimentLog.definition())
        try await log.publish(try ExperimentLog.definition(key: "other"))
        var rng = Xoshiro256StarStar(seed: 99)
        for i in 0..<600 {
            let customer = "c\(rng.next() % 300)"
            let key = rng.next() % 7 == 0 ? "other" : "subject-test"
            let variation = rng.next() % 50 == 0 ? 2 : Int(rng.next() % 2)
            try await log.expose(customer, key: key, variation: variation, at: ExperimentLog.day(Double(i) / 100))
        }
        let history = try ExperimentHistory.load("subject-test", from: log.store)
        var one = ExperimentScan(store: log.store, history: history, through: nil)
        one.parallelThreshold = .max
        var two = one
        two.parallelThreshold = 1
        let a = try one.exposures()
        let b = try two.exposures()
        #expect(a[0].count > 100)
        #expect(a[0].variation == b[0].variation)
        #expect(a[0].exposedAt == b[0].exposedAt)
        #expect(a[0].position == b[0].position)
        #expect(a[0].conflictingExposures == b[0].conflictingExposures)
        #expect(a[0].invalidExposures == b[0].invalidExposures && a[0].invalidExposures > 0)
        for u in 0..<a[0].count { #expect(a[0].index.id(of: u) == b[0].index.id(of: u)) }
    }
}
