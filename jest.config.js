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
  testPathIgnorePatterns: ["/node_modules/", "/.stack/"],
  testTimeout: 120000,
  maxWorkers: 2,
  // kafkajs leaves retry timers behind after disconnect; without this Jest can wait forever after the last test.
  forceExit: true,
  globalSetup: "<rootDir>/test/support/global-setup.ts",
};
