/* camguard - the clock of a CgBackoff or CgCircuitBreaker (private)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Both objects timestamp what happens to them on a clock that tests replace
 * with a GstTestClock: one way to swap and read it under the object's lock.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-clock-slot.h"

/* Puts @clock (NULL: the system clock) in @slot under @lock and drops the
 * old one. */
void
cg_clock_slot_set (GMutex * lock, GstClock ** slot, GstClock * clock)
{
  GstClock *old;

  if (clock)
    gst_object_ref (clock);
  else
    clock = gst_system_clock_obtain ();
  g_mutex_lock (lock);
  old = *slot;
  *slot = clock;
  g_mutex_unlock (lock);
  if (old)
    gst_object_unref (old);
}

/* A reference to the clock in @slot, read under @lock. */
GstClock *
cg_clock_slot_get (GMutex * lock, GstClock ** slot)
{
  GstClock *clock;

  g_mutex_lock (lock);
  clock = gst_object_ref (*slot);
  g_mutex_unlock (lock);
  return clock;
}
