import Testing
@Test func forgejoPlaceholder() { #expect(Bool(true)) }
