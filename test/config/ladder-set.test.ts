import { describe, expect, it } from 'vitest';
import { checkLadderSet, ladderNameOf, resolveConfigPaths } from '../../src/config/ladder-set.js';
import { parseConfig } from '../../src/config/load.js';
import type { LadderConfig } from '../../src/config/types.js';
import { configError, ladder } from './helpers.js';

function config(source: string, prefix: string, api: Record<string, unknown> = {}): LadderConfig {
  return parseConfig({ data: ladder({ redis: { prefix }, api }), source, env: {} });
}

describe('several ladders in one API: names and the checks across files', () => {
  it('names a ladder after its prefix without hash-tag braces', () => {
    expect(ladderNameOf('{team-a}')).toBe('team-a');
    expect(ladderNameOf('team-b')).toBe('team-b');
    const named = checkLadderSet([config('a.yaml', '{team-a}'), config('b.yaml', 'team-b')], {
      portGiven: false,
    });
    expect(named.map((n) => n.name)).toEqual(['team-a', 'team-b']);
  });

  it('two ladders with one name stop start-up, naming the later file and redis.prefix', () => {
    const error = configError(() =>
      checkLadderSet([config('a.yaml', '{team-a}'), config('b.yaml', 'team-a')], {
        portGiven: false,
      }),
    );
    expect(error.source).toBe('b.yaml');
    expect(error.message).toMatch(
      /^b\.yaml: redis\.prefix: expected a ladder name not taken by a\.yaml/,
    );
    expect(error.message).toContain('"team-a" again');
  });

  it('a prefix that cannot name a ladder in a URL is refused', () => {
    const error = configError(() =>
      checkLadderSet([config('a.yaml', 'team/a'), config('b.yaml', 'b')], { portGiven: false }),
    );
    expect(error.message).toMatch(/^a\.yaml: redis\.prefix: expected a prefix whose name/);
  });

  it("the server's own keys must agree with the first file's; --port settles api.port", () => {
    const a = config('a.yaml', 'a', { port: 8080 });
    const b = config('b.yaml', 'b', { port: 8081, max_connections: 10 });
    const lines = configError(() => checkLadderSet([a, b], { portGiven: false })).message.split(
      '\n',
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^b\.yaml: api\.port: expected 8080 as in a\.yaml .*or pass --port.*, found 8081$/,
    );
    expect(lines[1]).toMatch(/^b\.yaml: api\.max_connections: expected 1024 as in a\.yaml/);
    const onlyConnections = configError(() => checkLadderSet([a, b], { portGiven: true }));
    expect(onlyConnections.message).not.toContain('api.port');
    // Per-ladder keys may differ.
    const c = config('c.yaml', 'c', { port: 8080, tokens: ['other'], max_batch: 5 });
    expect(checkLadderSet([a, c], { portGiven: false })).toHaveLength(2);
  });

  it('reads every --config, else LADDER_CONFIG split at commas, else ./ladder.yaml', () => {
    const cwd = '/srv';
    expect(resolveConfigPaths({ flags: ['a.yaml', '/etc/b.yaml'], env: {}, cwd })).toEqual([
      '/srv/a.yaml',
      '/etc/b.yaml',
    ]);
    expect(
      resolveConfigPaths({ flags: [], env: { LADDER_CONFIG: 'a.yaml, b.yaml,' }, cwd }),
    ).toEqual(['/srv/a.yaml', '/srv/b.yaml']);
    expect(
      resolveConfigPaths({ flags: ['x.yaml'], env: { LADDER_CONFIG: 'a.yaml,b.yaml' }, cwd }),
    ).toEqual(['/srv/x.yaml']);
    expect(resolveConfigPaths({ flags: [], env: {}, cwd })).toEqual(['/srv/ladder.yaml']);
  });
});
