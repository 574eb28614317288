/** For unit tests of every service: the CloudWatch metrics a piece of code wrote, read back from its EMF lines. */

export interface MetricDatapoint {
  namespace: string;
  name: string;
  unit: string;
  /** Every value written under this name in one EMF line (Powertools keeps repeats as a list). */
  values: number[];
  dimensions: Record<string, string>;
}

interface EmfDocument {
  _aws?: {
    CloudWatchMetrics?: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit?: string }>;
    }>;
  };
  [key: string]: unknown;
}

/** The datapoints of every EMF line in `output`; other lines are ignored. */
function readEmf(output: string): MetricDatapoint[] {
  const datapoints: MetricDatapoint[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('"CloudWatchMetrics"')) continue;
    const document = JSON.parse(line) as EmfDocument;
    for (const directive of document._aws?.CloudWatchMetrics ?? []) {
      const dimensions = Object.fromEntries(
        directive.Dimensions.flat().map((name) => [name, String(document[name])]),
      );
      for (const metric of directive.Metrics) {
        const value = document[metric.Name];
        datapoints.push({
          namespace: directive.Namespace,
          name: metric.Name,
          unit: metric.Unit ?? 'None',
          values: (Array.isArray(value) ? value : [value]).map(Number),
          dimensions,
        });
      }
    }
  }
  return datapoints;
}

/** Runs `work` and returns the metrics it wrote to stdout, and everything it printed besides (which is not shown). */
export async function captureMetrics(
  work: () => unknown,
): Promise<{ datapoints: MetricDatapoint[]; otherOutput: string }> {
  const written: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const record = ((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = record;
  process.stderr.write = record;
  try {
    await work();
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  const output = written.join('');
  return {
    datapoints: readEmf(output),
    otherOutput: output
      .split('\n')
      .filter((line) => line.trim() && !line.includes('"CloudWatchMetrics"'))
      .join('\n'),
  };
}
