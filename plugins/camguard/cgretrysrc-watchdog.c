/* camguard - retrysrc: the stall watchdog
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * The watchdog tells a source that stopped producing buffers (a camera that
 * keeps its RTSP session but sends nothing posts nothing at all) from one
 * that is working, without reading the clock per buffer:
 *
 * - the streaming thread only counts buffers (cg_watchdog_feed(): one atomic
 *   increment, no lock, no clock);
 * - a check on the element's clock every timeout/10 notes when the count
 *   last moved, and reports a stall when it has not moved for the whole
 *   timeout. A stall is thus reported between timeout and
 *   timeout + timeout/10 after the last buffer.
 *
 * The stall function is called with the watchdog's (recursive) lock held, so
 * that once cg_watchdog_stop() has returned it is neither running nor about
 * to run; it may itself call cg_watchdog_stop(). Callers must not call into
 * the watchdog with a lock held that the stall function takes.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cgretrysrc-watchdog.h"

GST_DEBUG_CATEGORY_STATIC (cg_watchdog_debug);
#define GST_CAT_DEFAULT cg_watchdog_debug

/* checks per timeout */
#define TICKS 10

struct _CgWatchdog
{
  gint buffers;                 /* atomic: buffers seen */

  GRecMutex lock;               /* protects everything below */
  CgWatchdogFunc func;
  gpointer user_data;
  GstClock *clock;
  GstClockTime timeout;
  GstClockTime last_progress;
  gint seen;
  GstClockID id;                /* the pending check, NULL when stopped */
};

static void
watchdog_release (gpointer data)
{
  CgWatchdog *w = data;

  g_rec_mutex_clear (&w->lock);
}

CgWatchdog *
cg_watchdog_new (CgWatchdogFunc func, gpointer user_data)
{
  CgWatchdog *w = g_atomic_rc_box_new0 (CgWatchdog);

  /* the same category comes back for the same name: no race to fear */
  GST_DEBUG_CATEGORY_INIT (cg_watchdog_debug, "retrysrc-watchdog", 0,
      "camguard retrysrc stall watchdog");
  g_rec_mutex_init (&w->lock);
  w->func = func;
  w->user_data = user_data;
  return w;
}

void
cg_watchdog_free (CgWatchdog * watchdog)
{
  cg_watchdog_stop (watchdog);
  g_atomic_rc_box_release_full (watchdog, watchdog_release);
}

static void
unref_watchdog (gpointer data)
{
  g_atomic_rc_box_release_full (data, watchdog_release);
}

static gboolean check (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data);

/* Lock held. */
static void
schedule_locked (CgWatchdog * w, GstClockTime at)
{
  w->id = gst_clock_new_single_shot_id (w->clock, at);
  gst_clock_id_wait_async (w->id, check, g_atomic_rc_box_acquire (w),
      unref_watchdog);
}

static void
clear_locked (CgWatchdog * w)
{
  if (w->id) {
    gst_clock_id_unschedule (w->id);
    gst_clock_id_unref (w->id);
    w->id = NULL;
  }
}

static gboolean
check (GstClock * clock, GstClockTime time, GstClockID id, gpointer user_data)
{
  CgWatchdog *w = user_data;
  GstClockTime now;
  gint buffers;

  g_rec_mutex_lock (&w->lock);
  if (w->id != id || time == GST_CLOCK_TIME_NONE) {
    g_rec_mutex_unlock (&w->lock);
    return TRUE;
  }
  now = gst_clock_get_time (clock);
  buffers = g_atomic_int_get (&w->buffers);
  if (buffers != w->seen) {
    w->seen = buffers;
    w->last_progress = now;
  }
  clear_locked (w);
  if (now >= w->last_progress + w->timeout) {
    GST_INFO ("no buffer for %" GST_TIME_FORMAT ": stall",
        GST_TIME_ARGS (now - w->last_progress));
    w->func (w->user_data);
  } else {
    schedule_locked (w, now + MAX (w->timeout / TICKS, 1));
  }
  g_rec_mutex_unlock (&w->lock);
  return TRUE;
}

/* Starts watching from now: a stall is reported when no buffer comes for
 * @timeout (0: never). */
void
cg_watchdog_start (CgWatchdog * watchdog, GstClock * clock,
    GstClockTime timeout)
{
  GstClockTime now;

  g_rec_mutex_lock (&watchdog->lock);
  clear_locked (watchdog);
  gst_object_replace ((GstObject **) & watchdog->clock, GST_OBJECT (clock));
  watchdog->timeout = timeout;
  if (timeout > 0) {
    now = gst_clock_get_time (clock);
    watchdog->last_progress = now;
    watchdog->seen = g_atomic_int_get (&watchdog->buffers);
    schedule_locked (watchdog, now + MAX (timeout / TICKS, 1));
  }
  g_rec_mutex_unlock (&watchdog->lock);
}

/* Never waits for anything but a running stall function. */
void
cg_watchdog_stop (CgWatchdog * watchdog)
{
  g_rec_mutex_lock (&watchdog->lock);
  clear_locked (watchdog);
  gst_clear_object (&watchdog->clock);
  g_rec_mutex_unlock (&watchdog->lock);
}

void
cg_watchdog_feed (CgWatchdog * watchdog)
{
  g_atomic_int_inc (&watchdog->buffers);
}
