package dev.stencil.schemas;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs compilations on a worker thread with a wall-clock cap, for the corpus reports: a schema that
 * takes too long (or dies with an {@link Error} such as a stack or heap overflow) is a failure with a
 * reason, never a hang of the whole report. A timed-out worker cannot be killed safely in Java, so it
 * is interrupted and abandoned (a daemon thread) and later compilations get a fresh worker.
 */
final class CompileGuard implements AutoCloseable {
    private static final AtomicInteger WORKERS = new AtomicInteger();

    /** A compilation result, or why there is none. */
    record Outcome<T>(T value, String keyword, String reason, double millis) {
        boolean ok() {
            return value != null;
        }
    }

    private final long capMillis;
    private ExecutorService worker;

    CompileGuard(long capMillis) {
        this.capMillis = capMillis;
    }

    <T> Outcome<T> run(Supplier<T> task) {
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "stencil-compile-" + WORKERS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        long t0 = System.nanoTime();
        Future<T> f = worker.submit(task::get);
        try {
            T v = f.get(capMillis, TimeUnit.MILLISECONDS);
            return new Outcome<>(v, null, null, (System.nanoTime() - t0) / 1e6);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = null;
            return new Outcome<>(null, "(timeout)", "compile exceeded the " + capMillis + " ms cap",
                    (System.nanoTime() - t0) / 1e6);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            double ms = (System.nanoTime() - t0) / 1e6;
            if (c instanceof SchemaException se) {
                return new Outcome<>(null, se.keyword(), se.getMessage(), ms);
            }
            if (c instanceof StackOverflowError || c instanceof OutOfMemoryError) {
                return new Outcome<>(null, "(" + c.getClass().getSimpleName() + ")", String.valueOf(c), ms);
            }
            String kind = c instanceof dev.stencil.automata.StencilException ? "(engine)"
                    : "(" + c.getClass().getSimpleName() + ")";
            return new Outcome<>(null, kind, String.valueOf(c.getMessage()), ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.shutdownNow();
            worker = null;
        }
    }
}
