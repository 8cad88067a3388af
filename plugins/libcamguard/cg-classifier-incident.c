/* camguard - classifier: CgClassifier, the incidents of one pipeline
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The first ERROR (or failure without one) is the cause, later errors are
 * secondary, repeats are folded; cg-classifier.c classifies each message.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-classifier.h"
#include "cg-classifier-private.h"

#define GST_CAT_DEFAULT cg_classifier_debug


/**
 * CgClassifier:
 *
 * A stateful classifier for one pipeline: it groups the messages of an
 * incident so that the first ERROR stays the cause, later errors are marked
 * secondary and repeats are folded. Thread-safe: a bus sync handler and
 * application threads may push messages concurrently.
 */
struct _CgClassifier
{
  GObject parent;

  GMutex lock;
  gboolean live;
  CgError *cause;
  GHashTable *seen;             /* "path|domain|code|type" keys */
  CgError *disconnect_warning;  /* a network source warned it lost the server */
};

G_DEFINE_TYPE (CgClassifier, cg_classifier, G_TYPE_OBJECT);

static void
cg_classifier_finalize (GObject * object)
{
  CgClassifier *self = CG_CLASSIFIER (object);

  g_clear_pointer (&self->cause, cg_error_unref);
  g_clear_pointer (&self->disconnect_warning, cg_error_unref);
  g_hash_table_unref (self->seen);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (cg_classifier_parent_class)->finalize (object);
}

static void
cg_classifier_class_init (CgClassifierClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = cg_classifier_finalize;
}

static void
cg_classifier_init (CgClassifier * self)
{
  g_mutex_init (&self->lock);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * cg_classifier_new:
 *
 * Creates a classifier for one pipeline. It treats the pipeline as not live
 * until cg_classifier_set_live() says otherwise.
 *
 * Returns: (transfer full): a new classifier with an empty incident
 */
CgClassifier *
cg_classifier_new (void)
{
  cg_classify_ensure_debug ();
  return g_object_new (CG_TYPE_CLASSIFIER, NULL);
}

/**
 * cg_classifier_set_live:
 * @classifier: a #CgClassifier
 * @live: whether the pipeline is live (a camera)
 *
 * In a live pipeline, EOS is a failure: the camera stopped sending
 * (%CG_CODE_CAMERA_DISCONNECTED). Without this, EOS is a failure only after
 * a network source warned that its server went away.
 */
void
cg_classifier_set_live (CgClassifier * classifier, gboolean live)
{
  g_return_if_fail (CG_IS_CLASSIFIER (classifier));
  g_mutex_lock (&classifier->lock);
  classifier->live = live;
  g_mutex_unlock (&classifier->lock);
}

static gchar *
message_key (const CgError * e)
{
  return g_strdup_printf ("%s|%s|%s|%s|%s", cg_error_get_source_path (e),
      cg_error_get_gst_domain (e), cg_error_get_gst_code (e),
      cg_error_get_message_type (e), cg_error_get_code_name (e));
}

/* Lock held. Returns FALSE when the same message was seen already. */
static gboolean
first_time_locked (CgClassifier * self, const CgError * e)
{
  gchar *key = message_key (e);

  if (g_hash_table_contains (self->seen, key)) {
    g_free (key);
    return FALSE;
  }
  g_hash_table_add (self->seen, key);
  return TRUE;
}

/* Lock held. */
static void
attach_cause_locked (CgClassifier * self, CgError * e)
{
  cg_error_set_secondary (e, TRUE);
  gst_structure_set (cg_error_get_details_writable (e),
      "cause-code", G_TYPE_STRING, cg_error_get_code_name (self->cause),
      "cause-source", G_TYPE_STRING,
      cg_error_get_source_path (self->cause) ?
      cg_error_get_source_path (self->cause) : "", NULL);
}

static CgError *
eos_failure_locked (CgClassifier * self, GstMessage * message)
{
  CgError *e;

  if (!self->live && self->disconnect_warning == NULL)
    return NULL;
  e = cg_error_new (CG_CODE_CAMERA_DISCONNECTED, NULL);
  cg_classify_fill_common (e, message, "eos");
  if (self->disconnect_warning) {
    const gchar *src = cg_error_get_source_path (self->disconnect_warning);

    /* the warning told who went away: report it for that element */
    cg_error_set_source_path (e, src);
    cg_error_set_factory (e, cg_error_get_factory (self->disconnect_warning));
    cg_error_set_gst_domain (e,
        cg_error_get_gst_domain (self->disconnect_warning));
    cg_error_set_gst_code (e, cg_error_get_gst_code (self->disconnect_warning));
    cg_error_set_debug (e, cg_error_get_debug (self->disconnect_warning));
    cg_classify_copy_details (e,
        cg_error_get_details (self->disconnect_warning));
  }
  return e;
}

/**
 * cg_classifier_push:
 * @classifier: a #CgClassifier
 * @message: a bus message
 *
 * Classifies @message in the context of the current incident. The first
 * ERROR (or failure without an ERROR, such as EOS after a network source
 * lost its server) becomes the incident's cause and is returned as is. Later
 * errors come back marked secondary (cg_error_is_secondary()), with the
 * cause's code in their details (`cause-code`, `cause-source`). A message
 * equal to one seen before in the incident (same element, domain, code and
 * type) gives %NULL, as do messages that are no failure.
 *
 * Returns: (transfer full) (nullable): the classified error, or %NULL
 */
CgError *
cg_classifier_push (CgClassifier * classifier, GstMessage * message)
{
  CgError *e;
  gboolean is_error;

  g_return_val_if_fail (CG_IS_CLASSIFIER (classifier), NULL);
  g_return_val_if_fail (GST_IS_MESSAGE (message), NULL);

  g_mutex_lock (&classifier->lock);
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    e = eos_failure_locked (classifier, message);
  else
    e = cg_classify_message (message);
  if (e == NULL || !first_time_locked (classifier, e)) {
    g_mutex_unlock (&classifier->lock);
    if (e)
      cg_error_unref (e);
    return NULL;
  }

  is_error = GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR
      || GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS;
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_WARNING
      && cg_error_get_code (e) == CG_CODE_CAMERA_DISCONNECTED
      && classifier->disconnect_warning == NULL)
    classifier->disconnect_warning = cg_error_ref (e);

  if (is_error) {
    if (classifier->cause == NULL) {
      classifier->cause = cg_error_ref (e);
      GST_DEBUG ("cause: %s from %s", cg_error_get_code_name (e),
          cg_error_get_source_path (e));
    } else {
      attach_cause_locked (classifier, e);
      GST_DEBUG ("secondary: %s from %s (cause %s)",
          cg_error_get_code_name (e), cg_error_get_source_path (e),
          cg_error_get_code_name (classifier->cause));
    }
  }
  g_mutex_unlock (&classifier->lock);
  return e;
}

/**
 * cg_classifier_reset:
 * @classifier: a #CgClassifier
 *
 * Ends the current incident (e.g. after the pipeline was restarted): the
 * next ERROR is a new cause and nothing counts as seen.
 */
void
cg_classifier_reset (CgClassifier * classifier)
{
  g_return_if_fail (CG_IS_CLASSIFIER (classifier));
  g_mutex_lock (&classifier->lock);
  g_clear_pointer (&classifier->cause, cg_error_unref);
  g_clear_pointer (&classifier->disconnect_warning, cg_error_unref);
  g_hash_table_remove_all (classifier->seen);
  g_mutex_unlock (&classifier->lock);
}

/**
 * cg_classifier_get_cause:
 * @classifier: a #CgClassifier
 *
 * Gets the cause of the current incident: the first failure
 * cg_classifier_push() saw since the classifier was created or reset.
 *
 * Returns: (transfer full) (nullable): the cause of the current incident,
 *   or %NULL when there was no failure since the last reset
 */
CgError *
cg_classifier_get_cause (CgClassifier * classifier)
{
  CgError *e;

  g_return_val_if_fail (CG_IS_CLASSIFIER (classifier), NULL);
  g_mutex_lock (&classifier->lock);
  e = classifier->cause ? cg_error_ref (classifier->cause) : NULL;
  g_mutex_unlock (&classifier->lock);
  return e;
}
