package com.kivyx.ota.cli;

import com.kivyx.ota.expo.ExpoCodeSigning;
import com.kivyx.ota.expo.ExpoKeys;
import com.kivyx.ota.format.Documents;
import java.time.Duration;
import java.time.Instant;
import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.signing.Signer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kivyx-ota keys}: create signing keys and show the public half that clients pin. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "Create P-256 signing keys and show the public key clients pin; sign, rotate and revoke the app's key set.",
    subcommands = {
      KeysCommand.Generate.class,
      KeysCommand.Show.class,
      KeySetCommands.Root.class,
      KeySetCommands.Rotate.class,
      KeySetCommands.Revoke.class,
      KeySetCommands.Resign.class
    })
final class KeysCommand {
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** The line both subcommands print: what a client needs to pin this key. */
  static String pinJson(String kid, ECPublicKey key) {
    Documents documents = new Documents();
    return new String(
        CanonicalJson.write(documents.mapper().createObjectNode().put("kid", kid).put("publicKeyHex", P256.rawHex(key))),
        StandardCharsets.UTF_8);
  }

  @Command(
      name = "generate",
      mixinStandardHelpOptions = true,
      description = "Write NAME.key.pem (PKCS#8, mode 0600) and NAME.pub.pem into DIR and print {kid, publicKeyHex}.")
  static final class Generate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the key files (created if missing).")
    Path out;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Key name: the kid, and the file name prefix.")
    String name;

    @Option(names = "--force", description = "Overwrite existing key files (the old private key is lost).")
    boolean force;

    @Option(
        names = "--expo",
        description = {
          "Make an Expo code-signing key instead: NAME.key.pem (RSA 2048, PKCS#8) and NAME.cert.pem, a self-signed",
          "certificate (key usage digitalSignature, EKU codeSigning) for the app's updates.codeSigningCertificate."
        })
    boolean expo;

    @Option(names = "--validity-years", paramLabel = "N", description = "With --expo: years the certificate is valid (default: 10).")
    int validityYears = 10;

    @Override
    public Integer call() throws Exception {
      if (!FILE_NAME.matcher(name).matches()) {
        throw new Cli.UsageError("--name must be 1-128 letters, digits, '.', '_' or '-' (it names the files), got '" + name + "'");
      }
      if (validityYears < 1 || validityYears > 100) {
        throw new Cli.UsageError("--validity-years must be 1-100, got " + validityYears);
      }
      if (expo) {
        return generateExpo();
      }
      KeyPair pair = writeNewKey(out, name, force);
      Path privateFile = out.resolve(name + ".key.pem");
      Path publicFile = out.resolve(name + ".pub.pem");
      PrintWriter err = spec.commandLine().getErr();
      err.println("wrote " + privateFile + " (keep it secret) and " + publicFile);
      err.flush();
      spec.commandLine().getOut().println(pinJson(name, (ECPublicKey) pair.getPublic()));
      return 0;
    }

    private Integer generateExpo() throws IOException {
      ExpoKeys.Generated generated = ExpoKeys.generate(name, Duration.ofDays(365L * validityYears), Instant.now());
      Files.createDirectories(out);
      Path privateFile = out.resolve(name + ".key.pem");
      Path certificateFile = out.resolve(name + ".cert.pem");
      if (!force && Files.exists(certificateFile)) {
        throw new Cli.UsageError(certificateFile + " already exists; choose another --name or pass --force to replace it");
      }
      writePrivate(privateFile, generated.privateKeyPem(), force);
      Files.writeString(certificateFile, generated.certificatePem(), StandardCharsets.US_ASCII);
      PrintWriter err = spec.commandLine().getErr();
      err.println("wrote " + privateFile + " (keep it secret; publish --expo-key) and " + certificateFile + " (the app's updates.codeSigningCertificate)");
      err.flush();
      Documents documents = new Documents();
      spec.commandLine().getOut().println(
          new String(
              CanonicalJson.write(
                  documents.mapper().createObjectNode()
                      .put("alg", ExpoCodeSigning.ALG)
                      .put("certificate", certificateFile.toString())
                      .put("keyid", name)
                      .put("notAfter", generated.certificate().getNotAfter().toInstant().toString())),
              StandardCharsets.UTF_8));
      return 0;
    }
  }

  /** Generates a P-256 key pair and writes DIR/NAME.key.pem (mode 0600) and DIR/NAME.pub.pem. */
  static KeyPair writeNewKey(Path out, String name, boolean force) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Files.createDirectories(out);
    writePrivate(out.resolve(name + ".key.pem"), PemKeys.privateKeyPem((ECPrivateKey) pair.getPrivate()), force);
    Files.writeString(out.resolve(name + ".pub.pem"), PemKeys.publicKeyPem((ECPublicKey) pair.getPublic()), StandardCharsets.US_ASCII);
    return pair;
  }

  /** The private key file is created with mode 0600, never readable by others even briefly. */
  private static void writePrivate(Path file, String pem, boolean force) throws IOException {
    if (force) {
      Files.deleteIfExists(file);
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      throw new Cli.UsageError(file + " already exists; choose another --name or pass --force to replace it");
    } catch (UnsupportedOperationException e) {
      Files.createFile(file); // not a POSIX file system
    }
    Files.writeString(file, pem, StandardCharsets.US_ASCII);
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print {kid, publicKeyHex} for an existing key: a private or public PEM file, env:VAR, or kms:KEY_ID.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin KeyOptions key;

    @Override
    public Integer call() throws Exception {
      Path file = Path.of(key.keyRef);
      if (!key.keyRef.contains(":") && Files.isRegularFile(file)
          && Files.readString(file, StandardCharsets.US_ASCII).contains("BEGIN PUBLIC KEY")) {
        String kid = key.kid != null ? key.kid : file.getFileName().toString().replaceFirst("\\.pub\\.pem$|\\.pem$", "");
        spec.commandLine().getOut().println(pinJson(kid, PemKeys.publicKey(Files.readString(file, StandardCharsets.US_ASCII))));
        return 0;
      }
      Signer signer = key.openSigner();
      spec.commandLine().getOut().println(pinJson(signer.kid(), signer.publicKey()));
      return 0;
    }
  }
}
