package org.lemstriage.readside.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.cdshooks.CdsServiceRequestContextJson;
import ca.uhn.fhir.serializer.FhirResourceDeserializer;
import ca.uhn.fhir.serializer.FhirResourceSerializer;
import ca.uhn.hapi.fhir.cdshooks.serializer.CdsServiceRequestContextDeserializer;
import ca.uhn.hapi.fhir.cdshooks.serializer.CdsServiceRequestContextSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The ObjectMapper CDS Hooks' JSON needs: FHIR resources (prefetch, context) read and written by HAPI's parser.
 * The same module HAPI's CdsHooksObjectMapperFactory registers; that factory builds its mapper with Spring's
 * builder, which this service does not carry.
 */
final class CdsHooksJson {
    private CdsHooksJson() {
    }

    static ObjectMapper mapper(FhirContext fhir) {
        ObjectMapper mapper = new ObjectMapper();
        SimpleModule module = new SimpleModule();
        module.addSerializer(new FhirResourceSerializer(fhir));
        module.addSerializer(new CdsServiceRequestContextSerializer(fhir, mapper));
        module.addDeserializer(IBaseResource.class, new FhirResourceDeserializer(fhir));
        module.addDeserializer(CdsServiceRequestContextJson.class, new CdsServiceRequestContextDeserializer(fhir, mapper));
        return mapper.registerModule(module);
    }
}
