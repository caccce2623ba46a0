import Foundation
import SwiftProtobuf

/// The two Connect codecs Forgejo accepts (§1.2–1.3): binary Protobuf and protojson.
enum ConnectCodec: Sendable {
    case proto
    case json

    /// The codec named by a `Content-Type` (parameters such as `charset` are ignored).
    init?(contentType: String?) {
        guard let contentType else { return nil }
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        switch media {
        case "application/proto": self = .proto
        case "application/json": self = .json
        default: return nil
        }
    }

    var contentType: String {
        switch self {
        case .proto: "application/proto"
        case .json: "application/json"
        }
    }

    func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from data: Data) throws(RPCError) -> M {
        do {
            switch self {
            case .proto:
                return try M(serializedBytes: data)
            case .json:
                guard !data.isEmpty else {
                    throw RPCError(.invalidArgument, "unmarshal into \(M.protoMessageName): zero-length payload is not a valid JSON object")
                }
                var options = JSONDecodingOptions()
                options.ignoreUnknownFields = true
                return try M(jsonUTF8Data: data, options: options)
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(.invalidArgument, "unmarshal into \(M.protoMessageName): \(error)")
        }
    }

    func encode(_ message: some SwiftProtobuf.Message) throws(RPCError) -> Data {
        do {
            switch self {
            case .proto: return try message.serializedData()
            case .json: return try message.jsonUTF8Data()
            }
        } catch {
            throw RPCError(.internal, "marshal message: \(error)")
        }
    }

    /// Bytes no decoder of this codec accepts (for the `garbageBody` fault).
    var garbage: Data {
        switch self {
        case .proto: Data([0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xDE, 0xAD, 0xBE, 0xEF])
        case .json: Data("<<not json: the Forgejo test double injected a garbage body>>".utf8)
        }
    }
}
