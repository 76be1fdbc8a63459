/**
 * Bad specs, each a small edit of the example rollout repo
 * (test/fixtures/spec/example: staging's web hosts and playbook web, laid out
 * as the complete example of docs/rollout-repo.md), with where the error
 * must point and what it must say. Used by bad-specs.test.ts.
 */
export interface BadSpecCase {
  name: string;
  /** file → [text to find in the example, replacement]; the text must be there. */
  edit?: Record<string, [string, string][]>;
  /** Extra files, added as they are. */
  add?: Record<string, string>;
  /** `file:line:col` of the error. */
  at: string;
  /** A substring of its message. */
  says: string;
}

import { BAD_ANALYSIS_SPECS, INV, PB } from './bad-analysis-specs.cases.js';
import { BAD_STEP_SPECS } from './bad-step-specs.cases.js';

export const BAD_SPECS: BadSpecCase[] = [
  // YAML itself
  {
    name: 'unclosed flow sequence',
    edit: { [PB]: [['batches: ["50%", "50%"]', 'batches: ["50%", "50%"']] },
    at: 'playbooks/web.yaml:9:3',
    says: 'YAML syntax error',
  },
  {
    name: 'tab indentation',
    edit: { [PB]: [['    packages:', '\tpackages:']] },
    at: 'playbooks/web.yaml:5:1',
    says: 'YAML syntax error',
  },
  {
    name: 'duplicate top-level key',
    edit: { [PB]: [['inventory: staging\n', 'inventory: staging\nrollout: web\n']] },
    at: 'playbooks/web.yaml:3:1',
    says: 'duplicate key "rollout"',
  },
  {
    name: 'duplicate host in a group',
    edit: { [INV]: [['      web-02: {', '      web-01: { address: 127.0.1.19 }\n      web-02: {']] },
    at: 'inventories/staging.yaml:20:7',
    says: 'duplicate key "web-01"',
  },
  {
    name: 'two documents in one file',
    edit: { [PB]: [['drain:', '---\ndrain:']] },
    at: 'playbooks/web.yaml:17:1',
    says: 'a spec file holds one YAML document: remove this "---" line',
  },
  // unknown keys
  {
    name: 'misspelt strategy key',
    edit: { [PB]: [['concurrency: 10', 'concurency: 10']] },
    at: 'playbooks/web.yaml:9:3',
    says: 'unknown key "concurency" in strategy (did you mean "concurrency"?); valid keys: batches, concurrency',
  },
  {
    name: 'misspelt top-level key',
    edit: { [PB]: [['targets:', 'target:']] },
    at: 'playbooks/web.yaml:3:1',
    says: 'unknown key "target" (did you mean "targets"?)',
  },
  {
    name: 'misspelt host key',
    edit: { [INV]: [['web-04: { address:', 'web-04: { adress:']] },
    at: 'inventories/staging.yaml:22:17',
    says: 'unknown key "adress" in groups.web.hosts.web-04 (did you mean "address"?)',
  },
  {
    name: 'snake_case ssh key',
    edit: { [INV]: [['identityFile:', 'identity_file:']] },
    at: 'inventories/staging.yaml:5:3',
    says: 'did you mean "identityFile"?',
  },
  {
    name: 'misspelt check kind',
    edit: { [INV]: [['- tcp: { port: 22 }', '- tpc: { port: 22 }']] },
    at: 'inventories/staging.yaml:25:9',
    says: 'unknown key "tpc" in groups.web.health[1] (did you mean "tcp"?)',
  },
  // wrong types
  {
    name: 'concurrency as a string',
    edit: { [PB]: [['concurrency: 10', 'concurrency: "10"']] },
    at: 'playbooks/web.yaml:9:16',
    says: 'strategy.concurrency: expected a number, found "10"',
  },
  {
    name: 'packages as a list',
    edit: { [PB]: [['      demo: "1.1"', '      - demo']] },
    at: 'playbooks/web.yaml:6:7',
    says: 'targets.web.packages: expected a map, found a list',
  },
  {
    name: 'ssh port as text',
    edit: { [INV]: [['port: 22\n', 'port: ssh\n']] },
    at: 'inventories/staging.yaml:4:9',
    says: 'ssh.port: expected a number, found "ssh"',
  },
  {
    name: 'runtime-API connections above the bound',
    edit: { [INV]: [['    backend: app\n', '    backend: app\n    maxConnections: 64\n']] },
    at: 'inventories/staging.yaml:14:21',
    says: 'loadBalancers.edge.maxConnections: expected a whole number of connections from 1 to 50, found the number 64',
  },
  {
    name: 'runtime-API connections of 0',
    edit: { [INV]: [['    backend: app\n', '    backend: app\n    maxConnections: 0\n']] },
    at: 'inventories/staging.yaml:14:21',
    says: 'loadBalancers.edge.maxConnections: expected a whole number of connections from 1 to 50, found the number 0',
  },
  {
    name: 'successThreshold of 0',
    edit: { [PB]: [['successThreshold: 2', 'successThreshold: 0']] },
    at: 'playbooks/web.yaml:16:21',
    says: 'health.successThreshold: expected a number of at least 1, found the number 0',
  },
  {
    name: 'missing inventory key',
    edit: { [PB]: [['inventory: staging\n', '']] },
    at: 'playbooks/web.yaml:1:1',
    says: 'missing required key "inventory"',
  },
  {
    name: 'empty playbook',
    add: { 'playbooks/empty.yaml': '# nothing yet\n' },
    at: 'playbooks/empty.yaml:1:1',
    says: 'the file is empty; expected a map with the keys: rollout, inventory',
  },
  {
    name: 'check with two kinds',
    edit: { [INV]: [['- tcp: { port: 22 }', '- tcp: { port: 22 }\n        http: { url: "http://x" }']] },
    at: 'inventories/staging.yaml:25:9',
    says: 'a health check has exactly one of: http, tcp, command (found: tcp, http)',
  },
  // enums
  {
    name: 'unknown package manager',
    edit: { [INV]: [['packageManager: apt', 'packageManager: apk']] },
    at: 'inventories/staging.yaml:16:21',
    says: 'found "apk"; expected one of: apt, dnf, yum, zypper (did you mean "apt"?)',
  },
  {
    name: 'unknown onFailure',
    edit: { [PB]: [['onFailure: rollback', 'onFailure: continue']] },
    at: 'playbooks/web.yaml:12:14',
    says: 'expected one of: rollback, halt',
  },
  {
    name: 'unknown pause',
    edit: { [PB]: [['pause: approve', 'pause: sometimes']] },
    at: 'playbooks/web.yaml:11:10',
    says: 'strategy.pause: expected approve, none, or a duration from 1s to 24h, such as "30s", found "sometimes"',
  },
  {
    name: 'misspelt pause word',
    edit: { [PB]: [['pause: approve', 'pause: aprove']] },
    at: 'playbooks/web.yaml:11:10',
    says: 'found "aprove" (did you mean "approve"?)',
  },
  {
    name: 'unknown hostKeyPolicy',
    edit: { [INV]: [['hostKeyPolicy: strict', 'hostKeyPolicy: trust']] },
    at: 'inventories/staging.yaml:7:18',
    says: 'expected one of: strict, accept-new',
  },
  // durations and shares
  {
    name: 'duration with a space',
    edit: { [PB]: [['interval: 1s', 'interval: 1 sec']] },
    at: 'playbooks/web.yaml:14:13',
    says: 'health.interval: expected a duration from 100ms to 10m, such as "500ms", "30s" or "5m", found "1 sec"',
  },
  {
    name: 'duration as a number',
    edit: { [PB]: [['timeout: 30s', 'timeout: 30']] },
    at: 'playbooks/web.yaml:18:12',
    says: 'drain.timeout: expected a duration from 0s to 24h, such as "500ms", "30s" or "5m", found the number 30',
  },
  {
    name: 'share above 100%',
    edit: { [PB]: [['batches: ["50%", "50%"]', 'batches: ["50%", "150%"]']] },
    at: 'playbooks/web.yaml:8:20',
    says: 'strategy.batches[1]: expected a share of the group such as "25%" (1% to 100%), found "150%"',
  },
  {
    name: 'share of 0%',
    edit: { [PB]: [['maxUnavailable: "50%"', 'maxUnavailable: "0%"']] },
    at: 'playbooks/web.yaml:10:19',
    says: 'found "0%"',
  },
  {
    name: 'share that is not a number',
    edit: { [PB]: [['batches: ["50%", "50%"]', 'batches: ["abc%"]']] },
    at: 'playbooks/web.yaml:8:13',
    says: 'found "abc%"',
  },
  {
    name: 'batch of zero hosts',
    edit: { [PB]: [['batches: ["50%", "50%"]', 'batches: 0']] },
    at: 'playbooks/web.yaml:8:12',
    says: 'at least 1 host',
  },
  // versions and injection
  {
    name: 'version written as a number',
    edit: { [PB]: [['demo: "1.1"', 'demo: 1.10']] },
    at: 'playbooks/web.yaml:6:13',
    says: 'version 1.10 is a YAML number (read as 1.1); quote it so it stays as written: demo: "1.10"',
  },
  {
    name: 'shell in a version',
    edit: { [PB]: [['demo: "1.1"', 'demo: "1.1; rm -rf /"']] },
    at: 'playbooks/web.yaml:6:13',
    says: 'a package version: letters, digits and ". + ~ ^ _ -"',
  },
  {
    name: 'shell in a package name',
    edit: { [PB]: [['demo: "1.1"', '"demo$(id)": "1.1"']] },
    at: 'playbooks/web.yaml:6:7',
    says: 'invalid key "demo$(id)": expected a package name',
  },
  {
    name: 'upper case in an apt package name',
    edit: { [PB]: [['demo: "1.1"', 'Demo: "1.1"']] },
    at: 'playbooks/web.yaml:6:7',
    says: 'package "Demo" is not a valid Debian package name for group "web" (apt): lowercase letters',
  },
  {
    name: 'apt version not starting with a digit',
    edit: { [PB]: [['demo: "1.1"', 'demo: "v1.1"']] },
    at: 'playbooks/web.yaml:6:13',
    says: 'not a valid Debian version for group "web" (apt): starts with a digit',
  },
  {
    name: 'shell in a template',
    edit: { [INV]: [['{{packages.demo}}', '{{packages.$(id)}}']] },
    at: 'inventories/staging.yaml:24:89',
    says: 'unknown template {{packages.$(id)}}: "$(id)" is not a package name',
  },
  {
    name: 'unknown host field in a template',
    edit: { [INV]: [['{{host.address}}', '{{host.password}}']] },
    at: 'inventories/staging.yaml:24:30',
    says: 'unknown template {{host.password}}; templates may be {{host.address}}, {{host.name}} or {{packages.NAME}}',
  },
  {
    name: 'misspelt host field in a template',
    edit: { [INV]: [['{{host.address}}', '{{host.adress}}']] },
    at: 'inventories/staging.yaml:24:30',
    says: '(did you mean "host.address"?)',
  },
  {
    name: 'unclosed template',
    edit: { [INV]: [['{{host.address}}', '{{host.address']] },
    at: 'inventories/staging.yaml:24:22',
    says: 'unclosed template',
  },
  // dangling references
  {
    name: 'inventory that does not exist',
    edit: { [PB]: [['inventory: staging', 'inventory: stagin']] },
    at: 'playbooks/web.yaml:2:12',
    says: 'inventory "stagin" does not exist: there is no inventories/stagin.yaml (did you mean "staging"?)',
  },
  {
    name: 'group not in the inventory',
    edit: { [PB]: [['  web:\n', '  wbe:\n']] },
    at: 'playbooks/web.yaml:4:3',
    says: 'group "wbe" is not in inventories/staging.yaml (did you mean "web"?)',
  },
  {
    name: 'load balancer not defined',
    edit: { [INV]: [['loadBalancer: edge', 'loadBalancer: [edge, edg]']] },
    at: 'inventories/staging.yaml:17:26',
    says: 'group "web" uses load balancer "edg", which loadBalancers does not define (did you mean "edge"?)',
  },
  {
    name: 'template package the playbook does not set',
    edit: { [INV]: [['{{packages.demo}}', '{{packages.nginx}}']] },
    at: 'inventories/staging.yaml:24:89',
    says: '{{packages.nginx}} is not a package that playbooks/web.yaml sets for group "web"; it sets: demo',
  },
  // duplicates and names
  {
    name: 'duplicate address',
    edit: { [INV]: [['127.0.1.14', '127.0.1.12']] },
    at: 'inventories/staging.yaml:22:26',
    says: 'address 127.0.1.12 is already used by host "web-02"',
  },
  {
    name: 'host name in two groups',
    edit: {
      [INV]: [
        [
          '      - tcp: { port: 22 }\n',
          '      - tcp: { port: 22 }\n  db:\n    packageManager: apt\n    hosts:\n      web-02: { address: 127.0.1.31 }\n',
        ],
      ],
    },
    at: 'inventories/staging.yaml:29:7',
    says: 'host "web-02" is already in group "web"',
  },
  {
    name: 'duplicate lbServer',
    edit: { [INV]: [['lbServer: web-03', 'lbServer: web-01']] },
    at: 'inventories/staging.yaml:21:48',
    says: 'server "web-01" of load balancer "edge" is already host "web-01"',
  },
  {
    name: 'rollout differs from the file name',
    edit: { [PB]: [['rollout: web', 'rollout: webapp']] },
    at: 'playbooks/web.yaml:1:10',
    says: 'rollout "webapp" does not match the file name: playbooks/web.yaml must say rollout: web',
  },
  {
    name: 'environment differs from the file name',
    edit: { [INV]: [['environment: staging', 'environment: prod']] },
    at: 'inventories/staging.yaml:1:14',
    says: 'environment "prod" does not match the file name',
  },
  {
    name: 'a .yml file',
    add: { 'playbooks/api.yml': 'rollout: api\n' },
    at: 'playbooks/api.yml',
    says: 'rename it to playbooks/api.yaml',
  },
  ...BAD_ANALYSIS_SPECS,
  ...BAD_STEP_SPECS,
];
