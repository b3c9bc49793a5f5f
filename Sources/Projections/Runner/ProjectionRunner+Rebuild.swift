import EventLog

/// A rebuild folds into the view's other set of tables (``ViewTables``) and is swapped in
/// when it has caught up with the view; see ``ProjectionRunner/rebuild(_:progress:)``.
extension ProjectionRunner {
    /// Points each selected driver at a rebuild of its view in the generation the view is
    /// not in: the rebuild under way there (this version's, from an interrupted run or
    /// another process), or a new one from position 0 in emptied tables.
    func beginRebuild(_ selected: [any ProjectionDriver]) async throws {
        for attempt in 1...8 {
            let described = selected.map { ($0.name, $0.version) }
            let stored = try store.snapshot { reader in
                try described.map { name, _ in
                    (
                        live: try Checkpoint.load(name, from: reader),
                        rebuild: try Checkpoint.load(ViewTables.rebuildKey(name), from: reader)
                    )
                }
            }
            var plans: [(driver: any ProjectionDriver, checkpoint: Checkpoint, fresh: Bool)] = []
            for (driver, checkpoints) in zip(selected, stored) {
                let target = 1 - (checkpoints.live?.generation ?? 0)
                if let rebuild = checkpoints.rebuild, rebuild.version == driver.version, rebuild.generation == target {
                    plans.append((driver, rebuild, false))
                } else {
                    plans.append(
                        (driver, Checkpoint(position: .start, version: driver.version, generation: target), true))
                }
            }
            let writes = zip(plans, stored).map { plan, checkpoints in
                (
                    name: plan.driver.name, live: checkpoints.live, rebuild: checkpoints.rebuild,
                    checkpoint: plan.checkpoint, fresh: plan.fresh,
                    tables: ViewTables.all(plan.driver.name, generation: plan.checkpoint.generation)
                )
            }
            do {
                try await store.writeViews { writer in
                    for write in writes {
                        // Another process may have swapped a rebuild in, or begun one, since.
                        let key = ViewTables.rebuildKey(write.name)
                        guard try Checkpoint.load(write.name, from: writer) == write.live,
                            try Checkpoint.load(key, from: writer) == write.rebuild
                        else {
                            throw ProjectionError(
                                .conflict, "view \(write.name) changed while its rebuild began; beginning again")
                        }
                        guard write.fresh else { continue }
                        for table in write.tables { try writer.clear(table) }
                        try write.checkpoint.store(key, to: writer)
                    }
                }
            } catch let error as ProjectionError where error.code == .conflict && attempt < 8 {
                continue
            }
            for plan in plans {
                plan.driver.rebuilding = true
                plan.driver.generation = plan.checkpoint.generation
                if plan.fresh {
                    plan.driver.startEmpty()
                } else {
                    plan.driver.discard()
                    plan.driver.committed = plan.checkpoint.position
                    plan.driver.folded = plan.checkpoint.position
                }
            }
            return
        }
    }

    /// What ``swapInRebuilt()`` did.
    enum SwapOutcome {
        /// Every rebuild is the view now (swapped in here, or by another process).
        case done
        /// A view has folded further than its rebuild: fold the rebuild on first.
        case viewAhead
        /// Another process moved a rebuild's checkpoint; `progressed` when forward.
        case moved(progressed: Bool)
    }

    /// Makes each rebuild the view, in one transaction: the view's checkpoint takes the
    /// rebuild's position and generation, the rebuild's checkpoint goes, and the tables
    /// of the generation the view leaves are emptied. Nothing is swapped while a view has
    /// folded further than its rebuild, so a view never goes back.
    func swapInRebuilt() async throws -> SwapOutcome {
        let rebuilding = drivers.filter(\.rebuilding)
        guard !rebuilding.isEmpty else { return .done }
        let swaps = rebuilding.map { driver in
            (
                name: driver.name,
                checkpoint: Checkpoint(
                    position: driver.committed, version: driver.version, generation: driver.generation),
                old: ViewTables.all(driver.name, generation: 1 - driver.generation)
            )
        }
        let swapped: Bool
        do {
            swapped = try await store.writeViews { writer in
                for swap in swaps {
                    let stored = try Checkpoint.load(ViewTables.rebuildKey(swap.name), from: writer)
                    guard stored == swap.checkpoint else {
                        throw ProjectionError(
                            .conflict,
                            "the rebuild of view \(swap.name) is at \(stored?.position ?? .start), not \(swap.checkpoint.position): another process advanced it"
                        )
                    }
                    if let live = try Checkpoint.load(swap.name, from: writer), live.version == swap.checkpoint.version,
                        live.position > swap.checkpoint.position
                    {
                        return false
                    }
                }
                for swap in swaps {
                    for table in swap.old { try writer.clear(table) }
                    try swap.checkpoint.store(swap.name, to: writer)
                    try writer.delete(ViewTables.checkpoints, Array(ViewTables.rebuildKey(swap.name).utf8))
                }
                return true
            }
        } catch let error as ProjectionError where error.code == .conflict {
            let before = rebuilding.map(\.committed)
            try reloadCheckpoints()
            let progressed = zip(rebuilding, before).allSatisfy { !$0.rebuilding || $0.committed >= $1 }
            return .moved(progressed: progressed)
        }
        guard swapped else { return .viewAhead }
        for driver in rebuilding { driver.rebuilding = false }
        return .done
    }
}
