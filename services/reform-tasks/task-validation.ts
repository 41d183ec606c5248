/**
 * Reference-data checks on task input: department and reform-field codes must be in the data
 * files (an unknown one is refused by name), and a deadline must not fall before its list's year.
 * Returns field errors as JSON pointers so the HTTP layer and the import can each place them.
 */
import type { ReformCodeLists } from "./code-lists";

/** A field-level error: a JSON pointer (RFC 6901) below the checked object, and what is wrong there. */
export interface FieldError {
  pointer: string;
  detail: string;
}

/** Department and field references of a task input; absent members are not checked. */
export interface TaskReferences {
  field?: string;
  leadDepartment?: string;
  cooperatingDepartments?: readonly string[];
}

/** Errors for unknown department or field codes and duplicated cooperating departments. */
export function referenceErrors(input: TaskReferences, ref: ReformCodeLists): FieldError[] {
  const errors: FieldError[] = [];
  if (input.field !== undefined && !ref.fields.get(input.field)) {
    errors.push({ pointer: "/field", detail: ref.fields.unknown(input.field) });
  }
  if (input.leadDepartment !== undefined && !ref.departments.get(input.leadDepartment)) {
    errors.push({ pointer: "/leadDepartment", detail: ref.departments.unknown(input.leadDepartment) });
  }
  const seen = new Set<string>();
  input.cooperatingDepartments?.forEach((code, i) => {
    if (!ref.departments.get(code)) {
      errors.push({ pointer: `/cooperatingDepartments/${i}`, detail: ref.departments.unknown(code) });
    } else if (seen.has(code)) {
      errors.push({ pointer: `/cooperatingDepartments/${i}`, detail: `department ${code} is listed twice` });
    }
    seen.add(code);
  });
  return errors;
}

/** An error when `deadline` (YYYY-MM-DD) falls before 1 January of the list's `year`. */
export function deadlineError(year: number, deadline: string): FieldError | null {
  return deadline < `${year}-01-01`
    ? { pointer: "/deadline", detail: `deadline ${deadline} is before the ${year} list's year` }
    : null;
}

/**
 * 400 errors for filter codes no department or field has (`department=nosuch`): a filter that can
 * never match is a mistake to report, as the request bodies' codes are, not an empty list.
 */
export function filterCodeErrors(filter: { department?: string; field?: string }, ref: ReformCodeLists): FieldError[] {
  const errors: FieldError[] = [];
  if (filter.department !== undefined && !ref.departments.get(filter.department)) {
    errors.push({ pointer: "/query/department", detail: ref.departments.unknown(filter.department) });
  }
  if (filter.field !== undefined && !ref.fields.get(filter.field)) {
    errors.push({ pointer: "/query/field", detail: ref.fields.unknown(filter.field) });
  }
  return errors;
}
