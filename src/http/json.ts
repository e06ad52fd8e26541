import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.ts';
import { HttpErrors } from './problems.ts';

/** Deeper JSON is no request Castellan takes (resource settings are a few levels at most). */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a parsed JSON value, without recursion (a deep value must not exhaust the stack here either). */
export function jsonDepth(value: unknown, stopAt = MAX_JSON_DEPTH + 1): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) max = depth;
    if (max >= stopAt) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return max;
}

/**
 * SEC-3: JSON bodies are parsed as Fastify does (prototype poisoning refused), then refused when
 * nested deeper than MAX_JSON_DEPTH: such a value could be stored, and then fail every answer
 * that serializes it.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    void parse(req, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      if (jsonDepth(value) > MAX_JSON_DEPTH) return done(new AppError(HttpErrors.bodyTooDeep, `JSON bodies may be nested at most ${MAX_JSON_DEPTH} levels deep.`), undefined);
      done(null, value);
    });
  });
}
