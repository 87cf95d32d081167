package dev.unicorn.dirty;

/**
 * What a {@link DirtyApp} is given at {@link DirtyApp#init}: the worker it runs in and the
 * arbiter's stash.
 */
public interface DirtyContext {
    /** The id of the worker hosting the app (stable across respawns of the same slot). */
    int workerId();

    /** The stash held by the arbiter (over the worker's connection when the worker is a child JVM). */
    DirtyStash stash();
}
