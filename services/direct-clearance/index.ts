/**
 * What the direct-clearance context offers the processes and the read side: the declaration
 * routes (lodge, amend, withdraw, milestones, read from the stream), the first-start sample seed
 * and its code lists (customs offices, ports). Code outside the context imports this file only
 * (.dependency-cruiser.cjs).
 */
export { clearanceCodeLists } from "./code-lists";
export { declarationRoutes } from "./declaration-routes";
export { SEED_SAMPLE, seedDeclarations } from "./seed";
