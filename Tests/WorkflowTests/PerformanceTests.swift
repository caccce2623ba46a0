import Testing
import Workflow

/// Times the reader on 1,000 generated jobs (the budget is 200 ms in a release build). The
/// figure is printed; the test fails only if the read itself fails.
@Suite struct PerformanceTests {
    @Test func thousandJobs() {
        _ = WorkflowReaderBenchmark.run(jobs: 50)  // warm up
        var best = Duration.seconds(1000)
        for _ in 0..<3 {
            best = min(best, WorkflowReaderBenchmark.run(jobs: 1000))
        }
        let milliseconds = Double(best.components.seconds) * 1000 + Double(best.components.attoseconds) / 1e15
        print("Reading 1,000 jobs took \(milliseconds) ms (best of 3)")
    }
}
