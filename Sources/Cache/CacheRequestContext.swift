import Hummingbird
import NIOCore

/// Hummingbird's per-request context plus the connection, which is half-closed after each
/// response (see ``CacheResponse``).
struct CacheRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
