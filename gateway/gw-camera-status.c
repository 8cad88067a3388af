/* camguard-gateway - a camera's status document
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * gw_camera_write_status(): what GET /cameras/{id}/status and
 * get_camera_status answer, written on every request (the gateway's
 * busiest JSON). retrysrc's statistics are rebuilt by the element on every
 * read; while the source is running, nothing in them changes without the
 * pipeline saying so on the bus (they count starts, outages, retries,
 * fallback frames and breaker outcomes, all of which come with a status
 * change or a camguard-retry message). So their text is kept between bus
 * messages while the source is running, for at most STATS_MAX_AGE_US;
 * any other status rebuilds it on every read.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-camera-private.h"

#define STATS_MAX_AGE_US (G_USEC_PER_SEC)

/**
 * gw_camera_forget_statistics:
 * @camera: a camera
 *
 * Drops the kept text of retrysrc's statistics: the next status reads
 * them from the element.
 */
void
gw_camera_forget_statistics (GwCamera * camera)
{
  g_clear_pointer (&camera->stats_json, g_free);
}

/* retrysrc's statistics as JSON text, read from the element. */
static gchar *
read_statistics (GwCamera * self)
{
  g_auto (GValue) v = G_VALUE_INIT;
  const GstStructure *stats;
  CgJsonWriter *w;

  /* the structure the element made, read in place (g_object_get() would
   * copy it once more) */
  g_value_init (&v, GST_TYPE_STRUCTURE);
  g_object_get_property (G_OBJECT (self->pipe->source), "statistics", &v);
  stats = gst_value_get_structure (&v);
  if (stats == NULL)
    return NULL;
  w = cg_json_writer_new ();
  cg_structure_write_json (stats, w);
  return cg_json_writer_free_to_string (w, NULL);
}

static void
add_source_status (GwCamera * self, CgJsonWriter * w)
{
  g_autofree gchar *status = gw_camera_enum_nick (G_OBJECT
      (self->pipe->source), "status");
  gint64 now = g_get_monotonic_time ();

  cg_json_writer_member (w, "source");
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "status", status);
  if (self->stats_json == NULL || g_strcmp0 (status, "running") != 0
      || now - self->stats_us > STATS_MAX_AGE_US) {
    g_free (self->stats_json);
    self->stats_json = read_statistics (self);
    self->stats_us = now;
  }
  if (self->stats_json) {
    cg_json_writer_member (w, "statistics");
    cg_json_writer_raw (w, self->stats_json);
  }
  cg_json_writer_end_object (w);
}

static void
add_quality (GwCamera * self, CgJsonWriter * w)
{
  g_autofree gchar *mode = gw_camera_enum_nick (G_OBJECT (self->pipe->ladder),
      "mode");
  gint step = -1;

  g_object_get (self->pipe->ladder, "current-step", &step, NULL);
  cg_json_writer_member (w, "quality");
  cg_json_writer_begin_object (w);
  cg_json_writer_member_int (w, "step", step);
  cg_json_writer_member_string (w, "mode", mode);
  cg_json_writer_end_object (w);
}

/**
 * gw_camera_write_status:
 * @camera: a camera
 * @w: where the status object is written, as a value
 *
 * The camera's status: `id`, `state`, `source` (retrysrc's `status` and
 * `statistics`, while a pipeline exists), `quality` (`step`, `mode`, raw
 * cameras), `last_error` (the last error as an event, with `code`,
 * `message`, `details`, `timestamp`, `severity`; or null),
 * `fps` (frames into the outputs over the last second) and `uptime`
 * (seconds since the camera was started, 0 when stopped), then what the
 * #GwCamera::status handlers add (the gateway's outputs: `live`,
 * `recording`).
 */
void
gw_camera_write_status (GwCamera * camera, CgJsonWriter * w)
{
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "id", camera->spec->id);
  cg_json_writer_member_string (w, "state",
      gw_camera_state_to_string (camera->state));
  if (camera->pipe) {
    add_source_status (camera, w);
    if (camera->pipe->ladder)
      add_quality (camera, w);
  }
  cg_json_writer_member (w, "last_error");
  if (camera->last_error)
    cg_error_write_event (camera->last_error, w);
  else
    cg_json_writer_null (w);
  /* frames per second to the hundredth, seconds to the millisecond */
  cg_json_writer_member (w, "fps");
  cg_json_writer_double_rounded (w, camera->fps, 2);
  cg_json_writer_member (w, "uptime");
  cg_json_writer_double_rounded (w, camera->started_at ?
      (g_get_monotonic_time () - camera->started_at) /
      (gdouble) G_USEC_PER_SEC : 0.0, 3);
  gw_camera_emit_status (camera, w);
  cg_json_writer_end_object (w);
}

/**
 * gw_camera_get_status:
 * @camera: a camera
 *
 * gw_camera_write_status() as a tree.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
gw_camera_get_status (GwCamera * camera)
{
  CgJsonWriter *w = cg_json_writer_new ();

  gw_camera_write_status (camera, w);
  return cg_json_writer_free_to_node (w);
}
