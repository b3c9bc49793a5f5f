import Foundation
import JSON
import Schemas
import Synchronization

/// `schema-validate`: how long validating one event payload takes on the append path.
///
/// Payloads of several types (a CDNOW order, a rich contact, a stage change, an
/// outbox email, a variant assignment) are parsed once; then each is validated
/// repeatedly through `EventCatalog.validate(type:version:data:)`, the call the
/// import makes per event (catalog lookups included). The budget: at most 25% of an
/// import running at ~150,000 events/s, i.e. about 1–1.5 µs per ~300-byte payload.
struct SchemaValidationBenchmark: BenchmarkScenario {
    let name = "schema-validate"
    let summary = "validate realistic event payloads against the embedded catalog (ns per validation)"

    static let payloads: [(type: String, version: Int, json: String)] = [
        ("OrderPlaced", 1, #"{"orderId": "cdnow-00001-1", "customerId": "00001", "quantity": 1, "amount": "11.77", "currency": "USD"}"#),
        ("ContactCreated", 1, #"{"customerId": "c-1042", "email": "maria.gonzalez@acme-logistics.com", "firstName": "María", "lastName": "González", "phone": "+34 912 345 678", "company": "Acme Logistics", "jobTitle": "Head of Operations", "accountId": "acc-77", "ownerId": "u-jane", "lifecycleStage": "lead", "source": "form", "timezone": "Europe/Madrid"}"#),
        ("DealStageChanged", 2, #"{"dealId": "d-7", "fromStage": "qualified", "toStage": "demo_done", "pipeline": "default", "reason": "advanced", "changedBy": {"type": "user", "id": "u-jane"}}"#),
        ("EmailQueued", 1, #"{"emailId": "em-90311", "customerId": "c-1042", "to": "maria.gonzalez@acme-logistics.com", "template": "demo-followup", "sendAfter": "2024-05-05T08:00:00+02:00", "ruleName": "demo-followup", "ruleVersion": 3, "enrollmentId": "enr-c-1042-1", "step": 2, "experimentKey": "followup-subject", "variationKey": "B"}"#),
        ("VariantAssigned", 1, #"{"experimentKey": "followup-subject", "phase": 1, "customerId": "c-1042", "variationId": 1, "variationKey": "B", "bucket": 0.7341, "hashAttribute": "customerId", "hashValue": "c-1042", "hashVersion": 2, "seed": "followup-subject", "sticky": true}"#),
    ]

    func run(_ context: BenchContext) async throws -> [BenchResult] {
        let loadStart = ContinuousClock.now
        let catalog = try EventCatalog.loadEmbedded()
        let loadTime = ContinuousClock.now - loadStart
        let parsed = try Self.payloads.map { (type: $0.type, version: $0.version, bytes: $0.json.utf8.count, data: try JSONParser.parse($0.json)) }
        for p in parsed { try catalog.validate(type: p.type, version: p.version, data: p.data) }

        let iterations = context.count(10_000)
        var results: [BenchResult] = []
        var total = Timing(wall: 0, cpu: 0)
        var totalBytes = 0
        for p in parsed {
            for _ in 0..<min(10_000, iterations) { try catalog.validate(type: p.type, version: p.version, data: p.data) }
            let viaCatalog = try Self.measure(iterations) { try catalog.validate(type: p.type, version: p.version, data: p.data) }
            // The same with the compiled schema looked up once, as a caller that caches
            // it per (type, version) would.
            let schema = try catalog.schema(type: p.type, version: p.version)
            let cached = try Self.measure(iterations) { try schema.validate(p.data) }
            total.wall += viaCatalog.wall
            total.cpu += viaCatalog.cpu
            totalBytes += p.bytes
            results.append(BenchResult(name, [
                "type": .string("\(p.type) v\(p.version)"),
                "payload_bytes": .int(p.bytes),
                "validations_per_s": .double(1e9 / viaCatalog.wall),
                "ns_per_validation": .double(viaCatalog.wall),
                "cpu_ns_per_validation": .double(viaCatalog.cpu),
                "cpu_ns_cached_schema": .double(cached.cpu),
            ]))
        }
        // The import checks lines on every core at once and concurrent appenders
        // validate on their own threads, all against this one catalog: the same loop on
        // two threads at once, each with its own parsed payloads, shows what sharing
        // the catalog costs (CPU time per validation, mean over the types).
        let twoThreads = try Self.concurrentCPU(threads: 2, iterations: min(iterations, 2_000)) {
            let own = try Self.payloads.map { (type: $0.type, version: $0.version, data: try JSONParser.parse($0.json)) }
            return { for p in own { try catalog.validate(type: p.type, version: p.version, data: p.data) } }
        } / Double(parsed.count)
        let count = Double(parsed.count)
        let meanBytes = Double(totalBytes) / count
        results.append(BenchResult(name, [
            "type": .string("mean of \(parsed.count) types"),
            "payload_bytes": .double(meanBytes),
            "validations_per_s": .double(1e9 / (total.wall / count)),
            "ns_per_validation": .double(total.wall / count),
            "cpu_ns_per_validation": .double(total.cpu / count),
            "cpu_ns_per_300_bytes": .double(total.cpu / count / meanBytes * 300),
            "cpu_ns_two_threads": .double(twoThreads),
            "share_of_150k_import": .double(total.cpu / count * 150_000 / 1e9),
            "catalog_load_ms": .double(Self.seconds(loadTime) * 1000),
        ]))
        return results
    }

    /// Nanoseconds per call, wall clock and this thread's CPU time, each the best of
    /// many short rounds: on a shared machine the minimum (and CPU time, which excludes
    /// time the neighbours took) reflects the code rather than the load.
    struct Timing {
        var wall: Double
        var cpu: Double
    }

    static func measure(_ iterations: Int, rounds: Int = 31, _ body: () throws -> Void) rethrows -> Timing {
        var best = Timing(wall: .infinity, cpu: .infinity)
        for _ in 0..<rounds {
            let cpuStart = threadCPUNanoseconds()
            let start = ContinuousClock.now
            for _ in 0..<iterations { try body() }
            let wall = seconds(ContinuousClock.now - start) * 1e9 / Double(iterations)
            let cpu = Double(threadCPUNanoseconds() - cpuStart) / Double(iterations)
            best.wall = min(best.wall, wall)
            best.cpu = min(best.cpu, cpu)
        }
        return best
    }

    /// CPU nanoseconds per call of the body `make` returns, with `threads` threads
    /// running their own body at once; the best of several rounds, averaged over the
    /// threads. `make` runs on each thread first, so each has its own data.
    static func concurrentCPU(threads: Int, iterations: Int, rounds: Int = 11, _ make: @Sendable () throws -> () throws -> Void) throws -> Double {
        let perThread = UnsafeMutableBufferPointer<Double>.allocate(capacity: threads)
        defer { perThread.deallocate() }
        perThread.initialize(repeating: .infinity)
        nonisolated(unsafe) let slots = perThread
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            do {
                let body = try make()
                slots[thread] = try measure(iterations, rounds: rounds, body).cpu
            } catch {
                failure.withLock { $0 = error }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return perThread.reduce(0, +) / Double(threads)
    }

    static func threadCPUNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
