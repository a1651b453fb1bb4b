import { decodeState, type StoredBreaker } from './codec.js';
import type { PolicyConfig } from './policy-config.js';
import type { BreakerState, Decision, Grant } from './state.js';
import type { StoreTransition } from './store.js';
import type { BreakerStateName } from './types.js';

const NAMES: readonly BreakerStateName[] = [
  'closed',
  'open',
  'half_open',
  'forced_open',
  'forced_closed',
];

function stateName(value: unknown): BreakerStateName | null {
  return NAMES.find((n) => n === value) ?? null;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** `[k1, v1, k2, v2]` (HGETALL inside Lua) → `{k1: v1, k2: v2}`. */
export function pairsToRecord(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as string;
  return out;
}

/** The answer of `apply-3.lua`: grant, transition and the state after the event. */
export function decodeApplyReply(reply: unknown, nowMs: number, config: PolicyConfig): Decision {
  if (!Array.isArray(reply) || reply.length !== 7)
    throw new Error('breaker script: unexpected reply');
  const [grant, from, to, reason, fields, window, errors] = reply as unknown[];
  const stored: StoredBreaker = {
    fields: pairsToRecord(strings(fields)),
    window: pairsToRecord(strings(window)),
    errors: strings(errors),
  };
  const fromName = stateName(from);
  const toName = stateName(to);
  return {
    grant: grant === 'call' || grant === 'probe' ? (grant satisfies Grant) : null,
    transition: fromName && toName ? { from: fromName, to: toName, reason: String(reason) } : null,
    state: decodeState(stored, nowMs, config),
  };
}

interface Announcement {
  target?: unknown;
  from?: unknown;
  to?: unknown;
  reason?: unknown;
  at?: unknown;
  state?: unknown;
}

/** A message from the breaker channel, or null when it is not one of ours. */
export function decodeAnnouncement(message: string, config: PolicyConfig): StoreTransition | null {
  let parsed: Announcement;
  try {
    parsed = JSON.parse(message) as Announcement;
  } catch {
    return null;
  }
  const from = stateName(parsed.from);
  const to = stateName(parsed.to);
  const atMs = Number(parsed.at);
  const fields = parsed.state;
  if (typeof parsed.target !== 'string' || !from || !to || !Number.isFinite(atMs)) return null;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return null;
  const record: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (typeof v === 'string') record[k] = v;
  const state: BreakerState = decodeState({ fields: record, window: {}, errors: [] }, atMs, config);
  return {
    target: parsed.target,
    from,
    to,
    reason: typeof parsed.reason === 'string' ? parsed.reason : '',
    atMs,
    state,
  };
}
