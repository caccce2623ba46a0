import CHearthSpawn

/// The allocator keeps memory freed by a burst of work (glibc keeps it in per-thread arenas);
/// `release()` hands what it does not use back to the system, e.g. after a controller's burst
/// of jobs has ended.
public enum FreedMemory {
    public static func release() {
        _ = hearth_release_free_memory()
    }
}
