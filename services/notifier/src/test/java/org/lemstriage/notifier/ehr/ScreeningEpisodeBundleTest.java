package org.lemstriage.notifier.ehr;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.notifier.Decisions;

import static org.assertj.core.api.Assertions.assertThat;

class ScreeningEpisodeBundleTest {
    private final ScreeningEpisodeBundle builder = new ScreeningEpisodeBundle("Organization/worklist");

    @Test
    void oneServiceRequestAndATaskPerRoundAllConditional() {
        Bundle bundle = builder.build(Decisions.decision("ep-1", 1, "Patient/p1", Action.OPEN, Tier.INTERMEDIATE, 3));
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        assertThat(bundle.getEntry()).hasSize(4).allSatisfy(e -> {
            assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
            assertThat(e.getRequest().getIfNoneExist()).startsWith("identifier=https://lemstriage.org/fhir/sid/");
        });
        ServiceRequest sr = (ServiceRequest) bundle.getEntry().get(0).getResource();
        assertThat(sr.getCode().getCoding()).extracting(c -> c.getCode()).containsExactly("24627-2", "169069000");
        assertThat(sr.getSubject().getReference()).isEqualTo("Patient/p1");

        Task first = (Task) bundle.getEntry().get(1).getResource();
        Task second = (Task) bundle.getEntry().get(2).getResource();
        assertThat(first.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
        assertThat(second.getStatus()).isEqualTo(Task.TaskStatus.ONHOLD);
        assertThat(first.getPriority()).isEqualTo(Task.TaskPriority.ROUTINE);
        assertThat(first.getFocus().getReference()).isEqualTo(bundle.getEntry().get(0).getFullUrl());
        assertThat(first.getGroupIdentifier().getValue()).isEqualTo("ep-1");
        assertThat(first.getOwner().getReference()).isEqualTo("Organization/worklist");
        assertThat(first.getReasonReference().getReference()).isEqualTo("Observation/obs-1");
        assertThat(first.getDescription()).contains("P/Q-type VGCC antibody positive");
        assertThat(first.getRestriction().getPeriod().hasStart()).isTrue();
    }

    @Test
    void highTierIsUrgent() {
        Bundle bundle = builder.build(Decisions.decision("ep-2", 1, "Patient/p1", Action.OPEN, Tier.HIGH, 1));
        assertThat(((Task) bundle.getEntry().get(1).getResource()).getPriority()).isEqualTo(Task.TaskPriority.URGENT);
    }

    @Test
    void sameDecisionBuildsTheSameIdentifiers() {
        var d = Decisions.decision("ep-3", 1, "Patient/p1", Action.OPEN, Tier.LOW, 2);
        assertThat(builder.build(d).getEntry()).extracting(e -> e.getRequest().getIfNoneExist() + e.getFullUrl())
                .isEqualTo(builder.build(d).getEntry().stream().map(e -> e.getRequest().getIfNoneExist() + e.getFullUrl()).toList());
    }
}
