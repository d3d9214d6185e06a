package org.lemstriage.readside.cds;

import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceIndicatorEnum;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardSourceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseLinkJson;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.RoundState;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The card a clinician sees for an open surveillance: the tier and what is due (summary), the decision's own
 * explanation, the rounds and the rules (detail), lems-triage and its ruleset version (source), and a link to the
 * console's patient view. Warning when the tier is HIGH or a round is overdue, info otherwise.
 */
final class SurveillanceCard {
    private SurveillanceCard() {
    }

    static CdsServiceResponseCardJson of(TriageDecision episode, String consoleBaseUrl) {
        List<ScreeningRound> plan = episode.plan() == null ? List.of() : episode.plan();
        boolean overdue = plan.stream().anyMatch(r -> r.state() == RoundState.OVERDUE);
        CdsServiceResponseCardJson card = new CdsServiceResponseCardJson()
                .setSummary(summary(episode, plan))
                .setIndicator(overdue || episode.tier() == TriageDecision.Tier.HIGH ? CdsServiceIndicatorEnum.WARNING : CdsServiceIndicatorEnum.INFO)
                .setDetail(detail(episode, plan))
                .setSource(new CdsServiceResponseCardSourceJson().setLabel("lems-triage, ruleset " + episode.rulesetVersion()));
        CdsServiceResponseLinkJson link = new CdsServiceResponseLinkJson()
                .setLabel("Surveillance in the lems-triage console")
                .setUrl(consoleBaseUrl + "/console/patient?key=" + URLEncoder.encode(episode.patientKey(), StandardCharsets.UTF_8))
                .setType("absolute");
        card.setLinks(List.of(link));
        // Stable per decision: a client's feedback on the card names the decision it was about
        card.setUuid(UUID.nameUUIDFromBytes(episode.decisionId().getBytes(StandardCharsets.UTF_8)).toString());
        return card;
    }

    /** At most 140 characters, as CDS Hooks asks: the procedure of each round is in the detail. */
    private static String summary(TriageDecision episode, List<ScreeningRound> plan) {
        String what = episode.kind() == TriageDecision.EpisodeKind.CLINICIAN_REVIEW ? "clinician review requested"
                : episode.hold() == TriageDecision.Hold.CLINICIAN_DECISION ? "imaging held for a clinician's decision"
                : episode.hold() == TriageDecision.Hold.CONFIRMATION ? "waiting for a clinician's confirmation"
                : next(plan);
        String summary = "Possible paraneoplastic LEMS: " + episode.tier() + " tier tumour screening; " + what;
        return summary.length() <= 140 ? summary : summary.substring(0, 139) + "…";
    }

    private static String next(List<ScreeningRound> plan) {
        return plan.stream().filter(r -> r.state() == RoundState.OVERDUE).findFirst()
                .map(r -> "round " + r.round() + " OVERDUE since " + r.dueTo())
                .or(() -> plan.stream().filter(r -> r.state() == RoundState.DUE).findFirst()
                        .map(r -> "round " + r.round() + " due by " + r.dueTo()))
                .or(() -> plan.stream().filter(r -> r.state() == RoundState.PLANNED).findFirst()
                        .map(r -> "next: round " + r.round() + " from " + r.dueFrom()))
                .orElse("no round planned");
    }

    private static String detail(TriageDecision episode, List<ScreeningRound> plan) {
        StringBuilder detail = new StringBuilder(episode.explanation() == null ? "" : episode.explanation());
        if (!plan.isEmpty()) {
            detail.append("\n\n**Screening rounds**\n\n").append(plan.stream()
                    .map(r -> "- Round " + r.round() + ", " + r.procedure() + ": " + r.dueFrom() + " to " + r.dueTo() + ", " + r.state())
                    .collect(Collectors.joining("\n")));
        }
        if (episode.rulesFired() != null && !episode.rulesFired().isEmpty()) {
            detail.append("\n\nRules: ").append(String.join(", ", episode.rulesFired()))
                    .append(" (ruleset ").append(episode.rulesetVersion()).append(").");
        }
        return detail.toString();
    }
}
