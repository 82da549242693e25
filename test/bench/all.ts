/**
 * `npm run bench`: the store benchmark, then the charge-run benchmark, in one process so that
 * options (`--quick`) reach both. Each prints its table and writes bench-results/<name>-*.json.
 */
await import('./run.js');
await import('./chargerun.js');
