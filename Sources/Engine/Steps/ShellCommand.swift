import Backends
import Foundation

/// How a `run:` step's script is started: GitHub's exact default command lines per `shell:`.
///
/// | shell | command line | file |
/// |---|---|---|
/// | (none) | `bash -e {0}`, or `sh -e {0}` without bash | `.sh` |
/// | `bash` | `bash --noprofile --norc -eo pipefail {0}` | `.sh` |
/// | `sh` | `sh -e {0}` | `.sh` |
/// | `python` | `python {0}` (`python3` when `python` is absent) | `.py` |
/// | `pwsh` / `powershell` | `pwsh -command ". '{0}'"` | `.ps1` |
/// | anything else | the text itself, which must contain `{0}` | by program name |
public struct ShellCommand: Sendable, Equatable {
    public var executable: String
    /// Arguments with `{0}` standing for the script path.
    public var argumentTemplate: [String]
    /// Extension of the script file, with its dot.
    public var fileExtension: String
    /// The shell name as GitHub reports it, used to decide how to wrap the script.
    public var family: String

    public struct UnknownShell: Error, CustomStringConvertible {
        public var shell: String
        public var reason: String
        public var description: String { "invalid shell '\(shell)': \(reason)" }
    }

    /// Resolves `shell` (nil: the default) against the step's `PATH` on this machine.
    public static func resolve(_ shell: String?, path: String?) throws(UnknownShell) -> ShellCommand {
        try resolve(shell, exists: { ExecutableLookup.resolve($0, path: path) != nil })
    }

    /// Resolves `shell`; `exists` tells whether a program can be found where the step runs.
    public static func resolve(_ shell: String?, exists: (String) -> Bool) throws(UnknownShell) -> ShellCommand {
        let name = shell?.trimmingCharacters(in: .whitespaces) ?? ""
        switch name {
        case "":
            if exists("bash") {
                return ShellCommand(executable: "bash", argumentTemplate: ["-e", "{0}"], fileExtension: ".sh", family: "bash")
            }
            return ShellCommand(executable: "sh", argumentTemplate: ["-e", "{0}"], fileExtension: ".sh", family: "sh")
        case "bash":
            return ShellCommand(executable: "bash", argumentTemplate: ["--noprofile", "--norc", "-eo", "pipefail", "{0}"], fileExtension: ".sh", family: "bash")
        case "sh":
            return ShellCommand(executable: "sh", argumentTemplate: ["-e", "{0}"], fileExtension: ".sh", family: "sh")
        case "python":
            let program = !exists("python") && exists("python3") ? "python3" : "python"
            return ShellCommand(executable: program, argumentTemplate: ["{0}"], fileExtension: ".py", family: "python")
        case "pwsh", "powershell":
            return ShellCommand(executable: name, argumentTemplate: ["-command", ". '{0}'"], fileExtension: ".ps1", family: "pwsh")
        case "cmd":
            throw UnknownShell(shell: name, reason: "cmd is only available on Windows runners; use bash, sh, python or pwsh")
        default:
            guard name.contains("{0}") else {
                throw UnknownShell(shell: name, reason: "a custom shell must contain '{0}' where the script path goes, e.g. 'perl {0}'; built-in shells are bash, sh, python, pwsh, powershell")
            }
            let words = splitCommandLine(name)
            guard let program = words.first, !program.contains("{0}") else {
                throw UnknownShell(shell: name, reason: "the shell text must start with a program name")
            }
            let base = program.split(separator: "/").last.map(String.init) ?? program
            let known: [String: (String, String)] = [
                "bash": (".sh", "bash"), "sh": (".sh", "sh"), "python": (".py", "python"), "python3": (".py", "python"),
                "pwsh": (".ps1", "pwsh"), "powershell": (".ps1", "pwsh"), "node": (".js", "node"), "perl": (".pl", "perl"),
            ]
            let (fileExtension, family) = known[base] ?? ("", base)
            return ShellCommand(executable: program, argumentTemplate: Array(words.dropFirst()), fileExtension: fileExtension, family: family)
        }
    }

    /// The arguments with the script path put in.
    public func arguments(scriptPath: String) -> [String] {
        argumentTemplate.map { $0.replacingOccurrences(of: "{0}", with: scriptPath) }
    }

    /// The script as written to disk: PowerShell scripts get GitHub's error-handling prologue.
    public func scriptContents(_ script: String) -> String {
        guard family == "pwsh" else { return script }
        return "$ErrorActionPreference = 'stop'\n\(script)\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }"
    }

    /// Splits a command line on spaces, honouring double and single quotes.
    static func splitCommandLine(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
