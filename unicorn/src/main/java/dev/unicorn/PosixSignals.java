package dev.unicorn;

import dev.unicorn.workers.Arbiter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * gunicorn's signals for one server, when the {@code handleSignals} setting is on: HUP
 * reloads, TERM stops gracefully, INT stops quickly, TTIN and TTOU add and remove a worker,
 * USR1 logs a reopen-logs event (SLF4J backends reopen their files themselves). A handler
 * only queues a command for the arbiter, as gunicorn's do.
 *
 * <p>The JVM keeps QUIT (thread dumps) and USR2 for itself on Linux; they are not handled,
 * so use INT for a quick stop. Handlers are process-wide: the last server to install them
 * wins, and stopping restores what was there before.
 */
final class PosixSignals {
    private static final Logger LOG = LoggerFactory.getLogger("unicorn.error");

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private PosixSignals() {
    }

    /** Installs the handlers for {@code arbiter}; returns the installer, which restores the previous handlers. */
    static PosixSignals install(Arbiter arbiter) {
        PosixSignals signals = new PosixSignals();
        signals.handle("HUP", s -> arbiter.reload());
        signals.handle("TERM", s -> arbiter.stopGracefully());
        signals.handle("INT", s -> arbiter.stopQuickly());
        signals.handle("TTIN", s -> arbiter.scale(arbiter.targetWorkers() + 1));
        signals.handle("TTOU", s -> arbiter.scale(Math.max(1, arbiter.targetWorkers() - 1)));
        signals.handle("USR1", s -> LOG.info("USR1: reopen logs requested; SLF4J backends reopen files themselves"));
        List<String> names = new ArrayList<>();
        signals.previous.keySet().forEach(s -> names.add(s.getName()));
        LOG.info("Handling signals: {} (QUIT and USR2 belong to the JVM)", String.join(", ", names));
        return signals;
    }

    private void handle(String name, SignalHandler handler) {
        try {
            Signal signal = new Signal(name);
            previous.put(signal, Signal.handle(signal, s -> {
                LOG.info("Received SIG{}", s.getName());
                handler.handle(s);
            }));
        } catch (IllegalArgumentException e) {
            LOG.info("Signal {} cannot be handled in this JVM: {}", name, e.getMessage());
        }
    }

    /** Puts the previous handlers back. */
    void restore() {
        previous.forEach((signal, handler) -> {
            try {
                Signal.handle(signal, handler);
            } catch (IllegalArgumentException ignored) {
                // nothing to restore
            }
        });
        previous.clear();
    }
}
