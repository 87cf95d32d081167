package dev.unicorn.dirty;

import java.util.List;

/**
 * Callbacks at the dirty arbiter's lifecycle edges (gunicorn's {@code on_dirty_starting},
 * {@code dirty_worker_init}, {@code dirty_worker_exit}). They run in the parent JVM, on the
 * arbiter's threads: code in a worker JVM belongs in {@link DirtyApp#init}. A hook that throws
 * is logged on {@code unicorn.error} and changes nothing.
 */
public interface DirtyHooks {
    /** No hooks. */
    DirtyHooks NONE = new DirtyHooks() {
    };

    /** The arbiter is starting: its socket is bound, no worker is launched yet. */
    default void onDirtyStarting() {
    }

    /** Worker {@code workerId} (process {@code pid}) has initialised {@code apps} and takes calls. */
    default void dirtyWorkerInit(int workerId, long pid, List<String> apps) {
    }

    /** Worker {@code workerId} (process {@code pid}) has exited with {@code exitCode} (137 = killed, -1 = never started). */
    default void dirtyWorkerExit(int workerId, long pid, int exitCode) {
    }
}
