package com.kivyx.ota

import android.content.Context
import android.content.SharedPreferences
import org.json.JSONArray
import org.json.JSONException
import org.json.JSONObject
import java.io.File

/**
 * Startup side of Kivyx OTA: chooses the bundle file before any JS runs.
 *
 * The JS client owns the release bookkeeping (key "kivyx-ota/state": current, pending, trial,
 * rollback after maxLaunches/timeoutMs). It can only act once a bundle has run far enough to
 * call it, so this side keeps one small record of its own, key "kivyx-ota/native", in the same
 * SharedPreferences file as the JS key/value items (iOS keeps the identical JSON in UserDefaults):
 *
 *   {"v":1, "active":path|null, "hasPending":bool, "pending":path|null,
 *    "previous":path|null, "unconfirmed":n}
 *
 * - setPendingBundle() writes pending; activeBundlePath() answers pending if set, else active
 *   ("what the next launch loads", as the JS side compares it).
 * - At startup a pending path is promoted to active, and the old active is kept as previous.
 * - "unconfirmed" counts launches of a promoted bundle in which its JS never reached the OTA
 *   client (the module's getItem). After MAX_UNCONFIRMED such launches the bundle is taken to
 *   crash before JS can roll it back: this side returns to previous and records the release as
 *   failed in the JS state, so JS does not hand the same bundle back.
 *
 * The record stores paths relative to rootDir (iOS moves the app container on updates) and
 * hands them out absolute, exactly as JS builds them (rootDir + "/files/" + relative path).
 */
object KivyxOta {
  internal const val PREFS = "kivyx-ota"
  private const val NATIVE_KEY = "kivyx-ota/native"
  private const val JS_STATE_KEY = "kivyx-ota/state"

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

  private fun startup(context: Context): String? {
    val s = load(context)
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
      s.active?.let { markFailedInJsState(context, it) }
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

  /** Same edit the JS rollback makes: the pending release joins failedReleases, pending = null. */
  private fun markFailedInJsState(context: Context, failedPath: String) {
    val raw = prefs(context).getString(JS_STATE_KEY, null) ?: return
    try {
      val state = JSONObject(raw)
      val pending = state.optJSONObject("pending") ?: return
      if ("${rootDir(context).path}/files/${pending.optString("bundle")}" != failedPath) return
      val id = pending.getString("releaseId")
      val failed = state.optJSONArray("failedReleases") ?: JSONArray().also { state.put("failedReleases", it) }
      if ((0 until failed.length()).none { failed.optString(it) == id }) failed.put(id)
      state.put("pending", JSONObject.NULL)
      prefs(context).edit().putString(JS_STATE_KEY, state.toString()).commit()
    } catch (e: JSONException) {
      // unreadable JS state: JS starts from scratch with it anyway
    }
  }

  internal fun prefs(context: Context): SharedPreferences =
    context.getSharedPreferences(PREFS, Context.MODE_PRIVATE)

  private class State(
    var active: String?,
    var hasPending: Boolean,
    var pending: String?,
    var previous: String?,
    var unconfirmed: Int,
  )

  private fun load(context: Context): State {
    val raw = prefs(context).getString(NATIVE_KEY, null)
    val root = rootDir(context).path
    fun JSONObject.path(key: String): String? = if (isNull(key)) null else "$root/${getString(key)}"
    return try {
      val o = JSONObject(raw ?: "{}")
      State(o.path("active"), o.optBoolean("hasPending"), o.path("pending"), o.path("previous"), o.optInt("unconfirmed"))
    } catch (e: JSONException) {
      State(null, false, null, null, 0)
    }
  }

  private fun save(context: Context, s: State) {
    val root = rootDir(context).path + "/"
    // Only paths under rootDir reach here (the module checks them).
    fun rel(path: String?): Any = path?.removePrefix(root) ?: JSONObject.NULL
    val o = JSONObject()
      .put("v", 1)
      .put("active", rel(s.active))
      .put("hasPending", s.hasPending)
      .put("pending", rel(s.pending))
      .put("previous", rel(s.previous))
      .put("unconfirmed", s.unconfirmed)
    // commit(), not apply(): a restart or crash may follow at once.
    prefs(context).edit().putString(NATIVE_KEY, o.toString()).commit()
  }
}
