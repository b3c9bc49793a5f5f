// MARK: - What the writer's queue holds, and what the stager plans of it

extension LMDBEventStore.Writer {
    /// One appender's batch in the writer's queue, with the continuation its result resumes.
    final class Job {
        /// Moved out to the planner when the job is planned, so sealing needs no copy.
        var batch: PreparedBatch
        let continuation: CheckedContinuation<Result<AppendResult, EventLogError>, Never>
        let bytes: Int
        let count: Int
        /// Set when planning refused the batch, so a retry of the group refuses it again.
        var failure: EventLogError?
        /// A plan made off this thread; used when the job comes first in its group
        /// and the writer is in the state the plan started from, else planned again.
        var preplanned: PreplannedBatch?

        init(batch: PreparedBatch, continuation: CheckedContinuation<Result<AppendResult, EventLogError>, Never>) {
            self.batch = batch
            self.continuation = continuation
            bytes = batch.bytes.count
            count = batch.count
        }

        init(preplanned: PreplannedBatch, continuation: CheckedContinuation<Result<AppendResult, EventLogError>, Never>) {
            batch = PreparedBatch()
            self.preplanned = preplanned
            self.continuation = continuation
            bytes = preplanned.planner.recordBytes
            count = preplanned.result.events.count
        }
    }

    /// Work that is not an append: a closure run in a write transaction of its own.
    final class CustomJob {
        let body: (LMDBTransaction) throws -> any Sendable
        let continuation: CheckedContinuation<Result<any Sendable, Error>, Never>

        init(body: @escaping (LMDBTransaction) throws -> any Sendable, continuation: CheckedContinuation<Result<any Sendable, Error>, Never>) {
            self.body = body
            self.continuation = continuation
        }
    }

    /// Jobs the stager took from the queue and planned ahead, in queue order.
    struct Staged {
        var jobs: [Job] = []
        var events = 0
        var bytes = 0
        /// The plan of every job so far, as if the writer were in `base`; `nil` once
        /// planning ahead failed (the writer then plans the jobs itself).
        var plan: StagedPlan?
    }

    /// Staged jobs' plan: one planner for all of them, each job's result (a refused
    /// job's error included) and the writer state it assumes.
    typealias StagedPlan = (planner: AppendPlanner, results: [Result<AppendResult, EventLogError>], base: State)
}
