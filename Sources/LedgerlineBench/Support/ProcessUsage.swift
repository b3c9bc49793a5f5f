import Foundation

/// CPU time of the whole process (every thread), user and system: what a fold costs
/// whatever else the machine is running.
func processCPUSeconds() -> Double { ProcessUsage.now().cpuSeconds }

/// The process's resource usage at one instant, to subtract from a later one.
struct ProcessUsage {
    var userSeconds: Double
    var systemSeconds: Double
    /// Page faults served without I/O: mostly fresh heap pages being zeroed.
    var minorFaults: Int

    var cpuSeconds: Double { userSeconds + systemSeconds }

    static func now() -> ProcessUsage {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return ProcessUsage(
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            minorFaults: usage.ru_minflt)
    }

    static func - (a: ProcessUsage, b: ProcessUsage) -> ProcessUsage {
        ProcessUsage(
            userSeconds: a.userSeconds - b.userSeconds, systemSeconds: a.systemSeconds - b.systemSeconds,
            minorFaults: a.minorFaults - b.minorFaults)
    }
}
