import Foundation
import Testing

@Suite("hearth generate-config, register and daemon: bad input")
struct ForgejoCommandTests {
    @Test("generate-config prints every section; the daemon reads it back without warnings")
    func generateConfig() async throws {
        let result = try await HearthBinary.run(["generate-config"])
        #expect(result.status == 0)
        for section in ["log:", "runner:", "cache:", "container:", "host:"] {
            #expect(result.stdout.contains(section), "missing \(section)")
        }
    }

    @Test("daemon without a registration says to register; an invalid config value names its key")
    func daemonBadInput() async throws {
        let directory = try HearthBinary.repository([
            "bad.yml": "runner:\n  fetch_interval: soon\n",
            "good.yml": "runner:\n  file: missing.runner\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bad = try await HearthBinary.run(["daemon", "-c", directory + "/bad.yml"], in: directory)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("runner.fetch_interval"), "\(bad.stderr)")
        let unregistered = try await HearthBinary.run(["daemon", "-c", directory + "/good.yml"], in: directory)
        #expect(unregistered.status == 1)
        #expect(unregistered.stderr.contains("hearth register"), "\(unregistered.stderr)")
    }

    @Test("register --no-interactive without --instance is refused with a message")
    func registerNeedsFlags() async throws {
        let result = try await HearthBinary.run(["register", "--no-interactive", "--token", "x"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--instance"))
    }
}
