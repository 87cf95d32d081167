package dev.unicorn.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Reads an artifact's version from the {@code pom.properties} Maven packs into every jar (kept by the shade plugin). */
final class PomVersion {
    private PomVersion() {
    }

    static String of(String groupId, String artifactId) {
        String resource = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = PomVersion.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
