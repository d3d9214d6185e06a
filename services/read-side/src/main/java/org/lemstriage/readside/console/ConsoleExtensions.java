package org.lemstriage.readside.console;

import io.quarkus.qute.TemplateExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** What the console's templates call on a string. */
@TemplateExtension
final class ConsoleExtensions {
    private ConsoleExtensions() {
    }

    /** For a query parameter's value, e.g. a patient key in a link: {@code {key.urlEncode}}. */
    static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
