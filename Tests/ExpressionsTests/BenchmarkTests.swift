import Testing

@testable import Expressions

@Suite struct BenchmarkTests {
    /// Smoke-runs the benchmark the lead's executable calls; prints the figure (meaningful only in
    /// release builds: `swift test -c release --filter BenchmarkTests`).
    @Test func typicalConditionBenchmark() {
        let result = ExpressionBenchmark.run(iterations: 100_000)
        print("ExpressionBenchmark: \(result)")
        #expect(result.iterations == 100_000)
        #expect(result.evaluationsPerSecond > 1_000)
    }
}
