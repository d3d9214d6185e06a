package org.lemstriage.browser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.GZIPInputStream;

/**
 * Deque's axe-core, the accessibility engine, as the npm registry serves it: its tarball fetched once into the user's
 * cache, checked against the integrity the registry publishes for that version, and its {@code axe.min.js} read out,
 * for a browser test to run in the page. Pinned, so a new release cannot change what passes.
 */
public final class AxeCore {
    public static final String VERSION = "4.10.2";
    /** The registry's {@code dist.integrity} for that version (https://registry.npmjs.org/axe-core/4.10.2). */
    private static final String SHA512 = "RE3mdQ7P3FRSe7eqCWoeQ/Z9QXrtniSjp1wUjt5nRC3WIpz5rSCve6o3fsZ2aCpJtrZjSZgjwXAoTO5k4tEI0w==";
    private static final String TARBALL = "https://registry.npmjs.org/axe-core/-/axe-core-" + VERSION + ".tgz";
    private static String script;

    private AxeCore() {
    }

    /** The source of axe.min.js. */
    public static synchronized String script() {
        if (script == null) {
            try {
                script = extract(tarball(), "package/axe.min.js");
            } catch (IOException e) {
                throw new IllegalStateException("axe-core " + VERSION + " could not be read from " + TARBALL, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return script;
    }

    private static byte[] tarball() throws IOException, InterruptedException {
        Path cached = Path.of(System.getProperty("user.home"), ".cache", "lems-triage", "axe-core-" + VERSION + ".tgz");
        if (Files.exists(cached) && verified(Files.readAllBytes(cached))) {
            return Files.readAllBytes(cached);
        }
        HttpResponse<byte[]> answer = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create(TARBALL)).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() != 200 || !verified(answer.body())) {
            throw new IOException("the registry answered HTTP " + answer.statusCode() + " or a tarball whose SHA-512 is not the published one");
        }
        Files.createDirectories(cached.getParent());
        Files.write(cached, answer.body());
        return answer.body();
    }

    private static boolean verified(byte[] tarball) {
        try {
            return Arrays.equals(MessageDigest.getInstance("SHA-512").digest(tarball), Base64.getDecoder().decode(SHA512));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One file of a gzipped tar (ustar: 512-byte headers, name at 0, octal size at 124, contents padded to 512). */
    private static String extract(byte[] tgz, String name) throws IOException {
        try (InputStream tar = new GZIPInputStream(new java.io.ByteArrayInputStream(tgz))) {
            byte[] header = new byte[512];
            while (tar.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String entry = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
                byte[] content = tar.readNBytes((int) size);
                tar.skipNBytes((512 - size % 512) % 512);
                if (entry.equals(name)) {
                    return new String(content, StandardCharsets.UTF_8);
                }
            }
        }
        throw new IOException(name + " is not in the tarball");
    }
}
