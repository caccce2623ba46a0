import Foundation
import Testing
@testable import Cache

/// The benchmark runs end to end (figures for 1 GiB come from a release build).
@Suite struct BenchmarkTests {
    @Test func benchmarkRunsOnASmallEntry() async throws {
        let directory = CacheTestServer.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await CacheBenchmark.run(bytes: 5 * (1 << 20) + 3, directory: directory)
        #expect(result.saveSeconds > 0)
        #expect(result.restoreSeconds > 0)
        #expect(result.copySeconds > 0)
        #expect(result.peakRSSBytes > 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty, "the benchmark cleans up")
    }
}
