package org.myelin.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads one URL into a new file with {@link HttpClient}, bounded three ways: a connect timeout, a read timeout
 * (the longest wait for the response or for the next bytes of the body) and a total time, and a size cap checked
 * against the declared length before the body is read and against the bytes as they arrive. Every failure is one
 * line that starts with the URL.
 */
class HttpDownload { // not final: the tests count the requests of a subclass
    /** How often the waiting thread looks at the time since the last bytes arrived. */
    private static final long POLL_MILLIS = 50;

    private final HttpClient client;
    private final Duration readTimeout;
    private final Duration totalTimeout;

    /**
     * @param connectTimeout the longest wait for a connection
     * @param readTimeout    the longest wait for the response headers, and then between two parts of the body
     * @param totalTimeout   the longest one download may take, however steadily the bytes come
     */
    HttpDownload(Duration connectTimeout, Duration readTimeout, Duration totalTimeout) {
        for (Duration d : List.of(connectTimeout, readTimeout, totalTimeout)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("HttpDownload: timeouts must be positive, was " + d);
            }
        }
        this.readTimeout = readTimeout;
        this.totalTimeout = totalTimeout;
        // The system proxy settings (-Dhttps.proxyHost) apply, as they would to any Java download.
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(ProxySelector.getDefault())
                .build();
    }

    /**
     * Writes the body of a 200 response from {@code uri} into {@code file}, which must not exist.
     *
     * @throws IOException starting with the URL: no connection, a status other than 200, a timeout, more than
     *                     {@code maxBytes} bytes; {@code file} may then hold part of the body
     */
    void get(URI uri, Path file, long maxBytes) throws IOException {
        HttpRequest request =
                HttpRequest.newBuilder(uri).timeout(readTimeout).GET().build();
        long start = System.nanoTime();
        AtomicLong lastBytes = new AtomicLong(start);
        try (FileChannel out = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileBody body = new FileBody(uri, out, maxBytes, lastBytes);
            CompletableFuture<HttpResponse<Long>> response = client.sendAsync(request, info -> {
                if (info.statusCode() != 200) {
                    return new Refused();
                }
                long declared =
                        info.headers().firstValueAsLong("content-length").orElse(-1);
                if (declared > maxBytes) {
                    body.fail(new IOException(
                            uri + ": declares " + declared + " bytes, more than the " + maxBytes + " accepted"));
                }
                return body;
            });
            while (true) {
                try {
                    HttpResponse<Long> r = response.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (r.statusCode() != 200) {
                        throw new IOException(uri + ": HTTP status " + r.statusCode() + ", expected 200");
                    }
                    return;
                } catch (TimeoutException e) {
                    long now = System.nanoTime();
                    String late = now - lastBytes.get() > readTimeout.toNanos()
                            ? "no data for " + describe(readTimeout) + " (read timeout)"
                            : now - start > totalTimeout.toNanos()
                                    ? "not finished after " + describe(totalTimeout)
                                    : null;
                    if (late != null) {
                        body.fail(new IOException(uri + ": " + late));
                        response.cancel(true);
                        throw new IOException(uri + ": " + late);
                    }
                } catch (ExecutionException e) {
                    throw describe(uri, e.getCause());
                } catch (InterruptedException e) {
                    body.fail(new InterruptedIOException("interrupted"));
                    response.cancel(true);
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException(uri + ": interrupted while downloading");
                }
            }
        }
    }

    /** The one-line error for what ended a request: our own messages as they are, the client's explained. */
    private IOException describe(URI uri, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof IOException
                    && t.getMessage() != null
                    && t.getMessage().startsWith(uri + ": ")) {
                return (IOException) t;
            }
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new NoConnection(uri + ": no connection within the connect timeout", cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new IOException(uri + ": no response within " + describe(readTimeout) + " (read timeout)", cause);
        }
        if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
            return new NoConnection(uri + ": cannot connect (" + cause + ")", cause);
        }
        String what =
                cause instanceof IOException && cause.getMessage() != null ? cause.getMessage() : cause.toString();
        return new IOException(uri + ": " + what, cause);
    }

    /** The host could not be reached at all: later requests to it would fail the same way. */
    static final class NoConnection extends IOException {
        NoConnection(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** Drops the body of a response that is not a 200 without reading it. */
    private static final class Refused implements BodySubscriber<Long> {
        private final CompletableFuture<Long> result = new CompletableFuture<>();

        @Override
        public CompletionStage<Long> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.cancel();
            result.complete(-1L);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {}

        @Override
        public void onError(Throwable throwable) {
            result.complete(-1L);
        }

        @Override
        public void onComplete() {
            result.complete(-1L);
        }
    }

    /** Writes the body to a file, one part at a time, and stops at the size cap or when told to. */
    private static final class FileBody implements BodySubscriber<Long> {
        private final URI uri;
        private final FileChannel out;
        private final long maxBytes;
        private final AtomicLong lastBytes;
        private final CompletableFuture<Long> result = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private long written;

        FileBody(URI uri, FileChannel out, long maxBytes, AtomicLong lastBytes) {
            this.uri = uri;
            this.out = out;
            this.maxBytes = maxBytes;
            this.lastBytes = lastBytes;
        }

        /** Ends the download with {@code e}, whatever state it is in. */
        void fail(IOException e) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            result.completeExceptionally(e);
        }

        @Override
        public CompletionStage<Long> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> parts) {
            if (result.isDone()) {
                return;
            }
            try {
                for (ByteBuffer b : parts) {
                    if (written + b.remaining() > maxBytes) {
                        fail(new IOException(uri + ": more than " + maxBytes + " bytes, the most accepted"));
                        return;
                    }
                    while (b.hasRemaining()) {
                        written += out.write(b);
                    }
                }
            } catch (IOException e) {
                fail(new IOException(uri + ": cannot write the download (" + e.getMessage() + ")", e));
                return;
            }
            lastBytes.set(System.nanoTime());
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(written);
        }
    }
}
