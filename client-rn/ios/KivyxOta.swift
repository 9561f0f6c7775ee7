import Foundation
import React

/// The KivyxOta module behind src/react-native.ts, and the startup logic AppDelegate calls.
///
/// Mirrors android/…/KivyxOta.kt exactly: the JS client owns the release bookkeeping (key
/// "kivyx-ota/state"); this side keeps one record, key "kivyx-ota/native" in UserDefaults,
///   {"v":1, "active":path|null, "hasPending":bool, "pending":path|null,
///    "previous":path|null, "unconfirmed":n}
/// with paths relative to rootDir (the app container moves on updates), handed out absolute.
/// A pending path is promoted at startup; a promoted bundle whose JS never reaches the OTA client
/// (getItem) in `maxUnconfirmed` launches is replaced by the previous one and recorded as failed
/// in the JS state, since JS cannot roll back a bundle that dies before JS runs.
/// RCTBridgeModule conformance comes from RCT_EXTERN_MODULE in KivyxOta.m.
@objc(KivyxOta)
public class KivyxOta: NSObject {
  private static let nativeKey = "kivyx-ota/native"
  private static let jsStateKey = "kivyx-ota/state"
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
    var active: String?
    var hasPending = false
    var pending: String?
    var previous: String?
    var unconfirmed = 0
  }

  private static func startup() -> URL? {
    var s = load()
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
      if let failed = s.active { markFailedInJsState(failed) }
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
    func path(_ key: String) -> String? { (o[key] as? String).map { "\(root)/\($0)" } }
    return State(active: path("active"), hasPending: o["hasPending"] as? Bool ?? false, pending: path("pending"),
                 previous: path("previous"), unconfirmed: o["unconfirmed"] as? Int ?? 0)
  }

  private static func save(_ s: State) {
    let root = rootDir.path + "/"
    func rel(_ p: String?) -> Any { p.map { $0.hasPrefix(root) ? String($0.dropFirst(root.count)) : $0 } ?? NSNull() }
    let o: [String: Any] = ["v": 1, "active": rel(s.active), "hasPending": s.hasPending, "pending": rel(s.pending),
                            "previous": rel(s.previous), "unconfirmed": s.unconfirmed]
    if let data = try? JSONSerialization.data(withJSONObject: o) { defaults.set(String(decoding: data, as: UTF8.self), forKey: nativeKey) }
  }

  /// Same edit the JS rollback makes: the pending release joins failedReleases, pending = null.
  private static func markFailedInJsState(_ failedPath: String) {
    guard let raw = defaults.string(forKey: jsStateKey),
          var state = (try? JSONSerialization.jsonObject(with: Data(raw.utf8))) as? [String: Any],
          let pending = state["pending"] as? [String: Any],
          let bundle = pending["bundle"] as? String, let id = pending["releaseId"] as? String,
          "\(rootDir.path)/files/\(bundle)" == failedPath else { return }
    var failed = state["failedReleases"] as? [String] ?? []
    if !failed.contains(id) { failed.append(id) }
    state["failedReleases"] = failed
    state["pending"] = NSNull()
    if let data = try? JSONSerialization.data(withJSONObject: state) { defaults.set(String(decoding: data, as: UTF8.self), forKey: jsStateKey) }
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
