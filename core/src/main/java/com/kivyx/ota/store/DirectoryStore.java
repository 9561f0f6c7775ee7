package com.kivyx.ota.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A store in a local directory, the embedded default. Every write goes to a temporary file
 * beside its target, is flushed to disk, and is renamed into place atomically, so a final
 * path never holds a half-written file. The index is swapped under a lock held by one thread of
 * the JVM ({@link ProcessLocks}) and, inside it, a file lock that keeps other processes out.
 */
public final class DirectoryStore implements ArtifactStore {
  private static final String LOCK_DIR = ".kivyx-locks";
  private static final String TEMP_MARK = ".tmp-";

  private final Path root;

  public DirectoryStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw new StoreException("cannot create the store directory " + this.root + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }

  /** The file that holds {@code key}; the key is checked so it cannot point outside the root. */
  public Path fileFor(String key) {
    return root.resolve(StoreKeys.requireSafe(key));
  }

  @Override
  public Optional<StoredObject> read(String key) {
    Path file = fileFor(key);
    try {
      byte[] bytes = Files.readAllBytes(file);
      return Optional.of(new StoredObject(bytes, Sha256.hex(bytes)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(fileFor(key));
  }

  @Override
  public void putImmutable(String key, Path source, String sha256, String contentType) {
    Path target = fileFor(key);
    if (Files.exists(target)) {
      requireSameContent(target, sha256);
      return;
    }
    try (InputStream in = Files.newInputStream(source)) {
      writeAtomically(target, in, Optional.of(sha256));
    } catch (IOException e) {
      throw new StoreException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void putImmutable(String key, byte[] content, String contentType) {
    Path target = fileFor(key);
    String sha256 = Sha256.hex(content);
    if (Files.exists(target)) {
      requireSameContent(target, sha256);
      return;
    }
    try {
      writeAtomically(target, new java.io.ByteArrayInputStream(content), Optional.of(sha256));
    } catch (IOException e) {
      throw new StoreException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean compareAndSwap(String key, byte[] content, Optional<String> expectedEtag, String contentType) {
    Path target = fileFor(key);
    Path lockFile = lockFileFor(key);
    ReentrantLock inThisJvm = ProcessLocks.forFile(lockFile);
    inThisJvm.lock();
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock acrossProcesses = channel.lock()) {
      Optional<String> current = read(key).map(StoredObject::etag);
      if (!current.equals(expectedEtag)) {
        return false;
      }
      writeAtomically(target, new java.io.ByteArrayInputStream(content), Optional.empty());
      return true;
    } catch (IOException e) {
      throw new StoreException("cannot replace " + target + ": " + e.getMessage(), e);
    } finally {
      inThisJvm.unlock();
    }
  }

  @Override
  public List<String> list(String prefix) {
    int slash = prefix.lastIndexOf('/');
    Path dir = slash < 0 ? root : root.resolve(StoreKeys.requireSafe(prefix.substring(0, slash)));
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(Files::isRegularFile)
          .map(f -> root.relativize(f).toString().replace('\\', '/'))
          .filter(k -> k.startsWith(prefix) && StoreKeys.isSafe(k))
          .forEach(keys::add);
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return keys;
  }

  @Override
  public String describe() {
    return "dir:" + root;
  }

  private void requireSameContent(Path existing, String sha256) {
    String actual = Sha256.hex(existing);
    if (!actual.equals(sha256)) {
      throw new BlobMismatchException(
          existing + " already exists with SHA-256 " + actual + ", not " + sha256
              + "; immutable objects never change, so the store may be corrupted");
    }
  }

  /** Temp file beside the target, fsync, atomic rename, fsync of the directory. */
  private void writeAtomically(Path target, InputStream content, Optional<String> expectedSha256) throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve("." + target.getFileName() + TEMP_MARK + UUID.randomUUID());
    try {
      MessageDigest digest = Sha256.newDigest();
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = new DigestOutputStream(java.nio.channels.Channels.newOutputStream(channel), digest)) {
        content.transferTo(out);
        out.flush();
        channel.force(true);
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (expectedSha256.isPresent() && !expectedSha256.get().equals(actual)) {
        throw new BlobMismatchException(
            "content for " + target + " has SHA-256 " + actual + ", expected " + expectedSha256.get());
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new StoreException("the file system under " + root + " cannot rename atomically; use a local disk", e);
      }
      forceDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the rename itself is still atomic.
    }
  }

  private Path lockFileFor(String key) {
    Path lockDir = root.resolve(LOCK_DIR);
    try {
      Files.createDirectories(lockDir);
    } catch (IOException e) {
      throw new StoreException("cannot create the lock directory " + lockDir + ": " + e.getMessage(), e);
    }
    return lockDir.resolve(Sha256.hex(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ".lock");
  }
}
