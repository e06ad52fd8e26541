/** `npm run bench -- rights`: the dispatcher runs `*.bench.ts`; the benchmark itself is bench/rights.ts. */
export { run } from './rights.ts';
