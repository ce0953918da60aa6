import { requireFiniteNumber, requireOneOf } from "@pg/core";

/** The colormaps of {@link fieldImagePng}: sequential viridis, diverging coolwarm. */
export type ColormapName = "viridis" | "coolwarm";

/** An 8-bit sRGB colour. */
export type RgbColor = readonly [red: number, green: number, blue: number];

/** One anchor of a piecewise-linear colormap: a position in [0, 1] and its colour. */
interface ColormapAnchor {
  readonly position: number;
  readonly color: RgbColor;
}

/**
 * viridis (van der Walt & Smith 2015, matplotlib's `_viridis_data`, CC0): 17 of its 256 entries, entry k at position
 * k/255 for k = round(i·255/16), i = 0 … 16, as 8-bit sRGB (the same 256 values d3-scale-chromatic ships as hex).
 */
const VIRIDIS: readonly ColormapAnchor[] = (
  [
    [0, 68, 1, 84],
    [16, 72, 24, 106],
    [32, 71, 45, 123],
    [48, 66, 64, 134],
    [64, 59, 82, 139],
    [80, 51, 99, 141],
    [96, 44, 114, 142],
    [112, 38, 130, 142],
    [128, 33, 145, 140],
    [143, 31, 159, 136],
    [159, 39, 173, 129],
    [175, 61, 188, 116],
    [191, 92, 200, 99],
    [207, 129, 211, 77],
    [223, 170, 220, 50],
    [239, 213, 226, 26],
    [255, 253, 231, 37],
  ] as const
).map(([entry, red, green, blue]) => ({ position: entry / 255, color: [red, green, blue] as const }));

/**
 * coolwarm (K. Moreland, "Diverging Color Maps for Scientific Visualization", ISVC 2009; matplotlib's `coolwarm`):
 * every other entry of Moreland's 33-stop table, i.e. positions i/16, as 8-bit sRGB. The midpoint is the grey
 * (221, 221, 221).
 */
const COOLWARM: readonly ColormapAnchor[] = (
  [
    [59, 76, 192],
    [77, 104, 215],
    [98, 130, 234],
    [119, 154, 247],
    [141, 176, 254],
    [163, 194, 255],
    [184, 208, 249],
    [204, 217, 238],
    [221, 221, 221],
    [236, 211, 197],
    [245, 196, 173],
    [247, 177, 148],
    [244, 154, 123],
    [236, 127, 99],
    [222, 96, 77],
    [203, 62, 56],
    [180, 4, 38],
  ] as const
).map(([red, green, blue], index) => ({ position: index / 16, color: [red, green, blue] as const }));

const COLORMAPS: Readonly<Record<ColormapName, readonly ColormapAnchor[]>> = { viridis: VIRIDIS, coolwarm: COOLWARM };

/** The names {@link colormapColor} accepts. */
export const COLORMAP_NAMES: readonly ColormapName[] = ["viridis", "coolwarm"];

/**
 * The colour of a colormap at position t ∈ [0, 1]: linear interpolation in sRGB between the two neighbouring anchors
 * (17 per map), rounded to 8 bits. Positions outside [0, 1] are clamped to the ends.
 * @param colormap - `'viridis'` or `'coolwarm'`.
 * @param position - t, a finite number; 0 is the low end, 1 the high end.
 * @returns the colour as [red, green, blue], integers 0 … 255.
 * @throws {@link PgValidationError} if `colormap` is unknown or `position` is not finite.
 * @example
 * import { colormapColor } from "@pg/cli";
 * console.log(colormapColor("viridis", 0).join(" "), colormapColor("viridis", 2).join(" ")); // 68 1 84 253 231 37
 * console.log(colormapColor("coolwarm", 0.5).join(" ")); // 221 221 221
 */
export function colormapColor(colormap: ColormapName, position: number): RgbColor {
  requireOneOf("colormapColor", "colormap", colormap, COLORMAP_NAMES);
  requireFiniteNumber("colormapColor", "position", position);
  return interpolateAnchors(COLORMAPS[colormap], position);
}

/** {@link colormapColor} without validation, for inner loops whose inputs were validated once. */
export function colormapColorUnchecked(colormap: ColormapName, position: number): RgbColor {
  return interpolateAnchors(COLORMAPS[colormap], position);
}

function interpolateAnchors(anchors: readonly ColormapAnchor[], position: number): RgbColor {
  const t = Math.min(1, Math.max(0, position));
  let upper = 1;
  while (upper < anchors.length - 1 && (anchors[upper] as ColormapAnchor).position < t) upper++;
  const low = anchors[upper - 1] as ColormapAnchor;
  const high = anchors[upper] as ColormapAnchor;
  const fraction = (t - low.position) / (high.position - low.position);
  const mix = (channel: 0 | 1 | 2): number => Math.round(low.color[channel] + fraction * (high.color[channel] - low.color[channel]));
  return [mix(0), mix(1), mix(2)];
}
