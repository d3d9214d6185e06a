package org.lemstriage.readside.fhir;

import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;

import java.sql.SQLException;

/** The database did not answer: 503 with an OperationOutcome (retry later), never a 500 with a stack trace. */
final class StoreUnavailable {
    @FunctionalInterface
    interface Query<T> {
        T run() throws SQLException;
    }

    private StoreUnavailable() {
    }

    static <T> T whenFailing(Query<T> query) {
        try {
            return query.run();
        } catch (SQLException e) {
            throw new UnclassifiedServerFailureException(503, "The audit store is not answering (" + e.getSQLState()
                    + "); retry later");
        }
    }
}
