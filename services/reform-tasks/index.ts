/**
 * What the reform-tasks context offers the processes and the read side: its command and stream
 * routes, the file import (with the year's refs known to the read side passed in, see
 * `taskFileRoutes`), the first-start seed, its code lists (departments, reform fields, scope
 * names) and the task-list file format the export writes (columns, Chinese headers). Code outside the context imports this file only
 * (.dependency-cruiser.cjs).
 */
export { Department, ReformField, type ReformCodeLists, reformCodeLists, SCOPE_NAMES } from "./code-lists";
export { SEED_LIST, seedTaskList } from "./seed";
export { taskFileRoutes, type YearRefs } from "./task-file-routes";
export {
  CODED_COLUMNS,
  type CodedColumn,
  columnNameZh,
  EXPORT_ONLY_COLUMNS,
  type FileColumn,
  HEADERS_ZH,
  type HeaderStyle,
  IMPORT_COLUMNS,
  type ImportColumn,
  MEDIA_TYPES,
  type NameColumn,
  type OutputTable,
  taskListFileContent,
  writeCsv,
  writeXlsx,
} from "./task-list-file";
export { taskRoutes } from "./task-routes";
export { filterCodeErrors } from "./task-validation";
