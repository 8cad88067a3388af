/* camguard-gateway - API keys reloaded while the gateway runs
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-key-reload
 * @short_description: keys.json read again when it changes, or on SIGHUP
 *
 * `camguard-gateway --create-key` and `--revoke-key` rewrite `keys.json`
 * (a temporary file renamed over it). A #GwKeyReload watches the data
 * directory with a #GFileMonitor and reloads the store when `keys.json`
 * is created, changed, renamed into place or deleted (several events of
 * one rewrite are coalesced by a short timer); gw_key_reload_now() does
 * the same at once (SIGHUP). A file that cannot be read or parsed keeps
 * the keys in force and logs a catalogue-coded warning.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <json-glib/json-glib.h>

#include "gw-key-reload.h"

#define KEYS_FILE "keys.json"
/* events of one rewrite (create, rename, changes-done) come within a few
 * milliseconds: one reload for all of them */
#define COALESCE_MS 50

struct _GwKeyReload
{
  GwKeyStore *store;
  GFileMonitor *monitor;
  guint timer;
  GwKeyReloadFunc func;
  gpointer user_data;
};

/* The catalogue code of a failed reload */
static CgCode
reload_code (const GError * err)
{
  if (err->domain == JSON_PARSER_ERROR)
    return CG_CODE_INVALID_JSON;
  if (g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_INVAL))
    return CG_CODE_VALIDATION_ERROR;
  return cg_classify_file_error (err);
}

/**
 * gw_key_reload_now:
 * @reload: a #GwKeyReload
 * @why: what asked for it ("file changed", "SIGHUP"), for the log
 *
 * Reloads `keys.json` now and logs the outcome.
 */
void
gw_key_reload_now (GwKeyReload * reload, const gchar * why)
{
  g_autoptr (GError) err = NULL;
  guint added = 0, removed = 0;

  if (!gw_key_store_reload (reload->store, &added, &removed, &err)) {
    CgCode code = reload_code (err);

    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "CODE",
        cg_code_to_name (code), "MESSAGE", "API keys not reloaded (%s): "
        "%s; the %u keys in force stay in force", why, err->message,
        gw_key_store_get_n_keys (reload->store));
    return;
  }
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE",
      "API keys reloaded (%s): %u keys, %u added, %u removed", why,
      gw_key_store_get_n_keys (reload->store), added, removed);
  if ((added || removed) && reload->func)
    reload->func (reload->store, removed, reload->user_data);
}

static gboolean
timer_cb (gpointer data)
{
  GwKeyReload *reload = data;

  reload->timer = 0;
  gw_key_reload_now (reload, "file changed");
  return G_SOURCE_REMOVE;
}

static gboolean
is_keys_file (GFile * file)
{
  g_autofree gchar *name = file ? g_file_get_basename (file) : NULL;

  return g_strcmp0 (name, KEYS_FILE) == 0;
}

static void
changed_cb (GFileMonitor * monitor, GFile * file, GFile * other,
    GFileMonitorEvent event, gpointer data)
{
  GwKeyReload *reload = data;

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED
      || (!is_keys_file (file) && !is_keys_file (other)))
    return;
  if (reload->timer == 0)
    reload->timer = g_timeout_add (COALESCE_MS, timer_cb, reload);
}

/**
 * gw_key_reload_new:
 * @store: the key store (outlives the #GwKeyReload)
 * @data_dir: the directory of its `keys.json`
 * @func: (nullable): called after each reload that changed the keys
 * @user_data: for @func
 * @error: return location for a #GError
 *
 * Watches @data_dir (on the thread-default main context) and reloads
 * @store whenever `keys.json` changes.
 *
 * Returns: (transfer full) (nullable): the watcher, or %NULL when the
 *   directory cannot be watched
 */
GwKeyReload *
gw_key_reload_new (GwKeyStore * store, const gchar * data_dir,
    GwKeyReloadFunc func, gpointer user_data, GError ** error)
{
  g_autoptr (GFile) dir = g_file_new_for_path (data_dir);
  GFileMonitor *monitor = g_file_monitor_directory (dir,
      G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  GwKeyReload *reload;

  if (monitor == NULL)
    return NULL;
  reload = g_new0 (GwKeyReload, 1);
  reload->store = store;
  reload->monitor = monitor;
  reload->func = func;
  reload->user_data = user_data;
  g_signal_connect (monitor, "changed", G_CALLBACK (changed_cb), reload);
  return reload;
}

/**
 * gw_key_reload_free:
 * @reload: (transfer full) (nullable): a #GwKeyReload
 *
 * Stops watching.
 */
void
gw_key_reload_free (GwKeyReload * reload)
{
  if (reload == NULL)
    return;
  if (reload->timer)
    g_source_remove (reload->timer);
  g_signal_handlers_disconnect_by_data (reload->monitor, reload);
  g_file_monitor_cancel (reload->monitor);
  g_object_unref (reload->monitor);
  g_free (reload);
}
