// The native kernels of @pg/backend-native, all on float32 NHWC data in caller-owned memory.
//
// Convolutions with stride 1 and dilation 1: the forward pass (bias and ReLU fused), the input gradient and the
// filter gradient. The vectorised channel count (output channels forward and for the filter gradient, input
// channels for the input gradient) must be a multiple of 16.
#ifndef PG_KERNELS_H
#define PG_KERNELS_H

#include <stddef.h>

typedef struct {
  int batch, in_height, in_width, in_channels;
  int out_height, out_width, out_channels;
  int filter_height, filter_width;
  int pad_top, pad_left;
} pg_conv_dims;

// y[b,oh,ow,co] = bias[co] + Σ_{kh,kw,ci} x[b, oh+kh−pad_top, ow+kw−pad_left, ci] · f[kh,kw,ci,co], zero outside x;
// max(·, 0) after when relu. bias may be NULL. Needs out_channels % 16 == 0.
void pg_conv2d(const float *x, const float *f, const float *bias, float *y, const pg_conv_dims *d, int relu);

// dx[b,ih,iw,ci] = Σ dy[b,oh,ow,co] · f[kh,kw,ci,co] over ih = oh+kh−pad_top, iw = ow+kw−pad_left.
// Needs in_channels % 16 == 0. Returns 0, or −1 when the scratch filter could not be allocated.
int pg_conv2d_backprop_input(const float *dy, const float *f, float *dx, const pg_conv_dims *d);

// df[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh+kh−pad_top, ow+kw−pad_left, ci] · dy[b,oh,ow,co]. Needs out_channels % 16 == 0.
void pg_conv2d_backprop_filter(const float *x, const float *dy, float *df, const pg_conv_dims *d);

typedef struct {
  int batch, in_height, in_width, channels;
  int out_height, out_width;
  int filter_height, filter_width, stride_height, stride_width;
  int pad_top, pad_left;
} pg_pool_dims;

// The gradient of max pooling: dx = 0, then for every window and channel whose maximum is above −∞, dy is added at
// the window's first maximum in row-major order (padding never receives any). NaN windows: unspecified.
void pg_max_pool_grad(const float *x, const float *dy, float *dx, const pg_pool_dims *d);

// dst[r·dst_stride + k] = src[r·src_stride + k] for r < rows, k < run (4-byte elements).
void pg_copy_rows(float *dst, size_t dst_stride, const float *src, size_t src_stride, size_t rows, size_t run);

// "avx512", "avx2" or "generic": the instruction set the kernels run with on this CPU.
const char *pg_instruction_set(void);

#endif
