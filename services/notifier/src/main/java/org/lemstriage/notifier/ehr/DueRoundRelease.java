package org.lemstriage.notifier.ehr;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.jboss.logging.Logger;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.EhrFailure;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Later screening rounds wait on-hold until their window opens (DESIGN.md): on a schedule, every on-hold oncology
 * screening Task whose restriction.period has started is moved to requested, with If-Match so a change by the
 * oncology team is never overwritten. A failure is logged and the round is tried again next time.
 */
@ApplicationScoped
public class DueRoundRelease {
    private static final Logger LOG = Logger.getLogger(DueRoundRelease.class);

    private final EhrClient ehr;
    private final Clock clock;

    public DueRoundRelease(EhrClient ehr, Clock clock) {
        this.ehr = ehr;
        this.clock = clock;
    }

    @Scheduled(every = "{lemstriage.notifier.release-every}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        try {
            release(clock.instant());
        } catch (EhrFailure e) {
            LOG.warnf("due screening rounds not released this time: %s", e instanceof EhrFailure.Permanent p
                    ? "EHR answered " + p.status() : "EHR unreachable or failing");
        }
    }

    /**
     * Releases the rounds due at {@code now}; returns how many were moved to requested. The search is read whole
     * before anything is changed: releasing a round takes it out of the search being paged through.
     */
    public int release(Instant now) {
        List<Task> onHold = ehr.searchAll("search on-hold screening rounds", Task.class, c -> c.search().forResource(Task.class)
                .cacheControl(EhrClient.FRESH).where(Task.STATUS.exactly().code(Task.TaskStatus.ONHOLD.toCode()))
                .and(Task.CODE.exactly().systemAndCode(EhrIdentifiers.TASK_CODE_SYSTEM, "oncology-screening"))
                .returnBundle(Bundle.class).execute());
        int released = 0;
        for (Task task : onHold) {
            Date start = task.getRestriction().getPeriod().getStart();
            if (start != null && !start.toInstant().isAfter(now) && release(task)) {
                released++;
            }
        }
        if (released > 0) {
            LOG.infof("%d screening rounds released to the worklist", released);
        }
        return released;
    }

    private boolean release(Task task) {
        String id = task.getIdElement().getIdPart();
        String version = task.getMeta().getVersionId();
        Task due = task.copy().setStatus(Task.TaskStatus.REQUESTED);
        try {
            ehr.call("release round " + id, c -> c.update().resource(due).withId(id)
                    .withAdditionalHeader("If-Match", "W/\"" + version + "\"").execute());
            return true;
        } catch (EhrFailure e) {
            LOG.warnf("round %s not released: %s", id, e instanceof EhrFailure.Permanent p ? "EHR answered " + p.status() : "transient failure");
            return false;
        }
    }
}
