package dev.unicorn.dirty;

import dev.unicorn.config.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code dirtyApps}: a {@link DirtyApp} class name and how many workers load it
 * (0 = every worker).
 *
 * <p>Allocation is a function of the worker's slot number alone: slot {@code s} hosts every
 * unlimited app and every app limited to more than {@code s} workers. So a respawned worker
 * hosts what its predecessor hosted, adding a slot never takes an app away, removing the
 * highest slot first (as scaling down does) never removes the last host of an app (slot 0
 * hosts everything), and an app limited to N stays on min(N, workers) workers through crashes,
 * scaling and reloads. Unlike gunicorn, which packs limited apps the same way, scaling down
 * here removes the newest worker, never the oldest that holds them.
 */
record DirtyAppSpec(String name, int workers) {
    /** Parses {@code Name} or {@code Name:N}, as validated by the {@code dirtyApps} setting. */
    static DirtyAppSpec parse(String text) {
        String checked = Settings.DIRTY_APPS.validate(List.of(text)).get(0);
        int colon = checked.indexOf(':');
        return colon < 0 ? new DirtyAppSpec(checked, 0)
                : new DirtyAppSpec(checked.substring(0, colon), Integer.parseInt(checked.substring(colon + 1)));
    }

    static List<DirtyAppSpec> parseAll(List<String> texts) {
        List<DirtyAppSpec> specs = new ArrayList<>();
        for (String t : texts) {
            specs.add(parse(t));
        }
        return List.copyOf(specs);
    }

    /** The apps worker slot {@code slot} hosts (see the class description). */
    static List<String> appsForSlot(List<DirtyAppSpec> specs, int slot) {
        List<String> apps = new ArrayList<>();
        for (DirtyAppSpec s : specs) {
            if (s.workers == 0 || slot < s.workers) {
                apps.add(s.name);
            }
        }
        return apps;
    }

    /**
     * How many slots are worth running for {@code wanted} workers: no more than the largest
     * limit when every app is limited (a slot hosting nothing would be an idle JVM), at least 1.
     */
    static int usefulSlots(List<DirtyAppSpec> specs, int wanted) {
        int most = 0;
        for (DirtyAppSpec s : specs) {
            if (s.workers == 0) {
                return Math.max(1, wanted);
            }
            most = Math.max(most, s.workers);
        }
        return Math.max(1, Math.min(wanted, most));
    }

    /** A new, not yet initialised instance of the app (public class, public no-argument constructor). */
    DirtyApp newInstance() throws ReflectiveOperationException {
        Class<?> type = Class.forName(name, true, Thread.currentThread().getContextClassLoader());
        if (!DirtyApp.class.isAssignableFrom(type)) {
            throw new ClassCastException(name + " does not implement " + DirtyApp.class.getName());
        }
        return (DirtyApp) type.getDeclaredConstructor().newInstance();
    }
}
