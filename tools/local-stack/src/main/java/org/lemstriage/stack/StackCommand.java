package org.lemstriage.stack;

import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code deploy/local/stack}: each command of the local stack (the front script starts this with the repository's
 * root). Prints what it does; exits 1 with one line on stderr when it cannot, 2 on a command it does not know.
 */
public final class StackCommand {
    static final String USAGE = """
            deploy/local/stack up [--ehr sandbox|hapi]   build what is missing, start everything, return once all are ready
            deploy/local/stack demo [--ehr sandbox|hapi] up, then post the sample cohort and print what became of it
            deploy/local/stack status                    what runs, where, and whether it is ready
            deploy/local/stack logs [-f] [NAME]          last lines of every log, or of one (kafka, ehr, postgres, ingest, ...)
            deploy/local/stack down [--keep-data]        stop exactly what `up` started; drop broker and classifier data
            deploy/local/stack build                     rebuild the services and the broker's classpath
            deploy/local/stack bench [--quick|--full] [--seed N] [--ehr hapi]   a fresh stack measured, with the raw
                                                         limits of this machine: a table and target/bench/results.json;
                                                         a full run (or --ehr hapi) ends on HAPI FHIR JPA as the EHR
            deploy/local/stack soak [--minutes N] [--rate R]   N minutes (60) at R observations a second (200): memory,
                                                         collections, lag and p99 over time, target/soak/soak.json
            deploy/local/stack chaos [--quick|--full] [--only NAME]   the fault suite, each fault on a fresh stack
            deploy/local/stack token [SCOPE]             a bearer token for ingest [system/Observation.write], signed by
                                                         the stack's own key; the triage view takes lemstriage.triage.read
            deploy/local/stack staff-token [USER]        an access token from the stack's Keycloak: demo-auditor
                                                         [default], demo-worklist or demo-operator
            deploy/local/stack cds-token                 what the EHR's CDS client signs for a CDS Hooks call (five minutes)
            deploy/local/stack console-check             the console in headless Chromium on the demo's data
            deploy/local/stack kill9|pause|resume|relaunch NAME   one component: SIGKILL, SIGSTOP, SIGCONT, start again
            deploy/local/stack scale 1|2                 a second instance of each service beside the first, or none again
            deploy/local/stack disk full|free|readonly|writable   the broker's log directory (a tmpfs: LT_KAFKA_DATA_SIZE; root)
            Settings (LT_* environment variables, ports and heaps): docs/configuration.md""";

    /** The Kafka admin client logs every setting at INFO (held: JUL keeps loggers only while referenced). */
    private static final Logger KAFKA_LOG = Logger.getLogger("org.apache.kafka");

    private StackCommand() {
    }

    public static void main(String[] args) {
        KAFKA_LOG.setLevel(Level.WARNING);
        try {
            System.exit(run(args));
        } catch (StackException e) {
            System.err.println("stack: " + e.getMessage());
            System.exit(1);
        } catch (RuntimeException e) {
            // Unforeseen (a file the stack cannot read or write, say): its message, and where, for a bug report
            System.err.println("stack: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.out.println(USAGE);
            return 2;
        }
        List<String> rest = List.of(Arrays.copyOfRange(args, 1, args.length));
        StackSettings settings = withEhrOption(StackSettings.fromEnvironment(Artifacts.repositoryRoot()), rest);
        LocalStack stack = new LocalStack(settings, System.out::println);
        StackRuns runs = new StackRuns(stack);
        switch (args[0]) {
            case "up" -> {
                new Build(stack).ifMissing();
                stack.up();
            }
            case "demo" -> runs.demo();
            case "down" -> stack.down(rest.contains("--keep-data"));
            case "status" -> stack.status().forEach(System.out::println);
            case "logs" -> runs.logs(rest);
            case "build" -> new Build(stack).broker();
            case "token" -> System.out.println(stack.tokens().senderToken(rest.isEmpty() ? StackTokens.SENDER_SCOPE : rest.get(0)));
            case "staff-token" -> System.out.println(stack.staffToken(rest.isEmpty() ? "demo-auditor" : rest.get(0)));
            case "cds-token" -> System.out.println(stack.tokens().cdsToken(stack.cdsServices()));
            case "console-check" -> runs.consoleCheck();
            case "bench" -> {
                return runs.bench(rest);
            }
            case "chaos" -> {
                return runs.chaos(rest);
            }
            case "soak" -> {
                return runs.soak(rest);
            }
            case "kill9" -> stack.kill9(name(rest, "kill9"));
            case "pause" -> stack.pause(name(rest, "pause"));
            case "resume" -> stack.resume(name(rest, "resume"));
            case "relaunch" -> stack.relaunch(name(rest, "relaunch"));
            case "scale" -> stack.scale(rest.isEmpty() ? 0 : parseInt(rest.get(0)));
            case "help", "-h", "--help" -> System.out.println(USAGE);
            case "disk" -> {
                return disk(stack.disk(), rest.isEmpty() ? "" : rest.get(0));
            }
            default -> {
                System.out.println(USAGE);
                return 2;
            }
        }
        return 0;
    }

    private static int disk(BrokerDisk disk, String what) {
        switch (what) {
            case "check" -> {
                return disk.controllable() ? 0 : 1;
            }
            case "full" -> disk.fill();
            case "free" -> disk.free();
            case "readonly" -> disk.readOnly();
            case "writable" -> disk.writable();
            default -> throw new StackException("disk takes check, full, free, readonly or writable");
        }
        return 0;
    }

    /** {@code --ehr sandbox|hapi}, for up and demo. */
    private static StackSettings withEhrOption(StackSettings settings, List<String> rest) {
        int at = rest.indexOf("--ehr");
        return at < 0 ? settings : settings.withEhr(at + 1 < rest.size() ? rest.get(at + 1) : "");
    }

    private static String name(List<String> rest, String command) {
        if (rest.isEmpty()) {
            throw new StackException(command + " NAME: one of " + String.join(", ", LocalStack.COMPONENTS));
        }
        return rest.get(0);
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
