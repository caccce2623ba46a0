import Foundation
import NIOHTTP1

/// Turns a non-200 reply into a ``ConnectError``: the Connect error JSON when the body is one,
/// otherwise the code connect clients derive from the HTTP status.
enum ConnectErrorBody {
    static func error(status: Int, reason: String, headers: HTTPHeaders, body: [UInt8], method: String?) -> ConnectError {
        if let parsed = parseJSON(body) {
            return ConnectError(code: parsed.code, message: parsed.message, httpStatus: status, method: method)
        }
        let code = ConnectError.Code(httpStatus: status)
        var message = "HTTP \(status)\(reason.isEmpty ? "" : " \(reason)")"
        if (300..<400).contains(status), let location = headers.first(name: "Location") {
            message += ": the server redirects to \(location); register with that address instead"
        } else if let snippet = plainTextSnippet(body) {
            message += ": \(snippet)"
        }
        return ConnectError(code: code, message: message, httpStatus: status, method: method)
    }

    /// The `code` and `message` of a Connect error JSON body, or nil if the body is not one (or
    /// names a code this client does not know, in which case the HTTP status decides).
    static func parseJSON(_ body: [UInt8]) -> (code: ConnectError.Code, message: String)? {
        guard let first = body.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), first == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let codeText = object["code"] as? String,
              let code = ConnectError.Code(rawValue: codeText)
        else { return nil }
        return (code, object["message"] as? String ?? "")
    }

    /// A short, single-line, non-HTML body worth showing to a human.
    static func plainTextSnippet(_ body: [UInt8]) -> String? {
        guard !body.isEmpty, body.count <= 512, let text = String(validating: body, as: UTF8.self) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.hasPrefix("<"), !trimmed.contains("\0") else { return nil }
        let oneLine = trimmed.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 200 ? String(oneLine.prefix(200)) + "…" : oneLine
    }
}
