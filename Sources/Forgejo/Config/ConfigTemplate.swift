/// The commented `config.yml` that `hearth generate-config` prints: every key with its default
/// value and what it means, generated from ``ConfigSchema`` so it always lists every key. Loading
/// it gives the defaults without warnings.
public enum ConfigTemplate {
    /// The template text.
    public static var text: String {
        var lines = [
            "# Hearth runner configuration. The format is forgejo-runner's config.yml, so the same file",
            "# works with both. Every key is shown with its default value; keys left out keep their",
            "# defaults, unknown keys are reported as warnings.",
        ]
        var open: [String] = []
        for key in ConfigSchema.keys {
            guard let value = key.template else { continue }
            let parts = key.path.split(separator: ".").map(String.init)
            let section = Array(parts.dropLast())
            var common = 0
            while common < min(open.count, section.count), open[common] == section[common] { common += 1 }
            for depth in common..<section.count {
                if depth == 0 { lines.append("") }
                let sectionPath = section[0...depth].joined(separator: ".")
                for doc in ConfigSchema.sectionDocs[sectionPath] ?? [] { lines.append(indent(depth) + "# " + doc) }
                lines.append(indent(depth) + section[depth] + ":")
            }
            open = section
            for doc in key.doc { lines.append(indent(section.count) + "# " + doc) }
            lines.append(indent(section.count) + parts[parts.count - 1] + ": " + value)
        }
        lines += ConfigSchema.templateTrailer
        return lines.joined(separator: "\n") + "\n"
    }

    private static func indent(_ depth: Int) -> String {
        String(repeating: "  ", count: depth)
    }
}
