package org.lemstriage.stack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** When a component is ready: a URL answering 200, a port taking connections, or a line in its log. */
public interface Readiness {
    HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    boolean ready();

    /** What is awaited, for the user: a URL, an address. */
    String what();

    static Readiness http(String url) {
        return new Readiness() {
            @Override
            public boolean ready() {
                return status(url) == 200;
            }

            @Override
            public String what() {
                return url;
            }
        };
    }

    static Readiness port(int port) {
        return new Readiness() {
            @Override
            public boolean ready() {
                return listening(port);
            }

            @Override
            public String what() {
                return "localhost:" + port;
            }
        };
    }

    /** A line containing {@code text} written to {@code log} after byte {@code from} (this start's lines only). */
    static Readiness logLine(Path log, long from, String text, String what) {
        return new Readiness() {
            @Override
            public boolean ready() {
                try (var in = Files.newInputStream(log)) {
                    in.skipNBytes(Math.min(from, Files.size(log)));
                    return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).contains(text);
                } catch (IOException notYet) {
                    return false;
                }
            }

            @Override
            public String what() {
                return what;
            }
        };
    }

    /** The URL's HTTP status, 0 if nothing answered. */
    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
