/**
 * The directions of the code (README, architecture), checked by `npm run lint:deps` in CI
 * (dependency-cruiser). Each rule names what it protects. A rule broken on purpose fails the
 * check (test/architecture/dependency-rules.unit.test.ts).
 */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "No import cycles anywhere.",
      from: {},
      to: { circular: true },
    },
    {
      name: "contracts-import-nothing-of-ours",
      severity: "error",
      comment: "contracts/ is the published language: it imports only itself and packages.",
      from: { path: "^contracts/" },
      to: { path: "^(services|projections|infra|test|scripts|bench)/" },
    },
    {
      name: "platform-imports-only-contracts",
      severity: "error",
      comment:
        "services/platform/ (event store, db, decider kit, calendar, messaging) is plumbing: it knows no context, process or read model.",
      from: { path: "^services/platform/" },
      to: { path: "^(services/(?!platform/)|projections/|infra/|test/|scripts/|bench/)" },
    },
    {
      name: "projection-runner-imports-only-platform",
      severity: "error",
      comment: "projections/runner/ is the read side's plumbing: platform and contracts only, never the relay.",
      from: { path: "^projections/runner/" },
      to: { path: "^(services/(?!platform/)|projections/(?!runner/)|infra/|test/|scripts/|bench/)" },
    },
    {
      name: "write-side-reads-no-read-model",
      severity: "error",
      comment:
        "A context's write side (decider, commands, repository, seeds) never reads a read model. What a report needs from the read side is passed in by the process that composes the routes (services/api/route-modules.ts).",
      from: { path: "^services/(reform-tasks|direct-clearance|investment-filings|negative-list)/" },
      to: { path: "^projections/" },
    },
    {
      name: "contexts-are-entered-through-index",
      severity: "error",
      comment:
        "The processes, the read side and the tools use a context through what its index.ts offers, never its inner files (tests may).",
      from: { path: "^(services/(api|relay|platform|operator)/|projections/|infra/|bench/|scripts/)" },
      to: {
        path: "^services/(reform-tasks|direct-clearance|investment-filings|negative-list)/",
        pathNot: "^services/[^/]+/index\\.ts$",
      },
    },
    {
      name: "contexts-do-not-import-each-other",
      severity: "error",
      comment:
        "A context talks to another through contracts, the event store, or what the other offers in its index.ts (services/negative-list/index.ts: the edition in force and the check), never its inner files.",
      from: { path: "^services/(reform-tasks|direct-clearance|investment-filings|negative-list)/" },
      to: {
        path: "^services/(reform-tasks|direct-clearance|investment-filings|negative-list)/",
        pathNot: ["^services/$1/", "^services/[^/]+/index\\.ts$"],
      },
    },
    {
      name: "nothing-imports-tests",
      severity: "error",
      comment: "Product code never imports test code (scripts/ are development tools: the soak drives the test stack).",
      from: { path: "^(contracts|services|projections|infra)/" },
      to: { path: "^test/" },
    },
    {
      name: "only-processes-know-infra",
      severity: "error",
      comment:
        "Migrations and process boot (infra/) are known to the processes only: the API, the relay, the projection worker, the operator command line (services/operator/), and tools.",
      from: {
        path: "^(contracts|services|projections)/",
        pathNot: "^(services/api/main\\.ts|services/relay/main\\.ts|projections/worker\\.ts|services/operator/)",
      },
      to: { path: "^infra/" },
    },
    {
      name: "console-imports-only-contracts",
      severity: "error",
      comment:
        "The web console (services/console/) runs in the browser: it talks to the API through the contract's generated types and reads the contract's reference data, nothing else of ours.",
      from: { path: "^services/console/" },
      to: { path: "^(services/(?!console/)|projections/|infra/|test/|scripts/|bench/)" },
    },
    {
      name: "console-loads-no-schema-code",
      severity: "error",
      comment:
        "What the console imports from contracts/ at run time is shipped to every browser: only the generated types (type-only), the industry classification and the status names, which carry no zod. Type-only imports are free.",
      from: { path: "^services/console/" },
      to: {
        path: "^contracts/",
        pathNot:
          "^contracts/(generated/|identifiers/industry-class\\.ts$|identifiers/data/|reform-tasks/task-status-names\\.ts$)",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "nothing-imports-the-console",
      severity: "error",
      comment:
        "Only the browser loads the console's code; the API serves its built files (services/api/console-static.ts).",
      from: { path: "^(contracts/|services/(?!console/)|projections/|infra/|scripts/|bench/)" },
      to: { path: "^services/console/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: {
      path: "^(node_modules|contracts/generated|contracts/client/dist|services/console/dist|\\.data|\\.stack)/",
    },
  },
};
