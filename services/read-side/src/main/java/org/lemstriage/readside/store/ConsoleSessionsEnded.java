package org.lemstriage.readside.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/** The console sessions logged out, by the provider's session id, until their tokens expire. */
@ApplicationScoped
public class ConsoleSessionsEnded {
    private static final String END = "insert into console_session_ended (sid, expires) values (?, ?) on conflict (sid) "
            + "do update set expires = greatest(console_session_ended.expires, excluded.expires)";
    private static final String FORGET_EXPIRED = "delete from console_session_ended where expires < now()";
    private static final String ENDED = "select 1 from console_session_ended where sid = ?";

    private final AgroalDataSource database;

    public ConsoleSessionsEnded(AgroalDataSource database) {
        this.database = database;
    }

    public void end(String sid, Instant expires) throws SQLException {
        try (Connection c = database.getConnection()) {
            try (PreparedStatement forget = c.prepareStatement(FORGET_EXPIRED)) {
                forget.executeUpdate();
            }
            try (PreparedStatement end = c.prepareStatement(END)) {
                end.setString(1, sid);
                end.setTimestamp(2, Timestamp.from(expires));
                end.executeUpdate();
            }
        }
    }

    public boolean ended(String sid) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(ENDED)) {
            s.setString(1, sid);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
