/**
 * How long `lieutenant validate` takes on a large inventory: 10,000 to
 * 100,000 hosts in one group (each `hN: { address: … }`), an http check
 * templated per host, and the example playbook targeting the group. Each
 * size is committed to a real rollout repo and validated through `loadRepo`
 * (git read, YAML, schema, rules) and, for the phases, in memory. The target
 * is 100,000 hosts in under 5 s; the figures are printed, nothing asserted.
 *
 *   npx tsx bench/validate.bench.ts            (BENCH_VALIDATE_HOSTS=20000,100000 to choose)
 */
import { checkInventoryFile } from '../src/spec/spec-file.js';
import { inventoryRules } from '../src/spec/inventory-rules.js';
import { loadRepo } from '../src/spec/repo.js';
import { parseYaml } from '../src/spec/yaml-source.js';
import { Inventory } from '../src/spec/schema.js';
import { fixtureFiles, makeSpecRepo } from '../src/spec/testing/spec-repo.js';

const SIZES = (process.env.BENCH_VALIDATE_HOSTS ?? '10000,50000,100000').split(',').map(Number);
const TARGET_MS = 5_000;

function inventory(hosts: number): string {
  const lines = [
    'environment: staging',
    'groups:',
    '  web:',
    '    packageManager: apt',
    '    health:',
    '      - http: { url: "http://{{host.address}}:8080/health", bodyContains: "{{packages.demo}}" }',
    '    hosts:',
  ];
  for (let index = 0; index < hosts; index++)
    lines.push(`      h${index}: { address: 10.${index >> 16}.${(index >> 8) & 255}.${index & 255} }`);
  return `${lines.join('\n')}\n`;
}

const time = <T>(work: () => T): [T, number] => {
  const start = performance.now();
  const result = work();
  return [result, performance.now() - start];
};

const product = await fixtureFiles('example');
console.log('hosts     total (git+all)   yaml      schema    rules     target');
for (const hosts of SIZES) {
  const text = inventory(hosts);
  const repo = await makeSpecRepo();
  try {
    await repo.commit({ ...product, 'inventories/staging.yaml': text });
    const start = performance.now();
    const result = await loadRepo(repo.dir);
    const totalMs = performance.now() - start;
    if (!result.ok) throw new Error(`the generated repo does not validate: ${result.error[0]?.message}`);
    const [yaml, yamlMs] = time(() => parseYaml('inventories/staging.yaml', text));
    const [, schemaMs] = time(() => Inventory.safeParse(yaml.value));
    const checked = checkInventoryFile('inventories/staging.yaml', text);
    const [, rulesMs] = time(() => (checked.ok ? inventoryRules(checked.value) : []));
    const verdict = hosts === 100_000 ? (totalMs < TARGET_MS ? 'met (< 5 s)' : 'MISSED (≥ 5 s)') : '';
    const ms = (value: number) => `${Math.round(value)} ms`.padEnd(10);
    console.log(
      `${String(hosts).padEnd(10)}${ms(totalMs).padEnd(18)}${ms(yamlMs)}${ms(schemaMs)}${ms(rulesMs)}${verdict}`,
    );
  } finally {
    await repo.remove();
  }
}
