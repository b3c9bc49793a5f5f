/// Every scenario `make bench` knows, in the order they run.
///
/// Add a scenario by appending one entry; keep its code in its own file.
let allScenarios: [any BenchmarkScenario] = [
    ImportParseBenchmark(),
    ImportBenchmark(),
    ValidateBenchmark(),
    ConcurrentAppendBenchmark(),
    ReplayBenchmark(),
    ColdReplayBenchmark(),
    StreamReadBenchmark(),
    SchemaValidationBenchmark(),
    AllocateBenchmark(),
    ExperimentReportBenchmark(),
    ExprBenchmark(),
    ProjectRebuildBenchmark(),
    ProjectLiveBenchmark(),
    FollowOtherProcessBenchmark(),
    CustomerShowBenchmark(),
]
