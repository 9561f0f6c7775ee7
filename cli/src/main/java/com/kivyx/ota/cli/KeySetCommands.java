package com.kivyx.ota.cli;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.format.KeySet.RootKey;
import com.kivyx.ota.format.KeySet.SigningKey;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.keys.KeySetChanges;
import com.kivyx.ota.keys.KeySetLoader;
import com.kivyx.ota.keys.KeySetPublisher;
import com.kivyx.ota.keys.KeySetRejectedException;
import com.kivyx.ota.keys.KeySetVerifier;
import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.publish.ManifestResigner;
import com.kivyx.ota.publish.Progress;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kivyx-ota keys root|rotate|revoke|resign}: the app's signed key set (docs/formats.md
 * "Key sets"). The root key signs key sets; the signing keys it lists sign indexes and manifests.
 * Every command prints the key set it published (its JSON) on stdout.
 */
final class KeySetCommands {
  private KeySetCommands() {}

  /** Publishes {@code next} after {@code previous} and prints it. */
  static Integer publish(CommandSpec spec, ArtifactStore store, Optional<KeySet> previous, KeySet next, Signer root) {
    new KeySetPublisher(store).publish(previous, next, root);
    spec.commandLine().getErr().println("  key set version " + next.version() + " of " + next.appId() + " signed by " + root.kid()
        + ", expires " + next.expiresAt() + " (" + store.describe() + ")");
    spec.commandLine().getErr().flush();
    spec.commandLine().getOut().println(new String(new Documents().write(next), StandardCharsets.UTF_8));
    return 0;
  }

  static List<SigningKey> signingKeys(List<String> files, Instant notBefore, Duration validity) {
    List<SigningKey> keys = new ArrayList<>();
    PublicKeyFiles.read(files).forEach((kid, key) -> keys.add(
        new SigningKey(kid, P256.rawHex(key), notBefore.toString(), notBefore.plus(validity).toString())));
    return keys;
  }

  static List<RootKey> rootKeys(Map<String, ECPublicKey> keys) {
    List<RootKey> roots = new ArrayList<>();
    keys.forEach((kid, key) -> roots.add(new RootKey(kid, P256.rawHex(key))));
    return roots;
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  static void validateValidity(Duration validity) {
    if (validity.compareTo(Duration.ofHours(1)) < 0) {
      throw new Cli.UsageError("--validity must be at least 1h, got " + validity);
    }
  }

  static Instant parseTime(String option, String value) {
    try {
      return Instant.parse(value).truncatedTo(ChronoUnit.SECONDS);
    } catch (DateTimeParseException e) {
      throw new Cli.UsageError(option + " must be an RFC 3339 UTC time like 2026-11-27T10:00:00Z, got '" + value + "'");
    }
  }

  /** {@code ios/production} → the channel of {@code appId}. */
  static ChannelId channel(String appId, String spec) {
    int slash = spec.indexOf('/');
    try {
      return new ChannelId(appId, Platform.of(slash < 0 ? "" : spec.substring(0, slash)), spec.substring(slash + 1));
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageError("--resign-channel must be PLATFORM/CHANNEL like ios/production, got '" + spec + "': " + e.getMessage());
    }
  }

  /** Re-signs a channel's live manifests and its index with {@code signer}, building on an index signed by any of {@code trusted}. */
  static IndexUpdate resign(ArtifactStore store, Signer signer, Map<String, ECPublicKey> trusted, ChannelId id, Duration ttl, Progress progress) {
    return new ChannelIndexUpdater(store, signer, trusted, Clock.systemUTC(), ttl, progress)
        .apply(id, new ManifestResigner(store, signer, progress).resignAll());
  }

  /** Refuses a signer the key set does not accept now: devices would refuse everything it signs. */
  static void requireAccepted(KeySet keySet, Signer signer, Instant now) {
    SigningKey entry = keySet.keys().stream().filter(k -> k.kid().equals(signer.kid())).findFirst()
        .orElseThrow(() -> new Cli.UsageError("key '" + signer.kid() + "' is not in key set version " + keySet.version() + "; add it with 'kivyx-ota keys rotate' first"));
    if (!entry.publicKey().equals(signer.publicKey())) {
      throw new Cli.UsageError("key set version " + keySet.version() + " lists another public key under kid '" + signer.kid() + "'");
    }
    if (!entry.validAt(now)) {
      throw new Cli.UsageError("key '" + signer.kid() + "' is outside its window [" + entry.notBefore() + ", " + entry.notAfter() + ") now");
    }
  }

  @Command(
      name = "root",
      mixinStandardHelpOptions = true,
      description = "Create and sign the app's key set with the root key: init (version 1), renew (fresh expiry), rotate-root (hand over to new roots).",
      subcommands = {Init.class, Renew.class, RotateRoot.class})
  static final class Root {}

  @Command(name = "init", mixinStandardHelpOptions = true, description = "Sign key set version 1: the --root-key as root, the --signing-pubkey keys valid from now.")
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Mixin RootKeyOptions root;

    @Option(names = "--signing-pubkey", required = true, paramLabel = "[KID=]FILE", description = "A key that signs indexes and manifests: .pub.pem or the JSON of 'keys show' (repeatable).")
    List<String> signingKeys;

    @Option(names = "--validity", paramLabel = "DURATION", converter = Durations.class, description = "How long each signing key is valid from now (default: 365d).")
    Duration validity = Duration.ofDays(365);

    @Override
    public Integer call() {
      root.validate();
      validateValidity(validity);
      Instant now = now();
      List<SigningKey> keys = signingKeys(signingKeys, now, validity);
      Signer rootSigner = root.openRoot();
      KeySet first = KeySetChanges.initial(root.appId, rootKeys(Map.of(rootSigner.kid(), rootSigner.publicKey())), keys, now, root.expiresIn);
      try (ArtifactStore target = store.open()) {
        return publish(spec, target, Optional.empty(), first, rootSigner);
      }
    }
  }

  @Command(name = "renew", mixinStandardHelpOptions = true, description = "Sign the next version with the same roots and keys and a fresh expiry (also after it expired).")
  static final class Renew implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Mixin RootKeyOptions root;

    @Override
    public Integer call() {
      root.validate();
      Signer rootSigner = root.openRoot();
      try (ArtifactStore target = store.open()) {
        KeySet current = root.current(target, rootSigner);
        return publish(spec, target, Optional.of(current), KeySetChanges.renew(current, now(), root.expiresIn), rootSigner);
      }
    }
  }

  @Command(
      name = "rotate-root",
      mixinStandardHelpOptions = true,
      description = {"Hand over to new root keys: the next version lists them as roots and is signed by the current --root-key;",
          "versions after it must be signed by a new root. Devices that missed versions walk the chain (keys/<v>.cose)."})
  static final class RotateRoot implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Mixin RootKeyOptions root;

    @Option(names = "--new-root-pubkey", required = true, paramLabel = "[KID=]FILE", description = "A new root public key (repeatable).")
    List<String> newRoots;

    @Override
    public Integer call() {
      root.validate();
      Map<String, ECPublicKey> roots = PublicKeyFiles.read(newRoots);
      Signer rootSigner = root.openRoot();
      try (ArtifactStore target = store.open()) {
        KeySet current = root.current(target, rootSigner);
        return publish(spec, target, Optional.of(current), KeySetChanges.replaceRoots(current, rootKeys(roots), now(), root.expiresIn), rootSigner);
      }
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description = {"Add a new signing key to the key set. The old keys stay valid until their windows end (or --retire-after);",
          "sign with the new key from now on and re-sign live releases ('keys resign') before the old window ends."})
  static final class Rotate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Mixin RootKeyOptions root;

    @Option(names = "--new-pubkey", required = true, paramLabel = "[KID=]FILE", description = "The new signing key: .pub.pem or the JSON of 'keys show'.")
    String newKey;

    @Option(names = "--not-before", paramLabel = "TIME", description = "When the new key's window starts (default: now).")
    String notBefore;

    @Option(names = "--validity", paramLabel = "DURATION", converter = Durations.class, description = "How long the new key is valid (default: 365d).")
    Duration validity = Duration.ofDays(365);

    @Option(names = "--retire", paramLabel = "KID", description = "An old key whose window ends --retire-after from now (never later than it did).")
    String retire;

    @Option(names = "--retire-after", paramLabel = "DURATION", converter = Durations.class, description = "With --retire: how long the old key stays valid (default: 7d).")
    Duration retireAfter = Duration.ofDays(7);

    @Override
    public Integer call() {
      root.validate();
      validateValidity(validity);
      Instant now = now();
      Instant start = notBefore == null ? now : parseTime("--not-before", notBefore);
      List<SigningKey> added = signingKeys(List.of(newKey), start, validity);
      Signer rootSigner = root.openRoot();
      try (ArtifactStore target = store.open()) {
        KeySet current = root.current(target, rootSigner);
        if (retire != null && current.keys().stream().noneMatch(k -> k.kid().equals(retire))) {
          throw new Cli.UsageError("--retire: key set version " + current.version() + " has no key '" + retire + "'");
        }
        KeySet next = retire == null
            ? KeySetChanges.addKey(current, added.get(0), now, root.expiresIn)
            : KeySetChanges.rotate(current, added.get(0), retire, now.plus(retireAfter), now, root.expiresIn);
        return publish(spec, target, Optional.of(current), next, rootSigner);
      }
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = {"Publish a key set without a (compromised) signing key: devices refuse everything it signed once they have it.",
          "With --resign-key, also re-sign the live manifests and the index of each --resign-channel with that key."})
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Mixin RootKeyOptions root;

    @Option(names = "--kid", required = true, paramLabel = "KID", description = "The signing key to take out.")
    String kid;

    @Option(names = "--resign-key", paramLabel = "KEYREF", description = "The key that re-signs the channels (must be in the new key set and valid now).")
    String resignKey;

    @Option(names = "--resign-kid", paramLabel = "NAME", description = "Its key name (default: file name, variable or KMS key id).")
    String resignKid;

    @Option(names = "--resign-channel", paramLabel = "PLATFORM/CHANNEL", description = "A channel to re-sign, e.g. ios/production (repeatable; needs --resign-key).")
    List<String> channels = new ArrayList<>();

    @Option(names = "--index-ttl", paramLabel = "DURATION", converter = Durations.class, description = "How long the re-signed indexes stay valid (default: 7d).")
    Duration ttl = ChannelIndexUpdater.DEFAULT_TTL;

    @Override
    public Integer call() {
      root.validate();
      if (channels.isEmpty() != (resignKey == null)) {
        throw new Cli.UsageError("--resign-key and --resign-channel go together: give both or neither");
      }
      List<ChannelId> ids = channels.stream().map(c -> channel(root.appId, c)).toList();
      Signer rootSigner = root.openRoot();
      Optional<Signer> resigner = Optional.ofNullable(resignKey).map(ref -> {
        KeyOptions key = new KeyOptions();
        key.keyRef = ref;
        key.kid = resignKid;
        key.kmsEndpoint = root.kmsEndpoint;
        return key.openSigner();
      });
      if (resigner.isPresent() && resigner.get().kid().equals(kid)) {
        throw new Cli.UsageError("--resign-key is the key being revoked ('" + kid + "'); re-sign with a key that stays");
      }
      try (ArtifactStore target = store.open()) {
        KeySet current = root.current(target, rootSigner);
        KeySet next = KeySetChanges.revoke(current, kid, now(), root.expiresIn);
        resigner.ifPresent(s -> requireAccepted(next, s, now()));
        Integer code = publish(spec, target, Optional.of(current), next, rootSigner);
        Progress progress = new ProgressPrinter(spec.commandLine().getErr());
        for (ChannelId id : ids) {
          // Build on the index the revoked key signed: the store (not the key) is the source of truth here.
          IndexUpdate update = resign(target, resigner.get(), current.allSigningKeys(), id, ttl, progress);
          progress.step("channel " + id + ": index version " + update.index().version() + " signed by " + resigner.get().kid());
        }
        return code;
      }
    }
  }

  @Command(
      name = "resign",
      mixinStandardHelpOptions = true,
      description = {"Re-sign a channel's live manifests and its index with --key (after 'keys rotate', before the old key's window",
          "ends). Manifests change content address; the index points at the new ones."})
  static final class Resign implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions store;
    @Mixin KeyOptions key;
    @Mixin ChannelOptions channel;
    @Mixin IndexOptions index;

    @Option(names = "--trust-root", required = true, paramLabel = "[KID=]FILE", description = "Root public key of the app's key set (repeatable): --key must be valid in it.")
    List<String> trustRoots;

    @Override
    public Integer call() {
      ChannelId id = channel.id();
      Map<String, ECPublicKey> roots = PublicKeyFiles.read(trustRoots);
      Map<String, ECPublicKey> extra = PublicKeyFiles.read(index.trusted);
      Signer signer = key.openSigner();
      try (ArtifactStore target = store.open()) {
        Instant now = now();
        KeySet keySet;
        try {
          keySet = new KeySetLoader(target, new KeySetVerifier(id.appId(), roots)).load(Optional.empty(), now);
        } catch (KeySetRejectedException e) {
          throw new Cli.UsageError("the key set cannot be trusted: " + e.getMessage());
        }
        requireAccepted(keySet, signer, now);
        Map<String, ECPublicKey> trusted = new HashMap<>(keySet.allSigningKeys());
        trusted.putAll(extra);
        IndexUpdate update = resign(target, signer, trusted, id, index.ttl, new ProgressPrinter(spec.commandLine().getErr()));
        spec.commandLine().getOut().println("re-signed " + id + ": index version " + update.index().version() + ", "
            + update.index().releases().size() + " release(s), signed by " + signer.kid());
        return 0;
      }
    }
  }
}
