/**
 * What the reform-tasks context offers the processes and the read side: its command and stream
 * routes, the file import (with the year's refs known to the read side passed in, see
 * `taskFileRoutes`), the first-start seed, its code lists (departments, reform fields) and the
 * task-list file format the export writes. Code outside the context imports this file only
 * (.dependency-cruiser.cjs).
 */
export { Department, ReformField, reformCodeLists } from "./code-lists";
export { SEED_LIST, seedTaskList } from "./seed";
export { taskFileRoutes, type YearRefs } from "./task-file-routes";
export {
  EXPORT_ONLY_COLUMNS,
  IMPORT_COLUMNS,
  MEDIA_TYPES,
  type OutputTable,
  taskListFileContent,
  writeCsv,
  writeXlsx,
} from "./task-list-file";
export { taskRoutes } from "./task-routes";
export { filterCodeErrors } from "./task-validation";
