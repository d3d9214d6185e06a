package org.lemstriage.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How one component's process starts: its command line (tagged {@code -Dlemstriage.component=NAME}, so that the
 * stack stops only what it started), its environment, its working folder, and the ports it will take.
 */
public record Launch(String name, List<String> command, Map<String, String> environment, Path directory, Map<String, Integer> ports) {

    public static final String TAG = "-Dlemstriage.component=";

    public Launch {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        ports = Map.copyOf(ports);
    }

    /** A JVM: {@code java -Dlemstriage.component=NAME OPTIONS...}, its own port named {@code name}. */
    public static Launch java(String name, String java, int port, List<String> options) {
        List<String> command = new java.util.ArrayList<>(List.of(java, TAG + name));
        command.addAll(options);
        return new Launch(name, command, Map.of(), null, Map.of(name, port));
    }

    public Launch withEnvironment(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.putAll(more);
        return new Launch(name, command, all, directory, ports);
    }

    public Launch withPort(String label, int port) {
        Map<String, Integer> all = new java.util.HashMap<>(ports);
        all.put(label, port);
        return new Launch(name, command, environment, directory, all);
    }

}
