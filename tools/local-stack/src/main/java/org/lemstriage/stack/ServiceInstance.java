package org.lemstriage.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One instance of a service (ingest, classifier, notifier, read-side; {@code NAME-2} a second instance beside the first)
 * from its packaged quarkus-app, listening on {@code host:port}, with the properties that wire it.
 */
public record ServiceInstance(String name, String service, String java, String host, int port, List<String> jvmOptions,
                              Map<String, String> properties, Path jar) implements Component {

    public ServiceInstance {
        jvmOptions = List.copyOf(jvmOptions);
        properties = Map.copyOf(properties);
    }

    /** The service an instance name belongs to: {@code ingest-2} is ingest's second. */
    public static String serviceOf(String instance) {
        return instance.endsWith("-2") ? instance.substring(0, instance.length() - 2) : instance;
    }

    /** The command line: {@code java -Dlemstriage.component=NAME HEAP -Dquarkus.http.* -Dk=v... -jar quarkus-run.jar}. */
    public List<String> command() {
        return launch().command();
    }

    @Override
    public Launch launch() {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Dquarkus.http.host=" + host);
        options.add("-Dquarkus.http.port=" + port);
        properties.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(p -> options.add("-D" + p.getKey() + "=" + p.getValue()));
        options.addAll(List.of("-jar", jar.toString()));
        Launch launch = Launch.java(name, java, port, options);
        String mllp = properties.get("lemstriage.mllp.port");
        return mllp == null ? launch : launch.withPort(name.endsWith("-2") ? "mllp-2" : "mllp", Integer.parseInt(mllp));
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    @Override
    public Readiness readiness(long logFrom) {
        return Readiness.http(baseUrl() + "/q/health/ready");
    }
}
