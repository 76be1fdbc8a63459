/**
 * Specs a hostile or careless user writes that used to validate and mean
 * something else, crash, or hang. Same shape as bad-specs.cases.ts;
 * each case failed before the hardening it names.
 */
import type { BadSpecCase } from './bad-specs.cases.js';

const PB = 'playbooks/web.yaml';
const INV = 'inventories/staging.yaml';
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const BILLION_LAUGHS = [
  'rollout: bomb',
  'inventory: staging',
  'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name, index) => {
    const previous = String.fromCharCode('a'.charCodeAt(0) + index);
    return `${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`;
  }),
  '',
].join('\n');

export const HOSTILE_SPECS: BadSpecCase[] = [
  // durations out of bounds: Node's timers fire after 1 ms above 2^31-1 ms; zero waits forever or spins
  {
    name: 'a pause longer than a timer can hold',
    edit: { [PB]: [['pause: approve', 'pause: 597h']] },
    at: 'playbooks/web.yaml:11:10',
    says: 'strategy.pause: expected a duration from 1s to 24h, such as "500ms", "30s" or "5m", found "597h"',
  },
  {
    name: 'a zero health interval',
    edit: { [PB]: [['interval: 1s', 'interval: 0s']] },
    at: 'playbooks/web.yaml:14:13',
    says: 'health.interval: expected a duration from 100ms to 10m',
  },
  {
    name: 'a zero health timeout',
    edit: { [PB]: [['timeout: 60s', 'timeout: 0ms']] },
    at: 'playbooks/web.yaml:15:12',
    says: 'health.timeout: expected a duration from 1s to 24h',
  },
  {
    name: 'a huge health timeout',
    edit: { [PB]: [['timeout: 60s', 'timeout: 99999999h']] },
    at: 'playbooks/web.yaml:15:12',
    says: 'found "99999999h"',
  },
  {
    name: 'a zero SSH connect timeout',
    edit: { [INV]: [['  become: none', '  connectTimeout: 0s\n  become: none']] },
    at: 'inventories/staging.yaml:8:19',
    says: 'ssh.connectTimeout: expected a duration from 1s to 10m, such as "500ms", "30s" or "5m", found "0s"',
  },
  {
    name: 'a check timeout of 600 hours',
    edit: { [INV]: [['- tcp: { port: 22 }', '- tcp: { port: 22, timeout: 600h }']] },
    at: 'inventories/staging.yaml:25:35',
    says: 'groups.web.health[1].tcp.timeout: expected a duration from 100ms to 10m',
  },
  // counts and lengths out of bounds
  {
    name: 'a concurrency of a hundred thousand',
    edit: { [PB]: [['concurrency: 10', 'concurrency: 100000']] },
    at: 'playbooks/web.yaml:9:16',
    says: 'strategy.concurrency: expected a number of at most 1000',
  },
  {
    name: 'a success threshold of a thousand',
    edit: { [PB]: [['successThreshold: 2', 'successThreshold: 1000']] },
    at: 'playbooks/web.yaml:16:21',
    says: 'expected a number of at most 100',
  },
  {
    name: 'a host name of 65 characters',
    edit: { [INV]: [['web-04:', `${'w'.repeat(65)}:`]] },
    at: 'inventories/staging.yaml:22:7',
    says: 'a host name of at most 64 characters',
  },
  // keys that would change on parse
  {
    name: 'a host named __proto__',
    edit: { [INV]: [['web-04:', '__proto__:']] },
    at: 'inventories/staging.yaml:22:7',
    says: '"__proto__" cannot be a name here',
  },
  {
    name: 'a group named __proto__',
    edit: { [INV]: [['  web:\n', '  __proto__:\n']] },
    at: 'inventories/staging.yaml:15:3',
    says: '"__proto__" cannot be a name here',
  },
  {
    name: 'a target named like an Object method',
    edit: { [PB]: [['  web:\n', '  constructor:\n']] },
    at: 'playbooks/web.yaml:4:3',
    says: 'group "constructor" is not in inventories/staging.yaml',
  },
  {
    name: 'a host named by a plain number (JavaScript would move it first)',
    edit: { [INV]: [['web-04:', '2:']] },
    at: 'inventories/staging.yaml:22:7',
    says: 'invalid key "2": expected a host name that is not a plain whole number',
  },
  {
    name: 'a list as a key',
    edit: { [INV]: [['      web-04: { address: 127.0.1.14 }', '      ? [a, b]\n      : { address: 127.0.1.14 }']] },
    at: 'inventories/staging.yaml:22:9',
    says: 'a key must be a plain name, not a list, a map or an alias',
  },
  // addresses
  {
    name: 'an unbalanced IPv6 bracket',
    edit: { [INV]: [['127.0.1.14', '"[::1"']] },
    at: 'inventories/staging.yaml:22:26',
    says: 'an unbalanced "[" or "]"',
  },
  {
    name: 'an IPv4 address out of range',
    edit: { [INV]: [['127.0.1.14', '999.0.1.14']] },
    at: 'inventories/staging.yaml:22:26',
    says: 'not an IPv4 address',
  },
  {
    name: 'one IPv6 address written with and without brackets',
    edit: {
      [INV]: [
        ['127.0.1.13', '"::1"'],
        ['127.0.1.14', '"[0:0::1]"'],
      ],
    },
    at: 'inventories/staging.yaml:22:26',
    says: 'address [0:0::1] is already used by host "web-03" (as ::1)',
  },
  {
    name: 'one DNS name in two cases, once with a trailing dot',
    edit: {
      [INV]: [
        ['127.0.1.13', 'web-03.example.com'],
        ['127.0.1.14', 'WEB-03.Example.com.'],
      ],
    },
    at: 'inventories/staging.yaml:22:26',
    says: 'address WEB-03.Example.com. is already used by host "web-03" (as web-03.example.com)',
  },
  // health-check URLs after template expansion
  {
    name: 'an http check on port 99999',
    edit: { [INV]: [[':8080/health', ':99999/health']] },
    at: 'inventories/staging.yaml:24:22',
    says: 'for host "web-01" it becomes "http://127.0.1.11:99999/health": port 99999 is out of range (1 to 65535)',
  },
  {
    name: 'an IPv6 host in an http check without brackets',
    edit: { [INV]: [['127.0.1.14', '"::1"']] },
    at: 'inventories/staging.yaml:24:22',
    says: 'for host "web-04" it becomes "http://::1:8080/health": an IPv6 address in a URL needs brackets',
  },
  // YAML: library words, stack overflows, alias bombs
  {
    name: 'nesting deeper than any spec',
    edit: { [PB]: [['rollout: web', `rollout: web\ndescription: ${nested(100)}`]] },
    at: 'playbooks/web.yaml:2:77',
    says: 'nested more than 64 levels deep',
  },
  {
    name: 'nesting deep enough to overflow the stack',
    edit: { [PB]: [['rollout: web', `rollout: web\ndescription: ${nested(20_000)}`]] },
    at: 'playbooks/web.yaml:2',
    says: 'nested too deeply to read',
  },
  {
    name: 'an alias bomb',
    add: { 'playbooks/bomb.yaml': BILLION_LAUGHS },
    at: 'playbooks/bomb.yaml:8',
    says: 'an alias bomb?',
  },
  // what does nothing
  {
    name: 'a playbook with no targets',
    edit: { [PB]: [['targets:\n  web:\n    packages:\n      demo: "1.1"\n', 'targets: {}\n']] },
    at: 'playbooks/web.yaml:3:10',
    says: 'targets: at least one group',
  },
  {
    name: 'a target with no packages',
    edit: { [PB]: [['packages:\n      demo: "1.1"', 'packages: {}']] },
    at: 'playbooks/web.yaml:5:15',
    says: 'targets.web.packages: at least one package',
  },
  // files
  {
    name: 'a file name that is not a name',
    add: { 'playbooks/my web.yaml': 'rollout: my web\n' },
    at: 'playbooks/my web.yaml',
    says: "not read: a playbook's file name is its name",
  },
];
