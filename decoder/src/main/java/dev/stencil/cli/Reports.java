package dev.stencil.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stencil.automata.StencilException;
import dev.stencil.automata.bench.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The reporting conventions every report and benchmark command shares: progress on stderr, a
 * JSON summary as the last stdout line, Markdown under {@code target/reports/}.
 */
final class Reports {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Reports() {
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A progress bar on stderr; close it when done. */
    static final class Bar implements Progress, AutoCloseable {
        private ProgressBar bar;
        private String phase;

        @Override
        public synchronized void update(String newPhase, long done, long total) {
            if (bar == null || !newPhase.equals(phase)) {
                close();
                phase = newPhase;
                bar = new ProgressBarBuilder().setTaskName(newPhase).setInitialMax(total)
                        .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                        .setUpdateIntervalMillis(500).build();
            }
            bar.maxHint(total);
            bar.stepTo(done);
        }

        @Override
        public synchronized void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }
    }

    /** Writes a Markdown report to {@code target/reports/name} and returns its path. */
    static Path writeMarkdown(String name, String markdown) {
        Path dir = Path.of("target", "reports");
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve(name);
            Files.writeString(p, markdown, StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new StencilException("cannot write report to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Markdown table of one summary object. */
    static String table(String title, Map<String, Object> figures) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n| figure | value |\n| --- | ---: |\n");
        figures.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        return sb.toString();
    }
}
