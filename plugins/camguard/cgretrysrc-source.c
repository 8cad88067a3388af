/* camguard - retrysrc: one source instance
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/*
 * A CgRetrySrcSource is one instance of retrysrc's source: a small bin (an
 * internal type, not a registered element) built from the
 * source-description, or wrapping the application's source element, and
 * numbered with its generation (1 for the first instance of a retrysrc's
 * life, 2 after the first restart, ...). retrysrc builds a new one at every
 * restart and drops the old one; nothing of an instance outlives it.
 *
 * It also finds the instance's output: the ONE src pad that nothing links.
 * A description is parsed without ghost pads (see retry.md §8: ghosting a
 * half-linked description breaks delayed links), and the free pad is looked
 * for among the elements:
 *
 * - exactly one free src pad: that is the output;
 * - two or more: VALIDATION_ERROR "two free src pads" naming them;
 * - none, but an element has "sometimes" src pads (rtspsrc, uridecodebin,
 *   a demuxer last): the first unlinked pad that appears becomes the output
 *   (gst_parse links its delayed pads in handlers connected before ours);
 *   later unlinked pads (an audio stream) are left alone;
 * - none and nothing dynamic: VALIDATION_ERROR "no free src pad".
 *
 * A description that ends in caps (`v4l2src ! video/x-raw,width=1280`) gets
 * an explicit capsfilter for them: gst-launch syntax only accepts caps
 * between two elements.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "cgretrysrc-private.h"
#include "cgretrysrc-uri.h"

GST_DEBUG_CATEGORY_STATIC (cg_retry_src_source_debug);
#define GST_CAT_DEFAULT cg_retry_src_source_debug

struct _CgRetrySrcSource
{
  GstBin parent;

  guint generation;
  GstElement *inner;            /* the parsed bin or the user's element */
  gboolean user_owned;          /* inner is the application's element */
  GstPad *pad;                  /* the free src pad found when built */

  /* object lock */
  CgRetrySrcSourcePadFunc func;
  gpointer func_data;
  gboolean found;
};

G_DEFINE_TYPE (CgRetrySrcSource, cg_retry_src_source, GST_TYPE_BIN);

static void
cg_retry_src_source_finalize (GObject * object)
{
  CgRetrySrcSource *self = CG_RETRY_SRC_SOURCE (object);

  gst_clear_object (&self->pad);
  G_OBJECT_CLASS (cg_retry_src_source_parent_class)->finalize (object);
}

static void
cg_retry_src_source_init (CgRetrySrcSource * self)
{
}

static void
cg_retry_src_source_class_init (CgRetrySrcSourceClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = cg_retry_src_source_finalize;
}

/* gst-launch syntax only accepts caps between two elements; users write
 * "v4l2src ! video/x-raw,width=1280" all the time, so a description that
 * ends in caps gets an explicit capsfilter for them. */
static gchar *
complete_trailing_caps (const gchar * desc)
{
  const gchar *p, *bang = NULL, *tail;
  gboolean quoted = FALSE;
  GstCaps *caps;
  gchar *tail_str, *ret;
  gsize media_len;

  for (p = desc; *p; p++) {
    if (*p == '"')
      quoted = !quoted;
    else if (*p == '!' && !quoted)
      bang = p;
  }
  if (bang == NULL)
    return g_strdup (desc);
  tail_str = g_strstrip (g_strdup (bang + 1));
  tail = tail_str;
  media_len = strcspn (tail, ", \t;");
  if (*tail == '\0' || strchr (tail, '"')
      || memchr (tail, '/', media_len) == NULL
      || memchr (tail, '=', media_len) != NULL) {
    g_free (tail_str);
    return g_strdup (desc);
  }
  caps = gst_caps_from_string (tail);
  if (caps == NULL) {
    g_free (tail_str);
    return g_strdup (desc);
  }
  gst_caps_unref (caps);
  ret = g_strdup_printf ("%.*s! capsfilter caps=\"%s\"", (int) (bang - desc),
      desc, tail);
  g_free (tail_str);
  return ret;
}

static CgError *
validation_error (const gchar * format, ...)
G_GNUC_PRINTF (1, 2);

     static CgError *validation_error (const gchar * format, ...)
{
  va_list args;
  gchar *msg;
  CgError *e;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  e = cg_error_new (CG_CODE_VALIDATION_ERROR, msg);
  cg_error_set_message_type (e, "validation");
  g_free (msg);
  return e;
}

/* "video/x-raw,width=64" alone: gst_parse would look for an element called
 * "video" and the user would be told to install a plugin. */
static gboolean
starts_with_caps (const gchar * description)
{
  const gchar *p = description;
  gsize len;

  while (g_ascii_isspace (*p))
    p++;
  len = strcspn (p, " \t\n,;!");
  return len > 0 && memchr (p, '/', len) != NULL && memchr (p, '=', len) ==
      NULL && memchr (p, '"', len) == NULL;
}

static GstElement *
parse_description (const gchar * description, CgError ** error)
{
  gchar *full;
  GError *err = NULL;
  GstElement *bin;

  if (starts_with_caps (description)) {
    *error = validation_error ("the description starts with caps, not an "
        "element: caps go between two elements, as in \"v4l2src ! "
        "video/x-raw,width=640\"");
    return NULL;
  }
  full = complete_trailing_caps (description);

  GST_DEBUG ("building source from \"%s\"", full);
  bin = gst_parse_bin_from_description_full (full, FALSE, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS | GST_PARSE_FLAG_NO_SINGLE_ELEMENT_BINS,
      &err);
  g_free (full);
  if (bin == NULL) {
    CgError *e = cg_classify_parse_error (err);

    cg_error_set_debug (e, err ? err->message : NULL);
    g_clear_error (&err);
    *error = e;
    return NULL;
  }
  return gst_object_ref_sink (bin);
}

static void
add_unlinked_src_pads (GstElement * element, GPtrArray * pads)
{
  GstIterator *it = gst_element_iterate_src_pads (element);
  GValue v = G_VALUE_INIT;

  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstPad *p = g_value_get_object (&v);

    if (!gst_pad_is_linked (p))
      g_ptr_array_add (pads, gst_object_ref (p));
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
}

static gboolean
has_sometimes_src_pads (GstElement * element)
{
  GList *l = gst_element_class_get_pad_template_list
      (GST_ELEMENT_GET_CLASS (element));

  for (; l; l = l->next) {
    GstPadTemplate *t = l->data;

    if (GST_PAD_TEMPLATE_DIRECTION (t) == GST_PAD_SRC
        && GST_PAD_TEMPLATE_PRESENCE (t) == GST_PAD_SOMETIMES)
      return TRUE;
  }
  return FALSE;
}

/* The free src pads of @element itself, else of its children. */
static GPtrArray *
free_src_pads (GstElement * element, gboolean * dynamic)
{
  GPtrArray *pads = g_ptr_array_new_with_free_func (gst_object_unref);
  GstIterator *it;
  GValue v = G_VALUE_INIT;

  *dynamic = has_sometimes_src_pads (element);
  add_unlinked_src_pads (element, pads);
  if (pads->len > 0 || !GST_IS_BIN (element))
    return pads;
  /* the description's own elements only: what happens inside a bin of
   * it (decodebin's typefind, rtspsrc's rtpbin) is that bin's business,
   * its output is on its own pads */
  it = gst_bin_iterate_elements (GST_BIN (element));
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    GstElement *e = g_value_get_object (&v);

    add_unlinked_src_pads (e, pads);
    *dynamic |= has_sometimes_src_pads (e);
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
  return pads;
}

/* Applies the pad rule to @element: the one free pad (ref) in @pad, or NULL
 * when it will appear later. FALSE and @error when the rule is broken. */
static gboolean
check_pads (GstElement * element, GstPad ** pad, CgError ** error)
{
  gboolean dynamic;
  GPtrArray *pads = free_src_pads (element, &dynamic);
  gboolean ok = TRUE;

  *pad = NULL;
  if (pads->len >= 2) {
    gchar *a = gst_object_get_path_string (g_ptr_array_index (pads, 0));
    gchar *b = gst_object_get_path_string (g_ptr_array_index (pads, 1));

    *error = validation_error ("The source has two free src pads (%s and %s); "
        "it must have exactly one, the output", a, b);
    g_free (a);
    g_free (b);
    ok = FALSE;
  } else if (pads->len == 1) {
    *pad = gst_object_ref (g_ptr_array_index (pads, 0));
  } else if (!dynamic) {
    *error = validation_error ("The source has no free src pad: nothing is "
        "left for retrysrc's output (does the description end in a sink?)");
    ok = FALSE;
  }
  g_ptr_array_unref (pads);
  return ok;
}

/**
 * cg_retry_src_source_check:
 * @description: (nullable): a source description
 * @user_source: (nullable): the application's source element
 * @error: (out): the reason the source cannot work
 *
 * What can be known before starting: the description parses (its elements
 * exist) and the source has one free src pad, or may get one. The
 * description wins when both are given.
 *
 * Returns: %TRUE when the source can be built
 */
gboolean
cg_retry_src_source_check (const gchar * description,
    GstElement * user_source, CgError ** error)
{
  CgRetrySrcSource *s = cg_retry_src_source_new (description, user_source,
      0, error);

  if (s == NULL)
    return FALSE;
  cg_retry_src_source_release (s);
  gst_object_unref (s);
  return TRUE;
}

/**
 * cg_retry_src_source_new:
 * @description: (nullable): a source description
 * @user_source: (nullable): the application's source element
 * @generation: the number of this instance
 * @error: (out): why it could not be built
 *
 * Builds a source instance. The application's element is added to the new
 * bin; cg_retry_src_source_release() gives it back.
 *
 * Returns: (transfer full) (nullable): the new instance, floating reference
 *   sunk
 */
CgRetrySrcSource *
cg_retry_src_source_new (const gchar * description, GstElement * user_source,
    guint generation, CgError ** error)
{
  CgRetrySrcSource *self;
  GstElement *inner;
  gchar *name;
  GstPad *pad;

  /* the same category comes back for the same name */
  GST_DEBUG_CATEGORY_INIT (cg_retry_src_source_debug, "retrysrc-source", 0,
      "camguard retrysrc source instances");
  if (description && *description) {
    inner = parse_description (description, error);
    if (inner == NULL)
      return NULL;
  } else if (user_source) {
    if (GST_OBJECT_PARENT (user_source) != NULL) {
      *error = validation_error ("The source element %s is already inside "
          "another bin", GST_OBJECT_NAME (user_source));
      return NULL;
    }
    inner = gst_object_ref (user_source);
  } else {
    *error = validation_error ("retrysrc needs a source-description, a uri "
        "or a source");
    return NULL;
  }
  if (!check_pads (inner, &pad, error)) {
    gst_object_unref (inner);
    return NULL;
  }

  name = g_strdup_printf ("source-%u", generation);
  self = g_object_new (CG_TYPE_RETRY_SRC_SOURCE, "name", name, NULL);
  gst_object_ref_sink (self);
  g_free (name);
  self->generation = generation;
  self->inner = inner;
  self->user_owned = inner == user_source;
  self->pad = pad;
  gst_bin_add (GST_BIN (self), inner);
  gst_object_unref (inner);     /* the bin holds it */
  return self;
}

/**
 * cg_retry_src_source_get_generation:
 * @source: a source instance
 *
 * Returns: the number of this instance (1 for the first)
 */
guint
cg_retry_src_source_get_generation (CgRetrySrcSource * source)
{
  return source->generation;
}

static void
on_pad_added (GstElement * element, GstPad * pad, CgRetrySrcSource * self)
{
  CgRetrySrcSourcePadFunc func;
  gpointer data;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC || gst_pad_is_linked (pad))
    return;
  GST_OBJECT_LOCK (self);
  func = self->found ? NULL : self->func;
  data = self->func_data;
  self->found = TRUE;
  GST_OBJECT_UNLOCK (self);
  if (func == NULL) {
    GST_INFO_OBJECT (self, "second free pad %s:%s left alone",
        GST_DEBUG_PAD_NAME (pad));
    return;
  }
  GST_DEBUG_OBJECT (self, "output %s:%s", GST_DEBUG_PAD_NAME (pad));
  func (self, pad, data);
}

/**
 * cg_retry_src_source_find_pad:
 * @source: a source instance
 * @func: called with the output pad
 * @user_data: for @func
 *
 * Calls @func with the instance's output pad: at once when it is known,
 * else from the pad-added of the element that creates it (a streaming
 * thread): one of the description's own elements, never an element inside
 * one of them (decodebin's demuxer adds pads that decodebin links itself).
 */
void
cg_retry_src_source_find_pad (CgRetrySrcSource * source,
    CgRetrySrcSourcePadFunc func, gpointer user_data)
{
  GstIterator *it;
  GValue v = G_VALUE_INIT;

  if (source->pad) {
    func (source, source->pad, user_data);
    return;
  }
  GST_OBJECT_LOCK (source);
  source->func = func;
  source->func_data = user_data;
  GST_OBJECT_UNLOCK (source);
  g_signal_connect (source->inner, "pad-added", G_CALLBACK (on_pad_added),
      source);
  if (!GST_IS_BIN (source->inner))
    return;
  it = gst_bin_iterate_elements (GST_BIN (source->inner));
  while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
    g_signal_connect (g_value_get_object (&v), "pad-added",
        G_CALLBACK (on_pad_added), source);
    g_value_reset (&v);
  }
  g_value_unset (&v);
  gst_iterator_free (it);
}

/**
 * cg_retry_src_source_release:
 * @source: a source instance in the NULL state
 *
 * Disconnects everything the instance connected and gives the
 * application's element back (removes it from the bin), so that the next
 * instance can wrap it again.
 */
void
cg_retry_src_source_release (CgRetrySrcSource * source)
{
  GstIterator *it;
  GValue v = G_VALUE_INIT;

  g_signal_handlers_disconnect_by_func (source->inner, on_pad_added, source);
  if (GST_IS_BIN (source->inner)) {
    it = gst_bin_iterate_elements (GST_BIN (source->inner));
    while (gst_iterator_next (it, &v) == GST_ITERATOR_OK) {
      g_signal_handlers_disconnect_by_func (g_value_get_object (&v),
          on_pad_added, source);
      g_value_reset (&v);
    }
    g_value_unset (&v);
    gst_iterator_free (it);
  }
  if (source->user_owned && GST_OBJECT_PARENT (source->inner)
      == GST_OBJECT (source)) {
    gst_element_set_state (source->inner, GST_STATE_NULL);
    gst_bin_remove (GST_BIN (source), source->inner);
  }
}

/* ------------------------------------------------------------------ */
/* retrysrc's side: starting and stopping instances                    */

/* Object lock held. What the next instance is built from: the description,
 * else the one the uri gives, else the application's element. */
static gboolean
source_settings_locked (CgRetrySrc * self, gchar ** desc, GstElement ** user,
    CgError ** error)
{
  const Settings *st = &self->settings;
  GError *err = NULL;

  *desc = NULL;
  *user = NULL;
  if (st->description && *st->description) {
    *desc = g_strdup (st->description);
  } else if (st->uri && *st->uri) {
    *desc = cg_retry_src_uri_to_description (st->uri, st->decode, &err);
    if (*desc == NULL) {
      *error = validation_error ("%s", err->message);
      g_error_free (err);
      return FALSE;
    }
  } else if (st->user_source) {
    *user = gst_object_ref (st->user_source);
  }
  return TRUE;
}

/* NULL to READY: what can be known about the source before starting. A
 * source that cannot work fails the state change, with an ERROR. */
gboolean
cg_retry_src_check_source (CgRetrySrc * self)
{
  gchar *desc;
  GstElement *user;
  CgError *err = NULL;
  gboolean ok;

  GST_OBJECT_LOCK (self);
  ok = source_settings_locked (self, &desc, &user, &err);
  GST_OBJECT_UNLOCK (self);
  if (ok)
    ok = cg_retry_src_source_check (desc, user, &err);
  g_free (desc);
  gst_clear_object (&user);
  if (!ok) {
    gboolean missing = cg_error_get_code (err) == CG_CODE_MISSING_COMPONENT;

    cg_retry_src_post_error (self, err, NULL, GST_CORE_ERROR, missing ?
        GST_CORE_ERROR_MISSING_PLUGIN : GST_CORE_ERROR_FAILED,
        g_strdup (cg_error_get_message (err)), NULL);
    cg_error_unref (err);
  }
  return ok;
}

/* The state the source should be in: the one retrysrc is in or going to. */
static GstState
wanted_source_state (CgRetrySrc * self)
{
  GstState state;

  GST_OBJECT_LOCK (self);
  state = GST_STATE_NEXT (self) != GST_STATE_VOID_PENDING ?
      GST_STATE_NEXT (self) : GST_STATE (self);
  if (self->state.status == CG_RETRY_SRC_STATUS_IDLE)
    state = GST_STATE_NULL;
  GST_OBJECT_UNLOCK (self);
  return state;
}

/* A locked child gets no clock and no base time from the bin: hand ours
 * down, so that the source's timestamps are in the pipeline's running time. */
static void
share_clock (CgRetrySrc * self, GstElement * src)
{
  GstClock *clock = gst_element_get_clock (GST_ELEMENT (self));

  if (clock) {
    gst_element_set_clock (src, clock);
    gst_object_unref (clock);
  }
  gst_element_set_base_time (src, gst_element_get_base_time (GST_ELEMENT
          (self)));
  gst_element_set_start_time (src, GST_CLOCK_TIME_NONE);
}

/* A failed state change of the source is a source failure; the ERROR the
 * source posted, if any, came first and wins. */
static void
state_change_failed (CgRetrySrc * self, CgRetrySrcSource * src)
{
  CgError *e = cg_error_new (CG_CODE_PIPELINE_ERROR,
      "The source failed to change state");

  cg_error_set_message_type (e, "state-change");
  cg_error_set_source_path (e, GST_OBJECT_NAME (src));
  cg_retry_src_failure (self, src, e, NULL);
  cg_error_unref (e);
}

/* Brings @src to retrysrc's state, again if that changed meanwhile (a
 * state change of retrysrc that found the source lock taken leaves it to
 * us). Source lock held. */
static void
set_source_state (CgRetrySrc * self, CgRetrySrcSource * src)
{
  GstState want = wanted_source_state (self), now = GST_STATE_VOID_PENDING;

  while (want >= GST_STATE_PAUSED && want != now) {
    share_clock (self, GST_ELEMENT (src));
    if (gst_element_set_state (GST_ELEMENT (src), want) ==
        GST_STATE_CHANGE_FAILURE) {
      state_change_failed (self, src);
      return;
    }
    now = want;
    want = wanted_source_state (self);
  }
}

static void
on_output_pad (CgRetrySrcSource * source, GstPad * pad, gpointer user_data)
{
  CgRetrySrc *self = user_data;
  gboolean current;

  g_mutex_lock (&self->link_lock);
  GST_OBJECT_LOCK (self);
  current = source == self->state.current;
  GST_OBJECT_UNLOCK (self);
  if (current)
    gst_ghost_pad_set_target (GST_GHOST_PAD (self->srcpad), pad);
  g_mutex_unlock (&self->link_lock);
}

/* Builds and starts instance @generation. Never on a streaming thread. */
void
cg_retry_src_start_source (CgRetrySrc * self, guint generation)
{
  CgRetrySrcSource *src;
  CgError *err = NULL;
  gchar *desc;
  GstElement *user;
  GstClock *clock;
  guint timeout_ms;
  gboolean ok;

  g_mutex_lock (&self->source_lock);
  GST_OBJECT_LOCK (self);
  ok = source_settings_locked (self, &desc, &user, &err);
  GST_OBJECT_UNLOCK (self);
  src = ok ? cg_retry_src_source_new (desc, user, generation, &err) : NULL;
  g_free (desc);
  gst_clear_object (&user);
  if (src == NULL) {
    g_mutex_unlock (&self->source_lock);
    cg_retry_src_failure (self, NULL, err, NULL);
    cg_error_unref (err);
    return;
  }

  GST_OBJECT_LOCK (self);
  if (self->state.status != CG_RETRY_SRC_STATUS_STARTING
      || self->state.generation != generation) {
    GST_OBJECT_UNLOCK (self);
    cg_retry_src_source_release (src);
    gst_object_unref (src);
    g_mutex_unlock (&self->source_lock);
    return;
  }
  self->state.current = gst_object_ref (src);
  self->state.delivered = FALSE;
  cg_output_new_source (&self->state.output);
  self->stats.sources_started++;
  timeout_ms = self->settings.timeout_ms;
  GST_OBJECT_UNLOCK (self);

  /* The source's state is retrysrc's business alone: a failing source must
   * never fail the state changes of the bin (and of the pipeline). */
  gst_element_set_locked_state (GST_ELEMENT (src), TRUE);
  gst_bin_add (GST_BIN (self), GST_ELEMENT (src));
  cg_retry_src_source_find_pad (src, on_output_pad, self);
  clock = cg_retry_src_get_clock (self);
  cg_watchdog_start (self->watchdog, clock, timeout_ms * GST_MSECOND);
  gst_object_unref (clock);
  set_source_state (self, src);
  gst_object_unref (src);
  g_mutex_unlock (&self->source_lock);
}

/* Stops and drops the current instance. Never on a streaming thread. */
void
cg_retry_src_teardown (CgRetrySrc * self)
{
  CgRetrySrcSource *old;

  g_mutex_lock (&self->source_lock);
  GST_OBJECT_LOCK (self);
  old = self->state.current;
  self->state.current = NULL;
  GST_OBJECT_UNLOCK (self);
  g_mutex_lock (&self->link_lock);
  gst_ghost_pad_set_target (GST_GHOST_PAD (self->srcpad), NULL);
  g_mutex_unlock (&self->link_lock);
  if (old) {
    gst_element_set_state (GST_ELEMENT (old), GST_STATE_NULL);
    cg_retry_src_source_release (old);
    gst_bin_remove (GST_BIN (self), GST_ELEMENT (old));
    gst_object_unref (old);
  }
  g_mutex_unlock (&self->source_lock);
}

/* retrysrc's own state changes reach the locked source here. When a
 * restart or a teardown holds the source lock, it picks the new state up
 * itself: a state change never waits for it. */
void
cg_retry_src_sync_source_state (CgRetrySrc * self)
{
  CgRetrySrcSource *src;

  if (!g_mutex_trylock (&self->source_lock))
    return;
  GST_OBJECT_LOCK (self);
  src = self->state.current ? gst_object_ref (self->state.current) : NULL;
  GST_OBJECT_UNLOCK (self);
  if (src) {
    set_source_state (self, src);
    gst_object_unref (src);
  }
  g_mutex_unlock (&self->source_lock);
}
