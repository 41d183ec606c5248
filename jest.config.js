/** Jest: TypeScript transpiled by @swc/jest (no type-check here; `npm run typecheck` does that). */
module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  testMatch: ["**/*.test.ts"],
  // The fault suite restarts PostgreSQL and kills processes: scripts/test.sh runs it alone, in
  // band, after the rest (FAULT_SUITE=1 selects it).
  testPathIgnorePatterns: ["/node_modules/", "/.stack/", ...(process.env.FAULT_SUITE === "1" ? [] : ["/test/faults/"])],
  testTimeout: 120000,
  maxWorkers: 2,
  // kafkajs leaves retry timers behind after disconnect; without this Jest can wait forever after the last test.
  forceExit: true,
  globalSetup: "<rootDir>/test/support/global-setup.ts",
};
