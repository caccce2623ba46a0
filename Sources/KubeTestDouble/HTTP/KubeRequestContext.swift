import Hummingbird
import NIOCore

/// The per-request context: Hummingbird's core storage plus the connection, whose closing ends
/// a watch stream at once.
struct KubeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
