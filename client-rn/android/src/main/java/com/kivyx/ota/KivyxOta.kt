package com.kivyx.ota

import android.content.Context
import android.content.SharedPreferences
import android.os.Build
import org.json.JSONException
import org.json.JSONObject
import java.io.File

/**
 * Startup side of Kivyx OTA: chooses the bundle file before any JS runs.
 *
 * The JS client owns the release bookkeeping (key "kivyx-ota/state", src/lifecycle.ts). It can
 * only act once a bundle has run far enough to call it, so this side keeps one small record of
 * its own, key "kivyx-ota/native", in the same SharedPreferences file as the JS key/value items
 * (iOS keeps the identical JSON in UserDefaults):
 *
 *   {"v":2, "binaryVersion":"1.4.0 (140)", "active":path|null, "hasPending":bool,
 *    "pending":path|null, "previous":path|null, "unconfirmed":n,
 *    "dropped":{"bundle":path|null,"reason":"crashedBeforeJs"}|null}
 *
 * startup() follows testdata/vectors/lifecycle.json "nativeStartup" step for step (its TS
 * reference is client-rn/test/native-startup.ts):
 * - another binary version (an app-store update; a v1 record always comes from an older
 *   binary) drops every OTA bundle before anything loads; JS sees the new binaryVersion in
 *   launchReport() and resets its own state;
 * - a pending path is promoted to active, the old active kept as previous;
 * - "unconfirmed" counts starts of a promoted bundle whose JS never reached the OTA client (the
 *   module's getItem). After MAX_UNCONFIRMED of them the bundle is dropped, native returns to
 *   previous and leaves "dropped", which JS reports as rolledBack/crashedBeforeJs.
 *
 * The record stores paths relative to rootDir (iOS moves the app container on updates) and
 * hands them out absolute, exactly as JS builds them (rootDir + "/files/" + relative path).
 */
object KivyxOta {
  internal const val PREFS = "kivyx-ota"
  private const val NATIVE_KEY = "kivyx-ota/native"
  private const val RECORD_VERSION = 2

  /** Launches a new bundle gets to reach the JS client; the JS default maxLaunches is also 2. */
  private const val MAX_UNCONFIRMED = 2

  /** Bumped each time the startup logic runs; a module created afterwards belongs to that launch. */
  @Volatile
  internal var generation = 0
    private set
  private var decided = false
  private var decidedPath: String? = null
  private var confirmedGeneration = -1

  fun rootDir(context: Context): File = File(context.filesDir, "kivyx-ota")

  /**
   * For MainApplication's getJSBundleFile(): the bundle path for this launch, or null for the
   * embedded bundle. Runs the startup logic once per process (hosts may ask more than once);
   * KivyxOtaModule.restart() runs it again for an in-process reload.
   */
  @JvmStatic
  @Synchronized
  fun bundleFile(context: Context): String? {
    if (!decided) {
      decidedPath = startup(context.applicationContext)
      decided = true
      generation++
    }
    return decidedPath
  }

  @Synchronized
  internal fun startAgain(context: Context): String? {
    decided = false
    return bundleFile(context)
  }

  /** "versionName (versionCode)": what an app-store update changes. */
  internal fun binaryVersion(context: Context): String {
    val info = context.packageManager.getPackageInfo(context.packageName, 0)
    @Suppress("DEPRECATION")
    val code = if (Build.VERSION.SDK_INT >= 28) info.longVersionCode else info.versionCode.toLong()
    return "${info.versionName} ($code)"
  }

  private fun startup(context: Context): String? {
    val s = load(context)
    val binary = binaryVersion(context)
    if (s.version != RECORD_VERSION || s.binaryVersion != binary) {
      // OTA bundles were built for another binary; JS removes their files when it sees the change.
      s.active = null
      s.hasPending = false
      s.pending = null
      s.previous = null
      s.unconfirmed = 0
      s.dropped = null
      s.binaryVersion = binary
    }
    if (s.hasPending) {
      if (s.pending != s.active) {
        s.previous = s.active
        s.active = s.pending
        // The embedded bundle is the last resort: nothing to fall back to from it.
        s.unconfirmed = if (s.active == null) 0 else 1
      }
      s.hasPending = false
      s.pending = null
    } else if (s.unconfirmed >= MAX_UNCONFIRMED) {
      s.dropped = s.active
      s.hasDropped = true
      s.active = s.previous
      s.previous = null
      s.unconfirmed = 0
    } else if (s.unconfirmed > 0) {
      s.unconfirmed++
    }
    save(context, s)
    val path = s.active
    // A missing file (app data partly cleared, say) must not stop the app: use the embedded one.
    return if (path != null && File(path).isFile) path else null
  }

  /** For JS's launchReport(): the binary version and what this start dropped (absolute path). */
  @Synchronized
  internal fun launchReport(context: Context): Pair<String?, Pair<Boolean, String?>> {
    val s = load(context)
    return Pair(s.binaryVersion, Pair(s.hasDropped, s.dropped))
  }

  @Synchronized
  internal fun clearDropped(context: Context) {
    val s = load(context)
    if (!s.hasDropped) return
    s.hasDropped = false
    s.dropped = null
    save(context, s)
  }

  /** The bundle the next launch loads (JS: activeBundlePath). */
  @Synchronized
  internal fun nextBundle(context: Context): String? {
    val s = load(context)
    return if (s.hasPending) s.pending else s.active
  }

  @Synchronized
  internal fun setPending(context: Context, path: String?) {
    val s = load(context)
    s.hasPending = true
    s.pending = path
    save(context, s)
  }

  /** The JS of launch [moduleGeneration] reached the OTA client; its own trial takes over. */
  @Synchronized
  internal fun confirm(context: Context, moduleGeneration: Int) {
    if (moduleGeneration != generation || confirmedGeneration == generation) return
    confirmedGeneration = generation
    val s = load(context)
    if (s.unconfirmed != 0) {
      s.unconfirmed = 0
      save(context, s)
    }
  }

  internal fun prefs(context: Context): SharedPreferences =
    context.getSharedPreferences(PREFS, Context.MODE_PRIVATE)

  private class State(
    var version: Int,
    var binaryVersion: String?,
    var active: String?,
    var hasPending: Boolean,
    var pending: String?,
    var previous: String?,
    var unconfirmed: Int,
    var hasDropped: Boolean,
    var dropped: String?,
  )

  private fun load(context: Context): State {
    val raw = prefs(context).getString(NATIVE_KEY, null)
    val root = rootDir(context).path
    fun JSONObject.path(key: String): String? = if (!has(key) || isNull(key)) null else "$root/${getString(key)}"
    return try {
      if (raw == null) return State(RECORD_VERSION, null, null, false, null, null, 0, false, null)
      val o = JSONObject(raw)
      val dropped = o.optJSONObject("dropped")
      State(
        o.optInt("v"),
        if (o.isNull("binaryVersion")) null else o.optString("binaryVersion"),
        o.path("active"),
        o.optBoolean("hasPending"),
        o.path("pending"),
        o.path("previous"),
        o.optInt("unconfirmed"),
        dropped != null,
        dropped?.path("bundle"),
      )
    } catch (e: JSONException) {
      State(0, null, null, false, null, null, 0, false, null)
    }
  }

  private fun save(context: Context, s: State) {
    val root = rootDir(context).path + "/"
    // Only paths under rootDir reach here (the module checks them).
    fun rel(path: String?): Any = path?.removePrefix(root) ?: JSONObject.NULL
    val dropped =
      if (s.hasDropped) JSONObject().put("bundle", rel(s.dropped)).put("reason", "crashedBeforeJs") else JSONObject.NULL
    val o = JSONObject()
      .put("v", RECORD_VERSION)
      .put("binaryVersion", s.binaryVersion ?: JSONObject.NULL)
      .put("active", rel(s.active))
      .put("hasPending", s.hasPending)
      .put("pending", rel(s.pending))
      .put("previous", rel(s.previous))
      .put("unconfirmed", s.unconfirmed)
      .put("dropped", dropped)
    // commit(), not apply(): a restart or crash may follow at once.
    prefs(context).edit().putString(NATIVE_KEY, o.toString()).commit()
  }
}
