package org.lemstriage.testsupport;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test CA made with the JDK's keytool (no other tool needed on a fresh machine), and the certificates it issues:
 * each as a PKCS#12 key store (key and chain) and as PEM files (chain, PKCS#8 key), for servers that take either.
 */
public final class CertificateAuthority {
    private final Path dir;
    private final String password;

    private CertificateAuthority(Path dir, String password) {
        this.dir = dir;
        this.password = password;
    }

    /** A new CA named {@code name} in {@code dir}; its key stores use {@code password}. */
    public static CertificateAuthority create(Path dir, String name, String password) throws Exception {
        CertificateAuthority ca = new CertificateAuthority(dir, password);
        ca.keytool("CA key", "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=" + name, "-ext", "bc:c", "-validity", "2",
                "-keystore", "ca.p12");
        ca.keytool("CA certificate", "-exportcert", "-rfc", "-alias", "ca", "-file", "ca.pem", "-keystore", "ca.p12");
        return ca;
    }

    /** The CA's certificate (PEM): what a peer trusts. */
    public Path certificate() {
        return dir.resolve("ca.pem");
    }

    /**
     * A certificate for {@code subject} (e.g. {@code CN=localhost}), with {@code san} as subjectAltName when not null
     * (e.g. {@code dns:localhost}), signed by this CA.
     */
    public Issued issue(String alias, String subject, String san) throws Exception {
        String store = alias + ".p12";
        keytool(alias + " key", "-genkeypair", "-alias", alias, "-keyalg", "EC", "-dname", subject, "-validity", "2", "-keystore", store);
        keytool(alias + " request", "-certreq", "-alias", alias, "-file", alias + ".csr", "-keystore", store);
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-infile", alias + ".csr", "-outfile", alias + "-signed.pem",
                "-rfc", "-validity", "2", "-keystore", "ca.p12"));
        if (san != null) {
            sign.addAll(List.of("-ext", "SAN=" + san));
        }
        keytool(alias + " certificate", sign.toArray(String[]::new));
        keytool("CA into " + store, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
        keytool(alias + " chain", "-importcert", "-noprompt", "-alias", alias, "-file", alias + "-signed.pem", "-keystore", store);
        Issued issued = new Issued(dir.resolve(store), dir.resolve(alias + ".pem"), dir.resolve(alias + "-key.pem"), password);
        KeyStore keys = issued.keyStore();
        Key key = keys.getKey(alias, password.toCharArray());
        StringBuilder chain = new StringBuilder();
        for (Certificate c : keys.getCertificateChain(alias)) {
            chain.append(pem("CERTIFICATE", c.getEncoded()));
        }
        Files.writeString(issued.certificatePem(), chain);
        Files.writeString(issued.keyPem(), pem("PRIVATE KEY", key.getEncoded()));
        return issued;
    }

    /** A TLS client that trusts this CA and presents {@code client}'s certificate, or none when null. */
    public SSLContext clientContext(Issued client) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificate())) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        KeyManagerFactory keys = null;
        if (client != null) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(client.keyStore(), password.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    /** What the CA issued: the PKCS#12 store (key and chain), and the same as PEM files. */
    public record Issued(Path keyStorePath, Path certificatePem, Path keyPem, String password) {
        KeyStore keyStore() throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStorePath)) {
                store.load(in, password.toCharArray());
            }
            return store;
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void keytool(String what, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", password));
        Path log = dir.resolve("keytool.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("certificate set-up failed at: " + what + "; see " + log);
        }
    }
}
