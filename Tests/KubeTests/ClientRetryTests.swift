import Foundation
import Kube
import KubeTestDouble
import Testing

@Suite("Client retries")
struct ClientRetryTests {
    @Test func tooManyRequestsIsRetriedAfterRetryAfter() async throws {
        try await withDouble { double, client in
            double.failNext(1, method: "POST", pathPrefix: "/api/v1/namespaces/default/pods", status: 429, retryAfterSeconds: 1)
            let start = ContinuousClock.now
            let pod = try await client.create(.pods, namespace: "default", podManifest("after-429"))
            let elapsed = ContinuousClock.now - start
            #expect(pod.objectName == "after-429")
            #expect(double.requestCount(verb: .create, resource: "pods") == 2)
            #expect(client.statistics.retries == 1)
            #expect(client.statistics.writes[.create] == 2)
            // The fast policy alone would have waited at most 50 ms: the second try waited for Retry-After.
            #expect(elapsed >= .milliseconds(900))
        }
    }

    @Test func serverErrorsAreRetriedWithBackoff() async throws {
        try await withDouble { double, client in
            double.failNext(2, method: "GET", status: 503)
            let list = try await client.list(.namespaces, namespace: nil)
            #expect(list.items.contains { $0.objectName == "default" })
            #expect(double.requestCount(verb: .list, resource: "namespaces") == 3)

            double.failNext(1, method: "GET", status: 500)
            _ = try await client.list(.pods, namespace: "default")
            #expect(double.requestCount(verb: .list, resource: "pods") == 2)
        }
    }

    @Test func retriesAreBounded() async throws {
        try await withDouble { double, client in
            double.failNext(10, status: 503)
            do {
                _ = try await client.list(.pods, namespace: "default")
                Issue.record("the list succeeded")
            } catch let error as KubeAPIError {
                #expect(error.statusCode == 503)
            }
            #expect(double.requestCount(verb: .list, resource: "pods") == fastRetry.maxAttempts)
        }
    }

    @Test func clientErrorsAreNotRetried() async throws {
        try await withDouble { double, client in
            for status in [400, 403, 409] {
                double.failNext(1, method: "POST", status: status)
                await expectAPIError(statusCode: status, check: { _ in true }) {
                    _ = try await client.create(.secrets, namespace: "default", ["metadata": ["name": .string("s\(status)")]])
                }
            }
            #expect(double.requestCount(verb: .create, resource: "secrets") == 3)
            #expect(client.statistics.retries == 0)
        }
    }

    @Test func connectionFailuresAreRetriedThenReported() async throws {
        // A port that was just free: nothing listens there.
        let double = try await KubeDouble.start()
        let url = double.url
        await double.stop()
        let client = try KubeClient(configuration: KubeConfiguration(server: url), retry: fastRetry, connectTimeout: .milliseconds(300),
                                    logger: .init(label: "t"))
        do {
            _ = try await client.list(.pods, namespace: "default")
            Issue.record("listing from a closed port succeeded")
        } catch {
            #expect(!(error is KubeAPIError))
        }
        #expect(client.statistics.requests == fastRetry.maxAttempts)
        await client.shutdown()
    }

    @Test func retryPolicyBacksOffExponentiallyWithinBounds() {
        let policy = KubeRetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1), jitter: 0)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil) == .milliseconds(100))
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil) == .milliseconds(200))
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil) == .milliseconds(400))
        #expect(policy.delay(afterAttempt: 10, retryAfter: nil) == .seconds(1))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3)) == .seconds(3))
        let jittered = KubeRetryPolicy(initialBackoff: .milliseconds(100), jitter: 0.5)
        for _ in 0..<20 {
            let delay = jittered.delay(afterAttempt: 1, retryAfter: nil)
            #expect(delay >= .milliseconds(50) && delay <= .milliseconds(100))
        }
        #expect(KubeRetryPolicy.isRetryable(statusCode: 429))
        #expect(KubeRetryPolicy.isRetryable(statusCode: 503))
        #expect(!KubeRetryPolicy.isRetryable(statusCode: 404))
        #expect(!KubeRetryPolicy.isRetryable(statusCode: 409))
    }
}
