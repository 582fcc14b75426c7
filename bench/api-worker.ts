/**
 * `bench:api` in a process of its own, for a caller that runs another local platform (a process
 * holds one: the handlers read their table and endpoints once, at cold start). Prints the report as
 * JSON on its last line. `tsx bench/api-worker.ts <payouts> <concurrency> <warmup> [dynamodb endpoint]`
 */
import { runApiBench } from './api-run.js';

const [payouts, concurrency, warmup, dynamodbEndpoint] = process.argv.slice(2);
const report = await runApiBench({
  payouts: Number(payouts),
  concurrency: Number(concurrency),
  warmup: Number(warmup),
  dynamodbEndpoint,
});
console.log(JSON.stringify(report));
