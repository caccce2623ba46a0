import Foundation

/// Starting, stopping and restarting the HTTP server.
extension ForgejoDouble {
    /// Starts serving on `host:port` (`::` = every address, IPv4 included; port 0 = an ephemeral
    /// port) and returns the bound address. Unless `Configuration.serverURL` is set, the context's
    /// `server_url` becomes this server's base URL. Starts the reaper loop when
    /// `Configuration.reaperInterval` is set.
    @discardableResult
    public func start(host: String = "::", port: Int = 0) async throws -> BoundAddress {
        if let running = address {
            throw DoubleError(.server, "the double is already listening on \(running)")
        }
        let handle = try await HTTPServerHandle.start(host: host, port: port, responder: DoubleResponder(double: self))
        if configuration.serverURL == nil {
            mutate { $0.serverURL = handle.address.url }
        }
        let reaper: Task<Void, Never>? = configuration.reaperInterval.map { interval in
            Task { [weak self] in
                while !Task.isCancelled {
                    do {
                        try await Task.sleep(for: interval)
                    } catch {
                        return
                    }
                    self?.runReapers()
                }
            }
        }
        server.withLock { slot in
            slot.handle = handle
            slot.reaper = reaper
            slot.lastAddress = handle.address
        }
        return handle.address
    }

    /// Stops the server and the reaper loop; state is kept. Open connections are closed.
    public func stop() async {
        let (handle, reaper) = server.withLock { slot in
            defer {
                slot.handle = nil
                slot.reaper = nil
            }
            return (slot.handle, slot.reaper)
        }
        reaper?.cancel()
        await handle?.stop()
    }

    /// Simulates a server restart: stops, waits `downtime` (clients get connection refused), and
    /// starts again on the same host and port with all state kept.
    @discardableResult
    public func restart(downtime: Duration = .zero) async throws -> BoundAddress {
        guard let previous = server.withLock({ $0.handle?.address ?? $0.lastAddress }) else {
            throw DoubleError(.server, "the double was never started")
        }
        await stop()
        if downtime > .zero { try await Task.sleep(for: downtime) }
        var lastError: (any Error)?
        // The port may linger briefly after close; retry a few times.
        for attempt in 0..<20 {
            do {
                return try await start(host: previous.host, port: previous.port)
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(50 * (attempt + 1)))
            }
        }
        throw lastError ?? DoubleError(.server, "cannot restart on \(previous)")
    }

    /// Returns when the server task ends (after `stop()`, or if it fails).
    public func waitUntilStopped() async {
        guard let handle = server.withLock({ $0.handle }) else { return }
        _ = await handle.task.result
    }
}
