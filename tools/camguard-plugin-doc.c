/* camguard - print the reference of the camguard elements as Markdown
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reads the registry the way gst-inspect-1.0 does and writes docs/elements.md:
 * pads, properties (type, default, flags, blurb) and signals of every element
 * of the camguard plugin. Exits non-zero when a property or signal lacks a
 * real description, so undocumented API cannot be merged.
 *
 * GObject keeps no names for a signal's arguments (gst-inspect-1.0 prints
 * `arg0`, `arg1`, ...), so they come from the signal's gtk-doc comment in
 * the plugin's sources, given as the first argument: the `@name:` lines of
 * the `Type::signal:` block, the first of which is the instance. A signal
 * whose comment does not name each of its arguments counts as undocumented.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <gst/gst.h>

static gint undocumented = 0;

/* "CgSnapshotTap::snapshot" -> GPtrArray of "name\tdescription", the
 * instance first, from the gtk-doc comments of the plugin's sources. */
static GHashTable *signal_docs = NULL;

/* Reads the `Type::signal:` comment blocks of one source file. */
static void
read_signal_docs (const gchar * path)
{
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;
  GRegex *start = g_regex_new ("^\\s*\\*\\s+(\\w+::[\\w-]+):\\s*$", 0, 0, NULL);
  GRegex *param = g_regex_new ("^\\s*\\*\\s+@(\\w+):\\s*(.*)$", 0, 0, NULL);
  GRegex *more = g_regex_new ("^\\s*\\*\\s{3,}(\\S.*)$", 0, 0, NULL);
  GPtrArray *params = NULL;
  guint i;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i]; i++) {
    GMatchInfo *m = NULL;

    if (g_regex_match (start, lines[i], 0, &m)) {
      params = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (signal_docs, g_match_info_fetch (m, 1), params);
    } else if (params && g_regex_match (param, lines[i], 0, &m)) {
      g_autofree gchar *name = g_match_info_fetch (m, 1);
      g_autofree gchar *desc = g_match_info_fetch (m, 2);

      g_ptr_array_add (params, g_strdup_printf ("%s\t%s", name, desc));
    } else if (params && params->len && g_regex_match (more, lines[i], 0, &m)) {
      gchar **last = (gchar **) & g_ptr_array_index (params, params->len - 1);
      g_autofree gchar *rest = g_match_info_fetch (m, 1);
      gchar *joined = g_strdup_printf ("%s %s", *last, rest);

      g_free (*last);
      *last = joined;
    } else if (params) {
      /* the end of the argument lines */
      params = NULL;
    }
    g_match_info_free (m);
  }
  g_regex_unref (start);
  g_regex_unref (param);
  g_regex_unref (more);
}

static void
read_sources (const gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  signal_docs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) g_ptr_array_unref);
  while (d && (name = g_dir_read_name (d))) {
    if (g_str_has_suffix (name, ".c")) {
      g_autofree gchar *path = g_build_filename (dir, name, NULL);

      read_signal_docs (path);
    }
  }
  if (d)
    g_dir_close (d);
}

static gchar *
md_escape (const gchar * s)
{
  GString *out = g_string_new (NULL);

  for (; s && *s; s++) {
    if (*s == '|')
      g_string_append (out, "\\|");
    else if (*s == '\n')
      g_string_append_c (out, ' ');
    else
      g_string_append_c (out, *s);
  }
  return g_string_free (out, FALSE);
}

static gchar *
default_value_string (GParamSpec * pspec)
{
  GValue v = G_VALUE_INIT;
  gchar *s;
  const GValue *dv = g_param_spec_get_default_value (pspec);

  if (G_IS_PARAM_SPEC_BOXED (pspec) || G_IS_PARAM_SPEC_OBJECT (pspec)
      || G_IS_PARAM_SPEC_POINTER (pspec))
    return g_strdup ("—");
  g_value_init (&v, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_value_copy (dv, &v);
  if (G_VALUE_HOLDS_STRING (&v))
    s = g_strdup_printf ("\"%s\"", g_value_get_string (&v) ?
        g_value_get_string (&v) : "");
  else
    s = gst_value_serialize (&v);
  g_value_unset (&v);
  return s ? s : g_strdup ("—");
}

static gchar *
flags_string (GParamSpec * pspec)
{
  GString *s = g_string_new (NULL);

  g_string_append (s, (pspec->flags & G_PARAM_READABLE) ? "r" : "");
  g_string_append (s, (pspec->flags & G_PARAM_WRITABLE) ? "w" : "");
  if (pspec->flags & GST_PARAM_MUTABLE_PLAYING)
    g_string_append (s, ", mutable in PLAYING");
  else if (pspec->flags & GST_PARAM_MUTABLE_PAUSED)
    g_string_append (s, ", mutable in PAUSED");
  else if (pspec->flags & GST_PARAM_MUTABLE_READY)
    g_string_append (s, ", mutable in READY");
  if (pspec->flags & GST_PARAM_CONTROLLABLE)
    g_string_append (s, ", controllable");
  return g_string_free (s, FALSE);
}

static gint
compare_pspec (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(GParamSpec **) a)->name, (*(GParamSpec **) b)->name);
}

static void
print_enum_values (GType type)
{
  if (G_TYPE_IS_ENUM (type)) {
    GEnumClass *klass = g_type_class_ref (type);
    guint i;

    printf ("  - `%s`: ", g_type_name (type));
    for (i = 0; i < klass->n_values; i++)
      printf ("%s`%s` (%s)", i ? ", " : "", klass->values[i].value_nick,
          klass->values[i].value_name);
    printf ("\n");
    g_type_class_unref (klass);
  }
}

static void
print_properties (GstElement * element)
{
  guint n, i;
  GParamSpec **specs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n);
  GPtrArray *enums = g_ptr_array_new ();

  qsort (specs, n, sizeof (GParamSpec *), compare_pspec);
  printf ("### Properties\n\n");
  printf ("| name | type | default | flags | description |\n");
  printf ("| --- | --- | --- | --- | --- |\n");
  for (i = 0; i < n; i++) {
    GParamSpec *p = specs[i];
    const gchar *blurb = g_param_spec_get_blurb (p);
    gchar *def, *flags, *eb;

    /* Properties of GStreamer base classes are documented upstream. */
    if (!g_str_has_prefix (g_type_name (p->owner_type), "Cg"))
      continue;
    if (blurb == NULL || *blurb == '\0' || g_strcmp0 (blurb, p->name) == 0
        || g_strcmp0 (blurb, g_param_spec_get_nick (p)) == 0) {
      g_printerr ("undocumented property %s::%s\n",
          G_OBJECT_TYPE_NAME (element), p->name);
      undocumented++;
    }
    def = default_value_string (p);
    flags = flags_string (p);
    eb = md_escape (blurb);
    printf ("| `%s` | %s | `%s` | %s | %s |\n", p->name,
        g_type_name (G_PARAM_SPEC_VALUE_TYPE (p)), def, flags, eb);
    if (G_TYPE_IS_ENUM (G_PARAM_SPEC_VALUE_TYPE (p)))
      g_ptr_array_add (enums, GSIZE_TO_POINTER (G_PARAM_SPEC_VALUE_TYPE (p)));
    g_free (def);
    g_free (flags);
    g_free (eb);
  }
  printf ("\n");
  if (enums->len) {
    printf ("Enumerations:\n\n");
    for (i = 0; i < enums->len; i++)
      print_enum_values (GPOINTER_TO_SIZE (g_ptr_array_index (enums, i)));
    printf ("\n");
  }
  g_ptr_array_unref (enums);
  g_free (specs);
}

/* The documented name and description of argument @j (from 0, after the
 * instance) of a signal, or NULL. */
static const gchar *
signal_arg_doc (GPtrArray * params, guint j)
{
  return params && j + 1 < params->len ? g_ptr_array_index (params, j + 1) :
      NULL;
}

static void
print_signal (GType type, GSignalQuery * q)
{
  g_autofree gchar *key = g_strdup_printf ("%s::%s", g_type_name (type),
      q->signal_name);
  GPtrArray *params = signal_docs ? g_hash_table_lookup (signal_docs, key) :
      NULL;
  guint j;

  if (signal_docs && (!params || params->len != q->n_params + 1)) {
    g_printerr ("signal %s: its comment does not name its %u arguments\n",
        key, q->n_params);
    undocumented++;
    params = NULL;
  }
  printf ("- `%s` (%s): `%s` (", q->signal_name,
      (q->signal_flags & G_SIGNAL_ACTION) ? "action" : "signal",
      g_type_name (q->return_type));
  for (j = 0; j < q->n_params; j++) {
    const gchar *doc = signal_arg_doc (params, j);
    g_autofree gchar *name = doc ? g_strndup (doc, strcspn (doc, "\t")) : NULL;

    printf ("%s%s%s%s%s", j ? ", " : "",
        g_type_name (q->param_types[j] & ~G_SIGNAL_TYPE_STATIC_SCOPE),
        name ? " `" : "", name ? name : "", name ? "`" : "");
  }
  printf (")\n");
  for (j = 0; params && j < q->n_params; j++) {
    const gchar *doc = signal_arg_doc (params, j);
    g_autofree gchar *name = g_strndup (doc, strcspn (doc, "\t"));
    g_autofree gchar *desc = md_escape (strchr (doc, '\t') + 1);

    printf ("  - `%s`: %s\n", name, desc);
  }
}

static void
print_signals (GType type)
{
  guint n = 0, i;
  guint *ids = g_signal_list_ids (type, &n);

  if (n == 0) {
    g_free (ids);
    return;
  }
  printf ("### Signals\n\n");
  for (i = 0; i < n; i++) {
    GSignalQuery q;

    g_signal_query (ids[i], &q);
    print_signal (type, &q);
  }
  printf ("\n");
  g_free (ids);
}

/* sink pads first, then by name: the registry's order depends on whether
 * the plugin was loaded or read from the cache */
static gint
compare_template (gconstpointer a, gconstpointer b)
{
  const GstStaticPadTemplate *x = a, *y = b;

  if (x->direction != y->direction)
    return x->direction == GST_PAD_SINK ? -1 : 1;
  return strcmp (x->name_template, y->name_template);
}

static void
print_pads (GstElementFactory * factory)
{
  GList *sorted, *l;

  printf ("### Pad templates\n\n");
  sorted = g_list_sort (g_list_copy ((GList *)
          gst_element_factory_get_static_pad_templates (factory)),
      compare_template);
  for (l = sorted; l; l = l->next) {
    GstStaticPadTemplate *t = l->data;
    GstCaps *caps = gst_static_caps_get (&t->static_caps);
    gchar *c = gst_caps_to_string (caps);

    printf ("- `%s` (%s, %s): `%s`\n", t->name_template,
        t->direction == GST_PAD_SRC ? "src" : "sink",
        t->presence == GST_PAD_ALWAYS ? "always" :
        t->presence == GST_PAD_SOMETIMES ? "sometimes" : "request", c);
    g_free (c);
    gst_caps_unref (caps);
  }
  g_list_free (sorted);
  printf ("\n");
}

static gint
compare_feature (gconstpointer a, gconstpointer b)
{
  return strcmp (gst_plugin_feature_get_name ((GstPluginFeature *) a),
      gst_plugin_feature_get_name ((GstPluginFeature *) b));
}

/* The element's "messages" metadata (what gst-inspect-1.0 shows under
 * Factory Details), one message a line. An element without it counts as
 * undocumented. */
static void
print_messages (GstElementFactory * factory)
{
  const gchar *text = gst_element_factory_get_metadata (factory, "messages");
  gchar **lines;

  if (text == NULL) {
    g_printerr ("%s: no \"messages\" metadata\n",
        gst_plugin_feature_get_name (factory));
    undocumented++;
    return;
  }
  printf ("Messages:\n\n");
  lines = g_strsplit (text, "\n", -1);
  for (gchar ** l = lines; *l; l++)
    printf ("- %s\n", g_strstrip (*l));
  printf ("\n");
  g_strfreev (lines);
}

int
main (int argc, char **argv)
{
  GList *features, *l;
  GstPlugin *plugin;

  gst_init (&argc, &argv);
  if (argc > 1)
    read_sources (argv[1]);
  plugin = gst_registry_find_plugin (gst_registry_get (), "camguard");
  if (plugin == NULL) {
    g_printerr ("camguard plugin not found; set GST_PLUGIN_PATH\n");
    return 2;
  }
  printf ("<!-- Generated by tools/camguard-plugin-doc from the plugin "
      "registry; do not edit. Regenerate with `ninja -C build "
      "update-elements-doc`. -->\n\n");
  printf ("# camguard elements\n\n");
  printf ("%s\n\n", gst_plugin_get_description (plugin));
  features = gst_registry_get_feature_list_by_plugin (gst_registry_get (),
      "camguard");
  features = g_list_sort (features, compare_feature);
  for (l = features; l; l = l->next) {
    GstElementFactory *factory;
    GstElement *element;

    if (!GST_IS_ELEMENT_FACTORY (l->data))
      continue;
    factory = GST_ELEMENT_FACTORY (gst_plugin_feature_load (l->data));
    element = gst_element_factory_create (factory, NULL);
    printf ("## %s\n\n", gst_plugin_feature_get_name (l->data));
    printf ("**%s** — %s\n\n",
        gst_element_factory_get_metadata (factory,
            GST_ELEMENT_METADATA_LONGNAME),
        gst_element_factory_get_metadata (factory,
            GST_ELEMENT_METADATA_DESCRIPTION));
    printf ("Class: `%s`\n\n", gst_element_factory_get_metadata (factory,
            GST_ELEMENT_METADATA_KLASS));
    print_messages (factory);
    print_pads (factory);
    print_properties (element);
    print_signals (G_OBJECT_TYPE (element));
    gst_object_unref (element);
    gst_object_unref (factory);
  }
  gst_plugin_feature_list_free (features);
  gst_object_unref (plugin);
  g_clear_pointer (&signal_docs, g_hash_table_unref);
  if (undocumented) {
    g_printerr ("%d undocumented properties or signals\n", undocumented);
    return 1;
  }
  return 0;
}
