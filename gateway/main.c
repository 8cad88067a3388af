/* camguard-gateway - command line and main loop
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * camguard-gateway --config FILE [--listen ADDR] [--port N] [--rtsp-port N]
 *     [--data-dir DIR] [--check-config] [--log-format json|text]
 *
 * Reads the configuration (gw-config.c), applies the command-line
 * overrides, checks the whole (exit 2 with every problem, each naming the
 * file, the group and the key), loads the cameras (gw-registry.c), starts
 * them and runs the main loop. SIGINT and SIGTERM stop every pipeline to
 * NULL (each bounded by GW_CAMERA_STOP_TIMEOUT_MS) and exit 0.
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
  ok = override_port ("port", o->port, &c->port);
  ok &= override_port ("rtsp-port", o->rtsp_port, &c->rtsp_port);
  if (!gw_config_check (c, &err)) {
    log_problems ("VALIDATION_ERROR", err->message);
    return NULL;
  }
  return ok ? g_steal_pointer (&c) : NULL;
}

/* Where the serving modules plug in: each creates its object from
 * gw->config and gw->registry (connecting to GwRegistry::camera-added
 * before the cameras load) and stores it in its slot. */
static gboolean
start_servers (GwGateway * gw, GError ** error)
{
  if (!gw->config->auth)
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE",
        "auth is off: anyone who reaches %s can use the API",
        gw->config->listen);
  return TRUE;
}

static void
stop_servers (GwGateway * gw)
{
  g_clear_object (&gw->metrics);
  g_clear_object (&gw->rtsp);
  g_clear_object (&gw->ws);
  g_clear_object (&gw->http);
  g_clear_object (&gw->auth);
  g_clear_object (&gw->events);
}

static gboolean
on_signal (gpointer user_data)
{
  GwGateway *gw = user_data;

  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE",
      "stopping: every camera to NULL");
  g_main_loop_quit (gw->loop);
  return G_SOURCE_CONTINUE;
}

static gint
run (GwGateway * gw)
{
  g_autoptr (GError) err = NULL;
  GwSpecPolicy policy = gw_config_get_policy (gw->config);
  g_autoptr (GPtrArray) cameras = NULL;
  guint sigint, sigterm;

  gw->registry = gw_registry_new (gw->config->data_dir, &policy, TRUE);
  gw->loop = g_main_loop_new (NULL, FALSE);
  if (!start_servers (gw, &err)) {
    log_problems ("SERVICE_UNAVAILABLE", err->message);
    return 1;
  }
  if (!gw_registry_load (gw->registry, gw->config->cameras, &err)) {
    log_problems ("VALIDATION_ERROR", err->message);
    return EXIT_CONFIG;
  }
  cameras = gw_registry_list (gw->registry);
  sigint = g_unix_signal_add (SIGINT, on_signal, gw);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, gw);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE",
      "camguard-gateway %s running: %u cameras, listen %s:%u, rtsp port %u",
      VERSION, cameras->len, gw->config->listen,
      gw->config->port, gw->config->rtsp_port);
  g_main_loop_run (gw->loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (!gw_registry_stop_all (gw->registry))
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE",
        "a camera did not stop in time");
  stop_servers (gw);
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE", "stopped");
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
  Options o = { NULL, NULL, -1, -1, NULL, FALSE, NULL };
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
  else
    code = run (&gw);
  g_clear_object (&gw.registry);
  g_clear_pointer (&gw.loop, g_main_loop_unref);
  g_clear_pointer (&gw.config, gw_config_free);
  g_free (o.config);
  g_free (o.listen);
  g_free (o.data_dir);
  g_free (o.log_format);
  return code;
}
