/* camguard-gateway - the event hub: store and fan out
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:gw-event-hub
 * @title: GwEventHub
 * @short_description: publish an event to the store and every matching
 *   subscriber
 *
 * gw_event_hub_publish() gives the event its id (from the #GwEventStore,
 * which queues it for writing), then offers it to every subscription whose
 * filter matches: a set of topics (state, errors, warnings, quality, retry)
 * and one camera or all.
 *
 * Each subscription has a bounded queue, drained by an idle source on the
 * hub's main context that calls the subscriber's #GwEventHubFunc. A
 * subscriber that cannot take more (its callback returned %FALSE, until
 * gw_event_subscription_resume()) never slows publish or the other
 * subscribers: when its queue is full, newer events are dropped and
 * counted, and once it drains, the next item it is given is an
 * `events-dropped` notice carrying the count, followed by the events that
 * arrived after the gap.
 *
 * Threads: publish, subscribe, unsubscribe and deliveries all happen on the
 * main context that was the thread-default one when the hub was created.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gw-event-hub.h"

/* Items delivered per idle dispatch, so that one busy subscriber cannot
 * hold the main loop. */
#define DELIVER_PER_DISPATCH 64
#define DEFAULT_QUEUE_SIZE 256

typedef struct
{
  GwEvent *event;               /* NULL: an events-dropped notice */
  guint64 dropped;
} Item;

struct _GwEventSubscription
{
  gint ref_count;
  GwEventHub *hub;              /* NULL once unsubscribed */
  GwEventTopic topics;
  gchar *camera_id;
  guint capacity;
  GwEventHubFunc func;
  gpointer user_data;
  GDestroyNotify notify;

  GQueue queue;                 /* of Item */
  guint n_events;               /* events in queue (notices not counted) */
  guint64 pending_dropped;      /* dropped since the last queued item */
  guint64 dropped_total;
  gboolean held;
  GSource *source;
};

struct _GwEventHub
{
  GwEventStore *store;
  GMainContext *context;
  GList *subscriptions;
  gint64 last_id;
  guint64 dropped;
};

/**
 * gw_event_write_dropped_notice:
 * @dropped: how many events were dropped
 * @writer: where the notice is written, as a value
 *
 * The notice a subscriber gets after a gap: `{"type": "events-dropped",
 * "dropped": N, "timestamp": MS}`.
 */
void
gw_event_write_dropped_notice (guint64 dropped, CgJsonWriter * writer)
{
  g_return_if_fail (writer != NULL);
  cg_json_writer_begin_object (writer);
  cg_json_writer_member_string (writer, "type", "events-dropped");
  cg_json_writer_member_int (writer, "dropped", dropped);
  cg_json_writer_member_int (writer, "timestamp", g_get_real_time () / 1000);
  cg_json_writer_end_object (writer);
}

/**
 * gw_event_hub_new:
 * @store: (nullable): the store events are written to (the hub does not
 *   own it); without one the hub numbers events itself
 *
 * Creates a hub bound to the calling thread's thread-default main context.
 *
 * Returns: (transfer full): the hub
 */
GwEventHub *
gw_event_hub_new (GwEventStore * store)
{
  GwEventHub *hub = g_new0 (GwEventHub, 1);

  hub->store = store;
  hub->context = g_main_context_ref_thread_default ();
  return hub;
}

static GwEventSubscription *
sub_ref (GwEventSubscription * sub)
{
  sub->ref_count++;
  return sub;
}

static void
item_free (Item * item)
{
  if (item->event)
    gw_event_unref (item->event);
  g_free (item);
}

static void
sub_unref (GwEventSubscription * sub)
{
  if (--sub->ref_count > 0)
    return;
  g_queue_clear_full (&sub->queue, (GDestroyNotify) item_free);
  g_free (sub->camera_id);
  g_free (sub);
}

/* Detaches @sub from its hub: no more deliveries; its notify is called. */
static void
sub_detach (GwEventSubscription * sub)
{
  if (sub->source) {
    g_source_destroy (sub->source);
    g_source_unref (sub->source);
    sub->source = NULL;
  }
  sub->hub = NULL;
  if (sub->notify)
    sub->notify (sub->user_data);
  sub->notify = NULL;
  sub_unref (sub);
}

/**
 * gw_event_hub_free:
 * @hub: (transfer full): the hub
 *
 * Ends every subscription (their notify functions are called) and frees
 * the hub. The store is not closed.
 */
void
gw_event_hub_free (GwEventHub * hub)
{
  g_return_if_fail (hub != NULL);

  while (hub->subscriptions)
    gw_event_hub_unsubscribe (hub, hub->subscriptions->data);
  g_main_context_unref (hub->context);
  g_free (hub);
}

static gboolean
deliver (gpointer data)
{
  GwEventSubscription *sub = data;
  guint n = 0;
  gboolean more = TRUE;

  sub_ref (sub);
  while (more && sub->hub && !sub->held && n++ < DELIVER_PER_DISPATCH) {
    Item *item = g_queue_pop_head (&sub->queue);

    if (item == NULL && sub->pending_dropped > 0) {
      /* the gap is the last thing in the queue */
      item = g_new0 (Item, 1);
      item->dropped = sub->pending_dropped;
      sub->pending_dropped = 0;
    }
    if (item == NULL)
      break;
    if (item->event)
      sub->n_events--;
    more = sub->func (sub, item->event, item->event ? 0 : item->dropped,
        sub->user_data);
    if (!more)
      sub->held = TRUE;
    item_free (item);
  }
  more = sub->hub && !sub->held && (sub->queue.length > 0
      || sub->pending_dropped > 0);
  if (!more && sub->source) {
    g_source_unref (sub->source);
    sub->source = NULL;
  }
  sub_unref (sub);
  return more ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
schedule (GwEventSubscription * sub)
{
  if (sub->source || sub->held || sub->hub == NULL)
    return;
  sub->source = g_idle_source_new ();
  g_source_set_callback (sub->source, deliver, sub, NULL);
  g_source_set_name (sub->source, "gw-event-hub deliver");
  g_source_attach (sub->source, sub->hub->context);
}

static gboolean
sub_matches (GwEventSubscription * sub, GwEvent * event)
{
  const gchar *camera = gw_event_get_camera_id (event);

  if (!(sub->topics & gw_event_kind_get_topic (gw_event_get_kind (event))))
    return FALSE;
  return sub->camera_id == NULL || g_strcmp0 (sub->camera_id, camera) == 0;
}

/* Queues @event for @sub, or drops and counts it when the queue is full.
 * After a gap, a notice is queued before the next event. */
static void
offer (GwEventHub * hub, GwEventSubscription * sub, GwEvent * event)
{
  Item *item;

  if (sub->n_events >= sub->capacity) {
    sub->pending_dropped++;
    sub->dropped_total++;
    hub->dropped++;
    return;
  }
  if (sub->pending_dropped > 0) {
    item = g_new0 (Item, 1);
    item->dropped = sub->pending_dropped;
    sub->pending_dropped = 0;
    g_queue_push_tail (&sub->queue, item);
  }
  item = g_new0 (Item, 1);
  item->event = gw_event_ref (event);
  g_queue_push_tail (&sub->queue, item);
  sub->n_events++;
  schedule (sub);
}

/**
 * gw_event_hub_publish:
 * @hub: the hub
 * @event: an event not yet published (the hub takes a reference while it
 *   needs one)
 *
 * Gives @event its id, appends it to the store and queues it for every
 * matching subscription. Never blocks and never calls a subscriber: the
 * deliveries happen later on the hub's context. Call on the hub's context.
 *
 * Returns: the event's id
 */
gint64
gw_event_hub_publish (GwEventHub * hub, GwEvent * event)
{
  GList *l;

  g_return_val_if_fail (hub != NULL && event != NULL, 0);

  if (hub->store)
    gw_event_set_id (event, gw_event_store_append (hub->store, event));
  else
    gw_event_set_id (event, ++hub->last_id);
  for (l = hub->subscriptions; l; l = l->next) {
    if (sub_matches (l->data, event))
      offer (hub, l->data, event);
  }
  return gw_event_get_id (event);
}

/**
 * gw_event_hub_get_dropped:
 * @hub: the hub
 *
 * Returns: how many events were dropped, over all subscriptions
 */
guint64
gw_event_hub_get_dropped (GwEventHub * hub)
{
  return hub->dropped;
}

/**
 * gw_event_hub_get_n_subscriptions:
 * @hub: the hub
 *
 * Returns: the number of subscriptions
 */
guint
gw_event_hub_get_n_subscriptions (GwEventHub * hub)
{
  return g_list_length (hub->subscriptions);
}

/**
 * gw_event_hub_subscribe:
 * @hub: the hub
 * @topics: the topics to receive
 * @camera_id: (nullable): one camera, or %NULL for all
 * @queue_size: how many events may wait for this subscriber (0: 256)
 * @func: the delivery function, called on the hub's context
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data when the subscription ends
 *
 * Returns: (transfer none): the subscription, valid until
 *   gw_event_hub_unsubscribe() or gw_event_hub_free()
 */
GwEventSubscription *
gw_event_hub_subscribe (GwEventHub * hub, GwEventTopic topics,
    const gchar * camera_id, guint queue_size, GwEventHubFunc func,
    gpointer user_data, GDestroyNotify notify)
{
  GwEventSubscription *sub;

  g_return_val_if_fail (hub != NULL && func != NULL, NULL);

  sub = g_new0 (GwEventSubscription, 1);
  sub->ref_count = 1;
  sub->hub = hub;
  sub->topics = topics;
  sub->camera_id = g_strdup (camera_id);
  sub->capacity = queue_size ? queue_size : DEFAULT_QUEUE_SIZE;
  sub->func = func;
  sub->user_data = user_data;
  sub->notify = notify;
  g_queue_init (&sub->queue);
  hub->subscriptions = g_list_append (hub->subscriptions, sub);
  return sub;
}

/**
 * gw_event_hub_unsubscribe:
 * @hub: the hub
 * @subscription: a subscription of @hub
 *
 * Ends @subscription: what is queued is discarded and its notify function
 * is called. Safe from inside its own delivery function.
 */
void
gw_event_hub_unsubscribe (GwEventHub * hub, GwEventSubscription * subscription)
{
  g_return_if_fail (hub != NULL && subscription != NULL);
  g_return_if_fail (subscription->hub == hub);

  hub->subscriptions = g_list_remove (hub->subscriptions, subscription);
  sub_detach (subscription);
}

/**
 * gw_event_subscription_set_filter:
 * @subscription: a subscription
 * @topics: the topics to receive from now on
 * @camera_id: (nullable): one camera, or %NULL for all
 *
 * Changes what @subscription receives (already queued items stay).
 */
void
gw_event_subscription_set_filter (GwEventSubscription * subscription,
    GwEventTopic topics, const gchar * camera_id)
{
  g_return_if_fail (subscription != NULL);

  subscription->topics = topics;
  g_free (subscription->camera_id);
  subscription->camera_id = g_strdup (camera_id);
}

/**
 * gw_event_subscription_resume:
 * @subscription: a subscription whose delivery function returned %FALSE
 *
 * Delivers again (from the hub's context, not from this call).
 */
void
gw_event_subscription_resume (GwEventSubscription * subscription)
{
  g_return_if_fail (subscription != NULL);

  subscription->held = FALSE;
  if (subscription->queue.length > 0 || subscription->pending_dropped > 0)
    schedule (subscription);
}

/**
 * gw_event_subscription_get_dropped:
 * @subscription: a subscription
 *
 * Returns: how many events it missed because its queue was full
 */
guint64
gw_event_subscription_get_dropped (GwEventSubscription * subscription)
{
  return subscription->dropped_total;
}
