import Foundation

/// One artifact of a run, as the store knows it.
struct ArtifactRecord: Sendable, Equatable {
    /// Which toolkit protocol created it; the two never share a name in a run.
    enum Kind: Sendable, Equatable {
        case v3
        case v4
    }

    let id: Int64
    let runID: String
    let jobID: String
    let name: String
    let kind: Kind
    /// Listed and downloadable (v3: `PATCH` received; v4: `FinalizeArtifact` succeeded).
    var finalized = false
    /// Bytes: what the v3 finalize reported, or the v4 zip's size.
    var size: Int64 = 0
    var created: Date
    /// The v4 client's `sha256:<hex>` digest of the zip, when it sent one.
    var digest: String?
}

/// Identifies an artifact: a name is unique within a run.
struct ArtifactKey: Hashable, Sendable {
    let runID: String
    let name: String
}
