package dev.unicorn.dirty;

import java.util.List;

/** A test app whose init always fails. */
public final class BrokenApp implements DirtyApp {
    @Override
    public void init(DirtyContext context) {
        throw new IllegalStateException("model file missing");
    }

    @Override
    public Object handle(String action, List<Object> args) {
        return null;
    }
}
