import Foundation
import Logging
import Synchronization

/// Leader election on a `coordination.k8s.io/v1` Lease, as client-go does it: the holder renews
/// `renewTime` every `retryPeriod`; a candidate takes the Lease over once it has seen the same
/// record unchanged for `leaseDuration` (measured on its own clock, so clock skew between
/// replicas does not matter); every write is a compare-and-swap on the resourceVersion, so two
/// candidates can never both win.
public final class KubeLeaderElection: Sendable {
    public struct Timing: Sendable {
        public var leaseDuration: Duration
        /// A leader that could not renew for this long gives up.
        public var renewDeadline: Duration
        public var retryPeriod: Duration

        public init(leaseDuration: Duration = .seconds(15), renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2)) {
            self.leaseDuration = leaseDuration
            self.renewDeadline = renewDeadline
            self.retryPeriod = retryPeriod
        }
    }

    public let namespace: String
    public let name: String
    public let identity: String
    public let timing: Timing
    private let client: KubeClient
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var leader = false
        /// The last record seen (holder, renewTime, resourceVersion) and when it was first seen.
        var observed: (record: String, at: ContinuousClock.Instant)?
    }

    public init(client: KubeClient, namespace: String, name: String, identity: String, timing: Timing = Timing(), logger: Logger) {
        self.client = client
        self.namespace = namespace
        self.name = name
        self.identity = identity
        self.timing = timing
        self.logger = logger
    }

    public var isLeader: Bool { state.withLock { $0.leader } }

    /// Returns once this identity holds the Lease; throws `CancellationError` when the task is
    /// cancelled first.
    public func acquire() async throws {
        var announced = false
        while true {
            try Task.checkCancellation()
            if await tryAcquireOrRenew() {
                logger.info("leader election: \(identity) now holds lease \(namespace)/\(name)")
                return
            }
            if !announced {
                logger.info("leader election: lease \(namespace)/\(name) is held by another replica; waiting as a standby")
                announced = true
            }
            try await Task.sleep(for: timing.retryPeriod)
        }
    }

    /// Renews the Lease until a renewal has failed for `renewDeadline` (returns: leadership is
    /// lost) or the task is cancelled (returns, still the holder until `release`).
    public func holdUntilLost() async {
        var lastRenewal = ContinuousClock.now
        while !Task.isCancelled {
            do { try await Task.sleep(for: timing.retryPeriod) } catch { return }
            if await tryAcquireOrRenew() {
                lastRenewal = .now
            } else if ContinuousClock.now - lastRenewal > timing.renewDeadline {
                state.withLock { $0.leader = false }
                logger.error("leader election: \(identity) could not renew lease \(namespace)/\(name) for \(timing.renewDeadline); leadership lost")
                return
            }
        }
    }

    /// Gives the Lease up at once (a successor need not wait for it to expire).
    public func release() async {
        guard state.withLock({ $0.leader }) else { return }
        state.withLock { $0.leader = false }
        do {
            var lease = try await client.get(.leases, namespace: namespace, name: name)
            guard lease[path: "spec", "holderIdentity"]?.stringValue == identity else { return }
            lease["spec"]?["holderIdentity"] = .null
            lease["spec"]?["leaseDurationSeconds"] = 1
            lease["spec"]?["renewTime"] = .string(Self.microTime(Date()))
            _ = try await client.replace(.leases, namespace: namespace, name: name, lease)
        } catch {
            logger.warning("leader election: releasing lease \(namespace)/\(name) failed (\(error)); it expires by itself")
        }
    }

    /// One attempt: create the Lease, renew it, or take it over once expired. True when this
    /// identity holds it afterwards.
    func tryAcquireOrRenew() async -> Bool {
        let now = Date()
        let durationSeconds = Int(timing.leaseDuration.components.seconds)
        let lease: JSONValue
        do {
            lease = try await client.get(.leases, namespace: namespace, name: name)
        } catch let error as KubeAPIError where error.isNotFound {
            let created: JSONValue = [
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": ["name": .string(name), "namespace": .string(namespace)],
                "spec": [
                    "holderIdentity": .string(identity), "leaseDurationSeconds": .number(Double(durationSeconds)),
                    "acquireTime": .string(Self.microTime(now)), "renewTime": .string(Self.microTime(now)), "leaseTransitions": 0,
                ],
            ]
            do {
                _ = try await client.create(.leases, namespace: namespace, created)
                state.withLock { $0.leader = true }
                return true
            } catch {
                return false
            }
        } catch {
            logger.warning("leader election: reading lease \(namespace)/\(name) failed: \(error)")
            return false
        }

        let spec = lease["spec"] ?? [:]
        let holder = spec["holderIdentity"]?.stringValue ?? ""
        let record = "\(holder)|\(spec["renewTime"]?.stringValue ?? "")|\(lease.objectResourceVersion ?? "")"
        let heldSeconds = spec["leaseDurationSeconds"]?.intValue ?? durationSeconds
        let expired = state.withLock { state -> Bool in
            if state.observed?.record != record { state.observed = (record, .now) }
            return ContinuousClock.now - state.observed!.at > .seconds(heldSeconds)
        }
        if !holder.isEmpty && holder != identity && !expired {
            state.withLock { $0.leader = false }
            return false
        }
        var updated = lease
        updated["spec"]?["holderIdentity"] = .string(identity)
        updated["spec"]?["leaseDurationSeconds"] = .number(Double(durationSeconds))
        updated["spec"]?["renewTime"] = .string(Self.microTime(now))
        if holder != identity {
            updated["spec"]?["acquireTime"] = .string(Self.microTime(now))
            updated["spec"]?["leaseTransitions"] = .number(Double((spec["leaseTransitions"]?.intValue ?? 0) + 1))
        }
        do {
            _ = try await client.replace(.leases, namespace: namespace, name: name, updated)
            state.withLock { $0.leader = true }
            return true
        } catch {
            // 409: someone else wrote first; they hold it now.
            state.withLock { $0.leader = false }
            return false
        }
    }

    /// Kubernetes' MicroTime: RFC 3339 with microseconds, UTC.
    static func microTime(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = floor(seconds)
        let micros = Int((seconds - whole) * 1_000_000)
        var components = gmtime_r_components(time_t(whole))
        components.micros = micros
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", components.year, components.month, components.day, components.hour,
            components.minute, components.second, components.micros)
    }

    private struct Components {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0
    }

    private static func gmtime_r_components(_ time: time_t) -> Components {
        var value = time
        var broken = tm()
        gmtime_r(&value, &broken)
        return Components(
            year: Int(broken.tm_year) + 1900, month: Int(broken.tm_mon) + 1, day: Int(broken.tm_mday), hour: Int(broken.tm_hour),
            minute: Int(broken.tm_min), second: Int(broken.tm_sec))
    }
}
