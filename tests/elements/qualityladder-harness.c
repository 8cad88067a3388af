/* camguard - qualityladder tests: the shared harness (GstHarness +
 * GstTestClock)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "qualityladder-harness.h"

#include "cg-details.h"
#include "cg-error.h"

gboolean
have_factory (const gchar * name)
{
  GstElementFactory *f = gst_element_factory_find (name);
  if (!f)
    return FALSE;
  gst_object_unref (f);
  return TRUE;
}

void
ctx_init (Ctx * c, const gchar * encoder, const gchar * extra)
{
  gchar *desc = g_strdup_printf ("qualityladder ladder=" SMALL_LADDER
      " encoder=%s max-lateness=0 key-int-max=1000 %s", encoder,
      extra ? extra : "");

  memset (c, 0, sizeof (*c));
  c->h = gst_harness_new_parse (desc);
  g_free (desc);
  c->ladder = gst_harness_find_element (c->h, "qualityladder");
  fail_unless (c->ladder != NULL);
  c->bus = gst_bus_new ();
  gst_element_set_bus (c->ladder, c->bus);
  gst_harness_use_testclock (c->h);
  gst_harness_set_src_caps_str (c->h, IN_CAPS);
}

void
ctx_clear (Ctx * c)
{
  gst_element_set_bus (c->ladder, NULL);
  gst_object_unref (c->bus);
  gst_object_unref (c->ladder);
  gst_clear_caps (&c->last_caps);
  gst_harness_teardown (c->h);
}

GstClockTime
now (Ctx * c)
{
  GstClock *clock = GST_CLOCK (gst_harness_get_testclock (c->h));
  GstClockTime t = gst_clock_get_time (clock);
  gst_object_unref (clock);
  return t;
}

gint
current_step (Ctx * c)
{
  gint s;
  g_object_get (c->ladder, "current-step", &s, NULL);
  return s;
}

/* Push one 640x360 frame stamped with the current virtual time, pull the
 * encoded frame and remember its caps and keyframe flag. */
void
push_frame (Ctx * c)
{
  GstBuffer *in, *out;
  GstClockTime t = now (c);

  in = gst_harness_create_buffer (c->h, 640 * 360 * 3 / 2);
  gst_buffer_memset (in, 0, (c->frames * 7) & 0xff, 640 * 360 * 3 / 2);
  if (t < c->next_pts)
    t = c->next_pts;
  GST_BUFFER_PTS (in) = t;
  GST_BUFFER_DURATION (in) = TICK;
  c->next_pts = t + 1;
  fail_unless_equals_int (gst_harness_push (c->h, in), GST_FLOW_OK);
  out = gst_harness_pull (c->h);
  fail_unless (out != NULL);
  c->last_keyframe = !GST_BUFFER_FLAG_IS_SET (out, GST_BUFFER_FLAG_DELTA_UNIT);
  gst_buffer_unref (out);
  gst_clear_caps (&c->last_caps);
  c->last_caps = gst_pad_get_current_caps (c->h->sinkpad);
  c->frames++;
  if (c->qos_late)
    fail_unless (gst_harness_push_upstream_event (c->h,
            gst_event_new_qos (GST_QOS_TYPE_UNDERFLOW, 1.3,
                40 * GST_MSECOND, t)));
}

/* Advance virtual time by @n evaluation ticks, one frame per tick (or
 * every @every ticks). */
void
run_ticks (Ctx * c, guint n, guint every)
{
  guint i;

  for (i = 0; i < n; i++) {
    if (every && i % every == 0)
      push_frame (c);
    fail_unless (gst_harness_crank_single_clock_wait (c->h));
  }
}

void
last_size (Ctx * c, gint * w, gint * h)
{
  GstStructure *s = gst_caps_get_structure (c->last_caps, 0);
  fail_unless (gst_structure_get_int (s, "width", w));
  fail_unless (gst_structure_get_int (s, "height", h));
}

GstStructure *
pop_quality_message (Ctx * c)
{
  GstMessage *m;
  GstStructure *s = NULL;

  while ((m = gst_bus_pop_filtered (c->bus, GST_MESSAGE_ELEMENT))) {
    if (gst_message_has_name (m, "camguard-quality")) {
      s = gst_structure_copy (gst_message_get_structure (m));
      gst_message_unref (m);
      break;
    }
    gst_message_unref (m);
  }
  return s;
}

GstStructure *
pop_warning_details (Ctx * c)
{
  GstMessage *m = gst_bus_pop_filtered (c->bus, GST_MESSAGE_WARNING);
  const GstStructure *d = NULL;
  GstStructure *s;

  if (!m)
    return NULL;
  gst_message_parse_warning_details (m, &d);
  s = d ? gst_structure_copy (d) : NULL;
  gst_message_unref (m);
  return s;
}

void
assert_code (const GstStructure * details, CgCode expected)
{
  CgCode code;

  fail_unless (cg_details_get_code (details, &code));
  fail_unless_equals_string (cg_code_to_name (code),
      cg_code_to_name (expected));
}

guint64
stat_u64 (Ctx * c, const gchar * field)
{
  GstStructure *s;
  guint64 v = 0;

  g_object_get (c->ladder, "statistics", &s, NULL);
  fail_unless (gst_structure_get_uint64 (s, field, &v));
  gst_structure_free (s);
  return v;
}
