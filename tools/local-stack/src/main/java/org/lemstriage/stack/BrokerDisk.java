package org.lemstriage.stack;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The broker's log directory as a tmpfs (LT_KAFKA_DATA_SIZE; mounting needs root): filled to the last byte, emptied
 * again, remounted read-only, or writable again, for the fault suite.
 */
public final class BrokerDisk {
    private final Path data;
    private final boolean sized;
    private final Consumer<String> say;

    BrokerDisk(Path data, boolean sized, Consumer<String> say) {
        this.data = data;
        this.sized = sized;
        this.say = say;
    }

    /** Whether the faults can be made here: as root, on a tmpfs of a set size. */
    public boolean controllable() {
        return Processes.asRoot() && sized && mounted(data);
    }

    public void fill() {
        requireMounted();
        byte[] zeros = new byte[64 * 1024];
        OutputStream out;
        try {
            out = Files.newOutputStream(filler());
        } catch (IOException e) {
            throw new StackException(filler() + " cannot be written: " + e.getMessage(), e);
        }
        try (out) {
            while (true) {
                out.write(zeros);
            }
        } catch (IOException full) {
            // The write that found no space left: what this fault is for
            say.accept("  " + data + " full (" + data.toFile().getUsableSpace() + " bytes left: " + full.getMessage() + ")");
        }
    }

    public void free() {
        try {
            Files.deleteIfExists(filler());
        } catch (IOException e) {
            throw new StackException(filler() + " could not be removed: " + e.getMessage(), e);
        }
        say.accept("  " + data + " has room again");
    }

    /** Refused while a process still writes there: a broker just killed closes its files a moment after it is gone. */
    public void readOnly() {
        for (int tries = 0; Processes.exitCode(List.of("mount", "-o", "remount,ro", data.toString()), Path.of("/dev/null")) != 0; tries++) {
            if (tries == 20) {
                throw new StackException(data + " stays busy: something still writes to it");
            }
            RunFolder.sleep(java.time.Duration.ofMillis(500));
        }
        say.accept("  " + data + " read-only");
    }

    public void writable() {
        Processes.run(List.of("mount", "-o", "remount,rw", data.toString()));
        say.accept("  " + data + " writable again");
    }

    void unmount() {
        if (mounted(data)) {
            Processes.run(List.of("umount", data.toString()));
        }
    }

    static boolean mounted(Path folder) {
        return Files.isDirectory(folder) && Processes.exitCode(List.of("mountpoint", "-q", folder.toString()), Path.of("/dev/null")) == 0;
    }

    private void requireMounted() {
        if (!mounted(data)) {
            throw new StackException(data + " is not a tmpfs (set LT_KAFKA_DATA_SIZE)");
        }
    }

    private Path filler() {
        return data.resolve(".lems-triage-filler");
    }
}
