/* camguard - qualityladder: settings checked, rejected and applied
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * What a property change or a step request does, in two halves: the part
 * under the object lock (validate, reject with a WARNING to post later, or
 * store the setting and work out what has to happen) fills an #Effects; the
 * part after the lock is released (install the encoder, put caps on the
 * capsfilter, post the WARNING, notify, re-evaluate) is
 * cg_quality_ladder_apply_effects(). A rejected property is remembered until
 * it gets a valid value: cg_quality_ladder_check_settings() fails the start
 * on it.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "cg-details.h"
#include "cgelementutil.h"
#include "cgqualityladder-private.h"

#define GST_CAT_DEFAULT cg_quality_ladder_debug

void
cg_quality_ladder_init_settings (Settings * set)
{
  set->ladder = cg_ladder_parse (CG_LADDER_DEFAULT, NULL);
  set->mode = DEFAULT_MODE;
  set->policy.down_reaction = DEFAULT_DOWN_REACTION;
  set->policy.up_hold = DEFAULT_UP_HOLD;
  set->policy.block_time = DEFAULT_BLOCK_TIME;
  set->policy.up_margin = DEFAULT_UP_MARGIN;
  set->policy.loss_threshold = DEFAULT_LOSS_THRESHOLD;
  set->policy.queue_threshold = DEFAULT_QUEUE_THRESHOLD;
  set->policy.max_lateness = DEFAULT_MAX_LATENESS;
  set->queue_time = DEFAULT_QUEUE_TIME;
  set->key_int_max = DEFAULT_KEY_INT_MAX;
  set->rejected = gst_structure_new_empty ("rejected");
}

/* ------------------------------------------------------------------------ */
/* rejections                                                               */

/* Reject a setting: a WARNING after unlocking; when @remember, the next
 * start fails until the property gets a valid value. */
static void
reject_locked (CgQualityLadder * self, Effects * fx, CgCode code,
    const gchar * prop, const gchar * value, const gchar * problem,
    gboolean remember)
{
  GstStructure *d = cg_details_new (code);

  gst_structure_set (d, "property", G_TYPE_STRING, prop,
      "value", G_TYPE_STRING, value, "problem", G_TYPE_STRING, problem, NULL);
  if (remember)
    gst_structure_set (self->settings.rejected, prop, GST_TYPE_STRUCTURE, d,
        NULL);
  if (fx->warning)
    gst_structure_free (fx->warning);
  fx->warning = d;
  fx->warning_text = "Invalid %s setting, keeping the previous value";
}

static void
accept_locked (CgQualityLadder * self, const gchar * prop)
{
  gst_structure_remove_field (self->settings.rejected, prop);
}

/* @text: a format with one %s, the property */
static void
post_warning (CgQualityLadder * self, GstStructure * details,
    const gchar * text)
{
  const gchar *prop = gst_structure_get_string (details, "property");

  GST_WARNING_OBJECT (self, "%s '%s' rejected: %s", prop,
      gst_structure_get_string (details, "value"),
      gst_structure_get_string (details, "problem"));
  gst_element_message_full_with_details (GST_ELEMENT (self),
      GST_MESSAGE_WARNING, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
      g_strdup_printf (text, prop),
      g_strdup_printf ("%s '%s': %s", prop,
          gst_structure_get_string (details, "value"),
          gst_structure_get_string (details, "problem")), __FILE__,
      GST_FUNCTION, __LINE__, details);
}

/* A property that takes effect only at start: refused in PAUSED/PLAYING. */
gboolean
cg_quality_ladder_check_ready_locked (CgQualityLadder * self, Effects * fx,
    const gchar * prop, const GValue * value)
{
  gchar *v;

  if (cg_element_get_state_locked (GST_ELEMENT (self)) <= GST_STATE_READY)
    return TRUE;
  v = G_VALUE_HOLDS_STRING (value) ? g_value_dup_string (value) :
      gst_value_serialize (value);
  reject_locked (self, fx, CG_CODE_VALIDATION_ERROR, prop, v ? v : "",
      "it can only be changed in the NULL or READY state", FALSE);
  g_free (v);
  return FALSE;
}

void
cg_quality_ladder_set_ladder_locked (CgQualityLadder * self, const gchar * str,
    Effects * fx)
{
  State *st = &self->state;
  GError *err = NULL;
  CgLadder *ladder = cg_ladder_parse (str, &err);
  gint n;

  if (!ladder) {
    reject_locked (self, fx, CG_CODE_VALIDATION_ERROR, "ladder",
        str ? str : "", err->message, TRUE);
    g_error_free (err);
    return;
  }
  accept_locked (self, "ladder");
  cg_ladder_free (self->settings.ladder);
  self->settings.ladder = ladder;
  n = cg_ladder_get_n_rungs (ladder);
  memset (self->stats.time_in_step, 0, sizeof (self->stats.time_in_step));
  cg_quality_ladder_fit_locked (self);
  if (st->target_step >= n) {
    gchar *v = g_strdup_printf ("%d", st->target_step);
    gchar *problem = g_strdup_printf ("the new ladder has %d rungs (0..%d): "
        "moved to step %d", n, n - 1, n - 1);

    reject_locked (self, fx, CG_CODE_VALIDATION_ERROR, "step", v, problem,
        FALSE);
    fx->warning_text = "The %s is out of range for the new ladder, moved "
        "to its lowest step";
    g_free (v);
    g_free (problem);
    st->target_step = n - 1;
    fx->notify_step = TRUE;
  }
  if (st->current_step >= n)
    st->current_step = n - 1;
  if (!st->fit[st->target_step].usable)
    st->target_step = cg_ladder_fit_best (st->fit, n);
  st->bitrate_step = -1;
  st->force_apply = TRUE;
  fx->caps = cg_quality_ladder_step_caps_locked (self, st->target_step);
}

/* Request step @idx (property: @remember a rejection; signal: not). */
gboolean
cg_quality_ladder_set_step_locked (CgQualityLadder * self, gint idx,
    gboolean remember, Effects * fx)
{
  State *st = &self->state;
  GError *err = NULL;

  if (!cg_ladder_check_index (self->settings.ladder, idx, &err)) {
    gchar *v = g_strdup_printf ("%d", idx);

    reject_locked (self, fx, CG_CODE_VALIDATION_ERROR, "step", v,
        err->message, remember);
    g_free (v);
    g_error_free (err);
    return FALSE;
  }
  accept_locked (self, "step");
  if (!st->fit[idx].usable) {
    /* would upscale: the best step without upscaling */
    gint best = cg_ladder_fit_best (st->fit,
        cg_ladder_get_n_rungs (self->settings.ladder));

    GST_INFO_OBJECT (self, "step %d would upscale the input, using %d", idx,
        best);
    idx = best;
  }
  fx->caps = cg_quality_ladder_request_step_locked (self, idx,
      CG_LADDER_REASON_MANUAL, cg_quality_ladder_now (self));
  fx->notify_step = TRUE;
  return TRUE;
}

void
cg_quality_ladder_set_encoder_locked (CgQualityLadder * self,
    const GValue * value, Effects * fx)
{
  const gchar *name = g_value_get_string (value);

  if (!name || !*name)
    name = CG_LADDER_DEFAULT_ENCODER;
  if (!cg_quality_ladder_check_ready_locked (self, fx, "encoder", value))
    return;
  if (self->encoder && g_strcmp0 (self->settings.encoder_name, name) == 0) {
    accept_locked (self, "encoder");
    return;
  }
  fx->encoder = g_strdup (name);
}

/* Install the requested encoder (no lock held). */
static void
install_encoder (CgQualityLadder * self, Effects * fx)
{
  GError *err = NULL;

  if (cg_quality_ladder_install_encoder (self, fx->encoder, &err)) {
    GST_OBJECT_LOCK (self);
    accept_locked (self, "encoder");
    g_free (self->settings.encoder_name);
    self->settings.encoder_name = g_strdup (fx->encoder);
    GST_OBJECT_UNLOCK (self);
    return;
  }
  GST_OBJECT_LOCK (self);
  reject_locked (self, fx, err->code, "encoder", fx->encoder, err->message,
      TRUE);
  GST_OBJECT_UNLOCK (self);
  g_error_free (err);
}

/* Everything a change does once the object lock is released. */
void
cg_quality_ladder_apply_effects (CgQualityLadder * self, Effects * fx)
{
  if (fx->encoder)
    install_encoder (self, fx);
  cg_quality_ladder_apply_caps (self, fx->caps);
  if (fx->set_queue_time)
    g_object_set (self->queue, "max-size-time", fx->queue_time, NULL);
  if (fx->set_key_int_max)
    cg_ladder_encoder_set_key_int_max (self->state.encoder, self->encoder,
        fx->key_int_max);
  if (fx->warning)
    post_warning (self, fx->warning, fx->warning_text);
  if (fx->notify_step)
    g_object_notify (G_OBJECT (self), "step");
  /* external estimates: a sudden drop starts the reaction time now */
  if (fx->reevaluate && GST_STATE (self) == GST_STATE_PLAYING)
    cg_quality_ladder_evaluate (self, FALSE);
  g_free (fx->encoder);
}

GstStructure *
cg_quality_ladder_statistics_locked (CgQualityLadder * self, GstClockTime now)
{
  State *st = &self->state;
  Stats *stats = &self->stats;
  CgLadder *l = self->settings.ladder;
  GstStructure *s, *per = gst_structure_new_empty ("time-per-step");
  gint cur = st->current_step;
  guint i;

  for (i = 0; i < cg_ladder_get_n_rungs (l); i++) {
    GstClockTime t = stats->time_in_step[i];

    if ((gint) i == cur && GST_CLOCK_TIME_IS_VALID (now) &&
        GST_CLOCK_TIME_IS_VALID (st->step_entered) && now >= st->step_entered)
      t += now - st->step_entered;
    gst_structure_set (per, cg_ladder_get_rung_name (l, i), G_TYPE_UINT64, t,
        NULL);
  }
  s = gst_structure_new ("camguard-qualityladder-stats",
      "steps-down", G_TYPE_UINT64, stats->steps_down,
      "steps-up", G_TYPE_UINT64, stats->steps_up,
      "current-step", G_TYPE_INT, cur,
      "current-step-name", G_TYPE_STRING, cur >= 0 ?
      cg_ladder_get_rung_name (l, cur) : "",
      "current-width", G_TYPE_INT, cur >= 0 ? st->size[cur].width : 0,
      "current-height", G_TYPE_INT, cur >= 0 ? st->size[cur].height : 0,
      "current-bitrate", G_TYPE_UINT, cur >= 0 ?
      cg_ladder_get_rung_bitrate (l, cur) : 0,
      "qos-events", G_TYPE_UINT64, stats->qos_events,
      "queue-fill", G_TYPE_DOUBLE, stats->queue_fill,
      "queue-fill-max", G_TYPE_DOUBLE, stats->queue_fill_max,
      "latency", G_TYPE_DOUBLE, st->last_latency_ms,
      "time-per-step", GST_TYPE_STRUCTURE, per, NULL);
  gst_structure_free (per);
  return s;
}

/* NULL to READY: a setting rejected and never replaced fails the start. */
gboolean
cg_quality_ladder_check_settings (CgQualityLadder * self)
{
  GstStructure *details = NULL;
  const GValue *v;

  GST_OBJECT_LOCK (self);
  if (gst_structure_n_fields (self->settings.rejected) > 0) {
    v = gst_structure_get_value (self->settings.rejected,
        gst_structure_nth_field_name (self->settings.rejected, 0));
    details = gst_structure_copy (gst_value_get_structure (v));
  } else if (!self->encoder) {
    details = cg_details_new (CG_CODE_MISSING_COMPONENT);
    gst_structure_set (details, "property", G_TYPE_STRING, "encoder",
        "problem", G_TYPE_STRING, "no encoder could be created", NULL);
  }
  GST_OBJECT_UNLOCK (self);
  if (!details)
    return TRUE;
  gst_element_message_full_with_details (GST_ELEMENT (self),
      GST_MESSAGE_ERROR, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
      g_strdup ("Invalid qualityladder configuration"),
      g_strdup_printf ("%s: %s", gst_structure_get_string (details,
              "property"), gst_structure_get_string (details, "problem")),
      __FILE__, GST_FUNCTION, __LINE__, details);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* the action signals                                                       */

gboolean
cg_quality_ladder_set_step (CgQualityLadder * self, gint idx)
{
  Effects fx = { 0, };
  gboolean ok;

  GST_OBJECT_LOCK (self);
  ok = cg_quality_ladder_set_step_locked (self, idx, FALSE, &fx);
  GST_OBJECT_UNLOCK (self);
  cg_quality_ladder_apply_effects (self, &fx);
  return ok;
}

/* One usable step down (@dir 1) or up (@dir -1), if there is one. */
static gboolean
step_by (CgQualityLadder * self, gint dir)
{
  Effects fx = { 0, };
  gboolean ok = FALSE;
  guint n;
  gint to;

  GST_OBJECT_LOCK (self);
  n = cg_ladder_get_n_rungs (self->settings.ladder);
  to = dir > 0 ?
      cg_ladder_fit_next_down (self->state.fit, n, self->state.target_step) :
      cg_ladder_fit_next_up (self->state.fit, n, self->state.target_step);
  if (to >= 0)
    ok = cg_quality_ladder_set_step_locked (self, to, FALSE, &fx);
  GST_OBJECT_UNLOCK (self);
  cg_quality_ladder_apply_effects (self, &fx);
  return ok;
}

gboolean
cg_quality_ladder_step_down (CgQualityLadder * self)
{
  return step_by (self, 1);
}

gboolean
cg_quality_ladder_step_up (CgQualityLadder * self)
{
  return step_by (self, -1);
}
