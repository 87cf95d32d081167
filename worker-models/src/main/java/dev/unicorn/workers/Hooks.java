package dev.unicorn.workers;

import dev.unicorn.server.ServerContext;

/** Runs {@link ServerHooks} methods so that a failing hook is logged and never stops a worker or the server. */
final class Hooks {
    private Hooks() {
    }

    static void run(String name, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | LinkageError e) {
            ServerContext.ERROR_LOG.error("Hook {} failed", name, e);
        }
    }
}
