package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.crds.FileSourceSpec;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.store.Sha256;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code examples/} work as written with {@code demo --kubernetes}: every file they pin is served with those bytes. */
class SampleBuildsTest {
  private static final Path EXAMPLES = Path.of(System.getProperty("kivyx.repo.dir", "..")).resolve("examples");

  @Test
  void theExampleReleasesPinExactlyTheFilesTheDemoServes() throws Exception {
    List<FileSourceSpec> pinned = new ArrayList<>();
    for (String name : List.of("release-1-0-0.yaml", "release-1-0-1.yaml")) {
      try (InputStream in = Files.newInputStream(EXAMPLES.resolve(name))) {
        Release release = Serialization.unmarshal(in, Release.class);
        pinned.add(release.getSpec().bundle());
        if (release.getSpec().assets() != null) {
          pinned.addAll(release.getSpec().assets());
        }
      }
    }
    Map<String, FileSourceSpec> byPath = pinned.stream().collect(Collectors.toMap(f -> f.url().substring(SampleBuilds.EXAMPLES_BASE.length()), f -> f));
    assertThat(pinned).allSatisfy(f -> assertThat(f.url()).startsWith(SampleBuilds.EXAMPLES_BASE));
    assertThat(byPath.keySet()).containsExactlyInAnyOrderElementsOf(SampleBuilds.FILES.keySet());
    byPath.forEach((path, file) -> {
      byte[] bytes = SampleBuilds.FILES.get(path);
      assertThat(file.sha256()).as(path).isEqualTo(Sha256.hex(bytes));
      assertThat(file.size()).as(path).isEqualTo(bytes.length);
    });
  }

  @Test
  void servesEachFileOnLoopbackAndNothingElse() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (SampleBuilds builds = new SampleBuilds(0)) {
      assertThat(builds.baseUrl()).startsWith("http://127.0.0.1:");
      for (var file : SampleBuilds.FILES.entrySet()) {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(builds.baseUrl() + file.getKey())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(file.getValue());
      }
      HttpResponse<byte[]> missing = http.send(HttpRequest.newBuilder(URI.create(builds.baseUrl() + "builds/102/index.android.bundle")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(missing.statusCode()).isEqualTo(404);
    }
  }
}
