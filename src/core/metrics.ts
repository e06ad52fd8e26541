import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSources {
  /** Messages in the mail outbox by status, read from the database at scrape time (shared by all nodes). */
  outboxByStatus?: () => Promise<Record<string, number>>;
  /** Queued and running jobs by kind, read at scrape time (shared by all nodes). */
  pendingJobs?: () => Promise<Array<{ kind: string; status: string; n: number }>>;
}

export function createMetrics(sources: MetricsSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'castellan_' });
  const httpRequests = new Counter({
    name: 'castellan_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'castellan_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const mailSent = new Counter({ name: 'castellan_mail_sent_total', help: 'Messages delivered', registers: [registry] });
  const mailFailed = new Counter({
    name: 'castellan_mail_failed_attempts_total',
    help: 'Failed delivery attempts',
    registers: [registry],
  });
  // PRO-3: what the RADIUS listeners answered, and what they silently discarded (RFC 2865 §3), by reason.
  const radiusAnswered = new Counter({
    name: 'castellan_radius_answered_total',
    help: 'RADIUS requests answered, by kind (accept, reject, accounting, duplicate)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const radiusDropped = new Counter({
    name: 'castellan_radius_dropped_total',
    help: 'RADIUS datagrams silently discarded, by reason (unknown_client, no_message_authenticator, bad_authenticator, malformed, ...)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  if (sources.outboxByStatus) {
    const read = sources.outboxByStatus;
    new Gauge({
      name: 'castellan_mail_outbox_messages',
      help: 'Messages in the mail outbox, by status (queued, sent, suppressed, failed)',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        const counts = await read();
        this.reset();
        for (const status of ['queued', 'sent', 'suppressed', 'failed']) this.set({ status }, counts[status] ?? 0);
      },
    });
  }
  if (sources.pendingJobs) {
    const read = sources.pendingJobs;
    new Gauge({
      name: 'castellan_jobs',
      help: 'Background jobs waiting or running, by kind and status (queued, running)',
      labelNames: ['kind', 'status'] as const,
      registers: [registry],
      async collect() {
        const rows = await read();
        this.reset();
        for (const r of rows) this.set({ kind: r.kind, status: r.status }, r.n);
      },
    });
  }
  return { registry, httpRequests, httpDuration, mailSent, mailFailed, radiusAnswered, radiusDropped };
}

export type Metrics = ReturnType<typeof createMetrics>;
