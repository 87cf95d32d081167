package dev.unicorn.bench.dirty;

import dev.unicorn.dirty.DirtyApp;
import java.util.List;

/** The dirty app measured by {@link DirtyBench}: {@code ping(x)} returns x, {@code sleep(ms)} sleeps then returns ms. */
public final class BenchApp implements DirtyApp {
    @Override
    public Object handle(String action, List<Object> args) throws Exception {
        return switch (action) {
            case "ping" -> args.get(0);
            case "sleep" -> {
                Thread.sleep((Long) args.get(0));
                yield args.get(0);
            }
            default -> throw new IllegalArgumentException("unknown action " + action);
        };
    }
}
