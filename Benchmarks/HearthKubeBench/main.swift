// Benchmarks of the Kubernetes executor: each prints Hearth's figure next to its target (and, for
// steps, a floor measured in the same run). Not part of the tests.
//
//   swift run -c release HearthKubeBench kube-controller [jobs=1000]   API writes, watches, memory per job
//   swift run -c release HearthKubeBench kube-step [steps=200]         per-step overhead of the step shim
//   swift run -c release HearthKubeBench kube-start [jobs=20]          job start overhead beyond the pod's start
//   swift run -c release HearthKubeBench all

import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let which = arguments.first ?? "all"
// A count applies to the one benchmark named; `all` uses the defaults.
let count = which != "all" && arguments.count > 1 ? Int(arguments[1]) : nil

switch which {
case "kube-controller-pods":
    // The child process of `kube-controller`: the doubles and the fake agents.
    try await PodFarm.run(jobs: count ?? 1000)
case "kube-controller", "kube-step", "kube-start", "all":
    if which == "kube-step" || which == "all" { try await StepBench.run(count: count ?? 200) }
    if which == "kube-start" || which == "all" { try await StartBench.run(jobs: count ?? 20) }
    if which == "kube-controller" || which == "all" { try await ControllerBench.run(jobs: count ?? 1000) }
default:
    FileHandle.standardError.write(Data("usage: HearthKubeBench [kube-controller|kube-step|kube-start|all] [count]\n".utf8))
    exit(2)
}
