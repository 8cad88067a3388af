/* camguard-gateway - command line and main loop
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * camguard-gateway --config FILE [--listen ADDR] [--port N] [--rtsp-port N]
 *     [--data-dir DIR] [--check-config] [--log-format json|text]
 *     [--create-key ROLE [--name NAME]] [--revoke-key NAME|ID]
 *     [--list-routes] [--www-dir DIR]
 *
 * Reads the configuration (gw-config.c), applies the command-line
 * overrides, checks the whole (exit 2 with every problem, each naming the
 * file, the group and the key), loads the cameras (gw-registry.c), starts
 * them and runs the main loop (gw-gateway.c wires the servers). SIGINT and
 * SIGTERM finalize the recordings (bounded by GW_REC_FINALIZE_TIMEOUT_MS),
 * stop the servers, then every pipeline to NULL (each bounded by
 * GW_CAMERA_STOP_TIMEOUT_MS) and exit 0. SIGHUP reads keys.json again (it
 * is also reloaded whenever it changes).
 *
 * Exit codes: 0 stopped by a signal or --check-config passed; 2 bad
 * configuration or command line; 1 anything else.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <glib-unix.h>
#include <gst/gst.h>

#include "gw-gateway.h"
#include "gw-recording-branch.h"

#define EXIT_CONFIG 2

typedef struct
{
  gchar *config;
  gchar *listen;
  gint port;
  gint rtsp_port;
  gchar *data_dir;
  gboolean check_config;
  gchar *log_format;
  gchar *create_key;
  gchar *key_name;
  gboolean list_routes;
  gchar *revoke_key;
  gchar *www_dir;
} Options;

static void
log_problems (const gchar * code, const gchar * text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint i;

  for (i = 0; lines[i]; i++)
    if (*lines[i])
      g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "CODE", code,
          "MESSAGE", "%s", lines[i]);
}

static gboolean
parse_options (Options * o, gint * argc, gchar *** argv)
{
  const GOptionEntry entries[] = {
    {"config", 'c', 0, G_OPTION_ARG_FILENAME, &o->config,
        "The configuration file", "FILE"},
    {"listen", 0, 0, G_OPTION_ARG_STRING, &o->listen,
        "Address of the HTTP server (overrides [gateway] listen)", "ADDR"},
    {"port", 0, 0, G_OPTION_ARG_INT, &o->port,
        "Port of the HTTP server, 0 for any (overrides [gateway] port)", "N"},
    {"rtsp-port", 0, 0, G_OPTION_ARG_INT, &o->rtsp_port,
        "Port of the RTSP server (overrides [gateway] rtsp-port)", "N"},
    {"data-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->data_dir,
        "Data directory (overrides [gateway] data-dir)", "DIR"},
    {"check-config", 0, 0, G_OPTION_ARG_NONE, &o->check_config,
        "Check the configuration and exit (0 valid, 2 not)", NULL},
    {"log-format", 0, 0, G_OPTION_ARG_STRING, &o->log_format,
        "json (default, one object per line) or text", "FORMAT"},
    {"create-key", 0, 0, G_OPTION_ARG_STRING, &o->create_key,
        "Create an API key (viewer, operator or admin) in the data "
          "directory, print it on the last line and exit", "ROLE"},
    {"name", 0, 0, G_OPTION_ARG_STRING, &o->key_name,
        "The name of the key --create-key creates (for logs)", "NAME"},
    {"www-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->www_dir,
        "The dashboard's files (overrides [gateway] www-dir)", "DIR"},
    {"revoke-key", 0, 0, G_OPTION_ARG_STRING, &o->revoke_key,
        "Revoke the API keys of that name, or the key of that id; a running "
          "gateway refuses them from then on", "NAME|ID"},
    {"list-routes", 0, 0, G_OPTION_ARG_NONE, &o->list_routes,
        "Print every REST route and JSON-RPC method with its action and "
          "the least role allowed, and exit", NULL},
    {NULL}
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- camguard "
      "gateway: cameras as a service");
  g_autoptr (GError) err = NULL;

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, argc, argv, &err)) {
    g_printerr ("camguard-gateway: %s\n", err->message);
    return FALSE;
  }
  return TRUE;
}

static gboolean
override_port (const gchar * name, gint value, guint * port)
{
  if (value == -1)
    return TRUE;
  if (value < 0 || value > 65535) {
    g_autofree gchar *text = g_strdup_printf ("--%s: %d is not a port "
        "number 0..65535", name, value);

    log_problems ("VALIDATION_ERROR", text);
    return FALSE;
  }
  *port = (guint) value;
  return TRUE;
}

/* The configuration with the command line applied, checked; NULL after
 * logging every problem. */
static GwConfig *
load_config (const Options * o)
{
  g_autoptr (GwConfig) c = NULL;
  g_autoptr (GError) err = NULL;
  gboolean ok;

  c = o->config ? gw_config_load (o->config, &err) : gw_config_new ();
  if (c == NULL) {
    log_problems ("VALIDATION_ERROR", err->message);
    return NULL;
  }
  if (o->listen) {
    g_free (c->listen);
    c->listen = g_strdup (o->listen);
  }
  if (o->data_dir) {
    g_free (c->data_dir);
    c->data_dir = g_strdup (o->data_dir);
  }
  if (o->www_dir) {
    g_free (c->www_dir);
    c->www_dir = g_strdup (o->www_dir);
  }
  ok = override_port ("port", o->port, &c->port);
  ok &= override_port ("rtsp-port", o->rtsp_port, &c->rtsp_port);
  if (!gw_config_check (c, &err)) {
    log_problems ("VALIDATION_ERROR", err->message);
    return NULL;
  }
  return ok ? g_steal_pointer (&c) : NULL;
}

static gboolean
on_hangup (gpointer user_data)
{
  gw_gateway_reload_keys (user_data, "SIGHUP");
  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer user_data)
{
  GwGateway *gw = user_data;

  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE",
      "stopping: the servers, then every camera to NULL");
  g_main_loop_quit (gw->loop);
  return G_SOURCE_CONTINUE;
}

static gint
run (GwGateway * gw)
{
  g_autoptr (GError) err = NULL;
  GwSpecPolicy policy = gw_config_get_policy (gw->config);
  g_autoptr (GPtrArray) cameras = NULL;
  guint sigint, sigterm, sighup;

  gw->registry = gw_registry_new (gw->config->data_dir, &policy, TRUE);
  gw->loop = g_main_loop_new (NULL, FALSE);
  if (!gw_gateway_start_servers (gw, &err)) {
    log_problems ("SERVICE_UNAVAILABLE", err->message);
    gw_gateway_release (gw);
    return 1;
  }
  if (!gw_registry_load (gw->registry, gw->config->cameras, &err)) {
    log_problems ("VALIDATION_ERROR", err->message);
    gw_gateway_release (gw);
    return EXIT_CONFIG;
  }
  cameras = gw_registry_list (gw->registry);
  sigint = g_unix_signal_add (SIGINT, on_signal, gw);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, gw);
  sighup = g_unix_signal_add (SIGHUP, on_hangup, gw);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE",
      "camguard-gateway %s running: %u cameras, listen %s:%u, rtsp port %u",
      VERSION, cameras->len, gw->config->listen,
      gw->http_port, gw_rtsp_get_port (gw->rtsp));
  gw_log_set_buffered (g_main_context_default ());
  g_main_loop_run (gw->loop);
  gw_log_set_buffered (NULL);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_source_remove (sighup);
  /* recordings first, while the pipelines still play: files finalized */
  if (gw->recorder && !gw_recorder_finalize_all (gw->recorder,
          GW_REC_FINALIZE_TIMEOUT_MS))
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE",
        "a recording was not finalized in time");
  gw_gateway_stop_servers (gw);
  if (!gw_registry_stop_all (gw->registry))
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE",
        "a camera did not stop in time");
  gw_gateway_release (gw);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE", "stopped");
  return 0;
}

/* --create-key ROLE [--name NAME]: only the hash is stored; the key is
 * printed alone on the last line of stdout. */
static gint
create_key (GwConfig * config, const gchar * role_nick, const gchar * name)
{
  g_autoptr (GwKeyStore) keys = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree gchar *key = NULL;
  GwRole role;

  if (!gw_role_from_nick (role_nick, &role) || role == GW_ROLE_ANONYMOUS) {
    g_autofree gchar *text = g_strdup_printf ("--create-key: '%s' is not "
        "viewer, operator or admin", role_nick);

    log_problems ("VALIDATION_ERROR", text);
    return EXIT_CONFIG;
  }
  keys = gw_key_store_new (config->data_dir, &err);
  if (keys == NULL || !gw_keys_create (keys, role, name ? name : role_nick,
          &key, &err)) {
    log_problems ("STORAGE_IO", err->message);
    return 1;
  }
  g_print ("created a %s key named '%s' in %s:\n%s\n",
      gw_role_to_nick (role), name ? name : role_nick,
      gw_key_store_get_path (keys), key);
  return 0;
}

/* --revoke-key NAME|ID: the keys go from keys.json; a running gateway
 * reloads it. One line per key revoked on stdout. */
static gint
revoke_key (GwConfig * config, const gchar * name_or_id)
{
  g_autoptr (GwKeyStore) keys = NULL;
  g_autoptr (GError) err = NULL;
  g_autoptr (GPtrArray) revoked = NULL;
  guint i;

  keys = gw_key_store_new (config->data_dir, &err);
  if (keys == NULL) {
    log_problems ("STORAGE_IO", err->message);
    return 1;
  }
  if (!gw_keys_revoke (keys, name_or_id, &revoked, &err)) {
    gboolean unknown = g_error_matches (err, G_FILE_ERROR,
        G_FILE_ERROR_NOENT);

    log_problems (unknown ? "RESOURCE_NOT_FOUND" : "STORAGE_IO", err->message);
    return unknown ? EXIT_CONFIG : 1;
  }
  for (i = 0; i < revoked->len; i++)
    g_print ("revoked %s\n", (const gchar *) g_ptr_array_index (revoked, i));
  return 0;
}

/* --list-routes: the route table and the JSON-RPC methods, as served */
static gint
list_routes (GwGateway * gw)
{
  g_autofree gchar *text = gw_gateway_describe_api (gw);

  g_print ("%s", text);
  return 0;
}

static gint
check_only (GwConfig * config)
{
  GwSpecPolicy policy = gw_config_get_policy (config);
  g_autoptr (GwRegistry) registry = gw_registry_new (config->data_dir,
      &policy, FALSE);
  g_autoptr (GError) err = NULL;

  if (!gw_registry_load (registry, config->cameras, &err)) {
    log_problems ("VALIDATION_ERROR", err->message);
    return EXIT_CONFIG;
  }
  g_print ("configuration valid: %u cameras\n", config->cameras->len);
  return 0;
}

int
main (int argc, char **argv)
{
  Options o = { NULL, NULL, -1, -1, NULL, FALSE, NULL, NULL, NULL, FALSE,
    NULL
  };
  GwGateway gw = { 0 };
  GwLogFormat format = GW_LOG_JSON;
  gint code;

  if (!parse_options (&o, &argc, &argv))
    return EXIT_CONFIG;
  if (o.log_format && !gw_log_format_from_string (o.log_format, &format)) {
    g_printerr ("camguard-gateway: --log-format: '%s' is not json or "
        "text\n", o.log_format);
    return EXIT_CONFIG;
  }
  gw_log_init (format, 2);
  gst_init (NULL, NULL);
  gw.config = load_config (&o);
  if (gw.config == NULL)
    code = EXIT_CONFIG;
  else if (o.check_config)
    code = check_only (gw.config);
  else if (o.create_key)
    code = create_key (gw.config, o.create_key, o.key_name);
  else if (o.revoke_key)
    code = revoke_key (gw.config, o.revoke_key);
  else if (o.list_routes)
    code = list_routes (&gw);
  else
    code = run (&gw);
  g_clear_object (&gw.registry);
  g_clear_pointer (&gw.loop, g_main_loop_unref);
  g_clear_pointer (&gw.config, gw_config_free);
  g_free (o.config);
  g_free (o.listen);
  g_free (o.data_dir);
  g_free (o.log_format);
  g_free (o.create_key);
  g_free (o.key_name);
  g_free (o.www_dir);
  g_free (o.revoke_key);
  return code;
}
