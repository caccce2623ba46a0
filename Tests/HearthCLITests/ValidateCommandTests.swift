import Foundation
import Testing

@Suite("hearth validate")
struct ValidateCommandTests {
    @Test("valid files pass; errors print file:line:column and exit 1")
    func verdicts() async throws {
        let repo = try HearthBinary.repository([
            "ok.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n",
            "unknown-key.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    stepz: []\n",
            "bad-expr.yml": "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ 1 < }}\n",
            "cycle.yml": "on: push\njobs:\n  a:\n    needs: b\n    runs-on: x\n    steps: [{run: x}]\n  b:\n    needs: a\n    runs-on: x\n    steps: [{run: x}]\n",
            "yaml.yml": "on: push\njobs:\n  a: [\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let ok = try await HearthBinary.run(["validate", repo + "/ok.yml"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        for (file, position) in [("unknown-key.yml", ":5:5"), ("bad-expr.yml", ":6:"), ("cycle.yml", ""), ("yaml.yml", ":")] {
            let result = try await HearthBinary.run(["validate", repo + "/" + file])
            #expect(result.status == 1, "\(file) should be rejected")
            #expect(result.stdout.contains(file + position), "\(file): \(result.stdout)")
        }
    }
}
