/* camguard-gateway - the configuration file
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-config
 * @title: Configuration
 * @short_description: the GKeyFile the gateway starts from
 *
 * ```
 * [gateway]
 * listen=127.0.0.1        # address of the HTTP/WebSocket server
 * port=8080               # 0: any free port
 * rtsp-port=8554          # 0: any free port
 * data-dir=/var/lib/camguard   # required: cameras.json, keys, events
 * auth=true               # false only when listen is a loopback address
 * allow-pipelines=false   # accept cameras of type pipeline
 * ws-max-clients=256      # WebSocket clients at once (1..65535)
 * metrics-keys=prometheus # API keys (by name) that may read /metrics
 *                         # whatever their role (else admin only)
 * mjpeg-max-clients=16    # MJPEG stream clients per camera (1..1024)
 * storage-low-mb=1024     # STORAGE_LOW below this much free space for
 *                         # recordings (MiB; 0: never)
 * whep-max-viewers=16     # WHEP viewers per camera (1..1024)
 * whep-reap-timeout=10000 # ms without a receiver report: viewer reaped
 *
 * [camera door]
 * type=rtsp
 * uri=rtsp://user:pass@192.0.2.10/stream1
 * ```
 *
 * The camera keys are those of gw-camera-spec.c. Every problem is reported,
 * not only the first, in one %CG_CODE_ERROR / %CG_CODE_VALIDATION_ERROR
 * #GError, one line per problem, each naming the file, the group and the
 * key: `gateway.conf: [camera door] uri: a rtsp camera needs a rtsp://
 * or rtsps:// URI`. Problem texts are redacted (gw_problems_add()) and
 * never repeat a URI or a description, so a bad URI does not print its
 * password.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gio/gio.h>

#include "gw-config.h"

#define GATEWAY_GROUP "gateway"
#define CAMERA_PREFIX "camera "

static const gchar *const gateway_keys[] = {
  "listen", "port", "rtsp-port", "data-dir", "auth", "allow-pipelines",
  "ws-max-clients", "metrics-keys", "mjpeg-max-clients", "storage-low-mb",
  "whep-max-viewers", "whep-reap-timeout", NULL
};

/**
 * gw_config_new:
 *
 * Returns: (transfer full): a configuration with every default and no
 *   camera
 */
GwConfig *
gw_config_new (void)
{
  GwConfig *c = g_new0 (GwConfig, 1);

  c->listen = g_strdup ("127.0.0.1");
  c->port = 8080;
  c->rtsp_port = 8554;
  c->ws_max_clients = 256;
  c->mjpeg_max_clients = 16;
  c->storage_low_mb = 1024;
  c->whep_max_viewers = 16;
  c->whep_reap_timeout_ms = 10000;
  c->auth = TRUE;
  c->cameras = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gw_camera_spec_free);
  return c;
}

/**
 * gw_config_free:
 * @config: (nullable) (transfer full): a configuration
 *
 * Frees @config and its camera specs.
 */
void
gw_config_free (GwConfig * config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_free (config->listen);
  g_free (config->data_dir);
  g_strfreev (config->metrics_keys);
  g_ptr_array_unref (config->cameras);
  g_free (config);
}

/**
 * gw_config_get_policy:
 * @config: a configuration
 *
 * Returns: what camera specs are checked against
 */
GwSpecPolicy
gw_config_get_policy (const GwConfig * config)
{
  GwSpecPolicy p = { config->allow_pipelines };

  return p;
}

/* Adds "[group] key: problem" lines for @problems to @out. */
static void
report (GString * out, const gchar * group, GPtrArray * problems)
{
  guint i;

  for (i = 0; i < problems->len; i++) {
    GwProblem *p = g_ptr_array_index (problems, i);

    g_string_append_printf (out, "[%s] %s: %s\n", group, p->field, p->problem);
  }
  g_ptr_array_set_size (problems, 0);
}

/* An unsigned [gateway] key within @min..@max; @what names the range. */
static void
read_uint (GKeyFile * kf, const gchar * key, guint min, guint max,
    const gchar * what, guint * out, GPtrArray * pr)
{
  g_autofree gchar *v = g_key_file_get_value (kf, GATEWAY_GROUP, key, NULL);
  guint64 n;

  if (v == NULL)
    return;
  if (g_ascii_string_to_unsigned (v, 10, min, max, &n, NULL))
    *out = (guint) n;
  else
    gw_problems_add (pr, key, "'%s' is not %s %u..%u", v, what, min, max);
}

static void
read_bool (GKeyFile * kf, const gchar * key, gboolean * out, GPtrArray * pr)
{
  g_autofree gchar *v = g_key_file_get_value (kf, GATEWAY_GROUP, key, NULL);

  if (v == NULL)
    return;
  if (g_str_equal (v, "true") || g_str_equal (v, "false"))
    *out = g_str_equal (v, "true");
  else
    gw_problems_add (pr, key, "'%s' is not true or false", v);
}

static void
read_string (GKeyFile * kf, const gchar * key, gchar ** out, GPtrArray * pr)
{
  g_autofree gchar *v = g_key_file_get_string (kf, GATEWAY_GROUP, key, NULL);

  if (v == NULL)
    return;
  if (*v == '\0') {
    gw_problems_add (pr, key, "is empty");
    return;
  }
  g_free (*out);
  *out = g_steal_pointer (&v);
}

/* A list of API key names (as --create-key --name gives them). */
static void
read_names (GKeyFile * kf, const gchar * key, gchar *** out, GPtrArray * pr)
{
  g_auto (GStrv) v = g_key_file_get_string_list (kf, GATEWAY_GROUP, key,
      NULL, NULL);
  guint i;

  if (v == NULL)
    return;
  for (i = 0; v[i]; i++) {
    g_strstrip (v[i]);
    if (*v[i] == '\0') {
      gw_problems_add (pr, key, "an empty key name");
      return;
    }
  }
  g_strfreev (*out);
  *out = g_steal_pointer (&v);
}

static void
read_gateway (GwConfig * c, GKeyFile * kf, GPtrArray * pr)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, GATEWAY_GROUP, NULL, NULL);
  guint i;

  for (i = 0; keys && keys[i]; i++)
    if (!g_strv_contains (gateway_keys, keys[i]))
      gw_problems_add (pr, keys[i], "unknown key (listen, port, rtsp-port, "
          "data-dir, auth, allow-pipelines, ws-max-clients, metrics-keys, "
          "mjpeg-max-clients, storage-low-mb, whep-max-viewers, "
          "whep-reap-timeout)");
  read_string (kf, "listen", &c->listen, pr);
  read_uint (kf, "port", 0, 65535, "a port number", &c->port, pr);
  read_uint (kf, "rtsp-port", 0, 65535, "a port number", &c->rtsp_port, pr);
  read_string (kf, "data-dir", &c->data_dir, pr);
  read_bool (kf, "auth", &c->auth, pr);
  read_bool (kf, "allow-pipelines", &c->allow_pipelines, pr);
  read_uint (kf, "ws-max-clients", 1, 65535, "a number", &c->ws_max_clients,
      pr);
  read_names (kf, "metrics-keys", &c->metrics_keys, pr);
  read_uint (kf, "mjpeg-max-clients", 1, 1024, "a number",
      &c->mjpeg_max_clients, pr);
  read_uint (kf, "storage-low-mb", 0, G_MAXINT32, "a number",
      &c->storage_low_mb, pr);
  read_uint (kf, "whep-max-viewers", 1, 1024, "a number",
      &c->whep_max_viewers, pr);
  read_uint (kf, "whep-reap-timeout", 1000, 600000, "milliseconds",
      &c->whep_reap_timeout_ms, pr);
}

static void
read_groups (GwConfig * c, GKeyFile * kf, GString * out)
{
  g_autoptr (GPtrArray) pr = gw_problems_new ();
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  GwSpecPolicy policy;
  guint i;

  if (g_key_file_has_group (kf, GATEWAY_GROUP)) {
    read_gateway (c, kf, pr);
    report (out, GATEWAY_GROUP, pr);
  }
  policy = gw_config_get_policy (c);
  for (i = 0; groups[i]; i++) {
    const gchar *id = groups[i] + strlen (CAMERA_PREFIX);
    GwCameraSpec *spec;

    if (g_str_equal (groups[i], GATEWAY_GROUP))
      continue;
    if (!g_str_has_prefix (groups[i], CAMERA_PREFIX)) {
      g_string_append_printf (out, "[%s]: unknown group (gateway, or "
          "camera ID)\n", groups[i]);
      continue;
    }
    spec = gw_camera_spec_from_keyfile (kf, groups[i], id, &policy, pr);
    if (spec)
      g_ptr_array_add (c->cameras, spec);
    report (out, groups[i], pr);
  }
}

static gboolean
fail (GError ** error, const gchar * file, const gchar * text)
{
  g_autoptr (GString) msg = g_string_new (NULL);
  gchar **lines = g_strsplit (text, "\n", -1);
  guint i;

  for (i = 0; lines[i]; i++)
    if (*lines[i])
      g_string_append_printf (msg, "%s%s: %s", msg->len ? "\n" : "",
          file, lines[i]);
  g_strfreev (lines);
  g_set_error_literal (error, CG_CODE_ERROR, CG_CODE_VALIDATION_ERROR,
      msg->str);
  return FALSE;
}

/**
 * gw_config_load:
 * @path: the configuration file
 * @error: return location for a VALIDATION_ERROR naming file, group and
 *   key of every problem, one a line
 *
 * Reads the file: the `[gateway]` group and one spec per `[camera ID]`
 * group. Whole-configuration checks (data-dir present, auth off only on
 * loopback) are left to gw_config_check(), after command-line overrides.
 *
 * Returns: (transfer full) (nullable): the configuration, or %NULL
 */
GwConfig *
gw_config_load (const gchar * path, GError ** error)
{
  g_autoptr (GwConfig) c = gw_config_new ();
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) err = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree gchar *name = g_filename_display_name (path);

  c->path = g_strdup (path);
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &err)) {
    g_autofree gchar *r = cg_redact (err->message);
    g_autofree gchar *text = g_strdup_printf ("cannot be read: %s", r);

    fail (error, name, text);
    return NULL;
  }
  read_groups (c, kf, out);
  if (out->len > 0) {
    fail (error, name, out->str);
    return NULL;
  }
  return g_steal_pointer (&c);
}

static gboolean
is_loopback (const gchar * listen)
{
  g_autoptr (GInetAddress) a = g_inet_address_new_from_string (listen);

  if (a)
    return g_inet_address_get_is_loopback (a);
  return g_str_equal (listen, "localhost");
}

/**
 * gw_config_check:
 * @config: a configuration, command-line overrides applied
 * @error: return location for a VALIDATION_ERROR, one problem a line
 *
 * Checks what only the whole configuration can tell: a data directory is
 * set, `listen` is an IP address (or localhost), and `auth=false` is only
 * used on a loopback address.
 *
 * Returns: %TRUE when the gateway may start with @config
 */
gboolean
gw_config_check (GwConfig * config, GError ** error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GInetAddress) a = g_inet_address_new_from_string (config->listen);
  g_autofree gchar *name = config->path ?
      g_filename_display_name (config->path) : g_strdup ("(command line)");

  if (config->data_dir == NULL)
    g_string_append (out, "[gateway] data-dir: is required (or "
        "--data-dir)\n");
  if (a == NULL && !g_str_equal (config->listen, "localhost"))
    g_string_append_printf (out, "[gateway] listen: '%s' is not an IP "
        "address\n", config->listen);
  else if (!config->auth && !is_loopback (config->listen))
    g_string_append_printf (out, "[gateway] auth: false is only allowed "
        "when listen is a loopback address, not %s\n", config->listen);
  if (out->len > 0)
    return fail (error, name, out->str);
  return TRUE;
}
