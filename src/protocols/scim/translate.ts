import type { DirectoryFilter } from '../../modules/directory/index.ts';
import { ScimError } from './errors.ts';
import type { ScimFilter } from './filter.ts';

/**
 * PRO-4: a SCIM filter in the directory's filter language, which the directory compiles to SQL
 * (never by loading the directory). Attributes keep their SCIM paths, lower-cased; a value path
 * (`emails[type eq "work"]`) becomes its sub-attributes' paths under its own. Every path must be
 * one the directory knows for the resource (`known`): another is refused with `invalidFilter`,
 * as RFC 7644 §3.4.2.2 asks, rather than silently matching nothing.
 *
 * The operators map onto the language's assertions: eq is equality, co/sw/ew substrings, ge and le
 * ordering, gt and lt ordering without equality, ne the negation of equality, pr presence. Values
 * are compared as text: booleans as "true"/"false", numbers as written, dates as ISO 8601 text.
 */
export function toDirectoryFilter(f: ScimFilter, known: readonly string[]): DirectoryFilter {
  const paths = new Set(known);
  const attr = (path: string, prefix: string): string => {
    const p = (prefix ? `${prefix}.${path}` : path).toLowerCase();
    if (!paths.has(p)) throw new ScimError(400, 'invalidFilter', `The filter names an attribute that cannot be filtered on: ${(prefix ? `${prefix}.${path}` : path).slice(0, 200)}.`);
    return p;
  };
  const walk = (f: ScimFilter, prefix: string): DirectoryFilter => {
    switch (f.op) {
      case 'and':
      case 'or':
        return { type: f.op, filters: f.filters.map((s) => walk(s, prefix)) };
      case 'not':
        return { type: 'not', filter: walk(f.filter, prefix) };
      case 'valuePath':
        if (prefix) throw new ScimError(400, 'invalidFilter', 'Value paths cannot be nested.');
        return walk(f.filter, f.path);
      case 'pr':
        return { type: 'present', attribute: attr(f.path, prefix) };
      default: {
        const attribute = attr(f.path, prefix);
        if (f.value === null) {
          // RFC 7644 §3.4.2.2: eq null is "not present"; ne null is "present".
          if (f.op === 'eq') return { type: 'not', filter: { type: 'present', attribute } };
          if (f.op === 'ne') return { type: 'present', attribute };
          throw new ScimError(400, 'invalidFilter', `null can only be compared with eq or ne.`);
        }
        const value = String(f.value);
        switch (f.op) {
          case 'eq':
            return { type: 'equal', attribute, value };
          case 'ne':
            return { type: 'not', filter: { type: 'equal', attribute, value } };
          case 'co':
            return { type: 'substrings', attribute, any: [value] };
          case 'sw':
            return { type: 'substrings', attribute, initial: value, any: [] };
          case 'ew':
            return { type: 'substrings', attribute, any: [], final: value };
          case 'ge':
            return { type: 'greaterOrEqual', attribute, value };
          case 'le':
            return { type: 'lessOrEqual', attribute, value };
          case 'gt':
            return { type: 'and', filters: [{ type: 'greaterOrEqual', attribute, value }, { type: 'not', filter: { type: 'equal', attribute, value } }] };
          case 'lt':
            return { type: 'and', filters: [{ type: 'lessOrEqual', attribute, value }, { type: 'not', filter: { type: 'equal', attribute, value } }] };
        }
      }
    }
  };
  return walk(f, '');
}
