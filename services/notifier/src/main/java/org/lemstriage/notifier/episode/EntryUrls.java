package org.lemstriage.notifier.episode;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The fullUrl of a transaction entry, derived from what it writes: the same resource gets the same urn in every
 * transaction, so a Task can reference the order created beside it.
 */
public final class EntryUrls {
    private EntryUrls() {
    }

    public static String of(String type, String identifier) {
        return "urn:uuid:" + uuid(type + "|" + identifier);
    }

    static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
