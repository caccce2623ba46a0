import Testing

@testable import Engine

@Suite("File commands")
struct FileCommandParserTests {
    private func parse(_ text: String) throws -> [[String]] {
        try FileCommandParser.parseKeyValueFile(text).map { [$0.key, $0.value] }
    }

    @Test func simpleKeyValueLines() throws {
        #expect(try parse("A=1\nB=two words\n") == [["A", "1"], ["B", "two words"]])
    }

    @Test func valueIsSplitAtTheFirstEqualsAndKeptVerbatim() throws {
        #expect(try parse("URL=https://x?a=b&c=d\nSPACES=  padded  \nEMPTY=\n") == [
            ["URL", "https://x?a=b&c=d"], ["SPACES", "  padded  "], ["EMPTY", ""],
        ])
    }

    @Test func lastLineWithoutNewline() throws {
        #expect(try parse("A=1\nB=2") == [["A", "1"], ["B", "2"]])
    }

    @Test func emptyLinesAreSkipped() throws {
        #expect(try parse("\n\nA=1\n\n\nB=2\n\n") == [["A", "1"], ["B", "2"]])
        #expect(try parse("") == [])
    }

    @Test func repeatedKeysAreReturnedInOrder() throws {
        #expect(try parse("A=1\nA=2\n") == [["A", "1"], ["A", "2"]])
    }

    @Test func heredocValue() throws {
        let text = "JSON<<EOF\n{\n  \"a\": 1\n}\nEOF\nNEXT=after\n"
        #expect(try parse(text) == [["JSON", "{\n  \"a\": 1\n}"], ["NEXT", "after"]])
    }

    @Test func heredocKeepsEmptyLinesAndEqualsSigns() throws {
        let text = "MSG<<ghadelimiter_123\nline=1\n\nline << 3\nghadelimiter_123\n"
        #expect(try parse(text) == [["MSG", "line=1\n\nline << 3"]])
    }

    @Test func emptyHeredocValue() throws {
        #expect(try parse("EMPTY<<EOF\nEOF\n") == [["EMPTY", ""]])
        #expect(try parse("BLANK<<EOF\n\nEOF\n") == [["BLANK", ""]])
        #expect(try parse("TWO<<EOF\n\n\nEOF") == [["TWO", "\n"]])
    }

    @Test func delimiterMustBeTheWholeLine() throws {
        // `EOF ` and `xEOF` do not close the value; only the exact line does.
        #expect(try parse("A<<EOF\nEOF \nxEOF\nEOF\n") == [["A", "EOF \nxEOF"]])
    }

    @Test func equalsBeforeHeredocMarkerIsASimpleValue() throws {
        #expect(try parse("A=b<<c\n") == [["A", "b<<c"]])
        #expect(try parse("A<<B=C\nx\nB=C\n") == [["A", "x"]])
    }

    @Test func crlfLineEndingsAreAccepted() throws {
        let text = "A=1\r\nML<<EOF\r\nfirst\r\nsecond\r\nEOF\r\nB=2\r\n"
        #expect(try parse(text) == [["A", "1"], ["ML", "first\r\nsecond"], ["B", "2"]])
    }

    @Test func missingDelimiterNamesTheLine() {
        do {
            _ = try FileCommandParser.parseKeyValueFile("A=1\nVALUE<<EOF\nline one\nline two\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.message.contains("Matching delimiter not found 'EOF'"))
            #expect(error.message.contains("'VALUE'"))
        }
    }

    @Test func delimiterGluedToTheLastLineIsReported() {
        do {
            _ = try FileCommandParser.parseKeyValueFile("VALUE<<EOF\nlast line without newlineEOF")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 1)
            #expect(error.message.contains("EOF marker missing new line"))
        }
    }

    @Test func malformedLinesAreReportedWithTheirLineNumber() {
        #expect(throws: FileCommandError.self) { try FileCommandParser.parseKeyValueFile("A=1\njust text\n") }
        do {
            _ = try FileCommandParser.parseKeyValueFile("A=1\n\njust text\n")
        } catch {
            #expect(error.line == 3)
            #expect(error.message.contains("'just text'"))
            #expect(error.description.hasPrefix("Line 3: "))
        }
        do {
            _ = try FileCommandParser.parseKeyValueFile("=value\n")
        } catch {
            #expect(error.line == 1 && error.message.contains("Name must not be empty"))
        }
        do {
            _ = try FileCommandParser.parseKeyValueFile("NAME<<\nx\n")
        } catch {
            #expect(error.line == 1 && error.message.contains("delimiter must not be empty"))
        }
        #expect(throws: FileCommandError.self) { try FileCommandParser.parseKeyValueFile("<<EOF\nx\nEOF\n") }
    }

    @Test func pathFile() {
        let text = "/opt/tool/bin\n\n  \nC:\\tools\r\n/with space/bin\r/last"
        #expect(FileCommandParser.parsePathFile(text) == ["/opt/tool/bin", "C:\\tools", "/with space/bin", "/last"])
        #expect(FileCommandParser.parsePathFile("") == [])
    }
}
