import Testing
import Workflow

@Suite struct JobGraphTests {
    private func job(_ id: String, needs: [String] = []) -> Job {
        var job = Job(id: id, location: SourceLocation(file: "t.yml", line: 1, column: 1))
        job.needs = needs
        return job
    }

    @Test func stagesAndOrder() {
        let graph = JobGraph(jobs: [
            job("build"), job("lint"), job("test", needs: ["build"]), job("deploy", needs: ["test", "lint"]),
        ])
        #expect(graph.isValid)
        #expect(graph.stages == [["build", "lint"], ["test"], ["deploy"]])
        #expect(graph.order == ["build", "lint", "test", "deploy"])
        #expect(graph.dependents(of: "build") == ["test"])
        #expect(graph.allDependents(of: "build") == ["test", "deploy"])
        #expect(graph.dependencies(of: "deploy") == ["test", "lint"])
    }

    @Test func needsAreCaseInsensitive() {
        let graph = JobGraph(jobs: [job("Build"), job("test", needs: ["build"])])
        #expect(graph.isValid)
        #expect(graph.dependencies(of: "test") == ["Build"])
        #expect(graph.stages == [["Build"], ["test"]])
    }

    @Test func problems() {
        let graph = JobGraph(jobs: [job("a"), job("b", needs: ["c"]), job("c", needs: ["b"]), job("d", needs: ["x"])])
        #expect(graph.problems.map(\.kind) == [.cycle, .cycle, .unknownJob])
        #expect(graph.stages == [["a"]])
        #expect(JobGraph(jobs: [job("a", needs: ["a"])]).problems.map(\.kind) == [.noStartJob])
    }
}
