package dev.unicorn.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the report says about the machine and the tools. */
record Machine(int cpus, String cpuModel, String memory, String kernel, String os, String jdk,
               String wrk, String h2load, boolean pinned, String loadAverage,
               String serverGc) {

    static Machine probe(boolean h2loadPresent, boolean tasksetPresent) {
        int cpus = 0;
        String model = "unknown";
        String memory = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("processor")) {
                    cpus++; // not availableProcessors(): the runner itself is pinned to one core
                } else if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.substring(9).replace("kB", "").strip());
                    memory = String.format(java.util.Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
                }
            }
        } catch (IOException e) {
            // leave unknown
        }
        String kernel = read("/proc/sys/kernel/osrelease");
        String os = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    os = line.substring(12).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // leave unknown
        }
        String jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.name") + " "
                + System.getProperty("java.runtime.version");
        String wrk = Exec.firstLine(List.of("wrk", "-v")).replaceAll("\\s*Copyright.*", "");
        String h2load = h2loadPresent ? Exec.firstLine(List.of("h2load", "--version")) : "not installed";
        String load = read("/proc/loadavg").replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
        return new Machine(cpus, model, memory, kernel, os, jdk, wrk, h2load, tasksetPresent, load,
                serverGc(tasksetPresent));
    }

    /** The collector the JVM's ergonomics pick for a server JVM, pinned as the servers are. */
    private static String serverGc(boolean taskset) {
        List<String> c = new java.util.ArrayList<>();
        if (taskset) {
            c.addAll(List.of("taskset", "-c", "0"));
        }
        c.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-XX:+PrintFlagsFinal", "-version"));
        try {
            Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("bool Use((?:Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC)\\s+= true").matcher(out);
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
