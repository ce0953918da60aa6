// Data movement kernels: the max-pooling gradient and strided row copies (the channel slices, splits and
// concatenations of a U-net's skip connections).
#include <math.h>
#include <string.h>

#include "kernels.h"

void pg_max_pool_grad(const float *x, const float *dy, float *dx, const pg_pool_dims *d) {
  const int C = d->channels, H = d->in_height, W = d->in_width;
  memset(dx, 0, (size_t)d->batch * H * W * C * sizeof(float));
  for (int b = 0; b < d->batch; b++)
    for (int oh = 0; oh < d->out_height; oh++)
      for (int ow = 0; ow < d->out_width; ow++) {
        // In 64 bits: size and stride may each reach 65536, so the product can pass 2^31.
        const long long h0 = (long long)oh * d->stride_height - d->pad_top, w0 = (long long)ow * d->stride_width - d->pad_left;
        const float *g = dy + (((size_t)b * d->out_height + oh) * d->out_width + ow) * C;
        for (int c = 0; c < C; c++) {
          float best = -INFINITY;
          size_t at = (size_t)-1;
          for (int i = 0; i < d->filter_height; i++) {
            const long long h = h0 + i;
            if (h < 0 || h >= H) continue;
            for (int j = 0; j < d->filter_width; j++) {
              const long long w = w0 + j;
              if (w < 0 || w >= W) continue;
              const size_t index = (((size_t)b * H + h) * W + w) * C + c;
              if (x[index] > best) {
                best = x[index];
                at = index;
              }
            }
          }
          if (at != (size_t)-1) dx[at] += g[c];
        }
      }
}

void pg_copy_rows(float *dst, size_t dst_stride, const float *src, size_t src_stride, size_t rows, size_t run) {
  for (size_t r = 0; r < rows; r++) memmove(dst + r * dst_stride, src + r * src_stride, run * sizeof(float));
}
