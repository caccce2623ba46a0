import ArgumentParser
import Foundation
import Workflow

/// `hearth validate [PATH…]`: reads workflow files and reports every error with its position.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check workflow files and print their errors as file:line:column: message.",
        discussion: "Each PATH is a workflow file or a directory of them. Without PATH, the repository's workflow directory is checked. Exits 1 when any file has an error.")

    @Argument(help: "Workflow files or directories.")
    var paths: [String] = []

    @Flag(name: .shortAndLong, help: "Print nothing for valid files.")
    var quiet = false

    func run() throws {
        var files: [String] = []
        do {
            if paths.isEmpty {
                files = try WorkflowDiscovery.files(at: nil, in: FileManager.default.currentDirectoryPath)
            } else {
                for path in paths { files += try WorkflowDiscovery.files(at: path, in: FileManager.default.currentDirectoryPath) }
            }
        } catch {
            printError("hearth: \(error)")
            throw ExitCode(1)
        }
        var failures = 0
        for file in files {
            do {
                let workflow = try WorkflowReader.read(path: file)
                if !quiet { print("\(file): ok (\(workflow.jobs.count) job\(workflow.jobs.count == 1 ? "" : "s"))") }
            } catch {
                failures += 1
                for problem in error.errors { print(problem.description) }
            }
        }
        if failures > 0 {
            printError("\(failures) of \(files.count) workflow file\(files.count == 1 ? "" : "s") invalid")
            throw ExitCode(1)
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
