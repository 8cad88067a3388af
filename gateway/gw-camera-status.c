/* camguard-gateway - a camera's status document
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * gw_camera_write_status(): what GET /cameras/{id}/status and
 * get_camera_status answer, written on every request (the gateway's
 * busiest JSON). Its `source` (retrysrc's status and statistics) and
 * `quality` (the ladder's current step and mode) are element properties,
 * costly to read (retrysrc rebuilds its statistics on every read). While
 * the source is running, nothing in them changes without the camera
 * hearing of it: retrysrc notifies its status, the ladder notifies its
 * current step and every property set (mode), and the statistics count
 * starts, outages, retries, fallback frames and breaker outcomes, all of
 * which come with a status change or a bus message. gw-camera.c counts
 * all of these (GwCamera.changes, atomic, any thread), so the text of the
 * two members is kept while that count stays where it was when they were
 * read, for at most STATS_MAX_AGE_US; any other status than running reads
 * them again on every status.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-camera-private.h"

#define STATS_MAX_AGE_US (G_USEC_PER_SEC)

/**
 * gw_camera_forget_status:
 * @camera: a camera
 *
 * Drops the kept text of `source` and `quality`: the next status reads
 * them from the elements.
 */
void
gw_camera_forget_status (GwCamera * camera)
{
  g_clear_pointer (&camera->source_json, g_free);
  g_clear_pointer (&camera->quality_json, g_free);
}

/* retrysrc's statistics, read from the element; FALSE when it has none. */
static gboolean
write_statistics (GwCamera * self, CgJsonWriter * w)
{
  g_auto (GValue) v = G_VALUE_INIT;
  const GstStructure *stats;

  /* the structure the element made, read in place (g_object_get() would
   * copy it once more) */
  g_value_init (&v, GST_TYPE_STRUCTURE);
  g_object_get_property (G_OBJECT (self->pipe->source), "statistics", &v);
  stats = gst_value_get_structure (&v);
  if (stats == NULL)
    return FALSE;
  cg_json_writer_member (w, "statistics");
  cg_structure_write_json (stats, w);
  return TRUE;
}

/* `source` as text, read now; @keep: whether it may be kept (the source
 * runs and has statistics). */
static gchar *
read_source (GwCamera * self, gboolean * keep)
{
  g_autofree gchar *status = gw_camera_enum_nick (G_OBJECT
      (self->pipe->source), "status");
  CgJsonWriter *w = cg_json_writer_new ();

  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "status", status);
  *keep = write_statistics (self, w) && g_strcmp0 (status, "running") == 0;
  cg_json_writer_end_object (w);
  return cg_json_writer_free_to_string (w, NULL);
}

/* `quality` as text, read now. */
static gchar *
read_quality (GwCamera * self)
{
  g_autofree gchar *mode = gw_camera_enum_nick (G_OBJECT (self->pipe->ladder),
      "mode");
  CgJsonWriter *w = cg_json_writer_new ();
  gint step = -1;

  g_object_get (self->pipe->ladder, "current-step", &step, NULL);
  cg_json_writer_begin_object (w);
  cg_json_writer_member_int (w, "step", step);
  cg_json_writer_member_string (w, "mode", mode);
  cg_json_writer_end_object (w);
  return cg_json_writer_free_to_string (w, NULL);
}

/* `source` and `quality` (raw cameras): kept while nothing changed since
 * they were read, the source was running then, and for at most
 * STATS_MAX_AGE_US; else read again. */
static void
add_source_and_quality (GwCamera * self, CgJsonWriter * w)
{
  /* read before the elements: a change while they are read makes the next
   * status read them again */
  gint changes = g_atomic_int_get (&self->changes);
  gint64 now = g_get_monotonic_time ();

  if (self->source_json == NULL || !self->text_running
      || changes != self->text_changes
      || now - self->text_us > STATS_MAX_AGE_US) {
    gw_camera_forget_status (self);
    self->source_json = read_source (self, &self->text_running);
    if (self->pipe->ladder)
      self->quality_json = read_quality (self);
    self->text_changes = changes;
    self->text_us = now;
  }
  cg_json_writer_member (w, "source");
  cg_json_writer_raw (w, self->source_json);
  if (self->quality_json) {
    cg_json_writer_member (w, "quality");
    cg_json_writer_raw (w, self->quality_json);
  }
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
 * (seconds since the camera was started, 0 when stopped), then what
 * the camera's #GwCameraStatusFunc adds (the gateway's outputs: `live`,
 * `recording`).
 */
void
gw_camera_write_status (GwCamera * camera, CgJsonWriter * w)
{
  cg_json_writer_begin_object (w);
  cg_json_writer_member_string (w, "id", camera->spec->id);
  cg_json_writer_member_string (w, "state",
      gw_camera_state_to_string (camera->state));
  if (camera->pipe)
    add_source_and_quality (camera, w);
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
  if (camera->status_func)
    camera->status_func (camera, w, camera->status_data);
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
