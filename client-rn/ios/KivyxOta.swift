import CommonCrypto
import Foundation
import React


/// The KivyxOta module behind src/react-native.ts, and the startup logic AppDelegate calls.
///
/// Mirrors android/…/KivyxOta.kt exactly: the JS client owns the release bookkeeping (key
/// "kivyx-ota/state", src/lifecycle.ts); this side keeps one record, key "kivyx-ota/native" in
/// UserDefaults,
///   {"v":2, "binaryVersion":"1.4.0 (140)", "active":path|null, "hasPending":bool,
///    "pending":path|null, "previous":path|null, "unconfirmed":n,
///    "dropped":{"bundle":path|null,"reason":"crashedBeforeJs"}|null}
/// with paths relative to rootDir (the app container moves on updates), handed out absolute.
/// startup() follows testdata/vectors/lifecycle.json "nativeStartup" step for step (TS reference:
/// client-rn/test/native-startup.ts): another binary version drops every OTA bundle; a pending
/// path is promoted; a promoted bundle whose JS never reaches the OTA client (getItem) in
/// `maxUnconfirmed` starts is replaced by the previous one and left in "dropped", which JS reads
/// through launchReport() and reports as rolledBack/crashedBeforeJs.
/// RCTBridgeModule conformance comes from RCT_EXTERN_MODULE in KivyxOta.m.
@objc(KivyxOta)
public class KivyxOta: NSObject {
  private static let nativeKey = "kivyx-ota/native"
  private static let recordVersion = 2
  /// Same as Android, and as the JS default maxLaunches.
  private static let maxUnconfirmed = 2
  private static let defaults = UserDefaults.standard
  /// Guards the static startup state; bundleURL() runs on the main thread, methods on ioQueue.
  private static let lock = NSLock()
  private static var generation = 0
  private static var decided = false
  private static var decidedURL: URL?
  private static var confirmedGeneration = -1
  private static let ioQueue = DispatchQueue(label: "com.kivyx.ota")

  static let rootDir: URL = {
    let support = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
    var root = support.appendingPathComponent("kivyx-ota", isDirectory: true)
    try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    // Bundles can be downloaded again: keep them out of iCloud backups.
    var values = URLResourceValues()
    values.isExcludedFromBackup = true
    try? root.setResourceValues(values)
    return root
  }()

  /// Modules are created per bridge/host after bundleURL() chose this launch's bundle.
  private let moduleGeneration: Int

  override init() {
    KivyxOta.lock.lock()
    moduleGeneration = KivyxOta.generation
    KivyxOta.lock.unlock()
    super.init()
  }

  @objc static func requiresMainQueueSetup() -> Bool { false }
  @objc var methodQueue: DispatchQueue { KivyxOta.ioQueue }
  @objc func constantsToExport() -> [AnyHashable: Any]! { ["rootDir": KivyxOta.rootDir.path] }

  // MARK: startup

  /// For AppDelegate's bundleURL(): this launch's bundle, or nil for the embedded one. Runs the
  /// startup logic once per launch (hosts ask more than once); restart() arms it again, and a
  /// reload asks bundleURL() again.
  @objc public static func bundleURL() -> URL? {
    lock.lock()
    defer { lock.unlock() }
    if !decided {
      decidedURL = startup()
      decided = true
      generation += 1
    }
    return decidedURL
  }

  private struct State {
    var version = KivyxOta.recordVersion
    var binaryVersion: String?
    var active: String?
    var hasPending = false
    var pending: String?
    var previous: String?
    var unconfirmed = 0
    var hasDropped = false
    var dropped: String?
  }

  /// "CFBundleShortVersionString (CFBundleVersion)": what an App Store update changes.
  static var binaryVersion: String {
    let info = Bundle.main.infoDictionary ?? [:]
    return "\(info["CFBundleShortVersionString"] as? String ?? "?") (\(info["CFBundleVersion"] as? String ?? "?"))"
  }

  private static func startup() -> URL? {
    var s = load()
    let binary = binaryVersion
    if s.version != recordVersion || s.binaryVersion != binary {
      // OTA bundles were built for another binary; JS removes their files when it sees the change.
      s = State()
      s.binaryVersion = binary
    }
    if s.hasPending {
      if s.pending != s.active {
        s.previous = s.active
        s.active = s.pending
        // The embedded bundle is the last resort: nothing to fall back to from it.
        s.unconfirmed = s.active == nil ? 0 : 1
      }
      s.hasPending = false
      s.pending = nil
    } else if s.unconfirmed >= maxUnconfirmed {
      s.hasDropped = true
      s.dropped = s.active
      s.active = s.previous
      s.previous = nil
      s.unconfirmed = 0
    } else if s.unconfirmed > 0 {
      s.unconfirmed += 1
    }
    save(s)
    // A missing file must not stop the app: use the embedded bundle.
    guard let path = s.active, FileManager.default.fileExists(atPath: path) else { return nil }
    return URL(fileURLWithPath: path)
  }

  private static func load() -> State {
    let root = rootDir.path
    guard let raw = defaults.string(forKey: nativeKey),
          let o = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any] else { return State() }
    func path(_ v: Any?) -> String? { (v as? String).map { "\(root)/\($0)" } }
    let dropped = o["dropped"] as? [String: Any]
    return State(version: o["v"] as? Int ?? 0, binaryVersion: o["binaryVersion"] as? String,
                 active: path(o["active"]), hasPending: o["hasPending"] as? Bool ?? false, pending: path(o["pending"]),
                 previous: path(o["previous"]), unconfirmed: o["unconfirmed"] as? Int ?? 0,
                 hasDropped: dropped != nil, dropped: path(dropped?["bundle"]))
  }

  private static func save(_ s: State) {
    let root = rootDir.path + "/"
    func rel(_ p: String?) -> Any { p.map { $0.hasPrefix(root) ? String($0.dropFirst(root.count)) : $0 } ?? NSNull() }
    let dropped: Any = s.hasDropped ? ["bundle": rel(s.dropped), "reason": "crashedBeforeJs"] : NSNull()
    let o: [String: Any] = ["v": recordVersion, "binaryVersion": s.binaryVersion ?? NSNull(), "active": rel(s.active),
                            "hasPending": s.hasPending, "pending": rel(s.pending), "previous": rel(s.previous),
                            "unconfirmed": s.unconfirmed, "dropped": dropped]
    if let data = try? JSONSerialization.data(withJSONObject: o) { defaults.set(String(decoding: data, as: UTF8.self), forKey: nativeKey) }
  }

  // MARK: module methods (on ioQueue)

  /// JS only ever passes paths under rootDir; refuse anything else rather than trust it.
  private func file(_ abs: String) throws -> URL {
    let url = URL(fileURLWithPath: abs).standardizedFileURL
    guard url.path.hasPrefix(KivyxOta.rootDir.standardizedFileURL.path + "/") else {
      throw NSError(domain: "KivyxOta", code: 1, userInfo: [NSLocalizedDescriptionKey: "path outside rootDir: \(abs)"])
    }
    return url
  }

  private func settle(_ resolve: RCTPromiseResolveBlock, _ reject: RCTPromiseRejectBlock, _ body: () throws -> Any?) {
    do { resolve(try body()) } catch { reject("E_KIVYX_OTA", error.localizedDescription, error) }
  }

  @objc(getItem:resolve:reject:)
  func getItem(_ key: String, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    // Both JS entry points read their state first: this launch's JS reached the OTA client.
    KivyxOta.lock.lock()
    if moduleGeneration == KivyxOta.generation && KivyxOta.confirmedGeneration != moduleGeneration {
      KivyxOta.confirmedGeneration = moduleGeneration
      var s = KivyxOta.load()
      if s.unconfirmed != 0 { s.unconfirmed = 0; KivyxOta.save(s) }
    }
    KivyxOta.lock.unlock()
    resolve(KivyxOta.defaults.string(forKey: key))
  }

  @objc(setItem:value:resolve:reject:)
  func setItem(_ key: String, value: String, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    KivyxOta.defaults.set(value, forKey: key)
    resolve(nil)
  }

  @objc(removeItem:resolve:reject:)
  func removeItem(_ key: String, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    KivyxOta.defaults.removeObject(forKey: key)
    resolve(nil)
  }

  @objc(readFile:resolve:reject:)
  func readFile(_ path: String, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    settle(resolve, reject) {
      let url = try file(path)
      return FileManager.default.contents(atPath: url.path)?.base64EncodedString()
    }
  }

  @objc(writeFile:base64:resolve:reject:)
  func writeFile(_ path: String, base64: String, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    settle(resolve, reject) {
      let url = try file(path)
      guard let data = Data(base64Encoded: base64) else { throw NSError(domain: "KivyxOta", code: 2, userInfo: [NSLocalizedDescriptionKey: "bad base64"]) }
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      // .atomic: written to a temporary file, then renamed over the target.
      try data.write(to: url, options: .atomic)
      return nil
    }
  }

  @objc(rename:to:resolve:reject:)
  func rename(_ from: String, to: String, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    settle(resolve, reject) {
      let dst = try file(to)
      try FileManager.default.createDirectory(at: dst.deletingLastPathComponent(), withIntermediateDirectories: true)
      // Same volume (both under rootDir): one rename(2). Fails if dst exists; JS removes it first.
      let src = try file(from)
      try FileManager.default.moveItem(at: src, to: dst)
      return nil
    }
  }

  @objc(remove:resolve:reject:)
  func remove(_ path: String, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    settle(resolve, reject) {
      let url = try file(path)
      if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
      return nil
    }
  }

  @objc(exists:resolve:reject:)
  func exists(_ path: String, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    settle(resolve, reject) {
      let url = try file(path)
      return FileManager.default.fileExists(atPath: url.path)
    }
  }

  @objc(list:resolve:reject:)
  func list(_ path: String, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    settle(resolve, reject) {
      let url = try file(path)
      return ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }
  }

  @objc(activeBundlePath:reject:)
  func activeBundlePath(_ resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    KivyxOta.lock.lock()
    let s = KivyxOta.load()
    KivyxOta.lock.unlock()
    resolve(s.hasPending ? s.pending : s.active)
  }

  @objc(setPendingBundle:resolve:reject:)
  func setPendingBundle(_ path: String?, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    settle(resolve, reject) {
      if let path = path { _ = try file(path) }
      KivyxOta.lock.lock()
      defer { KivyxOta.lock.unlock() }
      var s = KivyxOta.load()
      s.hasPending = true
      s.pending = path
      KivyxOta.save(s)
      return nil
    }
  }

  @objc(launchReport:reject:)
  func launchReport(_ resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    KivyxOta.lock.lock()
    let s = KivyxOta.load()
    KivyxOta.lock.unlock()
    let dropped: Any = s.hasDropped ? ["bundle": s.dropped ?? NSNull(), "reason": "crashedBeforeJs"] : NSNull()
    resolve(["binaryVersion": s.binaryVersion ?? NSNull(), "dropped": dropped])
  }

  @objc(clearLaunchReport:reject:)
  func clearLaunchReport(_ resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    KivyxOta.lock.lock()
    var s = KivyxOta.load()
    if s.hasDropped { s.hasDropped = false; s.dropped = nil; KivyxOta.save(s) }
    KivyxOta.lock.unlock()
    resolve(nil)
  }

  /// The app's own bundle, for deltas from it (the first OTA update after install).
  @objc(readEmbeddedBundle:reject:)
  func readEmbeddedBundle(_ resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    let url = Bundle.main.url(forResource: "main", withExtension: "jsbundle")
    resolve(url.flatMap { FileManager.default.contents(atPath: $0.path) }?.base64EncodedString())
  }

  @objc(sha256File:resolve:reject:)
  func sha256File(_ path: String, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    settle(resolve, reject) {
      let url = try file(path)
      guard let input = InputStream(url: url), FileManager.default.fileExists(atPath: url.path) else { return nil }
      input.open()
      defer { input.close() }
      var ctx = CC_SHA256_CTX()
      CC_SHA256_Init(&ctx)
      var buf = [UInt8](repeating: 0, count: 64 * 1024)
      while true {
        let n = input.read(&buf, maxLength: buf.count)
        if n < 0 { throw input.streamError ?? KivyxOta.error("could not read \(path)") }
        if n == 0 { break }
        CC_SHA256_Update(&ctx, buf, CC_LONG(n))
      }
      return KivyxOta.finish(&ctx)
    }
  }

  /// GET `url` into `path`, hashing while it streams and cancelling as soon as more than
  /// `maxBytes` arrive. Resolves {status, size, sha256}; the file is moved into place only for a
  /// 200 within the cap, and JS still compares size and hash with the signed ones.
  @objc(download:path:maxBytes:resolve:reject:)
  func download(_ url: String, path: String, maxBytes: Double, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    do {
      let dest = try file(path)
      guard let source = URL(string: url) else { throw KivyxOta.error("bad URL \(url)") }
      let task = CappedDownload(source: source, dest: dest, maxBytes: Int64(maxBytes), resolve: resolve, reject: reject)
      task.start()
    } catch {
      reject("E_KIVYX_OTA", error.localizedDescription, error)
    }
  }

  static func error(_ message: String) -> NSError {
    NSError(domain: "KivyxOta", code: 3, userInfo: [NSLocalizedDescriptionKey: message])
  }

  static func finish(_ ctx: inout CC_SHA256_CTX) -> String {
    var digest = [UInt8](repeating: 0, count: Int(CC_SHA256_DIGEST_LENGTH))
    CC_SHA256_Final(&digest, &ctx)
    return digest.map { String(format: "%02x", $0) }.joined()
  }

  /// Reloads JS. Both the bridge and the bridgeless host ask bundleURL() again on reload, which
  /// now runs the startup logic again and promotes the pending bundle.
  @objc(restart:reject:)
  func restart(_ resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    KivyxOta.lock.lock()
    KivyxOta.decided = false
    KivyxOta.lock.unlock()
    resolve(nil)
    DispatchQueue.main.async { RCTTriggerReloadCommandListeners("kivyx-ota restart") }
  }
}

/// One capped, hashed download to a temporary file beside the target (its own URLSession, so
/// the delegate sees every chunk and can cancel past the cap before the rest arrives).
private final class CappedDownload: NSObject, URLSessionDataDelegate {
  private let source: URL
  private let dest: URL
  private let tmp: URL
  private let maxBytes: Int64
  private let resolve: RCTPromiseResolveBlock
  private let reject: RCTPromiseRejectBlock
  private var out: FileHandle?
  private var ctx = CC_SHA256_CTX()
  private var size: Int64 = 0
  private var status = 0
  private var tooLarge = false
  private var session: URLSession?

  init(source: URL, dest: URL, maxBytes: Int64, resolve: @escaping RCTPromiseResolveBlock, reject: @escaping RCTPromiseRejectBlock) {
    self.source = source
    self.dest = dest
    self.tmp = dest.appendingPathExtension("tmp")
    self.maxBytes = maxBytes
    self.resolve = resolve
    self.reject = reject
  }

  func start() {
    CC_SHA256_Init(&ctx)
    let s = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)
    session = s // the session keeps its delegate (self) alive until invalidated
    s.dataTask(with: source).resume()
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                  completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
    status = (response as? HTTPURLResponse)?.statusCode ?? 0
    if status == 200 && response.expectedContentLength > maxBytes { tooLarge = true; completionHandler(.cancel); return }
    if status == 200 {
      try? FileManager.default.createDirectory(at: dest.deletingLastPathComponent(), withIntermediateDirectories: true)
      FileManager.default.createFile(atPath: tmp.path, contents: nil)
      out = try? FileHandle(forWritingTo: tmp)
    }
    completionHandler(.allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    guard status == 200 else { return }
    size += Int64(data.count)
    if size > maxBytes { tooLarge = true; dataTask.cancel(); return }
    data.withUnsafeBytes { _ = CC_SHA256_Update(&ctx, $0.baseAddress, CC_LONG(data.count)) }
    out?.write(data)
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
    session.finishTasksAndInvalidate()
    out?.synchronizeFile()
    out?.closeFile()
    let fm = FileManager.default
    if tooLarge {
      try? fm.removeItem(at: tmp)
      reject("E_KIVYX_OTA", "TOO_LARGE: response from \(source) is larger than its limit of \(maxBytes) bytes", nil)
      return
    }
    if let error = error {
      try? fm.removeItem(at: tmp)
      reject("E_KIVYX_OTA", error.localizedDescription, error)
      return
    }
    guard status == 200 else { resolve(["status": status]); return }
    do {
      if fm.fileExists(atPath: dest.path) { try fm.removeItem(at: dest) }
      try fm.moveItem(at: tmp, to: dest)
      resolve(["status": status, "size": Double(size), "sha256": KivyxOta.finish(&ctx)])
    } catch {
      reject("E_KIVYX_OTA", error.localizedDescription, error)
    }
  }
}
