import Foundation
import HTTPTypes
import Hummingbird

/// The double's admin HTTP API, served under `/_double/` next to the runner API, so a person (or
/// a script) can drive a runner end to end with curl. Every answer is JSON unless noted.
///
/// | request | effect |
/// |---|---|
/// | `GET /_double/` | summary: base URL, registration token, tasks_version, counts |
/// | `GET /_double/registration-token` | `{"token": "…"}` |
/// | `POST /_double/registration-token` | reset: new token, the old one is invalidated |
/// | `POST /_double/runs?event=push&file=.forgejo/workflows/x.yml&ref=refs/heads/main&sha=…&secret=NAME=value&var=NAME=value` (body: workflow YAML) | queue a run → `{"run_id": 1, "job_ids": [1, 2]}` |
/// | `GET /_double/jobs`, `GET /_double/jobs/{id}` | job snapshots |
/// | `POST /_double/jobs/{id}/cancel` | cancel a job → `{"cancelled": true}` |
/// | `GET /_double/tasks`, `GET /_double/tasks/{id}` | task snapshots (status, steps, outputs, log rows) |
/// | `GET /_double/tasks/{id}/log` | the log as text, one `<time> <content>` line per row |
/// | `POST /_double/tasks/{id}/cancel` | cancel a running task → `{"cancelled": true}` |
/// | `GET /_double/runners` | registered runners |
/// | `POST /_double/reap` | run the reapers now → what they did |
struct AdminAPI {
    let double: ForgejoDouble

    func respond(to request: Request, context: DoubleRequestContext) async -> Response {
        let path = request.uri.path.trimmingTrailingSlashes
        let parts = path.split(separator: "/").map(String.init).dropFirst()  // drop "_double"
        let method = request.method
        let segments = Array(parts)
        let head = segments.first ?? ""
        let id = segments.count >= 2 ? Int64(segments[1]) : nil
        let tail = segments.count == 3 ? segments[2] : nil
        do {
            switch (method, head, segments.count) {
            case (.get, "", 0):
                return try json(Summary(baseURL: double.baseURL, runnerAPIURL: double.runnerAPIURL,
                                        registrationToken: double.registrationToken, tasksVersion: double.tasksVersion,
                                        runners: double.runners.count, jobs: double.jobs.count, tasks: double.tasks.count))
            case (.get, "registration-token", 1):
                return try json(["token": double.registrationToken])
            case (.post, "registration-token", 1):
                return try json(["token": double.createRegistrationToken()])
            case (.post, "runs", 1):
                return try await queueRun(request)
            case (.get, "jobs", 1):
                return try json(double.jobs)
            case (.get, "jobs", 2):
                guard let id, let job = double.job(JobID(id)) else { return notFound("no job \(segments[1])") }
                return try json(job)
            case (.post, "jobs", 3) where tail == "cancel":
                guard let id else { return notFound("no job \(segments[1])") }
                return try json(["cancelled": try double.cancel(jobID: JobID(id))])
            case (.get, "tasks", 1):
                return try json(double.tasks)
            case (.get, "tasks", 2):
                guard let id, let task = double.task(id) else { return notFound("no task \(segments[1])") }
                return try json(task)
            case (.get, "tasks", 3) where tail == "log":
                guard let id, let task = double.task(id) else { return notFound("no task \(segments[1])") }
                return DoubleResponder.text(200, task.logLines.map { $0 + "\n" }.joined())
            case (.post, "tasks", 3) where tail == "cancel":
                guard let id else { return notFound("no task \(segments[1])") }
                return try json(["cancelled": try double.cancel(taskID: id)])
            case (.get, "runners", 1):
                return try json(double.runners)
            case (.post, "reap", 1):
                return try json(double.runReapers())
            default:
                return problem(404, "unknown admin request \(method) \(path); see hearth-forgejo-double --help")
            }
        } catch let error as DoubleError {
            return problem(error.kind == .notFound ? 404 : 400, error.message)
        } catch {
            return problem(500, "\(error)")
        }
    }

    private func queueRun(_ request: Request) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 8 << 20)
        let yaml = String(decoding: Data(buffer: buffer), as: UTF8.self)
        let items = URLComponents(string: "http://double\(request.uri.string)")?.queryItems ?? []
        func value(_ name: String) -> String? { items.last { $0.name == name }?.value }
        func pairs(_ name: String) -> [String: String] {
            var result: [String: String] = [:]
            for item in items where item.name == name {
                guard let text = item.value, let equals = text.firstIndex(of: "=") else { continue }
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            return result
        }
        let run = try double.queueRun(workflowYAML: yaml, file: value("file") ?? ".forgejo/workflows/test.yml",
                                      event: value("event") ?? "push", ref: value("ref") ?? "refs/heads/main",
                                      sha: value("sha"), secrets: pairs("secret"), vars: pairs("var"))
        return try json(QueuedRun(runID: run.runID, jobIDs: run.jobs))
    }

    // MARK: - Answers

    private struct Summary: Encodable {
        var baseURL: String
        var runnerAPIURL: String
        var registrationToken: String
        var tasksVersion: Int64
        var runners: Int
        var jobs: Int
        var tasks: Int

        enum CodingKeys: String, CodingKey {
            case baseURL = "base_url", runnerAPIURL = "runner_api_url", registrationToken = "registration_token"
            case tasksVersion = "tasks_version", runners, jobs, tasks
        }
    }

    private struct QueuedRun: Encodable {
        var runID: Int64
        var jobIDs: [JobID]

        enum CodingKeys: String, CodingKey {
            case runID = "run_id", jobIDs = "job_ids"
        }
    }

    private func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var data = try encoder.encode(value)
        data.append(0x0A)
        return DoubleResponder.bytes(200, "application/json", data)
    }

    private func notFound(_ message: String) -> Response { problem(404, message) }

    private func problem(_ status: Int, _ message: String) -> Response {
        let body = (try? JSONSerialization.data(withJSONObject: ["error": message], options: [.sortedKeys])) ?? Data()
        return DoubleResponder.bytes(status, "application/json", body + Data("\n".utf8))
    }
}
