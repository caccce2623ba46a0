import Foundation
import Testing

@testable import Engine

@Suite("Secret masking")
struct SecretMaskerTests {
    @Test func masksEveryOccurrence() {
        let masker = SecretMasker()
        masker.add("hunter2")
        #expect(masker.mask("password=hunter2; again hunter2.") == "password=***; again ***.")
        #expect(masker.mask("no secrets here") == "no secrets here")
    }

    @Test func emptyMaskerLeavesTextAlone() {
        let masker = SecretMasker()
        #expect(masker.isEmpty)
        #expect(masker.mask("anything") == "anything")
        #expect(masker.mask("") == "")
    }

    @Test func emptyAndWhitespaceSecretsAreIgnored() {
        let masker = SecretMasker()
        masker.add("")
        masker.add("   ")
        masker.add("\n\t")
        #expect(masker.isEmpty)
        #expect(masker.mask("a b") == "a b")
    }

    @Test func overlappingSecretsLeaveNoFragment() {
        let masker = SecretMasker()
        masker.add("abc")
        masker.add("bcd")
        #expect(masker.mask("xabcdx") == "x***x")
        #expect(masker.mask("abcd") == "***")
        #expect(masker.mask("bcdabc") == "***")
    }

    @Test func longestSecretWins() {
        let masker = SecretMasker()
        masker.add("token")
        masker.add("token-with-suffix")
        #expect(masker.mask("[token-with-suffix]") == "[***]")
        #expect(masker.mask("[token-with-]") == "[***-with-]")
    }

    @Test func adjacentAndRepeatedOccurrencesBecomeOneMask() {
        let masker = SecretMasker()
        masker.add("ab")
        #expect(masker.mask("ababab!") == "***!")
        masker.add("aaa")
        #expect(masker.mask("xaaaax") == "x***x")
    }

    @Test func caseSensitive() {
        let masker = SecretMasker()
        masker.add("Secret")
        #expect(masker.mask("secret Secret SECRET") == "secret *** SECRET")
    }

    @Test func regexMetacharactersAreLiteral() {
        let masker = SecretMasker()
        masker.add("a.b*c+(d)?[e]{2}|^$\\")
        #expect(masker.mask("x a.b*c+(d)?[e]{2}|^$\\ y") == "x *** y")
        #expect(masker.mask("aXbbbc(d)e") == "aXbbbc(d)e")
        masker.add(".*")
        #expect(masker.mask("any text") == "any text")
        #expect(masker.mask("glob .* here") == "glob *** here")
    }

    @Test func unicodeSecrets() {
        let masker = SecretMasker()
        masker.add("pässwörd🔑")
        #expect(masker.mask("is pässwörd🔑!") == "is ***!")
    }

    @Test func multiLineSecretAcrossConsecutiveLines() {
        let masker = SecretMasker()
        masker.add("-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nbase64second+line/==\n-----END KEY-----")
        // Output is masked line by line, so each line of the secret must be masked on its own.
        let output = ["-----BEGIN KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "  base64second+line/==", "-----END KEY-----"]
        #expect(output.map(masker.mask) == ["***", "***", "  ***", "***"])
    }

    @Test func multiLineSecretWithinOneLine() {
        let masker = SecretMasker()
        masker.add("first-line-secret\r\nsecond-line-secret")
        #expect(masker.mask("raw: first-line-secret\r\nsecond-line-secret end") == "raw: *** end")
        // The escaped forms multi-line values take in JSON or debug output.
        #expect(masker.mask("json: \"first-line-secret\\r\\nsecond-line-secret\"") == "json: \"***\"")
        #expect(masker.mask("literal: first-line-secret\\nsecond-line-secret") == "literal: ***")
    }

    @Test func trivialLinesOfMultiLineSecretsAreNotRegistered() {
        let masker = SecretMasker()
        masker.add("{\n  \"private_key\": \"abcdef123456\",\n}\n")
        #expect(masker.mask("{ } ],") == "{ } ],")
        #expect(masker.mask("  \"private_key\": \"abcdef123456\",") == "  ***")
    }

    @Test func encodedFormsAreMasked() {
        let masker = SecretMasker()
        masker.add("p@ss w'rd\"&<x>")
        #expect(masker.mask(#"json "p@ss w'rd\"&<x>""#) == #"json "***""#)
        #expect(masker.mask("url p%40ss%20w%27rd%22%26%3Cx%3E") == "url ***")
        #expect(masker.mask("xml p@ss w&apos;rd&quot;&amp;&lt;x&gt;") == "xml ***")
        #expect(masker.mask("expr 'p@ss w''rd\"&<x>'") == "expr '***'")
    }

    @Test func base64FormsAreMaskedAtAnyAlignment() {
        let secret = "correct-horse-battery-staple"
        let masker = SecretMasker()
        masker.add(secret)
        for prefix in ["", "u", "us", "user:"] {
            let encoded = Data((prefix + secret + "\n").utf8).base64EncodedString()
            let masked = masker.mask("Authorization: Basic \(encoded)")
            #expect(masked.contains("***"), "prefix '\(prefix)'")
            // No more than the two boundary groups on each side of the secret may survive.
            #expect(masked.count < "Authorization: Basic ".count + 3 + 16, "prefix '\(prefix)': \(masked)")
        }
    }

    @Test func quotedSecretsAreAlsoMaskedWithoutQuotes() {
        let masker = SecretMasker()
        masker.add("\"quoted-secret\"")
        #expect(masker.mask("value quoted-secret") == "value ***")
    }

    @Test func registeringIsIdempotent() {
        let masker = SecretMasker()
        masker.add("same-secret")
        let count = masker.patternCount
        masker.add("same-secret")
        #expect(masker.patternCount == count)
    }

    @Test func concurrentRegistrationAndMasking() async {
        let masker = SecretMasker()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<8 {
                group.addTask {
                    masker.add("secret-number-\(index)")
                    for _ in 0..<200 { _ = masker.mask("line with secret-number-\(index) in it") }
                }
            }
        }
        for index in 0..<8 {
            #expect(masker.mask("x secret-number-\(index) y") == "x *** y")
        }
    }

    @Test func maskingIsFast() {
        let masker = SecretMasker()
        for index in 0..<20 { masker.add("s3cr3t-value-\(index)-\(String(index * 7919, radix: 36))") }
        let line = String(repeating: "The quick brown fox jumps over the lazy dog; ", count: 3).prefix(100)
        let text = String(line)
        let iterations = 20_000
        let start = Date()
        var total = 0
        for _ in 0..<iterations { total &+= masker.mask(text).utf8.count }
        let perLine = Date().timeIntervalSince(start) / Double(iterations)
        #expect(total == iterations * 100)
        // Microseconds per line, with a wide margin for debug builds and shared CPUs.
        #expect(perLine < 50e-6, "masking took \(perLine * 1e6) µs per line")
    }
}
