package org.lemstriage.ingest.api;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Resource;
import org.lemstriage.ingest.metrics.SubscriptionLiveness;
import org.lemstriage.ingest.fhir.TrackedResources;
import org.jboss.logging.Logger;
import org.lemstriage.ingest.fhir.BundleReader;
import org.lemstriage.ingest.fhir.FhirFormat;
import org.lemstriage.ingest.http.FhirResponses;
import org.lemstriage.ingest.intake.AllOrNothing;
import org.lemstriage.ingest.intake.NotConfirmed;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.ingest.fhir.ObservationReader;
import org.lemstriage.ingest.fhir.SubscriptionNotification;
import org.lemstriage.ingest.fhir.SubscriptionNotification.Event;
import org.lemstriage.ingest.fhir.SubscriptionFocus;
import org.lemstriage.ehrclient.EhrFailure;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /fhir/subscription-notification}: the rest-hook endpoint for an EHR that pushes through the
 * Subscriptions Backport IG. Handshakes and heartbeats are answered 200. An event notification's Observations, in
 * the payload or read from the EHR when the payload is id-only, are accepted all together or not at all, so the
 * EHR's resend of a failed notification never half-repeats it. Other focus types are acknowledged, not kept.
 */
@Path("/fhir/subscription-notification")
@Consumes({FhirResponses.FHIR_JSON, "application/json", FhirResponses.FHIR_XML, "application/xml", "text/xml"})
public class SubscriptionResource {
    private static final Logger LOG = Logger.getLogger(SubscriptionResource.class);

    private final ObservationReader reader;
    private final SubscriptionFocus focus;
    private final AllOrNothing allOrNothing;
    private final SubscriptionLiveness liveness;

    public SubscriptionResource(ObservationReader reader, SubscriptionFocus focus, AllOrNothing allOrNothing,
                                SubscriptionLiveness liveness) {
        this.reader = reader;
        this.focus = focus;
        this.allOrNothing = allOrNothing;
        this.liveness = liveness;
    }

    @POST
    @Blocking
    public Response notify(String body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                           @HeaderParam(HttpHeaders.ACCEPT) String accept, @QueryParam("_format") String format) {
        FhirFormat in = FhirFormat.ofContentType(contentType);
        FhirFormat out = FhirFormat.ofResponse(format, accept, in);
        SubscriptionNotification notification = SubscriptionNotification.of(reader.parse(body, in, "Bundle"));
        liveness.heard(notification.subscription());
        if (!notification.carriesEvents()) {
            LOG.debugf("subscription %s: %s", notification.subscription(), notification.type());
            return FhirResponses.information(200, notification.type() + " received", out);
        }
        List<BundleReader.Entry> observations = new ArrayList<>();
        try {
            for (int i = 0; i < notification.events().size(); i++) {
                Event event = notification.events().get(i);
                Resource resource = focus.resolve(event);
                if (TrackedResources.tracked(resource)) {
                    observations.add(check(i, event.path(), (DomainResource) resource));
                }
            }
        } catch (EhrFailure.Transient e) {
            LOG.warnf("subscription %s: a focus could not be read from the EHR (transient); answered 503", notification.subscription());
            return FhirResponses.unavailable(
                    "A focus resource could not be read from the EHR; nothing was accepted, send the notification again", 10, out);
        }
        try {
            int published = allOrNothing.publish(observations).size();
            LOG.debugf("subscription %s: %d events, %d results published", notification.subscription(), notification.events().size(), published);
            return FhirResponses.information(200, notification.events().size() + " events, " + observations.size()
                    + " lab results or diagnoses, " + published + " tracked results published", out);
        } catch (NotConfirmed e) {
            return FhirResponses.notConfirmed("notification", out);
        }
    }

    private BundleReader.Entry check(int index, String path, DomainResource resource) {
        try {
            reader.check(resource, path);
            return new BundleReader.Entry(index, path, resource, null);
        } catch (FhirInputException e) {
            return new BundleReader.Entry(index, path, resource, e);
        }
    }
}
