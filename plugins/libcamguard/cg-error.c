/* camguard - CgError: one classified error
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cg-error.h"

struct _CgError
{
  gint refcount;
  CgCode code;
  gchar *message;               /* NULL: the catalogue's default message */
  gchar *gst_domain;            /* e.g. "gst-resource-error-quark" */
  gchar *gst_code;              /* enum nick, e.g. "not-found" */
  gchar *source_path;
  gchar *factory;
  gchar *debug;
  gchar *message_type;          /* "error", "warning", "element", "eos", ... */
  gchar *camera_id;
  gchar *correlation_id;
  gint64 timestamp_us;
  gboolean secondary;
  GstStructure *details;        /* named "details" */
};

G_DEFINE_BOXED_TYPE (CgError, cg_error, cg_error_ref, cg_error_unref);

/**
 * cg_error_new:
 * @code: a catalogue code
 * @message: (nullable): a message, or %NULL for the catalogue's default
 *
 * Creates an error stamped with the current wall-clock time.
 *
 * Returns: (transfer full): a new #CgError
 */
CgError *
cg_error_new (CgCode code, const gchar * message)
{
  CgError *e = g_new0 (CgError, 1);

  e->refcount = 1;
  e->code = cg_catalogue_lookup (code) ? code : CG_CODE_INTERNAL_ERROR;
  e->message = g_strdup (message);
  e->timestamp_us = g_get_real_time ();
  e->details = gst_structure_new_empty ("details");
  return e;
}

/**
 * cg_error_ref:
 * @error: a #CgError
 *
 * Adds a reference to @error. The error is freed when the last reference is
 * dropped with cg_error_unref().
 *
 * Returns: (transfer full): @error
 */
CgError *
cg_error_ref (CgError * error)
{
  g_return_val_if_fail (error != NULL, NULL);
  g_atomic_int_inc (&error->refcount);
  return error;
}

/**
 * cg_error_unref:
 * @error: (transfer full): a #CgError
 *
 * Drops a reference to @error; the last one frees the error with its strings
 * and details.
 */
void
cg_error_unref (CgError * error)
{
  g_return_if_fail (error != NULL);
  if (!g_atomic_int_dec_and_test (&error->refcount))
    return;
  g_free (error->message);
  g_free (error->gst_domain);
  g_free (error->gst_code);
  g_free (error->source_path);
  g_free (error->factory);
  g_free (error->debug);
  g_free (error->message_type);
  g_free (error->camera_id);
  g_free (error->correlation_id);
  gst_structure_free (error->details);
  g_free (error);
}

/**
 * cg_error_copy:
 * @error: a #CgError
 *
 * Makes an independent copy of @error, with every field and the details,
 * e.g. to change an error that others hold a reference to.
 *
 * Returns: (transfer full): a deep copy of @error
 */
CgError *
cg_error_copy (const CgError * error)
{
  CgError *c;

  g_return_val_if_fail (error != NULL, NULL);
  c = g_new0 (CgError, 1);
  c->refcount = 1;
  c->code = error->code;
  c->message = g_strdup (error->message);
  c->gst_domain = g_strdup (error->gst_domain);
  c->gst_code = g_strdup (error->gst_code);
  c->source_path = g_strdup (error->source_path);
  c->factory = g_strdup (error->factory);
  c->debug = g_strdup (error->debug);
  c->message_type = g_strdup (error->message_type);
  c->camera_id = g_strdup (error->camera_id);
  c->correlation_id = g_strdup (error->correlation_id);
  c->timestamp_us = error->timestamp_us;
  c->secondary = error->secondary;
  c->details = gst_structure_copy (error->details);
  return c;
}

/**
 * cg_error_get_code:
 * @error: a #CgError
 *
 * Gets the catalogue code of @error.
 *
 * Returns: the catalogue code
 */
CgCode
cg_error_get_code (const CgError * error)
{
  return error->code;
}

/**
 * cg_error_set_code:
 * @error: a #CgError
 * @code: the new code
 *
 * Changes the catalogue code of @error. A code that is not in the catalogue
 * becomes %CG_CODE_INTERNAL_ERROR, as in cg_error_new().
 */
void
cg_error_set_code (CgError * error, CgCode code)
{
  error->code = cg_catalogue_lookup (code) ? code : CG_CODE_INTERNAL_ERROR;
}

/**
 * cg_error_get_code_name:
 * @error: a #CgError
 *
 * Gets the flat name of the error's code, as cg_code_to_name() gives it.
 *
 * Returns: the flat code, e.g. "CAMERA_UNREACHABLE"
 */
const gchar *
cg_error_get_code_name (const CgError * error)
{
  return cg_code_to_name (error->code);
}

/**
 * cg_error_get_severity:
 * @error: a #CgError
 *
 * The catalogue severity of the error's code, except for an error that
 * came from a GStreamer WARNING message (message type "warning"): the
 * pipeline went on, so its severity is %CG_SEVERITY_WARNING whatever the
 * code.
 *
 * Returns: the severity
 */
CgSeverity
cg_error_get_severity (const CgError * error)
{
  if (g_strcmp0 (error->message_type, "warning") == 0)
    return CG_SEVERITY_WARNING;
  return cg_code_get_severity (error->code);
}

/**
 * cg_error_is_retryable:
 * @error: a #CgError
 *
 * Tells whether repeating the failed operation may succeed, as the catalogue
 * says for the error's code (cg_code_is_retryable()).
 *
 * Returns: whether the catalogue marks the code retryable
 */
gboolean
cg_error_is_retryable (const CgError * error)
{
  return cg_code_is_retryable (error->code);
}

/**
 * cg_error_get_message:
 * @error: a #CgError
 *
 * Gets the human-readable message of @error: the one it was created or set
 * with, else the catalogue's default message for its code.
 *
 * Returns: the message, or the catalogue's default when none was set
 */
const gchar *
cg_error_get_message (const CgError * error)
{
  return error->message ? error->message : cg_code_get_message (error->code);
}

#define STRING_ACCESSORS(field) \
const gchar * \
cg_error_get_ ## field (const CgError * error) \
{ \
  return error->field; \
} \
void \
cg_error_set_ ## field (CgError * error, const gchar * value) \
{ \
  g_free (error->field); \
  error->field = g_strdup (value); \
}

/**
 * cg_error_set_message:
 * @error: a #CgError
 * @value: (nullable): the message, %NULL for the catalogue default
 *
 * Replaces the message of @error. After %NULL, cg_error_get_message() gives
 * the catalogue's default message for the code again.
 */
/**
 * cg_error_get_source_path:
 * @error: a #CgError
 *
 * Gets the object path of the element the error came from, as
 * gst_object_get_path_string() gives it.
 *
 * Returns: (nullable): object path of the element that posted the message
 */
/**
 * cg_error_set_source_path:
 * @error: a #CgError
 * @value: (nullable): object path of the element
 *
 * Sets the object path of the element the error came from; the classifier
 * fills it in from the message's source.
 */
/**
 * cg_error_get_factory:
 * @error: a #CgError
 *
 * Gets the factory name of the element the error came from, e.g. "rtspsrc".
 *
 * Returns: (nullable): factory name of the element that posted the message
 */
/**
 * cg_error_set_factory:
 * @error: a #CgError
 * @value: (nullable): factory name
 *
 * Sets the factory name of the element the error came from; the classifier
 * fills it in from the message's source.
 */
/**
 * cg_error_get_debug:
 * @error: a #CgError
 *
 * Gets the debug string of the original bus message. The classifier stores
 * it with secrets redacted (cg_redact()).
 *
 * Returns: (nullable): the GStreamer debug string
 */
/**
 * cg_error_set_debug:
 * @error: a #CgError
 * @value: (nullable): the debug string
 *
 * Sets the debug string. It is stored as given: redact secrets first with
 * cg_redact(), as the classifier does.
 */
/**
 * cg_error_get_message_type:
 * @error: a #CgError
 *
 * Gets the type of the bus message the error came from. A "warning" makes
 * cg_error_get_severity() report %CG_SEVERITY_WARNING.
 *
 * Returns: (nullable): the bus message type the error came from ("error",
 *   "warning", "element", "eos", "qos", ...)
 */
/**
 * cg_error_set_message_type:
 * @error: a #CgError
 * @value: (nullable): the message type
 *
 * Sets the type of the bus message the error came from, which
 * cg_error_get_severity() takes into account.
 */
/**
 * cg_error_get_camera_id:
 * @error: a #CgError
 *
 * Gets the id of the camera the error belongs to. The classifier cannot know
 * it: the application sets it with cg_error_set_camera_id().
 *
 * Returns: (nullable): the camera id
 */
/**
 * cg_error_set_camera_id:
 * @error: a #CgError
 * @value: (nullable): the camera id
 *
 * Sets the id of the camera the error belongs to.
 */
/**
 * cg_error_get_correlation_id:
 * @error: a #CgError
 *
 * Gets the correlation id, which ties the error to the request or the
 * incident it belongs to.
 *
 * Returns: (nullable): the correlation id (request or incident)
 */
/**
 * cg_error_set_correlation_id:
 * @error: a #CgError
 * @value: (nullable): the correlation id
 *
 * Sets the correlation id of the error.
 */
static void
set_message_impl (CgError * error, const gchar * value)
{
  g_free (error->message);
  error->message = g_strdup (value);
}

void
cg_error_set_message (CgError * error, const gchar * value)
{
  set_message_impl (error, value);
}

STRING_ACCESSORS (source_path)
    STRING_ACCESSORS (factory)
    STRING_ACCESSORS (debug)
    STRING_ACCESSORS (message_type)
    STRING_ACCESSORS (camera_id)
    STRING_ACCESSORS (correlation_id)
/**
 * cg_error_get_gst_domain:
 * @error: a #CgError
 *
 * Gets the name of the GError domain of the original message, as recorded by
 * cg_error_set_gerror().
 *
 * Returns: (nullable): the GError domain, e.g. "gst-resource-error-quark"
 */
     const gchar *cg_error_get_gst_domain (const CgError * error)
{
  return error->gst_domain;
}

/**
 * cg_error_get_gst_code:
 * @error: a #CgError
 *
 * Gets the code of the original message's GError by its enum nick, as
 * recorded by cg_error_set_gerror().
 *
 * Returns: (nullable): the GError code's name, e.g. "not-found", or the
 *   number as a string for a domain whose codes have no enum
 */
const gchar *
cg_error_get_gst_code (const CgError * error)
{
  return error->gst_code;
}

static GType
enum_type_for_domain (GQuark domain)
{
  if (domain == GST_CORE_ERROR)
    return GST_TYPE_CORE_ERROR;
  if (domain == GST_LIBRARY_ERROR)
    return GST_TYPE_LIBRARY_ERROR;
  if (domain == GST_RESOURCE_ERROR)
    return GST_TYPE_RESOURCE_ERROR;
  if (domain == GST_STREAM_ERROR)
    return GST_TYPE_STREAM_ERROR;
  if (domain == GST_PARSE_ERROR)
    return GST_TYPE_PARSE_ERROR;
  return G_TYPE_INVALID;
}

/**
 * cg_error_set_gerror:
 * @error: a #CgError
 * @gerror: (nullable): the GError of the original message
 *
 * Records the domain and the code name of @gerror.
 */
void
cg_error_set_gerror (CgError * error, const GError * gerror)
{
  GType etype;

  g_clear_pointer (&error->gst_domain, g_free);
  g_clear_pointer (&error->gst_code, g_free);
  if (gerror == NULL)
    return;
  error->gst_domain = g_strdup (g_quark_to_string (gerror->domain));
  etype = enum_type_for_domain (gerror->domain);
  if (etype != G_TYPE_INVALID) {
    GEnumClass *klass = g_type_class_ref (etype);
    GEnumValue *v = g_enum_get_value (klass, gerror->code);

    if (v)
      error->gst_code = g_strdup (v->value_nick);
    g_type_class_unref (klass);
  }
  if (error->gst_code == NULL)
    error->gst_code = g_strdup_printf ("%d", gerror->code);
}

/**
 * cg_error_get_timestamp:
 * @error: a #CgError
 *
 * Gets when the error happened: cg_error_new() stamps the current wall-clock
 * time, which cg_error_set_timestamp() can replace.
 *
 * Returns: wall-clock time of the error, microseconds since the epoch
 */
gint64
cg_error_get_timestamp (const CgError * error)
{
  return error->timestamp_us;
}

/**
 * cg_error_set_timestamp:
 * @error: a #CgError
 * @timestamp_us: microseconds since the epoch
 *
 * Sets when the error happened, e.g. when rebuilding an error that was
 * recorded earlier.
 */
void
cg_error_set_timestamp (CgError * error, gint64 timestamp_us)
{
  error->timestamp_us = timestamp_us;
}

/**
 * cg_error_is_secondary:
 * @error: a #CgError
 *
 * Tells whether @error is a consequence of an earlier error. A secondary
 * error is still reported but never replaces the cause of its incident (see
 * #CgClassifier).
 *
 * Returns: %TRUE when the classifier found this error to be a consequence of
 *   an earlier error in the same incident
 */
gboolean
cg_error_is_secondary (const CgError * error)
{
  return error->secondary;
}

/**
 * cg_error_set_secondary:
 * @error: a #CgError
 * @secondary: whether the error is a consequence of an earlier one
 *
 * Marks @error as a consequence of an earlier error, or not. #CgClassifier
 * does this for the later errors of an incident.
 */
void
cg_error_set_secondary (CgError * error, gboolean secondary)
{
  error->secondary = secondary;
}

/**
 * cg_error_get_details:
 * @error: a #CgError
 *
 * Structured details: the original message's details (`rtsp-status-code`,
 * `http-status-code`, `flow-return`, ...) plus facts the classifier added.
 *
 * Returns: (transfer none): the details structure, named "details"
 */
const GstStructure *
cg_error_get_details (const CgError * error)
{
  return error->details;
}

/**
 * cg_error_get_details_writable:
 * @error: a #CgError
 *
 * Gets the details structure of @error for adding fields in place. It
 * belongs to the error: do not free it.
 *
 * Returns: (transfer none): the details structure, to add fields to
 */
GstStructure *
cg_error_get_details_writable (CgError * error)
{
  return error->details;
}

/**
 * cg_error_set_details:
 * @error: a #CgError
 * @details: (nullable): fields to merge into the details
 *
 * Copies every field of @details into the error's details.
 */
void
cg_error_set_details (CgError * error, const GstStructure * details)
{
  gint i, n;

  if (details == NULL)
    return;
  n = gst_structure_n_fields (details);
  for (i = 0; i < n; i++) {
    const gchar *name = gst_structure_nth_field_name (details, i);

    gst_structure_set_value (error->details, name,
        gst_structure_get_value (details, name));
  }
}

/**
 * cg_error_set_gst_domain:
 * @error: a #CgError
 * @value: (nullable): a GError domain name, e.g. "gst-resource-error-quark"
 *
 * Sets the domain name directly, e.g. when rebuilding an error from a
 * #GstStructure; cg_error_set_gerror() is the usual way.
 */
void
cg_error_set_gst_domain (CgError * error, const gchar * value)
{
  g_free (error->gst_domain);
  error->gst_domain = g_strdup (value);
}

/**
 * cg_error_set_gst_code:
 * @error: a #CgError
 * @value: (nullable): a GError code name, e.g. "not-found"
 *
 * Sets the code name directly; cg_error_set_gerror() is the usual way.
 */
void
cg_error_set_gst_code (CgError * error, const gchar * value)
{
  g_free (error->gst_code);
  error->gst_code = g_strdup (value);
}
