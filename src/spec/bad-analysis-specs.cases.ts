/**
 * Bad specs of what runs around the rollout itself — the playbook's
 * `analysis`, the inventory's `notifications` and `sync` — in the shape of
 * bad-specs.cases.ts, which includes them.
 */
import type { BadSpecCase } from './bad-specs.cases.js';

export const PB = 'playbooks/web.yaml';
export const INV = 'inventories/staging.yaml';
const HEALTH_END = '      - tcp: { port: 22 }';
const DRAIN = '  timeout: 30s                 # wait for current sessions to reach 0, then maint';
/** An `analysis` block after the playbook's last line, its one metric ending with `rest` (line 21 is `- name: errors`). */
const analysis = (rest: string) =>
  `analysis:\n  metrics:\n    - name: errors\n      haproxy: { measure: http5xxRate }\n      ${rest}`;

export const BAD_ANALYSIS_SPECS: BadSpecCase[] = [
  // Manual sync
  {
    name: 'sync policy that is neither automatic nor manual',
    edit: { [INV]: [['environment: staging', 'environment: staging\nsync: sometimes']] },
    at: 'inventories/staging.yaml:2:7',
    says: 'automatic',
  },
  // analysis (playbook) and notifications (inventory)
  {
    name: 'analysis condition that is an expression',
    edit: { [PB]: [[DRAIN, `${DRAIN}\n${analysis('pass: "< 0.05"\n      fail: "rate > 0.2"')}`]] },
    at: 'playbooks/web.yaml:24:13',
    says: 'a comparison and a number: <, <=, >, >=, == or != then e.g. 0.05',
  },
  {
    name: 'analysis condition without a number',
    edit: { [PB]: [[DRAIN, `${DRAIN}\n${analysis('pass: "<"')}`]] },
    at: 'playbooks/web.yaml:23:13',
    says: 'as in "< 0.05"',
  },
  {
    name: 'analysis metric with two providers',
    edit: {
      [PB]: [
        [
          DRAIN,
          `${DRAIN}\n${analysis('prometheus: { url: "http://127.0.0.1:9090", query: "up" }\n      pass: "< 1"')}`,
        ],
      ],
    },
    at: 'playbooks/web.yaml:21:7',
    says: 'a metric has exactly one of: haproxy, prometheus',
  },
  {
    name: 'baseline on a prometheus metric',
    edit: {
      [PB]: [
        [
          DRAIN,
          `${DRAIN}\nanalysis:\n  metrics:\n    - name: latency\n      prometheus: { url: "http://127.0.0.1:9090", query: "up" }\n      baseline: true\n      pass: "< 1"`,
        ],
      ],
    },
    at: 'playbooks/web.yaml:23:17',
    says: 'baseline: true compares HAProxy servers',
  },
  {
    name: 'unknown template in a prometheus query',
    edit: {
      [PB]: [
        [
          DRAIN,
          `${DRAIN}\nanalysis:\n  metrics:\n    - name: latency\n      prometheus: { url: "http://127.0.0.1:9090", query: 'up{instance=~"{{batch.adresses}}"}' }\n      pass: "< 1"`,
        ],
      ],
    },
    at: 'playbooks/web.yaml:22:73',
    says: '{{batch.adresses}} is not a template a query can use (did you mean "batch.addresses"?)',
  },
  {
    name: 'unknown haproxy measure',
    edit: { [PB]: [[DRAIN, `${DRAIN}\n${analysis('pass: "< 1"').replace('http5xxRate', 'errorRate')}`]] },
    at: 'playbooks/web.yaml:22:27',
    says: 'errorRate',
  },
  {
    name: 'two metrics with one name',
    edit: {
      [PB]: [
        [
          DRAIN,
          `${DRAIN}\n${analysis('pass: "< 1"')}\n    - name: errors\n      haproxy: { measure: responseTimeMs }\n      pass: "< 300"`,
        ],
      ],
    },
    at: 'playbooks/web.yaml:24:13',
    says: 'metric name "errors" is used twice',
  },
  {
    name: 'webhook URL with a token in its query',
    edit: {
      [INV]: [
        [HEALTH_END, `${HEALTH_END}\nnotifications:\n  - webhook: { url: "https://hooks.example.com/x?token=abc" }`],
      ],
    },
    at: 'inventories/staging.yaml:27:21',
    says: 'a URL carrying a token belongs in urlEnv or urlFile',
  },
  {
    name: 'webhook with two URL sources',
    edit: {
      [INV]: [
        [HEALTH_END, `${HEALTH_END}\nnotifications:\n  - webhook: { urlEnv: SLACK_URL, urlFile: /etc/slack-url }`],
      ],
    },
    at: 'inventories/staging.yaml:27:14',
    says: 'a webhook has exactly one of: url, urlEnv, urlFile',
  },
];
