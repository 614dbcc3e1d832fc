// `pnpm fuzz [--count N] [--seed S] [--concurrency C]`: random valid and invalid operations against a fresh test
// stack (its own database on DATABASE_URL's server, or an embedded PostgreSQL), then a summary
// of the answers by status and code and every fault with the seed and index that reproduce it.
// Exits 1 when there is a fault, or when the stack logged a warning or an error meanwhile.
import { parseArgs } from 'node:util';
import globalSetup from '../db/src/testing/global-setup.js';
import globalTeardown from '../db/src/testing/global-teardown.js';
import { formatReport, prepareFuzzData, runFuzz } from '../tests/fuzz/run.js';
import { startStack } from '../tests/support/stack.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: String(Date.now()) },
    concurrency: { type: 'string', default: '1' },
  },
});
const count = Number(values.count);
const concurrency = Number(values.concurrency);
for (const [name, value] of [['count', count], ['concurrency', concurrency]] as const) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} must be a positive whole number, got "${values[name]}"`);
    process.exit(2);
  }
}

await globalSetup();
let faults = 0;
try {
  const stack = await startStack({ gateway: { LOG_LEVEL: 'warn' } });
  try {
    const pools = await prepareFuzzData(stack);
    console.log(`fuzz: ${count} operations, seed ${values.seed}, ${concurrency} at a time`);
    const report = await runFuzz(stack, pools, {
      count,
      seed: values.seed,
      concurrency,
      onAnswer: (done) => {
        if (done % 500 === 0 && done < count) console.log(`  ${done} answered`);
      },
    });
    faults = report.faults.length + report.serverLogs.length;
    console.log(formatReport(report));
  } finally {
    await stack.stop();
  }
} finally {
  await globalTeardown();
}
process.exit(faults ? 1 : 0);
