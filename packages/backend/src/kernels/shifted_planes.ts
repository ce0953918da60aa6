/**
 * Shifted copies of channel-major planes inside the wasm heap: the data movement of the stride-1 filter gradient
 * (see conv2d_backprop_filter.ts). Pure index arithmetic on one heap view; internal to `@pg/backend`.
 */

/** Sizes of a channel-major source [channels, batch, sourceHeight, sourceWidth] and of each output plane. */
export interface PlaneGeometry {
  readonly channels: number;
  readonly batch: number;
  readonly sourceHeight: number;
  readonly sourceWidth: number;
  readonly height: number;
  readonly width: number;
}

/**
 * For each shift t = (rowShift, columnShift) writes, at `outputOffset`,
 *   out[t, c, b − batchBegin, i, j] = source[c, b, i + rowShift, j + columnShift]   (0 outside the source)
 * for b in [batchBegin, batchEnd). Every output element is written. A plane as wide as its source is moved with
 * one `copyWithin` and its wrapped edge columns zeroed afterwards; otherwise row by row.
 */
export function writeShiftedPlanes(
  heap: Float32Array,
  sourceOffset: number,
  outputOffset: number,
  geometry: PlaneGeometry,
  shifts: readonly (readonly [number, number])[],
  batchBegin: number,
  batchEnd: number,
): void {
  const { channels, batch, sourceHeight, sourceWidth, height, width } = geometry;
  const sourcePlane = sourceHeight * sourceWidth;
  const outputPlane = height * width;
  let output = outputOffset;
  for (const [rowShift, columnShift] of shifts) {
    // Rows i whose source row i + rowShift exists, and columns j whose source column j + columnShift exists.
    const rowBegin = Math.min(height, Math.max(0, -rowShift));
    const rowEnd = Math.max(rowBegin, Math.min(height, sourceHeight - rowShift));
    const columnBegin = Math.min(width, Math.max(0, -columnShift));
    const columnEnd = Math.max(columnBegin, Math.min(width, sourceWidth - columnShift));
    for (let c = 0; c < channels; c++) {
      for (let b = batchBegin; b < batchEnd; b++, output += outputPlane) {
        const source = sourceOffset + (c * batch + b) * sourcePlane;
        heap.fill(0, output, output + rowBegin * width);
        heap.fill(0, output + rowEnd * width, output + outputPlane);
        if (rowEnd === rowBegin) continue;
        if (columnEnd === columnBegin) {
          heap.fill(0, output + rowBegin * width, output + rowEnd * width);
          continue;
        }
        if (width === sourceWidth) {
          // One block; the elements it takes from the neighbouring row (or outside the plane) are the zero columns.
          let target = output + rowBegin * width;
          let start = source + (rowBegin + rowShift) * sourceWidth + columnShift;
          let length = (rowEnd - rowBegin) * width;
          if (start < source) {
            target += source - start;
            length -= source - start;
            start = source;
          }
          length = Math.min(length, source + sourcePlane - start);
          heap.copyWithin(target, start, start + length);
          // Edge columns are few (the filter's reach): element writes beat a fill call per row.
          for (let i = rowBegin; i < rowEnd; i++) {
            const row = output + i * width;
            for (let j = 0; j < columnBegin; j++) heap[row + j] = 0;
            for (let j = columnEnd; j < width; j++) heap[row + j] = 0;
          }
        } else {
          for (let i = rowBegin; i < rowEnd; i++) {
            const row = output + i * width;
            const sourceRow = source + (i + rowShift) * sourceWidth + columnShift;
            heap.fill(0, row, row + columnBegin);
            heap.copyWithin(row + columnBegin, sourceRow + columnBegin, sourceRow + columnEnd);
            heap.fill(0, row + columnEnd, row + width);
          }
        }
      }
    }
  }
}
