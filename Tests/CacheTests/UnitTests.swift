import Foundation
import NIOCore
import Testing
@testable import Cache

/// SHA-256, HMAC, tokens, and the range bookkeeping.
@Suite struct UnitTests {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func sha256MatchesTheStandardVectors() {
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(SHA256.hash([UInt8](repeating: 0x61, count: 1_000_000)))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func hmacMatchesRFC4231() {
        #expect(hex(SHA256.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
            == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(hex(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(hex(SHA256.hmac(key: [UInt8](repeating: 0xaa, count: 131),
                                message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func tokensRoundTripAndResistTampering() {
        let signer = CacheTokenSigner(secret: "s")
        let token = signer.issue(repository: "Owner/Repo", ref: "refs/pull/1/head")
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
        #expect(signer.validate(Substring(token)) == CacheScope(repository: "owner/repo", ref: "refs/pull/1/head"))
        #expect(signer.validate(Substring(signer.issue(repository: "o/r", ref: ""))) == CacheScope(repository: "o/r", ref: nil))
        #expect(CacheTokenSigner(secret: "t").validate(Substring(token)) == nil)
        #expect(signer.validate(Substring(token + "x")) == nil)
        #expect(signer.validate("") == nil)
        let expiring = signer.issue(repository: "o/r", ref: nil, lifetime: .seconds(10), now: Date(timeIntervalSince1970: 1000))
        #expect(signer.validate(Substring(expiring), now: Date(timeIntervalSince1970: 1005)) != nil)
        #expect(signer.validate(Substring(expiring), now: Date(timeIntervalSince1970: 1010)) == nil)
    }

    @Test func scopesIsolateRefs() {
        let shared = CacheScope(repository: "o/r", ref: nil)
        let pr = CacheScope(repository: "o/r", ref: "refs/pull/1/head")
        #expect(pr.canRead(shared))
        #expect(!shared.canRead(pr))
        #expect(!CacheScope(repository: "o/x", ref: nil).canRead(shared))
    }

    @Test func rangeSetsMergeAndCover() {
        var set = ByteRangeSet()
        set.insert(10..<20)
        set.insert(30..<40)
        #expect(set.ranges == [10..<20, 30..<40])
        set.insert(20..<30)
        #expect(set.ranges == [10..<40])
        set.insert(0..<5)
        #expect(set.count == 35)
        #expect(set.overlaps(4..<6))
        #expect(!set.overlaps(5..<10))
        #expect(set.contains(12..<18))
        #expect(!set.contains(3..<12))
        #expect(!set.isExactly(size: 40))
        set.insert(5..<10)
        #expect(set.isExactly(size: 40))
        #expect(ByteRangeSet().isExactly(size: 0))
    }

    @Test func uploadRangesParse() {
        #expect(ContentRange.parseUpload("bytes 0-199/*") == 0..<200)
        #expect(ContentRange.parseUpload("bytes 100-100/*") == 100..<101)
        #expect(ContentRange.parseUpload("bytes 0-9/10") == 0..<10)
        #expect(ContentRange.parseUpload("bytes 0-10/10") == nil)
        #expect(ContentRange.parseUpload("bytes 5-4/*") == nil)
        #expect(ContentRange.parseUpload("bytes -1-4/*") == nil)
        #expect(ContentRange.parseUpload("bytes 0-4") == nil)
        #expect(ContentRange.parseUpload("0-4/*") == nil)
    }

    @Test func downloadRangesParse() {
        #expect(ContentRange.parseDownload(nil, size: 100) == .whole)
        #expect(ContentRange.parseDownload("bytes=0-9", size: 100) == .partial(0..<10))
        #expect(ContentRange.parseDownload("bytes=90-200", size: 100) == .partial(90..<100))
        #expect(ContentRange.parseDownload("bytes=50-", size: 100) == .partial(50..<100))
        #expect(ContentRange.parseDownload("bytes=-10", size: 100) == .partial(90..<100))
        #expect(ContentRange.parseDownload("bytes=-500", size: 100) == .partial(0..<100))
        #expect(ContentRange.parseDownload("bytes=100-", size: 100) == .unsatisfiable)
        #expect(ContentRange.parseDownload("bytes=0-1,5-6", size: 100) == .whole)
        #expect(ContentRange.parseDownload("bytes=9-2", size: 100) == .whole)
        #expect(ContentRange.parseDownload("lines=1-2", size: 100) == .whole)
    }

    @Test func mappedBuffersKeepTheirBytesWhenTheyGrow() {
        let pattern = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var buffer = MappedBufferAllocator.allocator.buffer(capacity: CacheResponder.readChunkBytes)
        buffer.writeBytes(pattern)
        buffer.writeBytes([UInt8](repeating: 9, count: 2 * CacheResponder.readChunkBytes))
        #expect(buffer.readableBytes == 1000 + 2 * CacheResponder.readChunkBytes)
        #expect(buffer.getBytes(at: 0, length: 1000) == pattern)
        #expect(buffer.getBytes(at: buffer.writerIndex - 1, length: 1) == [9])
        // More standard blocks than the reuse cache keeps, allocated and released together.
        var many = (0..<(MappedBufferAllocator.maximumCachedBlocks * 2)).map { index -> ByteBuffer in
            var block = MappedBufferAllocator.allocator.buffer(capacity: CacheResponder.readChunkBytes)
            block.writeInteger(UInt64(index))
            return block
        }
        #expect(many.enumerated().allSatisfy { $0.element.getInteger(at: 0, as: UInt64.self) == UInt64($0.offset) })
        many.removeAll()
        var small = MappedBufferAllocator.allocator.buffer(capacity: 10)
        small.writeString("hello")
        #expect(small.readString(length: 5) == "hello")
    }

    @Test func logsNeverShowTokens() {
        #expect(CacheResponder.redacted("/abc.def/_apis/artifactcache/caches/1") == "/<token>/_apis/artifactcache/caches/1")
        #expect(CacheResponder.redacted("/_apis/artifactcache/cache") == "/_apis/artifactcache/cache")
    }

    @Test func queryParametersDecodePercentEscapes() {
        let query = CacheResponder.queryParameters("keys=Linux-npm-abc%2CLinux-npm-&version=0123&empty")
        #expect(query["keys"] == "Linux-npm-abc,Linux-npm-")
        #expect(query["version"] == "0123")
        #expect(query["empty"] == "")
        #expect(CacheResponder.queryParameters("keys=a+b")["keys"] == "a+b")
    }
}
