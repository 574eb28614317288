/** Row of the `npm run bench` table; every service's bench returns these. */
export interface BenchRow {
  service: string;
  metric: string;
  value: number;
  unit: string;
  baseline?: { metric: string; value: number; unit: string };
  /** value / baseline.value, measured in the same run. */
  ratio?: number;
  target?: string;
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function printTable(rows: BenchRow[], log: (line: string) => void = console.log): void {
  const cells = rows.map((r) => [
    r.service,
    r.metric,
    `${round(r.value)} ${r.unit}`,
    r.baseline ? `${r.baseline.metric}: ${round(r.baseline.value)} ${r.baseline.unit}` : '',
    r.ratio === undefined ? '' : round(r.ratio, 2).toFixed(2),
    r.target ?? '',
  ]);
  const header = ['service', 'metric', 'value', 'baseline (same run)', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join(' | ');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const c of cells) log(line(c));
}
