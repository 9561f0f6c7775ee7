/**
 * An independent Expo Updates protocol v1 client for the end-to-end tests: it sends what
 * expo-updates sends (PROTOCOLS.md 1.1), reads answers with Expo's own multipart parser and an
 * RFC 8941 structured-headers parser, and checks code signing the way expo-updates does
 * (CertificateChain.kt): a chain from the response's leaf up to the root embedded in the app,
 * leaf with key usage digitalSignature and EKU codeSigning, CA issuers, then RSA-SHA256 over the
 * exact bytes of the part.
 */
import multipart from "@expo/multipart-body-parser";
import { createHash, verify } from "node:crypto";
import forge from "node-forge";
import { parseDictionary } from "structured-headers";

export type MultipartPart = Awaited<ReturnType<typeof multipart.parseMultipartMixedResponseAsync>>[number];

export interface ExpoDevice {
  readonly platform: string;
  readonly runtimeVersion: string;
  readonly channel?: string;
  readonly clientId?: string;
  readonly currentUpdateId?: string;
  readonly embeddedUpdateId?: string;
  readonly accept?: string;
  readonly failedUpdateIds?: readonly string[];
  readonly fatalError?: string;
  readonly expectSignature?: boolean;
}

export interface ExpoAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly parts: readonly MultipartPart[];
}

export const REAL_CLIENT_ACCEPT = "multipart/mixed,application/expo+json,application/json";

/** The request headers of a manifest check, as FileDownloader.kt builds them. */
export function requestHeaders(d: ExpoDevice): Record<string, string> {
  const h: Record<string, string> = {
    accept: d.accept ?? REAL_CLIENT_ACCEPT,
    "expo-platform": d.platform,
    "expo-protocol-version": "1",
    "expo-api-version": "1",
    "expo-updates-environment": "BARE",
    "expo-json-error": "true",
    "expo-runtime-version": d.runtimeVersion,
  };
  if (d.channel !== undefined) h["expo-channel-name"] = d.channel;
  if (d.clientId !== undefined) h["eas-client-id"] = d.clientId;
  if (d.currentUpdateId !== undefined) h["expo-current-update-id"] = d.currentUpdateId;
  if (d.embeddedUpdateId !== undefined) h["expo-embedded-update-id"] = d.embeddedUpdateId;
  if (d.failedUpdateIds !== undefined) h["expo-recent-failed-update-ids"] = d.failedUpdateIds.map((id) => `"${id}"`).join(", ");
  if (d.fatalError !== undefined) h["expo-fatal-error"] = d.fatalError;
  if (d.expectSignature === true) h["expo-expect-signature"] = 'sig, keyid="main", alg="rsa-v1_5-sha256"';
  return h;
}

export async function checkForUpdate(url: string, d: ExpoDevice): Promise<ExpoAnswer> {
  const r = await fetch(url, { headers: requestHeaders(d) });
  const body = Buffer.from(await r.arrayBuffer());
  const type = r.headers.get("content-type") ?? "";
  const parts = r.status === 200 && type.startsWith("multipart/mixed") ? await multipart.parseMultipartMixedResponseAsync(type, body) : [];
  return { status: r.status, headers: r.headers, body, parts };
}

export function part(answer: ExpoAnswer, name: string): MultipartPart {
  const found = answer.parts.filter((p) => multipart.isMultipartPartWithName(p, name));
  if (found.length !== 1) throw new Error(`expected one '${name}' part, got ${found.length} of ${answer.parts.map((p) => p.name).join(", ")}`);
  return found[0]!;
}

export function partHeader(p: MultipartPart, name: string): string | undefined {
  const v = p.headers.get(name);
  return Array.isArray(v) ? v.join(", ") : v;
}

/** expo-signature: an SFV dictionary with sig (string), keyid and alg. */
export interface ExpoSignature {
  readonly sig: string;
  readonly keyid: string | undefined;
  readonly alg: string | undefined;
}

export function parseSignature(value: string): ExpoSignature {
  const dict = parseDictionary(value);
  const text = (key: string): string | undefined => {
    const entry = dict.get(key);
    if (entry === undefined) return undefined;
    const item = entry[0];
    if (typeof item !== "string") throw new Error(`expo-signature ${key} must be an SFV string`);
    return item;
  };
  const sig = text("sig");
  if (sig === undefined) throw new Error("No expo-signature header specified (no sig)");
  return { sig, keyid: text("keyid"), alg: text("alg") };
}

export function pemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

const CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

/** The leaf whose key signs, after checking the chain up to the embedded root as expo-updates does. */
export function verifiedLeaf(responseChainPem: string | undefined, embeddedRootPem: string): forge.pki.Certificate {
  const root = forge.pki.certificateFromPem(embeddedRootPem);
  const chain = [...pemCertificates(responseChainPem ?? "").map((p) => forge.pki.certificateFromPem(p))];
  // The embedded root ends the chain; a response chain may repeat it.
  const last = chain[chain.length - 1];
  if (last === undefined || forge.pki.certificateToPem(last) !== forge.pki.certificateToPem(root)) chain.push(root);
  const now = new Date();
  chain.forEach((cert, i) => {
    if (now < cert.validity.notBefore || now > cert.validity.notAfter) throw new Error(`certificate ${i} is not valid now`);
    const issuer = chain[i + 1] ?? cert;
    let signed: boolean;
    try {
      signed = issuer.verify(cert);
    } catch {
      signed = false; // forge throws on a signature made by another key
    }
    if (!signed) throw new Error(`certificate ${i} is not signed by the next one in the chain`);
    const bc = cert.getExtension("basicConstraints") as { cA?: boolean } | null;
    if (i > 0 && (bc === null || bc.cA !== true)) throw new Error(`certificate ${i} signs others but is not a CA`);
  });
  const leaf = chain[0]!;
  const ku = leaf.getExtension("keyUsage") as { digitalSignature?: boolean } | null;
  if (ku === null || ku.digitalSignature !== true) throw new Error("the signing certificate lacks key usage digitalSignature");
  const eku = leaf.getExtension("extKeyUsage") as { codeSigning?: boolean; [oid: string]: unknown } | null;
  if (eku === null || (eku.codeSigning !== true && eku[CODE_SIGNING] !== true)) throw new Error("the signing certificate lacks EKU codeSigning");
  return leaf;
}

/** rsa-v1_5-sha256 over the part's exact bytes, as expo-updates verifies (bodyString.toByteArray()). */
export function verifySignedBody(body: string, signatureHeader: string | undefined, leaf: forge.pki.Certificate, keyid: string): void {
  if (signatureHeader === undefined) throw new Error("No expo-signature header specified");
  const s = parseSignature(signatureHeader);
  if (s.keyid !== keyid) throw new Error(`Key with keyid=${s.keyid} from signature not found in client configuration`);
  if (s.alg !== undefined && s.alg !== "rsa-v1_5-sha256") throw new Error(`unsupported alg ${s.alg}`);
  const publicKey = forge.pki.publicKeyToPem(leaf.publicKey as forge.pki.rsa.PublicKey);
  if (!verify("sha256", Buffer.from(body, "utf8"), publicKey, Buffer.from(s.sig, "base64"))) {
    throw new Error("Manifest download was successful, but signature was incorrect");
  }
}

export function base64UrlSha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64url");
}

/** A code-signing CA and a leaf it issues, made with node-forge from Node-generated RSA keys. */
export function makeCertificate(opts: {
  commonName: string;
  publicKeyPem: string;
  issuer?: { cert: forge.pki.Certificate; privateKeyPem: string };
  selfPrivateKeyPem?: string;
  ca: boolean;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(opts.publicKeyPem);
  cert.serialNumber = "0" + createHash("sha256").update(opts.commonName).digest("hex").slice(0, 15);
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  const subject = [{ name: "commonName", value: opts.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer ? opts.issuer.cert.subject.attributes : subject);
  cert.setExtensions(
    opts.ca
      ? [
          { name: "basicConstraints", cA: true, critical: true },
          { name: "keyUsage", keyCertSign: true, digitalSignature: true, critical: true },
        ]
      : [
          { name: "keyUsage", digitalSignature: true, critical: true },
          { name: "extKeyUsage", codeSigning: true },
        ],
  );
  const signingKey = opts.issuer ? opts.issuer.privateKeyPem : opts.selfPrivateKeyPem;
  if (signingKey === undefined) throw new Error("a certificate needs an issuer or its own key");
  cert.sign(forge.pki.privateKeyFromPem(signingKey), forge.md.sha256.create());
  return cert;
}
