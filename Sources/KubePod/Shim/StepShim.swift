/// The job container's command in a Hearth pod: a small POSIX `sh` loop (busybox and dash alike)
/// that starts step processes on behalf of the agent container beside it.
///
/// The two containers share the `hearth-work` volume. The agent writes one script per process
/// (`p/N.sh`: `cd` + `exec env -i … program args`), makes a FIFO `p/N.out` for its output and
/// sends `run N` down the `ctl` FIFO; the shim starts the script in a new session (its own process
/// group), reports `started N PID` and `exited N CODE` up the `evt` FIFO, and relays
/// `kill N SIGNAL` to the process group. No API-server stream is involved, so a dropped
/// connection to the controller never touches a running step.
public enum StepShim {
    /// Where the shared volume is mounted in the job and agent containers.
    public static let workMount = "/__w"
    /// The shim's plumbing directory on the shared volume.
    public static let directory = "/__w/_hearth"

    /// The script, run as `/bin/sh -c SCRIPT`. Whichever of agent and shim comes first creates the
    /// plumbing world-writable (sticky): the job container may run as another user than the agent
    /// (baseline profile, `--user`, an image's `USER`).
    public static let script = #"""
    H=${HEARTH_SHIM_DIR:-/__w/_hearth}
    mkdir -p "$H/p" || exit 70
    chmod 1777 "$H" "$H/p" 2>/dev/null
    [ -p "$H/ctl" ] || mkfifo -m 666 "$H/ctl" 2>/dev/null || [ -p "$H/ctl" ] || exit 71
    [ -p "$H/evt" ] || mkfifo -m 666 "$H/evt" 2>/dev/null || [ -p "$H/evt" ] || exit 71
    exec 3<>"$H/ctl" 4<>"$H/evt"
    cat /proc/$$/environ > "$H/env.tmp" && mv "$H/env.tmp" "$H/env"
    if command -v setsid >/dev/null 2>&1; then S=setsid; else S=; fi
    echo "ready $$ $(id -u)" >&4
    while read -r cmd n sig <&3; do
      case "$cmd" in
        run)
          ( $S sh "$H/p/$n.sh" </dev/null >"$H/p/$n.out" 2>&1 3<&- 4<&- &
            pid=$!
            echo "$pid" > "$H/p/$n.pid"
            echo "started $n $pid" >&4
            wait "$pid"
            echo "exited $n $?" >&4 ) &
          ;;
        kill)
          p=$(cat "$H/p/$n.pid" 2>/dev/null) && { kill -s "$sig" -- "-$p" 2>/dev/null || kill -s "$sig" "$p" 2>/dev/null; }
          ;;
        exit)
          exit 0
          ;;
      esac
    done
    """#
}
