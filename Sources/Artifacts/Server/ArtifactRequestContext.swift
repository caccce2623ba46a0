import Hummingbird
import NIOCore

/// Hummingbird's per-request context plus the connection, whose event loop paces downloads.
struct ArtifactRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
