package dev.stencil.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line description of the machine, so every published figure names where it was measured. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        String cpu = "unknown CPU";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (Exception e) {
            // not Linux: keep the generic name
        }
        String load = "";
        try {
            load = ", load " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            // no load average available
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + load;
    }
}
