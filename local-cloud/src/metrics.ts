import { localJson, type Edge } from './router';

/**
 * What CloudWatch makes of the Embedded Metric Format lines functions print (Powertools Metrics): on AWS the Lambda
 * log group's EMF documents become metrics; here the lines serverless-offline passes on are read the same way and
 * served at GET /_local/metrics. No npm package reads EMF (aws-embedded-metrics only writes it), so this does.
 */

/** One metric as CloudWatch would keep it: a name, in a namespace, with one set of dimensions. */
export interface MetricSeries {
  namespace: string;
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  /** The last values written, oldest first (at most VALUES_KEPT); sum and count cover every one. */
  values: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
  /** The EMF timestamp (ms) of the last value. */
  lastTimestamp: number;
}

export interface MetricFilter {
  namespace?: string;
  name?: string;
  /** The `service` dimension. */
  service?: string;
}

const VALUES_KEPT = 1000;

interface EmfDocument {
  _aws: {
    Timestamp?: number;
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit?: string }>;
    }>;
  };
  [key: string]: unknown;
}

function isEmfDocument(value: unknown): value is EmfDocument {
  const aws = (value as { _aws?: { CloudWatchMetrics?: unknown } } | null)?._aws;
  return typeof aws === 'object' && aws !== null && Array.isArray(aws.CloudWatchMetrics);
}

/** The EMF document in a line of function output (after any `[service] ` prefix), or undefined. */
function emfDocumentIn(line: string): EmfDocument | undefined {
  if (!line.includes('"CloudWatchMetrics"')) return undefined;
  const start = line.indexOf('{');
  if (start < 0) return undefined;
  try {
    const document: unknown = JSON.parse(line.slice(start));
    return isEmfDocument(document) ? document : undefined;
  } catch {
    return undefined;
  }
}

export class MetricsStore {
  readonly #series = new Map<string, MetricSeries>();

  /** Records the line if it is an EMF document and says so; any other line is left to the log. */
  take(line: string): boolean {
    const document = emfDocumentIn(line);
    if (!document) return false;
    this.record(document);
    return true;
  }

  record(document: EmfDocument): void {
    const timestamp = document._aws.Timestamp ?? Date.now();
    for (const directive of document._aws.CloudWatchMetrics) {
      // Each dimension set is a metric of its own in CloudWatch.
      for (const dimensionSet of directive.Dimensions.length > 0 ? directive.Dimensions : [[]]) {
        const dimensions = Object.fromEntries(dimensionSet.map((name) => [name, String(document[name])]));
        for (const metric of directive.Metrics) {
          const raw = document[metric.Name];
          const values = (Array.isArray(raw) ? raw : [raw]).map(Number).filter(Number.isFinite);
          if (values.length === 0) continue;
          this.#add(directive.Namespace, metric.Name, metric.Unit ?? 'None', dimensions, values, timestamp);
        }
      }
    }
  }

  list(filter: MetricFilter = {}): MetricSeries[] {
    return [...this.#series.values()].filter(
      (series) =>
        (!filter.namespace || series.namespace === filter.namespace) &&
        (!filter.name || series.name === filter.name) &&
        (!filter.service || series.dimensions.service === filter.service),
    );
  }

  clear(): void {
    this.#series.clear();
  }

  #add(
    namespace: string,
    name: string,
    unit: string,
    dimensions: Record<string, string>,
    values: number[],
    timestamp: number,
  ): void {
    const sortedDimensions = Object.fromEntries(
      Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)),
    );
    const key = JSON.stringify([namespace, name, unit, sortedDimensions]);
    let series = this.#series.get(key);
    if (!series) {
      series = {
        namespace,
        name,
        unit,
        dimensions: sortedDimensions,
        values: [],
        sum: 0,
        count: 0,
        min: Infinity,
        max: -Infinity,
        lastTimestamp: 0,
      };
      this.#series.set(key, series);
    }
    series.values.push(...values);
    if (series.values.length > VALUES_KEPT) series.values.splice(0, series.values.length - VALUES_KEPT);
    for (const value of values) {
      series.sum += value;
      series.count += 1;
      series.min = Math.min(series.min, value);
      series.max = Math.max(series.max, value);
    }
    series.lastTimestamp = Math.max(series.lastTimestamp, timestamp);
  }
}

/** GET /_local/metrics (`?service=`, `?name=`, `?namespace=`) and DELETE /_local/metrics. */
export function registerMetricsRoutes(edge: Edge, store: MetricsStore): void {
  edge.route('GET', '/_local/metrics', (req) =>
    localJson(
      200,
      store.list({
        namespace: req.query.get('namespace') ?? undefined,
        name: req.query.get('name') ?? undefined,
        service: req.query.get('service') ?? undefined,
      }),
    ),
  );
  edge.route('DELETE', '/_local/metrics', () => {
    store.clear();
    return { status: 204 };
  });
}
