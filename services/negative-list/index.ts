/**
 * What the negative-list context offers the processes, the read side and the other contexts: the
 * edition routes (publish, record as history, correct), the first-start seed of the shipped
 * editions, the edition of a scope in force on a date (read from the event store) and the check
 * of a proposed investment against it. Code outside the context imports this file only
 * (.dependency-cruiser.cjs).
 */
export { editionRoutes } from "./edition-routes";
export { editionInForceOn } from "./edition-publishing";
export { seedEditions } from "./edition-seed";
export { CheckQuestionError, checkAgainst } from "./negative-list-check";
