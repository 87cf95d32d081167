package dev.unicorn.dirty;

import java.util.List;

/**
 * One dirty worker as {@link DirtyArbiter#workers()} sees it.
 *
 * @param workerId the slot it fills (stable across respawns and reloads)
 * @param pid      its process id
 * @param apps     the apps it hosts
 * @param state    starting, ready, retiring (draining) or exited
 * @param inFlight calls sent to it and not yet complete
 */
public record DirtyWorkerStatus(int workerId, long pid, List<String> apps, String state, int inFlight) {
    /** Copies the app list. */
    public DirtyWorkerStatus {
        apps = List.copyOf(apps);
    }
}
