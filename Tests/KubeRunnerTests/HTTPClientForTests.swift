import AsyncHTTPClient

/// One HTTP client for the suite's direct channel calls (never shut down: it lives as long as the
/// test process).
enum HTTPClientForTests {
    static let shared = HTTPClient(eventLoopGroupProvider: .singleton)
}
