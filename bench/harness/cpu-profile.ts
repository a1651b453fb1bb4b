import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) that self time needs. */
interface CpuProfile {
  /** Microseconds on the monotonic clock (what `process.hrtime` reads, in ns, in any process). */
  startTime: number;
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface FrameTime {
  /** `function (where)`: a file under src/ or bench/, a package, or a Node internal. */
  frame: string;
  /** Share of all samples, idle and GC included. */
  share: number;
}

export interface ProfileSummary {
  /** Share of samples the process was idle (waiting on sockets and timers). */
  idle: number;
  frames: FrameTime[];
  /** Self time by where the code lives: src/<folder>, a package, node internals, GC. */
  places: FrameTime[];
}

/** Where a frame's code lives, short: `src/workers/walk-level.ts`, `bullmq`, `node:internal`. */
function placeOf(url: string): string {
  if (url === '') return 'native';
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) return pkg[1];
  // The ladder's processes run from the build: named by the source file the code came from.
  const built = /\/dist\/(.+)\.js$/.exec(url);
  if (built?.[1]) return `src/${built[1]}.ts`;
  const own = /\/((?:src|bench)\/.+)$/.exec(url);
  if (own?.[1]) return own[1];
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

function folderOf(place: string): string {
  const own = /^(src\/[^/]+)\//.exec(place);
  return own?.[1] ?? place;
}

function top(times: Map<string, number>, total: number, n: number): FrameTime[] {
  return [...times]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([frame, us]) => ({ frame, share: us / total }));
}

/** A span of the monotonic clock, in µs: `process.hrtime.bigint() / 1000n` at both ends. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/**
 * Self time per frame and per place, merged over every profile in `dir`; with `window`, only the
 * samples taken inside it (so start-up and module loading stay out of a steady-state profile).
 */
export function summariseProfiles(dir: string, n = 20, window?: ProfileWindow): ProfileSummary {
  const byFrame = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let total = 0;
  let idle = 0;
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread; the others
  // (the module loader's hooks thread under tsx) would only add their idle time.
  const mainThread = /\.\d+\.0\.\d+\.cpuprofile$/;
  for (const file of readdirSync(dir).filter((f) => mainThread.test(f))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0;
      at += us;
      if (window && (at < window.fromUs || at > window.toUs)) return;
      const frame = nodes.get(id);
      if (!frame) return;
      total += us;
      const name = frame.functionName || '(anonymous)';
      if (name === '(idle)' || name === '(program)') {
        if (name === '(idle)') idle += us;
        return;
      }
      const place = placeOf(frame.url);
      const key = `${name} (${place}${frame.url ? `:${frame.lineNumber + 1}` : ''})`;
      byFrame.set(key, (byFrame.get(key) ?? 0) + us);
      const folder = name === '(garbage collector)' ? 'GC' : folderOf(place);
      byPlace.set(folder, (byPlace.get(folder) ?? 0) + us);
    });
  }
  if (total === 0) throw new Error(`bench: no CPU samples in ${dir}`);
  return { idle: idle / total, frames: top(byFrame, total, n), places: top(byPlace, total, n) };
}
