package org.lemstriage.readside.console;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OWASP's CSV-injection advice: a cell a spreadsheet would run as a formula is written as text. (Plain loops: Kafka's
 * test extension on this classpath claims every JUnit test template, parameterized tests included.)
 */
class CsvTest {
    @Test
    void aCellStartingAsAFormulaGetsALeadingApostrophe() {
        for (String cell : List.of("=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1")) {
            String written = new Csv("key").row(cell).toString().substring("key\r\n".length());
            assertThat(written.replace("\"", "")).as(cell).startsWith("'" + cell.charAt(0));
        }
    }

    @Test
    void anOrdinaryCellIsWrittenAsItIs() {
        for (String cell : List.of("Patient/1", "identifier:urn:oid:1.2|MRN-1", "1.7", "")) {
            assertThat(new Csv("key").row(cell).toString()).as(cell).isEqualTo("key\r\n" + cell + "\r\n");
        }
    }

    @Test
    void aCellWithACommaQuoteOrLineBreakIsQuoted() {
        for (String cell : List.of("a,b", "say \"no\"", "two\nlines")) {
            assertThat(new Csv("key").row(cell).toString()).as(cell).isEqualTo("key\r\n\"" + cell.replace("\"", "\"\"") + "\"\r\n");
        }
    }
}
