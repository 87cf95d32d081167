package dev.unicorn.process;

import java.time.Duration;

/**
 * A child JVM for the tests. Given "watch", waits for its parent to go away ({@link ParentWatch},
 * status 70). Otherwise, given a status and the classpath it should have: exits with 3 if its
 * classpath differs, 2 if the environment variable EXITING_MAIN is not "yes", else the status.
 */
public final class ExitingMain {
    private ExitingMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("watch")) {
            ParentWatch.start(70, Duration.ofMillis(200), () -> { });
            Thread.sleep(60_000);
            System.exit(1);
        }
        if (!System.getProperty("java.class.path").equals(args[1])) {
            System.exit(3);
        }
        if (!"yes".equals(System.getenv("EXITING_MAIN"))) {
            System.exit(2);
        }
        System.exit(Integer.parseInt(args[0]));
    }
}
