package com.kivyx.ota.server;

import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.verify.DocumentRejectedException;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.PolledObject;
import com.kivyx.ota.store.StoredObject;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channels from an artifact store. Every {@code pollInterval} (and, for a directory store, as
 * soon as the file system reports a change under {@code apps/}) it reads each channel's
 * {@code index.cose} with {@link ArtifactStore#readIfChanged}, so an unchanged S3 object costs
 * a 304 and no transfer. New channels are found by listing the store every {@code
 * discoverInterval} (each scan for a directory: listing it is cheap).
 *
 * <p>All work happens on one background thread; requests only read the snapshot reference.
 */
public final class StoreChannelSource implements ChannelSource {
  private static final Logger log = LoggerFactory.getLogger(StoreChannelSource.class);
  /** Writers land several files at once; wait this long after a file event before scanning. */
  private static final Duration DEBOUNCE = Duration.ofMillis(50);

  /** @param watchRoot the directory store's root, watched for changes; empty for S3 */
  public record Settings(Duration pollInterval, Duration discoverInterval, Optional<Path> watchRoot) {
    public static Settings directory(Path root, Duration rescanInterval) {
      return new Settings(rescanInterval, Duration.ZERO, Optional.of(root));
    }

    public static Settings polled(Duration pollInterval, Duration discoverInterval) {
      return new Settings(pollInterval, discoverInterval, Optional.empty());
    }
  }

  private final ArtifactStore store;
  private final SnapshotBuilder builder;
  private final Settings settings;
  private final SourceListener listener;
  private final Clock clock;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();
  /** ETag of the last index bytes looked at per channel, accepted or not: the same bytes are not checked twice. */
  private final Map<ChannelId, String> seenEtags = new HashMap<>();
  private final Set<ChannelId> reportedMissing = new HashSet<>();
  private Set<ChannelId> knownChannels = new LinkedHashSet<>();
  private Instant nextDiscovery = Instant.MIN;
  private volatile boolean closed;
  private boolean failing;
  private Instant nextFailureLog = Instant.MIN;
  private Thread thread;
  private WatchService watcher;
  private final Set<Path> watched = new HashSet<>();

  public StoreChannelSource(ArtifactStore store, SnapshotBuilder builder, Settings settings, SourceListener listener, Clock clock) {
    this.store = store;
    this.builder = builder;
    this.settings = settings;
    this.listener = listener;
    this.clock = clock;
  }

  @Override
  public void start() {
    if (settings.watchRoot().isPresent()) {
      try {
        watcher = FileSystems.getDefault().newWatchService();
        registerDirectories();
      } catch (IOException e) {
        log.warn("cannot watch {} ({}); rescanning every {} instead", settings.watchRoot().get(), e.getMessage(), settings.pollInterval());
        watcher = null;
      }
    }
    scan();
    thread = new Thread(this::run, "kivyx-ota-source");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public Optional<Snapshot> snapshot() {
    return Optional.ofNullable(current.get());
  }

  @Override
  public String describe() {
    return store.describe();
  }

  /** Log pacing runs on the wall clock, not the (possibly frozen) clock that judges expiry. */
  private static Instant now() {
    return Instant.now();
  }

  private void run() {
    while (!closed) {
      try {
        if (watcher != null) {
          WatchKey key = watcher.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
          if (key != null) {
            drain(key);
            Thread.sleep(DEBOUNCE.toMillis());
            for (WatchKey more; (more = watcher.poll()) != null; ) {
              drain(more);
            }
          }
        } else {
          Thread.sleep(settings.pollInterval().toMillis());
        }
        if (!closed) {
          // Watch new directories before the scan reads them: a file a writer lands after the
          // scan then wakes the next one. The other way round, an index written between the scan
          // and the registration waited for the rescan (30 s) unseen.
          if (watcher != null) {
            registerDirectories();
          }
          scan();
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        log.error("channel source {} failed unexpectedly; still serving the last good snapshot", describe(), e);
      }
    }
  }

  private static void drain(WatchKey key) {
    key.pollEvents();
    key.reset();
  }

  /** Watches {@code apps/} and the app, platform and channel directories under it (not blobs). */
  private void registerDirectories() {
    Path root = settings.watchRoot().orElseThrow();
    Path apps = root.resolve("apps");
    Path top = Files.isDirectory(apps) ? apps : root;
    try (Stream<Path> dirs = Files.walk(top, top == apps ? 3 : 0)) {
      for (Path dir : dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().equals("blobs")).toList()) {
        if (!isUnderBlobs(apps, dir) && watched.add(dir)) {
          dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("cannot watch the directories under {}: {}", top, e.toString());
    }
  }

  private static boolean isUnderBlobs(Path apps, Path dir) {
    if (!dir.startsWith(apps) || apps.relativize(dir).getNameCount() < 2) {
      return false;
    }
    return apps.relativize(dir).getName(1).toString().equals("blobs");
  }

  /** One pass over the store; package-private so tests can drive it without waiting. */
  synchronized void scan() {
    Snapshot before = current.get();
    Map<ChannelId, ChannelSnapshot> channels = new HashMap<>(before == null ? Map.of() : before.channels());
    boolean changed = false;
    try {
      Instant now = clock.instant();
      if (!now.isBefore(nextDiscovery)) {
        Set<ChannelId> found = new LinkedHashSet<>();
        for (String key : store.list("apps/")) {
          StoreLayout.channelOfIndex(key).ifPresent(found::add);
        }
        found.addAll(channels.keySet()); // a vanished index keeps being served from memory
        knownChannels = found;
        nextDiscovery = now.plus(settings.discoverInterval());
      }
      for (ChannelId key : knownChannels) {
        changed |= poll(key, channels);
      }
    } catch (RuntimeException e) {
      listener.failed();
      failing = true;
      if (now().isAfter(nextFailureLog)) { // once a minute while it lasts, not on every poll
        nextFailureLog = now().plus(Duration.ofMinutes(1));
        log.warn("cannot read {}: {}; {}", describe(), e.getMessage(),
            before == null ? "not ready until a scan succeeds" : "still serving the last good snapshot");
      }
      if (!changed) {
        return;
      }
      // channels accepted before the failure are good on their own: serve them
    }
    if (failing) {
      failing = false;
      nextFailureLog = Instant.MIN;
      log.info("{} is readable again", describe());
    }
    if (changed || before == null) {
      Snapshot next = Snapshot.of(channels, clock.instant());
      current.set(next);
      listener.swapped(next);
    }
  }

  private boolean poll(ChannelId key, Map<ChannelId, ChannelSnapshot> channels) {
    PolledObject polled = store.readIfChanged(StoreLayout.index(key), Optional.ofNullable(seenEtags.get(key)));
    switch (polled.status()) {
      case NOT_MODIFIED:
        return false;
      case MISSING:
        if (channels.containsKey(key) && reportedMissing.add(key)) {
          log.warn("{}: index {} is gone from {}; still serving version {}", key, StoreLayout.index(key), describe(), channels.get(key).index().version());
        }
        return false;
      default:
        break;
    }
    reportedMissing.remove(key);
    StoredObject object = polled.object().orElseThrow();
    Optional<ChannelSnapshot> previous = Optional.ofNullable(channels.get(key));
    try {
      ChannelSnapshot next = builder.build(key, object.bytes(), previous, url -> store.read(url).map(StoredObject::bytes));
      seenEtags.put(key, object.etag());
      if (previous.isPresent() && next == previous.get()) {
        return false;
      }
      channels.put(key, next);
      listener.accepted(key, next.index().version());
      log.info("{}: serving index version {} ({} release(s), expires {})", key, next.index().version(), next.index().releases().size(), next.index().expiresAt());
      return true;
    } catch (DocumentRejectedException e) {
      if (!e.reason().retryable()) {
        seenEtags.put(key, object.etag());
      }
      listener.rejected(key, e.reason());
      log.warn("{}{}", e.getMessage(),
          previous.map(p -> "; still serving version " + p.index().version()).orElse("; the channel is not served until a good index appears"));
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    if (thread != null) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
