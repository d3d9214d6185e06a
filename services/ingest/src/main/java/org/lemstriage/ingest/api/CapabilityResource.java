package org.lemstriage.ingest.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.lemstriage.ingest.fhir.FhirFormat;
import org.lemstriage.ingest.http.FhirResponses;

/** {@code GET /fhir/metadata}: exactly what this endpoint supports, no more. */
@Path("/fhir/metadata")
public class CapabilityResource {
    private static final CapabilityStatement STATEMENT = statement();

    @GET
    public Response metadata(@HeaderParam(HttpHeaders.ACCEPT) String accept, @QueryParam("_format") String format) {
        return FhirResponses.resource(200, STATEMENT, FhirFormat.ofResponse(format, accept, FhirFormat.JSON));
    }

    private static CapabilityStatement statement() {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE).setDateElement(DateTimeType.now())
                .setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE)
                .setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        cs.getSoftware().setName("lems-triage ingest");
        cs.setDescription("Accepts lab results and diagnoses; publishes tracked antibody results (P/Q- and N-type VGCC, SOX1, "
                + "AGNA-1) and recorded LEMS diagnoses (Condition) for LEMS triage. Others are acknowledged and not kept.");
        cs.addFormat("application/fhir+json").addFormat("application/fhir+xml").addFormat("json").addFormat("xml");
        var rest = cs.addRest().setMode(RestfulCapabilityMode.SERVER);
        rest.getSecurity().addService(new org.hl7.fhir.r4.model.CodeableConcept(new org.hl7.fhir.r4.model.Coding(
                        "http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")))
                .setDescription("Bearer JWT with scope system/Observation.write (or system/Observation.c / .u, system/*.write); "
                        + "this CapabilityStatement needs no token")
                .setCors(false);
        rest.setDocumentation("Subscription notifications (Subscriptions R5 Backport IG, rest-hook, full-resource or id-only "
                + "payloads): POST a history Bundle to [base]/subscription-notification");
        var observation = rest.addResource().setType("Observation");
        observation.addInteraction().setCode(TypeRestfulInteraction.CREATE);
        observation.addInteraction().setCode(TypeRestfulInteraction.UPDATE);
        observation.setUpdateCreate(true);
        var condition = rest.addResource().setType("Condition");
        condition.addInteraction().setCode(TypeRestfulInteraction.CREATE);
        condition.addInteraction().setCode(TypeRestfulInteraction.UPDATE);
        condition.setUpdateCreate(true);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.BATCH);
        rest.addInteraction().setCode(CapabilityStatement.SystemRestfulInteraction.TRANSACTION);
        rest.addOperation().setName("import").setDefinition("https://lemstriage.org/fhir/OperationDefinition/ndjson-import")
                .setDocumentation("POST application/fhir+ndjson, one resource per line; answers per line with a summary");
        return cs;
    }
}
