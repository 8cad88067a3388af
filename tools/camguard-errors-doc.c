/* camguard-errors-doc - print docs/errors.md from the catalogue and the
 * classifier
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every catalogue code with its category, severity, retry facts, HTTP
 * status, JSON-RPC code, video-protocol code, message and hint, and the
 * GStreamer errors that map to it: that column is computed by running the
 * classifier over every (domain, code) of the four GStreamer error domains
 * for every element role, never written by hand.
 *
 * Usage: camguard-errors-doc > docs/errors.md
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <gst/gst.h>
#include <camguard.h>

static const gchar *
role_name (CgRole role)
{
  GEnumClass *k = g_type_class_ref (CG_TYPE_ROLE);
  GEnumValue *v = g_enum_get_value (k, role);
  const gchar *nick = v ? v->value_nick : "?";

  g_type_class_unref (k);
  return nick;
}

static const gchar *
policy_name (CgRetryPolicy p)
{
  GEnumClass *k = g_type_class_ref (CG_TYPE_RETRY_POLICY);
  GEnumValue *v = g_enum_get_value (k, p);
  const gchar *nick = v ? v->value_nick : "?";

  g_type_class_unref (k);
  return nick;
}

/* "resource/not-found (network-source, device-source)" lines for @code */
static gchar *
gst_errors_for (CgCode code)
{
  static const struct
  {
    const gchar *name;
    GType type;
  } domains[4] = {
    {"core", 0}, {"library", 0}, {"resource", 0}, {"stream", 0}
  };
  GQuark quarks[4];
  GType types[4];
  GString *out = g_string_new (NULL);
  guint d, n_roles = CG_ROLE_CODEC + 1;

  quarks[0] = GST_CORE_ERROR;
  quarks[1] = GST_LIBRARY_ERROR;
  quarks[2] = GST_RESOURCE_ERROR;
  quarks[3] = GST_STREAM_ERROR;
  types[0] = GST_TYPE_CORE_ERROR;
  types[1] = GST_TYPE_LIBRARY_ERROR;
  types[2] = GST_TYPE_RESOURCE_ERROR;
  types[3] = GST_TYPE_STREAM_ERROR;

  for (d = 0; d < 4; d++) {
    GEnumClass *k = g_type_class_ref (types[d]);
    guint i;

    for (i = 0; i < k->n_values; i++) {
      gint c = k->values[i].value;
      GString *roles = g_string_new (NULL);
      guint r, hits = 0;

      if (g_str_has_suffix (k->values[i].value_nick, "num-errors"))
        continue;
      for (r = 0; r < n_roles; r++) {
        if (cg_classify_gerror (quarks[d], c, r, NULL) == code) {
          g_string_append_printf (roles, "%s%s", hits ? ", " : "",
              role_name (r));
          hits++;
        }
      }
      if (hits == n_roles)
        g_string_append_printf (out, "%s/%s; ", domains[d].name,
            k->values[i].value_nick);
      else if (hits)
        g_string_append_printf (out, "%s/%s (%s); ", domains[d].name,
            k->values[i].value_nick, roles->str);
      g_string_free (roles, TRUE);
    }
    g_type_class_unref (k);
  }
  if (out->len >= 2)
    g_string_truncate (out, out->len - 2);
  return g_string_free (out, FALSE);
}

/* "`CAMERA_UNREACHABLE` (network-source); ..." for stream/failed with
 * @flow as its flow-return */
static gchar *
flow_codes (gint flow, const CgCatalogueEntry * rows, guint n)
{
  GstStructure *details = gst_structure_new ("details", "flow-return",
      G_TYPE_INT, flow, NULL);
  GString *out = g_string_new (NULL);
  guint i, r, n_roles = CG_ROLE_CODEC + 1;

  for (i = 0; i < n; i++) {
    GString *roles = g_string_new (NULL);
    guint hits = 0;

    for (r = 0; r < n_roles; r++) {
      if (cg_classify_gerror (GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED, r,
              details) == rows[i].code) {
        g_string_append_printf (roles, "%s%s", hits ? ", " : "", role_name (r));
        hits++;
      }
    }
    if (hits == n_roles)
      g_string_append_printf (out, "`%s`; ", rows[i].name);
    else if (hits)
      g_string_append_printf (out, "`%s` (%s); ", rows[i].name, roles->str);
    g_string_free (roles, TRUE);
  }
  gst_structure_free (details);
  if (out->len >= 2)
    g_string_truncate (out, out->len - 2);
  return g_string_free (out, FALSE);
}

static void
cell (const gchar * s)
{
  const gchar *p;

  for (p = s ? s : ""; *p; p++) {
    if (*p == '|')
      fputs ("\\|", stdout);
    else if (*p == '\n')
      fputc (' ', stdout);
    else
      fputc (*p, stdout);
  }
}

/* stream/failed by flow return and role */
static void
print_flow_table (const CgCatalogueEntry * rows, guint n)
{
  static const gint flows[] = { GST_FLOW_NOT_LINKED, GST_FLOW_FLUSHING,
    GST_FLOW_NOT_NEGOTIATED, GST_FLOW_ERROR, GST_FLOW_NOT_SUPPORTED,
    GST_FLOW_CUSTOM_ERROR
  };
  guint i;

  puts ("\n### Internal data stream errors\n");
  puts ("`stream/failed` (\"Internal data stream error\", posted by basesrc, "
      "demuxers and aggregators) with a `flow-return` in its details is "
      "decided by that flow return and the role. A fatal flow return with no "
      "ERROR before it is the element failing without saying why: "
      "souphttpsrc that cannot connect posts nothing else. After another "
      "ERROR it is secondary.\n");
  puts ("| flow-return | code (roles) |");
  puts ("|---|---|");
  for (i = 0; i < G_N_ELEMENTS (flows); i++) {
    gchar *codes = flow_codes (flows[i], rows, n);

    printf ("| %d (%s) | ", flows[i], gst_flow_get_name (flows[i]));
    cell (codes);
    puts (" |");
    g_free (codes);
  }
}

int
main (int argc, char **argv)
{
  const CgCatalogueEntry *rows;
  guint n, i;

  gst_init (&argc, &argv);
  rows = cg_catalogue_get_entries (&n);

  puts ("# camguard error codes\n");
  puts ("<!-- Generated by tools/camguard-errors-doc from the catalogue "
      "(plugins/libcamguard/cg-catalogue.c) and the classifier "
      "(cg-classifier.c, cg-classifier-table.c). Do not edit: run `ninja -C build "
      "update-errors-doc`. The `errors-doc` test fails when this file "
      "drifts. -->\n");
  puts ("Every error camguard reports, over HTTP, JSON-RPC, WebSocket or in "
      "GStreamer element messages, carries one of these codes. Severity: "
      "`fatal` (will not succeed until something changes), `recoverable` "
      "(may succeed if retried), `warning` (service goes on, degraded). "
      "Retry policy: how retrysrc retries a camera after this code "
      "(`normal` exponential backoff, `slow` straight to max-delay, "
      "`never`). A GStreamer WARNING message gets the same code as the "
      "ERROR would, with severity `warning`.\n");
  puts ("## Codes\n");
  puts ("| code | category | severity | retryable | retry policy | HTTP | "
      "JSON-RPC | video code | message | hint |");
  puts ("|---|---|---|---|---|---|---|---|---|---|");
  for (i = 0; i < n; i++) {
    const CgCatalogueEntry *e = &rows[i];

    printf ("| `%s` | %s | %s | %s | %s | ", e->name, e->category,
        cg_severity_to_string (e->severity), e->retryable ? "yes" : "no",
        policy_name (e->retry_policy));
    if (e->http_status)
      printf ("%u", e->http_status);
    else
      fputs ("—", stdout);
    fputs (" | ", stdout);
    if (e->jsonrpc_code)
      printf ("%d", e->jsonrpc_code);
    else
      fputs ("—", stdout);
    fputs (" | ", stdout);
    cell (e->video_code ? e->video_code : "—");
    fputs (" | ", stdout);
    cell (e->message);
    fputs (" | ", stdout);
    cell (e->hint);
    puts (" |");
  }

  puts ("\n## GStreamer errors behind each code\n");
  puts ("Computed by running the classifier over every (domain, code) of "
      "GStreamer's core, library, resource and stream error domains for "
      "every element role (no details attached). A role in parentheses "
      "means the mapping holds only for errors posted by elements of that "
      "role; without parentheses it holds for every role. Before this table "
      "the classifier looks at the message details: a `camguard-code` field "
      "wins, then an RTSP/HTTP status (`rtsp-status-code`, "
      "`http-status-code`): 401/403/407 → `PERMISSION_DENIED`, "
      "404/410/454 → `DEVICE_NOT_FOUND`, 453/486/503 → `DEVICE_BUSY`, "
      "408/504 → `CONNECTION_TIMEOUT`, 406/415/461 → `UNSUPPORTED_FORMAT`, "
      "other 5xx → `CAMERA_UNREACHABLE`. Element messages: "
      "`GstRTSPSrcTimeout` → `CONNECTION_TIMEOUT`, `missing-plugin` → "
      "`MISSING_COMPONENT`, qualityladder's `camguard-quality` → its code; "
      "QoS messages with drops → `PROCESSING_SLOW`; EOS after a network "
      "source warned, or in a live pipeline → `CAMERA_DISCONNECTED`. A "
      "pipeline description that does not parse: a missing element → "
      "`MISSING_COMPONENT`, anything else → `VALIDATION_ERROR`.\n");
  puts ("| code | GStreamer errors (domain/code, roles) |");
  puts ("|---|---|");
  for (i = 0; i < n; i++) {
    gchar *g = gst_errors_for (rows[i].code);

    if (*g) {
      printf ("| `%s` | ", rows[i].name);
      cell (g);
      puts (" |");
    }
    g_free (g);
  }
  print_flow_table (rows, n);
  puts ("\nRoles: `network-source` (rtspsrc, souphttpsrc, ..., anything "
      "inside one, such as rtspsrc's rtpbin, and anything inside a retrysrc "
      "that is not a codec), `device-source` (v4l2src, ..., and anything "
      "inside one), `file-source`, `other-source`, `storage-sink` (filesink, and "
      "anything inside splitmuxsink and other recording bins), "
      "`other-sink`, `codec` (decoders, encoders, parsers, (de)muxers, "
      "(de)payloaders), `other`.");
  return 0;
}
