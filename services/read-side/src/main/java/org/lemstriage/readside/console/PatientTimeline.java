package org.lemstriage.readside.console;

import io.quarkus.qute.RawString;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.readside.ehr.EpisodeRecord;
import org.lemstriage.readside.ehr.EpisodeTasks;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One episode on one time axis, as a clinician reads it at a glance: the results it rests on (when each first reached a
 * decision), its decisions, its rounds' windows with their Task's status in the EHR, its orders, and the messages to
 * the patient and the clinicians with their status. The same marks as a table, in time order.
 */
public record PatientTimeline(RawString svg, List<SvgTimeline.Mark> marks) {
    static final List<String> LANES = List.of("Results", "Decisions", "Rounds", "Orders", "Messages");

    /** {@code decisions} oldest version first. */
    static PatientTimeline of(String episodeId, List<TriageDecision> decisions, EpisodeTasks.Answer tasks, EpisodeRecord.Answer record) {
        List<SvgTimeline.Mark> marks = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (TriageDecision d : decisions) {
            d.evidence().stream().filter(e -> seen.add(e.observationReference())).forEach(e -> marks.add(new SvgTimeline.Mark("Results",
                    d.decidedAt(), null, (e.analyte() == null ? "result" : e.analyte().display()) + " " + (e.result() == null ? "" : e.result().name()),
                    e.status() == null ? "" : e.status())));
            marks.add(new SvgTimeline.Mark("Decisions", d.decidedAt(), null, "version " + d.version() + ": " + d.action() + ", tier "
                    + d.tier(), d.closure() != null ? d.closure().reason().name() : d.hold() != null ? "held: " + d.hold() : ""));
        }
        Map<String, String> taskStatus = tasks.tasks().stream().collect(Collectors.toMap(EpisodeTasks.EpisodeTask::identifier,
                EpisodeTasks.EpisodeTask::status, (a, b) -> a));
        TriageDecision latest = decisions.get(decisions.size() - 1);
        latest.plan().forEach(r -> marks.add(new SvgTimeline.Mark("Rounds", day(r.dueFrom()), day(r.dueTo()), "round " + r.round()
                + ": " + r.procedure(), r.state() == TriageDecision.RoundState.OVERDUE ? "overdue, Task "
                + taskStatus.getOrDefault(EhrIdentifiers.round(episodeId, r.round()), "not in the EHR")
                : taskStatus.getOrDefault(EhrIdentifiers.round(episodeId, r.round()), r.state().name().toLowerCase()))));
        for (ServiceRequest order : record.orders()) {
            Instant at = order.hasAuthoredOn() ? order.getAuthoredOn().toInstant() : latest.decidedAt();
            marks.add(new SvgTimeline.Mark("Orders", at, null, order.getCode().hasText() ? order.getCode().getText()
                    : order.getIdentifierFirstRep().getValue(), order.getStatus() == null ? "" : order.getStatus().toCode()));
        }
        for (CommunicationRequest reminder : record.reminders().stream().filter(r -> r.getIdentifier().stream()
                .anyMatch(i -> EhrIdentifiers.PATIENT_REMINDER.equals(i.getSystem()))).toList()) {
            String value = reminder.getIdentifier().stream().filter(i -> EhrIdentifiers.PATIENT_REMINDER.equals(i.getSystem()))
                    .findFirst().orElseThrow().getValue();
            marks.add(new SvgTimeline.Mark("Messages", instant(reminder.getAuthoredOn(), latest), null, "reminder to the patient: "
                    + value.substring(value.indexOf("/round-") + 1).replace("/reminder/", " ") + " (" + reminder.getLanguage() + ")",
                    reminder.getStatus() == null ? "" : reminder.getStatus().toCode()));
        }
        for (Communication message : record.messages().stream().filter(m -> m.getIdentifier().stream()
                .anyMatch(i -> EhrIdentifiers.NOTICE.equals(i.getSystem()))).toList()) {
            String value = message.getIdentifier().stream().filter(i -> EhrIdentifiers.NOTICE.equals(i.getSystem()))
                    .findFirst().orElseThrow().getValue();
            marks.add(new SvgTimeline.Mark("Messages", instant(message.getSent(), latest), null, "message to clinicians: "
                    + value.substring(value.indexOf("/notice/") + "/notice/".length()), message.getStatus() == null ? ""
                    : message.getStatus().toCode()));
        }
        marks.sort(Comparator.comparing(SvgTimeline.Mark::start).thenComparing(m -> LANES.indexOf(m.lane())));
        return new PatientTimeline(SvgTimeline.of("Timeline of episode " + episodeId + ": results, decisions, rounds, orders and messages",
                LANES, marks), marks);
    }

    private static Instant day(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static Instant instant(Date date, TriageDecision latest) {
        return date == null ? latest.decidedAt() : date.toInstant();
    }
}
