package org.lemstriage.ingest.audit;

import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.hl7.fhir.r4.model.AuditEvent;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.ingest.auth.BearerAuthentication;
import org.lemstriage.model.fhir.AuditEvents;
import org.lemstriage.model.fhir.Fhir;

/**
 * One FHIR AuditEvent on triage.audit.v1 for every request to the FHIR API (the CapabilityStatement aside): which
 * interaction, how it ended, and the counts of results published, untracked and rejected. No patient values.
 */
public class RequestAudit {
    public static final String CHANNEL = "audit-events";
    /** Identifier system for OAuth 2.0 client ids (RFC 6749 section 2.2). */
    static final String OAUTH_CLIENT_SYSTEM = "urn:ietf:rfc:6749";
    private static final Logger LOG = Logger.getLogger(RequestAudit.class);

    private final MutinyEmitter<String> emitter;
    private final RequestTally tally;

    public RequestAudit(@Channel(CHANNEL) MutinyEmitter<String> emitter, RequestTally tally) {
        this.emitter = emitter;
        this.tally = tally;
    }

    @ServerResponseFilter
    public void audit(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/fhir") || path.startsWith("/fhir/metadata")) {
            return;
        }
        int status = response.getStatus();
        String interaction = "PUT".equals(request.getMethod()) ? "update" : "DELETE".equals(request.getMethod()) ? "delete"
                : path.equals("/fhir") || path.equals("/fhir/") ? "batch" : "create";
        AuditEvent.AuditEventOutcome outcome = status < 300 ? AuditEvent.AuditEventOutcome._0
                : status < 500 ? AuditEvent.AuditEventOutcome._4 : AuditEvent.AuditEventOutcome._8;
        AuditEvent.AuditEventAction action = switch (interaction) {
            case "update" -> AuditEvent.AuditEventAction.U;
            case "delete" -> AuditEvent.AuditEventAction.D;
            default -> AuditEvent.AuditEventAction.C;
        };
        AuditEvent event = AuditEvents.rest(interaction, action, outcome,
                "HTTP " + status + "; " + tally.summary(), "ingest", false);
        event.addEntity().setName(request.getMethod() + " " + path);
        Object client = request.getProperty(BearerAuthentication.CLIENT);
        if (client != null) {
            // The sender, as its token names it (OAuth client_id)
            event.addAgent().setRequestor(true).setWho(new Reference().setIdentifier(
                    new Identifier().setSystem(OAUTH_CLIENT_SYSTEM).setValue(client.toString())));
        }
        // On a worker thread: a producer waiting for an absent broker must never hold the event loop
        emitter.send(Fhir.r4().newJsonParser().encodeResourceToString(event))
                .runSubscriptionOn(io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool()).subscribe().with(
                done -> { },
                failure -> LOG.warnf("AuditEvent for %s %s not written: %s", request.getMethod(), path, failure.getClass().getSimpleName()));
    }
}
