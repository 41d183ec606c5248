/**
 * What the reference-data context (the negative lists) offers the other contexts: the edition
 * of a scope in force on a date, read from the event store, and the check of a proposed
 * investment against it. Other contexts import this file only (.dependency-cruiser.cjs).
 */
export { editionInForceOn } from "./edition-publishing";
export { CheckQuestionError, checkAgainst } from "./negative-list-check";
