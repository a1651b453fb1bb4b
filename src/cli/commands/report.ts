import type { Command } from 'commander';
import { parseSince } from '../../cost/duration.js';
import { checkReportRange } from '../../cost/report-range.js';
import { renderReport } from '../../cost/render-report.js';
import type { Report } from '../../cost/report-types.js';
import { buildReport } from '../../cost/report.js';
import { definitionFromConfig } from '../../levels/definition.js';
import { createKeys } from '../../ladder/keys.js';
import { connectRedis, createRedis } from '../../util/redis.js';
import { type LadderConfig, redisSource } from '../../config/types.js';
import { CliError } from '../context.js';
import { locateLadder, type ClientOptions } from '../locate.js';

interface ReportOptions extends ClientOptions {
  since: string;
  json?: boolean;
}

/** Over a running API: `GET /v1/report`. */
async function reportOverHttp(
  url: string,
  token: string | undefined,
  since: string,
): Promise<Report> {
  const endpoint = new URL('/v1/report', url);
  endpoint.searchParams.set('since', since);
  const response = await fetch(endpoint, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new CliError(
      `${endpoint.origin} answered ${response.status}: ${body.error?.message ?? response.statusText}`,
      3,
    );
  }
  return (await response.json()) as Report;
}

/** Straight from Redis, through the config. */
async function reportOverRedis(config: LadderConfig, sinceMs: number): Promise<Report> {
  const redis = createRedis(redisSource(config.redis), 'producer');
  try {
    await connectRedis(redis);
    return await buildReport({
      redis,
      keys: createKeys(config.redis.prefix),
      definition: definitionFromConfig(config),
      since: sinceMs,
    });
  } finally {
    redis.disconnect();
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'jobs, latency, failovers, cache hits and cost per level and target, and what the ladder saved',
    )
    .option('--since <span>', 'window: 30m, 24h, 7d, 2w or an ISO 8601 time', '24h')
    .option('--json', 'print the report JSON (the shape of GET /v1/report)')
    .option(
      '--url <url>',
      'the API to talk to (else LADDER_URL; else Redis through the config; else the local API)',
    )
    .option('--token <token>', 'API token (else LADDER_API_TOKEN)')
    .option('--config <path>', 'config file (else LADDER_CONFIG, else ./ladder.yaml)')
    .action(async (options: ReportOptions) => {
      let sinceMs: number;
      try {
        const nowMs = Date.now();
        sinceMs = checkReportRange({
          sinceMs: parseSince(options.since, nowMs),
          untilMs: nowMs,
          nowMs,
        }).sinceMs;
      } catch (error) {
        throw new CliError(`--since: ${(error as Error).message}`, 2);
      }
      const where = await locateLadder(options);
      const report =
        where.kind === 'http'
          ? await reportOverHttp(where.url, where.token, options.since)
          : await reportOverRedis(where.config, sinceMs);
      process.stdout.write(
        options.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report)}\n`,
      );
    });
}
