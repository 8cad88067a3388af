/* camguard-gateway - tests for the Prometheus registry (gw-metrics)
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every test renders the exposition and parses it back line by line with the
 * small parser below (HELP/TYPE lines, sample names, escaped label values,
 * numbers), so the assertions are about what a Prometheus scraper reads.
 */
#include <gw-http-metrics.h>
#include <gw-metrics.h>
#include <math.h>
#include <string.h>

/* ---- a parser of the text exposition format ---- */

typedef struct
{
  gchar *name;
  GHashTable *labels;           /* name -> unescaped value */
  gdouble value;
} Sample;

typedef struct
{
  gchar *name;
  gchar *help;
  gchar *type;
  GPtrArray *samples;           /* Sample * */
} Family;

typedef struct
{
  GPtrArray *families;          /* Family *, in the order of the text */
} Exposition;

static void
sample_free (Sample * s)
{
  g_free (s->name);
  g_hash_table_unref (s->labels);
  g_free (s);
}

static void
family_free (Family * f)
{
  g_free (f->name);
  g_free (f->help);
  g_free (f->type);
  g_ptr_array_unref (f->samples);
  g_free (f);
}

static void
exposition_free (Exposition * e)
{
  g_ptr_array_unref (e->families);
  g_free (e);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Exposition, exposition_free)
/* Undo the escaping of a HELP text (quotes == FALSE) or a label value. */
     static gchar *unescape (const gchar * p, const gchar ** end,
    gboolean quoted)
{
  GString *out = g_string_new (NULL);

  for (; *p && !(quoted && *p == '"'); p++) {
    g_assert_cmpint (*p, !=, '\n');
    if (*p != '\\') {
      g_string_append_c (out, *p);
      continue;
    }
    p++;
    if (*p == 'n')
      g_string_append_c (out, '\n');
    else if (*p == '\\')
      g_string_append_c (out, '\\');
    else if (*p == '"' && quoted)
      g_string_append_c (out, '"');
    else
      g_error ("bad escape \\%c", *p);
  }
  if (quoted)
    g_assert_cmpint (*p, ==, '"');
  if (end)
    *end = p;
  return g_string_free (out, FALSE);
}

static gboolean
family_owns (Family * f, const gchar * sample)
{
  static const gchar *const suffixes[] = { "_bucket", "_sum", "_count" };
  guint i;

  if (strcmp (f->name, sample) == 0)
    return g_strcmp0 (f->type, "histogram") != 0;
  if (g_strcmp0 (f->type, "histogram") != 0)
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (suffixes); i++) {
    g_autofree gchar *full = g_strconcat (f->name, suffixes[i], NULL);

    if (strcmp (full, sample) == 0)
      return TRUE;
  }
  return FALSE;
}

static Sample *
parse_sample (const gchar * line)
{
  Sample *s = g_new0 (Sample, 1);
  const gchar *p = line;
  gchar *end = NULL;

  while (g_ascii_isalnum (*p) || *p == '_' || *p == ':')
    p++;
  s->name = g_strndup (line, p - line);
  s->labels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (*p == '{') {
    p++;
    while (*p != '}') {
      const gchar *start = p;
      gchar *key;

      while (g_ascii_isalnum (*p) || *p == '_')
        p++;
      key = g_strndup (start, p - start);
      g_assert_cmpint (*p++, ==, '=');
      g_assert_cmpint (*p++, ==, '"');
      g_assert_false (g_hash_table_contains (s->labels, key));
      g_hash_table_insert (s->labels, key, unescape (p, &p, TRUE));
      p++;
      if (*p == ',')
        p++;
      else
        g_assert_cmpint (*p, ==, '}');
    }
    p++;
  }
  g_assert_cmpint (*p++, ==, ' ');
  if (strcmp (p, "+Inf") == 0)
    s->value = INFINITY;
  else if (strcmp (p, "-Inf") == 0)
    s->value = -INFINITY;
  else if (strcmp (p, "NaN") == 0)
    s->value = NAN;
  else {
    s->value = g_ascii_strtod (p, &end);
    g_assert_true (end != p && *end == '\0');
  }
  return s;
}

/* Parses @text, asserting the format rules on the way: every line is a
 * comment or a sample; HELP then TYPE open each family, once; every sample
 * belongs to the family opened last; families are sorted by name and carry
 * the camguard_ prefix; the text ends with a newline. */
static Exposition *
parse (const gchar * text)
{
  Exposition *e = g_new0 (Exposition, 1);
  g_auto (GStrv) lines = NULL;
  Family *current = NULL;
  guint i;

  e->families = g_ptr_array_new_with_free_func ((GDestroyNotify) family_free);
  g_assert_true (*text == '\0' || g_str_has_suffix (text, "\n"));
  lines = g_strsplit (text, "\n", -1);
  for (i = 0; lines[i] && lines[i + 1]; i++) {
    const gchar *line = lines[i];

    if (g_str_has_prefix (line, "# HELP ")) {
      const gchar *name = line + 7, *space = strchr (name, ' ');

      g_assert_nonnull (space);
      current = g_new0 (Family, 1);
      current->name = g_strndup (name, space - name);
      current->help = unescape (space + 1, NULL, FALSE);
      current->samples =
          g_ptr_array_new_with_free_func ((GDestroyNotify) sample_free);
      g_assert_true (g_str_has_prefix (current->name, "camguard_"));
      if (e->families->len) {
        Family *prev = e->families->pdata[e->families->len - 1];

        g_assert_cmpstr (prev->name, <, current->name);
      }
      g_ptr_array_add (e->families, current);
    } else if (g_str_has_prefix (line, "# TYPE ")) {
      g_auto (GStrv) parts = g_strsplit (line + 7, " ", -1);

      g_assert_nonnull (current);
      g_assert_null (current->type);
      g_assert_cmpuint (g_strv_length (parts), ==, 2);
      g_assert_cmpstr (parts[0], ==, current->name);
      g_assert_true (g_strv_contains ((const gchar * const[]) {
                "counter", "gauge", "histogram", NULL
              }, parts[1]));
      current->type = g_strdup (parts[1]);
    } else {
      Sample *s;

      g_assert_false (g_str_has_prefix (line, "#"));
      g_assert_nonnull (current);
      g_assert_nonnull (current->type);
      s = parse_sample (line);
      g_assert_true (family_owns (current, s->name));
      g_ptr_array_add (current->samples, s);
    }
  }
  return e;
}

static Family *
find_family (Exposition * e, const gchar * name)
{
  guint i;

  for (i = 0; i < e->families->len; i++) {
    Family *f = e->families->pdata[i];

    if (strcmp (f->name, name) == 0)
      return f;
  }
  return NULL;
}

/* The samples of @f named @name whose labels include all of @labels
 * (key, value, key, value, ..., NULL). */
static GPtrArray *
find_samples (Family * f, const gchar * name, ...)
{
  GPtrArray *found = g_ptr_array_new ();
  guint i;

  for (i = 0; i < f->samples->len; i++) {
    Sample *s = f->samples->pdata[i];
    gboolean match = strcmp (s->name, name) == 0;
    const gchar *key;
    va_list args;

    va_start (args, name);
    while (match && (key = va_arg (args, const gchar *)) != NULL)
    {
      const gchar *value = va_arg (args, const gchar *);

      match = g_strcmp0 (g_hash_table_lookup (s->labels, key), value) == 0;
    }
    va_end (args);
    if (match)
      g_ptr_array_add (found, s);
  }
  return found;
}

static gdouble
sample_value (Family * f, const gchar * name, const gchar * k1,
    const gchar * v1)
{
  g_autoptr (GPtrArray) found = find_samples (f, name, k1, v1, NULL);

  g_assert_cmpuint (found->len, ==, 1);
  return ((Sample *) found->pdata[0])->value;
}

static Exposition *
render_and_parse (GwMetrics * m)
{
  g_autofree gchar *text = gw_metrics_render (m);

  g_test_message ("exposition:\n%s", text);
  return parse (text);
}

/* ---- tests ---- */

static void
test_counter_gauge (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  const gchar *const req_labels[] = { "method", "status", NULL };
  GwMetric *req = gw_metrics_counter (m, "http_requests_total",
      "HTTP requests by method and status", req_labels);
  GwMetric *clients = gw_metrics_gauge (m, "websocket_clients",
      "Connected WebSocket clients", NULL);
  g_autoptr (Exposition) e = NULL;
  g_autoptr (GPtrArray) samples = NULL;
  Family *f;

  gw_metric_inc (req, "GET", "200", NULL);
  gw_metric_inc (req, "GET", "200", NULL);
  gw_metric_add (req, 3, (const gchar * const[]) {
        "POST", "201", NULL
      });
  gw_metric_inc (clients, NULL);
  gw_metric_add (clients, 4, NULL);
  gw_metric_add (clients, -2, NULL);

  e = render_and_parse (m);
  g_assert_cmpuint (e->families->len, ==, 2);
  f = find_family (e, "camguard_http_requests_total");
  g_assert_nonnull (f);
  g_assert_cmpstr (f->type, ==, "counter");
  g_assert_cmpstr (f->help, ==, "HTTP requests by method and status");
  g_assert_cmpuint (f->samples->len, ==, 2);
  samples = find_samples (f, "camguard_http_requests_total", "method", "GET",
      "status", "200", NULL);
  g_assert_cmpuint (samples->len, ==, 1);
  g_assert_cmpfloat (((Sample *) samples->pdata[0])->value, ==, 2);
  g_assert_cmpfloat (sample_value (f, "camguard_http_requests_total",
          "method", "POST"), ==, 3);

  f = find_family (e, "camguard_websocket_clients");
  g_assert_nonnull (f);
  g_assert_cmpstr (f->type, ==, "gauge");
  g_assert_cmpuint (f->samples->len, ==, 1);
  g_assert_cmpfloat (((Sample *) f->samples->pdata[0])->value, ==, 3);
  g_assert_cmpuint (g_hash_table_size (((Sample *) f->samples->
              pdata[0])->labels), ==, 0);

  gw_metric_set (clients, 7, NULL);
  g_assert_cmpfloat (gw_metric_get_value (clients, NULL), ==, 7);
}

static void
test_escaping (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  const gchar *const labels[] = { "camera", "message", NULL };
  const gchar *nasty = "back\\slash \"quoted\"\nsecond line {a=\"b\"},";
  GwMetric *c = gw_metrics_counter (m, "errors_total",
      "Errors \\ by \"code\"\nand camera", labels);
  g_autoptr (Exposition) e = NULL;
  g_autoptr (GPtrArray) samples = NULL;
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;
  Family *f;

  gw_metric_inc (c, "door", nasty, NULL);
  gw_metric_inc (c, "d\xc3\xa9j\xc3\xa0", "plain", NULL);

  text = gw_metrics_render (m);
  /* one family, two samples, HELP and TYPE: exactly four lines */
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  e = parse (text);
  f = find_family (e, "camguard_errors_total");
  g_assert_nonnull (f);
  /* HELP escapes backslash and newline, not the quote */
  g_assert_cmpstr (f->help, ==, "Errors \\ by \"code\"\nand camera");
  g_assert_nonnull (strstr (text, "by \"code\"\\nand"));
  samples = find_samples (f, "camguard_errors_total", "message", nasty, NULL);
  g_assert_cmpuint (samples->len, ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (((Sample *) samples->pdata[0])->labels,
          "camera"), ==, "door");
  g_assert_cmpfloat (sample_value (f, "camguard_errors_total", "camera",
          "d\xc3\xa9j\xc3\xa0"), ==, 1);
}

static void
test_histogram (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  const gdouble buckets[] = { 0.005, 0.01, 0.1, 1 };
  const gchar *const labels[] = { "route", NULL };
  const gdouble observations[] = { 0.001, 0.005, 0.007, 0.05, 0.5, 0.5, 3,
    1000
  };
  const guint64 expected[] = { 2, 3, 4, 6, 8 };
  const gchar *const les[] = { "0.005", "0.01", "0.1", "1", "+Inf" };
  GwMetric *h = gw_metrics_histogram (m, "http_request_duration_seconds",
      "HTTP request latency", labels, buckets, G_N_ELEMENTS (buckets));
  g_autoptr (Exposition) e = NULL;
  g_autoptr (GPtrArray) bucket_samples = NULL;
  gdouble sum = 0, previous = -1;
  Family *f;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (observations); i++) {
    gw_metric_observe (h, observations[i], (const gchar * const[]) {
          "/status", NULL
        });
    sum += observations[i];
  }
  gw_metric_observe (h, 0.2, (const gchar * const[]) {
        "/health", NULL
      });
  gw_metric_observe (h, NAN, (const gchar * const[]) {
        "/health", NULL
      });

  e = render_and_parse (m);
  f = find_family (e, "camguard_http_request_duration_seconds");
  g_assert_nonnull (f);
  g_assert_cmpstr (f->type, ==, "histogram");
  bucket_samples = find_samples (f, "camguard_http_request_duration_seconds_"
      "bucket", "route", "/status", NULL);
  g_assert_cmpuint (bucket_samples->len, ==, G_N_ELEMENTS (les));
  for (i = 0; i < bucket_samples->len; i++) {
    Sample *s = bucket_samples->pdata[i];

    /* in order of le, cumulative, never decreasing */
    g_assert_cmpstr (g_hash_table_lookup (s->labels, "le"), ==, les[i]);
    g_assert_cmpfloat (s->value, >=, previous);
    g_assert_cmpfloat (s->value, ==, (gdouble) expected[i]);
    previous = s->value;
  }
  g_assert_cmpfloat (sample_value (f,
          "camguard_http_request_duration_seconds_count", "route", "/status"),
      ==, G_N_ELEMENTS (observations));
  g_assert_cmpfloat_with_epsilon (sample_value (f,
          "camguard_http_request_duration_seconds_sum", "route", "/status"),
      sum, 1e-9);
  g_assert_cmpfloat (sample_value (f,
          "camguard_http_request_duration_seconds_count", "route", "/health"),
      ==, 1);
  g_assert_cmpfloat (gw_metric_get_value (h, (const gchar * const[]) {
            "/health", NULL
          }), ==, 1);
}

/* A series handle counts into the same series as the label values, and
 * the HTTP metrics count every request into both families, methods
 * nobody uses as OTHER. */
static void
test_series_handles (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  g_autoptr (GwHttpMetrics) http = gw_http_metrics_new (m);
  const gchar *const labels[] = { "kind", NULL };
  const gchar *const retry[] = { "retry", NULL };
  GwMetric *c = gw_metrics_counter (m, "things_total", "Things", labels);
  GwMetricSeries *s = gw_metric_series (c, retry);
  gchar *route = g_strdup ("/api/v1/cameras/{id}/status");
  g_autoptr (Exposition) e = NULL;
  g_autoptr (GPtrArray) found = NULL;
  Family *f;

  gw_metric_inc (c, "retry", NULL);
  gw_metric_series_add (c, s, 2);
  g_assert_true (gw_metric_series (c, retry) == s);
  g_assert_cmpfloat (gw_metric_get_value (c, retry), ==, 3);

  gw_http_metrics_observe (http, route, "GET", 200, 0.5);
  gw_http_metrics_observe (http, route, "GET", 200, 3.0);
  gw_http_metrics_observe (http, route, "GET", 404, 1.0);
  gw_http_metrics_observe (http, NULL, "BREW", 404, 1.0);
  gw_http_metrics_observe (http, NULL, "WHEN", 404, 1.0);
  e = render_and_parse (m);
  f = find_family (e, "camguard_http_requests_total");
  g_assert_nonnull (f);
  g_assert_cmpfloat (sample_value (f, "camguard_http_requests_total",
          "status", "200"), ==, 2);
  g_assert_cmpfloat (sample_value (f, "camguard_http_requests_total",
          "method", "OTHER"), ==, 2);
  found = find_samples (f, "camguard_http_requests_total", "status", "404",
      NULL);
  g_assert_cmpuint (found->len, ==, 2);
  f = find_family (e, "camguard_http_request_duration_seconds");
  g_assert_cmpfloat_with_epsilon (sample_value (f,
          "camguard_http_request_duration_seconds_sum", "status", "200"),
      0.0035, 1e-12);
  g_free (route);
}

static void
test_sorted_and_empty (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  const gchar *const labels[] = { "code", NULL };
  const gdouble buckets[] = { 1 };
  g_autoptr (Exposition) e = NULL;
  const gchar *names[] = { "camguard_a_total", "camguard_b_seconds",
    "camguard_m_gauge", "camguard_z_total"
  };
  guint i;

  gw_metrics_counter (m, "z_total", "last", NULL);
  gw_metrics_gauge (m, "m_gauge", "labelled, no series yet", labels);
  gw_metrics_counter (m, "a_total", "first", labels);
  gw_metrics_histogram (m, "b_seconds", "no labels", NULL, buckets, 1);

  e = render_and_parse (m);
  g_assert_cmpuint (e->families->len, ==, G_N_ELEMENTS (names));
  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    Family *f = e->families->pdata[i];

    g_assert_cmpstr (f->name, ==, names[i]);
    g_assert_nonnull (f->type);
  }
  /* label-less families show their zero; labelled ones nothing yet */
  g_assert_cmpuint (((Family *) e->families->pdata[0])->samples->len, ==, 0);
  g_assert_cmpuint (((Family *) e->families->pdata[1])->samples->len, ==, 4);
  g_assert_cmpuint (((Family *) e->families->pdata[2])->samples->len, ==, 0);
  g_assert_cmpuint (((Family *) e->families->pdata[3])->samples->len, ==, 1);
  g_assert_cmpfloat (((Sample *) ((Family *) e->families->pdata[3])->
          samples->pdata[0])->value, ==, 0);
}

static void
test_numbers (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  const gchar *const labels[] = { "case", NULL };
  GwMetric *g = gw_metrics_gauge (m, "values", "number formats", labels);
  g_autoptr (Exposition) e = NULL;
  g_autofree gchar *text = NULL;
  Family *f;

  gw_metric_set (g, 0.1, (const gchar * const[]) {
        "tenth", NULL
      });
  gw_metric_set (g, 3, (const gchar * const[]) {
        "three", NULL
      });
  gw_metric_set (g, 1.0 / 3.0, (const gchar * const[]) {
        "third", NULL
      });
  gw_metric_set (g, INFINITY, (const gchar * const[]) {
        "inf", NULL
      });
  gw_metric_set (g, NAN, (const gchar * const[]) {
        "nan", NULL
      });

  text = gw_metrics_render (m);
  g_assert_nonnull (strstr (text, "{case=\"tenth\"} 0.1\n"));
  g_assert_nonnull (strstr (text, "{case=\"three\"} 3\n"));
  g_assert_nonnull (strstr (text, "{case=\"inf\"} +Inf\n"));
  g_assert_nonnull (strstr (text, "{case=\"nan\"} NaN\n"));
  e = parse (text);
  f = find_family (e, "camguard_values");
  /* read back exactly */
  g_assert_cmpfloat (sample_value (f, "camguard_values", "case", "third"), ==,
      1.0 / 3.0);
  g_assert_true (isnan (sample_value (f, "camguard_values", "case", "nan")));
}

static void
test_remove_series (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  const gchar *const labels[] = { "camera", NULL };
  GwMetric *g = gw_metrics_gauge (m, "camera_up", "1 when running", labels);
  g_autoptr (Exposition) e = NULL;

  gw_metric_set (g, 1, (const gchar * const[]) {
        "door", NULL
      });
  gw_metric_set (g, 1, (const gchar * const[]) {
        "desk", NULL
      });
  g_assert_true (gw_metric_remove (g, (const gchar * const[]) {
            "door", NULL
          }));
  g_assert_false (gw_metric_remove (g, (const gchar * const[]) {
            "door", NULL
          }));
  e = render_and_parse (m);
  g_assert_cmpuint (((Family *) e->families->pdata[0])->samples->len, ==, 1);
}

static void
test_register_twice (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  const gchar *const labels[] = { "code", NULL };
  const gchar *const other[] = { "severity", NULL };
  GwMetric *a = gw_metrics_counter (m, "errors_total", "errors", labels);

  g_assert_true (gw_metrics_counter (m, "errors_total", "errors", labels) == a);
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL,
      "*same_family*");
  g_assert_null (gw_metrics_gauge (m, "errors_total", "errors", labels));
  g_test_assert_expected_messages ();
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL,
      "*same_family*");
  g_assert_null (gw_metrics_counter (m, "errors_total", "errors", other));
  g_test_assert_expected_messages ();
}

static void
test_invalid_names (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  const gdouble buckets[] = { 1, 1 };
  const gdouble good[] = { 1 };
  const gchar *const le[] = { "le", NULL };
  const gchar *const reserved[] = { "__x", NULL };
  const gchar *const dup[] = { "a", "a", NULL };
  const gchar *const colon[] = { "a:b", NULL };

  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL, "*valid*");
  g_assert_null (gw_metrics_counter (m, "1abc", "bad", NULL));
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL, "*valid*");
  g_assert_null (gw_metrics_counter (m, "a-b", "bad", NULL));
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL, "*valid*");
  g_assert_null (gw_metrics_histogram (m, "h", "bad", le, good, 1));
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL, "*valid*");
  g_assert_null (gw_metrics_counter (m, "c", "bad", reserved));
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL, "*valid*");
  g_assert_null (gw_metrics_counter (m, "c", "bad", dup));
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL, "*valid*");
  g_assert_null (gw_metrics_counter (m, "c", "bad", colon));
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL, "*valid*");
  g_assert_null (gw_metrics_histogram (m, "h", "bad", NULL, buckets, 2));
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL,
      "*GW_METRICS_PREFIX*");
  g_assert_null (gw_metrics_counter (m, "camguard_twice", "bad", NULL));
  g_test_assert_expected_messages ();
}

static void
test_wrong_use (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  const gchar *const labels[] = { "a", "b", NULL };
  GwMetric *c = gw_metrics_counter (m, "c_total", "c", labels);
  g_autoptr (Exposition) e = NULL;

  /* wrong number of label values, negative counter increment, set on a
   * counter: refused, nothing recorded */
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL,
      "*values_match*");
  gw_metric_inc (c, "only-one", NULL);
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL,
      "*value >= 0*");
  gw_metric_add (c, -1, labels);
  g_test_expect_message ("camguard-gateway", G_LOG_LEVEL_CRITICAL,
      "*GW_METRIC_GAUGE*");
  gw_metric_set (c, 5, labels);
  g_test_assert_expected_messages ();
  e = render_and_parse (m);
  g_assert_cmpuint (((Family *) e->families->pdata[0])->samples->len, ==, 0);
}

#define N_THREADS 4
#define N_INCREMENTS 20000

typedef struct
{
  GwMetric *counter;
  GwMetric *histogram;
  guint index;
} Worker;

static gpointer
worker_run (gpointer data)
{
  Worker *w = data;
  g_autofree gchar *own = g_strdup_printf ("t%u", w->index);
  guint i;

  for (i = 0; i < N_INCREMENTS; i++) {
    gw_metric_inc (w->counter, "shared", NULL);
    gw_metric_inc (w->counter, own, NULL);
    gw_metric_observe (w->histogram, (i % 3) * 0.5, NULL);
  }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr (GwMetrics) m = gw_metrics_new ();
  const gchar *const labels[] = { "who", NULL };
  const gdouble buckets[] = { 0.25, 0.75 };
  Worker workers[N_THREADS];
  GThread *threads[N_THREADS];
  g_autoptr (Exposition) e = NULL;
  g_autofree gchar *text = NULL;
  Family *f;
  guint i;

  for (i = 0; i < N_THREADS; i++) {
    workers[i].counter = gw_metrics_counter (m, "work_total", "work", labels);
    workers[i].histogram = gw_metrics_histogram (m, "work_seconds", "work",
        NULL, buckets, G_N_ELEMENTS (buckets));
    workers[i].index = i;
    threads[i] = g_thread_new ("metrics-worker", worker_run, &workers[i]);
  }
  /* render while the workers run: every exposition parses */
  for (i = 0; i < 20; i++) {
    g_autofree gchar *partial = gw_metrics_render (m);
    g_autoptr (Exposition) pe = parse (partial);

    g_assert_cmpuint (pe->families->len, ==, 2);
  }
  for (i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  text = gw_metrics_render (m);
  e = parse (text);
  f = find_family (e, "camguard_work_total");
  g_assert_cmpfloat (sample_value (f, "camguard_work_total", "who", "shared"),
      ==, N_THREADS * N_INCREMENTS);
  g_assert_cmpfloat (sample_value (f, "camguard_work_total", "who", "t2"), ==,
      N_INCREMENTS);
  f = find_family (e, "camguard_work_seconds");
  g_assert_cmpfloat (sample_value (f, "camguard_work_seconds_count", NULL,
          NULL), ==, N_THREADS * N_INCREMENTS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/metrics/counter-gauge", test_counter_gauge);
  g_test_add_func ("/metrics/escaping", test_escaping);
  g_test_add_func ("/metrics/histogram", test_histogram);
  g_test_add_func ("/metrics/series-handles", test_series_handles);
  g_test_add_func ("/metrics/sorted-and-empty", test_sorted_and_empty);
  g_test_add_func ("/metrics/numbers", test_numbers);
  g_test_add_func ("/metrics/remove-series", test_remove_series);
  g_test_add_func ("/metrics/register-twice", test_register_twice);
  g_test_add_func ("/metrics/invalid-names", test_invalid_names);
  g_test_add_func ("/metrics/wrong-use", test_wrong_use);
  g_test_add_func ("/metrics/threads", test_threads);
  return g_test_run ();
}
