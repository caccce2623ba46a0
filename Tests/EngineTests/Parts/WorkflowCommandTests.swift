import Testing

@testable import Engine

@Suite("Workflow command parsing")
struct WorkflowCommandParsingTests {
    @Test func parsesNamePropertiesAndValue() throws {
        let command = try #require(WorkflowCommand.parse("::set-output name=result,other=2::hello world"))
        #expect(command.name == "set-output")
        #expect(command.properties == [.init(key: "name", value: "result"), .init(key: "other", value: "2")])
        #expect(command.value == "hello world")
        #expect(!command.isLegacy)
    }

    @Test func commandWithoutPropertiesOrValue() throws {
        let debug = try #require(WorkflowCommand.parse("::debug::just text"))
        #expect(debug.name == "debug" && debug.properties.isEmpty && debug.value == "just text")
        let end = try #require(WorkflowCommand.parse("::endgroup::"))
        #expect(end.name == "endgroup" && end.value.isEmpty)
    }

    @Test func valueKeepsLaterDoubleColons() throws {
        let command = try #require(WorkflowCommand.parse("::debug::a::b::c"))
        #expect(command.value == "a::b::c")
    }

    @Test func leadingWhitespaceIsAllowed() throws {
        let command = try #require(WorkflowCommand.parse(" \t ::add-mask::secret"))
        #expect(command.name == "add-mask" && command.value == "secret")
    }

    @Test func linesThatAreNotCommands() {
        #expect(WorkflowCommand.parse("hello ::warning::x") == nil)
        #expect(WorkflowCommand.parse("::warning x") == nil)
        #expect(WorkflowCommand.parse(":warning::x") == nil)
        #expect(WorkflowCommand.parse("") == nil)
        #expect(WorkflowCommand.parse("::") == nil)
    }

    @Test func dataUnescaping() throws {
        let command = try #require(WorkflowCommand.parse("::debug::100%25 done%0Anext%0Dline %3A %2C"))
        #expect(command.value == "100% done\nnext\rline %3A %2C")
    }

    @Test func escapedPercentIsNotDecodedTwice() throws {
        let command = try #require(WorkflowCommand.parse("::debug::%250A"))
        #expect(command.value == "%0A")
    }

    @Test func propertyUnescaping() throws {
        let command = try #require(WorkflowCommand.parse("::error file=C%3A/dir%2Cx/a.txt,title=50%25%0Aoff::m"))
        #expect(command[property: "file"] == "C:/dir,x/a.txt")
        #expect(command[property: "title"] == "50%\noff")
    }

    @Test func propertiesAreTrimmedAndEmptyEntriesDropped() throws {
        let command = try #require(WorkflowCommand.parse("::error  file=a.txt,,line=3 ::msg"))
        #expect(command.properties == [.init(key: "file", value: "a.txt"), .init(key: "line", value: "3")])
    }

    @Test func propertiesSplitLikeDotNet() throws {
        // `k=` and `=v` have no name or value and are dropped; `k==v` keeps `v`.
        let command = try #require(WorkflowCommand.parse("::error a=,=b,c==d,e=f=g::m"))
        #expect(command.properties == [.init(key: "c", value: "d"), .init(key: "e", value: "f=g")])
    }

    @Test func propertyNamesIgnoreCaseAndLaterValuesWin() throws {
        let command = try #require(WorkflowCommand.parse("::error File=a,file=b::m"))
        #expect(command.properties == [.init(key: "File", value: "b")])
        #expect(command[property: "FILE"] == "b")
    }

    @Test func legacySyntax() throws {
        let warning = try #require(WorkflowCommand.parse("##[warning]careful"))
        #expect(warning.name == "warning" && warning.value == "careful" && warning.isLegacy)

        let output = try #require(WorkflowCommand.parse("##[set-output name=x;other=a%3Bb%5D;]v%0Aw"))
        #expect(output[property: "name"] == "x")
        #expect(output[property: "other"] == "a;b]")
        #expect(output.value == "v\nw")
    }

    @Test func legacySyntaxIsFoundAnywhereInTheLine() throws {
        let group = try #require(WorkflowCommand.parse("2024-01-01T00:00:00Z ##[group]Build"))
        #expect(group.name == "group" && group.value == "Build")
        #expect(WorkflowCommand.parse("# [warning] x") == nil)
        #expect(WorkflowCommand.parse("###[warning]x")?.value == "x")
    }

    @Test func recognisedNamesOnly() throws {
        #expect(WorkflowCommand.parse("::custom::x", isRecognized: KnownCommand.isKnown) == nil)
        #expect(WorkflowCommand.parse("::custom::x")?.name == "custom")
        // An unrecognised modern command falls back to a legacy command later in the line.
        let fallback = try #require(WorkflowCommand.parse("::custom:: ##[warning]w", isRecognized: KnownCommand.isKnown))
        #expect(fallback.name == "warning" && fallback.isLegacy)
        #expect(WorkflowCommand.parse("::WARNING::loud", isRecognized: KnownCommand.isKnown)?.name == "WARNING")
    }

    @Test func formattingRoundTrips() throws {
        let original = WorkflowCommand(
            name: "error",
            properties: [.init(key: "file", value: "a:b,c.txt"), .init(key: "title", value: "100%\r\nsure")],
            value: "line one\nline two 50%")
        #expect(original.formatted == "::error file=a%3Ab%2Cc.txt,title=100%25%0D%0Asure::line one%0Aline two 50%25")
        #expect(WorkflowCommand.parse(original.formatted) == original)
    }
}

@Suite("Known workflow commands")
struct KnownCommandTests {
    private func known(_ line: String, unsecure: Bool = false) throws -> KnownCommand? {
        let command = try #require(WorkflowCommand.parse(line))
        return try KnownCommand(command, allowUnsecureCommands: unsecure)
    }

    @Test func outputsStateAndMasks() throws {
        #expect(try known("::set-output name=version::1.2.3") == .setOutput(name: "version", value: "1.2.3"))
        #expect(try known("::save-state name=pid::42") == .saveState(name: "pid", value: "42"))
        #expect(try known("::add-mask::hunter2") == .addMask(value: "hunter2"))
        #expect(try known("::Set-Output name=x::y") == .setOutput(name: "x", value: "y"))
    }

    @Test func missingNameFailsTheStep() {
        #expect(throws: WorkflowCommandError(.failure, "Required field 'name' is missing in ##[set-output] command.")) {
            try known("::set-output::value")
        }
        #expect(throws: WorkflowCommandError(.failure, "Required field 'name' is missing in ##[save-state] command.")) {
            try known("::save-state name=::value")
        }
    }

    @Test func setEnvAndAddPathAreGated() throws {
        do {
            _ = try known("::set-env name=A::b")
            Issue.record("set-env should be refused")
        } catch let error as WorkflowCommandError {
            #expect(error.severity == .failure)
            #expect(error.message.contains("ACTIONS_ALLOW_UNSECURE_COMMANDS"))
            #expect(error.message.hasPrefix("The `set-env` command is disabled."))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: WorkflowCommandError.self) { try known("::add-path::/opt/bin") }
        #expect(try known("::set-env name=A::b", unsecure: true) == .setEnv(name: "A", value: "b"))
        #expect(try known("::add-path::/opt/bin", unsecure: true) == .addPath(path: "/opt/bin"))
        #expect(throws: WorkflowCommandError(.error, "Can't update NODE_OPTIONS environment variable using ::set-env:: command.")) {
            try known("::set-env name=node_options::--inspect", unsecure: true)
        }
        #expect(KnownCommand.allowsUnsecureCommands(" True "))
        #expect(!KnownCommand.allowsUnsecureCommands("1"))
        #expect(!KnownCommand.allowsUnsecureCommands(nil))
    }

    @Test func emptyMaskIsAWarning() {
        #expect(throws: WorkflowCommandError(.warning, "Can't add secret mask for empty string in ##[add-mask] command.")) {
            try known("::add-mask::   ")
        }
    }

    @Test func groupsDebugAndEcho() throws {
        #expect(try known("::group::Install deps") == .group(title: "Install deps"))
        #expect(try known("::endgroup::") == .endGroup)
        #expect(try known("::debug::details") == .debug(message: "details"))
        #expect(try known("::echo::on") == .echo(enabled: true))
        #expect(try known("::echo:: OFF ") == .echo(enabled: false))
        #expect(throws: WorkflowCommandError.self) { try known("::echo::maybe") }
    }

    @Test func matchers() throws {
        #expect(try known("::add-matcher::.github/matcher.json") == .addMatcher(file: ".github/matcher.json"))
        #expect(try known("::remove-matcher owner=eslint::") == .removeMatcher(owner: "eslint", file: nil))
        #expect(try known("::remove-matcher::m.json") == .removeMatcher(owner: nil, file: "m.json"))
        #expect(throws: WorkflowCommandError.self) { try known("::remove-matcher owner=a::m.json") }
        #expect(throws: WorkflowCommandError.self) { try known("::remove-matcher::") }
    }

    @Test func unknownNamesAreNotKnownCommands() throws {
        #expect(try known("::custom::x") == nil)
    }

    @Test func annotationWithFullLocation() throws {
        let command = try known("::error file=app.js,line=10,endLine=10,col=15,endColumn=20,title=Bad thing::Something failed")
        #expect(command == .annotation(WorkflowAnnotation(
            level: .error, message: "Something failed", title: "Bad thing", file: "app.js",
            line: 10, endLine: 10, column: 15, endColumn: 20)))
        #expect(command?.omitsEcho == true)
    }

    @Test func annotationLevels() throws {
        #expect(try known("::warning::w") == .annotation(WorkflowAnnotation(level: .warning, message: "w")))
        #expect(try known("::notice title=T::n") == .annotation(WorkflowAnnotation(level: .notice, message: "n", title: "T")))
    }

    @Test func annotationLocationIsValidatedLikeGitHub() throws {
        func annotation(_ properties: String) throws -> WorkflowAnnotation {
            let command = try #require(WorkflowCommand.parse("::warning \(properties)::m"))
            return WorkflowAnnotation(level: .warning, command: command)
        }
        // endLine alone also becomes the start line; endColumn alone also the start column.
        let endOnly = try annotation("endLine=7,endColumn=3")
        #expect(endOnly.line == 7 && endOnly.endLine == 7 && endOnly.column == 3 && endOnly.endColumn == 3)
        // Columns need a line.
        let noLine = try annotation("col=4,endColumn=9")
        #expect(noLine.column == nil && noLine.endColumn == nil)
        // Columns are dropped when the annotation spans several lines.
        let multiLine = try annotation("line=2,endLine=5,col=1,endColumn=3")
        #expect(multiLine.line == 2 && multiLine.endLine == 5 && multiLine.column == nil)
        // An end before the start drops the pair.
        let backwards = try annotation("line=9,endLine=3")
        #expect(backwards.line == nil && backwards.endLine == nil)
        let backwardsColumns = try annotation("line=1,col=9,endColumn=3")
        #expect(backwardsColumns.line == 1 && backwardsColumns.column == nil && backwardsColumns.endColumn == nil)
        // Non-numbers are ignored, empty file/title are absent.
        let junk = try annotation("line=abc,file=,title=")
        #expect(junk.line == nil && junk.file == nil && junk.title == nil)
    }
}

@Suite("Workflow command processor")
struct WorkflowCommandProcessorTests {
    @Test func classifiesOutputAndCommands() throws {
        var processor = WorkflowCommandProcessor()
        #expect(processor.process("plain text") == .output("plain text"))
        #expect(processor.process("::custom::not registered") == .output("::custom::not registered"))
        let action = processor.process("::warning::careful")
        #expect(action == .command(WorkflowCommand(name: "warning", value: "careful")))
    }

    @Test func stopAndResumeCommands() {
        var processor = WorkflowCommandProcessor()
        #expect(processor.process("::stop-commands::pause-token-1") == .stopped(token: "pause-token-1"))
        #expect(processor.isStopped)
        #expect(processor.process("::set-output name=x::y") == .ignoredWhileStopped("::set-output name=x::y"))
        #expect(processor.process("##[warning]legacy") == .ignoredWhileStopped("##[warning]legacy"))
        #expect(processor.process("::add-mask::not a secret") == .ignoredWhileStopped("::add-mask::not a secret"))
        #expect(processor.process("ordinary output") == .output("ordinary output"))
        #expect(processor.process("::PAUSE-TOKEN-1::") == .resumed(token: "pause-token-1"))
        #expect(!processor.isStopped)
        #expect(processor.process("::debug::back") == .command(WorkflowCommand(name: "debug", value: "back")))
        // The token is no longer special once resumed.
        #expect(processor.process("::pause-token-1::") == .output("::pause-token-1::"))
    }

    @Test func refusedStopTokens() {
        var processor = WorkflowCommandProcessor()
        for token in ["", "pause-logging", "set-output", "STOP-COMMANDS"] {
            let action = processor.process("::stop-commands::\(token)")
            #expect(action == .invalidStopToken(token: token, message: WorkflowCommandProcessor.invalidStopTokenMessage))
            #expect(!processor.isStopped)
        }
        #expect(processor.process("::debug::still processed") == .command(WorkflowCommand(name: "debug", value: "still processed")))
    }

    @Test func unsecureStopTokensCanBeAllowed() {
        var processor = WorkflowCommandProcessor(allowUnsecureStopTokens: true)
        #expect(processor.process("::stop-commands::warning") == .stopped(token: "warning"))
        #expect(processor.process("::error::x") == .ignoredWhileStopped("::error::x"))
        #expect(processor.process("::warning::resume") == .resumed(token: "warning"))
    }
}
