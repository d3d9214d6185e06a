package org.lemstriage.ingest.validation;

import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.hl7.fhir.r5.model.StructureDefinition.ExtensionContextType;
import org.hl7.fhir.r5.model.StructureDefinition.StructureDefinitionContextComponent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps the validator from growing a shared definition. Each time it checks where the regex extension is used,
 * org.hl7.fhir.validation 6.7.9 ({@code InstanceValidator.fixContexts}) adds the context "ElementDefinition.type" to
 * the extension's definition itself, not to its copy: the one definition all pooled validators share gains a context
 * with every such check, so a sender repeating the extension grows the heap without end and makes each check longer,
 * and a validator reading the list while another adds to it fails. Here the definition is given that context once,
 * as the validator's first check would give it, in a list that does not take the same context twice: every answer
 * is the answer of that first check. After an upgrade of org.hl7.fhir.validation, read {@code fixContexts} again: a
 * fixed validator makes this a no-op; one that adds otherwise ({@code add(int, E)}, {@code addAll}) gets past it, and
 * {@code TrackedResultValidatorTest} fails.
 */
final class SteadyExtensionContexts {
    static final String REGEX = "http://hl7.org/fhir/StructureDefinition/regex";
    /** What the validator adds (see the class comment). */
    private static final String ADDED = "ElementDefinition.type";

    private SteadyExtensionContexts() {
    }

    /** In the definitions the validators of this context share, before any of them validates. */
    static void apply(IWorkerContext context) {
        StructureDefinition regex = context.fetchResource(StructureDefinition.class, REGEX);
        if (regex == null || regex.getContext() instanceof TakenOnce) {
            return;
        }
        TakenOnce contexts = new TakenOnce(regex.getContext());
        contexts.add(new StructureDefinitionContextComponent().setType(ExtensionContextType.ELEMENT).setExpression(ADDED));
        regex.setContext(contexts);
    }

    /** Contexts that ignore one equal to a context they hold (of the same type, at the same expression). */
    private static final class TakenOnce extends ArrayList<StructureDefinitionContextComponent> {
        TakenOnce(List<StructureDefinitionContextComponent> contexts) {
            super(contexts);
        }

        @Override
        public boolean add(StructureDefinitionContextComponent context) {
            boolean held = stream().anyMatch(c -> c.getType() == context.getType()
                    && Objects.equals(c.getExpression(), context.getExpression()));
            return !held && super.add(context);
        }
    }
}
