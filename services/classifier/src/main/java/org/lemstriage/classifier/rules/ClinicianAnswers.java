package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What clinicians answered on the episode's request Tasks, read from the Tasks of this episode only: a
 * Task of an episode retracted earlier never answers a question of the next one. An answer is a completed Task whose
 * output of type {@link ClinicianRequest#ANSWER_TYPE} is SNOMED CT Yes or No. A question whose Task was finished
 * without one (completed without the coded answer, cancelled, rejected or failed by anyone but lems-triage) is asked
 * again as a new Task ({@code <id>/again-<n>}), so that a plan waiting for an answer never waits with nothing on the
 * worklist.
 *
 * @param answered   yes (true) or no, by question id
 * @param unanswered how many of a question's Tasks were finished without an answer, by question id
 */
public record ClinicianAnswers(Map<String, Boolean> answered, Map<String, Integer> unanswered) {
    public static final ClinicianAnswers NONE = new ClinicianAnswers(Map.of(), Map.of());
    /** Task statuses that end a Task: without a coded answer, the question was not answered. */
    private static final Set<String> FINISHED = Set.of("completed", "cancelled", "rejected", "failed", "entered-in-error");
    private static final Pattern AGAIN = Pattern.compile("(.*)/again-(\\d+)$");
    private static final String WITHDRAWN = EhrIdentifiers.TASK_CODE_SYSTEM + "|" + EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE;

    /** The answers on the Tasks of {@code episodeId} the context read; none without an episode. */
    public static ClinicianAnswers read(ClinicalContext context, String episodeId) {
        if (context == null || episodeId == null || context.status() != ClinicalContext.Status.AVAILABLE) {
            return NONE;
        }
        String prefix = EhrIdentifiers.request(episodeId, "");
        Map<String, Boolean> answered = new HashMap<>();
        Map<String, Integer> unanswered = new HashMap<>();
        for (ClinicalContext.EpisodeTask task : context.tasks()) {
            if (task.identifier() == null || !task.identifier().startsWith(prefix) || !FINISHED.contains(task.status())
                    || task.statusReason().contains(WITHDRAWN)) {
                continue;
            }
            String question = question(task.identifier().substring(prefix.length()));
            Boolean answer = "completed".equals(task.status()) ? answer(task.outputs()) : null;
            if (answer != null) {
                answered.put(question, answer);
            } else {
                unanswered.merge(question, 1, Integer::sum);
            }
        }
        return new ClinicianAnswers(Map.copyOf(answered), Map.copyOf(unanswered));
    }

    /** The question a request id asks, without the count of a question asked again. */
    static String question(String requestId) {
        Matcher again = AGAIN.matcher(requestId);
        return again.matches() ? again.group(1) : requestId;
    }

    /**
     * The request as it must be written: as it is, or, when its Tasks were finished without an answer, asked again
     * as a new Task that says why.
     */
    public ClinicianRequest asked(ClinicianRequest request) {
        int times = request.asksForAnswer() && !answered.containsKey(request.id()) ? unanswered.getOrDefault(request.id(), 0) : 0;
        if (times == 0) {
            return request;
        }
        return new ClinicianRequest(request.id() + "/again-" + times, request.kind(), request.about(),
                "Asked again: the earlier Task was closed without an answer (Yes or No); the plan still waits for it. "
                        + request.text(), request.owner());
    }

    private static Boolean answer(List<ClinicalContext.Output> outputs) {
        return outputs.stream().filter(o -> o.type().contains(ClinicianRequest.ANSWER_TYPE)).flatMap(o -> o.value().stream())
                .filter(v -> v.equals(ClinicianRequest.YES) || v.equals(ClinicianRequest.NO)).findFirst()
                .map(ClinicianRequest.YES::equals).orElse(null);
    }
}
