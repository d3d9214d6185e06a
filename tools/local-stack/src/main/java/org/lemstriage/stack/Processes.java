package org.lemstriage.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Short commands the stack runs to their end: a tool of the broker's, mount, kill. */
final class Processes {
    private Processes() {
    }

    /** Whether this process runs as root (uid 0): mounting, and PostgreSQL as user nobody, depend on it. */
    static boolean asRoot() {
        try {
            return ((Number) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Runs the command, its output to the terminal; fails unless it exits 0. */
    static void run(List<String> command) {
        if (exitCode(command, null) != 0) {
            throw new StackException(String.join(" ", command) + " failed");
        }
    }

    static int exitCode(List<String> command, Path log) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (log == null) {
                builder.inheritIO();
            } else {
                builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            }
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new StackException(command.get(0) + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }

    /** The command's output (stderr to {@code log}), failing unless it exits 0. */
    static String output(List<String> command, Path log) {
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new StackException(String.join(" ", command) + " failed; see " + log);
            }
            return out;
        } catch (IOException e) {
            throw new StackException(command.get(0) + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }
}
