/// One entry of `volumes:`: `name:/path[:ro]` (a named volume: one `emptyDir` shared by every
/// container of the job that names it) or `/path` (an anonymous `emptyDir` for this container).
/// Host paths (`/host:/path`, `./dir:/path`) are refused: job pods never mount the node's files.
struct VolumeSpec: Equatable {
    /// The volume's name as written, nil for an anonymous volume.
    var name: String?
    var mountPath: String
    var readOnly: Bool

    static func parse(_ text: String, owner: String) throws(PodRenderError) -> VolumeSpec {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func hostPath() -> PodRenderError {
            PodRenderError(
                "\(owner): the volume '\(text)' mounts a path of the node; Hearth does not mount host paths into job pods "
                    + "(use a named volume such as 'cache:/cache', shared by the job's containers)")
        }
        switch parts.count {
        case 1:
            guard text.hasPrefix("/") else {
                throw PodRenderError("\(owner): the volume '\(text)' needs a container path (expected name:/path or /path)")
            }
            return VolumeSpec(name: nil, mountPath: try checkedPath(text, owner: owner, entry: text), readOnly: false)
        case 2, 3:
            let source = parts[0]
            if source.hasPrefix("/") || source.hasPrefix(".") || source.hasPrefix("~") { throw hostPath() }
            guard !source.isEmpty else { throw PodRenderError("\(owner): the volume '\(text)' has no name") }
            var readOnly = false
            if parts.count == 3 {
                let modes = parts[2].split(separator: ",").map(String.init)
                for mode in modes {
                    switch mode {
                    case "ro": readOnly = true
                    case "rw", "z", "Z": break
                    default:
                        throw PodRenderError("\(owner): the volume '\(text)' has the mode '\(mode)', which Hearth cannot apply (use ro or rw)")
                    }
                }
            }
            return VolumeSpec(name: source, mountPath: try checkedPath(parts[1], owner: owner, entry: text), readOnly: readOnly)
        default:
            throw PodRenderError("\(owner): the volume '\(text)' cannot be read (expected name:/path[:ro] or /path)")
        }
    }

    private static func checkedPath(_ path: String, owner: String, entry: String) throws(PodRenderError) -> String {
        guard path.hasPrefix("/") else {
            throw PodRenderError("\(owner): the volume '\(entry)' needs an absolute container path")
        }
        var normalized = path
        while normalized.count > 1 && normalized.hasSuffix("/") { normalized.removeLast() }
        if normalized == StepShim.workMount {
            throw PodRenderError("\(owner): the volume '\(entry)' would hide the job's workspace at \(StepShim.workMount)")
        }
        return normalized
    }
}
