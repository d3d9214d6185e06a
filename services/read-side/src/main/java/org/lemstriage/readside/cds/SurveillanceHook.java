package org.lemstriage.readside.cds;

import ca.uhn.fhir.rest.api.server.cdshooks.CdsServiceRequestJson;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServicesJson;
import ca.uhn.hapi.fhir.cdshooks.serializer.CdsServiceRequestJsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.readside.trail.ReadAuditTrail;
import org.lemstriage.readside.store.OpenEpisodes;
import org.lemstriage.model.PatientKey;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.Fhir;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CDS Hooks 2.0 for the clinician: the {@code patient-view} hook answers with a card when the patient has an open
 * LEMS surveillance, and with no card otherwise. The Patient is asked for as prefetch: its identifiers find
 * patients the pipeline keys by identifier, and must be the context's patient. Discovery is open, as the specification
 * allows; a call comes from the EHR's CDS client, authenticated by its signed JWT (Quarkus OIDC tenant
 * {@code cds-hooks}, then {@link CdsClientTokens}). The read is audited like any other, naming each key it read by.
 */
@Path("/cds-services")
@Produces(MediaType.APPLICATION_JSON)
public class SurveillanceHook {
    static final String SERVICE_ID = "lems-triage-surveillance";
    /** FHIR R4's id datatype */
    private static final java.util.regex.Pattern FHIR_ID = java.util.regex.Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final ObjectMapper JSON = CdsHooksJson.mapper(Fhir.r4());
    private static final CdsServiceJson SERVICE = new CdsServiceJson()
            .setId(SERVICE_ID)
            .setHook("patient-view")
            .setTitle("LEMS antibody tumour surveillance")
            .setDescription("Shows an open oncology screening surveillance started by a P/Q-type VGCC or SOX1 antibody result: "
                    + "tier, what is due and when, and why");

    static {
        SERVICE.addPrefetch("patient", "Patient/{{context.patientId}}");
    }

    private final OpenEpisodes episodes;
    private final ReadAuditTrail trail;
    private final JsonWebToken client;
    private final CdsClientTokens tokens;
    private final String consoleBaseUrl;

    public SurveillanceHook(OpenEpisodes episodes, ReadAuditTrail trail, JsonWebToken client, CdsClientTokens tokens,
                            @ConfigProperty(name = "lemstriage.console.base-url") String consoleBaseUrl) {
        this.episodes = episodes;
        this.trail = trail;
        this.client = client;
        this.tokens = tokens;
        this.consoleBaseUrl = consoleBaseUrl;
    }

    @GET
    public String discovery() throws Exception {
        return JSON.writeValueAsString(new CdsServicesJson().addService(SERVICE));
    }

    @POST
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response call(@PathParam("id") String id, String body) throws Exception {
        if (!SERVICE_ID.equals(id)) {
            return error(Response.Status.NOT_FOUND, "no CDS service '" + id + "' here; GET /cds-services lists them");
        }
        Optional<String> refused;
        try {
            refused = tokens.use(client);
        } catch (SQLException e) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "the audit store is not answering; retry later");
        }
        if (refused.isPresent()) {
            return Response.fromResponse(error(Response.Status.UNAUTHORIZED, refused.get()))
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\"").build();
        }
        CdsServiceRequestJson request;
        try {
            // One per call: it holds a HAPI parser, which is not thread-safe
            request = new CdsServiceRequestJsonDeserializer(Fhir.r4(), JSON).deserialize(SERVICE, JSON.readValue(body, LinkedHashMap.class));
        } catch (BaseServerResponseException | IllegalArgumentException | com.fasterxml.jackson.core.JacksonException e) {
            return error(Response.Status.BAD_REQUEST, "not a CDS Hooks request for patient-view: " + e.getMessage());
        }
        String patientId = request.getContext() == null ? null : request.getContext().getString("patientId");
        if (!"patient-view".equals(request.getHook()) || patientId == null || !FHIR_ID.matcher(patientId).matches()) {
            return error(Response.Status.BAD_REQUEST, "hook must be patient-view, with context.patientId a FHIR id (1 to 64 of A-Z a-z 0-9 - .)");
        }
        Object prefetched = request.getPrefetch("patient");
        if (prefetched != null && !(prefetched instanceof Patient p && patientId.equals(p.getIdElement().getIdPart()))) {
            return error(Response.Status.BAD_REQUEST, "prefetch.patient must be the Patient that context.patientId names (Patient/"
                    + patientId + "); it is " + (prefetched instanceof Patient p && p.hasIdElement() ? "Patient/" + p.getIdElement().getIdPart()
                    : "a resource without that id"));
        }
        Map<String, Reference> shown = patientKeys(patientId, prefetched);
        List<TriageDecision> open;
        try {
            open = episodes.of(List.copyOf(shown.keySet()));
        } catch (SQLException e) {
            return error(Response.Status.SERVICE_UNAVAILABLE, "the audit store is not answering; retry later");
        }
        List<Reference> askedBy = new ArrayList<>(List.of(new Reference().setIdentifier(
                new Identifier().setSystem(client.getIssuer()).setValue(client.getSubject()))));
        String user = request.getContext().getString("userId");
        if (user != null) {
            askedBy.add(new Reference(user));
        }
        trail.read("patient-view", AuditEvent.AuditEventAction.R, askedBy, shown.values(),
                "POST /cds-services/" + SERVICE_ID + " hookInstance=" + request.getHookInstance());
        CdsServiceResponseJson response = new CdsServiceResponseJson();
        open.forEach(episode -> response.addCard(SurveillanceCard.of(episode, consoleBaseUrl)));
        ObjectNode json = JSON.valueToTree(response);
        if (!json.has("cards")) {
            json.putArray("cards"); // CDS Hooks: always an array, empty when there is nothing to say
        }
        return Response.ok(JSON.writeValueAsString(json)).build();
    }

    /**
     * The patient as the pipeline may know them ({@link PatientKey}): the literal reference, and each identifier of the
     * prefetched Patient the pipeline can key by. What is read by, and what the audit names.
     */
    private static Map<String, Reference> patientKeys(String patientId, Object prefetched) {
        Map<String, Reference> keys = new LinkedHashMap<>();
        keys.put("Patient/" + patientId, new Reference("Patient/" + patientId));
        if (prefetched instanceof Patient patient) {
            for (Identifier identifier : patient.getIdentifier()) {
                Reference byIdentifier = new Reference().setIdentifier(identifier);
                PatientKey.of(byIdentifier).ifPresent(key -> keys.put(key, byIdentifier));
            }
        }
        return keys;
    }

    private static Response error(Response.Status status, String message) throws Exception {
        return Response.status(status).entity(JSON.writeValueAsString(Map.of("error", message))).build();
    }
}
