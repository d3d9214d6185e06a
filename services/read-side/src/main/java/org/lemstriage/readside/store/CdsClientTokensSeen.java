package org.lemstriage.readside.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** The CDS client tokens used so far, by issuer and jti, until they expire: one use each, across replicas. */
@ApplicationScoped
public class CdsClientTokensSeen {
    private static final String FORGET_EXPIRED = "delete from cds_client_token_seen where expires < now()";
    private static final String REMEMBER = "insert into cds_client_token_seen (issuer, jti, expires) values (?, ?, ?) on conflict do nothing";

    private final AgroalDataSource database;

    public CdsClientTokensSeen(AgroalDataSource database) {
        this.database = database;
    }

    /** True the first time a token is seen; false if it was used before (a replay). */
    public boolean firstUse(String issuer, String jti, Instant expires) throws SQLException {
        try (Connection c = database.getConnection()) {
            try (PreparedStatement forget = c.prepareStatement(FORGET_EXPIRED)) {
                forget.executeUpdate();
            }
            try (PreparedStatement remember = c.prepareStatement(REMEMBER)) {
                remember.setString(1, issuer);
                remember.setString(2, jti);
                remember.setTimestamp(3, Timestamp.from(expires));
                return remember.executeUpdate() == 1;
            }
        }
    }
}
