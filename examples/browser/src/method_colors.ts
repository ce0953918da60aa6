/** Fixed colours per method, so a method looks the same in every chart and in the field captions. */
const METHOD_COLORS: Readonly<Record<string, string>> = {
  adam: "#4c78a8",
  "pg-inverse": "#e45756",
  supervised: "#f58518",
  "pg-newton": "#54a24b",
  "pg-ig": "#b279a2",
};

export function methodColor(method: string): string {
  return METHOD_COLORS[method] ?? "#79706e";
}
