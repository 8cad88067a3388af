/* camguard-gateway - tests for the event hub
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gw-event-hub.h"
#include "gw-test-events.h"

#define N_FAST 3
#define N_EVENTS 100
#define SLOW_QUEUE 4

typedef struct
{
  GPtrArray *events;            /* GwEvent received */
  GArray *notices;              /* guint64 dropped counts, in order */
  GArray *order;                /* 0 event, 1 notice, in order */
  gboolean hold;                /* return FALSE from the next delivery */
} Sink;

static Sink *
sink_new (void)
{
  Sink *s = g_new0 (Sink, 1);

  s->events = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gw_event_unref);
  s->notices = g_array_new (FALSE, FALSE, sizeof (guint64));
  s->order = g_array_new (FALSE, FALSE, sizeof (gint));
  return s;
}

static void
sink_free (Sink * s)
{
  g_ptr_array_unref (s->events);
  g_array_unref (s->notices);
  g_array_unref (s->order);
  g_free (s);
}

static gboolean
sink_deliver (GwEventSubscription * sub, GwEvent * event, guint64 dropped,
    gpointer data)
{
  Sink *s = data;
  gint what = event ? 0 : 1;
  gboolean go_on = !s->hold;

  if (event) {
    g_assert_cmpuint (dropped, ==, 0);
    g_ptr_array_add (s->events, gw_event_ref (event));
  } else {
    g_assert_cmpuint (dropped, >, 0);
    g_array_append_val (s->notices, dropped);
  }
  g_array_append_val (s->order, what);
  s->hold = FALSE;
  return go_on;
}

static guint
count_kind (Sink * s, GwEventKind kind)
{
  guint i, n = 0;

  for (i = 0; i < s->events->len; i++)
    n += gw_event_get_kind (s->events->pdata[i]) == kind;
  return n;
}

static void
test_filters (void)
{
  static const gchar *const cameras[] = { "door", "desk" };
  GwEventHub *hub = gw_event_hub_new (NULL);
  Sink *all = sink_new (), *errors = sink_new (), *door = sink_new ();
  Sink *retry = sink_new (), *later = sink_new ();
  GwEventSubscription *later_sub;
  GwEventKind k;
  guint c;

  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL, 0, sink_deliver,
      all, (GDestroyNotify) sink_free);
  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ERRORS, NULL, 0, sink_deliver,
      errors, (GDestroyNotify) sink_free);
  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_STATE | GW_EVENT_TOPIC_ERRORS,
      "door", 0, sink_deliver, door, (GDestroyNotify) sink_free);
  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_RETRY, NULL, 0, sink_deliver,
      retry, (GDestroyNotify) sink_free);
  later_sub = gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_WARNINGS, NULL, 0,
      sink_deliver, later, (GDestroyNotify) sink_free);
  g_assert_cmpuint (gw_event_hub_get_n_subscriptions (hub), ==, 5);

  for (c = 0; c < G_N_ELEMENTS (cameras); c++) {
    for (k = 0; k <= GW_EVENT_KIND_LAST; k++) {
      GwEvent *ev = event_of_kind (k, cameras[c]);

      g_assert_cmpint (gw_event_hub_publish (hub, ev), ==,
          c * (GW_EVENT_KIND_LAST + 1) + k + 1);
      gw_event_unref (ev);
    }
    if (c == 0)
      gw_event_subscription_set_filter (later_sub, GW_EVENT_TOPIC_QUALITY,
          "desk");
  }
  /* nothing is delivered from publish itself */
  g_assert_cmpuint (all->events->len, ==, 0);
  drain ();

  g_assert_cmpuint (all->events->len, ==, 14);
  g_assert_cmpuint (errors->events->len, ==, 2);
  g_assert_cmpuint (count_kind (errors, GW_EVENT_KIND_ERROR), ==, 2);
  g_assert_cmpuint (door->events->len, ==, 2);
  g_assert_cmpuint (count_kind (door, GW_EVENT_KIND_ERROR), ==, 1);
  g_assert_cmpuint (count_kind (door, GW_EVENT_KIND_STATE), ==, 1);
  g_assert_cmpstr (gw_event_get_camera_id (door->events->pdata[0]), ==, "door");
  g_assert_cmpuint (retry->events->len, ==, 6);
  g_assert_cmpuint (count_kind (retry, GW_EVENT_KIND_GIVE_UP), ==, 2);
  /* the door warning, then (new filter) the desk quality step */
  g_assert_cmpuint (later->events->len, ==, 2);
  g_assert_cmpuint (count_kind (later, GW_EVENT_KIND_WARNING), ==, 1);
  g_assert_cmpuint (count_kind (later, GW_EVENT_KIND_QUALITY), ==, 1);
  g_assert_cmpuint (gw_event_hub_get_dropped (hub), ==, 0);
  gw_event_hub_free (hub);
}

typedef struct
{
  Sink *fast[N_FAST];
  guint want;
} FastWait;

static gboolean
fast_have (gpointer data)
{
  FastWait *w = data;
  guint i;

  for (i = 0; i < N_FAST; i++) {
    if (w->fast[i]->events->len < w->want)
      return FALSE;
  }
  return TRUE;
}

static gboolean
sink_has_order (gpointer data)
{
  Sink *s = ((gpointer *) data)[0];

  return s->order->len >= GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

/* A subscriber that stops draining (queue 4) while 100 events go out: the
 * others get all 100 as they come; it gets its first event, its queue of
 * 4, then an events-dropped notice with the 95 it missed, then new events
 * again. */
static void
test_slow_subscriber (void)
{
  GwEventHub *hub = gw_event_hub_new (NULL);
  FastWait w = { {NULL}, 0 };
  Sink *slow = sink_new ();
  GwEventSubscription *slow_sub;
  gpointer wait_slow[2];
  guint i;
  gint64 ids[N_EVENTS + 1];

  for (i = 0; i < N_FAST; i++) {
    w.fast[i] = sink_new ();
    gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL, SLOW_QUEUE,
        sink_deliver, w.fast[i], (GDestroyNotify) sink_free);
  }
  slow->hold = TRUE;
  slow_sub = gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL,
      SLOW_QUEUE, sink_deliver, slow, NULL);

  for (i = 0; i < N_EVENTS; i++) {
    GwEvent *ev = event_of_kind (i % (GW_EVENT_KIND_LAST + 1), "door");

    ids[i] = gw_event_hub_publish (hub, ev);
    gw_event_unref (ev);
    w.want = i + 1;
    iterate_until (fast_have, &w);
  }
  for (i = 0; i < N_FAST; i++) {
    guint j;

    g_assert_cmpuint (w.fast[i]->events->len, ==, N_EVENTS);
    g_assert_cmpuint (w.fast[i]->notices->len, ==, 0);
    for (j = 0; j < N_EVENTS; j++)
      g_assert_cmpint (gw_event_get_id (w.fast[i]->events->pdata[j]), ==,
          ids[j]);
  }
  /* the slow one took the first event and said it was full */
  drain ();
  g_assert_cmpuint (slow->events->len, ==, 1);
  g_assert_cmpuint (gw_event_subscription_get_dropped (slow_sub), ==,
      N_EVENTS - 1 - SLOW_QUEUE);
  g_assert_cmpuint (gw_event_hub_get_dropped (hub), ==,
      N_EVENTS - 1 - SLOW_QUEUE);

  gw_event_subscription_resume (slow_sub);
  wait_slow[0] = slow;
  wait_slow[1] = GUINT_TO_POINTER (1 + SLOW_QUEUE + 1);
  iterate_until (sink_has_order, wait_slow);
  g_assert_cmpuint (slow->events->len, ==, 1 + SLOW_QUEUE);
  for (i = 0; i < 1 + SLOW_QUEUE; i++)
    g_assert_cmpint (gw_event_get_id (slow->events->pdata[i]), ==, ids[i]);
  g_assert_cmpuint (slow->notices->len, ==, 1);
  g_assert_cmpuint (g_array_index (slow->notices, guint64, 0), ==,
      N_EVENTS - 1 - SLOW_QUEUE);
  g_assert_cmpint (g_array_index (slow->order, gint, 1 + SLOW_QUEUE), ==, 1);

  /* back to normal: the next event comes, with no other notice */
  {
    GwEvent *ev = event_of_kind (GW_EVENT_KIND_ERROR, "door");

    ids[N_EVENTS] = gw_event_hub_publish (hub, ev);
    gw_event_unref (ev);
  }
  wait_slow[1] = GUINT_TO_POINTER (1 + SLOW_QUEUE + 2);
  iterate_until (sink_has_order, wait_slow);
  g_assert_cmpint (gw_event_get_id (slow->events->pdata[1 + SLOW_QUEUE]), ==,
      ids[N_EVENTS]);
  g_assert_cmpuint (slow->notices->len, ==, 1);
  drain ();
  g_assert_cmpuint (slow->order->len, ==, 1 + SLOW_QUEUE + 2);

  gw_event_hub_unsubscribe (hub, slow_sub);
  sink_free (slow);
  gw_event_hub_free (hub);
}

/* A dropped gap in the middle of a queue: the notice is delivered between
 * the events before and after the gap. */
static void
test_notice_order (void)
{
  GwEventHub *hub = gw_event_hub_new (NULL);
  Sink *s = sink_new ();
  GwEventSubscription *sub;
  guint i;
  static const gint want[] = { 0, 0, 0, 1, 0 };

  sub = gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL, 2,
      sink_deliver, s, NULL);
  s->hold = TRUE;
  /* 1 delivered (hold), 2 and 3 queued, 4..6 dropped */
  for (i = 0; i < 6; i++) {
    GwEvent *ev = event_of_kind (GW_EVENT_KIND_ERROR, "door");

    gw_event_hub_publish (hub, ev);
    gw_event_unref (ev);
    if (i == 0)
      drain ();
  }
  drain ();
  g_assert_cmpuint (s->events->len, ==, 1);
  s->hold = TRUE;
  gw_event_subscription_resume (sub);
  drain ();
  /* it took 2 and held again: 3 queued, 3 dropped pending; 7 goes in
   * after a notice */
  g_assert_cmpuint (s->events->len, ==, 2);
  {
    GwEvent *ev = event_of_kind (GW_EVENT_KIND_ERROR, "door");

    gw_event_hub_publish (hub, ev);
    gw_event_unref (ev);
  }
  gw_event_subscription_resume (sub);
  drain ();
  g_assert_cmpuint (s->order->len, ==, G_N_ELEMENTS (want));
  for (i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpint (g_array_index (s->order, gint, i), ==, want[i]);
  g_assert_cmpuint (g_array_index (s->notices, guint64, 0), ==, 3);
  g_assert_cmpint (gw_event_get_id (s->events->pdata[2]), ==, 3);
  g_assert_cmpint (gw_event_get_id (s->events->pdata[3]), ==, 7);
  g_assert_cmpuint (gw_event_subscription_get_dropped (sub), ==, 3);
  gw_event_hub_free (hub);
  sink_free (s);
}

static gboolean
unsubscribe_self (GwEventSubscription * sub, GwEvent * event,
    guint64 dropped, gpointer data)
{
  GwEventHub *hub = data;

  gw_event_hub_unsubscribe (hub, sub);
  return TRUE;
}

static void
count_notify (gpointer data)
{
  (*(guint *) data)++;
}

static void
test_unsubscribe_in_callback (void)
{
  GwEventHub *hub = gw_event_hub_new (NULL);
  Sink *a = sink_new (), *b = sink_new ();
  guint i, notified = 0;

  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL, 8, sink_deliver,
      a, NULL);
  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL, 8, unsubscribe_self,
      hub, NULL);
  /* its notify tells when it ends */
  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL, 8, unsubscribe_self,
      hub, NULL);
  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL, 8, sink_deliver,
      b, NULL);
  for (i = 0; i < 3; i++) {
    GwEvent *ev = event_of_kind (GW_EVENT_KIND_ERROR, "door");

    gw_event_hub_publish (hub, ev);
    gw_event_unref (ev);
  }
  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL, 8, sink_deliver,
      sink_new (), (GDestroyNotify) sink_free);
  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_STATE, NULL, 8,
      unsubscribe_self, hub, NULL);
  drain ();
  g_assert_cmpuint (gw_event_hub_get_n_subscriptions (hub), ==, 4);
  g_assert_cmpuint (a->events->len, ==, 3);
  g_assert_cmpuint (b->events->len, ==, 3);

  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL, 8, sink_deliver,
      sink_new (), (GDestroyNotify) sink_free);
  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ALL, NULL, 8, sink_deliver,
      &notified, count_notify);
  gw_event_hub_free (hub);
  g_assert_cmpuint (notified, ==, 1);
  sink_free (a);
  sink_free (b);
}

/* With a store: ids come from the store, published events are stored, a
 * new store on the same directory goes on from the last id. */
static void
test_with_store (void)
{
  gchar *dir = g_dir_make_tmp ("gw-event-hub-XXXXXX", NULL);
  GwEventStore *store = gw_event_store_new (dir, NULL, NULL, NULL);
  GwEventHub *hub = gw_event_hub_new (store);
  Sink *s = sink_new ();
  GwEventQuery q;
  GPtrArray *page;
  guint i;

  gw_event_hub_subscribe (hub, GW_EVENT_TOPIC_ERRORS, NULL, 0, sink_deliver,
      s, NULL);
  for (i = 0; i < 50; i++) {
    GwEvent *ev = event_of_kind (i % (GW_EVENT_KIND_LAST + 1), "door");

    g_assert_cmpint (gw_event_hub_publish (hub, ev), ==, i + 1);
    gw_event_unref (ev);
  }
  store_flush (store);
  gw_event_query_init (&q);
  page = store_query (store, &q, NULL, NULL);
  g_assert_cmpuint (page->len, ==, 50);
  drain ();
  g_assert_cmpuint (s->events->len, ==, 8);
  for (i = 0; i < s->events->len; i++) {
    GwEvent *got = s->events->pdata[i];
    GwEvent *stored = page->pdata[50 - gw_event_get_id (got)];
    gchar *a = gw_event_to_json (got), *b = gw_event_to_json (stored);

    g_assert_cmpstr (a, ==, b);
    g_free (a);
    g_free (b);
  }
  g_ptr_array_unref (page);
  gw_event_hub_free (hub);
  gw_event_store_close (store);

  store = gw_event_store_new (dir, NULL, NULL, NULL);
  hub = gw_event_hub_new (store);
  {
    GwEvent *ev = event_of_kind (GW_EVENT_KIND_STATE, "door");

    g_assert_cmpint (gw_event_hub_publish (hub, ev), ==, 51);
    gw_event_unref (ev);
  }
  gw_event_hub_free (hub);
  gw_event_store_close (store);
  sink_free (s);

  remove_dir (dir);
  g_free (dir);
}

/* The notice after a gap, as written. */
static void
test_dropped_notice (void)
{
  CgJsonWriter *w = cg_json_writer_new ();
  gint64 before = g_get_real_time () / 1000;
  g_autofree gchar *text = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o;

  gw_event_write_dropped_notice (5, w);
  text = cg_json_writer_free_to_string (w, NULL);
  g_assert_true (g_str_has_prefix (text,
          "{\"type\":\"events-dropped\",\"dropped\":5,\"timestamp\":"));
  node = json_from_string (text, NULL);
  o = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (o), ==, 3);
  g_assert_cmpint (json_object_get_int_member (o, "timestamp"), >=, before);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/event-hub/filters", test_filters);
  g_test_add_func ("/event-hub/slow-subscriber", test_slow_subscriber);
  g_test_add_func ("/event-hub/notice-order", test_notice_order);
  g_test_add_func ("/event-hub/unsubscribe-in-callback",
      test_unsubscribe_in_callback);
  g_test_add_func ("/event-hub/with-store", test_with_store);
  g_test_add_func ("/event-hub/dropped-notice", test_dropped_notice);
  return g_test_run ();
}
