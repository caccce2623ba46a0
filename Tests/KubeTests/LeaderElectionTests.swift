import Foundation
import Kube
import KubeTestDouble
import Logging
import Testing
@testable import Kube

@Suite("Leader election on a Lease")
struct LeaderElectionTests {
    static let fast = KubeLeaderElection.Timing(leaseDuration: .seconds(1), renewDeadline: .milliseconds(600), retryPeriod: .milliseconds(100))

    /// A lease long enough that taking it within 10 s can only mean it was released, not expired.
    static let long = KubeLeaderElection.Timing(leaseDuration: .seconds(60), renewDeadline: .seconds(40), retryPeriod: .milliseconds(100))

    static func candidate(_ client: KubeClient, _ identity: String, timing: KubeLeaderElection.Timing = fast) -> KubeLeaderElection {
        KubeLeaderElection(client: client, namespace: "default", name: "hearth-test", identity: identity, timing: timing, logger: Logger(label: "lease"))
    }

    @Test("one holder at a time; a release hands the lease over at once")
    func handOver() async throws {
        try await withDouble { double, client in
            let a = Self.candidate(client, "a", timing: Self.long)
            let b = Self.candidate(client, "b", timing: Self.long)
            try await a.acquire()
            #expect(a.isLeader)
            #expect(await b.tryAcquireOrRenew() == false)
            #expect(await a.tryAcquireOrRenew())
            await a.release()
            #expect(!a.isLeader)
            let begun = ContinuousClock.now
            try await b.acquire()
            #expect(ContinuousClock.now - begun < .seconds(10), "a released lease is taken without waiting for its 60 s expiry")
            let lease = try await client.get(.leases, namespace: "default", name: "hearth-test")
            #expect(lease[path: "spec", "holderIdentity"] == "b")
            #expect(lease[path: "spec", "leaseTransitions"]?.intValue == 1)
            #expect(lease[path: "spec", "renewTime"]?.stringValue?.contains(".") == true, "MicroTime carries microseconds")
        }
    }

    @Test("a holder that stops renewing loses the lease after its duration, not before")
    func expiry() async throws {
        try await withDouble { double, client in
            let a = Self.candidate(client, "a")
            let b = Self.candidate(client, "b")
            try await a.acquire()
            let begun = ContinuousClock.now
            try await b.acquire()
            let waited = ContinuousClock.now - begun
            #expect(waited >= .seconds(1), "taken over after \(waited), before the lease expired")
            #expect(waited < .seconds(30))
            #expect(await a.tryAcquireOrRenew() == false, "the old holder sees the new one")
        }
    }

    @Test("candidates racing: exactly one wins each round (compare-and-swap on resourceVersion)")
    func race() async throws {
        try await withDouble { double, client in
            let candidates = (0..<6).map { Self.candidate(client, "c\($0)") }
            let winners = await withTaskGroup(of: Bool.self) { group in
                for candidate in candidates { group.addTask { await candidate.tryAcquireOrRenew() } }
                var count = 0
                for await won in group where won { count += 1 }
                return count
            }
            #expect(winners == 1)
            let lease = try await client.get(.leases, namespace: "default", name: "hearth-test")
            let holder = try #require(lease[path: "spec", "holderIdentity"]?.stringValue)
            #expect(candidates.filter(\.isLeader).map(\.identity) == [holder])
        }
    }

    @Test("a leader that cannot renew for its deadline steps down")
    func renewFailure() async throws {
        try await withDouble(retry: .none) { double, client in
            let a = Self.candidate(client, "a")
            try await a.acquire()
            double.failNext(1000, pathPrefix: "/apis/coordination.k8s.io/v1/namespaces/default/leases", status: 500)
            let begun = ContinuousClock.now
            await a.holdUntilLost()
            #expect(!a.isLeader)
            #expect(ContinuousClock.now - begun >= .milliseconds(600))
            #expect(ContinuousClock.now - begun < .seconds(30))
        }
    }
}
