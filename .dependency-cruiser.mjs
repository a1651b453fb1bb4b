/**
 * The layering of src/, lowest first (docs/architecture.md draws it). A folder may import from
 * folders in lower layers only: never upwards, never a sibling in its own layer, and no cycles.
 * `npm run lint` runs this check.
 */
const LAYERS = [
  ['util'],
  ['ladder'], // the domain: job, result, state, literals; imports nothing but util
  ['config'],
  ['providers'],
  ['breaker', 'results', 'cache'],
  ['quota'],
  ['jobs'], // what producers and workers share: queues, job data, records, hooks
  ['levels'], // level availability, the level view and controller, pauses, the published definition
  ['streaming', 'cost'],
  ['producer'],
  ['workers', 'metrics', 'dashboard'],
  ['api'],
  ['server'],
  ['cli'],
];

const folder = (names) => `^src/(${names.join('|')})/`;

const layerRules = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  return layer.map((name) => {
    const forbidden = [...above, ...layer.filter((other) => other !== name)];
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
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.test\\.ts$' },
  },
};
