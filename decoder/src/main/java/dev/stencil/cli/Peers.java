package dev.stencil.cli;

import dev.stencil.automata.StencilException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the peer harnesses (scripts/xgrammar-peer.sh, scripts/e2e-peer.sh) and returns the last stdout line (their JSON summary). */
final class Peers {
    private Peers() {
    }

    /** The repository root ({@code STENCIL_HOME}, set by the launcher; else the working directory). */
    static Path repo() {
        String home = System.getenv("STENCIL_HOME");
        return home != null ? Path.of(home) : Path.of("").toAbsolutePath();
    }

    static String run(List<String> args) {
        return run("scripts/xgrammar-peer.sh", args);
    }

    /** Runs {@code script} (relative to the repository) with {@code args}; returns its last stdout line. */
    static String run(String scriptPath, List<String> args) {
        Path script = repo().resolve(scriptPath);
        if (!Files.isExecutable(script)) {
            throw new StencilException("peer harness script not found: " + script);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toString());
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String last = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        last = line;
                    }
                }
            }
            int rc = p.waitFor();
            if (rc != 0 || last == null) {
                throw new StencilException("peer harness failed (exit " + rc + "): " + String.join(" ", cmd));
            }
            return last;
        } catch (IOException e) {
            throw new StencilException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StencilException("interrupted while running " + script);
        }
    }
}
