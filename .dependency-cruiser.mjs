/**
 * The layering of src/, lowest first (docs/architecture.md draws it). A folder may import from
 * folders in lower layers only: never upwards, never a sibling in its own layer, and no cycles.
 * `npm run lint` runs this check.
 */
const LAYERS = [
  ['util'],
  // The domain: job, result, state, literals, and the JSON-schema checks of structured output
  // (job validation uses them, they use the output shape); imports nothing but util.
  ['ladder', 'output'],
  ['config'],
  ['providers'],
  ['breaker', 'results', 'cache'],
  ['quota'],
  ['jobs'], // what producers and workers share: queues, job data, records, hooks
  ['levels'], // level availability, the level states and controller, pauses, the published definition
  ['streaming', 'cost'],
  ['context'], // what one process builds once and shares: breakers, level states, budget spend
  ['producer'],
  ['workers', 'metrics', 'dashboard'],
  ['api'],
  ['server'],
  ['cli'],
];

/** Layers whose folders may import each other (module cycles are still refused). */
const PEERS = new Set(['ladder', 'output']);

const folder = (names) => `^src/(${names.join('|')})/`;

const layerRules = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  return layer.map((name) => {
    const siblings = layer.filter((other) => other !== name && !PEERS.has(other));
    const forbidden = [...above, ...siblings];
    return {
      name: `layer-${name}`,
      comment: `src/${name} may import only from layers below it`,
      severity: 'error',
      from: { path: folder([name]) },
      to: { path: folder(forbidden) },
    };
  });
});

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'modules must not import each other in a circle, not even for types',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'folder-in-a-layer',
      comment: 'a new folder under src/ must be given its place in LAYERS above',
      severity: 'error',
      from: { path: '^src/', pathNot: `${folder(LAYERS.flat())}|^src/index\\.ts$` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.test\\.ts$' },
  },
};
