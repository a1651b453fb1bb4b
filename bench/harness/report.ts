import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Summary } from './stats.js';

/** One line of the results table: a measured quantity, for the ladder and (where there is one) bare BullMQ. */
export interface Row {
  scenario: string;
  /** Stable key the goals look rows up by. */
  id: string;
  name: string;
  unit: string;
  ladder?: Summary;
  bare?: Summary;
  /** How the two sides compare: ladder/bare, or ladder minus bare. */
  compare?: 'ratio' | 'diff';
  note?: string;
}

export interface Machine {
  cpus: number;
  cpu_model: string;
  memory_gb: number;
  os: string;
  node: string;
  redis: string;
  bullmq: string;
  ioredis: string;
}

export interface Goal {
  goal: string;
  met: boolean;
  figure: string;
}

export interface BenchReport {
  date: string;
  quick: boolean;
  reps: number;
  duration_s: number;
  machine: Machine;
  rows: Row[];
  goals: Goal[];
}

const ROOT = resolve(import.meta.dirname, '../..');

function packageVersion(name: string): string {
  const require = createRequire(join(ROOT, 'package.json'));
  // Read from the installed package, not package.json's range: the figures belong to what ran.
  const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}

export function machine(redisVersion: string): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpu_model: list[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    redis: redisVersion,
    bullmq: packageVersion('bullmq'),
    ioredis: packageVersion('ioredis'),
  };
}

export function comparison(row: Row): number | undefined {
  if (!row.ladder || !row.bare || !row.compare) return undefined;
  return row.compare === 'ratio'
    ? row.ladder.median / row.bare.median
    : row.ladder.median - row.bare.median;
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cell(summary: Summary | undefined): string {
  if (!summary) return '';
  return summary.samples.length > 1
    ? `${fmt(summary.median)} (${fmt(summary.min)}–${fmt(summary.max)})`
    : fmt(summary.median);
}

function compareCell(row: Row): string {
  const value = comparison(row);
  if (value === undefined) return '';
  return row.compare === 'ratio' ? `×${value.toFixed(2)}` : `${value >= 0 ? '+' : ''}${fmt(value)}`;
}

/** The table as Markdown, which reads fine in a terminal too and goes straight into docs/performance.md. */
export function renderTable(rows: readonly Row[]): string {
  const lines = [
    '| scenario | measure | unit | ladder median (min–max) | bare BullMQ median (min–max) | ladder vs bare |',
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const name = row.note ? `${row.name} (${row.note})` : row.name;
    lines.push(
      `| ${row.scenario} | ${name} | ${row.unit} | ${cell(row.ladder)} | ${cell(row.bare)} | ${compareCell(row)} |`,
    );
  }
  return lines.join('\n');
}

export function renderGoals(goals: readonly Goal[]): string {
  return goals
    .map((g) => `- [${g.met ? 'x' : ' '}] ${g.met ? 'met' : 'MISSED'}: ${g.goal} — ${g.figure}`)
    .join('\n');
}

export function renderMachine(m: Machine): string {
  return `${m.cpus} × ${m.cpu_model}, ${m.memory_gb} GB, ${m.os}; Node ${m.node}, Redis ${m.redis}, BullMQ ${m.bullmq}, ioredis ${m.ioredis}`;
}

/** Writes bench/results/<date>.json (a quick run gets its own name so it never replaces a full one). */
export function writeReport(report: BenchReport): string {
  const day = report.date.slice(0, 10);
  const path = join(ROOT, 'bench', 'results', `${day}${report.quick ? '-quick' : ''}.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
