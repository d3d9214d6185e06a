package org.lemstriage.readside.store;

import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.TriageDecision;

import java.io.IOException;

/** One decision from triage.decision.v1 as the store keeps it: its JSON as published and its fields. */
public record DecisionRecord(int partition, long offset, String json, TriageDecision decision) {

    public static DecisionRecord parse(int partition, long offset, String json) throws UnreadableRecord {
        TriageDecision decision;
        try {
            decision = EventJson.mapper().readValue(json, TriageDecision.class);
        } catch (IOException e) {
            throw new UnreadableRecord("not a TriageDecision in JSON: " + e.getClass().getSimpleName(), e);
        }
        if (decision.decisionId() == null || decision.episodeId() == null || decision.patientKey() == null || decision.action() == null || decision.decidedAt() == null) {
            throw new UnreadableRecord("a TriageDecision without decisionId, episodeId, patientKey, action or decidedAt", null);
        }
        return new DecisionRecord(partition, offset, json, decision);
    }
}
