package dev.unicorn.dirty;

import java.util.List;

/** A test app that the tests allocate to a limited number of workers. */
public final class LimitedApp implements DirtyApp {
    private int workerId;

    @Override
    public void init(DirtyContext context) {
        workerId = context.workerId();
    }

    @Override
    public Object handle(String action, List<Object> args) {
        if (action.equals("whoami")) {
            return (long) workerId;
        }
        throw new IllegalArgumentException("unknown action " + action);
    }
}
