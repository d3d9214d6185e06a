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
import jakarta.ws.rs.core.Response;
import org.lemstriage.readside.store.OpenEpisodes;

import java.net.URI;
import java.sql.SQLException;
import java.util.List;

/** The oncology worklist: every open surveillance episode, overdue first; filtered by tier and status. */
@Path("/console")
@Blocking
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({ConsoleUser.WORKLIST, ConsoleUser.AUDITOR})
public class WorklistPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance worklist(ConsoleUser user, List<WorklistEntry> entries, int open, boolean cut,
                                                String tier, String status);
    }

    private final OpenEpisodes episodes;
    private final SecurityIdentity identity;
    private final ConsoleReads reads;

    public WorklistPage(OpenEpisodes episodes, SecurityIdentity identity, ConsoleReads reads) {
        this.episodes = episodes;
        this.identity = identity;
        this.reads = reads;
    }

    /** The worklist, or for an operator who may not see it, the dead letters. */
    @GET
    @RolesAllowed({ConsoleUser.WORKLIST, ConsoleUser.AUDITOR, ConsoleUser.OPERATOR})
    public Response home() {
        return Response.seeOther(URI.create(ConsoleUser.of(identity).worklist() ? "/console/worklist" : "/console/dead-letters")).build();
    }

    @GET
    @Path("worklist")
    public TemplateInstance worklist(@QueryParam("tier") String tier, @QueryParam("status") String status) throws SQLException {
        List<WorklistEntry> all = episodes.all().stream().map(WorklistEntry::of).toList();
        boolean cut = all.size() > OpenEpisodes.WORKLIST_LIMIT;
        List<WorklistEntry> shown = all.stream().limit(OpenEpisodes.WORKLIST_LIMIT)
                .filter(e -> ConsoleInput.blank(tier) || e.tier().equals(tier))
                .filter(e -> ConsoleInput.blank(status) || e.status().equals(status))
                .sorted(WorklistEntry.ORDER).toList();
        String tierShown = ConsoleInput.blank(tier) ? "" : tier;
        String statusShown = ConsoleInput.blank(status) ? "" : status;
        reads.searched(shown.stream().map(WorklistEntry::patientKey).toList(), "GET /console/worklist?tier=" + tierShown + "&status=" + statusShown);
        return Templates.worklist(ConsoleUser.of(identity), shown, Math.min(all.size(), OpenEpisodes.WORKLIST_LIMIT), cut, tierShown, statusShown);
    }
}
