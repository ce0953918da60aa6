// The Node-API face of the kernels: each function takes typed-array views (they may be views of a WebAssembly
// memory) and the sizes (an Int32Array of dims, or counts), checks that every index the kernel will touch lies
// inside the arrays, and computes in place. Any mismatch throws a RangeError (a wrong array type a TypeError)
// before memory is touched.
#define NAPI_VERSION 8
#include <node_api.h>

#include <stdio.h>
#include <string.h>

#include "kernels.h"

typedef struct {
  float *data;
  size_t length;
  bool present;  // false for a null/undefined optional argument (a zero-length array may still have data NULL)
} f32_view;

#define CHECK(call)                                                     \
  do {                                                                  \
    if ((call) != napi_ok) {                                            \
      napi_throw_error(env, NULL, "@pg/backend-native: Node-API call failed: " #call); \
      return 0;                                                         \
    }                                                                   \
  } while (0)

static int throw_range(napi_env env, const char *function, const char *message) {
  char text[256];
  snprintf(text, sizeof text, "%s: %s", function, message);
  napi_throw_range_error(env, NULL, text);
  return 0;
}

// A Float32Array argument, or (when nullable) null/undefined as a view of length 0 and data NULL.
static int read_f32(napi_env env, napi_value value, const char *function, const char *name, int nullable, f32_view *out) {
  napi_valuetype type;
  CHECK(napi_typeof(env, value, &type));
  if (nullable && (type == napi_null || type == napi_undefined)) {
    out->data = NULL;
    out->length = 0;
    out->present = false;
    return 1;
  }
  bool is_typed;
  CHECK(napi_is_typedarray(env, value, &is_typed));
  napi_typedarray_type kind = napi_int8_array;
  void *data = NULL;
  size_t length = 0;
  if (is_typed) CHECK(napi_get_typedarray_info(env, value, &kind, &length, &data, NULL, NULL));
  if (!is_typed || kind != napi_float32_array) {
    char message[160];
    snprintf(message, sizeof message, "%s: %s must be a Float32Array%s", function, name, nullable ? " or null" : "");
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  out->data = data;
  out->length = length;
  out->present = true;
  return 1;
}

// An Int32Array of exactly `count` entries, copied into v.
static int read_int32s(napi_env env, napi_value value, const char *function, size_t count, int *v) {
  bool is_typed;
  CHECK(napi_is_typedarray(env, value, &is_typed));
  napi_typedarray_type kind = napi_int8_array;
  void *data = NULL;
  size_t length = 0;
  if (is_typed) CHECK(napi_get_typedarray_info(env, value, &kind, &length, &data, NULL, NULL));
  if (!is_typed || kind != napi_int32_array || length != count) {
    char message[64];
    snprintf(message, sizeof message, "dims must be an Int32Array of %zu sizes", count);
    return throw_range(env, function, message);
  }
  memcpy(v, data, count * sizeof(int));
  return 1;
}

static int read_dims(napi_env env, napi_value value, const char *function, pg_conv_dims *d) {
  int v[11];
  if (!read_int32s(env, value, function, 11, v)) return 0;
  *d = (pg_conv_dims){v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]};
  if (d->batch < 1 || d->in_height < 1 || d->in_width < 1 || d->in_channels < 1 || d->out_height < 1 ||
      d->out_width < 1 || d->out_channels < 1 || d->filter_height < 1 || d->filter_width < 1)
    return throw_range(env, function, "every size in dims must be at least 1");
  if (d->pad_top < 0 || d->pad_left < 0 || d->pad_top >= d->filter_height || d->pad_left >= d->filter_width)
    return throw_range(env, function, "pads must lie in [0, filter size)");
  // Sizes are capped so that every product below fits in size_t and every row index fits in int.
  if (d->batch > 65536 || d->in_height > 65536 || d->in_width > 65536 || d->out_height > 65536 ||
      d->out_width > 65536 || d->in_channels > 65536 || d->out_channels > 65536 || d->filter_height > 64 ||
      d->filter_width > 64 || (double)d->batch * d->in_height > 2147483647.0 || (double)d->batch * d->out_height > 2147483647.0)
    return throw_range(env, function, "dims too large");
  return 1;
}

static int need(napi_env env, const char *function, const char *name, const f32_view *v, double elements) {
  if ((double)v->length < elements) {
    char message[160];
    snprintf(message, sizeof message, "%s holds %zu floats, the sizes need %.0f", name, v->length, elements);
    return throw_range(env, function, message);
  }
  return 1;
}

static int multiple_of_16(napi_env env, const char *function, const char *what, int channels) {
  if (channels % 16 == 0) return 1;
  char message[128];
  snprintf(message, sizeof message, "%s (%d) must be a multiple of 16", what, channels);
  return throw_range(env, function, message);
}

static napi_value get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *args, const char *function) {
  size_t count = expected;
  if (napi_get_cb_info(env, info, &count, args, NULL, NULL) != napi_ok || count < expected) {
    throw_range(env, function, "too few arguments");
    return NULL;
  }
  return args[0];
}

static double input_size(const pg_conv_dims *d) { return (double)d->batch * d->in_height * d->in_width * d->in_channels; }
static double output_size(const pg_conv_dims *d) { return (double)d->batch * d->out_height * d->out_width * d->out_channels; }
static double filter_size(const pg_conv_dims *d) { return (double)d->filter_height * d->filter_width * d->in_channels * d->out_channels; }

// conv2d(x, filter, bias | null, y, dims, relu)
static napi_value conv2d(napi_env env, napi_callback_info info) {
  const char *fn = "conv2d";
  napi_value args[6];
  if (get_args(env, info, 6, args, fn) == NULL) return NULL;
  f32_view x, f, bias, y;
  pg_conv_dims d;
  bool relu;
  if (!read_f32(env, args[0], fn, "x", 0, &x) || !read_f32(env, args[1], fn, "filter", 0, &f) ||
      !read_f32(env, args[2], fn, "bias", 1, &bias) || !read_f32(env, args[3], fn, "y", 0, &y) ||
      !read_dims(env, args[4], fn, &d))
    return NULL;
  if (napi_get_value_bool(env, args[5], &relu) != napi_ok) {
    napi_throw_type_error(env, NULL, "conv2d: relu must be a boolean");
    return NULL;
  }
  if (!multiple_of_16(env, fn, "out_channels", d.out_channels) || !need(env, fn, "x", &x, input_size(&d)) ||
      !need(env, fn, "filter", &f, filter_size(&d)) || !need(env, fn, "y", &y, output_size(&d)) ||
      (bias.present && !need(env, fn, "bias", &bias, d.out_channels)))
    return NULL;
  pg_conv2d(x.data, f.data, bias.present ? bias.data : NULL, y.data, &d, relu);
  return NULL;
}

// conv2dBackpropInput(dy, filter, dx, dims)
static napi_value conv2d_backprop_input(napi_env env, napi_callback_info info) {
  const char *fn = "conv2dBackpropInput";
  napi_value args[4];
  if (get_args(env, info, 4, args, fn) == NULL) return NULL;
  f32_view dy, f, dx;
  pg_conv_dims d;
  if (!read_f32(env, args[0], fn, "dy", 0, &dy) || !read_f32(env, args[1], fn, "filter", 0, &f) ||
      !read_f32(env, args[2], fn, "dx", 0, &dx) || !read_dims(env, args[3], fn, &d))
    return NULL;
  if (!multiple_of_16(env, fn, "in_channels", d.in_channels) || !need(env, fn, "dy", &dy, output_size(&d)) ||
      !need(env, fn, "filter", &f, filter_size(&d)) || !need(env, fn, "dx", &dx, input_size(&d)))
    return NULL;
  if (pg_conv2d_backprop_input(dy.data, f.data, dx.data, &d) != 0) napi_throw_error(env, NULL, "conv2dBackpropInput: out of memory");
  return NULL;
}

// conv2dBackpropFilter(x, dy, dFilter, dims)
static napi_value conv2d_backprop_filter(napi_env env, napi_callback_info info) {
  const char *fn = "conv2dBackpropFilter";
  napi_value args[4];
  if (get_args(env, info, 4, args, fn) == NULL) return NULL;
  f32_view x, dy, df;
  pg_conv_dims d;
  if (!read_f32(env, args[0], fn, "x", 0, &x) || !read_f32(env, args[1], fn, "dy", 0, &dy) ||
      !read_f32(env, args[2], fn, "dFilter", 0, &df) || !read_dims(env, args[3], fn, &d))
    return NULL;
  if (!multiple_of_16(env, fn, "out_channels", d.out_channels) || !need(env, fn, "x", &x, input_size(&d)) ||
      !need(env, fn, "dy", &dy, output_size(&d)) || !need(env, fn, "dFilter", &df, filter_size(&d)))
    return NULL;
  pg_conv2d_backprop_filter(x.data, dy.data, df.data, &d);
  return NULL;
}

// maxPoolGrad(x, dy, dx, dims): dims = batch, in height, in width, channels, out height, out width, filter height,
// filter width, stride height, stride width, pad top, pad left.
static napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  const char *fn = "maxPoolGrad";
  napi_value args[4];
  if (get_args(env, info, 4, args, fn) == NULL) return NULL;
  f32_view x, dy, dx;
  if (!read_f32(env, args[0], fn, "x", 0, &x) || !read_f32(env, args[1], fn, "dy", 0, &dy) ||
      !read_f32(env, args[2], fn, "dx", 0, &dx))
    return NULL;
  int v[12];
  if (!read_int32s(env, args[3], fn, 12, v)) return NULL;
  const pg_pool_dims d = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]};
  for (int i = 0; i < 10; i++)
    if (v[i] < 1 || v[i] > 65536) {
      throw_range(env, fn, "every size in dims must lie in [1, 65536]");
      return NULL;
    }
  if (d.pad_top < 0 || d.pad_left < 0 || d.pad_top >= d.filter_height || d.pad_left >= d.filter_width) {
    throw_range(env, fn, "pads must lie in [0, filter size)");
    return NULL;
  }
  const double in = (double)d.batch * d.in_height * d.in_width * d.channels;
  const double out = (double)d.batch * d.out_height * d.out_width * d.channels;
  if (!need(env, fn, "x", &x, in) || !need(env, fn, "dy", &dy, out) || !need(env, fn, "dx", &dx, in)) return NULL;
  pg_max_pool_grad(x.data, dy.data, dx.data, &d);
  return NULL;
}

static int read_count(napi_env env, napi_value value, const char *function, const char *name, size_t *out) {
  double number;
  if (napi_get_value_double(env, value, &number) != napi_ok || !(number >= 0) || number > 9007199254740991.0 ||
      number != (double)(size_t)number) {
    char message[128];
    snprintf(message, sizeof message, "%s must be a non-negative integer", name);
    return throw_range(env, function, message);
  }
  *out = (size_t)number;
  return 1;
}

// copyRows(heap, dstOffset, dstStride, srcOffset, srcStride, rows, run): element offsets into one Float32Array or
// Int32Array.
static napi_value copy_rows(napi_env env, napi_callback_info info) {
  const char *fn = "copyRows";
  napi_value args[7];
  if (get_args(env, info, 7, args, fn) == NULL) return NULL;
  bool is_typed;
  if (napi_is_typedarray(env, args[0], &is_typed) != napi_ok) return NULL;
  napi_typedarray_type kind = napi_int8_array;
  void *data = NULL;
  size_t length = 0;
  if (is_typed && napi_get_typedarray_info(env, args[0], &kind, &length, &data, NULL, NULL) != napi_ok) return NULL;
  if (!is_typed || (kind != napi_float32_array && kind != napi_int32_array)) {
    napi_throw_type_error(env, NULL, "copyRows: heap must be a Float32Array or an Int32Array");
    return NULL;
  }
  size_t n[6];
  const char *names[6] = {"dstOffset", "dstStride", "srcOffset", "srcStride", "rows", "run"};
  for (int i = 0; i < 6; i++)
    if (!read_count(env, args[i + 1], fn, names[i], &n[i])) return NULL;
  const size_t dst = n[0], dst_stride = n[1], src = n[2], src_stride = n[3], rows = n[4], run = n[5];
  if (rows == 0 || run == 0) return NULL;
  const double dst_end = (double)dst + (double)(rows - 1) * dst_stride + run;
  const double src_end = (double)src + (double)(rows - 1) * src_stride + run;
  if (dst_end > (double)length || src_end > (double)length) {
    throw_range(env, fn, "the rows reach past the end of heap");
    return NULL;
  }
  pg_copy_rows((float *)data + dst, dst_stride, (const float *)data + src, src_stride, rows, run);
  return NULL;
}

NAPI_MODULE_INIT() {
  const napi_property_descriptor properties[] = {
      {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropInput", NULL, conv2d_backprop_input, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropFilter", NULL, conv2d_backprop_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"copyRows", NULL, copy_rows, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_value instruction_set;
  if (napi_create_string_utf8(env, pg_instruction_set(), NAPI_AUTO_LENGTH, &instruction_set) != napi_ok) return NULL;
  if (napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "instructionSet", instruction_set) != napi_ok) return NULL;
  return exports;
}
