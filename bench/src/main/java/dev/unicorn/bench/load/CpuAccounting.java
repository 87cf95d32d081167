package dev.unicorn.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much CPU went to processes outside the measurement during a load point: all busy time
 * of the machine ({@code /proc/stat}, steal included) less the server's and this runner's
 * (whose reaped children, the load generators, are counted in its {@code cutime}). On a
 * machine shared with builds this is what makes a number untrustworthy, so the report shows it.
 */
final class CpuAccounting {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** CPU ticks at one instant. */
    record Snapshot(long nanos, long machineBusy, long ours) {
    }

    private CpuAccounting() {
    }

    static Snapshot snapshot(long serverPid) {
        try {
            return new Snapshot(System.nanoTime(), machineBusy(), processTicks("self", true)
                    + processTicks(Long.toString(serverPid), false));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Cores' worth of CPU used by other processes between two snapshots, or NaN when unknown. */
    static double foreignCores(Snapshot before, Snapshot after) {
        if (before == null || after == null) {
            return Double.NaN;
        }
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        long foreign = (after.machineBusy() - before.machineBusy()) - (after.ours() - before.ours());
        return Math.max(0, foreign / TICKS_PER_SECOND / seconds);
    }

    private static long machineBusy() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait irq softirq steal ..."
        String[] f = cpu.trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += Long.parseLong(f[i]);
        }
        return busy;
    }

    private static long processTicks(String pid, boolean withChildren) throws IOException {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // after the command: field 3 is state, so utime (field 14) is f[11], stime f[12], cutime f[13], cstime f[14]
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (withChildren) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return ticks;
    }
}
