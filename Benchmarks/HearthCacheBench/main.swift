import Cache
import Foundation

// `swift run -c release HearthCacheBench [MiB] [rounds] [directory]`: saves and restores one
// cache entry through the real cache server over loopback HTTP, against copying the same bytes on
// the same disk in the same run. Target (issue #7): save and restore each at ≥ 80 % of the copy
// speed, server RSS ≤ 50 MB throughout.
let arguments = CommandLine.arguments.dropFirst()
let mebibytes = arguments.first.flatMap { Int($0) } ?? 1024
let rounds = arguments.dropFirst().first.flatMap { Int($0) } ?? 3
let directory = arguments.dropFirst(2).first ?? FileManager.default.temporaryDirectory.path
let bytes = mebibytes << 20

func megabytesPerSecond(_ seconds: Double) -> Double { Double(bytes) / seconds / 1_000_000 }

print("cache: one \(mebibytes) MiB entry in \(directory), \(rounds) rounds (toolkit chunking: \(CacheBenchmark.chunkBytes >> 20) MiB × \(CacheBenchmark.uploadConcurrency))")
var saveRatios: [Double] = []
var restoreRatios: [Double] = []
var peak = 0
for round in 1...rounds {
    let result = try await CacheBenchmark.run(bytes: bytes, directory: directory)
    let save = result.copySeconds / result.saveSeconds
    let restore = result.copySeconds / result.restoreSeconds
    saveRatios.append(save)
    restoreRatios.append(restore)
    peak = max(peak, result.peakRSSBytes)
    print(String(format: "  round %d: copy %.0f MB/s, save %.0f MB/s (%.0f %%), restore %.0f MB/s (%.0f %%), peak RSS %.1f MB",
                 round, megabytesPerSecond(result.copySeconds), megabytesPerSecond(result.saveSeconds), save * 100,
                 megabytesPerSecond(result.restoreSeconds), restore * 100, Double(result.peakRSSBytes) / 1_000_000))
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
print(String(format: "  median: save at %.0f %% of the copy speed, restore at %.0f %% (target ≥ 80 %% each); peak RSS %.1f MB (target ≤ 50 MB)",
             median(saveRatios) * 100, median(restoreRatios) * 100, Double(peak) / 1_000_000))
