package org.lemstriage.readside.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.lemstriage.readside.ehr.EpisodeRecord;
import org.lemstriage.readside.ehr.EpisodeTasks;
import org.lemstriage.readside.store.DecisionSearch;
import org.lemstriage.model.event.TriageDecision;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One patient: each episode's timeline (results, decisions, rounds, orders, messages and their outcomes on one time
 * axis), its decisions, newest first, with explanation, evidence, DELTA-P items and rule ids, and the episode's Tasks
 * with their status as the EHR holds it now.
 */
@Path("/console/patient")
@Blocking
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ConsoleUser.WORKLIST, ConsoleUser.AUDITOR})
public class PatientPage {

    /**
     * An episode: its decisions (newest first), its Tasks in the EHR, or why they could not be read, and its timeline
     * (what lems-triage wrote beside the Tasks, or why it could not be read: {@code record}).
     */
    public record Episode(String episodeId, List<DecisionView> decisions, EpisodeTasks.Answer tasks, PatientTimeline timeline,
                          String recordUnavailable) {
        public DecisionView latest() {
            return decisions.get(0);
        }
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance patient(ConsoleUser user, String patientKey, List<Episode> episodes, boolean cut);
    }

    private final DecisionSearch decisions;
    private final EpisodeTasks tasks;
    private final SecurityIdentity identity;
    private final ConsoleReads reads;
    private final EpisodeRecord records;

    public PatientPage(DecisionSearch decisions, EpisodeTasks tasks, EpisodeRecord records, SecurityIdentity identity, ConsoleReads reads) {
        this.decisions = decisions;
        this.tasks = tasks;
        this.records = records;
        this.identity = identity;
        this.reads = reads;
    }

    /** {@code key}: the pipeline's patient key, {@code Patient/123} or {@code identifier:system|value}. */
    @GET
    public TemplateInstance patient(@QueryParam("key") String key) throws SQLException {
        if (key == null || key.isBlank()) {
            throw ConsoleInput.invalid("key", "the patient key (Patient/id or identifier:system|value) is required");
        }
        List<TriageDecision> found = decisions.find(DecisionSearch.Filter.patient(List.of(key)));
        boolean cut = found.size() > DecisionSearch.LIMIT;
        Map<String, List<TriageDecision>> byEpisode = new LinkedHashMap<>();
        found.stream().limit(DecisionSearch.LIMIT).forEach(d -> byEpisode.computeIfAbsent(d.episodeId(), e -> new ArrayList<>()).add(d));
        reads.read(key, "GET /console/patient?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
        List<Episode> episodes = byEpisode.entrySet().stream().map(e -> episode(e.getKey(), e.getValue())).toList();
        return Templates.patient(ConsoleUser.of(identity), key, episodes, cut);
    }

    /** {@code newestFirst}: the episode's decisions as found. */
    private Episode episode(String episodeId, List<TriageDecision> newestFirst) {
        EpisodeTasks.Answer episodeTasks = tasks.of(episodeId);
        EpisodeRecord.Answer record = records.of(episodeId);
        List<TriageDecision> oldestFirst = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(oldestFirst);
        return new Episode(episodeId, newestFirst.stream().map(DecisionView::of).toList(), episodeTasks,
                PatientTimeline.of(episodeId, oldestFirst, episodeTasks, record), record.unavailable());
    }
}
