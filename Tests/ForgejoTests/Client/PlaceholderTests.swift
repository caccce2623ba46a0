import Testing
@Test func clientPlaceholder() {}
