import Foundation
import Testing

@testable import Engine

@Suite("SHA-256")
struct SHA256Tests {
    private func hex(_ text: String) -> String { SHA256.hex(SHA256.hash(Array(text.utf8))) }

    @Test func fipsVectors() {
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
            == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func oneMillionAs() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(SHA256.hex(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func paddingBoundaries() {
        let expected: [Int: String] = [
            55: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318",
            56: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a",
            63: "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34",
            64: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb",
            65: "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0",
            119: "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb",
            120: "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c",
        ]
        for (length, digest) in expected {
            #expect(hex(String(repeating: "a", count: length)) == digest, "length \(length)")
        }
    }

    @Test func streamingInUnevenChunksMatchesOneShot() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<10_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let oneShot = SHA256.hash(data)
        var hasher = SHA256()
        var position = 0
        var size = 1
        while position < data.count {
            let end = min(position + size, data.count)
            hasher.update(data[position..<end])
            position = end
            size = size * 3 % 97 + 1
        }
        #expect(hasher.finalize() == oneShot)
        var text = SHA256()
        text.update("abc")
        #expect(SHA256.hex(text.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

@Suite("hashFiles")
struct HashFilesTests {
    /// A temporary workspace:
    /// ```
    /// .hidden/x.txt  a/b.txt  a.txt  node_modules/dep/package-lock.json  package-lock.json
    /// src/lib/util.swift  src/main.swift  sub/package-lock.json
    /// ```
    final class Workspace {
        let root: String
        let outside: String

        init() throws {
            let base = FileManager.default.temporaryDirectory.path + "/hashfiles-\(UUID().uuidString)"
            root = base + "/ws"
            outside = base + "/outside"
            let files: [String: String] = [
                ".hidden/x.txt": "hidden\n",
                "a/b.txt": "b\n",
                "a.txt": "hello\n",
                "node_modules/dep/package-lock.json": "{\"dep\":true}\n",
                "package-lock.json": "{\"root\":true}\n",
                "src/lib/util.swift": "func util() {}\n",
                "src/main.swift": "print(1)\n",
                "sub/package-lock.json": "{\"sub\":true}\n",
            ]
            for (path, content) in files { try write(content, to: root + "/" + path) }
            try write("secret\n", to: outside + "/other.txt")
        }

        deinit { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }

        func write(_ content: String, to path: String) throws {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        }

        func files(_ patterns: [String], follow: Bool = false) throws -> [String] {
            try HashFiles.matchFiles(patterns: patterns, workspace: root, followSymbolicLinks: follow)
                .map { String($0.dropFirst(root.count + 1)) }
        }

        func hash(_ patterns: [String]) throws -> String {
            try HashFiles.hash(patterns: patterns, workspace: root)
        }

        /// GitHub's algorithm, spelled out: SHA-256 over the files' SHA-256 digests.
        func expectedHash(_ relativePaths: [String]) throws -> String {
            var combined = SHA256()
            for path in relativePaths {
                let data = try Data(contentsOf: URL(fileURLWithPath: root + "/" + path))
                combined.update(SHA256.hash(data))
            }
            return SHA256.hex(combined.finalize())
        }
    }

    @Test func knownValueForOneFile() throws {
        let workspace = try Workspace()
        // sha256(sha256("hello\n")), as GitHub computes hashFiles('a.txt').
        #expect(try workspace.hash(["a.txt"]) == "ecb65bb98f9d905b70458986c39fcbad7715e5f2fcc3b1f07767d7c83e2438cc")
    }

    @Test func hashesDigestsNotContents() throws {
        let workspace = try Workspace()
        try workspace.write("world\n", to: workspace.root + "/z/w.txt")
        // sha256(sha256("hello\n") + sha256("world\n")); act would hash "hello\nworld\n" instead.
        #expect(try workspace.hash(["a.txt", "z/w.txt"]) == "96cb8058ed58b58f8fc0ad459bacf81108599b403e91674460ccb089f8ebb9db")
    }

    @Test func walkOrderIsDepthFirstByteOrder() throws {
        let workspace = try Workspace()
        #expect(try workspace.files(["**"]) == [
            ".hidden/x.txt", "a/b.txt", "a.txt", "node_modules/dep/package-lock.json", "package-lock.json",
            "src/lib/util.swift", "src/main.swift", "sub/package-lock.json",
        ])
    }

    @Test func recursiveWildcard() throws {
        let workspace = try Workspace()
        let expected = ["node_modules/dep/package-lock.json", "package-lock.json", "sub/package-lock.json"]
        #expect(try workspace.files(["**/package-lock.json"]) == expected)
        #expect(try workspace.hash(["**/package-lock.json"]) == workspace.expectedHash(expected))
    }

    @Test func exclusionsApplyInOrder() throws {
        let workspace = try Workspace()
        #expect(try workspace.files(["**/package-lock.json", "!**/node_modules/**"]) == ["package-lock.json", "sub/package-lock.json"])
        // A later pattern re-includes what an earlier one excluded.
        #expect(try workspace.files(["**/*.json", "!node_modules/**", "node_modules/dep/package-lock.json"]) == [
            "node_modules/dep/package-lock.json", "package-lock.json", "sub/package-lock.json",
        ])
        // An exclusion before the inclusion has no effect.
        #expect(try workspace.files(["!**/node_modules/**", "**/package-lock.json"]).count == 3)
    }

    @Test func directoryPatternMatchesEverythingBelow() throws {
        let workspace = try Workspace()
        #expect(try workspace.files(["src"]) == ["src/lib/util.swift", "src/main.swift"])
        #expect(try workspace.files(["src/"]) == ["src/lib/util.swift", "src/main.swift"])
    }

    @Test func wildcardSyntax() throws {
        let workspace = try Workspace()
        #expect(try workspace.files(["src/*.swift"]) == ["src/main.swift"])
        #expect(try workspace.files(["src/ma?n.swift"]) == ["src/main.swift"])
        #expect(try workspace.files(["src/[lm]*"]) == ["src/lib/util.swift", "src/main.swift"])
        #expect(try workspace.files(["src/[!l]*"]) == ["src/main.swift"])
        #expect(try workspace.files(["*.txt"]) == ["a.txt"])
        #expect(try workspace.files(["**/x.txt"]) == [".hidden/x.txt"])
        #expect(try workspace.files(["**/*.SWIFT"]) == [])
        #expect(try workspace.files(["./a.txt"]) == ["a.txt"])
    }

    @Test func severalPatternsPerArgumentAndComments() throws {
        let workspace = try Workspace()
        #expect(try workspace.files(["a.txt\n# a comment\n\n  src/main.swift  "]) == ["a.txt", "src/main.swift"])
        #expect(try workspace.files(["a.txt\r\nsrc/main.swift\r\n"]) == ["a.txt", "src/main.swift"])
    }

    @Test func absolutePathsInsideAndOutsideTheWorkspace() throws {
        let workspace = try Workspace()
        #expect(try workspace.files([workspace.root + "/a.txt"]) == ["a.txt"])
        var messages: [String] = []
        let result = try HashFiles.hash(patterns: [workspace.outside + "/other.txt"], workspace: workspace.root) {
            messages.append($0)
        }
        #expect(result == "")
        #expect(messages.contains { $0.contains("not under GITHUB_WORKSPACE") })
    }

    @Test func noMatchGivesEmptyString() throws {
        let workspace = try Workspace()
        #expect(try workspace.hash(["**/*.lock"]) == "")
        #expect(try workspace.hash(["does/not/exist/**"]) == "")
        #expect(try workspace.hash([]) == "")
    }

    @Test func invalidPatternsThrow() throws {
        let workspace = try Workspace()
        #expect(throws: HashFilesError.self) { try workspace.hash(["../etc/passwd"]) }
        #expect(throws: HashFilesError.self) { try workspace.hash(["src/../a.txt"]) }
        #expect(throws: HashFilesError.self) { try workspace.hash(["!"]) }
        #expect(throws: HashFilesError.self) { try HashFiles.hash(patterns: ["a"], workspace: "relative/ws") }
    }

    @Test func symbolicLinks() throws {
        let workspace = try Workspace()
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: workspace.root + "/link.txt", withDestinationPath: workspace.root + "/a.txt")
        try manager.createSymbolicLink(atPath: workspace.root + "/linkdir", withDestinationPath: workspace.root + "/src")
        try manager.createSymbolicLink(atPath: workspace.root + "/broken", withDestinationPath: workspace.root + "/missing")
        // A link to a file is hashed (by content); a link to a directory is not followed.
        #expect(try workspace.files(["link*", "broken"]) == ["link.txt"])
        #expect(try workspace.hash(["link.txt"]) == workspace.hash(["a.txt"]))
        // --follow-symbolic-links descends into linked directories.
        #expect(try workspace.files(["linkdir"], follow: true) == ["linkdir/lib/util.swift", "linkdir/main.swift"])
        #expect(try workspace.hash([HashFiles.followSymbolicLinksOption, "linkdir"]) == workspace.hash(["src"]))
    }

    @Test func largeFilesAreHashedInChunks() throws {
        let workspace = try Workspace()
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<300_001).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = workspace.root + "/big.bin"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let expected = SHA256.hex(SHA256.hash(SHA256.hash(bytes)))
        #expect(try workspace.hash(["big.bin"]) == expected)
    }
}
