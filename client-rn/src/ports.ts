/**
 * Ports: everything that touches the device goes through these three interfaces, so the
 * client logic stays pure and testable. The React Native ports talk to the `KivyxOta` native
 * module; `@kivyx-ota/client-react-native/node` has Node ports for tests and tools.
 */

export interface HttpResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface HttpGetOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Refuse (throw HttpTooLargeError) as soon as the body would exceed this many bytes. */
  readonly maxBytes: number;
  readonly timeoutMs?: number;
}

/** What a native download reports: the file is written only for a 200 within the cap. */
export interface DownloadResult {
  readonly status: number;
  readonly size?: number;
  /** SHA-256 (hex) of the bytes written, hashed while they streamed. */
  readonly sha256?: string;
}

export interface HttpPort {
  get(url: string, options: HttpGetOptions): Promise<HttpResponse>;
  /**
   * Optional: GET `url` straight into the file `absPath` (atomically), hashing while it streams
   * and throwing HttpTooLargeError as soon as more than `maxBytes` arrive. Bundles then never
   * cross into JS; the client still compares size and hash with the signed ones.
   */
  downloadToFile?(url: string, absPath: string, options: { readonly maxBytes: number }): Promise<DownloadResult>;
  post(
    url: string,
    body: Uint8Array,
    headers: Readonly<Record<string, string>>,
    timeoutMs?: number,
  ): Promise<{ readonly status: number }>;
}

export class HttpTooLargeError extends Error {
  constructor(
    readonly url: string,
    readonly maxBytes: number,
  ) {
    super(`response from ${url} is larger than its limit of ${maxBytes} bytes`);
    this.name = "HttpTooLargeError";
  }
}

/**
 * Key/value strings plus files addressed by paths relative to the client's own directory.
 * `rename` must be atomic (same file system) and replace nothing: callers remove the target
 * first. `resolve` gives the absolute path the native bundle loader opens.
 */
export interface StoragePort {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
  readFile(path: string): Promise<Uint8Array | null>;
  /** Writes the whole file (creating parent directories), replacing it atomically. */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or a directory tree; no error when it does not exist. */
  remove(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  list(dir: string): Promise<string[]>;
  resolve(path: string): string;
  /** Optional: SHA-256 (hex) of a file, computed natively; null when it does not exist. */
  sha256File?(path: string): Promise<string | null>;
}

/** What the native side loads at launch. */
export interface BundlePort {
  /** The bundle the next launch would load: an absolute path, or null for the embedded bundle. */
  activeBundlePath(): Promise<string | null>;
  /** Makes the next launch load `path` (null: the embedded bundle). Takes effect at the next start. */
  setPendingBundle(path: string | null): Promise<void>;
  /** Restarts the JS runtime so the pending bundle loads now. */
  restart(): Promise<void>;
  /** The embedded bundle's bytes, for deltas from the embedded bundle (optional). */
  readEmbeddedBundle?(): Promise<Uint8Array | null>;
  /** What native decided at this start, before any JS ran (optional; README "Native glue"). */
  launchReport?(): Promise<NativeLaunchReport>;
  /** Forgets the report's `dropped` once the client has recorded it. */
  clearLaunchReport?(): Promise<void>;
}

export interface NativeLaunchReport {
  /** The app binary, e.g. "1.4.0 (140)" (versionName (versionCode) / CFBundleShortVersionString (CFBundleVersion)). */
  readonly binaryVersion: string | null;
  /** A bundle native dropped at this start because its earlier starts never reached JS. */
  readonly dropped: { readonly bundle: string | null; readonly reason: "crashedBeforeJs" } | null;
}

export interface Ports {
  readonly http: HttpPort;
  readonly storage: StoragePort;
  readonly bundle: BundlePort;
  /** Milliseconds since the epoch; defaults to Date.now. */
  readonly now?: () => number;
}
