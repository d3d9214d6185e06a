package org.lemstriage.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The stack's longer runs: the demo, the benchmark and the fault suite (each a fresh stack, then the Java that
 * drives it: tools/bench), the console's browser check (testing/console-browser), and its logs.
 */
final class StackRuns {
    private final LocalStack stack;

    StackRuns(LocalStack stack) {
        this.stack = stack;
    }

    /** up on the cohort's day, then tools/bench's Demo: the sample cohort and what became of it; then the console. */
    void demo() {
        LocalStack demo = new LocalStack(stack.settings().withCohortClock(true), System.out::println);
        new Build(demo).ifMissing();
        demo.up();
        if (java(demo, demo.artifacts().benchClasspath(), "org.lemstriage.bench.Demo", List.of()) != 0) {
            throw new StackException("the demo did not turn out as the sample cohort's manifests expect (see above)");
        }
        System.out.println();
        System.out.println("console: " + demo.settings().serviceUrl("read-side") + "/console");
        System.out.println("  log in as demo-worklist / demo-worklist (worklist and patient views) or demo-auditor / demo-auditor (every view)");
        if (Files.isExecutable(Path.of("/usr/bin/chromium")) && Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
            consoleCheck();
        } else {
            System.out.println("  (the console's browser check is skipped: apt-get install chromium chromium-driver, then deploy/local/stack console-check)");
        }
    }

    /**
     * The console in headless Chromium on what the pipeline produced: lt-p003 overdue on the worklist, lt-p001's page
     * with its Tasks from the EHR, every view's content and accessibility; screenshots in the run folder.
     */
    void consoleCheck() {
        System.out.println("the console in headless Chromium (demo-worklist, then demo-auditor):");
        int exit = java(stack, stack.artifacts().consoleCheckClasspath(), "org.lemstriage.browser.ConsoleCheck",
                List.of(stack.settings().serviceUrl("read-side"), stack.settings().runDir().resolve("console-screenshots").toString(),
                        "Patient/lt-p003", "Patient/lt-p001"));
        if (exit != 0) {
            throw new StackException("the console did not show what it should (see above)");
        }
    }

    /**
     * A fresh stack on the cohort's day, each service started alone and timed from launch to ready, then tools/bench's
     * Benchmark against it (it ends with a second instance of each service); the stack is stopped afterwards unless
     * LT_BENCH_KEEP is set.
     */
    int bench(List<String> given) {
        // The sandbox first; HAPI FHIR JPA replaces it for the EHR's phases at the end of a full run, or of a quick
        // one given --ehr hapi
        boolean hapi = !given.contains("--quick") || stack.settings().ehr().equals("hapi");
        List<String> options = new ArrayList<>(given);
        int ehrAt = options.indexOf("--ehr");
        if (ehrAt >= 0) {
            options.subList(ehrAt, Math.min(ehrAt + 2, options.size())).clear();
        }
        if (hapi) {
            options.add("--hapi-phase");
        }
        LocalStack bench = new LocalStack(stack.settings().withEhr("sandbox").withCohortClock(false), System.out::println);
        built(bench, "the benchmark times each service's start");
        String keep = System.getenv("LT_BENCH_KEEP");
        Runnable down = keep == null || keep.isBlank() ? downOnExit(bench) : () -> { };
        try {
            bench.run().prepare();
            bench.tokens().ensureKeys();
            bench.start("kafka");
            bench.start("ehr");
            List<String> arguments = new ArrayList<>(options);
            for (String name : LocalStack.PIPELINE) {
                long t0 = System.nanoTime();
                bench.start(name);
                long took = (System.nanoTime() - t0) / 1_000_000;
                arguments.addAll(List.of("--service", name + "=" + bench.run().pid(name).orElseThrow() + ":"
                        + String.format("%d.%03d", took / 1000, took % 1000)));
            }
            System.out.println("benchmarking (the stack's services: " + String.join(" ", arguments.subList(options.size(), arguments.size())) + ")");
            bench.pids(List.of("kafka", "ehr")).forEach((name, pid) -> arguments.addAll(List.of("--process", name + "=" + pid)));
            arguments.addAll(List.of("--fixtures", fixtures(bench).toString(), "--out",
                    bench.settings().root().resolve("target/bench/results.json").toString()));
            return java(bench, bench.artifacts().benchClasspath(), "org.lemstriage.bench.Benchmark", arguments, "-Xmx1g");
        } finally {
            down.run();
        }
    }

    /**
     * A fresh stack on the EHR sandbox without the read side, then tools/bench's FaultSuite against it (it kills and
     * relaunches components through {@link LocalStack}); as root, the broker's log directory is a tmpfs the disk
     * faults can fill or make read-only. The stack is stopped afterwards.
     */
    int chaos(List<String> options) {
        StackSettings settings = stack.settings().withCohortClock(false).withEhr("sandbox").withoutReadSide();
        if (Processes.asRoot()) {
            settings = settings.withKafkaDataSize("512m");
        }
        LocalStack chaos = new LocalStack(settings, System.out::println);
        built(chaos, "the fault suite starts from a fresh one");
        Runnable down = downOnExit(chaos);
        try {
            chaos.up();
            List<String> arguments = new ArrayList<>(options);
            arguments.addAll(List.of("--fixtures", fixtures(chaos).toString(), "--out",
                    chaos.settings().root().resolve("target/chaos/results.json").toString()));
            return java(chaos, chaos.artifacts().benchClasspath(), "org.lemstriage.bench.FaultSuite", arguments, "-Xmx512m");
        } finally {
            down.run();
        }
    }

    /**
     * A fresh stack as {@code up} starts it (the sandbox, the read side beside it), then tools/bench's Soak against it:
     * {@code --minutes N} (default 60) of the cohort's mix at a fixed rate, memory, collections, lag and latency over
     * time, and nothing lost or duplicated at the end. The stack is stopped afterwards.
     */
    int soak(List<String> options) {
        LocalStack soak = new LocalStack(stack.settings().withEhr("sandbox").withCohortClock(false), System.out::println);
        built(soak, "the soak starts from a fresh one");
        Runnable down = downOnExit(soak);
        try {
            soak.up();
            List<String> arguments = new ArrayList<>(options);
            soak.pids(LocalStack.COMPONENTS).forEach((name, pid) -> arguments.addAll(List.of("--process", name + "=" + pid)));
            arguments.addAll(List.of("--fixtures", fixtures(soak).toString(), "--out",
                    soak.settings().root().resolve("target/soak").toString()));
            return java(soak, soak.artifacts().benchClasspath(), "org.lemstriage.bench.Soak", arguments, "-Xmx1g");
        } finally {
            down.run();
        }
    }

    void logs(List<String> options) {
        boolean follow = options.contains("-f");
        List<String> names = options.stream().filter(o -> !o.equals("-f")).toList();
        if (!names.isEmpty()) {
            Path log = stack.run().log(names.get(0));
            if (!Files.exists(log)) {
                throw new StackException("no log for '" + names.get(0) + "' (one of: " + String.join(", ", LocalStack.COMPONENTS) + ")");
            }
            Processes.exitCode(follow ? List.of("tail", "-n", "50", "-f", log.toString()) : List.of("tail", "-n", "200", log.toString()), null);
            return;
        }
        for (String name : LocalStack.COMPONENTS) {
            if (Files.exists(stack.run().log(name))) {
                System.out.println("==> " + name + " (" + stack.run().log(name) + ")");
                System.out.println(stack.run().lastLines(name, 40));
            }
        }
    }

    /** Builds what is missing and stops a running stack: the run starts from a fresh one ({@code why} says why). */
    private static void built(LocalStack stack, String why) {
        new Build(stack).ifMissing();
        if (stack.anyRunning()) {
            System.out.println("stopping the running stack first: " + why);
            stack.down(false);
        }
    }

    /** Stops the stack when this command ends, however it ends (Ctrl-C, SIGTERM, a failure), once. */
    private static Runnable downOnExit(LocalStack stack) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable down = () -> {
            if (done.compareAndSet(false, true)) {
                stack.down(false);
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(down, "stack-down"));
        return down;
    }

    /** The routine results the benchmark and the fault suite mix in: LT_FIXTURES, else the repository's own. */
    private static Path fixtures(LocalStack stack) {
        String given = System.getenv("LT_FIXTURES");
        return given != null && !given.isBlank() ? Path.of(given) : stack.settings().root().resolve("testing/fixtures/routine-labs");
    }

    private static int java(LocalStack stack, String classpath, String main, List<String> arguments) {
        return java(stack, classpath, main, arguments, "-Xmx256m");
    }

    /** A JVM beside the stack that sees the same stack: this command's settings in its environment. */
    private static int java(LocalStack stack, String classpath, String main, List<String> arguments, String heap) {
        List<String> command = new ArrayList<>(List.of(stack.settings().java(), heap, "-Dlemstriage.root=" + stack.settings().root(),
                "-cp", classpath, main));
        command.addAll(arguments);
        try {
            ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
            builder.environment().putAll(stack.settings().environment());
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new StackException(main + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }
}
