import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension KubeClient {
    /// The largest response body read into memory (a list of many pods stays well below).
    static let maximumBodyBytes = 256 * 1024 * 1024

    /// Sends a request, retrying per the policy; returns the body of a 2xx response.
    func perform(_ request: KubeRequest) async throws -> Data {
        try await withRetries(request) { response in
            var body = try await response.body.collect(upTo: Self.maximumBodyBytes)
            let data = body.readData(length: body.readableBytes) ?? Data()
            if (200..<300).contains(Int(response.status.code)) { return .success(data) }
            return .failure(KubeAPIError(statusCode: Int(response.status.code), body: data,
                                         retryAfterHeader: response.headers.first(name: "Retry-After")))
        }
    }

    /// Sends a request whose body is read as a stream (watch); the response is returned once a 2xx
    /// head arrives. Error statuses are retried like any request.
    func open(_ request: KubeRequest) async throws -> HTTPClientResponse {
        try await withRetries(request, streaming: true) { response in
            if (200..<300).contains(Int(response.status.code)) { return .success(response) }
            var body = try await response.body.collect(upTo: 1024 * 1024)
            let data = body.readData(length: body.readableBytes) ?? Data()
            return .failure(KubeAPIError(statusCode: Int(response.status.code), body: data,
                                         retryAfterHeader: response.headers.first(name: "Retry-After")))
        }
    }

    private func withRetries<T: Sendable>(
        _ request: KubeRequest,
        streaming: Bool = false,
        _ handle: (HTTPClientResponse) async throws -> Result<T, KubeAPIError>
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            counters.withLock { $0.record(request.verb, retry: attempt > 1) }
            // A deadline covers the response head only: a watch's head arrives at once, its body never ends.
            let timeout = streaming ? Duration.seconds(3600) : requestTimeout
            let outcome: Result<T, KubeAPIError>
            do {
                let response = try await http.execute(httpRequest(request), timeout: TimeAmount(timeout), logger: nil)
                outcome = try await handle(response)
            } catch let error as KubeAPIError {
                throw error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                guard attempt < retry.maxAttempts, !isShutDown else { throw error }
                let delay = retry.delay(afterAttempt: attempt, retryAfter: nil)
                logger.debug("Kubernetes \(request.method) \(request.path) failed, retrying in \(delay): \(error)")
                try await Task.sleep(for: delay)
                continue
            }
            switch outcome {
            case .success(let value):
                return value
            case .failure(let error):
                guard KubeRetryPolicy.isRetryable(statusCode: error.statusCode), attempt < retry.maxAttempts else { throw error }
                let delay = retry.delay(afterAttempt: attempt, retryAfter: error.retryAfter)
                logger.debug("Kubernetes \(request.method) \(request.path): \(error.statusCode) \(error.reason), retrying in \(delay)")
                try await Task.sleep(for: delay)
            }
        }
    }

    private func httpRequest(_ request: KubeRequest) -> HTTPClientRequest {
        var http = HTTPClientRequest(url: request.url(base: configuration.baseURL))
        http.method = request.method
        http.headers.add(name: "Accept", value: "application/json")
        http.headers.add(name: "User-Agent", value: "hearth-kube/1.0")
        if let token = tokens.token(), !token.isEmpty {
            http.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body = request.body {
            http.headers.add(name: "Content-Type", value: request.contentType)
            http.body = .bytes(ByteBuffer(data: body))
        }
        return http
    }
}
