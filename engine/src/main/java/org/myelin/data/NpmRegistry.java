package org.myelin.data;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Checks, before npm is asked for a package, that its registry answers a TCP connection within a short time. npm
 * itself retries a failing request with back-offs of up to a minute and has no connect timeout of its own, so an
 * unreachable registry would otherwise cost minutes before any message.
 */
final class NpmRegistry {
    /** How long a connection to the registry may take before the fetch is given up. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** npm options that keep its own retries short (npm's defaults wait 10 s, then 60 s, between tries). */
    static final List<String> QUICK_RETRIES =
            List.of("--fetch-retries=1", "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=5000");

    private NpmRegistry() {}

    /**
     * Asks {@code npm} for its registry and proxies and, unless a proxy is set (npm then connects through it),
     * requires the registry's host to accept a connection within {@link #CONNECT_TIMEOUT}.
     *
     * @param npm     the npm command
     * @param advice  what the user can do instead, appended to the message
     * @throws IOException naming the registry and what failed, with the advice
     */
    static void requireReachable(String npm, String advice) throws IOException {
        Map<String, String> config = config(npm, advice);
        String registry = config.getOrDefault("registry", "https://registry.npmjs.org/");
        if (isSet(config.get("https-proxy")) || isSet(config.get("proxy"))) {
            return;
        }
        requireReachable(URI.create(registry), CONNECT_TIMEOUT, advice);
    }

    /** Requires {@code registry}'s host and port to accept a TCP connection within {@code timeout}. */
    static void requireReachable(URI registry, Duration timeout, String advice) throws IOException {
        String host = registry.getHost();
        if (host == null) {
            throw new IOException("the npm registry '" + registry + "' is not a URL with a host; " + advice);
        }
        int port = registry.getPort() >= 0 ? registry.getPort() : "http".equals(registry.getScheme()) ? 80 : 443;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        } catch (IOException e) {
            throw new IOException(
                    "cannot reach the npm registry " + registry + " (" + host + ":" + port + ": " + e.getMessage()
                            + ", after at most " + timeout.toSeconds() + " s); " + advice,
                    e);
        }
    }

    /** Whether an executable {@code command} is in one of the PATH's directories (no process is started). */
    static boolean isOnPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                try {
                    java.nio.file.Path p = java.nio.file.Path.of(dir, command);
                    if (java.nio.file.Files.isRegularFile(p) && java.nio.file.Files.isExecutable(p)) {
                        return true;
                    }
                } catch (java.nio.file.InvalidPathException e) {
                    // A malformed PATH entry holds no npm.
                }
            }
        }
        return false;
    }

    private static boolean isSet(String v) {
        return v != null && !v.isBlank() && !v.equals("null") && !v.equals("undefined");
    }

    /** {@code npm config get registry https-proxy proxy}, as key -> value. */
    private static Map<String, String> config(String npm, String advice) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(npm, "config", "get", "registry", "https-proxy", "proxy")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IOException(
                    "could not run '" + npm + "' (" + e.getMessage() + "); install Node.js so that npm is"
                            + " on the PATH, or " + advice,
                    e);
        }
        p.getOutputStream().close();
        String out;
        try {
            // A local command: it reads npm's configuration files, no network.
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + npm + " config get registry' did not answer within 30 s; " + advice);
            }
            out = new String(p.getInputStream().readNBytes(1 << 16), StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking npm for its registry", e);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return m;
    }
}
