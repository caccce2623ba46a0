import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the connection, which the
/// `dropConnection` faults close.
struct DoubleRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
