import type { Registry } from 'prom-client';

/** One remote-write time series: labels (with __name__) and one sample. */
export interface RemoteWriteSeries {
  readonly labels: { __name__: string; [label: string]: string };
  readonly samples: { value: number; timestamp: number }[];
}

/**
 * The registry's current values as remote-write series, one sample each at `timestampMs`: the
 * same names and labels a scrape of the registry gives (histograms as _bucket{le}, _sum, _count),
 * so a query reads the same over both paths.
 */
export async function registryTimeseries(registry: Registry, timestampMs: number, extraLabels: Record<string, string> = {}): Promise<RemoteWriteSeries[]> {
  const series: RemoteWriteSeries[] = [];
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const value of metric.values) {
      const labels: Record<string, string> = { ...extraLabels };
      for (const [name, labelValue] of Object.entries(value.labels)) {
        if (labelValue !== undefined) labels[name] = String(labelValue);
      }
      const name = (value as { metricName?: string }).metricName ?? metric.name;
      series.push({ labels: { ...labels, __name__: name }, samples: [{ value: value.value, timestamp: timestampMs }] });
    }
  }
  return series;
}
