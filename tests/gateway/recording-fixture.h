/* camguard-gateway tests - the recordings tests' fixture: a gateway with
 * a test camera, requests, polling, decoding, private mounts
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

#include "gateway-process.h"

G_BEGIN_DECLS

#define CAM "/api/v1/cameras/demo"
#define RECS CAM "/recordings"

extern const gchar *gateway_path;
extern gchar *no_mount_reason;

typedef struct
{
  gchar *tmpdir;
  gchar *data;
  gchar *recdir;                /* data/recordings/demo */
  gchar *config;
  GwProcess gw;
  gboolean mounted;
  gboolean auth;
} Fixture;

void write_config (Fixture * f, const gchar * gateway_extra,
    const gchar * camera_extra);
void setup (Fixture * f, gconstpointer data);
void teardown (Fixture * f, gconstpointer data);
void rm_rf (const gchar * path);
gboolean can_mount (void);
void mount_recordings (Fixture * f, const gchar * options,
    gboolean read_only);
void enter_mount_namespace (void);
GwReply *call (Fixture * f, const gchar * method, const gchar * path,
    const gchar * body, guint status);
JsonObject *manual_of (GwReply * r);
gboolean iterate_until (gint64 end);
JsonObject *wait_manual (Fixture * f, const gchar * state,
    gdouble duration);
guint decode (const gchar * path, gdouble * duration);
guint decode_all (Fixture * f, const gchar * suffix);
gint64 camera_sources_started (Fixture * f, gdouble * uptime);
void wait_event (Fixture * f, const gchar * code);
void start_gateway (Fixture * f);
guint raw_get (Fixture * f, const gchar * path, gchar ** body);
GBytes *get_range (Fixture * f, const gchar * path, const gchar * range,
    guint * status, gchar ** content_range);

G_END_DECLS
