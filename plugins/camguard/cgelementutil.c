/* camguard - what every camguard element does the same way
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Two rules of the element convention (docs/architecture.md) in one place:
 * an ERROR or WARNING carries its catalogue code in its details, written
 * by cg_details_new(); and a property set in a state its mutability flags
 * do not allow changes nothing and posts a VALIDATION_ERROR WARNING that
 * names it.
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

/* Whether @pspec may be set in @element's current state. Object lock
 * held (it protects the state). */
gboolean
cg_element_property_mutable_locked (GstElement * element, GParamSpec * pspec)
{
  return GST_STATE (element) <= highest_mutable_state (pspec);
}

/* The WARNING for a property set in a state where it cannot take effect.
 * No lock may be held. */
void
cg_element_warn_property_refused (GstElement * element, GParamSpec * pspec)
{
  gchar *text = g_strdup_printf ("Property \"%s\" can only be changed up to "
      "the %s state; the new value was ignored", pspec->name,
      gst_element_state_get_name (highest_mutable_state (pspec)));
  gchar *debug = g_strdup_printf ("%s set while %s", pspec->name,
      gst_element_state_get_name (GST_STATE (element)));

  GST_WARNING_OBJECT (element, "%s", text);
  CG_ELEMENT_WARNING_CODED (element, RESOURCE, SETTINGS,
      CG_CODE_VALIDATION_ERROR, text, debug);
  g_free (text);
  g_free (debug);
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
