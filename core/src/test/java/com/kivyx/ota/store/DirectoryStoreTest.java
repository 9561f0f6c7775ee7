package com.kivyx.ota.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStoreTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void immutableObjectsAreWrittenOnceAndCheckedAfter() throws Exception {
    DirectoryStore store = new DirectoryStore(dir);
    String key = "apps/a/blobs/sha256/" + Sha256.hex(bytes("hello"));
    store.putImmutable(key, bytes("hello"), "text/plain");
    store.putImmutable(key, bytes("hello"), "text/plain"); // same bytes again: fine
    assertThat(store.read(key).orElseThrow().bytes()).isEqualTo(bytes("hello"));
    Files.writeString(dir.resolve(key), "tampered");
    assertThatThrownBy(() -> store.putImmutable(key, bytes("hello"), "text/plain")).isInstanceOf(BlobMismatchException.class);
  }

  @Test
  void aFileThatDoesNotMatchItsHashNeverReachesItsFinalPath() throws Exception {
    DirectoryStore store = new DirectoryStore(dir);
    Path source = dir.resolve("source.bin");
    Files.writeString(source, "actual content");
    String key = "apps/a/blobs/sha256/" + "0".repeat(64);
    assertThatThrownBy(() -> store.putImmutable(key, source, "0".repeat(64), "application/octet-stream"))
        .isInstanceOf(BlobMismatchException.class);
    assertThat(store.exists(key)).isFalse();
    try (Stream<Path> files = Files.walk(dir.resolve("apps"))) {
      assertThat(files.filter(Files::isRegularFile).toList()).as("no temp file left behind").isEmpty();
    }
  }

  @Test
  void compareAndSwapRefusesAStaleVersion() {
    CompareAndSwapChecks.refusesStaleVersions(new DirectoryStore(dir));
  }

  @Test
  void keysCannotLeaveTheRoot() {
    DirectoryStore store = new DirectoryStore(dir);
    for (String key : new String[] {"../escape", "apps/../../x", "/etc/passwd", "apps/a b", "apps\\x", "apps/.kivyx-locks/x", ""}) {
      assertThatThrownBy(() -> store.read(key)).as(key).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void listsKeysUnderAPrefix() {
    DirectoryStore store = new DirectoryStore(dir);
    store.putImmutable("apps/a/android/releases/r1.json", bytes("1"), "application/json");
    store.putImmutable("apps/a/android/releases/r2.json", bytes("2"), "application/json");
    store.putImmutable("apps/a/ios/releases/r3.json", bytes("3"), "application/json");
    assertThat(store.list("apps/a/android/releases/")).containsExactlyInAnyOrder("apps/a/android/releases/r1.json", "apps/a/android/releases/r2.json");
    assertThat(store.list("apps/none/")).isEmpty();
  }
}
