/// Measures the reader on a generated workflow, for the project's benchmark tool.
public enum WorkflowReaderBenchmark {
    /// A workflow with `jobs` jobs, each needing the previous one (every tenth starts a new chain),
    /// with a matrix on every fifth job and two or three steps each.
    public static func yaml(jobs: Int) -> String {
        var text = """
            name: Benchmark
            on:
              push:
                branches: [main]
              workflow_dispatch:
            env:
              GLOBAL: value
            jobs:

            """
        text.reserveCapacity(jobs * 400)
        for index in 0..<jobs {
            text += "  job-\(index):\n"
            text += "    name: Job \(index) on ${{ github.ref }}\n"
            text += "    runs-on: ubuntu-latest\n"
            if index % 10 != 0 {
                text += "    needs: job-\(index - 1)\n"
            }
            if index % 5 == 0 {
                text += "    strategy:\n      matrix:\n        os: [linux, macos]\n        node: [18, 20]\n"
            }
            text += "    env:\n      INDEX: \(index)\n"
            text += "    steps:\n"
            text += "      - uses: actions/checkout@v4\n"
            text += "      - name: Build \(index)\n        run: |\n          echo building ${{ matrix.os }}\n          make -j2\n"
            text += "      - if: ${{ failure() }}\n        run: echo failed \(index)\n"
        }
        return text
    }

    /// Reads a generated workflow with `jobs` jobs and returns how long the read took (the YAML is
    /// generated before timing starts). Traps if the generated workflow does not read cleanly.
    public static func run(jobs: Int) -> Duration {
        let text = yaml(jobs: jobs)
        let clock = ContinuousClock()
        var workflow: Workflow?
        let elapsed = clock.measure {
            workflow = try? WorkflowReader.read(yaml: text, file: "benchmark.yml")
        }
        precondition(workflow?.jobs.count == jobs, "the generated workflow did not read cleanly")
        return elapsed
    }
}
