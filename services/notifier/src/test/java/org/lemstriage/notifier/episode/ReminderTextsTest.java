package org.lemstriage.notifier.episode;

import org.junit.jupiter.api.Test;
import org.lemstriage.model.event.TriageDecision;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reminders' words are plain: English at Flesch-Kincaid grade 8 or below, Spanish at INFLESZ (Szigriszt-Pazos's
 * scale for Spanish) 65 or above, "bastante fácil". Both are computed on the text as a patient reads it (round 2 of 6,
 * dates and contact filled in), with syllables counted by the usual vowel-group rules of each language.
 */
class ReminderTextsTest {
    private static final Pattern WORD = Pattern.compile("[\\p{L}0-9]+");
    private static final TriageDecision.ScreeningRound ROUND = new TriageDecision.ScreeningRound(2, "CT thorax",
            LocalDate.parse("2027-03-06"), LocalDate.parse("2027-04-05"));
    private final ReminderTexts texts = new ReminderTexts(Map.of());

    @Test
    void englishRemindersReadAtGradeEightOrBelow() {
        for (String event : List.of("released", "overdue")) {
            String text = texts.text("en", event, ROUND, 6);
            double grade = 0.39 * words(text).size() / sentences(text) + 11.8 * words(text).stream()
                    .mapToInt(ReminderTextsTest::englishSyllables).sum() / words(text).size() - 15.59;
            System.out.printf("en %s: Flesch-Kincaid grade %.1f%n", event, grade);
            assertThat(grade).as(event).isLessThanOrEqualTo(8.0);
            assertThat(text).doesNotContain("{", "}").contains("5 April 2027");
        }
    }

    @Test
    void spanishRemindersAreFairlyEasyOnTheInfleszScale() {
        for (String event : List.of("released", "overdue")) {
            String text = texts.text("es", event, ROUND, 6);
            double inflesz = 206.835 - 62.3 * words(text).stream().mapToInt(ReminderTextsTest::spanishSyllables).sum()
                    / words(text).size() - (double) words(text).size() / sentences(text);
            System.out.printf("es %s: INFLESZ %.1f%n", event, inflesz);
            assertThat(inflesz).as(event).isGreaterThanOrEqualTo(65.0);
            assertThat(text).doesNotContain("{", "}").contains("5 de abril de 2027");
        }
    }

    @Test
    void theHospitalsContactReplacesTheTextsOwnAndALanguageWithoutTextReadsEnglish() {
        ReminderTexts hospital = new ReminderTexts(Map.of("en", "the screening nurses on 555 0100"));
        assertThat(hospital.text("en", "overdue", ROUND, 6)).contains("call the screening nurses on 555 0100");
        assertThat(hospital.text("es", "overdue", ROUND, 6)).contains("Llame pronto a la clínica que pidió su análisis de sangre");
        assertThat(ReminderTexts.languageFor(List.of("de-DE", "ES_mx"))).isEqualTo("es");
        assertThat(ReminderTexts.languageFor(List.of("zh"))).isEqualTo("en");
        assertThat(ReminderTexts.languageFor(List.of())).isEqualTo("en");
    }

    private static List<String> words(String text) {
        Matcher m = WORD.matcher(text);
        List<String> words = new java.util.ArrayList<>();
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    private static long sentences(String text) {
        return Arrays.stream(text.split("[.!?]+")).filter(s -> !s.isBlank()).count();
    }

    /** Vowel groups, a final silent e not counted; a number reads as one. */
    private static int englishSyllables(String word) {
        String w = word.toLowerCase();
        if (w.chars().allMatch(Character::isDigit)) {
            return 1;
        }
        int groups = (int) Pattern.compile("[aeiouy]+").matcher(w).results().count();
        if (w.endsWith("e") && !w.endsWith("le") && groups > 1) {
            groups--;
        }
        return Math.max(1, groups);
    }

    /** A syllable per strong vowel (a, e, o, accented) or vowel group of one strong and weak ones (a diphthong). */
    private static int spanishSyllables(String word) {
        String w = word.toLowerCase();
        if (w.chars().allMatch(Character::isDigit)) {
            return 1;
        }
        String strong = "aeoáéíóú";
        int syllables = 0;
        char previous = 0;
        for (char c : w.toCharArray()) {
            if ("aeiouáéíóúü".indexOf(c) >= 0) {
                if (previous == 0 || strong.indexOf(previous) >= 0 && strong.indexOf(c) >= 0) {
                    syllables++;
                }
                previous = c;
            } else {
                previous = 0;
            }
        }
        return Math.max(1, syllables);
    }
}
