/* camguard - what every camguard element does the same way
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two rules of the element convention (docs/architecture.md) in one place:
 * an ERROR or WARNING carries its catalogue code in its details, written
 * by cg_details_new(); and a property set in a state its mutability flags
 * do not allow changes nothing and posts a VALIDATION_ERROR WARNING that
 * names it. Plain properties are copied between their GValue and the
 * element's Settings struct through a table of offsets, so that the
 * property switches only hold what is particular to a property.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cgelementutil.h"

/* Posts an ERROR or WARNING (@type) with @domain/@code, taking copies of
 * @text and @debug, with details holding @cg_code. No lock may be held. */
void
cg_element_post_coded (GstElement * element, GstMessageType type,
    GQuark domain, gint code, CgCode cg_code, const gchar * text,
    const gchar * debug, const gchar * file, const gchar * function, gint line)
{
  gst_element_message_full_with_details (element, type, domain, code,
      g_strdup (text), g_strdup (debug), file, function, line,
      cg_details_new (cg_code));
}

/* The highest state in which @pspec may be set: its GST_PARAM_MUTABLE_*
 * flag, READY when it has none. */
static GstState
highest_mutable_state (GParamSpec * pspec)
{
  if (pspec->flags & GST_PARAM_MUTABLE_PLAYING)
    return GST_STATE_PLAYING;
  if (pspec->flags & GST_PARAM_MUTABLE_PAUSED)
    return GST_STATE_PAUSED;
  return GST_STATE_READY;
}

/* A property set in a state where it cannot take effect, or with a value
 * that @why refuses: a VALIDATION_ERROR WARNING naming it. No lock may be
 * held. */
static void
warn_refused (GstElement * element, GParamSpec * pspec, GstState state,
    const gchar * why)
{
  gchar *text = why ? g_strdup_printf ("Property \"%s\": %s; the new value "
      "was ignored", pspec->name, why) : g_strdup_printf ("Property \"%s\" "
      "can only be changed up to the %s state; the new value was ignored",
      pspec->name, gst_element_state_get_name (highest_mutable_state (pspec)));
  gchar *debug = g_strdup_printf ("%s set in %s", pspec->name,
      gst_element_state_get_name (state));

  GST_WARNING_OBJECT (element, "%s", text);
  CG_ELEMENT_WARNING_CODED (element, RESOURCE, SETTINGS,
      CG_CODE_VALIDATION_ERROR, text, debug);
  g_free (text);
  g_free (debug);
}

/* The state that decides whether a property may change: the one @element
 * is in, or is going to when that is higher (READY to PAUSED is past READY
 * already). The object lock is held. */
GstState
cg_element_get_state_locked (GstElement * element)
{
  return MAX (GST_STATE (element), GST_STATE_NEXT (element));
}

/* The whole set_property of a camguard element: the object lock once
 * around @set_locked, unless the element's state is past what @pspec's
 * mutability allows; the WARNING, if any, after the lock is released. */
void
cg_element_set_property (GstElement * element, GParamSpec * pspec,
    guint prop_id, const GValue * value, CgPropertySetter set_locked)
{
  gchar *why = NULL;
  gboolean mutable;
  GstState state;

  GST_OBJECT_LOCK (element);
  state = cg_element_get_state_locked (element);
  mutable = state <= highest_mutable_state (pspec);
  if (mutable)
    why = set_locked (element, prop_id, value);
  GST_OBJECT_UNLOCK (element);

  if (!mutable || why)
    warn_refused (element, pspec, state, why);
  g_free (why);
}

/* The body of an enum's _get_type(): registers @values as @name once. */
GType
cg_element_register_enum (gsize * type, const gchar * name,
    const GEnumValue * values)
{
  if (g_once_init_enter (type))
    g_once_init_leave (type, g_enum_register_static (name, values));
  return (GType) * type;
}

static const CgSettingsField *
find_field (const CgSettingsField * fields, guint prop_id)
{
  for (; fields->prop_id != 0; fields++)
    if (fields->prop_id == prop_id)
      return fields;
  return NULL;
}

/* Copies between @value and the field @p, into the field when @set. */
static void
copy_field (gpointer p, GValue * value, gboolean set)
{
  switch (G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (value))) {
    case G_TYPE_ENUM:
      if (set)
        *(gint *) p = g_value_get_enum (value);
      else
        g_value_set_enum (value, *(gint *) p);
      break;
    case G_TYPE_BOOLEAN:
      if (set)
        *(gboolean *) p = g_value_get_boolean (value);
      else
        g_value_set_boolean (value, *(gboolean *) p);
      break;
    case G_TYPE_INT:
      if (set)
        *(gint *) p = g_value_get_int (value);
      else
        g_value_set_int (value, *(gint *) p);
      break;
    case G_TYPE_UINT:
      if (set)
        *(guint *) p = g_value_get_uint (value);
      else
        g_value_set_uint (value, *(guint *) p);
      break;
    case G_TYPE_UINT64:
      if (set)
        *(guint64 *) p = g_value_get_uint64 (value);
      else
        g_value_set_uint64 (value, *(guint64 *) p);
      break;
    case G_TYPE_DOUBLE:
      if (set)
        *(gdouble *) p = g_value_get_double (value);
      else
        g_value_set_double (value, *(gdouble *) p);
      break;
    case G_TYPE_STRING:
      if (set) {
        g_free (*(gchar **) p);
        *(gchar **) p = g_value_dup_string (value);
      } else {
        g_value_set_string (value, *(gchar **) p);
      }
      break;
    default:
      g_assert_not_reached ();
  }
}

/* Copies @value into its field of @settings (enums, booleans, integers,
 * doubles and strings); FALSE when @prop_id has no field. Lock held. */
gboolean
cg_settings_set_field (const CgSettingsField * fields, gpointer settings,
    guint prop_id, const GValue * value)
{
  const CgSettingsField *f = find_field (fields, prop_id);

  if (f)
    copy_field (G_STRUCT_MEMBER_P (settings, f->offset), (GValue *) value,
        TRUE);
  return f != NULL;
}

/* Copies a field of @settings into @value; FALSE when @prop_id has no
 * field. Lock held. */
gboolean
cg_settings_get_field (const CgSettingsField * fields, gconstpointer settings,
    guint prop_id, GValue * value)
{
  const CgSettingsField *f = find_field (fields, prop_id);

  if (f)
    copy_field (G_STRUCT_MEMBER_P ((gpointer) settings, f->offset), value,
        FALSE);
  return f != NULL;
}
