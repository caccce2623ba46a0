import Foundation

/// Forgejo's cron jobs for tasks whose runner disappeared (§3.10, `services/actions/clear_tasks.go`).
extension DoubleState {
    mutating func runReapers(now: Date) -> ReaperReport {
        var report = ReaperReport()
        let zombie = configuration.zombieTaskTimeout.seconds
        let endless = configuration.endlessTaskTimeout.seconds
        let abandoned = configuration.abandonedJobTimeout.seconds
        for id in tasks.keys.sorted() {
            guard let task = tasks[id], task.status == .running else { continue }
            if now.timeIntervalSince(task.updated) > zombie {
                stopTask(id, status: .failure, finalizeLog: true, now: now)
                report.zombieTasks.append(id)
            } else if now.timeIntervalSince(task.started) > endless {
                stopTask(id, status: .failure, finalizeLog: true, now: now)
                report.endlessTasks.append(id)
            }
        }
        for id in jobs.keys.sorted() {
            guard let job = jobs[id], job.status == .waiting || job.status == .blocked, job.taskID == nil else { continue }
            guard now.timeIntervalSince(job.updated) > abandoned else { continue }
            _ = try? cancelJob(id, now: now)
            report.abandonedJobs.append(JobID(id))
        }
        return report
    }
}
