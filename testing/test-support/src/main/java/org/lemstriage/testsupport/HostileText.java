package org.lemstriage.testsupport;

import ca.uhn.hl7v2.parser.DefaultEscaping;
import ca.uhn.hl7v2.parser.EncodingCharacters;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.sessions.JqwikSession;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What senders put in identifiers and free text when they are messy or hostile (issue 29), as jqwik arbitraries: FHIR
 * search's reserved characters ({@code , | $ \}), URL and query characters ({@code & # % ? = + / ; :} and spaces),
 * markup ({@code < > " '}), and Unicode beyond Latin-1 (accents, CJK, right-to-left, astral planes). Tests that cannot
 * run as a jqwik property (a Quarkus test) draw from the same arbitraries through {@link Seeded}, seed printed.
 */
public final class HostileText {
    /** Characters with a meaning to FHIR search, URLs, HTML or HL7 v2, each likely to appear. */
    static final String RESERVED = ",|$\\&#%?=+/;: <>\"'^~*()[]{}@!";
    static final List<String> UNICODE = List.of("é", "ß", "Ø", "ñ", "中", "文", "ש", "ل", "😀", "\u00a0", "ℌ", "Å");
    /** Fixed values each property also meets, from the findings of issue 29. */
    public static final List<String> KNOWN = List.of("SECPROBE-INJ,SECPROBE-3", "SECX<img src=x onerror=alert(101)><script>alert(102)</script>",
            "A B", "100%", "a|b", "a\\,b", "x$y", "x&y=z", "#frag", "a\\", "..", "Patient/1", "http://evil/x?y=1");

    private HostileText() {
    }

    /** An identifier value: 1 to 40 characters, no control characters, none leading or trailing white space. */
    public static Arbitrary<String> identifierValue() {
        Arbitrary<String> drawn = Arbitraries.strings()
                .withChars(RESERVED.toCharArray())
                .withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9').withChars('-', '.', '_')
                .ofMinLength(1).ofMaxLength(30)
                .flatMap(base -> Arbitraries.of(UNICODE).list().ofMaxSize(3)
                        .map(extra -> base + String.join("", extra)))
                .map(String::strip).filter(s -> !s.isEmpty());
        return Arbitraries.oneOf(drawn, Arbitraries.of(KNOWN));
    }

    /**
     * Any text a free-text field may carry (names, comments, display texts): printable, accents, CJK, right-to-left,
     * 0 to 60 characters (drawn as chars: astral-plane characters, which are two, stay in {@link #identifierValue}).
     */
    public static Arbitrary<String> freeText() {
        String bmp = UNICODE.stream().filter(u -> u.length() == 1).collect(Collectors.joining());
        return Arbitraries.strings().withChars(RESERVED.toCharArray()).withCharRange(' ', '~').withChars(bmp.toCharArray())
                .ofMaxLength(60);
    }

    /** Text as an HL7 v2 text field carries it under the default delimiters ({@code |^~\\&}), escaped by HAPI. */
    public static String escapeV2(String text) {
        return new DefaultEscaping().escape(text, EncodingCharacters.defaultInstance());
    }

    /** A random source for tests that draw by hand: seeded from {@code -Dlemstriage.test.seed}, else anew, and printed. */
    public static final class Seeded {
        private final long seed;
        private final Random random;

        private Seeded(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
        }

        /** @param what names the test in the printed line */
        public static Seeded forTest(String what) {
            String fixed = System.getProperty("lemstriage.test.seed");
            long seed = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
            System.out.printf("%s: seed %d (replay with -Dlemstriage.test.seed=%d)%n", what, seed, seed);
            return new Seeded(seed);
        }

        public long seed() {
            return seed;
        }

        public Random random() {
            return random;
        }

        /** {@code count} values drawn from {@code arbitrary}, in a jqwik session of their own outside a property. */
        public <T> List<T> draw(Arbitrary<T> arbitrary, int count) {
            boolean own = !JqwikSession.isActive();
            if (own) {
                JqwikSession.start();
            }
            try {
                var generator = arbitrary.generator(1000);
                return Stream.generate(() -> generator.next(random).value()).limit(count).collect(Collectors.toList());
            } finally {
                if (own) {
                    JqwikSession.finish();
                }
            }
        }
    }
}
