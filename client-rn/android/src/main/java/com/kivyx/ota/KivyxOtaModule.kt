package com.kivyx.ota

import android.util.Base64
import com.facebook.react.ReactApplication
import com.facebook.react.bridge.Arguments
import com.facebook.react.bridge.JSBundleLoader
import com.facebook.react.bridge.Promise
import com.facebook.react.bridge.ReactApplicationContext
import com.facebook.react.bridge.ReactContextBaseJavaModule
import com.facebook.react.bridge.ReactMethod
import com.facebook.react.bridge.UiThreadUtil
import java.io.File
import java.io.FileOutputStream
import java.io.IOException
import java.io.InputStream
import java.lang.reflect.Field
import java.net.HttpURLConnection
import java.net.URL
import java.security.MessageDigest

/**
 * The KivyxOta module behind src/react-native.ts. Methods run on the native-modules thread, so
 * blocking file I/O is fine here; every failure becomes a rejected promise, never a crash.
 */
class KivyxOtaModule(private val ctx: ReactApplicationContext) : ReactContextBaseJavaModule(ctx) {
  private val root = KivyxOta.rootDir(ctx)

  // Modules are created per React instance, after the startup logic chose its bundle.
  private val generation = KivyxOta.generation

  override fun getName() = "KivyxOta"

  override fun getConstants(): Map<String, Any> = mapOf("rootDir" to root.path)

  private inline fun settle(promise: Promise, body: () -> Any?) {
    try {
      promise.resolve(body())
    } catch (e: Exception) {
      promise.reject("E_KIVYX_OTA", e.message ?: e.toString(), e)
    }
  }

  /** JS only ever passes paths under rootDir; refuse anything else rather than trust it. */
  private fun file(abs: String): File {
    val f = File(abs).canonicalFile
    val r = root.canonicalFile
    if (!f.path.startsWith(r.path + File.separator)) throw IOException("path outside $r: $abs")
    return f
  }

  @ReactMethod
  fun getItem(key: String, promise: Promise) = settle(promise) {
    // Both JS entry points read their state first: this launch's JS reached the OTA client.
    KivyxOta.confirm(ctx, generation)
    KivyxOta.prefs(ctx).getString(key, null)
  }

  @ReactMethod
  fun setItem(key: String, value: String, promise: Promise) = settle(promise) {
    if (!KivyxOta.prefs(ctx).edit().putString(key, value).commit()) throw IOException("could not store $key")
    null
  }

  @ReactMethod
  fun removeItem(key: String, promise: Promise) = settle(promise) {
    if (!KivyxOta.prefs(ctx).edit().remove(key).commit()) throw IOException("could not remove $key")
    null
  }

  @ReactMethod
  fun readFile(path: String, promise: Promise) = settle(promise) {
    val f = file(path)
    if (f.isFile) Base64.encodeToString(f.readBytes(), Base64.NO_WRAP) else null
  }

  @ReactMethod
  fun writeFile(path: String, base64: String, promise: Promise) = settle(promise) {
    val f = file(path)
    val data = Base64.decode(base64, Base64.DEFAULT)
    f.parentFile?.mkdirs()
    // Write beside the target, flush to disk, then rename(2) over it: readers see old or new.
    val tmp = File(f.path + ".tmp")
    FileOutputStream(tmp).use {
      it.write(data)
      it.fd.sync()
    }
    if (!tmp.renameTo(f)) throw IOException("could not rename $tmp to $f")
    null
  }

  @ReactMethod
  fun rename(from: String, to: String, promise: Promise) = settle(promise) {
    val src = file(from)
    val dst = file(to)
    dst.parentFile?.mkdirs()
    // Same file system (both under rootDir), so renameTo is one atomic rename(2). minSdk 24
    // rules out Files.move(ATOMIC_MOVE) (API 26), which would do the same.
    if (!src.renameTo(dst)) throw IOException("could not rename $src to $dst")
    null
  }

  @ReactMethod
  fun remove(path: String, promise: Promise) = settle(promise) {
    val f = file(path)
    if (f.exists() && !f.deleteRecursively()) throw IOException("could not remove all of $f")
    null
  }

  @ReactMethod
  fun exists(path: String, promise: Promise) = settle(promise) { file(path).exists() }

  @ReactMethod
  fun list(path: String, promise: Promise) = settle(promise) {
    val names = Arguments.createArray()
    file(path).list()?.sorted()?.forEach { names.pushString(it) }
    names
  }

  @ReactMethod
  fun activeBundlePath(promise: Promise) = settle(promise) { KivyxOta.nextBundle(ctx) }

  @ReactMethod
  fun setPendingBundle(path: String?, promise: Promise) = settle(promise) {
    if (path != null) file(path)
    KivyxOta.setPending(ctx, path)
    null
  }

  @ReactMethod
  fun launchReport(promise: Promise) = settle(promise) {
    val (binary, drop) = KivyxOta.launchReport(ctx)
    val report = Arguments.createMap()
    report.putString("binaryVersion", binary)
    if (drop.first) {
      val dropped = Arguments.createMap()
      dropped.putString("bundle", drop.second)
      dropped.putString("reason", "crashedBeforeJs")
      report.putMap("dropped", dropped)
    } else {
      report.putNull("dropped")
    }
    report
  }

  @ReactMethod
  fun clearLaunchReport(promise: Promise) = settle(promise) {
    KivyxOta.clearDropped(ctx)
    null
  }

  /** The APK's own bundle, for deltas from it (the first OTA update after install). */
  @ReactMethod
  fun readEmbeddedBundle(promise: Promise) = settle(promise) {
    try {
      ctx.assets.open("index.android.bundle").use { Base64.encodeToString(it.readBytes(), Base64.NO_WRAP) }
    } catch (e: IOException) {
      null // no embedded bundle (debug builds load from Metro)
    }
  }

  @ReactMethod
  fun sha256File(path: String, promise: Promise) = settle(promise) {
    val f = file(path)
    if (f.isFile) f.inputStream().use { hex(digest(it, null, Long.MAX_VALUE)) } else null
  }

  /**
   * GET [url] into [path] (atomically, like writeFile), hashing while it streams and stopping as
   * soon as more than [maxBytes] arrive. Resolves {status, size, sha256}; the file is written
   * only for a 200 within the cap, and JS still compares size and hash with the signed ones.
   */
  @ReactMethod
  fun download(url: String, path: String, maxBytes: Double, promise: Promise) = settle(promise) {
    val f = file(path)
    val cap = maxBytes.toLong()
    val conn = URL(url).openConnection() as HttpURLConnection
    conn.connectTimeout = 30_000
    conn.readTimeout = 60_000
    try {
      val result = Arguments.createMap()
      result.putInt("status", conn.responseCode)
      if (conn.responseCode == 200) {
        if (conn.contentLengthLong > cap) throw TooLargeException(url, cap)
        f.parentFile?.mkdirs()
        val tmp = File(f.path + ".tmp")
        var size = 0L
        val sha =
          try {
            FileOutputStream(tmp).use { out ->
              val d = conn.inputStream.use { digest(it, out, cap) { size = it } }
              out.fd.sync()
              d
            }
          } catch (e: IOException) {
            tmp.delete()
            throw e
          }
        if (!tmp.renameTo(f)) throw IOException("could not rename $tmp to $f")
        result.putDouble("size", size.toDouble())
        result.putString("sha256", hex(sha))
      }
      result
    } finally {
      conn.disconnect()
    }
  }

  private class TooLargeException(url: String, cap: Long) :
    IOException("TOO_LARGE: response from $url is larger than its limit of $cap bytes")

  /** SHA-256 of [input], copied to [out] when given; throws past [cap] bytes. */
  private fun digest(input: InputStream, out: FileOutputStream?, cap: Long, onSize: (Long) -> Unit = {}): ByteArray {
    val md = MessageDigest.getInstance("SHA-256")
    val buf = ByteArray(64 * 1024)
    var total = 0L
    while (true) {
      val n = input.read(buf)
      if (n < 0) break
      total += n
      if (total > cap) throw TooLargeException("the stream", cap)
      md.update(buf, 0, n)
      out?.write(buf, 0, n)
    }
    onSize(total)
    return md.digest()
  }

  private fun hex(bytes: ByteArray): String = bytes.joinToString("") { "%02x".format(it) }

  /**
   * Reloads JS with the pending bundle. The host's bundle loader is fixed when the host is built
   * (getJSBundleFile is read once per process), and Activity.recreate() reattaches to the same
   * React instance, so neither reloads a new file by itself: the loader is replaced by reflection
   * (as CodePush does) and then the instance is reloaded.
   */
  @ReactMethod
  fun restart(promise: Promise) {
    UiThreadUtil.runOnUiThread {
      settle(promise) {
        val install = loaderSlot() // before startAgain: on failure nothing is promoted
        val path = KivyxOta.startAgain(ctx)
        val loader =
          if (path != null) JSBundleLoader.createFileLoader(path)
          else JSBundleLoader.createAssetLoader(ctx, "assets://index.android.bundle", false)
        install(loader)
        null
      }
    }
  }

  /** Finds where the running host keeps its JSBundleLoader; returns "set it and reload". */
  private fun loaderSlot(): (JSBundleLoader) -> Unit {
    val app = ctx.applicationContext as? ReactApplication
      ?: throw IllegalStateException("the Application is not a ReactApplication")
    @Suppress("DEPRECATION")
    if (ctx.isBridgeless) {
      val host = app.reactHost ?: throw IllegalStateException("no ReactHost")
      val delegate = field(host, "mReactHostDelegate", "reactHostDelegate").get(host)!!
      val slot = field(delegate, "jsBundleLoader")
      return { loader ->
        slot.set(delegate, loader)
        host.reload("kivyx-ota restart")
      }
    }
    val manager = app.reactNativeHost.reactInstanceManager
    val slot = field(manager, "mBundleLoader")
    return { loader ->
      slot.set(manager, loader)
      manager.recreateReactContextInBackground()
    }
  }

  private fun field(target: Any, vararg names: String): Field {
    var c: Class<*>? = target.javaClass
    while (c != null) {
      for (n in names) {
        try {
          return c.getDeclaredField(n).apply { isAccessible = true }
        } catch (e: NoSuchFieldException) {
          // try the next name / superclass
        }
      }
      c = c.superclass
    }
    throw NoSuchFieldException("${target.javaClass.name} has none of ${names.joinToString()}; restart the app to load the new bundle")
  }
}
