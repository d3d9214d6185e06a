package org.lemstriage.readside.console;

/**
 * RFC 4180 CSV: a header, then rows; a field with a comma, quote or line break is quoted, quotes doubled. A field
 * that a spreadsheet would run as a formula (starting with =, +, -, @, TAB or CR) gets a leading apostrophe (OWASP,
 * CSV injection).
 */
final class Csv {
    private static final String FORMULA_STARTS = "=+-@\t\r";
    private final StringBuilder out = new StringBuilder();

    Csv(String... header) {
        row((Object[]) header);
    }

    Csv row(Object... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            String f = fields[i] == null ? "" : fields[i].toString();
            if (!f.isEmpty() && FORMULA_STARTS.indexOf(f.charAt(0)) >= 0) {
                f = "'" + f;
            }
            out.append(f.matches("(?s).*[\",\r\n].*") ? "\"" + f.replace("\"", "\"\"") + "\"" : f);
        }
        out.append("\r\n");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
