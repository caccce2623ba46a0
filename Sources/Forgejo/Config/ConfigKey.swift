/// One key of `config.yml`: where it lives, how it is documented in the generated template, and
/// how its value is applied to a ``RunnerConfig``. The builders below cover the value kinds;
/// ``ConfigSchema/keys`` lists every key.
struct ConfigKey {
    /// Dotted path, e.g. `runner.fetch_interval`.
    let path: String
    /// Comment lines shown above the key in the template.
    let doc: [String]
    /// The YAML value written in the template (the default); nil keeps the key out of the
    /// template.
    let template: String?
    /// Applies a (non-null) value.
    let apply: (ConfigValue, inout RunnerConfig, inout ConfigContext) throws -> Void

    typealias Path<T> = WritableKeyPath<RunnerConfig, T>

    /// A string; empty keeps the default (forgejo-runner's rule). `allowed` values are compared
    /// case-insensitively and stored in lower case.
    static func string(_ path: String, _ keyPath: Path<String>, template: String, doc: [String], allowed: [String]? = nil) -> ConfigKey {
        ConfigKey(path: path, doc: doc, template: template) { value, config, _ in
            var text = try value.string()
            guard !text.isEmpty else { return }
            if let allowed {
                text = text.lowercased()
                guard allowed.contains(text) else {
                    throw value.error("\"\(text)\" is not one of \(allowed.joined(separator: ", "))")
                }
            }
            config[keyPath: keyPath] = text
        }
    }

    static func bool(_ path: String, _ keyPath: Path<Bool>, template: String, doc: [String]) -> ConfigKey {
        ConfigKey(path: path, doc: doc, template: template) { value, config, _ in
            config[keyPath: keyPath] = try value.bool()
        }
    }

    /// A whole number; with `zeroKeepsDefault` 0 means "use the default"; values below `minimum`
    /// are ignored with a warning, as forgejo-runner does.
    static func int(_ path: String, _ keyPath: Path<Int>, minimum: Int, zeroKeepsDefault: Bool, template: String, doc: [String]) -> ConfigKey {
        ConfigKey(path: path, doc: doc, template: template) { value, config, context in
            let number = try value.int()
            if number == 0 && zeroKeepsDefault { return }
            guard number >= minimum else {
                context.warn(value, "\(number) is below \(minimum); ignored, using \(config[keyPath: keyPath])")
                return
            }
            config[keyPath: keyPath] = number
        }
    }

    static func port(_ path: String, _ keyPath: Path<UInt16>, template: String, doc: [String]) -> ConfigKey {
        ConfigKey(path: path, doc: doc, template: template) { value, config, _ in
            config[keyPath: keyPath] = try value.port()
        }
    }

    /// A Go duration. With `zeroKeepsDefault`, 0 means "use the default"; negative values are
    /// ignored with a warning (forgejo-runner's rule).
    static func duration(_ path: String, _ keyPath: Path<Duration>, zeroKeepsDefault: Bool, template: String, doc: [String]) -> ConfigKey {
        ConfigKey(path: path, doc: doc, template: template) { value, config, context in
            let duration = try value.duration()
            if duration == .zero && zeroKeepsDefault { return }
            guard duration >= .zero else {
                context.warn(value, "negative durations are not allowed; ignored, using \(GoDuration.format(config[keyPath: keyPath]))")
                return
            }
            config[keyPath: keyPath] = duration
        }
    }

    static func stringList(_ path: String, _ keyPath: Path<[String]>, template: String, doc: [String]) -> ConfigKey {
        ConfigKey(path: path, doc: doc, template: template) { value, config, _ in
            config[keyPath: keyPath] = try value.stringList()
        }
    }

    static func stringMap(_ path: String, _ keyPath: Path<[String: String]>, template: String, doc: [String]) -> ConfigKey {
        ConfigKey(path: path, doc: doc, template: template) { value, config, _ in
            for (name, text) in try value.stringMap() { config[keyPath: keyPath][name] = text }
        }
    }

    /// Full label strings; invalid labels are skipped with a warning (forgejo-runner skips them
    /// at start-up).
    static func labels(_ path: String, _ keyPath: Path<[RunnerLabel]>, template: String, doc: [String]) -> ConfigKey {
        ConfigKey(path: path, doc: doc, template: template) { value, config, context in
            config[keyPath: keyPath] = try context.labels(from: value)
        }
    }

    /// Anything else.
    static func custom(
        _ path: String, template: String?, doc: [String],
        _ apply: @escaping (ConfigValue, inout RunnerConfig, inout ConfigContext) throws -> Void
    ) -> ConfigKey {
        ConfigKey(path: path, doc: doc, template: template, apply: apply)
    }
}

/// State while applying one file: warnings, and values resolved after all keys are read.
struct ConfigContext {
    /// The file name used in warnings.
    var source: String?
    var warnings: [String] = []
    /// `container.network_mode` (deprecated), resolved against `container.network` at the end.
    var networkMode: String?
    /// Keys that were present in the file.
    var seenKeys: Set<String> = []

    mutating func warn(_ value: ConfigValue, _ message: String) {
        var location = ""
        switch (source, value.line) {
        case let (source?, line?): location = "\(source):\(line): "
        case let (source?, nil): location = "\(source): "
        case let (nil, line?): location = "line \(line): "
        case (nil, nil): break
        }
        warnings.append("\(location)\(value.key): \(message)")
    }

    mutating func labels(from value: ConfigValue) throws -> [RunnerLabel] {
        let texts = try value.stringList()
        let parsed = RunnerLabel.parseAll(texts)
        for error in parsed.errors { warn(value, "\(error); label ignored") }
        return parsed.labels
    }
}
