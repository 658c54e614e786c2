import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetrics {
  registry: Registry;
  httpRequests: Histogram<'method' | 'route' | 'status'>;
}

/** The quantiles of event-loop delay exported; "1" is the longest single stall. */
const DELAY_QUANTILES = [0.5, 0.9, 0.99, 1] as const;

export function createMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpRequests = new Histogram({
    name: 'glimpse_http_request_duration_seconds',
    help: 'HTTP requests by route prefix and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Sampled every 10 ms by a timer of libuv's own, so a stall shows even when nothing else runs.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  new Gauge({
    name: 'glimpse_event_loop_delay_seconds',
    help: 'How late the event loop ran its timers since the previous scrape, by quantile (1 = the longest stall); anything above 0.05 is a stall users notice',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      this.reset();
      // No sample yet (the first scrape right after start): nothing to say rather than a made-up 0.
      if (delay.count === 0) return;
      for (const quantile of DELAY_QUANTILES) this.set({ quantile: String(quantile) }, (quantile === 1 ? delay.max : delay.percentile(quantile * 100)) / 1e9);
      delay.reset();
    },
  });
  return { registry, httpRequests };
}
