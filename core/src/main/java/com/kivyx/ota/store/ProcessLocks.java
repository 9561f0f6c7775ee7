package com.kivyx.ota.store;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per lock file for the whole JVM. An OS file lock (fcntl) belongs to the process, not
 * to a thread or a channel: two threads of one JVM that each open the lock file both "hold" it,
 * and closing any channel on the file drops the process's lock. Java 17's bookkeeping of that
 * does not keep {@link DirectoryStore} instances on the same root apart (lost updates were seen),
 * so threads first take this lock and only then the file lock, which still keeps other processes
 * out. This is deliberately JVM-wide state: it stands for a resource the OS gives per process.
 */
final class ProcessLocks {
  private static final ConcurrentMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private ProcessLocks() {}

  /** The lock for {@code lockFile}; the same object for every path that names the same file. */
  static ReentrantLock forFile(Path lockFile) {
    return LOCKS.computeIfAbsent(canonical(lockFile), p -> new ReentrantLock());
  }

  private static Path canonical(Path lockFile) {
    Path absolute = lockFile.toAbsolutePath().normalize();
    try {
      // The lock directory exists by now; resolving it makes symlinked roots share one lock.
      return absolute.getParent().toRealPath().resolve(absolute.getFileName());
    } catch (java.io.IOException e) {
      return absolute;
    }
  }
}
