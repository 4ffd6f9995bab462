export { PrometheusMetrics } from './prometheus-metrics.ts';
export type { MetricsSources } from './metrics-sources.ts';
