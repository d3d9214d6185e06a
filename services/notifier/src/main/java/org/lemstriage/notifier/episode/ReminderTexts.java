package org.lemstriage.notifier.episode;

import org.lemstriage.model.event.TriageDecision.ScreeningRound;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The words of the patient's reminders, one text per language in {@code reminders/<language>.properties}: English and
 * Spanish. The patient's language is the first of theirs (the preferred first) that has a text; else English.
 */
public final class ReminderTexts {
    /** The languages with a text, English first: the one used when the patient reads none of the others. */
    public static final List<String> LANGUAGES = List.of("en", "es");

    private final Map<String, Properties> texts = new HashMap<>();
    private final Map<String, String> contacts;

    /** @param contacts whom to call, per language, where the hospital says so; else the texts' own words */
    public ReminderTexts(Map<String, String> contacts) {
        this.contacts = Map.copyOf(contacts);
        LANGUAGES.forEach(language -> texts.put(language, load(language)));
    }

    /** The first of the patient's languages (BCP 47, {@code es-MX} reads as {@code es}) with a text; else English. */
    public static String languageFor(List<String> patientLanguages) {
        return patientLanguages.stream().map(l -> l.toLowerCase(Locale.ROOT).split("[-_]")[0])
                .filter(LANGUAGES::contains).findFirst().orElse(LANGUAGES.get(0));
    }

    /** The text of a reminder ({@code released} or {@code overdue}) of one round of {@code rounds}, in a language. */
    public String text(String language, String event, ScreeningRound round, int rounds) {
        Properties words = texts.get(language);
        DateTimeFormatter date = DateTimeFormatter.ofPattern(words.getProperty("date"), Locale.forLanguageTag(language));
        return words.getProperty(event)
                .replace("{round}", Integer.toString(round.round()))
                .replace("{rounds}", Integer.toString(rounds))
                .replace("{from}", date.format(round.dueFrom()))
                .replace("{to}", date.format(round.dueTo()))
                .replace("{contact}", contacts.getOrDefault(language, words.getProperty("contact")));
    }

    private static Properties load(String language) {
        try (InputStream in = ReminderTexts.class.getResourceAsStream("/reminders/" + language + ".properties")) {
            Properties texts = new Properties();
            texts.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return texts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
