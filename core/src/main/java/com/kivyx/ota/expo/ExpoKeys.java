package com.kivyx.ota.expo;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Expo code-signing keys and certificates as PEM text: read them, and make a new pair. */
public final class ExpoKeys {
  /** What {@code npx expo-updates codesigning:generate} makes, and expo-updates accepts. */
  public static final int RSA_BITS = 2048;

  private ExpoKeys() {}

  /** An RSA private key from PEM: PKCS#8 ({@code PRIVATE KEY}) or PKCS#1 ({@code RSA PRIVATE KEY}). */
  public static PrivateKey readPrivateKey(String pem) {
    Object item = readFirst(pem, "private key");
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (item instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (item instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
    } catch (IOException e) {
      throw new ExpoException("the Expo code-signing key cannot be read: " + e.getMessage(), e);
    }
    throw new ExpoException("expected an unencrypted RSA private key PEM (PRIVATE KEY or RSA PRIVATE KEY), found " + item.getClass().getSimpleName());
  }

  /** Every certificate of a PEM chain, in file order (leaf first, as Expo serves it). */
  public static List<X509Certificate> readCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (!(item instanceof X509CertificateHolder holder)) {
          throw new ExpoException("the certificate chain holds a " + item.getClass().getSimpleName() + "; give only CERTIFICATE blocks");
        }
        certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
      }
    } catch (IOException | CertificateException e) {
      throw new ExpoException("the certificate chain cannot be read: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new ExpoException("the certificate chain holds no CERTIFICATE block");
    }
    return certificates;
  }

  /** A new RSA key and a self-signed code-signing certificate for it. */
  public record Generated(KeyPair keyPair, X509Certificate certificate) {
    /** PKCS#8, like the project's other keys. */
    public String privateKeyPem() {
      try {
        return pem(new JcaPKCS8Generator(keyPair.getPrivate(), null));
      } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
        throw new ExpoException("cannot write the private key: " + e.getMessage(), e);
      }
    }

    public String publicKeyPem() {
      return pem(keyPair.getPublic());
    }

    public String certificatePem() {
      return pem(certificate);
    }
  }

  /**
   * The certificate has what expo-updates checks of a signing certificate: key usage
   * digitalSignature (critical) and extended key usage codeSigning; being self-signed, it is
   * also the root the app embeds ({@code updates.codeSigningCertificate}).
   */
  public static Generated generate(String commonName, Duration validity, Instant now) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(RSA_BITS, new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject, new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE), Date.from(now), Date.from(now.plus(validity)), subject, pair.getPublic());
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
      X509Certificate certificate =
          new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
      return new Generated(pair, certificate);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new ExpoException("cannot make an Expo code-signing certificate: " + e.getMessage(), e);
    }
  }

  private static Object readFirst(String pem, String what) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object item = parser.readObject();
      if (item == null) {
        throw new ExpoException("no PEM block found where an RSA " + what + " was expected");
      }
      return item;
    } catch (IOException e) {
      throw new ExpoException("the RSA " + what + " PEM cannot be read: " + e.getMessage(), e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
