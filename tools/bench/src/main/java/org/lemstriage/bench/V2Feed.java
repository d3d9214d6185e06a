package org.lemstriage.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.util.idgenerator.UUIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's HL7 v2 part: each ORU^R01 of a folder sent to ingest's MLLP listener as a laboratory system sends it
 * (HAPI's MLLP client, original-mode ACK awaited), then what became of it in the EHR: a requested screening Task for
 * the patient PID-3 names, or none. Prints a line per message; exits 1 when an ACK is not AA or the EHR does not show
 * what the folder's manifest expects.
 *
 * <p>Usage: {@code V2Feed <host:port> <ehr base> <identifier system of PID-3's authority> <folder>}; the folder's
 * {@code manifest.tsv} lists {@code file, MRN, task|none, what it is}.
 */
public final class V2Feed {
    private static final CacheControlDirective FRESH = new CacheControlDirective().setNoCache(true);

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: V2Feed <host:port> <ehr base> <MRN system> <folder>");
            System.exit(2);
        }
        System.exit(feed(args[0], args[1], args[2], Path.of(args[3])) ? 0 : 1);
    }

    /** Sends each message of the folder; whether every ACK was AA and the EHR shows what the manifest expects. */
    static boolean feed(String mllp, String ehrBase, String mrnSystem, Path folder) throws Exception {
        String[] hostPort = mllp.split(":");
        FhirContext fhir = FhirContext.forR4();
        fhir.getRestfulClientFactory().setServerValidationMode(ca.uhn.fhir.rest.client.api.ServerValidationModeEnum.NEVER);
        IGenericClient ehr = fhir.newRestfulGenericClient(ehrBase);
        boolean ok = true;
        List<String[]> expectNone = new ArrayList<>();
        try (HapiContext v2 = new DefaultHapiContext()) {
            v2.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
            v2.setValidationContext(ValidationContextFactory.noValidation());
            v2.getParserConfiguration().setIdGenerator(new UUIDGenerator());
            for (String line : Files.readAllLines(folder.resolve("manifest.tsv"), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] row = line.split("\t");
                String er7 = Files.readString(folder.resolve(row[0]), StandardCharsets.ISO_8859_1);
                long t0 = System.nanoTime();
                Connection connection = v2.newClient(hostPort[0], Integer.parseInt(hostPort[1]), false);
                connection.getInitiator().setTimeout(30, TimeUnit.SECONDS);
                String ack;
                try {
                    ack = new Terser(connection.getInitiator().sendAndReceive(v2.getPipeParser().parse(er7))).get("/MSA-1");
                } finally {
                    connection.close();
                }
                long ackMs = (System.nanoTime() - t0) / 1_000_000;
                if (!"AA".equals(ack)) {
                    System.out.printf("  %s: %s (expected AA)%n", row[0], ack);
                    ok = false;
                    continue;
                }
                if (!"task".equals(row[2])) {
                    System.out.printf("  %s: AA in %d ms; %s%n", row[0], ackMs, row[3]);
                    expectNone.add(row);
                    continue;
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (requested(ehr, mrnSystem, row[1]) == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                boolean found = requested(ehr, mrnSystem, row[1]) > 0;
                System.out.printf("  %s: AA in %d ms; %s: %s%n", row[0], ackMs, row[3], found
                        ? "Task for " + row[1] + " readable in the EHR " + (System.nanoTime() - t0) / 1_000_000 + " ms after sending"
                        : "NO Task for " + row[1] + " within 60 s");
                ok &= found;
            }
        }
        for (String[] row : expectNone) {
            int tasks = requested(ehr, mrnSystem, row[1]);
            if (tasks != 0) {
                System.out.printf("  MISMATCH: %s expected no Task for %s, found %d%n", row[0], row[1], tasks);
                ok = false;
            }
        }
        return ok;
    }

    /** Requested Tasks for the patient the MRN names (Task.for by identifier, as the notifier writes it for v2). */
    private static int requested(IGenericClient ehr, String system, String mrn) {
        int count = 0;
        Bundle page = ehr.search().forResource(Task.class).cacheControl(FRESH).where(Task.STATUS.exactly().code("requested"))
                .count(200).returnBundle(Bundle.class).execute();
        while (page != null) {
            count += (int) page.getEntry().stream().map(e -> (Task) e.getResource()).filter(t -> t.getFor().hasIdentifier()
                    && system.equals(t.getFor().getIdentifier().getSystem()) && mrn.equals(t.getFor().getIdentifier().getValue())).count();
            page = page.getLink(Bundle.LINK_NEXT) == null ? null : ehr.loadPage().next(page).execute();
        }
        return count;
    }
}
