package org.lemstriage.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the stack started, kept in its run folder: one pid file and one log per component. A component runs only
 * if its recorded pid is alive and is still the process started under its name (pids get reused); started processes
 * are detached (their own session), so they outlive the command that started them, as a service would.
 */
public final class RunFolder {
    private final Path root;
    private final Path pids;
    private final Path logs;
    private final Consumer<String> say;

    public RunFolder(Path root, Consumer<String> say) {
        this.root = root;
        this.pids = root.resolve("pids");
        this.logs = root.resolve("logs");
        this.say = say;
    }

    public Path root() {
        return root;
    }

    public Path log(String name) {
        return logs.resolve(name + ".log");
    }

    public Path logs() {
        return logs;
    }

    /** The pids and logs, for the stack's user alone: folders 750, logs 640. */
    public void prepare() {
        try {
            for (Path folder : List.of(pids, logs)) {
                Files.createDirectories(folder);
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-x---"));
            }
            try (var existing = Files.list(logs)) {
                for (Path log : existing.filter(Files::isRegularFile).toList()) {
                    Files.setPosixFilePermissions(log, PosixFilePermissions.fromString("rw-r-----"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<Long> pid(String name) {
        try {
            Path file = pids.resolve(name + ".pid");
            return Files.exists(file) ? Optional.of(Long.parseLong(Files.readString(file).trim())) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Running under this name: the whole argument is compared, so that {@code ingest} is not taken for {@code ingest-2}. */
    public boolean running(String name) {
        return pid(name).filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                && arguments(pid).contains(Launch.TAG + name)).isPresent();
    }

    /** Starts the process in the background, its output appended to its log; the bytes the log held before. */
    public long start(Launch launch) {
        if (running(launch.name())) {
            say.accept("  " + launch.name() + " already running (pid " + pid(launch.name()).orElseThrow() + ")");
            return -1;
        }
        for (Map.Entry<String, Integer> port : launch.ports().entrySet()) {
            if (Readiness.listening(port.getValue())) {
                throw new StackException("port " + port.getValue() + " (for " + port.getKey() + ") is taken by another process: set "
                        + StackSettings.variable(port.getKey(), "PORT"));
            }
        }
        try {
            Path log = log(launch.name());
            long from = Files.exists(log) ? Files.size(log) : 0;
            List<String> command = new ArrayList<>(List.of("setsid"));
            command.addAll(launch.command());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(launch.environment());
            if (launch.directory() != null) {
                builder.directory(launch.directory().toFile());
            }
            long pid = builder.start().pid();
            Files.writeString(pids.resolve(launch.name() + ".pid"), pid + "\n");
            say.accept("  " + launch.name() + " started (pid " + pid + "), log " + log);
            return from;
        } catch (IOException e) {
            throw new StackException(launch.name() + " did not start: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the component is ready (silently); fails with the last lines it logged since {@code logFrom} if it
     * exits first. Its process is judged alive by its pid alone: until the launcher has exec'd it, its command line is
     * not yet its own.
     */
    public void await(String name, Readiness readiness, Duration timeout, long logFrom) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!readiness.ready()) {
            if (pid(name).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isEmpty()) {
                throw new StackException(name + " exited; last lines of its log:\n" + lastLines(name, 30, logFrom));
            }
            if (System.nanoTime() > deadline) {
                throw new StackException(name + " not ready within " + timeout.toSeconds() + "s (" + readiness.what() + "); see " + log(name));
            }
            sleep(Duration.ofMillis(100)); // the benchmark times start-up by it
        }
    }

    /** SIGTERM, and SIGKILL if it has not ended within 20 s. */
    public void stop(String name) {
        Optional<ProcessHandle> found = running(name) ? pid(name).flatMap(ProcessHandle::of) : Optional.empty();
        if (found.isPresent()) {
            ProcessHandle process = found.get();
            process.destroy();
            if (awaitEnd(process, Duration.ofSeconds(20))) {
                say.accept("  " + name + " stopped");
            } else {
                process.destroyForcibly();
                awaitEnd(process, Duration.ofSeconds(10));
                say.accept("  " + name + " killed (pid " + process.pid() + " did not stop in 20 s)");
            }
        }
        forget(name);
    }

    /** What a crash is: SIGKILL, no shutdown hooks, no leaving the consumer group. */
    public void kill9(String name) {
        ProcessHandle.of(requireRunning(name)).ifPresent(process -> {
            process.destroyForcibly();
            awaitEnd(process, Duration.ofSeconds(30));
        });
        forget(name);
    }

    /** SIGSTOP or SIGCONT: a component hung, or answering again. */
    public void signal(String name, String signal) {
        long pid = requireRunning(name);
        Processes.run(List.of("kill", "-" + signal, Long.toString(pid)));
    }

    public String lastLines(String name, int count) {
        return lastLines(name, count, 0);
    }

    private String lastLines(String name, int count, long from) {
        try (var in = Files.newInputStream(log(name))) {
            in.skipNBytes(Math.min(from, Files.size(log(name))));
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (java.nio.file.NoSuchFileException e) {
            return "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private long requireRunning(String name) {
        if (!running(name)) {
            throw new StackException(name + " is not running");
        }
        return pid(name).orElseThrow();
    }

    private void forget(String name) {
        try {
            Files.deleteIfExists(pids.resolve(name + ".pid"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean awaitEnd(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> arguments(long pid) {
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
            return List.of(cmdline.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    static void sleep(Duration length) {
        try {
            Thread.sleep(length.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }
}
