// The architecture's boundaries, checked by `npm run lint` (ARCHITECTURE.md: hexagonal services over one bus).
// Paths are relative to the repository root; `@payflow/*` imports resolve through the workspace links to their
// real files, so a service reaching into another by package name is caught like one reaching in by path.

/** Modules a domain file may not import: cloud SDKs, Lambda/HTTP middleware and the code that wraps them. */
const OUTSIDE_THE_DOMAIN = [
  // AWS SDK v3, its Smithy runtime, Powertools and Lambda types
  'node_modules/@aws-sdk/',
  'node_modules/@smithy/',
  'node_modules/@aws-lambda-powertools/',
  'node_modules/@types/aws-lambda/',
  // HTTP: Middy, OpenAPI generation, JWT verification, Node's own servers
  'node_modules/@middy/',
  'node_modules/zod-openapi/',
  'node_modules/aws-jwt-verify/',
  '^(node:)?https?$',
  // shared/ modules that talk to AWS or HTTP
  '^shared/src/(aws|publisher|consume|logger)\\.ts$',
  '^shared/src/http/',
  // a service's own adapters, handlers and composition root
  '^services/[^/]+/src/(adapters|handlers)/',
  '^services/[^/]+/src/(wiring|config|openapi)\\.ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'src/domain holds the rules: it imports no AWS SDK, no adapter and no HTTP code. ' +
        'Take what the rule needs as an argument or a port (a type), and let an adapter implement it.',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: OUTSIDE_THE_DOMAIN },
    },
    {
      name: 'no-service-imports-another',
      severity: 'error',
      comment:
        'Services talk over the event bus or HTTP, never by importing each other; ' +
        'what two services share lives in shared/.',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'shared-imports-no-service',
      severity: 'error',
      comment: 'shared/ is below every service: it imports none of them.',
      from: { path: '^shared/' },
      to: { path: '^services/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one module in two files; break it by moving what both need.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Packages are seen (so a rule can refuse them) but not cruised; build output is not seen at all.
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(\\.serverless|\\.esbuild[^/]*|\\.local|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
